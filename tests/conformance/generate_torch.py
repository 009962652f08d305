#!/usr/bin/python3
"""Generates PyTorch convolution conformance fixtures for axle.

Each case runs one torch.nn.functional conv-family op (conv1d/2d/3d,
conv_transpose1d/2d/3d) on small random float32 tensors and writes

    <out>/<case>/x.npy   input,  (N, Ci, *in)
    <out>/<case>/w.npy   weight in PyTorch's own layout:
                           conv            (Co, Ci/G, *kernel)
                           conv_transpose  (Ci, Co/G, *kernel)
    <out>/<case>/y.npy   output computed by torch, (N, Co, *out)

plus <out>/manifest.txt describing every case (format: tests/conformance/README.md).

Padding is always recorded as effective per-side pads (pad_lo, pad_hi):
  * conv, symmetric: torch's padding=p;
  * conv, asymmetric: the input is zero-padded with F.pad first, then padding=0;
  * conv, padding='same' (stride 1): torch pads total = d*(k-1), lo = total//2;
  * conv_transpose, symmetric: torch's padding=p (and output_padding);
  * conv_transpose, asymmetric: run with padding=0 and crop pad_lo/pad_hi
    elements off the output (which is what transposed-conv padding means).

y is computed by torch in float64 from the float32 x and w and rounded to
float32, so it is the correctly rounded result and re-runs are byte-identical
on any CPU; the float32 torch result is checked to agree with it, and both are
checked against an independent direct numpy implementation of the recorded
geometry.

Usage:
    /usr/bin/python3 tests/conformance/generate_torch.py [OUT_DIR] [--check]

OUT_DIR defaults to tests/conformance/fixtures/torch.  With --check nothing is
written: the fixtures are generated into a temporary directory and compared
byte for byte with OUT_DIR (exit status 1 on any difference).
"""
import itertools
import os
import shutil
import sys
import warnings
import zlib

import numpy as np

import fixture_cli  # noqa: E402 (beside this script)
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "fixtures", "torch")
CASE_FILES = ("x.npy", "w.npy", "y.npy")


