#!/usr/bin/python3
"""A real PyTorch model's checkpoint, converted by `axle convert-checkpoint` to the Flax, Equinox
and Keras layouts, each converted layer checked against PyTorch's own forward.

The model has a Conv2d, a grouped ConvTranspose2d, an ungrouped ConvTranspose2d, a Conv1d, a
Conv3d, a Linear, a LayerNorm, a BatchNorm2d and an LSTM. Its state_dict is saved as
safetensors (spec_safetensors.py, written from the format's specification) and as .npz
(np.savez); both are converted, and must give the same tensors. Each target framework's layer is
then run in NumPy, written here from that framework's documented semantics — never by converting
back, and not by axle's reference engine — and compared with PyTorch's output for the same input:

  Flax (google/flax flax/linen/linear.py): Conv correlates channels-last input with a
      (k..., I/G, O) kernel; ConvTranspose (transpose_kernel=False) correlates the stride-dilated,
      (k-1)-padded input with its (k..., I, O) kernel as stored; Dense is x @ kernel (in, out);
      LayerNorm and BatchNorm use scale, bias (and mean, var).
  Equinox (patrick-kidger/equinox equinox/nn/_conv.py, _linear.py, _rnn.py): Conv correlates
      channels-first unbatched input with (O, I/G, k...) and adds a (O, 1, ..., 1) bias;
      ConvTranspose correlates the stride-dilated, padded input with the same (O, I/G, k...)
      layout, as stored; Linear is weight @ x; LSTMCell gates i, f, g, o from weight_ih @ x +
      weight_hh @ h + bias.
  Keras 3 (keras-team/keras keras/src/layers): Conv correlates channels-last input with
      (k..., I/G, O); Conv2DTranspose is the gradient of that convolution (lax.conv_transpose
      with transpose_kernel=True), so it scatters x[q, i] * kernel[k, o, i] to output q*s + k;
      Dense is x @ kernel; LSTM gates i, f, c, o from x @ kernel + h @ recurrent_kernel + bias;
      LayerNormalization and BatchNormalization use gamma, beta (moving_mean, moving_variance).

Two facts are arithmetic, not layout, and the test applies them itself: Equinox's LSTMCell and
Keras's LSTM keep one bias, PyTorch's bias_ih + bias_hh. Flax's LSTM cells keep a Dense layer per
gate, so the LSTM is not converted for Flax; Flax's ConvTranspose and Keras's Conv2DTranspose have
no groups, so the tool must refuse the grouped ConvTranspose2d for them.

Usage: e2e_torch.py path/to/axle"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_safetensors as spec  # noqa: E402

AXLE = sys.argv[1]
FAILURES = []
EPS = 1e-5


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ': ' + str(detail)}")
    if not condition:
        FAILURES.append(name)


def close(name, got, want, tol=1e-4):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    err = float(np.max(np.abs(got - want))) if got.shape == want.shape else float("inf")
    check(name, err <= tol * max(1.0, float(np.max(np.abs(want)))), f"shape {got.shape} vs {want.shape}, max error {err}")


def axle(*args):
    p = subprocess.run([AXLE, "convert-checkpoint", *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv2 = torch.nn.Conv2d(3, 6, (3, 2), stride=2)
        self.upg = torch.nn.ConvTranspose2d(6, 4, (3, 2), stride=2, groups=2)
        self.up1 = torch.nn.ConvTranspose2d(6, 6, (3, 4), stride=2)   # square channels: a swap would go unseen by shapes
        self.conv1d = torch.nn.Conv1d(4, 5, 3)
        self.conv3d = torch.nn.Conv3d(2, 3, (2, 3, 2))
        self.fc = torch.nn.Linear(7, 5)
        self.ln = torch.nn.LayerNorm(7)
        self.bn = torch.nn.BatchNorm2d(6)
        self.lstm = torch.nn.LSTM(4, 3)


# --- the targets' semantics, in NumPy ----------------------------------------------------------

def correlate_last(x, k, groups=1):
    """Channels-last correlation: x (N, *S, Ci), k (*K, Ci/G, Co) -> (N, *(S - K + 1), Co)."""
    nsp = k.ndim - 2
    kshape = k.shape[:nsp]
    out_sp = tuple(s - kk + 1 for s, kk in zip(x.shape[1:-1], kshape))
    ci, co = x.shape[-1], k.shape[-1]
    cig, cog = ci // groups, co // groups
    y = np.zeros((x.shape[0], *out_sp, co))
    for off in np.ndindex(*kshape):
        window = x[(slice(None), *[slice(o, o + s) for o, s in zip(off, out_sp)])]
        for g in range(groups):
            y[..., g * cog:(g + 1) * cog] += window[..., g * cig:(g + 1) * cig] @ k[off][:, g * cog:(g + 1) * cog]
    return y


def dilate_pad(x, strides, pads):
    """Channels-last x with stride-1 zeros between samples and (lo, hi) zeros around each axis."""
    nsp = len(strides)
    shape = [x.shape[0]] + [(n - 1) * s + 1 + lo + hi for n, s, (lo, hi) in zip(x.shape[1:-1], strides, pads)] + [x.shape[-1]]
    u = np.zeros(shape)
    u[(slice(None), *[slice(lo, lo + (n - 1) * s + 1, s) for n, s, (lo, _) in zip(x.shape[1:-1], strides, pads)])] = x
    assert u.ndim == nsp + 2
    return u


def flax_conv_transpose(x, kernel, strides):
    """lax.conv_transpose, padding VALID, transpose_kernel=False: the kernel correlated as stored."""
    kshape = kernel.shape[:-2]
    # lax's VALID transposed padding (jax _conv_transpose_padding): k - 1 before, k - 1 + max(k - s, 0)
    # - (k - 1) ... after; with s <= k that is k - 1 on both sides: (in - 1) * s + k outputs, as PyTorch's.
    assert all(s <= k for k, s in zip(kshape, strides))
    pads = [(k - 1, k - 1) for k in kshape]
    return correlate_last(dilate_pad(x, strides, pads), kernel)


def keras_conv_transpose(x, kernel, strides):
    """Keras Conv2DTranspose: the gradient of the convolution with kernel (k..., O, I) viewed as
    that convolution's (k..., in = O, out = I): x[q, i] * kernel[k, o, i] lands on q * s + k."""
    kshape = kernel.shape[:-2]
    out_sp = [(n - 1) * s + k for n, s, k in zip(x.shape[1:-1], strides, kshape)]
    y = np.zeros((x.shape[0], *out_sp, kernel.shape[-2]))
    for q in np.ndindex(*x.shape[1:-1]):
        for off in np.ndindex(*kshape):
            p = tuple(qq * s + o for qq, s, o in zip(q, strides, off))
            y[(slice(None), *p)] += x[(slice(None), *q)] @ kernel[off].T
    return y


