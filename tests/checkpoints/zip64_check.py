#!/usr/bin/python3
"""An .npz member over 4 GiB: axle writes it with zip64, Python's zipfile and NumPy's .npy header
reader accept it (the data is streamed and CRC-checked by zipfile, never held whole), and axle
reads it back. Slow (about 13 GB of disk traffic): not part of the suite; docs/checkpoints.md
records a run.

Usage: zip64_check.py path/to/axle [--dir DIR]"""
import argparse
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
from numpy.lib import format as npformat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_safetensors as spec  # noqa: E402

N = (1 << 32) + 4096 + 3  # bytes of one uint8 tensor: over 4 GiB


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("axle")
    ap.add_argument("--dir", default=None)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=a.dir) as tmp:
        p = lambda n: os.path.join(tmp, n)  # noqa: E731
        # Write the safetensors file by hand, streaming a repeating pattern: byte k is k % 251.
        header = ('{"big":{"dtype":"U8","shape":[%d],"data_offsets":[0,%d]},"small":{"dtype":"U8","shape":[3],"data_offsets":[%d,%d]}}'
                  % (N, N, N, N + 3)).encode()
        header += b" " * ((8 - len(header) % 8) % 8)
        chunk = (np.arange(251 * 4096, dtype=np.int64) % 251).astype(np.uint8).tobytes()
        with open(p("big.safetensors"), "wb") as f:
            f.write(len(header).to_bytes(8, "little") + header)
            left = N
            while left > 0:
                n = min(left, len(chunk))
                f.write(chunk[:n])
                left -= n
            f.write(b"\x01\x02\x03")
        r = subprocess.run([a.axle, "convert-checkpoint", p("big.safetensors"), p("big.npz")], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        print(r.stdout.strip())
        with zipfile.ZipFile(p("big.npz")) as z:
            info = z.getinfo("big.npy")
            zip64 = info.extra[:2] == b"\x01\x00"  # the zip64 extended information extra field, id 0x0001
            print(f"member big.npy: {info.file_size} bytes, compress_type {info.compress_type}, zip64 extra field: {zip64}")
            assert zip64 and info.file_size > 0xFFFFFFFF
            with z.open("big.npy") as f:  # zipfile checks the CRC when the member is read to its end
                version = npformat.read_magic(f)
                shape, fortran, dtype = npformat._read_array_header(f, version)
                assert shape == (N,) and dtype == np.uint8 and not fortran, (shape, dtype)
                k = 0
                while True:
                    b = f.read(1 << 24)
                    if not b:
                        break
                    if k == 0:
                        assert b[:10] == bytes(range(10))  # byte k of the data is k % 251
                    k += len(b)
                assert k == N, k
            small = np.load(p("big.npz"))["small"]
            assert small.tolist() == [1, 2, 3]
        print("zipfile and numpy read the member: shape, dtype, every byte counted, CRC checked")
        r = subprocess.run([a.axle, "convert-checkpoint", p("big.npz"), p("back.safetensors")], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        with open(p("big.safetensors"), "rb") as x, open(p("back.safetensors"), "rb") as y:
            while True:
                u, v = x.read(1 << 24), y.read(1 << 24)
                assert u == v, "the round trip differs"
                if not u:
                    break
        print("axle reads it back: the round trip .safetensors -> .npz -> .safetensors is byte for byte the input")


if __name__ == "__main__":
    main()
