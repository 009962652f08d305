#!/usr/bin/python3
"""axle's .npy reader and writer against NumPy's own np.load and np.save, the reference.

1. Files np.save writes, for every supported dtype and many shapes: axle reads each to the same
   dtype, shape and bytes, and writes it back byte for byte (bfloat16 as NumPy's raw '|V2').
2. Crafted headers, each given to np.load and to axle:
     - sizes (NumPy's rule: the non-zero extents times the item size fit in int64, in any order)
       and header limits: exactly the same verdicts;
     - wherever axle accepts, np.load accepts with the same dtype, shape and data;
     - wherever np.load accepts and axle refuses, the case is one axle refuses on purpose (each
       listed with its reason below), and np.load really does accept it (the list stays honest).
3. Seeded random mutations of headers np.save writes: wherever axle accepts one, np.load accepts
   it with the same result.

Usage: check_numpy.py path/to/npy_probe"""
import os
import random
import subprocess
import sys
import tempfile
import warnings

import numpy as np

PROBE = sys.argv[1]
FAILURES = []


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name}: {detail}")
        FAILURES.append(name)
    return condition


def npy_bytes(dict_text, payload=b"", major=1):
    """A .npy file with exactly this header text (no padding added)."""
    raw = dict_text.encode("utf-8" if major == 3 else "latin-1") if isinstance(dict_text, str) else dict_text
    size = len(raw).to_bytes(2 if major == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([major, 0]) + size + raw + payload


def numpy_verdict(path):
    """('ok', kind, shape text, data hex) or ('error', message) as np.load sees the file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            a = np.load(path)
        except BaseException as e:  # MemoryError, TokenError, ... all mean "refused"
            if isinstance(e, KeyboardInterrupt):
                raise
            return ("error", f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    if a.dtype.kind == "V" and a.dtype.itemsize == 2 and a.dtype.names is None:
        kind = "bfloat16"
    elif a.dtype.kind == "f" and a.dtype.byteorder in "<=|" and a.dtype.itemsize in (2, 4, 8):
        kind = f"float{8 * a.dtype.itemsize}"
    else:
        kind = f"other:{a.dtype.str}"
    return ("ok", kind, str(tuple(a.shape)), np.ascontiguousarray(a).tobytes().hex())


def axle_verdicts(paths):
    out = subprocess.run([PROBE, "read", *paths], capture_output=True, text=True, errors="replace")
    if out.returncode != 0:
        check("npy_probe runs", False, f"exit {out.returncode}: {out.stderr[-2000:]}")
        sys.exit(1)
    verdicts = {}
    for line in out.stdout.splitlines():
        fields = line.split("\t")
        verdicts[fields[0]] = ("ok", fields[2], fields[3], fields[4]) if fields[1] == "ok" else ("error", fields[2])
    missing = [p for p in paths if p not in verdicts]
    check("npy_probe answers for every file", not missing, f"no line for {missing[:3]}")
    return verdicts


def numpy_max_dims():
    for n in (64, 32):
        try:
            np.empty((1,) * n)
            return n
        except ValueError:
            continue
    return 0


# ---------------------------------------------------------------------------------------------
# 1. Files NumPy writes
# ---------------------------------------------------------------------------------------------

def values(shape, dtype):
    n = int(np.prod(shape, dtype=np.int64))
    f = (np.arange(n, dtype=np.float64) * 0.37 - 5.5).astype(np.float32).reshape(shape)
    if dtype == "bfloat16":  # raw 2-byte void, the upper half of a float32, as NumPy stores it
        return (f.view(np.uint32) >> 16).astype(np.uint16).view("V2")
    return f.astype(dtype)


def check_numpy_written(tmp):
    shapes = [(), (0,), (0, 3), (3, 0, 2), (5,), (2, 3), (10, 1), (100, 2, 1), (1000, 3), (3, 4, 5, 6),
              (1,) * 31 + (2,), (7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)]
    cases = []  # (name, file np.save wrote, the file axle writes for it, np.save's file for the same array)
    for dtype in ("float16", "float32", "float64", "bfloat16"):
        for k, shape in enumerate(shapes):
            src = os.path.join(tmp, f"np_{dtype}_{k}.npy")
            np.save(src, values(shape, dtype))
            cases.append((f"{dtype} {shape}", src, src + ".axle.npy", src))
    # Versions 2.0 and 3.0 are read; what axle writes back is what np.save writes (1.0).
    for version in ((2, 0), (3, 0)):
        a = values((3, 2), "float32")
        src = os.path.join(tmp, f"version_{version[0]}.npy")
        with open(src, "wb") as f:
            np.lib.format.write_array(f, a, version=version)
        ref = os.path.join(tmp, f"version_{version[0]}_ref.npy")
        np.save(ref, a)
        cases.append((f"format {version}", src, src + ".axle.npy", ref))
    read = axle_verdicts([c[1] for c in cases])
    for name, src, _, _ in cases:
        check(f"axle reads np.save's {name}", read[src] == numpy_verdict(src), f"axle {read[src][:3]}")
    p = subprocess.run([PROBE, "copy", *[x for c in cases for x in c[1:3]]], capture_output=True, text=True)
    check("axle writes every file", p.returncode == 0, p.stderr)
    for name, _, out, ref in cases:
        with open(ref, "rb") as f:
            want = f.read()
        have = open(out, "rb").read() if os.path.exists(out) else b""
        check(f"axle's {name} is byte-identical to np.save's", want == have, f"np.save header {want[:80]!r}, axle {have[:80]!r}")


# ---------------------------------------------------------------------------------------------
# 2. Crafted headers
# ---------------------------------------------------------------------------------------------

def f4(n):
    return np.arange(n, dtype="<f4").tobytes()


D = "'descr': '<f4', 'fortran_order': False"
# Where np.load accepts and axle refuses, on purpose. Each entry: a reason.
STRICTER = {
    "escape": "strings with backslash escapes ('<f\\x34' is '<f4' to Python): axle reads strings as writers write them",
    "concatenation": "adjacent string literals",
    "prefix": "string prefixes r'' and u''",
    "triple quotes": "triple-quoted strings",
    "spelling": "a dtype spelled other than NumPy's dtype.str ('f4', '>V2')",
    "integer syntax": "integers other than plain decimals (0x2, +2, -0, ((2),), 2 L)",
    "negative": "negative extents: np.load of NumPy 1 takes any negative extent for 'unknown' ((-2,) with no data loads as (0,))",
    "comment": "Python comments",
    "trailing data": "bytes after the data, which np.load ignores",
    "fortran": "Fortran order with more than one non-trivial axis",
    "dtype": "dtypes axle does not convert (int32, big-endian float32, structured)",
}


def crafted_cases():
    """(name, file bytes, category): 'same' = np.load and axle must agree exactly."""
    big = 2 ** 62
    cases = [
        # Sizes: NumPy's rule, whatever the order of the dimensions.
        ("zero-element, huge extents (0, 2^62, 2^62, 1)", npy_bytes(f"{{{D}, 'shape': (0, {big}, {big}, 1), }}"), "same"),
        ("zero-element, zero last (2^62, 2^62, 3, 0)", npy_bytes(f"{{{D}, 'shape': ({big}, {big}, 3, 0), }}"), "same"),
        ("zero-element, zero in the middle (2^62, 0, 2^62)", npy_bytes(f"{{{D}, 'shape': ({big}, 0, {big}), }}"), "same"),
        ("an extent of 2^64 - 1 (0, 2^64 - 1)", npy_bytes(f"{{{D}, 'shape': (0, {2 ** 64 - 1}), }}"), "same"),
        ("an extent of 2^63 (0, 2^63)", npy_bytes(f"{{{D}, 'shape': (0, {2 ** 63}), }}"), "same"),
        ("an extent of 2^63 - 1 (0, 2^63 - 1)", npy_bytes(f"{{{D}, 'shape': (0, {2 ** 63 - 1}), }}"), "same"),
        ("float32 at the limit (0, 2^61 - 1)", npy_bytes(f"{{{D}, 'shape': (0, {2 ** 61 - 1}), }}"), "same"),
        ("float32 at the limit (2^61 - 1, 0)", npy_bytes(f"{{{D}, 'shape': ({2 ** 61 - 1}, 0), }}"), "same"),
        ("float32 past the limit (0, 2^61)", npy_bytes(f"{{{D}, 'shape': (0, {2 ** 61}), }}"), "same"),
        ("float32 past the limit (2^61, 0)", npy_bytes(f"{{{D}, 'shape': ({2 ** 61}, 0), }}"), "same"),
        ("float16 at the limit (0, 2^62 - 1)", npy_bytes(f"{{'descr': '<f2', 'fortran_order': False, 'shape': (0, {big - 1}), }}"), "same"),
        ("float16 past the limit (0, 2^62)", npy_bytes(f"{{'descr': '<f2', 'fortran_order': False, 'shape': (0, {big}), }}"), "same"),
        ("bfloat16 past the limit (0, 2^62)", npy_bytes(f"{{'descr': '|V2', 'fortran_order': False, 'shape': (0, {big}), }}"), "same"),
        ("float64 at the limit (3, 0, 2^59)", npy_bytes(f"{{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0, {2 ** 59}), }}"), "same"),
        ("float64 past the limit (3, 0, 2^60)", npy_bytes(f"{{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0, {2 ** 60}), }}"), "same"),
        ("float64 (0, 2^31, 2^31)", npy_bytes(f"{{'descr': '<f8', 'fortran_order': False, 'shape': (0, {2 ** 31}, {2 ** 31}), }}"), "same"),
        ("a huge declared size, 4 bytes present", npy_bytes(f"{{{D}, 'shape': ({2 ** 40},), }}", f4(1)), "same"),
        ("32 dimensions", npy_bytes(f"{{{D}, 'shape': ({'1, ' * 32}), }}", f4(1)), "same"),
        ("65 dimensions", npy_bytes(f"{{{D}, 'shape': ({'0, ' * 65}), }}"), "same"),
        ("scalar", npy_bytes(f"{{{D}, 'shape': (), }}", f4(1)), "same"),
        ("data one element short", npy_bytes(f"{{{D}, 'shape': (2,), }}", f4(1)), "same"),
        ("trailing data", npy_bytes(f"{{{D}, 'shape': (2,), }}", f4(3)), "trailing data"),
        # Header length: np.load reads at most 10000 bytes of header.
        ("a header of exactly 10000 bytes", npy_bytes(f"{{{D}, 'shape': (2,), }}".ljust(9999) + "\n", f4(2), 2), "same"),
        ("a header of 10001 bytes", npy_bytes(f"{{{D}, 'shape': (2,), }}".ljust(10000) + "\n", f4(2), 2), "same"),
        ("a header of '[' within the limit", npy_bytes("{'descr': " + "[" * 9000 + ", 'fortran_order': False, 'shape': ()}"), "same"),
        ("a header of 100000 '['", npy_bytes("[" * 100000, b"", 2), "same"),
        # descr: the string itself, as Python reads the literal.
        ("descr '<f\\4' (an octal escape)", npy_bytes("{'descr': '<f\\4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "same"),
        ("descr '<f\\x34' (a hex escape)", npy_bytes("{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,), }", f4(2)), "escape"),
        ("descr '<f\\\\4'", npy_bytes("{'descr': '<f\\\\4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "same"),
        ("descr '<f' '4' (concatenated)", npy_bytes("{'descr': '<f' '4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "concatenation"),
        ("descr r'<f4'", npy_bytes("{'descr': r'<f4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "prefix"),
        ("descr u'<f4'", npy_bytes("{'descr': u'<f4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "prefix"),
        ("descr b'<f4'", npy_bytes("{'descr': b'<f4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "same"),
        ("descr 'f4'", npy_bytes("{'descr': 'f4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "spelling"),
        ("descr '<V2' (ml_dtypes' bfloat16)", npy_bytes("{'descr': '<V2', 'fortran_order': False, 'shape': (2,), }", f4(1)), "same"),
        ("descr '|V2'", npy_bytes("{'descr': '|V2', 'fortran_order': False, 'shape': (2,), }", f4(1)), "same"),
        ("descr '>V2'", npy_bytes("{'descr': '>V2', 'fortran_order': False, 'shape': (2,), }", f4(1)), "spelling"),
        ("descr '<f4\\xe9' (latin-1)", npy_bytes(b"{'descr': '<f4\xe9', 'fortran_order': False, 'shape': (2,), }", f4(2)), "same"),
        ("descr '''<f4'''", npy_bytes("{'descr': '''<f4''', 'fortran_order': False, 'shape': (2,), }", f4(2)), "triple quotes"),
        ("descr '<i4'", npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "dtype"),
        ("descr '>f4'", npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "dtype"),
        ("a structured descr", npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", f4(2)), "dtype"),
        ("a key with an escape", npy_bytes("{'d\\x65scr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4(2)), "escape"),
        ("double-quoted keys", npy_bytes('{"descr": "<f4", "fortran_order": False, "shape": (2,)}', f4(2)), "same"),
        ("a key given twice: the last counts", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'descr': '<f4'}", f4(2)), "same"),
        ("a missing key", npy_bytes("{'descr': '<f4', 'shape': (2,)}", f4(2)), "same"),
        ("an extra key", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", f4(2)), "same"),
        ("fortran_order 0", npy_bytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", f4(2)), "same"),
        ("fortran_order Truex", npy_bytes("{'descr': '<f4', 'fortran_order': Truex, 'shape': (2,)}", f4(2)), "same"),
        ("fortran_order True, a vector", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}", f4(2)), "same"),
        ("fortran_order True, a matrix", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2)}", f4(4)), "fortran"),
        # shape: a tuple of decimal integers.
        ("shape (2)", npy_bytes(f"{{{D}, 'shape': (2)}}", f4(2)), "same"),
        ("shape (2 ,)", npy_bytes(f"{{{D}, 'shape': (2 ,)}}", f4(2)), "same"),
        ("shape (2,\\n)", npy_bytes(f"{{{D}, 'shape': (2,\n)}}", f4(2)), "same"),
        ("shape (2,,)", npy_bytes(f"{{{D}, 'shape': (2,,)}}", f4(2)), "same"),
        ("shape (,)", npy_bytes(f"{{{D}, 'shape': (,)}}", f4(1)), "same"),
        ("shape [2]", npy_bytes(f"{{{D}, 'shape': [2]}}", f4(2)), "same"),
        ("shape (2L,) in format 1.0", npy_bytes(f"{{{D}, 'shape': (2L,)}}", f4(2)), "same"),
        ("shape (2L,) in format 3.0", npy_bytes(f"{{{D}, 'shape': (2L,)}}", f4(2), 3), "same"),
        ("shape (2l,)", npy_bytes(f"{{{D}, 'shape': (2l,)}}", f4(2)), "same"),
        ("shape (2 L,)", npy_bytes(f"{{{D}, 'shape': (2 L,)}}", f4(2)), "integer syntax"),
        ("shape (1_2,)", npy_bytes(f"{{{D}, 'shape': (1_2,)}}", f4(12)), "same"),
        ("shape (1__2,)", npy_bytes(f"{{{D}, 'shape': (1__2,)}}", f4(12)), "same"),
        ("shape (2_,)", npy_bytes(f"{{{D}, 'shape': (2_,)}}", f4(2)), "same"),
        ("shape (02,)", npy_bytes(f"{{{D}, 'shape': (02,)}}", f4(2)), "same"),
        ("shape (00,)", npy_bytes(f"{{{D}, 'shape': (00,)}}"), "same"),
        ("shape (0_0,)", npy_bytes(f"{{{D}, 'shape': (0_0,)}}"), "same"),
        ("shape (0x2,)", npy_bytes(f"{{{D}, 'shape': (0x2,)}}", f4(2)), "integer syntax"),
        ("shape (+2,)", npy_bytes(f"{{{D}, 'shape': (+2,)}}", f4(2)), "integer syntax"),
        ("shape (-0,)", npy_bytes(f"{{{D}, 'shape': (-0,)}}"), "integer syntax"),
        ("shape (-2,)", npy_bytes(f"{{{D}, 'shape': (-2,)}}"), "negative"),
        ("shape (-2, 3)", npy_bytes(f"{{{D}, 'shape': (-2, 3)}}", f4(6)), "negative"),
        ("shape ((2),)", npy_bytes(f"{{{D}, 'shape': ((2),)}}", f4(2)), "integer syntax"),
        ("shape (2.0,)", npy_bytes(f"{{{D}, 'shape': (2.0,)}}", f4(2)), "same"),
        ("shape (True, 2)", npy_bytes(f"{{{D}, 'shape': (True, 2)}}", f4(2)), "same"),
        ("shape (2j,)", npy_bytes(f"{{{D}, 'shape': (2j,)}}", f4(2)), "same"),
        # Around the dict.
        ("no trailing comma, no padding", npy_bytes(f"{{{D}, 'shape': (2,)}}", f4(2)), "same"),
        ("{}", npy_bytes("{}"), "same"),
        ("{,}", npy_bytes("{,}"), "same"),
        ("leading spaces", npy_bytes(f"  {{{D}, 'shape': (2,)}}", f4(2)), "same"),
        ("leading newline", npy_bytes(f"\n{{{D}, 'shape': (2,)}}", f4(2)), "same"),
        ("tabs, form feeds, CR LF", npy_bytes(f"{{{D},\t'shape':\f(2,)}}\r\n", f4(2)), "same"),
        ("a lone CR", npy_bytes(f"{{{D}, 'shape': (2,)}}\r", f4(2)), "same"),
        ("a vertical tab", npy_bytes(f"{{{D},\v'shape': (2,)}}", f4(2)), "same"),
        ("a NUL byte", npy_bytes(f"{{{D}, 'shape': (2,)}}\x00", f4(2)), "same"),
        ("a comment", npy_bytes(f"{{{D}, 'shape': (2,)}} # comment", f4(2)), "comment"),
        ("a line continuation", npy_bytes(f"{{{D}, 'shape': (2,)}}\\\n", f4(2)), "same"),
        ("text after the dict", npy_bytes(f"{{{D}, 'shape': (2,)}} x", f4(2)), "same"),
        ("an unterminated string", npy_bytes("{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", f4(2)), "same"),
        ("a newline in a string", npy_bytes("{'descr': '<f\n4', 'fortran_order': False, 'shape': (2,)}", f4(2)), "same"),
    ]
    return cases


def check_crafted(tmp):
    max_dims = numpy_max_dims()
    cases = crafted_cases()
    # 33 to 64 dimensions: NumPy 2 accepts them (NPY_MAXDIMS 64), NumPy 1 refuses (32); axle reads
    # what any NumPy writes.
    for n in (33, 64):
        data = npy_bytes(f"{{{D}, 'shape': ({'1, ' * n}), }}", f4(1))
        cases.append((f"{n} dimensions", data, "same" if max_dims >= n else "numpy 2"))
    paths = []
    for k, (name, data, _) in enumerate(cases):
        p = os.path.join(tmp, f"crafted_{k}.npy")
        with open(p, "wb") as f:
            f.write(data)
        paths.append(p)
    ax = axle_verdicts(paths)
    for (name, _, category), p in zip(cases, paths):
        a, n = ax[p], numpy_verdict(p)
        if category == "same":
            check(f"crafted: {name}: np.load and axle agree", a[0] == n[0] and (a[0] == "error" or a == n),
                  f"np.load {n}, axle {a}")
        elif category == "numpy 2":
            check(f"crafted: {name}: axle reads it as NumPy 2 does", a[0] == "ok" and n[0] == "error", f"np.load {n}, axle {a}")
        else:
            check(f"crafted: {name}: np.load accepts, axle refuses ({STRICTER[category]})", n[0] == "ok" and a[0] == "error",
                  f"np.load {n}, axle {a}")
        if a[0] == "error":
            check(f"crafted: {name}: axle's message is one line naming the file", "\n" not in a[1] and a[1].startswith(p + ": "), a[1])


# ---------------------------------------------------------------------------------------------
# 3. Random mutations
# ---------------------------------------------------------------------------------------------

ALPHABET = list("'\"(),:{}[] \t\n\r\f\\0123456789LlTrueFalsx_+-#.<>|fVbj") + ["\x00", "\xe9", "True", "False", "L,", "0,"]
BENIGN = list(" \t\n\r\f,0123456789L_")


def check_mutations(tmp, count=600):
    rng = random.Random(20240611)
    seeds = []
    for shape, dtype in (((2, 3), "<f4"), ((0, 3), "<f2"), ((), "<f8"), ((4,), "V2"), ((1, 2, 1), "<f4")):
        a = values(shape, "bfloat16" if dtype == "V2" else np.dtype(dtype).name)
        header = np.lib.format.header_data_from_array_1_0(a)
        text = repr({"descr": header["descr"], "fortran_order": False, "shape": shape})
        seeds.append((text, a.tobytes()))
    paths, originals = [], []
    for k in range(count):
        text, payload = rng.choice(seeds)
        chars = list(text)
        for _ in range(1 if rng.random() < 0.7 else rng.randint(2, 3)):
            op = rng.random()
            at = rng.randrange(len(chars) + 1)
            alphabet = BENIGN if rng.random() < 0.5 else ALPHABET
            if op < 0.4 and chars:
                chars[min(at, len(chars) - 1)] = rng.choice(alphabet)
            elif op < 0.8:
                chars.insert(at, rng.choice(alphabet))
            elif chars:
                del chars[min(at, len(chars) - 1)]
        mutated = "".join(chars)
        major = rng.choice((1, 1, 2, 3))
        p = os.path.join(tmp, f"mutated_{k}.npy")
        with open(p, "wb") as f:
            f.write(npy_bytes(mutated.encode("utf-8" if major == 3 else "latin-1"), payload, major))
        paths.append(p)
        originals.append(mutated)
    ax = axle_verdicts(paths)
    accepted = 0
    for p, text in zip(paths, originals):
        a = ax[p]
        if a[0] != "ok":
            continue
        accepted += 1
        n = numpy_verdict(p)
        check(f"mutation {text!r}: axle accepts only what np.load reads the same", n == a, f"np.load {n}, axle {a}")
    check("some mutations are still valid headers", accepted > 10, f"only {accepted} of {count}")
    print(f"{count} mutated headers: axle accepted {accepted}, each read the same by np.load")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_numpy_written(tmp)
        check_crafted(tmp)
        check_mutations(tmp)
    print("all agree with NumPy" if not FAILURES else f"{len(FAILURES)} failures")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
