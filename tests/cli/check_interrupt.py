#!/usr/bin/python3
"""An interrupted `axle convert` leaves no file behind: it is killed with SIGINT, SIGTERM and SIGKILL
at several moments of a large conversion, and the output directory then holds nothing, or only the
existing output given with --force, intact and unchanged.

Moments, found by watching the process's open files in /proc:
  early    right after it starts (reading the input);
  writing  as soon as an output file is open and holds data;
  late     when the output holds at least 90% of its bytes (the rest of the write, the flush to
           disk and the link into place are all that is left).
The output is an unnamed file (O_TMPFILE) that has no name before it is complete; with
AXLE_NAMED_TEMPORARIES=1 it is a named temporary, which SIGINT and SIGTERM remove (SIGKILL, which
no process can catch, leaves that one file, and only it).

Usage: check_interrupt.py path/to/axle"""
import os
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

AXLE = os.path.abspath(sys.argv[1])
SHAPE = (200, 256, 32, 32)  # float32: 210 MB
FAILURES = []
OLD = b"the existing output, which --force may replace only with a complete file"


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ': ' + detail}")
    if not condition:
        FAILURES.append(name)
    return condition


def output_fds(pid, out_dir):
    """{fd path: size} of the files the process has open in the output directory."""
    found = {}
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            link = f"/proc/{pid}/fd/{fd}"
            try:
                if os.readlink(link).startswith(out_dir + "/"):
                    found[link] = os.stat(link).st_size
            except OSError:
                continue
    except OSError:
        pass
    return found


def interrupt(src, out_dir, sig, moment, force, named, expected_size, timeout=120):
    """Runs the conversion, sends `sig` at `moment`; returns (killed by it, names seen while running)."""
    out = os.path.join(out_dir, "out.npy")
    args = [AXLE, "convert", "torch.conv2d", "keras.conv2d", src, out] + (["--force"] if force else [])
    env = dict(os.environ)
    env.pop("AXLE_NAMED_TEMPORARIES", None)
    if named:
        env["AXLE_NAMED_TEMPORARIES"] = "1"
    p = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = set()
    deadline = time.monotonic() + timeout
    if moment == "early":
        time.sleep(0.002)
    while moment != "early" and p.poll() is None and time.monotonic() < deadline:
        sizes = output_fds(p.pid, out_dir)
        seen.update(os.listdir(out_dir))
        if moment == "writing" and any(s > 0 for s in sizes.values()):
            break
        if moment == "late" and any(s >= 0.9 * expected_size for s in sizes.values()):
            break
        time.sleep(0.002)
    seen.update(os.listdir(out_dir))
    if p.poll() is None:
        p.send_signal(sig)
    p.wait(timeout=timeout)
    p.stderr.close()
    return p.returncode == -sig, seen


def main():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in", "w.npy")
        os.makedirs(os.path.dirname(src))
        w = np.lib.format.open_memmap(src, mode="w+", dtype=np.float32, shape=SHAPE)
        w[:] = np.arange(SHAPE[-1], dtype=np.float32)
        del w
        size = os.path.getsize(src)
        with open(src, "rb") as f:
            original = f.read(4096)
        # Every signal at every moment; over an existing output, late (the replacement is all
        # that is left) with a catchable signal and with SIGKILL; with named temporaries, each
        # catchable signal once, with and without an existing output.
        plans = [(sig, moment, False, False) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
                 for moment in ("early", "writing", "late")]
        plans += [(signal.SIGTERM, "late", True, False), (signal.SIGKILL, "late", True, False)]
        plans += [(signal.SIGINT, "writing", False, True), (signal.SIGTERM, "late", True, True)]
        start = time.monotonic()
        for sig, moment, force, named in plans:
            out_dir = os.path.join(tmp, f"out-{sig.name}-{moment}-{int(force)}-{int(named)}")
            os.makedirs(out_dir)
            if force:
                with open(os.path.join(out_dir, "out.npy"), "wb") as f:
                    f.write(OLD)
            name = f"{sig.name} {moment}{' over an existing output' if force else ''}{' (named temporary)' if named else ''}"
            for attempt in range(3):  # a machine under load may finish before the moment comes
                killed, seen = interrupt(src, out_dir, sig, moment, force, named, size)
                if killed:
                    break
                for f in os.listdir(out_dir):
                    if f != "out.npy" or not force:
                        os.remove(os.path.join(out_dir, f))
                if force:
                    with open(os.path.join(out_dir, "out.npy"), "wb") as f:
                        f.write(OLD)
            if not check(f"{name}: the conversion was stopped by the signal", killed):
                continue
            left = sorted(os.listdir(out_dir))
            check(f"{name}: nothing is left but the original", left == (["out.npy"] if force else []), str(left))
            if force:
                with open(os.path.join(out_dir, "out.npy"), "rb") as f:
                    check(f"{name}: the existing output is unchanged", f.read() == OLD)
            if moment != "early":
                temporaries = [f for f in seen if f.startswith(".out.npy.axle-")]
                if named:
                    check(f"{name}: a named temporary was there to remove", temporaries, str(sorted(seen)))
                else:
                    check(f"{name}: the output had no name while it was written", not temporaries, str(sorted(seen)))
        # SIGKILL with a named temporary: the one thing that can be left is that file.
        out_dir = os.path.join(tmp, "out-SIGKILL-named")
        os.makedirs(out_dir)
        with open(os.path.join(out_dir, "out.npy"), "wb") as f:
            f.write(OLD)
        killed, _ = interrupt(src, out_dir, signal.SIGKILL, "writing", True, True, size)
        left = sorted(os.listdir(out_dir))
        check("SIGKILL with a named temporary leaves that file, and the existing output intact",
              killed and len(left) == 2 and left[1] == "out.npy" and left[0].startswith(".out.npy.axle-")
              and open(os.path.join(out_dir, "out.npy"), "rb").read() == OLD, str(left))
        # And uninterrupted, the conversion completes (the moments above were before its end).
        out = os.path.join(tmp, "complete.npy")
        p = subprocess.run([AXLE, "convert", "torch.conv2d", "keras.conv2d", src, out], capture_output=True, text=True)
        got = np.load(out, mmap_mode="r")
        check("uninterrupted, the conversion completes", p.returncode == 0 and got.shape == SHAPE[2:] + SHAPE[1::-1]
              and float(got[1, 2, 3, 4]) == 2.0, p.stderr)
        with open(src, "rb") as f:
            check("the input is untouched", f.read(4096) == original)
        print(f"{len(plans) + 2} conversions in {time.monotonic() - start:.1f} s")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
