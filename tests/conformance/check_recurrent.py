#!/usr/bin/python3
"""Recurrent weights converted by the `axle` command-line tool, run by the real implementations.

  torch.nn.LSTM / torch.nn.GRU (Debian python3-torch) on one side;
  ONNX's own LSTM and GRU (onnx/backend/test/case/node/{lstm,gru}.py: LSTM_Helper, GRU_Helper, the
  computations ONNX's node tests are generated with; Debian python3-onnx) on the other;
  Keras' LSTM and GRU cells and MLX's GRU, which Debian does not package, as NumPy transcriptions of
  their `call`s (keras-team/keras keras/src/layers/rnn/lstm.py and gru.py; ml-explore/mlx
  python/mlx/nn/layers/recurrent.py), independent of axle.

Each conversion is checked forward: the converted weights, run by the target, give the source's
outputs. PyTorch's two biases travel stacked, np.stack([bias_ih, bias_hh]). The meanings axle refuses
are shown to differ: ONNX's default GRU (linear_before_reset = 0) computes something else with the
same weights, and folding two biases needs --fold-bias.

Usage: check_recurrent.py path/to/axle
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from onnx.backend.test.case.node.gru import GRU_Helper
from onnx.backend.test.case.node.lstm import LSTM_Helper

AXLE = sys.argv[1]
FAILURES = []
RNG = np.random.default_rng(8)
IN, HID, SEQ, BATCH = 5, 4, 6, 2


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ': ' + detail}")
    if not condition:
        FAILURES.append(name)


def run(*args):
    p = subprocess.run([AXLE, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class Converter:
    def __init__(self, tmp):
        self.tmp = tmp
        self.n = 0

    def __call__(self, src_op, dst_op, w, *options):
        self.n += 1
        src = os.path.join(self.tmp, f"{self.n}.in.npy")
        dst = os.path.join(self.tmp, f"{self.n}.out.npy")
        np.save(src, w)
        code, out, err = run("convert", src_op, dst_op, src, dst, *options)
        if code != 0:
            raise RuntimeError(f"axle convert {src_op} {dst_op}: {err.strip()}")
        return np.load(dst)

    def error(self, src_op, dst_op, w, *options):
        self.n += 1
        src = os.path.join(self.tmp, f"{self.n}.in.npy")
        np.save(src, w)
        code, _, err = run("convert", src_op, dst_op, src, os.path.join(self.tmp, f"{self.n}.out.npy"), *options)
        return err if code != 0 else ""


def close(a, b, tol=1e-9):
    return a.shape == b.shape and float(np.max(np.abs(a - b))) <= tol


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def torch_rnn(kind, x, h0, c0=None, params=None):
    m = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(IN, HID).double()
    with torch.no_grad():
        if params is None:
            for p in m.parameters():
                p.copy_(torch.from_numpy(RNG.standard_normal(tuple(p.shape)) * 0.5))
        else:
            for name, value in params.items():
                getattr(m, name).copy_(torch.from_numpy(value))
        out = m(torch.from_numpy(x), (torch.from_numpy(h0), torch.from_numpy(c0)) if kind == "lstm" else torch.from_numpy(h0))
    p = {n: t.detach().numpy().copy() for n, t in m.named_parameters()}
    return out[0].numpy(), p


def keras_lstm(x, h, c, kernel, recurrent_kernel, bias):
    """keras lstm.py LSTMCell.call (implementation 2): z = x K + h R + b; i, f, c, o = split(z, 4)."""
    ys = []
    for t in range(x.shape[0]):
        z = x[t] @ kernel + h @ recurrent_kernel + bias
        z0, z1, z2, z3 = np.split(z, 4, axis=-1)
        i, f, o = sigmoid(z0), sigmoid(z1), sigmoid(z3)
        c = f * c + i * np.tanh(z2)
        h = o * np.tanh(c)
        ys.append(h)
    return np.stack(ys)


def keras_gru(x, h, kernel, recurrent_kernel, bias):
    """keras gru.py GRUCell.call, reset_after=True: bias (2, 3U); hh = tanh(x_h + r * (h R_h + b_rh))."""
    ys = []
    for t in range(x.shape[0]):
        mx = x[t] @ kernel + bias[0]
        x_z, x_r, x_h = np.split(mx, 3, axis=-1)
        mi = h @ recurrent_kernel + bias[1]
        r_z, r_r, r_h = np.split(mi, 3, axis=-1)
        z, r = sigmoid(x_z + r_z), sigmoid(x_r + r_r)
        hh = np.tanh(x_h + r * r_h)
        h = z * h + (1 - z) * hh
        ys.append(h)
    return np.stack(ys)


def mlx_gru(x, h, wx, wh, b, bhn):
    """mlx recurrent.py GRU.__call__: x = addmm(b, x, Wx.T); h_n += bhn; n = tanh(x_n + r * h_n)."""
    hid = wh.shape[-1]
    ys = []
    for t in range(x.shape[0]):
        xp = b + x[t] @ wx.T
        x_rz, x_n = xp[..., :-hid], xp[..., -hid:]
        hp = h @ wh.T
        h_rz, h_n = hp[..., :-hid], hp[..., -hid:] + bhn
        r, z = np.split(sigmoid(x_rz + h_rz), 2, axis=-1)
        n = np.tanh(x_n + r * h_n)
        h = (1 - z) * n + z * h
        ys.append(h)
    return np.stack(ys)


def main():
    x = RNG.standard_normal((SEQ, BATCH, IN))
    h0 = RNG.standard_normal((1, BATCH, HID))
    c0 = RNG.standard_normal((1, BATCH, HID))
    with tempfile.TemporaryDirectory() as tmp:
        conv = Converter(tmp)
        # --- LSTM -----------------------------------------------------------------------------
        y, p = torch_rnn("lstm", x, h0, c0)
        bias = np.stack([p["bias_ih_l0"], p["bias_hh_l0"]])
        W = conv("torch.lstm", "onnx.lstm", p["weight_ih_l0"])
        R = conv("torch.lstm", "onnx.lstm", p["weight_hh_l0"])
        B = conv("torch.lstm:bias", "onnx.lstm:bias", bias)
        Y, _ = LSTM_Helper(X=x, W=W, R=R, B=B, initial_h=h0, initial_c=c0).step()
        check("torch.lstm -> onnx.lstm: ONNX's LSTM gives PyTorch's output", close(Y[:, 0], y))
        # ONNX -> PyTorch, from weights made in ONNX's layout.
        Wo = RNG.standard_normal((1, 4 * HID, IN)) * 0.5
        Ro = RNG.standard_normal((1, 4 * HID, HID)) * 0.5
        Bo = RNG.standard_normal((1, 8 * HID)) * 0.5
        Yo, _ = LSTM_Helper(X=x, W=Wo, R=Ro, B=Bo, initial_h=h0, initial_c=c0).step()
        tb = conv("onnx.lstm:bias", "torch.lstm:bias", Bo)
        params = dict(weight_ih_l0=conv("onnx.lstm", "torch.lstm", Wo), weight_hh_l0=conv("onnx.lstm", "torch.lstm", Ro),
                      bias_ih_l0=tb[0], bias_hh_l0=tb[1])
        yt, _ = torch_rnn("lstm", x, h0, c0, params)
        check("onnx.lstm -> torch.lstm: PyTorch's LSTM gives ONNX's output", close(yt, Yo[:, 0]))
        # PyTorch -> Keras: one bias, the sum of PyTorch's two, only when asked.
        err = conv.error("torch.lstm:bias", "keras.lstm:bias", bias)
        check("torch.lstm:bias -> keras.lstm:bias without --fold-bias is refused, saying so", "--fold-bias" in err, err)
        kb = conv("torch.lstm:bias", "keras.lstm:bias", bias, "--fold-bias")
        K = conv("torch.lstm", "keras.lstm", p["weight_ih_l0"])
        RK = conv("torch.lstm", "keras.lstm", p["weight_hh_l0"])
        check("torch.lstm -> keras.lstm (--fold-bias): Keras' LSTM cell gives PyTorch's output",
              close(keras_lstm(x, h0[0], c0[0], K, RK, kb), y))
        code, out, _ = run("plan", "torch.lstm:bias", "keras.lstm:bias", "--fold-bias")
        check("the plan prints the fold", code == 0 and "fold(bias: ih + hh)" in out, out)

        # --- GRU ------------------------------------------------------------------------------
        y, p = torch_rnn("gru", x, h0)
        bias = np.stack([p["bias_ih_l0"], p["bias_hh_l0"]])
        W = conv("torch.gru", "onnx.gru:linear_before_reset", p["weight_ih_l0"])
        R = conv("torch.gru", "onnx.gru:linear_before_reset", p["weight_hh_l0"])
        B = conv("torch.gru:bias", "onnx.gru:linear_before_reset_bias", bias)
        Y, _ = GRU_Helper(X=x, W=W, R=R, B=B, initial_h=h0, linear_before_reset=1).step()
        check("torch.gru -> onnx.gru:linear_before_reset: ONNX's GRU (linear_before_reset = 1) gives PyTorch's output",
              close(Y[:, 0], y))
        Y0, _ = GRU_Helper(X=x, W=W, R=R, B=B, initial_h=h0).step()
        check("control: ONNX's default GRU (linear_before_reset = 0) computes something else with the same weights",
              not close(Y0[:, 0], y, 1e-3))
        err = conv.error("torch.gru", "onnx.gru", p["weight_ih_l0"])
        check("torch.gru -> onnx.gru is refused: the reset placement differs", "reset gate" in err and "linear_before_reset" in err, err)
        Wo = RNG.standard_normal((1, 3 * HID, IN)) * 0.5
        Ro = RNG.standard_normal((1, 3 * HID, HID)) * 0.5
        Bo = RNG.standard_normal((1, 6 * HID)) * 0.5
        Yo, _ = GRU_Helper(X=x, W=Wo, R=Ro, B=Bo, initial_h=h0, linear_before_reset=1).step()
        tb = conv("onnx.gru:linear_before_reset_bias", "torch.gru:bias", Bo)
        params = dict(weight_ih_l0=conv("onnx.gru:linear_before_reset", "torch.gru", Wo),
                      weight_hh_l0=conv("onnx.gru:linear_before_reset", "torch.gru", Ro), bias_ih_l0=tb[0], bias_hh_l0=tb[1])
        yt, _ = torch_rnn("gru", x, h0, params=params)
        check("onnx.gru:linear_before_reset -> torch.gru: PyTorch's GRU gives ONNX's output", close(yt, Yo[:, 0]))
        # PyTorch -> Keras (reset_after: two biases, reordered), and -> MLX (b folded but for n, bhn apart).
        K = conv("torch.gru", "keras.gru", p["weight_ih_l0"])
        RK = conv("torch.gru", "keras.gru", p["weight_hh_l0"])
        kb = conv("torch.gru:bias", "keras.gru:bias", bias)
        check("torch.gru -> keras.gru: Keras' GRU cell (reset_after) gives PyTorch's output", close(keras_gru(x, h0[0], K, RK, kb), y))
        err = conv.error("torch.gru:bias", "keras.gru:reset_before_bias", bias, "--fold-bias")
        check("torch.gru -> keras.gru:reset_before is refused: the reset placement differs", "reset gate" in err, err)
        mb = conv("torch.gru:bias", "mlx.gru:bias", bias, "--fold-bias")
        code, out, _ = run("convert", "torch.gru:bias", "mlx.gru:bias", os.path.join(tmp, f"{conv.n}.in.npy"),
                           os.path.join(tmp, "mlx_b.npy"), "--fold-bias")
        check("the fold says that b_hn stays apart", code == 0 and "b_hn" in out, out)
        bhn = p["bias_hh_l0"][2 * HID:]
        check("torch.gru -> mlx.gru (--fold-bias, bhn = b_hn): MLX's GRU gives PyTorch's output",
              close(mlx_gru(x, h0[0], conv("torch.gru", "mlx.gru", p["weight_ih_l0"]), conv("torch.gru", "mlx.gru", p["weight_hh_l0"]),
                            mb, bhn), y))
        check("control: b_hn folded into b_in as well computes something else",
              not close(mlx_gru(x, h0[0], p["weight_ih_l0"], p["weight_hh_l0"], bias[0] + bias[1], 0 * bhn), y, 1e-3))
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
