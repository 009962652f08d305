// axle — the axes of the non-convolution operators: gate and bias blocks, direction, sequence,
// heads and key/value heads, fused sections, rotary pairs.
//
// They are built in as N, C, O, I, G, M, D, H, W are: the catalogue's recurrent and attention
// layouts use them, and layouts written as text (<axle/parse.hpp>) find them by name.
#pragma once

#include "axis.hpp"

namespace axle::op_axes {
/// the gate blocks of a recurrent weight: `labels<gate, "i,f,g,o">` (g is the cell candidate),
/// `labels<gate, "r,z,n">` (n is the GRU candidate)
struct gate : axis<"gate", axis_kind::block> {};
/// the two biases of a recurrent op, stacked: `labels<bias, "ih,hh">` (input, hidden)
struct bias : axis<"bias", axis_kind::block> {};
/// the direction axis of an ONNX recurrent weight (extent 1 when unidirectional)
struct direction : axis<"direction"> {};
/// a sequence (time) axis
struct seq : axis<"seq"> {};
/// attention heads (query heads when the key and value heads are fewer)
struct heads : axis<"heads"> {};
/// key and value heads of grouped-query attention (each shared by q_per_kv query heads)
struct kv_heads : axis<"kv_heads"> {};
/// the query heads of one key/value head (heads = kv_heads * q_per_kv, query head h uses KV head
/// h / q_per_kv)
struct q_per_kv : axis<"q_per_kv"> {};
/// the per-head feature axis of attention tensors
struct head_dim : axis<"head_dim"> {};
/// the sections of a fused projection weight: `labels<qkv, "q,k,v">`
struct qkv : axis<"qkv", axis_kind::block> {};
/// the slots of one key/value head's group in a fused weight without labels (Falcon:
/// q_per_kv query heads, then the key head, then the value head)
struct slot : axis<"slot"> {};
/// a rotary pair's two members: `labels<pair, "re,im">` (the real and imaginary part of the
/// complex number it is rotated as)
struct pair : axis<"pair", axis_kind::block> {};
/// a rotary pair's index inside a head: its frequency, theta^(-2 freq / head_dim); a head's
/// head_dim is (pair, freq) when pairs are half-split and (freq, pair) when interleaved
struct freq : axis<"freq"> {};
}  // namespace axle::op_axes
