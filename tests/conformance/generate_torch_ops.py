#!/usr/bin/python3
"""Generates PyTorch conformance fixtures for attention and recurrent ops.

Each case runs one torch.nn module on small random float32 tensors and writes its
parameters in PyTorch's own layout, its inputs and its outputs:

    mha   torch.nn.MultiheadAttention(E, heads, bias=True), batch_first=False,
          distinct query (L, N, E), key and value (S, N, E):
            q.npy k.npy v.npy  in_proj_weight.npy (3E, E)  in_proj_bias.npy (3E,)
            out_proj_weight.npy (E, E)  out_proj_bias.npy (E,)  y.npy (L, N, E)
    lstm  torch.nn.LSTM(input, hidden), one layer, batch_first=False:
            x.npy (L, N, input)  h0.npy c0.npy (1, N, hidden)
            weight_ih.npy (4H, input)  weight_hh.npy (4H, H)
            bias.npy (2, 4H) = np.stack([bias_ih, bias_hh])
            y.npy (L, N, H)  hn.npy cn.npy (1, N, H)
    gru   torch.nn.GRU(input, hidden), the same files without c0/cn, 3H rows

plus <out>/manifest.txt:

    case NAME / kind mha|lstm|gru / sizes as `key value` lines / end

Outputs are computed by torch in float64 from the float32 parameters and inputs and
rounded once to float32; the float32 module must agree to 1e-4, and an independent
numpy implementation of the documented equations (torch/nn/modules/activation.py,
torch/nn/modules/rnn.py docstrings) to 1e-9.

Usage:
    /usr/bin/python3 tests/conformance/generate_torch_ops.py [OUT_DIR] [--check]

OUT_DIR defaults to tests/conformance/fixtures/torch_ops.
"""
import os
import shutil
import sys
import zlib

import numpy as np

import fixture_cli  # noqa: E402 (beside this script)
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "fixtures", "torch_ops")

CASES = [
    dict(name="mha_e12_h3", kind="mha", embed=12, heads=3, target=4, source=5, batch=2),
    dict(name="mha_e8_h4", kind="mha", embed=8, heads=4, target=3, source=6, batch=1),
    dict(name="lstm_i5_h4", kind="lstm", input=5, hidden=4, seq=6, batch=2),
    dict(name="gru_i5_h4", kind="gru", input=5, hidden=4, seq=6, batch=2),
]


def save(path, arr):
    arr = np.ascontiguousarray(arr, dtype="<f4")
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=(1, 0), allow_pickle=False)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def numpy_mha(q, k, v, w, b, wo, bo, heads):
    """nn.MultiheadAttention's documented computation: in_proj rows q|k|v, each (heads, head_dim)."""
    e = q.shape[-1]
    d = e // heads
    out = np.zeros(q.shape)
    for n in range(q.shape[1]):
        qs = q[:, n] @ w[:e].T + b[:e]
        ks = k[:, n] @ w[e:2 * e].T + b[e:2 * e]
        vs = v[:, n] @ w[2 * e:].T + b[2 * e:]
        ctx = np.zeros((q.shape[0], e))
        for h in range(heads):
            sl = slice(h * d, (h + 1) * d)
            a = softmax(qs[:, sl] @ ks[:, sl].T / np.sqrt(d))
            ctx[:, sl] = a @ vs[:, sl]
        out[:, n] = ctx @ wo.T + bo
    return out


