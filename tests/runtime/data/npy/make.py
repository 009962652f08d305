#!/usr/bin/python3
"""Recreates the tiny .npy files used by tests/runtime/npy_test.cpp.

Every file is written by numpy itself (np.save / numpy.lib.format), so the
C++ reader is tested against numpy's own output.  Run from anywhere:

    /usr/bin/python3 tests/runtime/data/npy/make.py

Values are chosen so the C++ test can recompute them: element i of the
float files is (i * 0.5 - 3).
"""
import os
import sys

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))


def ramp(shape, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    return (np.arange(n, dtype=np.float64) * 0.5 - 3.0).astype(dtype).reshape(shape)


def save(name, arr):
    np.save(os.path.join(HERE, name), arr, allow_pickle=False)


def write_with_header(name, header, payload):
    """Writes a header dict with numpy's own header writer, then raw bytes."""
    with open(os.path.join(HERE, name), "wb") as f:
        npformat.write_array_header_1_0(f, header)
        f.write(payload)


def main():
    save("f16.npy", ramp((2, 3), np.float16))
    save("f32.npy", ramp((2, 3, 4), np.float32))
    save("f64.npy", ramp((4,), np.float64))
    save("scalar.npy", np.array(2.5, dtype=np.float32))
    save("empty.npy", np.zeros((0, 3), dtype=np.float32))

    # bfloat16 has no numpy dtype: the top 16 bits of float32, stored as
    # 2-byte void.  np.dtype('V2') is written as '|V2' (and so axle writes it);
    # ml_dtypes' bfloat16 writes '<V2', which axle reads too.
    f = ramp((2, 3), np.float32)
    bf = (f.view(np.uint32) >> 16).astype(np.uint16)
    save("bf16_void.npy", bf.view(np.dtype("V2")))
    write_with_header(
        "bf16_le.npy",
        {"descr": "<V2", "fortran_order": False, "shape": (2, 3)},
        bf.astype("<u2").tobytes(),
    )

    save("fortran.npy", np.asfortranarray(ramp((2, 3), np.float32)))
    save("big_endian.npy", ramp((2, 3), ">f4"))
    save("int32.npy", np.arange(6, dtype=np.int32).reshape(2, 3))

    # 1152 bytes of float32 data declared (8*4*3*3*4), only 1000 present.
    full = os.path.join(HERE, "truncated.npy")
    save("truncated.npy", ramp((8, 4, 3, 3), np.float32))
    with open(full, "rb") as fh:
        blob = fh.read()
    offset = len(blob) - 8 * 4 * 3 * 3 * 4
    with open(full, "wb") as fh:
        fh.write(blob[: offset + 1000])

    with open(os.path.join(HERE, "v2.npy"), "wb") as fh:
        npformat.write_array(fh, ramp((3, 2), np.float32), version=(2, 0))
    with open(os.path.join(HERE, "v3.npy"), "wb") as fh:
        npformat.write_array(fh, ramp((3, 2), np.float64), version=(3, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
