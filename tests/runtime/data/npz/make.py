#!/usr/bin/python3
"""Recreates the small .npz archives read by tests/runtime/npz_test.cpp.

Every archive is written by NumPy itself (np.savez, np.savez_compressed) or by Python's zipfile
in the way np.savez uses it, so the C++ reader is tested against NumPy's own output. Run:

    /usr/bin/python3 tests/runtime/data/npz/make.py

Element k of every array is (k % 7) - 3, cast to the array's type (bool: k % 2).
"""
import io
import os
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def ramp(shape, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    k = np.arange(n)
    if dtype == np.bool_:
        return (k % 2 == 1).reshape(shape)
    return ((k % 7) - 3).astype(dtype).reshape(shape)


def arrays():
    return {
        "conv.weight": ramp((4, 2, 3, 3), np.float32),
        "bn.num_batches_tracked": np.array(7, dtype=np.int64),
        "f64": ramp((5,), np.float64),
        "f16": ramp((2, 3), np.float16),
        "i8": ramp((6,), np.int8),
        "u8": ramp((6,), np.uint8),
        "i32": ramp((2, 2), np.int32),
        "mask": ramp((5,), np.bool_),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }


def member_zip(name, members, compression=zipfile.ZIP_STORED):
    """An archive written as np.savez writes it, with members given as raw bytes."""
    with zipfile.ZipFile(os.path.join(HERE, name), "w", compression=compression, allowZip64=True) as z:
        for member, payload in members:
            with z.open(member, "w", force_zip64=True) as f:
                f.write(payload)


def npy_bytes(arr):
    b = io.BytesIO()
    np.save(b, arr, allow_pickle=True)
    return b.getvalue()


def main():
    np.savez(os.path.join(HERE, "stored.npz"), **arrays())
    np.savez_compressed(os.path.join(HERE, "deflated.npz"), **arrays())
    np.savez(os.path.join(HERE, "empty.npz"))
    member_zip("big_endian.npz", [("w.npy", npy_bytes(ramp((3,), ">f4")))])
    member_zip("fortran.npz", [("w.npy", npy_bytes(np.asfortranarray(ramp((2, 3), np.float32))))])
    member_zip("object.npz", [("w.npy", npy_bytes(np.array([1, "a"], dtype=object)))])
    member_zip("not_npy.npz", [("w.npy", npy_bytes(ramp((3,), np.float32))), ("readme.txt", b"hello")])
    member_zip("duplicate.npz", [("w.npy", npy_bytes(ramp((3,), np.float32))), ("w.npy", npy_bytes(ramp((3,), np.float32)))])
    member_zip("trailing.npz", [("w.npy", npy_bytes(ramp((3,), np.float32)) + b"\0\0\0\0")])
    member_zip("short.npz", [("w.npy", npy_bytes(ramp((3,), np.float32))[:-4])])
    # A stored archive with one byte of the data changed: the CRC no longer matches.
    member_zip("bad_crc.npz", [("w.npy", npy_bytes(ramp((64,), np.float32)))])
    with open(os.path.join(HERE, "bad_crc.npz"), "rb") as f:
        data = bytearray(f.read())
    data[200] ^= 0xFF  # inside the stored data of the only member (its header is 30 + 25 + 20 bytes)
    with open(os.path.join(HERE, "bad_crc.npz"), "wb") as f:
        f.write(bytes(data))


if __name__ == "__main__":
    main()
