#!/usr/bin/env python3
"""End-to-end tests of the `axle` command-line tool, with NumPy as the independent reference.

Conversions are compared with hand-written NumPy recipes (not with the code axle renders), for
every supported dtype; every kind of bad input must give a one-line error, a non-zero exit and
no output file (or an untouched one).

Usage: check_cli.py path/to/axle"""
import os
import subprocess
import sys
import tempfile

import numpy as np

AXLE = sys.argv[1]
FAILURES = []


def run(*args):
    p = subprocess.run([AXLE, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ': ' + detail}")
    if not condition:
        FAILURES.append(name)


def rng_array(shape, dtype):
    a = np.random.default_rng(7).standard_normal(shape).astype(np.float32)
    if dtype == "bfloat16":  # raw 2-byte void, the upper half of a float32
        return (a.view(np.uint32) >> 16).astype(np.uint16).view("V2")
    return a.astype(dtype)


def as_bits(a):
    return a.view(np.uint8) if a.dtype.kind == "V" else a


def expect_error(name, args, needle, out_path=None, before=None):
    code, out, err = run(*args)
    lines = [l for l in err.splitlines() if l.strip()]
    ok = code != 0 and len(lines) >= 1 and lines[0].startswith("axle: ") and needle in lines[0]
    check(name, ok, f"exit {code}, stderr {err!r}")
    if out_path is not None:
        if before is None:
            check(name + " leaves no output", not os.path.exists(out_path), "an output file was left")
        else:
            with open(out_path, "rb") as f:
                check(name + " leaves the existing output untouched", f.read() == before)
    return err


def convert_case(tmp, name, src_op, dst_op, shape, recipe, dtype="float32", extra=()):
    src = os.path.join(tmp, f"{name}.in.npy")
    dst = os.path.join(tmp, f"{name}.out.npy")
    w = rng_array(shape, dtype)
    np.save(src, w)
    code, out, err = run("convert", src_op, dst_op, src, dst, *extra)
    if code != 0:
        check(name, False, err)
        return
    got = np.load(dst)
    want = np.ascontiguousarray(recipe(w))
    check(name, got.dtype == w.dtype and got.shape == want.shape and np.array_equal(as_bits(got), as_bits(want)),
          f"dtype {got.dtype} shape {got.shape}, expected {want.shape}")


def grouped_torch_to_equinox(w, g):
    i, o, kh, kw = w.shape  # (G*I/G, O/G, kh, kw) -> (G*O/G, I/G, kh, kw), swapped inside each group
    per = w.reshape(g, i // g, o, kh, kw)[:, :, :, ::-1, ::-1]
    return per.transpose(0, 2, 1, 3, 4).reshape(g * o, i // g, kh, kw)


def lstm_reorder(w, to_order, from_order="ifgo"):
    """Gate blocks of a (4H, in) weight from one gate order to another."""
    blocks = w.reshape(4, w.shape[0] // 4, w.shape[1])
    return blocks[[from_order.index(g) for g in to_order]].reshape(w.shape)


def layouts_as_text():
    """Layouts in axle's notation wherever an op name is accepted, checked against NumPy recipes."""
    code, out, err = run("plan", "(I, O, H~, W~)", "(H, W, O, I)")
    check("plan between layouts", code == 0 and "permute(H, W, O, I) \u00b7 flip(H, W)" in out
          and "np.flip(w, (2, 3)).transpose(2, 3, 1, 0)" in out, out + err)
    code, out, err = run("plan", "torch.conv_transpose2d", "(O, H, W, I)")
    check("plan from an op to a layout", code == 0 and "to       (O, H, W, I)\n" in out
          and "np.flip(w, (2, 3)).transpose(1, 2, 3, 0)" in out, out + err)
    code, out, err = run("plan", "torch.conv_transpose2d", "((G, O), H, W, I)", "--groups", "2")
    check("plan with groups to a layout", code == 0 and "split((G, I) \u2192 G, I)" in out and "G = 2" in out, out + err)
    code, out, err = run("explain", "((G, I), O, H~, W~)")
    check("explain a layout", code == 0 and "a layout given as text" in out
          and "layout<merged<G, I>, O, flipped<H>, flipped<W>>" in out and "torch.conv_transpose2d 2-D weight" in out
          and "H (spatial, stored reversed)" in out and "with one group            (I, O, H~, W~)" in out, out + err)
    code, out, err = run("explain", "  ( O/16,I/16 , H, W, 16i, 16o )")
    check("explain a layout written loosely", code == 0 and out.startswith("(O/16, I/16, H, W, 16i, 16o) \u2014")
          and "onednn.OIhw16i16o" in out, out + err)

    with tempfile.TemporaryDirectory() as tmp:
        convert_case(tmp, "torch convT -> a layout", "torch.conv_transpose2d", "(O, H, W, I)", (4, 6, 3, 2),
                     lambda w: np.flip(w, (2, 3)).transpose(1, 2, 3, 0))
        convert_case(tmp, "a layout -> a layout", "(I, O, H~, W~)", "(H, W, O, I)", (4, 6, 3, 2),
                     lambda w: np.flip(w, (2, 3)).transpose(2, 3, 1, 0))
        convert_case(tmp, "grouped torch convT -> a layout", "torch.conv_transpose2d", "((G, O), H, W, I)", (6, 5, 3, 2),
                     lambda w: np.flip(w.reshape(3, 2, 5, 3, 2), (3, 4)).transpose(0, 2, 3, 4, 1).reshape(15, 3, 2, 2),
                     extra=("--groups", "3"))
        convert_case(tmp, "a layout -> a blocked layout", "(O, I, H, W)", "(O/4, I/4, H, W, 4i, 4o)", (8, 12, 3, 2),
                     lambda w: w.reshape(2, 4, 3, 4, 3, 2).transpose(0, 2, 4, 5, 3, 1))
        convert_case(tmp, "a blocked layout -> an op", "(O/4, I/4, H, W, 4i, 4o)", "torch.conv2d", (2, 3, 3, 2, 4, 4),
                     lambda w: w.transpose(0, 5, 1, 4, 2, 3).reshape(8, 12, 3, 2))
        convert_case(tmp, "torch lstm -> gates in another order", "torch.lstm", "((gate[i,o,f,g], O), I)", (8, 3),
                     lambda w: lstm_reorder(w, "iofg"))
        convert_case(tmp, "a layout -> an op of any rank (rank from the layout)", "(W, I, O)", "onnx.conv", (3, 4, 5),
                     lambda w: w.transpose(2, 1, 0))

        w = rng_array((4, 6, 3, 3), "float32")
        src = os.path.join(tmp, "w.npy")
        np.save(src, w)
        out = os.path.join(tmp, "out.npy")
        err = expect_error("a malformed layout points at the column",
                           ("convert", "torch.conv_transpose2d", "((G, I) O, H~, W~)", src, out),
                           "expected ',' or ')' at column 9 of \"((G, I) O, H~, W~)\"", out)
        check("a malformed layout is one line", len(err.strip().splitlines()) == 1, err)
        expect_error("an unknown axis names the axes", ("plan", "(O, I, X, W)", "torch.conv2d"),
                     "unknown axis 'X' at column 8 of \"(O, I, X, W)\" (the axes are N, C, O, I, G, M, D, H, W")
        expect_error("an axis named twice", ("plan", "torch.conv2d", "(O, O, H, W)"), "axis 'O' named twice at column 5")
        expect_error("a flipped channel axis", ("plan", "torch.conv2d", "(O~, I, H, W)"), "axis 'O' is not spatial")
        expect_error("a layout that does not say where an axis goes", ("convert", "torch.conv2d", "(O, I, H)", src, out),
                     "(O, I, H) does not say where W goes", out)
        expect_error("a layout that lacks an axis the op has", ("plan", "(O, I, H, D)", "torch.conv2d"),
                     "has no W")
        expect_error("a layout of another rank than the file", ("convert", "(O, I, H)", "torch.conv2d", src, out),
                     "the layout (O, I, H) has 3 dimensions, but the input has 4", out)
        expect_error("groups for a layout without G", ("convert", "torch.conv_transpose2d", "(O, H, W, I)", src, out,
                                                       "--groups", "2"), "(O, H, W, I) has no G axis", out)
        expect_error("a blocked layout whose blocks do not divide", ("convert", "(O, I, H, W)", "(O/4, I/4, H, W, 4i, 4o)",
                                                                     src, out), "axis I has 6 elements, which blocks of 4 do not divide", out)
        err = expect_error("control characters in a layout are escaped", ("plan", "(O,\nI)", "torch.linear"),
                           "at column 4 of \"(O,\\nI)\"")
        check("... and the message stays one line", len(err.strip().splitlines()) == 1, err)
        expect_error("a name that is neither an op nor a layout", ("plan", "O, I", "torch.linear"),
                     "a layout is written in parentheses")


def main():
    code, out, _ = run("--version")
    check("--version", code == 0 and out.startswith("axle "))
    code, out, _ = run("list")
    check("list names the ops", code == 0 and "torch.conv_transpose2d" in out and "equinox.conv_transpose2d" in out
          and "onnx.convtranspose" in out and "tflite.transpose_conv" in out)
    code, out, _ = run("explain", "torch.conv_transpose2d")
    check("explain", code == 0 and "((G, I), O, H~, W~)" in out and "adjoint" in out and "source" in out)
    code, out, _ = run("explain", "equinox.conv_transpose2d")
    check("explain a direct op", code == 0 and "direct" in out)
    code, out, _ = run("plan", "torch.conv_transpose2d", "equinox.conv_transpose2d")
    check("plan", code == 0 and "swap(O, I) \u00b7 flip(H, W)" in out and "np.flip(w, (2, 3)).transpose(1, 0, 2, 3)" in out
          and "torch.flip(w, dims=(2, 3))" in out and "jnp.flip(w, (2, 3))" in out, out)
    code, out, _ = run("plan", "torch.conv_transpose2d", "equinox.conv_transpose2d", "--groups", "2")
    check("plan with groups", code == 0 and "split((G, I) \u2192 G, I)" in out and "G = 2" in out, out)
    code, out, _ = run("plan", "torch.conv2d", "keras.conv2d")
    check("plan, no flip", code == 0 and "w.transpose(2, 3, 1, 0)" in out and "flip" not in out.split("numpy")[0], out)

    with tempfile.TemporaryDirectory() as tmp:
        for dtype in ("float32", "float16", "float64", "bfloat16"):
            convert_case(tmp, f"torch convT -> equinox ({dtype})", "torch.conv_transpose2d", "equinox.conv_transpose2d",
                         (4, 6, 3, 2), lambda w: np.flip(w, (2, 3)).transpose(1, 0, 2, 3), dtype)
        convert_case(tmp, "grouped torch convT -> equinox", "torch.conv_transpose2d", "equinox.conv_transpose2d",
                     (6, 5, 3, 3), lambda w: grouped_torch_to_equinox(w, 3), extra=("--groups", "3"))
        convert_case(tmp, "torch conv -> keras", "torch.conv2d", "keras.conv2d", (5, 4, 3, 2),
                     lambda w: w.transpose(2, 3, 1, 0))
        convert_case(tmp, "torch conv3d -> tf", "torch.conv3d", "tf.conv3d", (5, 4, 3, 2, 2),
                     lambda w: w.transpose(2, 3, 4, 1, 0))
        convert_case(tmp, "keras convT -> torch", "keras.conv2d_transpose", "torch.conv_transpose2d", (3, 3, 4, 5),
                     lambda w: w.transpose(3, 2, 0, 1))
        convert_case(tmp, "onnx convT (rank from the file) -> equinox", "onnx.convtranspose", "equinox.conv_transpose1d", (4, 6, 3),
                     lambda w: np.flip(w, (2,)).transpose(1, 0, 2))

        w = rng_array((4, 6, 3, 3), "float32")
        src = os.path.join(tmp, "w.npy")
        np.save(src, w)
        out = os.path.join(tmp, "out.npy")
        expect_error("unknown op suggests the closest", ("convert", "torch.conv_transpos2d", "equinox.conv_transpose2d", src, out),
                     "did you mean torch.conv_transpose2d", out)
        expect_error("a weight of the wrong rank", ("convert", "torch.conv3d", "tf.conv3d", src, out), "dimensions", out)
        expect_error("groups that do not divide", ("convert", "torch.conv_transpose2d", "equinox.conv_transpose2d", src, out,
                                                   "--groups", "3"), "not a multiple of 3", out)
        expect_error("groups an op does not support", ("convert", "torch.conv_transpose2d", "keras.conv2d_transpose", src, out,
                                                       "--groups", "2"), "does not support groups", out)
        expect_error("ops of different families", ("convert", "torch.conv2d", "keras.conv2d_transpose", src, out),
                     "cannot convert", out)
        expect_error("a bad option value", ("convert", "torch.conv2d", "keras.conv2d", src, out, "--groups", "two"),
                     "whole number", out)
        truncated = os.path.join(tmp, "truncated.npy")
        with open(src, "rb") as f:
            data = f.read()
        with open(truncated, "wb") as f:
            f.write(data[: len(data) - 50])
        expect_error("a truncated file", ("convert", "torch.conv2d", "keras.conv2d", truncated, out), "truncated", out)
        fortran = os.path.join(tmp, "fortran.npy")
        np.save(fortran, np.asfortranarray(w))
        expect_error("Fortran order", ("convert", "torch.conv2d", "keras.conv2d", fortran, out), "fortran_order", out)
        ints = os.path.join(tmp, "ints.npy")
        np.save(ints, np.arange(16, dtype=np.int32).reshape(2, 2, 2, 2))
        expect_error("an unsupported dtype", ("convert", "torch.conv2d", "keras.conv2d", ints, out), "int32", out)
        expect_error("a missing input", ("convert", "torch.conv2d", "keras.conv2d", os.path.join(tmp, "nope.npy"), out),
                     "nope.npy", out)
        expect_error("an output in a missing directory",
                     ("convert", "torch.conv2d", "keras.conv2d", src, os.path.join(tmp, "no", "out.npy")), "out.npy")
        with open(out, "wb") as f:
            f.write(b"precious")
        expect_error("an existing output without --force", ("convert", "torch.conv2d", "keras.conv2d", src, out),
                     "--force", out, before=b"precious")
        code, _, err = run("convert", "torch.conv2d", "keras.conv2d", src, out, "--force")
        check("--force overwrites", code == 0 and np.array_equal(np.load(out), w.transpose(2, 3, 1, 0)), err)
        leftovers = [f for f in os.listdir(tmp) if not f.endswith(".npy")]
        check("no temporary files are left", not leftovers, str(leftovers))
    layouts_as_text()
    code, _, err = run("frobnicate")
    check("an unknown command", code == 2 and "unknown command" in err)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
