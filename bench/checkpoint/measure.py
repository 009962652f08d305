#!/usr/bin/python3
"""Converting a whole checkpoint against copying it: wall time and peak memory, within one run.

Generates a safetensors checkpoint of about 1.07 GB shaped like a convolutional network's
(PyTorch layouts: conv weights (O, I, kh, kw), linear weights (out, in), biases and norms), then,
alternately and several times, copies it with `cp` (and `cp` followed by an fsync of the copy,
since axle's output is flushed to disk before it is named) and converts it with
`axle convert-checkpoint` to Flax's layouts (every conv and linear weight permuted). Wall time
and the peak resident memory of each child process (getrusage) are reported as ratios: axle's
speed to cp's, and axle's peak memory to the largest tensor's size.

    cmake --workflow --preset release
    /usr/bin/python3 bench/checkpoint/measure.py build/release/tools/axle/axle [--dir DIR] [--rounds 3]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "checkpoints"))
import spec_safetensors as spec  # noqa: E402


def checkpoint():
    """Tensors of a ResNet-like stack, scaled up: about 1.07 GB of float32, the largest 151 MB."""
    t = {}
    k = 0

    def add(name, *shape):
        nonlocal k
        n = int(np.prod(shape))
        t[name] = (np.arange(n, dtype=np.float32) % 251 + k).reshape(shape)
        k += 1

    for stage, (c, blocks) in enumerate([(256, 4), (512, 6), (1024, 8), (2048, 2)]):
        for b in range(blocks):
            p = f"layer{stage}.{b}"
            add(f"{p}.conv1.weight", c, c, 3, 3)
            add(f"{p}.conv2.weight", c, c // 2, 3, 3)
            add(f"{p}.bn1.weight", c)
            add(f"{p}.bn1.bias", c)
            add(f"{p}.bn1.running_mean", c)
            add(f"{p}.bn1.running_var", c)
    add("fc.weight", 8192, 2048)
    add("fc.bias", 8192)
    return t


RULES = """
[[rule]]
match = "{p*}.conv{n}.weight"
from = "torch.conv2d"
to = "flax.conv"
rename = "{p}.conv{n}.kernel"
"""


def timed(cmd):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed: {p.stderr.read().decode()}")
    return wall, usage.ru_maxrss * 1024


def fsync(path):
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("axle")
    ap.add_argument("--dir", default=None, help="where the files go (default: a temporary directory)")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=a.dir) as tmp:
        p = lambda n: os.path.join(tmp, n)  # noqa: E731
        t = checkpoint()
        total = sum(v.nbytes for v in t.values())
        largest = max(v.nbytes for v in t.values())
        spec.write(p("in.safetensors"), t)
        del t
        with open(p("rules.toml"), "w") as f:
            f.write(RULES)
        size = os.path.getsize(p("in.safetensors"))
        print(f"checkpoint: {size / 1e9:.3f} GB, {total / 1e9:.3f} GB of tensors, largest tensor {largest / 1e6:.1f} MB")
        cp, cp_sync, ax = [], [], []
        ax_rss, cp_rss = [], []
        for r in range(a.rounds):
            for f in ("cp.safetensors", "out.safetensors"):
                if os.path.exists(p(f)):
                    os.remove(p(f))
            w, rss = timed(["cp", p("in.safetensors"), p("cp.safetensors")])
            cp.append(w)
            cp_rss.append(rss)
            start = time.perf_counter()
            fsync(p("cp.safetensors"))
            cp_sync.append(w + time.perf_counter() - start)
            os.remove(p("cp.safetensors"))
            w, rss = timed([a.axle, "convert-checkpoint", p("in.safetensors"), p("out.safetensors"), "--rules", p("rules.toml")])
            ax.append(w)
            ax_rss.append(rss)
            print(f"round {r + 1}: cp {cp[-1]:.2f} s, cp + fsync {cp_sync[-1]:.2f} s, axle {ax[-1]:.2f} s, axle peak RSS {rss / 1e6:.0f} MB")
        m = statistics.median
        print(f"median: cp {m(cp):.2f} s ({size / m(cp) / 1e9:.2f} GB/s), cp + fsync {m(cp_sync):.2f} s, axle {m(ax):.2f} s ({size / m(ax) / 1e9:.2f} GB/s)")
        print(f"axle's speed / cp's: {m(cp) / m(ax):.2f}; / (cp + fsync): {m(cp_sync) / m(ax):.2f}")
        print(f"axle's peak RSS {m(ax_rss) / 1e6:.0f} MB = {m(ax_rss) / largest:.2f} x the largest tensor (cp's: {m(cp_rss) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
