#!/usr/bin/python3
"""Rotary embeddings and fused QKV: axle's conversions checked against NumPy implementations of each
project's own code, independent of axle.

Written from the sources (docs/port-a-transformer.md cites them):
  meta_rope       meta-llama/llama llama/model.py (precompute_freqs_cis, apply_rotary_emb): a head's
                  rows (2i, 2i + 1) rotate together, as the complex number x[2i] + i x[2i+1]
  hf_rope         huggingface/transformers models/llama/modeling_llama.py (LlamaRotaryEmbedding,
                  rotate_half, apply_rotary_pos_emb): rows (i, i + head_dim/2) rotate together
  hf_permute      huggingface/transformers models/llama/convert_llama_weights_to_hf.py (permute):
                  Meta's wq, and wk with num_key_value_heads, into Hugging Face's row order
  gguf_permute    ggml-org/llama.cpp conversion/llama.py (LlamaModel.permute): Hugging Face's q_proj,
                  and k_proj with n_head_kv, into GGUF's (rope type NORM: Meta's order)
  falcon_split    huggingface/transformers models/falcon/modeling_falcon.py (_split_heads,
                  new_decoder_architecture): per KV head, q_per_kv query heads, a key head, a value head

Every conversion is made by the `axle` command-line tool, and checked forward: the converted weights,
run through the target project's own rotary embedding, give the source's attention scores; and they
equal the tensor the project's conversion script writes. Negative controls show the check can fail:
llama.cpp's old `n_head //= n_head_kv` (ggml-org/llama.cpp PR 3364) and a key permuted with the query
heads (transformers issue 31766).

Usage: check_rotary.py path/to/axle
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

AXLE = sys.argv[1]
FAILURES = []
RNG = np.random.default_rng(20240521)


def check(name, condition, detail=""):
    print(f"{'ok  ' if condition else 'FAIL'} {name}{'' if condition else ': ' + detail}")
    if not condition:
        FAILURES.append(name)


def run(*args):
    p = subprocess.run([AXLE, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def convert(tmp, src_op, dst_op, w, *options):
    src = os.path.join(tmp, "in.npy")
    dst = os.path.join(tmp, "out.npy")
    np.save(src, w)
    code, out, err = run("convert", src_op, dst_op, src, dst, "--force", *options)
    if code != 0:
        raise RuntimeError(f"axle convert {src_op} {dst_op} {' '.join(options)}: {err.strip()}")
    return np.load(dst)


# --- the projects' own code, in NumPy --------------------------------------------------------------

def meta_rope(x, pos, base=10000.0):
    """x (seq, heads, head_dim): model.py precompute_freqs_cis + apply_rotary_emb."""
    d = x.shape[-1]
    freqs = 1.0 / (base ** (np.arange(0, d, 2)[: d // 2] / d))
    cis = np.exp(1j * np.outer(pos, freqs))  # (seq, d/2)
    xc = x.reshape(*x.shape[:-1], d // 2, 2)
    xc = xc[..., 0] + 1j * xc[..., 1]
    out = xc * cis[:, None, :]
    return np.stack([out.real, out.imag], axis=-1).reshape(x.shape)


def hf_rope(x, pos, base=10000.0):
    """x (seq, heads, head_dim): inv_freq, emb = cat(freqs, freqs), x*cos + rotate_half(x)*sin."""
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (np.arange(0, d, 2) / d))
    emb = np.concatenate([np.outer(pos, inv_freq)] * 2, axis=-1)
    cos, sin = np.cos(emb)[:, None, :], np.sin(emb)[:, None, :]
    rotate_half = np.concatenate([-x[..., d // 2:], x[..., : d // 2]], axis=-1)
    return x * cos + rotate_half * sin


def hf_permute(w, n_heads, dim1, dim2):
    """convert_llama_weights_to_hf.py permute: view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2)."""
    return w.reshape(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(0, 2, 1, 3).reshape(dim1, dim2)


def gguf_permute(w, n_head, n_head_kv=None):
    """conversion/llama.py LlamaModel.permute."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def gguf_permute_before_pr3364(w, n_head, n_head_kv):
    """The old convert.py: n_head //= n_head_kv, right only when n_head / n_head_kv == n_head_kv."""
    n_head //= n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def falcon_split(w, heads, kv_heads, head_dim):
    """modeling_falcon.py _split_heads (new_decoder_architecture), on the weight's rows."""
    per = heads // kv_heads
    g = w.reshape(kv_heads, per + 2, head_dim, w.shape[-1])
    q = g[:, :-2].reshape(heads * head_dim, -1)
    k = g[:, -2].reshape(kv_heads * head_dim, -1)
    v = g[:, -1].reshape(kv_heads * head_dim, -1)
    return q, k, v