def numpy_lstm(x, h, c, wih, whh, bih, bhh):
    hid = h.shape[-1]
    ys = []
    for t in range(x.shape[0]):
        z = x[t] @ wih.T + bih + h @ whh.T + bhh
        i, f, g, o = (z[:, k * hid:(k + 1) * hid] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        ys.append(h)
    return np.stack(ys), h, c


def numpy_gru(x, h, wih, whh, bih, bhh):
    hid = h.shape[-1]
    ys = []
    for t in range(x.shape[0]):
        gi = x[t] @ wih.T + bih
        gh = h @ whh.T + bhh
        r = sigmoid(gi[:, :hid] + gh[:, :hid])
        z = sigmoid(gi[:, hid:2 * hid] + gh[:, hid:2 * hid])
        n = np.tanh(gi[:, 2 * hid:] + r * gh[:, 2 * hid:])
        h = (1 - z) * n + z * h
        ys.append(h)
    return np.stack(ys), h


def check(name, got64, got32, ref):
    err_ref = float(np.max(np.abs(ref - got64)))
    err_f32 = float(np.max(np.abs(got32 - got64)))
    assert err_ref < 1e-9, (name, "numpy reference disagrees with torch", err_ref)
    assert err_f32 < 1e-4, (name, "torch float32 disagrees with float64", err_f32)


def run_mha(c, gen, case_dir):
    e, heads = c["embed"], c["heads"]
    m = torch.nn.MultiheadAttention(e, heads, bias=True)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    q = torch.randn(c["target"], c["batch"], e, generator=gen)
    k = torch.randn(c["source"], c["batch"], e, generator=gen)
    v = torch.randn(c["source"], c["batch"], e, generator=gen)
    with torch.no_grad():
        y32 = m(q, k, v, need_weights=False)[0]
        y64 = m.double()(q.double(), k.double(), v.double(), need_weights=False)[0]
    p = {n: t.detach().double().numpy() for n, t in m.named_parameters()}
    ref = numpy_mha(q.double().numpy(), k.double().numpy(), v.double().numpy(), p["in_proj_weight"], p["in_proj_bias"],
                    p["out_proj.weight"], p["out_proj.bias"], heads)
    check(c["name"], y64.numpy(), y32.double().numpy(), ref)
    files = dict(q=q, k=k, v=v, in_proj_weight=p["in_proj_weight"], in_proj_bias=p["in_proj_bias"],
                 out_proj_weight=p["out_proj.weight"], out_proj_bias=p["out_proj.bias"], y=y64)
    for n, t in files.items():
        save(os.path.join(case_dir, n + ".npy"), t.numpy() if hasattr(t, "numpy") else t)
    return list(files)


def run_rnn(c, gen, case_dir):
    lstm = c["kind"] == "lstm"
    cls = torch.nn.LSTM if lstm else torch.nn.GRU
    m = cls(c["input"], c["hidden"])
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)
    x = torch.randn(c["seq"], c["batch"], c["input"], generator=gen)
    h0 = torch.randn(1, c["batch"], c["hidden"], generator=gen)
    c0 = torch.randn(1, c["batch"], c["hidden"], generator=gen)
    with torch.no_grad():
        out32 = m(x, (h0, c0)) if lstm else m(x, h0)
        m64 = m.double()
        out64 = m64(x.double(), (h0.double(), c0.double())) if lstm else m64(x.double(), h0.double())
    p = {n: t.detach().double().numpy() for n, t in m64.named_parameters()}
    args = (p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"], p["bias_hh_l0"])
    if lstm:
        y, hn, cn = numpy_lstm(x.double().numpy(), h0.double().numpy()[0], c0.double().numpy()[0], *args)
        check(c["name"], out64[0].numpy(), out32[0].double().numpy(), y)
        check(c["name"] + " hn", out64[1][0].numpy()[0], out32[1][0].double().numpy()[0], hn)
        check(c["name"] + " cn", out64[1][1].numpy()[0], out32[1][1].double().numpy()[0], cn)
    else:
        y, hn = numpy_gru(x.double().numpy(), h0.double().numpy()[0], *args)
        check(c["name"], out64[0].numpy(), out32[0].double().numpy(), y)
        check(c["name"] + " hn", out64[1].numpy()[0], out32[1].double().numpy()[0], hn)
    files = dict(x=x.numpy(), h0=h0.numpy(), weight_ih=args[0], weight_hh=args[1], bias=np.stack([args[2], args[3]]),
                 y=out64[0].numpy(), hn=(out64[1][0] if lstm else out64[1]).numpy())
    if lstm:
        files.update(c0=c0.numpy(), cn=out64[1][1].numpy())
    for n, t in files.items():
        save(os.path.join(case_dir, n + ".npy"), t)
    return list(files)


def generate(out_dir):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(out_dir, exist_ok=True)
    lines = [
        "# axle conformance fixtures (torch ops). Generated by tests/conformance/generate_torch_ops.py; do not edit.",
        "format axle-ops-manifest 1",
        "generator torch %s, numpy %s" % (torch.__version__, np.__version__),
        "cases %d" % len(CASES),
    ]
    for c in CASES:
        gen = torch.Generator().manual_seed(zlib.crc32(c["name"].encode()))
        case_dir = os.path.join(out_dir, c["name"])
        if os.path.isdir(case_dir):
            shutil.rmtree(case_dir)
        os.makedirs(case_dir)
        files = run_mha(c, gen, case_dir) if c["kind"] == "mha" else run_rnn(c, gen, case_dir)
        lines += ["", "case %s" % c["name"]]
        lines += ["%s %s" % (k, v) for k, v in c.items() if k != "name"]
        lines += ["files %s" % " ".join(sorted(files)), "end"]
    with open(os.path.join(out_dir, "manifest.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    keep = {c["name"] for c in CASES} | {"manifest.txt"}
    for entry in sorted(os.listdir(out_dir)):
        if entry not in keep:
            path = os.path.join(out_dir, entry)
            if os.path.isdir(path) and all(n.endswith(".npy") for n in os.listdir(path)):
                shutil.rmtree(path)
    return len(CASES)


def main(argv=None):
    return fixture_cli.main(generate, DEFAULT_OUT, __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(main())