def correlate_first(x, w, groups=1):
    """Equinox: unbatched channels-first x (Ci, *S), weight (Co, Ci/G, *K)."""
    return np.moveaxis(correlate_last(np.moveaxis(x, 0, -1)[None], np.moveaxis(w, (0, 1), (-1, -2)), groups)[0], -1, 0)


def equinox_conv_transpose(x, w, strides, groups=1):
    """Equinox ConvTranspose: the stride-dilated input, padded by k - 1, correlated with (O, I/G, *K) as stored."""
    kshape = w.shape[2:]
    u = dilate_pad(np.moveaxis(x, 0, -1)[None], strides, [(k - 1, k - 1) for k in kshape])
    return np.moveaxis(correlate_last(u, np.moveaxis(w, (0, 1), (-1, -2)), groups)[0], -1, 0)


def norm(x, mean, var, scale, bias):
    return (x - mean) / np.sqrt(var + EPS) * scale + bias


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_steps(xs, w_x, w_h, b, hidden):
    """Gates i, f, g (c), o from x @ w_x + h @ w_h + b; returns every h."""
    h = np.zeros(hidden)
    c = np.zeros(hidden)
    out = []
    for x in xs:
        z = x @ w_x + h @ w_h + b
        i, f, g, o = np.split(z, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        out.append(h)
    return np.array(out)


# --- the test ----------------------------------------------------------------------------------

def main():
    torch.manual_seed(0)
    m = Model().eval()
    with torch.no_grad():
        m.bn.running_mean.normal_()
        m.bn.running_var.uniform_(0.5, 2.0)
        m.bn.weight.normal_()
        m.ln.weight.normal_()
    sd = {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}
    r = np.random.default_rng(1)
    x2 = r.standard_normal((1, 3, 9, 8)).astype(np.float32)
    xt = r.standard_normal((1, 6, 3, 4)).astype(np.float32)
    x1 = r.standard_normal((1, 4, 10)).astype(np.float32)
    x3 = r.standard_normal((1, 2, 4, 5, 3)).astype(np.float32)
    xf = r.standard_normal((2, 7)).astype(np.float32)
    xb = r.standard_normal((1, 6, 2, 3)).astype(np.float32)
    xs = r.standard_normal((5, 1, 4)).astype(np.float32)
    with torch.no_grad():
        T = lambda f, x: f(torch.from_numpy(x)).numpy().astype(np.float64)  # noqa: E731
        want = {
            "conv2": T(m.conv2, x2), "upg": T(m.upg, xt), "up1": T(m.up1, xt), "conv1d": T(m.conv1d, x1), "conv3d": T(m.conv3d, x3),
            "fc": T(m.fc, xf), "ln": T(m.ln, xf), "bn": T(m.bn, xb), "lstm": m.lstm(torch.from_numpy(xs))[0].numpy()[:, 0].astype(np.float64),
        }
    last = lambda x: np.moveaxis(x, 1, -1)  # noqa: E731  NCHW -> NHWC
    first = lambda y: np.moveaxis(y, -1, 1)  # noqa: E731

    with tempfile.TemporaryDirectory() as tmp:
        p = lambda n: os.path.join(tmp, n)  # noqa: E731
        spec.write(p("model.safetensors"), sd, {"format": "pt"})
        np.savez(p("model.npz"), **sd)

        def convert(target, rules):
            with open(p(target + ".toml"), "w") as f:
                f.write(rules)
            outs = {}
            for src, out in (("model.safetensors", target + ".safetensors"), ("model.npz", target + ".npz")):
                code, stdout, err = axle(p(src), p(out), "--preset", "torch-to-" + target, "--rules", p(target + ".toml"), "--verify")
                check(f"{target}: {src} converts", code == 0, err)
                if src.endswith(".safetensors"):
                    check(f"{target}: --verify passes", "all the same" in stdout, stdout)
            t, meta = spec.read(p(target + ".safetensors"))
            z = np.load(p(target + ".npz"))
            check(f"{target}: the .npz and .safetensors inputs give the same tensors",
                  sorted(z.files) == sorted(t) and all(np.array_equal(z[k], t[k]) for k in t))
            return {k: v.astype(np.float64) for k, v in t.items()}, meta

        def refuses_groups(target, to_op):
            rules = f'[[rule]]\nmatch = "upg.weight"\nfrom = "torch.conv_transpose2d"\nto = "{to_op}"\ngroups = 2\n'
            with open(p("groups.toml"), "w") as f:
                f.write(rules)
            code, _, err = axle(p("model.safetensors"), p("g.safetensors"), "--rules", p("groups.toml"))
            check(f"{target}: the grouped ConvTranspose2d is refused", code != 0 and f"{to_op} does not support groups (groups = 2)" in err
                  and not os.path.exists(p("g.safetensors")), err)

        conv_rules = lambda ops, rename: "".join(  # noqa: E731
            f'[[rule]]\nmatch = "{name}.weight"\nfrom = "{src}"\nto = "{dst}"\n' + (f'rename = "{name}.kernel"\n' if rename else "") + extra
            for name, src, dst, extra in ops)

        # Flax.
        t, meta = convert("flax", conv_rules([("conv2", "torch.conv2d", "flax.conv", ""), ("up1", "torch.conv_transpose2d", "flax.conv_transpose", ""),
                                              ("conv1d", "torch.conv1d", "flax.conv", ""), ("conv3d", "torch.conv3d", "flax.conv", "")], True)
                          + '[[rule]]\nmatch = "upg.*"\ndrop = true\n[[rule]]\nmatch = "lstm.*"\n')
        refuses_groups("flax", "flax.conv_transpose")
        close("flax Conv (2-D)", first(correlate_last(last(x2), t["conv2.kernel"])[:, ::2, ::2] + t["conv2.bias"]), want["conv2"])
        close("flax ConvTranspose", first(flax_conv_transpose(last(xt), t["up1.kernel"], (2, 2)) + t["up1.bias"]), want["up1"])
        close("flax Conv (1-D)", first(correlate_last(last(x1), t["conv1d.kernel"]) + t["conv1d.bias"]), want["conv1d"])
        close("flax Conv (3-D)", first(correlate_last(last(x3), t["conv3d.kernel"]) + t["conv3d.bias"]), want["conv3d"])
        close("flax Dense", xf @ t["fc.kernel"] + t["fc.bias"], want["fc"])
        ln = lambda x, s, b: norm(x, x.mean(-1, keepdims=True), x.var(-1, keepdims=True), s, b)  # noqa: E731
        close("flax LayerNorm", ln(xf, t["ln.scale"], t["ln.bias"]), want["ln"])
        close("flax BatchNorm", first(norm(last(xb), t["bn.mean"], t["bn.var"], t["bn.scale"], t["bn.bias"])), want["bn"])
        check("flax: stamps and format", meta["axle.layout:up1.kernel"] == "flax.conv_transpose (H, W, I, O)" and meta["format"] == "flax", meta)

        # Equinox.
        t, meta = convert("equinox", conv_rules([("conv2", "torch.conv2d", "equinox.conv2d", ""),
                                                 ("upg", "torch.conv_transpose2d", "equinox.conv_transpose2d", "groups = 2\n"),
                                                 ("up1", "torch.conv_transpose2d", "equinox.conv_transpose2d", ""),
                                                 ("conv1d", "torch.conv1d", "equinox.conv1d", ""), ("conv3d", "torch.conv3d", "equinox.conv3d", "")], False))
        check("equinox: conv biases (O, 1, ..., 1)", t["conv2.bias"].shape == (6, 1, 1) and t["conv1d.bias"].shape == (5, 1)
              and t["conv3d.bias"].shape == (3, 1, 1, 1) and t["fc.bias"].shape == (5,))
        close("equinox Conv2d", (correlate_first(x2[0], t["conv2.weight"]) + t["conv2.bias"])[:, ::2, ::2][None], want["conv2"])
        close("equinox ConvTranspose2d, groups = 2", (equinox_conv_transpose(xt[0], t["upg.weight"], (2, 2), groups=2) + t["upg.bias"])[None], want["upg"])
        close("equinox ConvTranspose2d", (equinox_conv_transpose(xt[0], t["up1.weight"], (2, 2)) + t["up1.bias"])[None], want["up1"])
        close("equinox Conv1d", (correlate_first(x1[0], t["conv1d.weight"]) + t["conv1d.bias"])[None], want["conv1d"])
        close("equinox Conv3d", (correlate_first(x3[0], t["conv3d.weight"]) + t["conv3d.bias"])[None], want["conv3d"])
        close("equinox Linear", np.stack([t["fc.weight"] @ x + t["fc.bias"] for x in xf]), want["fc"])
        close("equinox LayerNorm", ln(xf, t["ln.weight"], t["ln.bias"]), want["ln"])
        close("equinox LSTMCell", lstm_steps(xs[:, 0], t["lstm.weight_ih_l0"].T, t["lstm.weight_hh_l0"].T,
                                             t["lstm.bias_ih_l0"] + t["lstm.bias_hh_l0"], 3), want["lstm"])

        # Keras.
        t, meta = convert("keras", conv_rules([("conv2", "torch.conv2d", "keras.conv2d", ""), ("up1", "torch.conv_transpose2d", "keras.conv2d_transpose", ""),
                                               ("conv1d", "torch.conv1d", "keras.conv1d", ""), ("conv3d", "torch.conv3d", "keras.conv3d", "")], True)
                          + '[[rule]]\nmatch = "upg.*"\ndrop = true\n')
        refuses_groups("keras", "keras.conv2d_transpose")
        close("keras Conv2D", first(correlate_last(last(x2), t["conv2.kernel"])[:, ::2, ::2] + t["conv2.bias"]), want["conv2"])
        close("keras Conv2DTranspose", first(keras_conv_transpose(last(xt), t["up1.kernel"], (2, 2)) + t["up1.bias"]), want["up1"])
        close("keras Conv1D", first(correlate_last(last(x1), t["conv1d.kernel"]) + t["conv1d.bias"]), want["conv1d"])
        close("keras Conv3D", first(correlate_last(last(x3), t["conv3d.kernel"]) + t["conv3d.bias"]), want["conv3d"])
        close("keras Dense", xf @ t["fc.kernel"] + t["fc.bias"], want["fc"])
        close("keras LayerNormalization", ln(xf, t["ln.gamma"], t["ln.beta"]), want["ln"])
        close("keras BatchNormalization", first(norm(last(xb), t["bn.moving_mean"], t["bn.moving_variance"], t["bn.gamma"], t["bn.beta"])), want["bn"])
        close("keras LSTM", lstm_steps(xs[:, 0], t["lstm.l0.kernel"], t["lstm.l0.recurrent_kernel"], t["lstm.bias_ih_l0"] + t["lstm.bias_hh_l0"], 3),
              want["lstm"])

        # The checks above can fail: the same NumPy semantics with PyTorch's tensors as they were
        # (what a tool that forgot the flip would write) give other numbers.
        raw = {k: v.astype(np.float64) for k, v in sd.items()}
        wrong = first(keras_conv_transpose(last(xt), raw["up1.weight"].transpose(2, 3, 0, 1), (2, 2)) + raw["up1.bias"])
        check("the checks can fail: a kernel with I and O swapped differs", np.max(np.abs(wrong - want["up1"])) > 1e-2)
        wrong = first(flax_conv_transpose(last(xt), raw["up1.weight"].transpose(2, 3, 0, 1), (2, 2)) + raw["up1.bias"])
        check("the checks can fail: a ConvTranspose kernel without its flip differs", np.max(np.abs(wrong - want["up1"])) > 1e-2)
    if FAILURES:
        print(f"{len(FAILURES)} failures: {', '.join(FAILURES)}")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
