#!/usr/bin/python3
"""`axle convert-checkpoint` end to end, with independent references: NumPy (np.savez,
np.savez_compressed and np.load for .npz), a safetensors reader and writer written from the
specification (spec_safetensors.py), Python's json for the sharded index as transformers writes
it, and layout conversions written by hand in NumPy from the frameworks' documented shapes.

Every bad input of the issue's list must give one error line, a non-zero exit, and leave the
output directory exactly as it was; a conversion killed half-way must leave nothing.

Usage: check_checkpoints.py path/to/axle"""
import io
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_safetensors as spec  # noqa: E402

AXLE = sys.argv[1]
FAILURES = []


def run(*args, **kw):
    p = subprocess.run([AXLE, *args], capture_output=True, text=True, **kw)
    return p.returncode, p.stdout, p.stderr


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ': ' + str(detail)}")
    if not condition:
        FAILURES.append(name)


def listing(d):
    return sorted(os.listdir(d))


def expect_error(name, tmp, args, needle):
    """One error line naming the problem, a non-zero exit, and the directory unchanged."""
    before = {f: open(os.path.join(tmp, f), "rb").read() for f in listing(tmp) if os.path.isfile(os.path.join(tmp, f))}
    code, out, err = run(*args)
    lines = [l for l in err.splitlines() if l.strip()]
    ok = code != 0 and len(lines) == 1 and lines[0].startswith("axle: error: ") and needle in lines[0]
    check(name, ok, f"exit {code}, stderr {err!r}")
    after = {f: open(os.path.join(tmp, f), "rb").read() for f in listing(tmp) if os.path.isfile(os.path.join(tmp, f))}
    check(name + ": nothing written", before == after, f"{sorted(set(after) ^ set(before))}")
    return lines[0] if lines else ""


def state_dict():
    """A PyTorch-like state dict (names and shapes as torch.nn modules make them)."""
    r = np.random.default_rng(3)
    f = lambda *s: r.standard_normal(s).astype(np.float32)  # noqa: E731
    return {
        "enc.conv.weight": f(8, 3, 3, 3), "enc.conv.bias": f(8),
        "enc.bn.weight": f(8), "enc.bn.bias": f(8), "enc.bn.running_mean": f(8), "enc.bn.running_var": np.abs(f(8)),
        "enc.bn.num_batches_tracked": np.array(12, dtype=np.int64),
        "dec.up.weight": f(8, 2, 4, 4), "dec.up.bias": f(4),          # ConvTranspose2d(8, 4, 4, groups=2)
        "seq.conv1.weight": f(6, 4, 5), "seq.conv1.bias": f(6),       # Conv1d(4, 6, 5)
        "vol.conv3.weight": f(4, 2, 3, 2, 1), "vol.conv3.bias": f(4),  # Conv3d(2, 4, (3, 2, 1))
        "head.fc.weight": f(10, 16), "head.fc.bias": f(10),
        "head.norm.weight": f(16), "head.norm.bias": f(16),
        "rnn.weight_ih_l0": f(4 * 5, 3), "rnn.weight_hh_l0": f(4 * 5, 5), "rnn.bias_ih_l0": f(20), "rnn.bias_hh_l0": f(20),
    }


FLAX_RULES = """
[[rule]]
match = "enc.conv.weight"
from = "torch.conv2d"
to = "flax.conv"
rename = "enc.conv.kernel"
[[rule]]
match = "seq.conv1.weight"
from = "torch.conv1d"
to = "flax.conv"
rename = "seq.conv1.kernel"
[[rule]]
match = "vol.conv3.weight"
from = "torch.conv3d"
to = "flax.conv"
rename = "vol.conv3.kernel"
[[rule]]
match = "dec.up.weight"
from = "torch.conv_transpose2d"
to = "equinox.conv_transpose2d"
groups = 2
[[rule]]
match = "rnn.*"
"""