def case(name, op, spatial, cin, cout, ins, kernel, *, batch=1, groups=1, stride=None,
         dilation=None, pad_lo=None, pad_hi=None, output_padding=None, mode=None):
    """One fixture description; per-dimension lists may be given as a scalar."""
    def vec(v, default):
        if v is None:
            v = default
        if isinstance(v, int):
            v = [v] * spatial
        assert len(v) == spatial, (name, v)
        return list(v)

    c = dict(
        name=name, op=op, spatial=spatial, batch=batch, in_channels=cin, out_channels=cout,
        groups=groups, ins=vec(ins, None), kernel=vec(kernel, None), stride=vec(stride, 1),
        dilation=vec(dilation, 1), pad_lo=vec(pad_lo, 0), pad_hi=vec(pad_hi, pad_lo if pad_lo is not None else 0),
        output_padding=vec(output_padding, 0),
    )
    if mode is None:
        if c["pad_lo"] == c["pad_hi"]:
            mode = "none" if not any(c["pad_lo"]) else "symmetric"
        else:
            mode = "fpad" if op == "conv" else "crop"
    c["padding"] = mode
    if mode == "same":
        assert op == "conv" and all(s == 1 for s in c["stride"]), name
        total = [d * (k - 1) for d, k in zip(c["dilation"], c["kernel"])]
        c["pad_lo"] = [t // 2 for t in total]
        c["pad_hi"] = [t - t // 2 for t in total]
    assert cin % groups == 0 and cout % groups == 0, name
    if op == "conv":
        assert not any(c["output_padding"]), name
    else:
        for op_, s, d in zip(c["output_padding"], c["stride"], c["dilation"]):
            assert op_ < max(s, d), (name, "output_padding must be < max(stride, dilation)")
    return c


def cases():
    C, T = "conv", "conv_transpose"
    return [
        # ---- conv1d ------------------------------------------------------
        case("conv1d_basic", C, 1, 2, 3, 7, 3),
        case("conv1d_stride2_pad1_k4", C, 1, 3, 4, 7, 4, batch=2, stride=2, pad_lo=1),
        case("conv1d_asym_pad_stride2_k5", C, 1, 2, 2, 6, 5, stride=2, pad_lo=2, pad_hi=1),
        case("conv1d_dilation2", C, 1, 2, 3, 7, 3, dilation=2, pad_lo=2),
        case("conv1d_groups3", C, 1, 6, 3, 7, 3, groups=3, pad_lo=1),
        case("conv1d_depthwise_m2", C, 1, 3, 6, 7, 3, groups=3, stride=2, pad_lo=1),
        case("conv1d_same_k3", C, 1, 2, 3, 6, 3, mode="same"),
        case("conv1d_same_k4", C, 1, 2, 2, 6, 4, mode="same"),
        case("conv1d_all", C, 1, 6, 6, 7, 4, batch=2, groups=3, stride=2, dilation=2, pad_lo=1, pad_hi=2),
        # ---- conv2d ------------------------------------------------------
        case("conv2d_basic", C, 2, 3, 4, [5, 6], 3),
        case("conv2d_stride2_pad1_k3x4", C, 2, 3, 2, [7, 6], [3, 4], batch=2, stride=2, pad_lo=1),
        case("conv2d_asym_pad", C, 2, 2, 3, [6, 5], 3, stride=[2, 1], pad_lo=[1, 0], pad_hi=[2, 1]),
        case("conv2d_dilation2", C, 2, 2, 3, [7, 7], 3, dilation=2, pad_lo=[2, 1]),
        case("conv2d_groups3", C, 2, 6, 6, [5, 5], [3, 2], groups=3, pad_lo=[1, 0]),
        case("conv2d_depthwise_m2", C, 2, 3, 6, [6, 6], 3, groups=3, stride=2, pad_lo=1),
        case("conv2d_depthwise_m2_dilation2", C, 2, 2, 4, [7, 6], 3, groups=2, dilation=2, mode="same"),
        case("conv2d_same_k3", C, 2, 2, 3, [5, 6], 3, mode="same"),
        case("conv2d_same_k2x4_dilation", C, 2, 2, 2, [6, 6], [2, 4], dilation=[2, 1], mode="same"),
        case("conv2d_pointwise_stride2", C, 2, 4, 5, [5, 5], 1, stride=2),
        case("conv2d_all", C, 2, 6, 6, [7, 7], [4, 3], batch=2, groups=3, stride=[2, 3], dilation=[2, 1],
             pad_lo=[2, 0], pad_hi=[1, 2]),
        # ---- conv3d ------------------------------------------------------
        case("conv3d_basic", C, 3, 2, 3, [4, 5, 4], 3),
        case("conv3d_stride2_pad1_k2x3x2", C, 3, 2, 2, [5, 5, 5], [2, 3, 2], stride=2, pad_lo=1),
        case("conv3d_asym_pad", C, 3, 2, 2, [4, 5, 5], 3, stride=[1, 2, 2], pad_lo=[1, 0, 2], pad_hi=[0, 1, 1]),
        case("conv3d_dilation2", C, 3, 2, 2, [5, 5, 5], 2, dilation=2),
        case("conv3d_groups3", C, 3, 6, 3, [3, 4, 4], [1, 3, 3], groups=3, pad_lo=[0, 1, 1]),
        case("conv3d_depthwise_m2", C, 3, 3, 6, [5, 5, 5], 3, groups=3, stride=2, pad_lo=1),
        case("conv3d_same_k3x2x3", C, 3, 2, 2, [4, 4, 4], [3, 2, 3], mode="same"),
        case("conv3d_all", C, 3, 3, 6, [5, 5, 5], [2, 3, 2], groups=3, stride=2, dilation=[1, 2, 2],
             pad_lo=[1, 0, 1], pad_hi=[0, 2, 1]),
        # ---- conv_transpose1d --------------------------------------------
        case("convT1d_basic", T, 1, 2, 3, 5, 3),
        case("convT1d_stride2_pad1_outpad1_k4", T, 1, 3, 2, 5, 4, batch=2, stride=2, pad_lo=1, output_padding=1),
        case("convT1d_asym_crop_stride2", T, 1, 2, 2, 5, 3, stride=2, pad_lo=2, pad_hi=0, output_padding=1),
        case("convT1d_dilation2", T, 1, 2, 2, 5, 3, dilation=2, pad_lo=1),
        case("convT1d_groups3", T, 1, 6, 3, 5, 3, groups=3),
        case("convT1d_depthwise_m2", T, 1, 3, 6, 5, 4, groups=3, stride=2, pad_lo=1),
        case("convT1d_all", T, 1, 6, 6, 5, 4, batch=2, groups=3, stride=3, dilation=2, pad_lo=1, pad_hi=3,
             output_padding=2),
        # ---- conv_transpose2d --------------------------------------------
        case("convT2d_basic", T, 2, 3, 2, [4, 5], 3),
        case("convT2d_stride2_outpad_k3x4", T, 2, 2, 3, [4, 4], [3, 4], stride=2, pad_lo=[1, 0], pad_hi=[1, 0],
             output_padding=[1, 0]),
        case("convT2d_asym_crop", T, 2, 2, 2, [4, 3], 3, stride=2, pad_lo=[0, 2], pad_hi=[1, 0],
             output_padding=[0, 1]),
        case("convT2d_dilation2_outpad", T, 2, 2, 3, [4, 4], [3, 2], dilation=2, pad_lo=1, output_padding=[1, 0]),
        case("convT2d_groups3", T, 2, 6, 6, [3, 4], [2, 3], groups=3, stride=[1, 2]),
        case("convT2d_depthwise_m2", T, 2, 3, 6, [4, 4], 3, groups=3, stride=2, pad_lo=1, output_padding=1),
        case("convT2d_all", T, 2, 6, 6, [3, 3], [4, 3], batch=2, groups=3, stride=[2, 3], dilation=[2, 1],
             pad_lo=[1, 2], pad_hi=[2, 0], output_padding=[1, 2]),
        # ---- conv_transpose3d --------------------------------------------
        case("convT3d_basic", T, 3, 2, 2, [3, 3, 3], 3),
        case("convT3d_stride2_pad1_outpad1", T, 3, 2, 3, [3, 3, 2], [3, 2, 3], stride=2, pad_lo=1, output_padding=1),
        case("convT3d_asym_crop", T, 3, 2, 2, [3, 3, 3], 3, stride=[1, 2, 2], pad_lo=[1, 0, 2], pad_hi=[0, 1, 1],
             output_padding=[0, 1, 0]),
        case("convT3d_dilation2", T, 3, 2, 2, [3, 3, 3], 2, dilation=2),
        case("convT3d_groups3", T, 3, 6, 3, [3, 3, 3], [1, 2, 2], groups=3),
        case("convT3d_depthwise_m2", T, 3, 3, 6, [3, 3, 3], 3, groups=3, stride=2, pad_lo=1, output_padding=1),
        case("convT3d_all", T, 3, 6, 6, [2, 3, 2], [2, 3, 2], groups=3, stride=2, dilation=[2, 1, 2],
             pad_lo=[1, 0, 2], pad_hi=[0, 2, 1], output_padding=1),
    ]


# ---------------------------------------------------------------------------
# geometry

def out_size(c):
    if c["op"] == "conv":
        return [(i + lo + hi - d * (k - 1) - 1) // s + 1
                for i, k, s, d, lo, hi in zip(c["ins"], c["kernel"], c["stride"], c["dilation"],
                                              c["pad_lo"], c["pad_hi"])]
    return [(i - 1) * s - lo - hi + d * (k - 1) + 1 + op
            for i, k, s, d, lo, hi, op in zip(c["ins"], c["kernel"], c["stride"], c["dilation"],
                                              c["pad_lo"], c["pad_hi"], c["output_padding"])]


def weight_shape(c):
    g = c["groups"]
    if c["op"] == "conv":
        return [c["out_channels"], c["in_channels"] // g] + c["kernel"]
    return [c["in_channels"], c["out_channels"] // g] + c["kernel"]


def tup(v):
    return "(" + ", ".join(str(int(e)) for e in v) + ("," if len(v) == 1 else "") + ")"


# ---------------------------------------------------------------------------
# running torch

def run_torch(c, x, w):
    """Returns (y, call-string) for tensors x, w of any floating dtype."""
    n = c["spatial"]
    s, d, g = tup(c["stride"]), tup(c["dilation"]), c["groups"]
    mode = c["padding"]
    if c["op"] == "conv":
        fn = getattr(F, "conv%dd" % n)
        if mode == "same":
            y = fn(x, w, stride=1, padding="same", dilation=c["dilation"], groups=g)
            call = "F.conv%dd(x, w, padding='same', dilation=%s, groups=%d)" % (n, d, g)
        elif mode == "fpad":
            pads = []
            for lo, hi in reversed(list(zip(c["pad_lo"], c["pad_hi"]))):
                pads += [lo, hi]
            y = fn(F.pad(x, pads), w, stride=c["stride"], padding=0, dilation=c["dilation"], groups=g)
            call = "F.conv%dd(F.pad(x, %s), w, stride=%s, dilation=%s, groups=%d)" % (n, tup(pads), s, d, g)
        else:
            y = fn(x, w, stride=c["stride"], padding=c["pad_lo"], dilation=c["dilation"], groups=g)
            call = "F.conv%dd(x, w, stride=%s, padding=%s, dilation=%s, groups=%d)" % (
                n, s, tup(c["pad_lo"]), d, g)
        return y, call
    fn = getattr(F, "conv_transpose%dd" % n)
    op = tup(c["output_padding"])
    if mode == "crop":
        full = fn(x, w, stride=c["stride"], padding=0, output_padding=c["output_padding"], groups=g,
                  dilation=c["dilation"])
        index = [slice(None), slice(None)]
        crop = []
        for axis, (lo, hi) in enumerate(zip(c["pad_lo"], c["pad_hi"])):
            size = full.shape[2 + axis]
            index.append(slice(lo, size - hi))
            crop.append("%d:%d" % (lo, size - hi))
        y = full[tuple(index)]
        call = "F.conv_transpose%dd(x, w, stride=%s, output_padding=%s, groups=%d, dilation=%s)[:, :, %s]" % (
            n, s, op, g, d, ", ".join(crop))
    else:
        y = fn(x, w, stride=c["stride"], padding=c["pad_lo"], output_padding=c["output_padding"], groups=g,
               dilation=c["dilation"])
        call = "F.conv_transpose%dd(x, w, stride=%s, padding=%s, output_padding=%s, groups=%d, dilation=%s)" % (
            n, s, tup(c["pad_lo"]), op, g, d)
    return y, call


# ---------------------------------------------------------------------------
# independent numpy reference (float64), used only as a self-check

def numpy_reference(c, x, w):
    x = x.astype(np.float64)
    w = w.astype(np.float64)
    n, g = c["batch"], c["groups"]
    ci, co = c["in_channels"], c["out_channels"]
    cig, cog = ci // g, co // g
    out = out_size(c)
    if c["op"] == "conv":
        pads = [(0, 0), (0, 0)] + list(zip(c["pad_lo"], c["pad_hi"]))
        xp = np.pad(x, pads)
        y = np.zeros([n, co] + out)
        xg = xp.reshape([n, g, cig] + list(xp.shape[2:]))
        wg = w.reshape([g, cog, cig] + c["kernel"])
        for kk in itertools.product(*[range(k) for k in c["kernel"]]):
            sl = tuple(slice(k * d, k * d + (o - 1) * s + 1, s)
                       for k, d, o, s in zip(kk, c["dilation"], out, c["stride"]))
            patch = xg[(slice(None), slice(None), slice(None)) + sl]     # n, g, cig, out...
            wk = wg[(slice(None), slice(None), slice(None)) + kk]         # g, cog, cig
            y += np.einsum("ngc...,goc->ngo...", patch, wk).reshape([n, co] + out)
        return y
    full = [(i - 1) * s + d * (k - 1) + 1 + op
            for i, k, s, d, op in zip(c["ins"], c["kernel"], c["stride"], c["dilation"], c["output_padding"])]
    yf = np.zeros([n, g, cog] + full)
    xg = x.reshape([n, g, cig] + c["ins"])
    wg = w.reshape([g, cig, cog] + c["kernel"])
    for kk in itertools.product(*[range(k) for k in c["kernel"]]):
        sl = tuple(slice(k * d, k * d + (i - 1) * s + 1, s)
                   for k, d, i, s in zip(kk, c["dilation"], c["ins"], c["stride"]))
        wk = wg[(slice(None), slice(None), slice(None)) + kk]             # g, cig, cog
        yf[(slice(None), slice(None), slice(None)) + sl] += np.einsum("ngc...,gco->ngo...", xg, wk)
    crop = tuple(slice(lo, f - hi) for lo, hi, f in zip(c["pad_lo"], c["pad_hi"], full))
    return yf[(slice(None), slice(None), slice(None)) + crop].reshape([n, co] + out)


# ---------------------------------------------------------------------------
# output

def save(path, arr):
    arr = np.ascontiguousarray(arr, dtype="<f4")
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=(1, 0), allow_pickle=False)


def manifest_header(kind):
    return [
        "# axle conformance fixtures (%s). Generated by tests/conformance/generate_torch.py; do not edit." % kind,
        "# Format: tests/conformance/README.md. Paths are relative to this file.",
        "format axle-conformance-manifest 1",
        "kind %s" % kind,
        "generator torch %s, numpy %s" % (torch.__version__, np.__version__),
    ]


def ints(v):
    return " ".join(str(int(e)) for e in v)


def generate(out_dir):
    # padding='same' with an even kernel warns that it copies the input; expected here.
    warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    all_cases = cases()
    names = [c["name"] for c in all_cases]
    assert len(set(names)) == len(names), "duplicate case names"

    os.makedirs(out_dir, exist_ok=True)
    lines = manifest_header("torch")
    lines.append("cases %d" % len(all_cases))
    for c in all_cases:
        gen = torch.Generator().manual_seed(zlib.crc32(c["name"].encode()))
        x = torch.randn([c["batch"], c["in_channels"]] + c["ins"], generator=gen, dtype=torch.float32)
        w = torch.randn(weight_shape(c), generator=gen, dtype=torch.float32)
        y64, call = run_torch(c, x.double(), w.double())
        y32, _ = run_torch(c, x, w)
        y = y64.float()
        out = out_size(c)
        expect_shape = [c["batch"], c["out_channels"]] + out
        assert list(y.shape) == expect_shape, (c["name"], list(y.shape), expect_shape)
        assert all(o > 0 for o in out), c["name"]
        ref = numpy_reference(c, x.numpy(), w.numpy())
        err_ref = float(np.max(np.abs(ref - y64.numpy())))
        err_f32 = float((y32.double() - y64).abs().max())
        assert err_ref < 1e-9, (c["name"], "numpy reference disagrees with torch", err_ref)
        assert err_f32 < 1e-4, (c["name"], "torch float32 disagrees with float64", err_f32)

        case_dir = os.path.join(out_dir, c["name"])
        os.makedirs(case_dir, exist_ok=True)
        save(os.path.join(case_dir, "x.npy"), x.numpy())
        save(os.path.join(case_dir, "w.npy"), w.numpy())
        save(os.path.join(case_dir, "y.npy"), y.numpy())

        lines += [
            "",
            "case %s" % c["name"],
            "op %s" % c["op"],
            "spatial %d" % c["spatial"],
            "batch %d" % c["batch"],
            "in_channels %d" % c["in_channels"],
            "out_channels %d" % c["out_channels"],
            "groups %d" % c["groups"],
            "in %s" % ints(c["ins"]),
            "kernel %s" % ints(c["kernel"]),
            "stride %s" % ints(c["stride"]),
            "dilation %s" % ints(c["dilation"]),
            "pad_lo %s" % ints(c["pad_lo"]),
            "pad_hi %s" % ints(c["pad_hi"]),
            "output_padding %s" % ints(c["output_padding"]),
            "out %s" % ints(out),
            "padding %s" % c["padding"],
            "x %s/x.npy" % c["name"],
            "w %s/w.npy" % c["name"],
            "y %s/y.npy" % c["name"],
            "call %s" % call,
            "end",
        ]
    with open(os.path.join(out_dir, "manifest.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    remove_stale(out_dir, set(names), CASE_FILES)
    return len(all_cases)


def remove_stale(out_dir, keep, case_files):
    """Removes case directories of cases no longer generated (only if they hold nothing but fixture files)."""
    for entry in sorted(os.listdir(out_dir)):
        path = os.path.join(out_dir, entry)
        if entry in keep or not os.path.isdir(path):
            continue
        if set(os.listdir(path)) <= set(case_files):
            shutil.rmtree(path)


def main(argv=None):
    return fixture_cli.main(generate, DEFAULT_OUT, __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(main())
