#!/usr/bin/python3
"""Developer cross-check of axle::reference against PyTorch (and ONNX shape inference).

NOT part of the committed test suite (which must not need torch).  Run with the
Debian interpreter that has python3-torch:

    /usr/bin/python3 tests/runtime/torch_crosscheck.py [--cases N] [--seed S] [--cxx g++]

It compiles a tiny driver around include/axle/reference/{conv,padding}.hpp,
feeds it random geometries/data, and compares in float64 with:
  * conv_forward            vs torch.nn.functional.conv{1,2,3}d on an explicitly padded input
  * conv_transpose_adjoint  vs torch conv_transpose{1,2,3}d (uncropped), cropped by lo and
                              zero-extended/cropped to the engine's output size by hand
  * conv_transpose_direct   vs torch conv{1,2,3}d on an explicitly zero-dilated, padded input
  * direct(per-group swap+flip of W) vs adjoint(W)
  * torch_same_padding      vs torch conv with padding='same'
  * onnx_conv_auto_pad / onnx_conv_transpose_auto_pad output sizes vs onnx shape inference
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
INCLUDE = os.environ.get("AXLE_INCLUDE", os.path.normpath(os.path.join(HERE, "..", "..", "include")))

DRIVER = r"""
#include "axle/reference/conv.hpp"
#include "axle/reference/padding.hpp"
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>
using namespace axle::reference;
static extents3 rd3() { extents3 e{}; for (auto& v : e) std::cin >> v; return e; }
int main() {
  std::cout.precision(17);
  std::string mode;
  while (std::cin >> mode) {
    if (mode == "conv") {
      int kind_i; conv_geometry g; std::cin >> kind_i >> g.spatial >> g.batch >> g.groups >> g.in_channels >> g.out_channels;
      g.in = rd3(); g.kernel = rd3(); g.stride = rd3(); g.dilation = rd3(); g.pad_lo = rd3(); g.pad_hi = rd3(); g.output_padding = rd3();
      const auto kind = static_cast<op_kind>(kind_i);
      std::vector<double> x(x_size(g, kind)), w(w_size(g, kind)), y(y_size(g, kind));
      for (auto& v : x) std::cin >> v;
      for (auto& v : w) std::cin >> v;
      if (kind == op_kind::forward) conv_forward(x.data(), w.data(), y.data(), g);
      else if (kind == op_kind::transpose_adjoint) conv_transpose_adjoint(x.data(), w.data(), y.data(), g);
      else conv_transpose_direct(x.data(), w.data(), y.data(), g);
      const auto out = output_extents(g, kind);
      std::cout << out[0] << ' ' << out[1] << ' ' << out[2];
      for (double v : y) std::cout << ' ' << v;
      std::cout << '\n';
    } else if (mode == "torch_same") {
      index_t k, d; std::cin >> k >> d; auto p = torch_same_padding(k, d); std::cout << p.lo << ' ' << p.hi << '\n';
    } else if (mode == "onnx_conv") {
      index_t in, k, s, d; int lower; std::cin >> in >> k >> s >> d >> lower;
      auto p = onnx_conv_auto_pad(in, k, s, d, lower ? same_mode::lower : same_mode::upper);
      std::cout << p.lo << ' ' << p.hi << '\n';
    } else if (mode == "onnx_ct") {
      index_t in, k, s, d, op; int lower; std::cin >> in >> k >> s >> d >> op >> lower;
      auto p = onnx_conv_transpose_auto_pad(in, k, s, d, op, lower ? same_mode::lower : same_mode::upper);
      std::cout << p.lo << ' ' << p.hi << ' ' << p.output_padding << '\n';
    }
    std::cout.flush();
  }
}
"""

CONVS = {1: (F.conv1d, F.conv_transpose1d), 2: (F.conv2d, F.conv_transpose2d), 3: (F.conv3d, F.conv_transpose3d)}


class Driver:
    def __init__(self, cxx):
        self.tmp = tempfile.TemporaryDirectory()
        src = os.path.join(self.tmp.name, "driver.cpp")
        exe = os.path.join(self.tmp.name, "driver")
        with open(src, "w") as f:
            f.write(DRIVER)
        subprocess.run([cxx, "-std=c++20", "-O1", "-I", INCLUDE, src, "-o", exe], check=True)
        self.p = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().split()

    def conv(self, kind, g, x, w):
        e = lambda v: " ".join(str(int(t)) for t in (list(v) + [1, 1, 1])[:3])
        z = lambda v: " ".join(str(int(t)) for t in (list(v) + [0, 0, 0])[:3])
        head = "conv %d %d %d %d %d %d %s %s %s %s %s %s %s" % (
            kind, g["spatial"], g["batch"], g["groups"], g["ci"], g["co"], e(g["in"]), e(g["k"]), e(g["s"]),
            e(g["d"]), z(g["lo"]), z(g["hi"]), z(g.get("op", []) if kind else []))
        data = " ".join(repr(float(v)) for v in np.concatenate([x.ravel(), w.ravel()]))
        out = self.ask(head + " " + data)
        ext = [int(v) for v in out[:3]][: g["spatial"]]
        y = np.array([float(v) for v in out[3:]])
        return y.reshape([g["batch"], g["co"]] + ext)


def torch_pad_arg(lo, hi):  # F.pad takes the last axis first
    arg = []
    for a in reversed(range(len(lo))):
        arg += [lo[a], hi[a]]
    return arg


def ref_forward(g, x, w):
    conv = CONVS[g["spatial"]][0]
    xp = F.pad(torch.from_numpy(x), torch_pad_arg(g["lo"], g["hi"]))
    return conv(xp, torch.from_numpy(w), stride=g["s"], dilation=g["d"], groups=g["groups"]).numpy()


def ref_adjoint(g, x, w, out):
    convt = CONVS[g["spatial"]][1]
    full = convt(torch.from_numpy(x), torch.from_numpy(w), stride=g["s"], dilation=g["d"], groups=g["groups"]).numpy()
    res = np.zeros(list(full.shape[:2]) + list(out))
    src = [slice(None), slice(None)]
    dst = [slice(None), slice(None)]
    for a in range(g["spatial"]):
        n = max(0, min(out[a], full.shape[2 + a] - g["lo"][a]))
        src.append(slice(g["lo"][a], g["lo"][a] + n))
        dst.append(slice(0, n))
    res[tuple(dst)] = full[tuple(src)]
    return res


def ref_direct(g, x, w):
    conv = CONVS[g["spatial"]][0]
    sp = g["spatial"]
    shape = list(x.shape[:2]) + [(x.shape[2 + a] - 1) * g["s"][a] + 1 for a in range(sp)]
    u = np.zeros(shape)
    u[(slice(None), slice(None)) + tuple(slice(None, None, g["s"][a]) for a in range(sp))] = x
    before = [g["d"][a] * (g["k"][a] - 1) - g["lo"][a] for a in range(sp)]
    after = [g["d"][a] * (g["k"][a] - 1) - g["hi"][a] + g["op"][a] for a in range(sp)]
    for a in range(sp):  # pad (negative amounts crop) by index arithmetic: F.pad cannot over-crop
        ax, n = 2 + a, u.shape[2 + a]
        idx = np.arange(n + before[a] + after[a]) - before[a]
        keep = (idx >= 0) & (idx < n)
        v = np.zeros(u.shape[:ax] + (len(idx),) + u.shape[ax + 1:])
        v[(slice(None),) * ax + (keep,)] = np.take(u, idx[keep], axis=ax)
        u = v
    up = torch.from_numpy(u)
    return conv(up, torch.from_numpy(w), stride=1, dilation=g["d"], groups=g["groups"]).numpy()


def swap_flip_per_group(W, groups):  # W (Ci, Co/G, k...) -> K (Co, Ci/G, k...)
    ci, opg = W.shape[:2]
    ipg = ci // groups
    Wg = W.reshape((groups, ipg, opg) + W.shape[2:])
    K = np.swapaxes(Wg, 1, 2).reshape((groups * opg, ipg) + W.shape[2:])
    return np.flip(K, axis=tuple(range(2, W.ndim))).copy()


def random_geometry(rng):
    while True:
        sp = rng.randint(1, 3)
        G = rng.randint(1, 3)
        g = dict(spatial=sp, batch=rng.randint(1, 2), groups=G, ci=G * rng.randint(1, 2), co=G * rng.randint(1, 3),
                 **{key: [] for key in ("in", "k", "s", "d", "lo", "hi", "op")})
        for _ in range(sp):
            g["in"].append(rng.randint(1, 7)); g["k"].append(rng.randint(1, 4)); g["s"].append(rng.randint(1, 3))
            g["d"].append(rng.randint(1, 3)); g["lo"].append(rng.randint(0, 3)); g["hi"].append(rng.randint(0, 3))
            g["op"].append(rng.randint(0, 3))
        if all(g["in"][a] + g["lo"][a] + g["hi"][a] >= g["d"][a] * (g["k"][a] - 1) + 1 for a in range(sp)):
            return g


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--cxx", default="g++")
    args = ap.parse_args()
    torch.set_default_dtype(torch.float64)
    warnings.filterwarnings("ignore", message="Using padding='same'")
    rng = random.Random(args.seed)
    nrng = np.random.default_rng(args.seed)
    drv = Driver(args.cxx)
    worst = 0.0
    checks = 0

    def close(a, b, what, g):
        nonlocal worst, checks
        checks += 1
        if a.shape != b.shape:
            sys.exit("SHAPE MISMATCH %s: %s vs %s for %s" % (what, a.shape, b.shape, g))
        err = float(np.max(np.abs(a - b))) if a.size else 0.0
        worst = max(worst, err)
        if err > 1e-10:
            sys.exit("MISMATCH %s: max err %g for %s" % (what, err, g))

    for _ in range(args.cases):
        g = random_geometry(rng)
        sp, G = g["spatial"], g["groups"]
        # forward
        x = nrng.standard_normal([g["batch"], g["ci"]] + g["in"])
        w = nrng.standard_normal([g["co"], g["ci"] // G] + g["k"])
        close(drv.conv(0, g, x, w), ref_forward(g, x, w), "forward", g)
        # transposed ops on a random transposed geometry (x of the transposed op: in_channels = ci)
        out = [(g["in"][a] - 1) * g["s"][a] - g["lo"][a] - g["hi"][a] + g["d"][a] * (g["k"][a] - 1) + 1 + g["op"][a]
               for a in range(sp)]
        if min(out) < 1:
            continue
        W = nrng.standard_normal([g["ci"], g["co"] // G] + g["k"])
        y_adj = drv.conv(1, g, x, W)
        close(y_adj, ref_adjoint(g, x, W, out), "adjoint", g)
        K = nrng.standard_normal([g["co"], g["ci"] // G] + g["k"])
        close(drv.conv(2, g, x, K), ref_direct(g, x, K), "direct", g)
        close(drv.conv(2, g, x, swap_flip_per_group(W, G)), y_adj, "direct(swapflip W) vs adjoint(W)", g)

    # torch padding='same' (stride 1)
    for _ in range(60):
        sp = rng.randint(1, 3)
        k = [rng.randint(1, 5) for _ in range(sp)]
        d = [rng.randint(1, 3) for _ in range(sp)]
        n = [rng.randint(1, 8) for _ in range(sp)]
        pads = [[int(v) for v in drv.ask("torch_same %d %d" % (k[a], d[a]))] for a in range(sp)]
        g = dict(spatial=sp, batch=1, groups=1, ci=2, co=3, **{"in": n}, k=k, s=[1] * sp, d=d,
                 lo=[p[0] for p in pads], hi=[p[1] for p in pads])
        x = nrng.standard_normal([1, 2] + n)
        w = nrng.standard_normal([3, 2] + k)
        ref = CONVS[sp][0](torch.from_numpy(x), torch.from_numpy(w), padding="same", dilation=d).numpy()
        close(drv.conv(0, g, x, w), ref, "torch padding='same'", g)

    # ONNX shape inference: output sizes implied by our pads
    try:
        import onnx
        from onnx import helper, shape_inference, TensorProto
    except ImportError:  # pragma: no cover
        onnx = None
    onnx_checks = 0
    if onnx is not None:
        def infer(op, attrs, xshape, wshape):
            node = helper.make_node(op, ["X", "W"], ["Y"], **attrs)
            graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, xshape),
                                                    helper.make_tensor_value_info("W", TensorProto.FLOAT, wshape)],
                                      [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)])
            m = shape_inference.infer_shapes(helper.make_model(graph))
            return [d.dim_value for d in m.graph.output[0].type.tensor_type.shape.dim][2:]

        for _ in range(80):
            n, k, s, d = rng.randint(1, 9), rng.randint(1, 5), rng.randint(1, 3), rng.randint(1, 2)
            for lower, name in ((0, "SAME_UPPER"), (1, "SAME_LOWER")):
                lo, hi = (int(v) for v in drv.ask("onnx_conv %d %d %d %d %d" % (n, k, s, d, lower)))
                ours = (n + lo + hi - (d * (k - 1) + 1)) // s + 1
                theirs = infer("Conv", dict(auto_pad=name, strides=[s], dilations=[d]), [1, 1, n], [1, 1, k])
                onnx_checks += 1
                if [ours] != theirs:
                    sys.exit("ONNX Conv %s size mismatch %s vs %s (n=%d k=%d s=%d d=%d)" % (name, ours, theirs, n, k, s, d))
                # ConvTranspose without output_shape: shape inference ignores output_padding and clamps
                # total at max(dk - s, 0); compare only where spec and reference agree (op = 0, dk >= s).
                if d * (k - 1) + 1 >= s:
                    lo, hi, op = (int(v) for v in drv.ask("onnx_ct %d %d %d %d 0 %d" % (n, k, s, d, lower)))
                    ours = (n - 1) * s - lo - hi + d * (k - 1) + 1 + op
                    theirs = infer("ConvTranspose", dict(auto_pad=name, strides=[s], dilations=[d]), [1, 1, n], [1, 1, k])
                    onnx_checks += 1
                    if [ours] != theirs or ours != n * s:
                        sys.exit("ONNX ConvTranspose %s size mismatch %s vs %s" % (name, ours, theirs))

    print("torch_crosscheck: %d array comparisons OK (max abs err %.3g), %d ONNX shape checks OK"
          % (checks, worst, onnx_checks))


if __name__ == "__main__":
    main()
