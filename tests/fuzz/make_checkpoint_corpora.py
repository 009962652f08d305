#!/usr/bin/python3
"""Recreates the seed corpora of the checkpoint fuzz targets (tests/fuzz/<target>/corpus):
small valid files of every kind the readers accept, and a few they must refuse. Run:

    /usr/bin/python3 tests/fuzz/make_checkpoint_corpora.py
"""
import io
import json
import os
import struct
import sys
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "checkpoints"))
import spec_safetensors as spec  # noqa: E402


def put(target, name, data):
    d = os.path.join(HERE, target, "corpus")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def raw(header, data=b""):
    return struct.pack("<Q", len(header)) + header + data


def main():
    r = np.random.default_rng(0)
    tensors = {"conv.weight": r.standard_normal((4, 2, 3, 3)).astype(np.float32), "conv.bias": np.zeros(4, np.float32),
               "steps": np.array(3, np.int64), "mask": np.array([True, False]), "h": np.ones((2, 2), np.float16), "b": np.arange(5, dtype=np.uint8)}
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.safetensors")
        put("safetensors_header", "model.safetensors", spec.write(path, tensors, {"format": "pt", "axle.layout:conv.weight": "torch.conv2d (O, I, H, W)"}))
        put("safetensors_header", "empty.safetensors", spec.write(path, {}))
        put("safetensors_header", "metadata_only.safetensors", spec.write(path, {}, {"format": "pt"}))
    put("safetensors_header", "scalar_and_empty.safetensors",
        raw(b'{"z":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"e":{"dtype":"I64","shape":[0,3],"data_offsets":[0,0]}}', b"\0\0\x80?"))
    put("safetensors_header", "f8.safetensors", raw(b'{"q":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}      ', b"\x01\x02"))
    put("safetensors_header", "f4.safetensors", raw(b'{"q":{"dtype":"F4","shape":[4],"data_offsets":[0,2]}}', b"\x12\x34"))
    put("safetensors_header", "duplicate.safetensors", raw(b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', b"\0"))
    put("safetensors_header", "gap.safetensors", raw(b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', b"\0\0"))
    put("safetensors_header", "index.json", json.dumps({"metadata": {"total_size": 12},
                                                         "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}},
                                                        indent=2, sort_keys=True).encode() + b"\n")

    def npz(name, compressed=False, **arrays):
        b = io.BytesIO()
        (np.savez_compressed if compressed else np.savez)(b, **arrays)
        put("npz_reader", name, b.getvalue())

    npz("stored.npz", **tensors)
    npz("deflated.npz", compressed=True, **tensors)
    npz("empty.npz")
    npz("bf16_void.npz", w=np.zeros(3, np.uint16).view("V2"))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("readme.txt", b"not an array")
    put("npz_reader", "not_npy.npz", b.getvalue())


if __name__ == "__main__":
    main()