def grouped_torch_to_equinox(w, g):
    i, o, kh, kw = w.shape  # (G*I/G, O/G, kh, kw) -> (G*O/G, I/G, kh, kw), swapped inside each group, flipped
    per = w.reshape(g, i // g, o, kh, kw)[:, :, :, ::-1, ::-1]
    return per.transpose(0, 2, 1, 3, 4).reshape(g * o, i // g, kh, kw)


def check_flax(name, got, sd, meta=None):
    """Flax's layouts, from google/flax flax/linen/linear.py: Conv kernel (k..., I, O), Dense (in, out)."""
    want = {
        "enc.conv.kernel": sd["enc.conv.weight"].transpose(2, 3, 1, 0),
        "seq.conv1.kernel": sd["seq.conv1.weight"].transpose(2, 1, 0),
        "vol.conv3.kernel": sd["vol.conv3.weight"].transpose(2, 3, 4, 1, 0),
        "head.fc.kernel": sd["head.fc.weight"].T,
        "dec.up.weight": grouped_torch_to_equinox(sd["dec.up.weight"], 2),
        "enc.bn.scale": sd["enc.bn.weight"], "enc.bn.mean": sd["enc.bn.running_mean"], "enc.bn.var": sd["enc.bn.running_var"],
        "head.norm.scale": sd["head.norm.weight"], "enc.bn.bias": sd["enc.bn.bias"], "head.fc.bias": sd["head.fc.bias"],
        "rnn.weight_ih_l0": sd["rnn.weight_ih_l0"],
    }
    for k, v in want.items():
        check(f"{name}: {k}", k in got and got[k].shape == v.shape and np.array_equal(got[k], v),
              f"{got[k].shape if k in got else 'missing'} vs {v.shape}")
    check(f"{name}: num_batches_tracked dropped", "enc.bn.num_batches_tracked" not in got)
    check(f"{name}: every tensor", len(got) == len(sd) - 1, sorted(got))
    if meta is not None:
        check(f"{name}: stamps", meta.get("axle.layout:enc.conv.kernel") == "flax.conv (H, W, I, O)"
              and meta.get("axle.layout:head.fc.kernel") == "flax.dense (I, O)"
              and meta.get("axle.layout:dec.up.weight") == "equinox.conv_transpose2d ((G, O), I, H, W)"
              and meta.get("format") == "flax", meta)


def main():
    sd = state_dict()
    with tempfile.TemporaryDirectory() as tmp:
        p = lambda n: os.path.join(tmp, n)  # noqa: E731
        spec.write(p("in.safetensors"), sd, {"format": "pt"})
        np.savez(p("in.npz"), **sd)
        np.savez_compressed(p("in_c.npz"), **sd)
        with open(p("flax.toml"), "w") as f:
            f.write(FLAX_RULES)

        # --- conversions, against hand-written NumPy -----------------------------------------
        code, out, err = run("convert-checkpoint", p("in.safetensors"), p("flax.safetensors"), "--preset", "torch-to-flax", "--rules", p("flax.toml"),
                             "--verify")
        check("safetensors -> safetensors", code == 0, err)
        check("no progress bar when stderr is not a terminal", err == "", err)
        got, meta = spec.read(p("flax.safetensors"))
        check_flax("safetensors", got, sd, meta)
        check("--verify reports every conv weight", "verify: 4 convolution weights checked by the reference engine, all the same" in out, out)

        for src in ("in.npz", "in_c.npz"):
            code, out, err = run("convert-checkpoint", p(src), p(src + ".out.npz"), "--preset", "torch-to-flax", "--rules", p("flax.toml"))
            check(f"{src} -> npz", code == 0, err)
            z = np.load(p(src + ".out.npz"))
            check_flax(f"{src} -> npz (np.load)", {k: z[k] for k in z.files}, sd)
            check(f"{src} -> npz keeps the input's order", z.files[:3] == ["enc.conv.kernel", "enc.conv.bias", "enc.bn.scale"], z.files)
        code, out, err = run("convert-checkpoint", p("in.npz"), p("c.npz"), "--preset", "torch-to-flax", "--rules", p("flax.toml"), "--compress")
        z = np.load(p("c.npz"))
        check("--compress: np.load reads it", code == 0 and np.array_equal(z["head.fc.kernel"], sd["head.fc.weight"].T), err)

        # Sharded output, as transformers writes the index; read back as the input of another run.
        os.mkdir(p("sharded"))
        code, out, err = run("convert-checkpoint", p("in.npz"), p("sharded/model.safetensors.index.json"), "--preset", "torch-to-flax", "--rules",
                             p("flax.toml"), "--max-shard-size", "1kB")
        check("npz -> sharded safetensors", code == 0, err)
        with open(p("sharded/model.safetensors.index.json")) as f:
            text = f.read()
        index = json.loads(text)
        check("index: transformers' form", text == json.dumps(index, indent=2, sort_keys=True) + "\n")
        shards = sorted(set(index["weight_map"].values()))
        check("index: several shards", len(shards) > 2 and all(s.startswith("model-0000") for s in shards), shards)
        merged = {}
        for s in shards:
            t, _ = spec.read(p("sharded/" + s))
            merged.update(t)
            check(f"shard {s}: at most 1 kB unless one tensor is larger", os.path.getsize(p("sharded/" + s)) < 1000 + 2000 or len(t) == 1)
        check("index: total_size", index["metadata"]["total_size"] == sum(v.nbytes for v in merged.values()))
        check_flax("sharded", merged, sd)
        code, out, err = run("convert-checkpoint", p("sharded/model.safetensors.index.json"), p("back.safetensors"))
        got2, meta2 = spec.read(p("back.safetensors"))
        check("sharded -> single, stamps kept", code == 0 and all(np.array_equal(got2[k], merged[k]) for k in merged)
              and meta2.get("axle.layout:enc.conv.kernel") == "flax.conv (H, W, I, O)", err)

        # Copying writes the bytes the specification's writer writes (one metadata entry).
        code, out, err = run("convert-checkpoint", p("in.safetensors"), p("copy.safetensors"))
        with open(p("in.safetensors"), "rb") as a, open(p("copy.safetensors"), "rb") as b:
            check("a copy is byte for byte the input", code == 0 and a.read() == b.read(), err)
        check("a copy lists the tensors no rule matched", "matched by no rule, copied unchanged: 'enc.bn.num_batches_tracked', 'dec.up.bias', " in out, out)

        # Layouts written as text in rules, as a hand-written engine stores its weights: on either
        # side, against NumPy; stamped as a layout alone, and read back by a rule of that layout.
        with open(p("engine.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "torch.conv2d"\nto = "(O, H, W, I)"\n'
                    '[[rule]]\nmatch = "dec.up.weight"\nfrom = "torch.conv_transpose2d"\nto = " ((G, O), H, W, I)"\ngroups = 2\n'
                    '[[rule]]\nmatch = "rnn.weight_ih_l0"\nfrom = "torch.lstm"\nto = "((gate[i,f,o,g], O), I)"\n'
                    '[[rule]]\nmatch = "head.fc.weight"\nfrom = "(O, I)"\nto = "flax.dense"\n'
                    '[[rule]]\nmatch = "seq.conv1.weight"\nfrom = "(O, I, W)"\nto = "(W, I, O)"\n')
        code, out, err = run("convert-checkpoint", p("in.safetensors"), p("engine.safetensors"), "--rules", p("engine.toml"), "--verify")
        got, meta = spec.read(p("engine.safetensors"))
        gates = sd["rnn.weight_ih_l0"].reshape(4, 5, 3)
        want = {
            "enc.conv.weight": sd["enc.conv.weight"].transpose(0, 2, 3, 1),
            "dec.up.weight": grouped_torch_to_equinox(sd["dec.up.weight"], 2).transpose(0, 2, 3, 1),
            "rnn.weight_ih_l0": gates[[0, 1, 3, 2]].reshape(20, 3),  # i, f, g, o -> i, f, o, g
            "head.fc.weight": sd["head.fc.weight"].T,
            "seq.conv1.weight": sd["seq.conv1.weight"].transpose(2, 1, 0),
        }
        check("rules with layouts as text", code == 0 and all(np.array_equal(got[k], v) for k, v in want.items()), err)
        check("rules with layouts as text: verified", "verify: 3 convolution weights checked by the reference engine, all the same" in out, out)
        check("rules with layouts as text: stamps", meta.get("axle.layout:enc.conv.weight") == "(O, H, W, I)"
              and meta.get("axle.layout:dec.up.weight") == "((G, O), H, W, I)" and meta.get("axle.layout:head.fc.weight") == "flax.dense (I, O)",
              meta)
        with open(p("back.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "(O, H, W, I)"\nto = "torch.conv2d"\n')
        code, out, err = run("convert-checkpoint", p("engine.safetensors"), p("engine_back.safetensors"), "--rules", p("back.toml"))
        got, meta = spec.read(p("engine_back.safetensors"))
        check("a layout's stamp read back by a rule of that layout", code == 0 and np.array_equal(got["enc.conv.weight"], sd["enc.conv.weight"])
              and meta.get("axle.layout:enc.conv.weight") == "torch.conv2d (O, I, H, W)", err)
        with open(p("twice.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "torch.conv2d"\nto = "(O, H, W, I)"\n')
        expect_error("a layout's stamp: converting it twice is refused", tmp,
                     ["convert-checkpoint", p("engine.safetensors"), p("twice.safetensors"), "--rules", p("twice.toml")],
                     "tensor 'enc.conv.weight' is stamped '(O, H, W, I)': it already has the layout of (O, H, W, I)")

        # Keras: Conv1D, Dense, LSTM kernels; Keras names.
        with open(p("keras.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "{p*}.weight"\nndim = [3, 4, 5]\ndrop = true\n')
        code, out, err = run("convert-checkpoint", p("in.safetensors"), p("keras.safetensors"), "--preset", "torch-to-keras", "--rules", p("keras.toml"))
        got, meta = spec.read(p("keras.safetensors"))
        check("torch-to-keras", code == 0 and np.array_equal(got["rnn.l0.kernel"], sd["rnn.weight_ih_l0"].T)
              and np.array_equal(got["rnn.l0.recurrent_kernel"], sd["rnn.weight_hh_l0"].T)
              and np.array_equal(got["head.fc.kernel"], sd["head.fc.weight"].T)
              and np.array_equal(got["enc.bn.moving_variance"], sd["enc.bn.running_var"])
              and np.array_equal(got["head.norm.gamma"], sd["head.norm.weight"]) and np.array_equal(got["head.norm.beta"], sd["head.norm.bias"])
              and "format" not in meta, err)
        code, out, err = run("convert-checkpoint", p("in.safetensors"), p("eqx.safetensors"), "--preset", "torch-to-equinox", "--rules", p("keras.toml"))
        got, meta = spec.read(p("eqx.safetensors"))
        check("torch-to-equinox: conv biases get Equinox's unit axes", code == 0 and got["seq.conv1.bias"].shape == (6, 1)
              and got["vol.conv3.bias"].shape == (4, 1, 1, 1) and got["head.fc.bias"].shape == (10,), err)

        # --dry-run: the plan, nothing written.
        before = listing(tmp)
        code, out, err = run("convert-checkpoint", p("in.safetensors"), p("dry.safetensors"), "--preset", "torch-to-flax", "--rules", p("flax.toml"),
                             "--dry-run")
        check("--dry-run writes nothing", code == 0 and listing(tmp) == before, err)
        check("--dry-run shows names, layouts, plan and bytes",
              "'dec.up.weight'  F32 (8, 2, 4, 4) -> (4, 4, 4, 4)  1.02 kB" in out
              and "torch.conv_transpose2d ((G, I), O, H~, W~) -> equinox.conv_transpose2d ((G, O), I, H, W): "
                  "split((G, I) → G, I) · swap(O, I) · flip(H, W) · merge(G, O → (G, O))" in out
              and "'enc.conv.weight' -> 'enc.conv.kernel'  F32 (8, 3, 3, 3) -> (3, 3, 3, 8)" in out, out)

        # On a terminal: a progress line (tensors, bytes, rate, time left), erased at the end.
        primary, secondary = pty.openpty()
        proc = subprocess.Popen([AXLE, "convert-checkpoint", p("in.safetensors"), p("tty.safetensors"), "--preset", "torch-to-flax", "--rules",
                                 p("flax.toml")], stdout=subprocess.PIPE, stderr=secondary)
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        proc.wait()
        os.close(primary)
        check("a progress line on a terminal", proc.returncode == 0 and b"/20 tensors" in shown and b"/s" in shown and b" s left" in shown, shown)

        # --- stamps: a second conversion is refused ---------------------------------------------
        with open(p("eqx.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "dec.up.weight"\nfrom = "torch.conv_transpose2d"\nto = "equinox.conv_transpose2d"\n')
        code, _, err = run("convert-checkpoint", p("in.safetensors"), p("once.safetensors"), "--rules", p("eqx.toml"))
        expect_error("converting a converted tensor again", tmp, ["convert-checkpoint", p("once.safetensors"), p("twice.safetensors"), "--rules", p("eqx.toml")],
                     "tensor 'dec.up.weight' is stamped 'equinox.conv_transpose2d (O, I, H, W)': it already has the layout of "
                     "equinox.conv_transpose2d; converting it again would transpose it twice")
        with open(p("conv.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "dec.up.weight"\nfrom = "torch.conv2d"\nto = "flax.conv"\n')
        expect_error("a stamp that says another op", tmp, ["convert-checkpoint", p("once.safetensors"), p("twice.safetensors"), "--rules", p("conv.toml")],
                     "tensor 'dec.up.weight' is stamped 'equinox.conv_transpose2d (O, I, H, W)', but " + p("conv.toml") +
                     ":1 reads it as a torch.conv2d weight (O, I, H, W)")
        code, _, err = run("convert-checkpoint", p("once.safetensors"), p("twice.safetensors"), "--rules", p("eqx.toml"), "--reconvert")
        check("--reconvert converts it anyway", code == 0, err)

        # --- bad input: one error, nothing written ----------------------------------------------
        with open(p("in.safetensors"), "rb") as f:
            good = f.read()
        with open(p("truncated.safetensors"), "wb") as f:
            f.write(good[:-10])
        (n,) = struct.unpack("<Q", good[:8])
        with open(p("corrupt.safetensors"), "wb") as f:
            f.write(good[:8] + b"[" + good[9:])
        with open(p("in.npz"), "rb") as f:
            z = f.read()
        with open(p("truncated.npz"), "wb") as f:
            f.write(z[: len(z) // 2])
        expect_error("truncated safetensors", tmp, ["convert-checkpoint", p("truncated.safetensors"), p("o.safetensors")],
                     "truncated.safetensors: truncated: the tensors need")
        expect_error("corrupt safetensors header", tmp, ["convert-checkpoint", p("corrupt.safetensors"), p("o.safetensors")],
                     "corrupt.safetensors: header: invalid JSON at byte")
        expect_error("truncated npz", tmp, ["convert-checkpoint", p("truncated.npz"), p("o.npz")], "truncated.npz: ")
        rules = {
            "unknown op": ('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "torch.conv2"\nto = "flax.conv"\n',
                           "bad.toml:1: unknown op 'torch.conv2'; did you mean torch.conv2d"),
            "sizes that do not divide": ('[[rule]]\nmatch = "dec.up.weight"\nfrom = "torch.conv_transpose2d"\nto = "equinox.conv_transpose2d"\ngroups = 3\n',
                                         "bad.toml:1: tensor 'dec.up.weight' (8, 2, 4, 4) as a torch.conv_transpose2d weight: dimension 0 (G, I) has "
                                         "extent 8, which is not a multiple of 3"),
            "two rules renaming to one name": ('[[rule]]\nmatch = "head.fc.weight"\nrename = "w"\n[[rule]]\nmatch = "head.norm.weight"\nrename = "w"\n',
                                               "bad.toml:1) and 'head.norm.weight' (rule " + os.path.join(tmp, "bad.toml") + ":4) would both be named 'w'"),
            "a rename onto an existing name": ('[[rule]]\nmatch = "head.fc.weight"\nrename = "head.fc.bias"\n',
                                               "would both be named 'head.fc.bias'"),
            "a rule of the wrong rank": ('[[rule]]\nmatch = "head.fc.weight"\nfrom = "torch.conv2d"\nto = "flax.conv"\n',
                                         "bad.toml:1: tensor 'head.fc.weight' has 2 dimensions, but a torch.conv2d weight has 4"),
            "ops of different families": ('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "torch.conv2d"\nto = "keras.conv2d_transpose"\n',
                                          "cannot convert torch.conv2d (conv) to keras.conv2d_transpose (conv_transpose)"),
            "groups where the target has none": ('[[rule]]\nmatch = "dec.up.weight"\nfrom = "torch.conv_transpose2d"\nto = "flax.conv_transpose"\ngroups = 2\n',
                                                 "bad.toml:1: tensor 'dec.up.weight': flax.conv_transpose does not support groups (groups = 2)"),
            "a layout of the wrong rank": ('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "(O, I, H)"\nto = "flax.conv"\n',
                                           "bad.toml:1: tensor 'enc.conv.weight' has 4 dimensions, but the layout (O, I, H) has 3"),
            "a malformed layout": ('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "torch.conv2d"\nto = "((G, O) H, W, I)"\n',
                                   "bad.toml:1: expected ',' or ')' at column 9 of \"((G, O) H, W, I)\""),
            "a layout with an unknown axis": ('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "torch.conv2d"\nto = "(O, X, H, W)"\n',
                                              "bad.toml:1: unknown axis 'X' at column 5 of \"(O, X, H, W)\" (the axes are N, C, O, I,"),
            "a layout that lacks an axis": ('[[rule]]\nmatch = "enc.conv.weight"\nfrom = "torch.conv2d"\nto = "(O, I, H)"\n',
                                            "bad.toml:1: tensor 'enc.conv.weight': cannot convert torch.conv2d (O, I, H, W) to (O, I, H): "
                                            "(O, I, H) does not say where W goes"),
            "an unknown key": ('[[rule]]\nmatch = "x"\nrenam = "y"\n', "bad.toml:1: unknown key 'renam' in a rule; did you mean rename?"),
            "a capture the pattern lacks": ('[[rule]]\nmatch = "{a}.weight"\nrename = "{b}.kernel"\n',
                                            "bad.toml:1: name '{b}.kernel' uses {b}, which the rule's match does not capture"),
            "TOML that does not parse": ('[[rule]]\nmatch = "x\n', "bad.toml:2: "),
            "a key given twice": ('[[rule]]\nmatch = "x"\nmatch = "y"\n', 'bad.toml:2: value ("match") already exists'),
        }
        for name, (text, needle) in rules.items():
            with open(p("bad.toml"), "w") as f:
                f.write(text)
            expect_error(f"rules: {name}", tmp, ["convert-checkpoint", p("in.safetensors"), p("o.safetensors"), "--rules", p("bad.toml")], needle)
        expect_error("a rank cannot tell: the preset asks for a rule", tmp,
                     ["convert-checkpoint", p("in.safetensors"), p("o.safetensors"), "--preset", "torch-to-flax"],
                     "tensors need a rule, since their names and ranks cannot tell what they are: 'dec.up.weight' (8, 2, 4, 4): a 4-D weight is a "
                     "convolution or a transposed convolution, which its name cannot tell: add a rule (from = \"torch.conv2d\", to = \"flax.conv\", "
                     "rename = \"dec.up.kernel\"; or from = \"torch.conv_transpose2d\", to = \"flax.conv_transpose\")")
        expect_error("--strict: unmatched tensors are an error", tmp, ["convert-checkpoint", p("in.safetensors"), p("o.safetensors"), "--strict"],
                     "--strict: 21 tensors match no rule: 'enc.bn.num_batches_tracked', 'dec.up.bias'")
        expect_error("an existing output", tmp, ["convert-checkpoint", p("in.safetensors"), p("flax.safetensors")],
                     "flax.safetensors already exists; pass --force to overwrite it")
        expect_error("an unknown output format", tmp, ["convert-checkpoint", p("in.safetensors"), p("o.pt")], "the format comes from the extension")
        with open(p("f8.safetensors"), "wb") as f:
            header = b'{"q":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}'
            header += b" " * ((8 - len(header) % 8) % 8)
            f.write(struct.pack("<Q", len(header)) + header + b"\x01\x02")
        expect_error("an .npz cannot hold F8", tmp, ["convert-checkpoint", p("f8.safetensors"), p("o.npz")],
                     "tensor 'q' is F8_E4M3, which NumPy has no type for: an .npz cannot hold it")
        os.mkdir(p("broken"))
        with open(p("broken/model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {}, "weight_map": {"a": "model-00001-of-00001.safetensors"}}, f)
        expect_error("a shard that is missing", tmp, ["convert-checkpoint", p("broken/model.safetensors.index.json"), p("o.safetensors")],
                     "model-00001-of-00001.safetensors: cannot open for reading")

        # --- tensors larger than a piece: converted a block at a time ---------------------------
        # Odd sizes, so that no block divides an axis evenly; a flipped grouped transposed conv
        # (negative strides), a half-precision transpose and an LSTM's gates reordered (gathers).
        r = np.random.default_rng(11)
        large = {
            "big.conv.weight": r.standard_normal((301, 259, 3, 3)).astype(np.float32),   # 2.8 MB
            "big.up.weight": r.standard_normal((514, 301, 3, 3)).astype(np.float32),     # 5.6 MB, groups = 2
            "big.fc.weight": r.standard_normal((1501, 1103)).astype(np.float16),         # 3.3 MB
            "big.rnn.weight_ih_l0": r.standard_normal((4 * 517, 601)).astype(np.float32),  # 5.0 MB
            "big.copied": r.standard_normal((3, 1000, 1001)).astype(np.float32),        # 12 MB, no rule
        }
        spec.write(p("large.safetensors"), large)
        with open(p("large.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "big.conv.weight"\nfrom = "torch.conv2d"\nto = "flax.conv"\n'
                    '[[rule]]\nmatch = "big.up.weight"\nfrom = "torch.conv_transpose2d"\nto = "equinox.conv_transpose2d"\ngroups = 2\n'
                    '[[rule]]\nmatch = "big.fc.weight"\nfrom = "torch.linear"\nto = "flax.dense"\n'
                    '[[rule]]\nmatch = "big.rnn.weight_ih_l0"\nfrom = "torch.lstm"\nto = "tf.lstm_cell"\n')
        w_ih = large["big.rnn.weight_ih_l0"].reshape(4, 517, 601)[[0, 2, 1, 3]]  # gates i, f, g, o -> i, g, f, o
        want = {
            "big.conv.weight": large["big.conv.weight"].transpose(2, 3, 1, 0),
            "big.up.weight": grouped_torch_to_equinox(large["big.up.weight"], 2),
            "big.fc.weight": large["big.fc.weight"].T,
            "big.rnn.weight_ih_l0": w_ih.transpose(2, 0, 1).reshape(601, 4 * 517),
            "big.copied": large["big.copied"],
        }
        for out_name, threads in (("large1.safetensors", "1"), ("large2.safetensors", "2"), ("large.npz", "2")):
            code, _, err = run("convert-checkpoint", p("large.safetensors"), p(out_name), "--rules", p("large.toml"), "--threads", threads)
            got = (spec.read(p(out_name))[0] if out_name.endswith(".safetensors") else dict(np.load(p(out_name))))  if code == 0 else {}
            for k, v in want.items():
                check(f"large tensors into {out_name}, {threads} thread(s): {k}", k in got and got[k].shape == v.shape and np.array_equal(got[k], v),
                      f"exit {code}, {err.strip()}" if code else (got[k].shape if k in got else "missing"))

        # --- --no-sync: the same files, named without waiting for the disk ----------------------
        # Whether the output is flushed is seen in the system calls: strace lists them (Debian's
        # strace, installed by tools/deps.sh with the test packages).
        np.save(p("w.npy"), large["big.conv.weight"])
        for label, args in (("convert-checkpoint", ["convert-checkpoint", p("large.safetensors"), p("ns.safetensors"), "--rules", p("large.toml"),
                                                     "--threads", "2"]),
                            ("convert-checkpoint to .npz", ["convert-checkpoint", p("large.safetensors"), p("ns.npz"), "--rules", p("large.toml")]),
                            ("convert", ["convert", "torch.conv2d", "flax.conv", p("w.npy"), p("ns.npy")])):
            calls = {}
            for mode in ("default", "--no-sync"):
                out = args[4] if label == "convert" else args[2]
                if os.path.exists(out):
                    os.remove(out)
                trace = p("trace.txt")
                cmd = ["strace", "-f", "-qq", "-o", trace, "-e", "trace=fsync,fdatasync,sync_file_range", AXLE, *args]
                try:
                    r = subprocess.run(cmd + (["--no-sync"] if mode == "--no-sync" else []), capture_output=True, text=True)
                except FileNotFoundError:
                    check(f"{label}: strace is installed (tools/deps.sh)", False)
                    break
                check(f"{label} {mode}: exit 0", r.returncode == 0, r.stderr)
                with open(trace) as f:
                    names = [l.split("(")[0].split()[-1] for l in f if "(" in l]
                calls[mode] = names
                with open(out, "rb") as f:
                    calls[mode + " bytes"] = f.read()
            if len(calls) == 4:
                check(f"{label}: flushed by default (fsync)", "fsync" in calls["default"], calls["default"])
                check(f"{label} --no-sync: no flush at all", calls["--no-sync"] == [], calls["--no-sync"])
                if label.endswith(".npz"):  # zip members carry a time: compare what np.load reads
                    a, b = (np.load(io.BytesIO(calls[m + " bytes"])) for m in ("default", "--no-sync"))
                    same = a.files == b.files and all(np.array_equal(a[k], b[k]) for k in a.files)
                else:
                    same = calls["default bytes"] == calls["--no-sync bytes"]
                check(f"{label} --no-sync: the same output", same)

        # --- a conversion killed half-way leaves nothing ----------------------------------------
        big = {"a.copied": np.ones((64, 1024, 1024), np.float32), "z.conv.weight": np.ones((2048, 2048, 3, 3), np.float32)}
        spec.write(p("big.safetensors"), big)
        with open(p("kill.toml"), "w") as f:
            f.write('[[rule]]\nmatch = "z.conv.weight"\nfrom = "torch.conv2d"\nto = "flax.conv"\n')
        for out_name, more in (("killed.safetensors", []), ("killed.npz", []), ("killed_no_sync.safetensors", ["--no-sync"])):
            before = listing(tmp)
            proc = subprocess.Popen([AXLE, "convert-checkpoint", p("big.safetensors"), p(out_name), "--rules", p("kill.toml"), "--verify", *more],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            finished = proc.poll() is not None
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            check(f"killed while writing {out_name}: still running when killed", not finished)
            check(f"killed while writing {out_name}: nothing left", listing(tmp) == before, sorted(set(listing(tmp)) ^ set(before)))
    if FAILURES:
        print(f"{len(FAILURES)} failures: {', '.join(FAILURES)}")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
