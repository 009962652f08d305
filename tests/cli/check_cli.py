#!/usr/bin/env python3
"""End-to-end tests of the `axle` command-line tool, with NumPy as the independent reference.

Conversions are compared with hand-written NumPy recipes (not with the code axle renders), for
every supported dtype; every kind of bad input must give a one-line error, a non-zero exit and
no output file (or an untouched one).

Usage: check_cli.py path/to/axle"""
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

AXLE = os.path.abspath(sys.argv[1])
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


def run_bytes(*args):
    p = subprocess.run([AXLE, *args], capture_output=True)
    return p.returncode, p.stdout, p.stderr


def one_clean_line(err):
    """stderr is exactly one line `axle: error: ...` with no control character or stray byte."""
    if not err.endswith(b"\n") or err.count(b"\n") != 1 or not err.startswith(b"axle: error: "):
        return False
    body = err[:-1]
    if any(b < 0x20 or b == 0x7F for b in body):
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(0x80 <= ord(c) <= 0x9F for c in text)


def check_command_line(tmp):
    """The argument parser: help, version, --, exact options, ranges, escaping, suggestions, speed."""
    for cmd, example in (("list", "axle list --family"), ("explain", "axle explain torch."), ("plan", "axle plan torch."),
                         ("convert", "axle convert torch.")):
        code, out, err = run(cmd, "--help")
        lines = out.splitlines()
        check(f"axle {cmd} --help: a description and an example", code == 0 and len(lines) > 3 and lines[0].strip() != ""
              and "Example" in out and example in out.split("Example")[1], out + err)
    code, out, _ = run("--help")
    check("axle --help lists every command", code == 0 and all(c in out for c in ("list", "explain", "plan", "convert")), out)
    code, out, _ = run("--version")
    check("--version prints axle X.Y.Z", code == 0 and re.fullmatch(r"axle \d+\.\d+\.\d+\n", out) is not None, repr(out))

    # `--` ends the options: a file named -x.npy is an argument after it.
    w = rng_array((2, 3, 3, 3), "float32")
    dash = os.path.join(tmp, "-x.npy")
    np.save(dash, w)
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        code, _, err = run("convert", "torch.conv2d", "keras.conv2d", "--", "-x.npy", "-y.npy")
        check("-- ends the options", code == 0 and np.array_equal(np.load("-y.npy"), w.transpose(2, 3, 1, 0)), err)
        expect_error("without --, -x.npy is an option", ("convert", "torch.conv2d", "keras.conv2d", "-x.npy", "z.npy"),
                     "axle convert takes no option '-x.npy'", os.path.join(tmp, "z.npy"))
    finally:
        os.chdir(cwd)

    def usage(name, args, needle):
        code, _, err = run_bytes(*args)
        ok = code == 2 and one_clean_line(err) and needle.encode() in err and b"--help)" in err
        check(name, ok, f"exit {code}, stderr {err[:300]!r}")

    plan = ("plan", "torch.conv2d", "keras.conv2d")
    usage("exact option names: --groupsXYZ", (*plan, "--groupsXYZ", "2"), "axle plan takes no option '--groupsXYZ'; did you mean --groups?")
    usage("exact option names: --group", (*plan, "--group", "2"), "takes no option '--group'")
    usage("exact option names: --groups=2x", (*plan, "--groups=2x"), "--groups: needs a whole number from 1 to 2147483648, not '2x'")
    usage("an option list does not take", ("list", "--force"), "axle list takes no option '--force'")
    usage("an option explain does not take", ("explain", "torch.conv2d", "--groups", "2"), "axle explain takes no option '--groups'")
    usage("an option plan does not take", (*plan, "--force"), "axle plan takes no option '--force'")
    usage("an argument too many", (*plan, "extra"), "axle plan takes no further argument 'extra'")
    usage("a missing argument", ("plan", "torch.conv2d"), "to is required")
    for value in ("4294967298", "-1", "4", "1.5", "0x1", ""):
        usage(f"--rank {value!r} is range-checked", (*plan, "--rank", value), f"--rank: needs a whole number from 0 to 3, not '{value}'")
    for value in ("99999999999999999999", "0", "-2", "2147483649", "1e3", " 2"):
        usage(f"--groups {value!r} is range-checked", (*plan, "--groups", value),
              f"--groups: needs a whole number from 1 to 2147483648, not '{value}'")
    usage("an unknown family", ("list", "--family", "bogus"), "--family: needs one of conv, conv_transpose")
    usage("a family close to a real one", ("list", "--family", "conv_transpos"), "did you mean conv_transpose?")
    usage("an unknown command suggests the closest", ("lsit",), "unknown command 'lsit'; did you mean list?")
    usage("an unknown command, far from any", ("frobnicate",), "unknown command 'frobnicate' (axle --help)")
    usage("no command", (), "a command is needed")

    # Control characters stay escaped, whatever carries them.
    missing = os.path.join(tmp, "no\nsuch\x1b[31m.npy")
    hostile = [
        ("an op name", ("explain", "torch.conv\n2d\x1b[2J"), b"\\n2d\\x1b[2J", 1),
        ("a command name", ("li\nst\x1b",), b"li\\nst\\x1b", 2),
        ("an option name", (*plan, "--gro\nups\x1b", "2"), b"--gro\\nups\\x1b", 2),
        ("a family", ("list", "--family", "conv\n\x1b"), b"conv\\n\\x1b", 2),
        ("a group count", (*plan, "--groups", "2\n\x1b"), b"2\\n\\x1b", 2),
        ("an extra argument", (*plan, "x\ny\x7f"), b"x\\ny\\x7f", 2),
        ("an input file name", ("convert", "torch.conv2d", "keras.conv2d", missing, os.path.join(tmp, "o.npy")),
         b"no\\nsuch\\x1b[31m.npy", 1),
        ("a C1 control and a broken UTF-8 byte", ("explain", "torch.\u0085conv\udcff"), b"torch.", 1),
    ]
    for name, args, needle, status in hostile:
        code, _, err = run_bytes(*args)
        check(f"control characters in {name} are escaped: one line", code == status and one_clean_line(err) and needle in err,
              f"exit {code}, stderr {err[:300]!r}")

    # A 100 kB name is answered at once: suggestions are linear in its length.
    long = "torch." + "conv_transpose" * 7500
    for name, args in (("op", ("explain", long)), ("pair of ops", ("plan", long, long)), ("command", (long,)),
                       ("option", (*plan, "--" + long, "1")), ("family", ("list", "--family", long))):
        start = time.monotonic()
        code, _, err = run_bytes(*args)
        took = time.monotonic() - start
        check(f"a 100 kB {name} is refused in well under a second", code != 0 and one_clean_line(err) and len(err) < 600
              and took < 0.5, f"{took:.2f} s, exit {code}, stderr {err[:200]!r}")