def scores(x, wq, wk, heads, kv_heads, rope):
    """Attention logits (heads, seq, seq) with grouped-query attention: query head h uses KV head h // (heads / kv_heads)."""
    seq = x.shape[0]
    d = wq.shape[0] // heads
    pos = np.arange(seq)
    q = rope((x @ wq.T).reshape(seq, heads, d), pos)
    k = rope((x @ wk.T).reshape(seq, kv_heads, d), pos)
    k = np.repeat(k, heads // kv_heads, axis=1)  # repeat_kv
    return np.einsum("shd,thd->hst", q, k) / np.sqrt(d)


def close(a, b, tol=1e-10):
    return a.shape == b.shape and float(np.max(np.abs(a - b))) <= tol * max(1.0, float(np.max(np.abs(b))))


def main():
    E, H, G, D, SEQ = 64, 8, 2, 8, 5  # H / G = 4 != G: the n_head //= n_head_kv bug shows
    x = RNG.standard_normal((SEQ, E))
    wq_meta = RNG.standard_normal((H * D, E))
    wk_meta = RNG.standard_normal((G * D, E))
    want = scores(x, wq_meta, wk_meta, H, G, meta_rope)
    with tempfile.TemporaryDirectory() as tmp:
        # Meta -> Hugging Face: the conversion script's permute, and the same scores under HF's rope.
        wq_hf = convert(tmp, "llama.attention:wq", "transformers.llama_attention:q_proj", wq_meta, "--heads", str(H))
        wk_hf = convert(tmp, "llama.attention:wk", "transformers.llama_attention:k_proj", wk_meta, "--kv-heads", str(G))
        check("Meta wq -> HF q_proj equals convert_llama_weights_to_hf permute", np.array_equal(wq_hf, hf_permute(wq_meta, H, H * D, E)))
        check("Meta wk -> HF k_proj (kv_heads) equals permute(wk, num_key_value_heads)",
              np.array_equal(wk_hf, hf_permute(wk_meta, G, G * D, E)))
        check("Meta -> HF: HF's rotary embedding on the converted rows gives Meta's scores", close(scores(x, wq_hf, wk_hf, H, G, hf_rope), want))
        check("control: the rows unconverted under HF's rotary embedding give other scores",
              not close(scores(x, wq_meta, wk_meta, H, G, hf_rope), want))
        wrong_k = hf_permute(wk_meta, H, G * D, E)  # permuted with the query heads' count
        check("control: a key permuted with the wrong head count (transformers 31766) gives other scores",
              not close(scores(x, wq_hf, wrong_k, H, G, hf_rope), want))

        # Hugging Face -> GGUF: llama.cpp's permute; GGUF's rope type NORM is Meta's.
        q_hf = RNG.standard_normal((H * D, E))
        k_hf = RNG.standard_normal((G * D, E))
        hf_want = scores(x, q_hf, k_hf, H, G, hf_rope)
        q_gguf = convert(tmp, "transformers.llama_attention:q_proj", "gguf.llama:attn_q", q_hf, "--heads", str(H))
        k_gguf = convert(tmp, "transformers.llama_attention:k_proj", "gguf.llama:attn_k", k_hf, "--kv-heads", str(G))
        check("HF q_proj -> GGUF attn_q equals LlamaModel.permute(q, n_head, n_head)", np.array_equal(q_gguf, gguf_permute(q_hf, H, H)))
        check("HF k_proj -> GGUF attn_k equals LlamaModel.permute(k, n_head, n_head_kv)", np.array_equal(k_gguf, gguf_permute(k_hf, H, G)))
        check("HF -> GGUF: rope type NORM on the converted rows gives HF's scores", close(scores(x, q_gguf, k_gguf, H, G, meta_rope), hf_want))
        buggy = gguf_permute_before_pr3364(k_hf, H, G)
        check("control: llama.cpp's n_head //= n_head_kv (before PR 3364) differs from axle's key with these heads",
              not np.array_equal(buggy, k_gguf) and not close(scores(x, q_gguf, buggy, H, G, meta_rope), hf_want))

        # GGUF -> Hugging Face and Hugging Face -> Meta, forward too.
        q_back = convert(tmp, "gguf.llama:attn_q", "transformers.llama_attention:q_proj", wq_meta, "--heads", str(H))
        k_back = convert(tmp, "gguf.llama:attn_k", "transformers.llama_attention:k_proj", wk_meta, "--kv-heads", str(G))
        check("GGUF -> HF: HF's rotary embedding gives GGUF's (NORM) scores", close(scores(x, q_back, k_back, H, G, hf_rope), want))
        q_meta = convert(tmp, "transformers.llama_attention:q_proj", "llama.attention:wq", q_hf, "--heads", str(H))
        k_meta = convert(tmp, "transformers.llama_attention:k_proj", "llama.attention:wk", k_hf, "--kv-heads", str(G))
        check("HF -> Meta: Meta's rotary embedding gives HF's scores", close(scores(x, q_meta, k_meta, H, G, meta_rope), hf_want))

        # The plan's NumPy code is the same permutation.
        code, out, err = run("plan", "llama.attention:wk", "transformers.llama_attention:k_proj", "--kv-heads", str(G))
        check("plan names the pair swap", code == 0 and "swap(pair[re,im], freq)" in out, out + err)
        numpy_code = out.split("numpy", 1)[1].split("pytorch", 1)[0]
        scope = {"np": np, "w": wk_meta.copy()}
        exec("\n".join(line.strip() for line in numpy_code.strip().splitlines()), scope)
        check("plan's NumPy code equals permute(wk, num_key_value_heads)", np.array_equal(scope["w"], hf_permute(wk_meta, G, G * D, E)))
        code, _, err = run("convert", "llama.attention:wk", "transformers.llama_attention:k_proj", os.path.join(tmp, "in.npy"),
                           os.path.join(tmp, "nokv.npy"))
        check("a key without --kv-heads is refused, naming the option", code != 0 and "--kv-heads" in err, err)

        # Falcon: grouped by KV head; its q, k and v sections are Hugging Face LLaMA's projections (half-split rope).
        w_falcon = RNG.standard_normal(((H + 2 * G) * D, E))
        fq, fk, fv = falcon_split(w_falcon, H, G, D)
        sizes = ("--heads", str(H), "--kv-heads", str(G))
        q = convert(tmp, "transformers.falcon_attention:query_key_value", "transformers.llama_attention:q_proj", w_falcon, *sizes)
        k = convert(tmp, "transformers.falcon_attention:query_key_value", "transformers.llama_attention:k_proj", w_falcon, *sizes)
        v = convert(tmp, "transformers.falcon_attention:query_key_value", "transformers.llama_attention:v_proj", w_falcon, *sizes)
        check("Falcon query_key_value -> q_proj, k_proj, v_proj equal _split_heads' query, key, value",
              np.array_equal(q, fq) and np.array_equal(k, fk) and np.array_equal(v, fv))
        falcon_want = scores(x, fq, fk, H, G, hf_rope)
        k_meta = convert(tmp, "transformers.falcon_attention:query_key_value", "llama.attention:wk", w_falcon, *sizes)
        q_meta = convert(tmp, "transformers.falcon_attention:query_key_value", "llama.attention:wq", w_falcon, *sizes)
        check("Falcon -> Meta wq, wk: Meta's rotary embedding gives Falcon's scores", close(scores(x, q_meta, k_meta, H, G, meta_rope), falcon_want))
        flat = np.split(w_falcon, [H * D, (H + G) * D])
        check("control: a flat three-way split of Falcon's rows is not its query", not np.array_equal(flat[0], fq))

        # Meanings that differ are refused with the reason.
        code, _, err = run("plan", "transformers.llama_attention:q_proj", "keras.multi_head_attention:query")
        check("a rotary projection into one without is refused", code != 0 and "rotary" in err, err)
        code, _, err = run("plan", "transformers.gpt_neox_attention:query_key_value", "torch.multihead_attention")
        check("GPT-NeoX (rotary) into nn.MultiheadAttention (none) is refused", code != 0 and "rotary" in err, err)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
