"""A small safetensors reader and writer written from the format's specification
(huggingface/safetensors README.md, "Format"), for the tests: Debian has no safetensors package.

    8 bytes   N, the header length, little-endian u64
    N bytes   the header: UTF-8 JSON {"__metadata__": {str: str}, name: {"dtype", "shape",
              "data_offsets": [begin, end]}}, padded with spaces
    the rest  the tensors' bytes, little-endian, C order, offsets relative to this section

The writer orders tensors as the reference writer does (by dtype, widest first in the crate's
enum order, then by name: safetensors/src/tensor.rs, prepare) and writes compact JSON with
__metadata__ first, padded to a multiple of 8.
"""
import json
import struct

import numpy as np

# The crate's Dtype enum, in declaration order (safetensors/src/tensor.rs).
ENUM_ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ",
              "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64"]
TO_NUMPY = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "|i1", "U8": "|u1",
            "BOOL": "|b1", "U16": "<u2", "U32": "<u4", "U64": "<u8"}
FROM_NUMPY = {np.dtype(v).str: k for k, v in TO_NUMPY.items()}


def dtype_of(a):
    return FROM_NUMPY[np.dtype(a.dtype).newbyteorder("<").str if a.dtype.itemsize > 1 else a.dtype.str]


def write(path, tensors, metadata=None):
    """tensors: {name: numpy array}. Returns the file's bytes."""
    items = sorted(tensors.items(), key=lambda kv: (-ENUM_ORDER.index(dtype_of(kv[1])), kv[0].encode()))
    header = {}
    if metadata is not None:
        header["__metadata__"] = dict(sorted(metadata.items()))
    offset = 0
    for name, a in items:
        n = a.size * np.dtype(TO_NUMPY[dtype_of(a)]).itemsize
        header[name] = {"dtype": dtype_of(a), "shape": list(a.shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for _, a in items:  # one tensor at a time: checkpoints of a few GB stay cheap to write
            f.write(np.ascontiguousarray(a).astype(np.dtype(TO_NUMPY[dtype_of(a)]), copy=False).tobytes())
    if offset > 1 << 24:
        return None
    with open(path, "rb") as f:
        return f.read()


def read(path):
    """Returns ({name: numpy array}, metadata), checking the rules of the specification."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = data[8 + n:]
    out = {}
    end = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        b, e = info["data_offsets"]
        assert b == end, f"{path}: {name} does not follow the previous tensor"
        end = e
        a = np.frombuffer(body[b:e], dtype=np.dtype(TO_NUMPY[info["dtype"]])).reshape(info["shape"])
        out[name] = a
    assert end == len(body), f"{path}: {len(body) - end} bytes after the data"
    return out, metadata
