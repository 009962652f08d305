#!/usr/bin/python3
"""NumPy / PyTorch baselines for the axle_bench_convert cases.

Run with Debian's interpreter (numpy 1.24, torch 1.13):
    /usr/bin/python3 bench/convert/baselines.py [--rounds 7] [--min-time 0.05] [--json out.json]

Cases (fp32), same as bench_convert.cpp:
  convT_to_eqx   PyTorch ConvTranspose (I,O,k..) -> Equinox (O,I,k..), spatial flipped
  conv_to_tf     PyTorch conv (O,I,k..) -> TF (k..,I,O)
  grouped_convT  (G*I,O,kh,kw) viewed (G,I,O,kh,kw) -> (G,O,I,kh,kw), flipped, G=4
  lstm_reorder   (4*512,512) row blocks i,f,g,o -> i,o,f,g
Variants:
  numpy          np.ascontiguousarray(np.flip(w, axes).transpose(perm))   (allocates)
  numpy_into     np.copyto(dst, np.flip(w, axes).transpose(perm))         (preallocated)
  torch          w.flip(dims).permute(perm).contiguous()                  (allocates)
  torch_into     dst.copy_(w.flip(dims).permute(perm))                    (preallocated)
  (torch has no negative strides: flip() materialises a copy first.)
  lstm: np.take(w, idx, axis=0[, out=dst]) / torch.index_select(w, 0, idx[, out=dst])
Reference in the same session, same bytes:
  memcpy         np.copyto(dst, src) of a contiguous array (preallocated dst)
  torch_memcpy   dst.copy_(src)

Timing: thread CPU time (time.thread_time, user+sys of this thread) like the
C++ suite, because the machine is shared. Each round times every variant
once (interleaved); the report gives medians over rounds of GB/s (tensor
bytes / time) and of the ratio memcpy_time / variant_time in that round.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import torch

SHAPES = [(64, 64, 3, 3), (512, 512, 3, 3), (1024, 1024, 4, 4), (256, 256, 3, 3, 3)]


def shape_name(s):
    return "x".join(str(v) for v in s)


def make_cases():
    cases = []
    for sh in SHAPES:
        r = len(sh)
        ns = r - 2
        sp = list(range(2, r))
        cases.append(dict(name="convT_to_eqx", shape=shape_name(sh), src_shape=sh,
                          perm=[1, 0] + sp, flip_src=sp))
        cases.append(dict(name="conv_to_tf", shape=shape_name(sh), src_shape=sh,
                          perm=sp + [1, 0], flip_src=[]))
        if r == 4:
            cases.append(dict(name="grouped_convT", shape=shape_name(sh),
                              src_shape=(4, sh[0] // 4, sh[1], sh[2], sh[3]),
                              perm=[0, 2, 1, 3, 4], flip_src=[3, 4]))
        del ns
    cases.append(dict(name="lstm_reorder", shape="2048x512", src_shape=(4, 512, 512),
                      perm=None, flip_src=[], gather=[0, 3, 1, 2]))
    return cases


def build_variants(c):
    """Return {variant: zero-arg callable} and the tensor byte count."""
    w = np.arange(int(np.prod(c["src_shape"])), dtype=np.float32).reshape(c["src_shape"]) * 0.5
    wt = torch.from_numpy(w)
    nbytes = w.nbytes
    if c.get("gather"):
        idx = np.array(c["gather"])
        idx_t = torch.tensor(c["gather"])
        out_shape = w.shape
        dst = np.empty(out_shape, np.float32)
        dst_t = torch.empty(out_shape)
        v = {
            "numpy": lambda: np.take(w, idx, axis=0),
            "numpy_into": lambda: np.take(w, idx, axis=0, out=dst),
            "torch": lambda: torch.index_select(wt, 0, idx_t),
            "torch_into": lambda: torch.index_select(wt, 0, idx_t, out=dst_t),
        }
        ref = w[idx]
    else:
        perm, fl = c["perm"], c["flip_src"]
        out_shape = tuple(w.shape[p] for p in perm)
        dst = np.empty(out_shape, np.float32)
        dst_t = torch.empty(out_shape)
        if fl:
            v = {
                "numpy": lambda: np.ascontiguousarray(np.flip(w, fl).transpose(perm)),
                "numpy_into": lambda: np.copyto(dst, np.flip(w, fl).transpose(perm)),
                "torch": lambda: wt.flip(fl).permute(perm).contiguous(),
                "torch_into": lambda: dst_t.copy_(wt.flip(fl).permute(perm)),
            }
            ref = np.ascontiguousarray(np.flip(w, fl).transpose(perm))
        else:
            v = {
                "numpy": lambda: np.ascontiguousarray(w.transpose(perm)),
                "numpy_into": lambda: np.copyto(dst, w.transpose(perm)),
                "torch": lambda: wt.permute(perm).contiguous(),
                "torch_into": lambda: dst_t.copy_(wt.permute(perm)),
            }
            ref = np.ascontiguousarray(w.transpose(perm))
    # sanity: every variant produces the reference
    for name, f in v.items():
        out = f()
        if name.endswith("_into"):
            out = dst if name.startswith("numpy") else dst_t
        out = out.numpy() if isinstance(out, torch.Tensor) else out
        if not np.array_equal(np.asarray(out), ref):
            raise SystemExit(f"MISMATCH {c['name']}/{c['shape']}/{name}")
    return v, nbytes


def memcpy_variants(nbytes, cache):
    if nbytes not in cache:
        src = np.arange(nbytes // 4, dtype=np.float32)
        dst = np.zeros_like(src)
        st, dt = torch.from_numpy(src.copy()), torch.zeros(nbytes // 4)
        cache[nbytes] = {
            "memcpy": lambda: np.copyto(dst, src),
            "torch_memcpy": lambda: dt.copy_(st),
        }
    return cache[nbytes]


def time_once(f, min_time):
    """Per-call thread CPU time, running f repeatedly for >= min_time."""
    f()  # warm
    n = 1
    while True:
        t0 = time.thread_time()
        for _ in range(n):
            f()
        dt = time.thread_time() - t0
        if dt >= min_time:
            return dt / n
        n = max(n * 2, int(n * min_time / max(dt, 1e-6) * 1.2))


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--min-time", type=float, default=0.05)
    ap.add_argument("--json", default=None)
    ap.add_argument("--filter", default="", help="substring of case/shape to keep")
    args = ap.parse_args(argv[1:])
    torch.set_num_threads(1)
    print(f"numpy {np.__version__}, torch {torch.__version__}, torch threads {torch.get_num_threads()}",
          file=sys.stderr)

    cases = [c for c in make_cases() if args.filter in f"{c['name']}/{c['shape']}"]
    prepared = []
    mcache = {}
    for c in cases:
        v, nbytes = build_variants(c)
        prepared.append((c, v, nbytes, memcpy_variants(nbytes, mcache)))

    samples = {}  # (case, shape, variant) -> list of (seconds, ratio)
    for _ in range(args.rounds):
        for c, v, nbytes, mv in prepared:
            tm = time_once(mv["memcpy"], args.min_time)
            ttm = time_once(mv["torch_memcpy"], args.min_time)
            samples.setdefault((c["name"], c["shape"], "memcpy"), []).append((tm, 1.0, nbytes))
            samples.setdefault((c["name"], c["shape"], "torch_memcpy"), []).append((ttm, tm / ttm, nbytes))
            for name, f in v.items():
                t = time_once(f, args.min_time)
                samples.setdefault((c["name"], c["shape"], name), []).append((t, tm / t, nbytes))

    rows = []
    print("| case | shape | variant | GB/s | x memcpy (np.copyto) |")
    print("|---|---|---|---:|---:|")
    for (case, shape, name), s in samples.items():
        nbytes = s[0][2]
        gbs = statistics.median(nbytes / t / 1e9 for t, _, _ in s)
        ratio = statistics.median(r for _, r, _ in s)
        rows.append(dict(case=case, shape=shape, variant=name, gbps=gbs, x_memcpy=ratio, rounds=len(s)))
        print(f"| {case} | {shape} | {name} | {gbs:.2f} | {ratio:.3f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