def grouped_torch_to_equinox(w, g):
    i, o, kh, kw = w.shape  # (G*I/G, O/G, kh, kw) -> (G*O/G, I/G, kh, kw), swapped inside each group
    per = w.reshape(g, i // g, o, kh, kw)[:, :, :, ::-1, ::-1]
    return per.transpose(0, 2, 1, 3, 4).reshape(g * o, i // g, kh, kw)


class Same:
    """Compares arrays by shape and values with ==, for check()."""
    def __init__(self, a):
        self.a = a

    def __eq__(self, other):
        return self.a is not None and self.a.shape == other.shape and np.array_equal(self.a, other)


def plan_code_result(args, w):
    """Runs the NumPy code `axle plan` prints on w."""
    code, out, err = run("plan", *args)
    if code != 0 or "numpy" not in out:
        return Same(None)
    text = out.split("numpy", 1)[1].split("pytorch", 1)[0]
    lines = [line.strip() for line in text.strip().splitlines()]
    scope = {"np": np, "w": w.copy()}
    if len(lines) == 1 and "=" not in lines[0].split("(")[0]:
        lines = ["w = " + lines[0]]
    exec("\n".join(lines), scope)
    return Same(scope["w"])


def bias16(tmp):
    path = os.path.join(tmp, "bias16.npy")
    np.save(path, rng_array((2, 16), "float16"))
    return path


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
    code, out, _ = run("explain", "torch.lstm")
    check("explain an LSTM says what it computes", code == 0 and "LSTM cell" in out and "cross-correlation" not in out
          and "two biases" in out, out)
    code, out, _ = run("explain", "onnx.gru")
    check("explain a GRU's reset placement", code == 0 and "before the hidden matmul" in out, out)
    code, out, _ = run("explain", "transformers.llama_attention:q_proj")
    check("explain a rotary projection", code == 0 and "half-split" in out and "(heads, pair[re,im], freq)" in out, out)
    code, out, _ = run("plan", "llama.attention:wq", "transformers.llama_attention:q_proj", "--heads", "32")
    check("plan Meta -> HF query", code == 0 and "swap(pair[re,im], freq)" in out and "heads = 32" in out, out)
    code, out, _ = run("plan", "torch.conv2d", "tf.depthwise_conv2d", "--groups", "8")
    check("plan grouped -> depthwise", code == 0 and "split((G, M) \u2192 G, M)" in out, out)
    # The code `plan` prints runs, and does what the frameworks' own code does.
    w = rng_array((12, 3), "float64")
    check("plan code: a section of PyTorch's in_proj_weight as Keras' value kernel",
          plan_code_result(("torch.multihead_attention", "keras.multi_head_attention:value", "--heads", "2"), w)
          == w[8:].reshape(2, 2, 3).transpose(2, 0, 1))
    b = rng_array((2, 6), "float64")
    check("plan code: PyTorch's GRU biases folded for MLX, b_hn apart",
          plan_code_result(("torch.gru:bias", "mlx.gru:bias", "--fold-bias"), b)
          == (b[0].reshape(3, 2) + b[1].reshape(3, 2) * np.array([1, 1, 0])[:, None]).reshape(6))
    f = rng_array((16, 3), "float64")
    check("plan code: Falcon's value heads",
          plan_code_result(("transformers.falcon_attention:query_key_value", "transformers.llama_attention:v_proj", "--heads", "4",
                            "--kv-heads", "2"), f) == f.reshape(2, 4, 2, 3)[:, 3].reshape(4, 3))
    d = rng_array((6, 1, 3, 2), "float64")
    check("plan code: a grouped conv as TF's depthwise filter",
          plan_code_result(("torch.conv2d", "tf.depthwise_conv2d", "--groups", "3"), d) == d.reshape(3, 2, 3, 2).transpose(2, 3, 0, 1))
    code, out, _ = run("list", "--family", "gru")
    check("list a new family", code == 0 and "torch.gru" in out and "torch.conv2d" not in out, out)
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

        # Larger than one piece of the streamed conversion (16 MiB): the output is written piece by
        # piece, the input released as it goes; every piece must land where NumPy puts it.
        big = (1024, 1040, 3, 3)
        convert_case(tmp, "streamed: torch conv -> keras (a permutation)", "torch.conv2d", "keras.conv2d", big,
                     lambda w: w.transpose(2, 3, 1, 0))
        convert_case(tmp, "streamed: grouped torch convT -> equinox (split, swap, flip)", "torch.conv_transpose2d",
                     "equinox.conv_transpose2d", big, lambda w: grouped_torch_to_equinox(w, 8), extra=("--groups", "8"))
        convert_case(tmp, "streamed: torch convT -> flax, float16", "torch.conv_transpose2d", "flax.conv_transpose",
                     (2080, 1024, 3, 3), lambda w: np.flip(w, (2, 3)).transpose(2, 3, 0, 1), "float16")

        # Data that are not aligned for their element size (a writer that does not pad as NumPy
        # does): NumPy reads them, so must axle.
        w = rng_array((4, 6, 3, 2), "float32")
        odd = os.path.join(tmp, "unaligned.npy")
        dict_text = "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 6, 3, 2), }"
        header_text = (dict_text + " " * (63 - 10 - len(dict_text)) + "\n").encode("latin1")  # data at offset 63
        with open(odd, "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + len(header_text).to_bytes(2, "little") + header_text + w.tobytes())
        check("the unaligned file is one NumPy reads", np.array_equal(np.load(odd), w))
        odd_out = os.path.join(tmp, "unaligned.out.npy")
        code, _, err = run("convert", "torch.conv2d", "keras.conv2d", odd, odd_out)
        check("unaligned data convert", code == 0 and np.array_equal(np.load(odd_out), w.transpose(2, 3, 1, 0)), err)

        # A zero-element file whose extents multiply past int64: NumPy refuses it (the product of the
        # non-zero extents times the item size must fit), and so must axle, in one line, whatever
        # the order of the dimensions and the target; no output that NumPy would refuse to load.
        from numpy.lib import format as npformat
        for name, shape in (("huge_zero_first", (0, 2**62, 2**62, 1)), ("huge_zero_last", (2**62, 2**62, 3, 0))):
            huge = os.path.join(tmp, name + ".npy")
            with open(huge, "wb") as f:
                npformat.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": shape})
            try:
                np.load(huge)
                check(name + ": NumPy refuses it", False, "NumPy loaded it")
            except ValueError:
                pass
            for target in ("equinox.conv2d", "flax.conv"):
                out_path = os.path.join(tmp, name + ".out.npy")
                code, _, err = run("convert", "torch.conv2d", target, huge, out_path)
                lines = err.splitlines()
                check(f"{name} -> {target}: one line naming the file and the shape",
                      code == 1 and len(lines) == 1 and lines[0].startswith("axle: error: " + huge)
                      and str(shape).replace(" ", "") in lines[0].replace(" ", ""), f"exit {code}, stderr {err!r}")
                check(f"{name} -> {target} leaves no output", not os.path.exists(out_path))

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
        out2 = os.path.join(tmp, "out2.npy")  # never written: each case below must fail
        # Depthwise is grouped: a conv with groups = C and I/G = 1 is a depthwise conv with M = O/G.
        convert_case(tmp, "torch conv2d --groups C -> tf depthwise", "torch.conv2d", "tf.depthwise_conv2d", (6, 1, 3, 2),
                     lambda w: w.reshape(3, 2, 3, 2).transpose(2, 3, 0, 1), extra=("--groups", "3"))
        convert_case(tmp, "torch conv2d --groups C -> tflite depthwise", "torch.conv2d", "tflite.depthwise_conv_2d", (6, 1, 3, 2),
                     lambda w: w.reshape(6, 3, 2).transpose(1, 2, 0)[None], extra=("--groups", "3"))
        convert_case(tmp, "keras depthwise -> torch conv2d", "keras.depthwise_conv2d", "torch.conv2d", (3, 2, 4, 2),
                     lambda w: w.reshape(3, 2, 1, 8).transpose(3, 2, 0, 1))
        dw = os.path.join(tmp, "grouped.npy")
        np.save(dw, rng_array((6, 2, 3, 3), "float32"))
        expect_error("a grouped conv with I/G = 2 is not depthwise", ("convert", "torch.conv2d", "tf.depthwise_conv2d", dw, out2,
                                                                       "--groups", "3"), "I/G = 1", out2)
        # Recurrent and attention meanings.
        gru = os.path.join(tmp, "gru.npy")
        np.save(gru, rng_array((12, 5), "float32"))
        expect_error("GRU reset placements that differ", ("convert", "torch.gru", "onnx.gru", gru, out2), "reset gate", out2)
        convert_case(tmp, "torch gru -> onnx gru (linear_before_reset)", "torch.gru", "onnx.gru:linear_before_reset", (12, 5),
                     lambda w: w.reshape(3, 4, 5)[[1, 0, 2]].reshape(1, 12, 5))
        bias = os.path.join(tmp, "bias.npy")
        np.save(bias, rng_array((2, 16), "float32"))
        expect_error("two biases into one without --fold-bias", ("convert", "torch.lstm:bias", "keras.lstm:bias", bias, out2),
                     "--fold-bias", out2)
        convert_case(tmp, "torch lstm biases folded for keras", "torch.lstm:bias", "keras.lstm:bias", (2, 16),
                     lambda b: b[0] + b[1], extra=("--fold-bias",))
        expect_error("folding 16-bit floats is refused", ("convert", "torch.lstm:bias", "keras.lstm:bias", bias16(tmp), out2,
                                                          "--fold-bias"), "float32 or float64", out2)
        convert_case(tmp, "meta wq -> hf q_proj", "llama.attention:wq", "transformers.llama_attention:q_proj", (32, 6),
                     lambda w: w.reshape(4, 4, 2, 6).transpose(0, 2, 1, 3).reshape(32, 6), extra=("--heads", "4"))
        expect_error("a query projection without --heads", ("convert", "llama.attention:wq", "transformers.llama_attention:q_proj",
                                                             os.path.join(tmp, "meta wq -> hf q_proj.in.npy"), out2), "--heads", out2)
        leftovers = [f for f in os.listdir(tmp) if not f.endswith(".npy")]
        check("no temporary files are left", not leftovers, str(leftovers))
        check_command_line(tmp)
    layouts_as_text()
    code, _, err = run("frobnicate")
    check("an unknown command", code == 2 and "unknown command" in err)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
