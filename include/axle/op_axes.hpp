// axle — the axes of the non-convolution operators: gate blocks, direction, sequence, heads.
//
// They are built in as N, C, O, I, G, M, D, H, W are: the catalogue's recurrent and attention
// layouts use them, and layouts written as text (<axle/parse.hpp>) find them by name.
#pragma once

#include "axis.hpp"

namespace axle::op_axes {
/// the gate blocks of a recurrent weight: `labels<gate, "i,f,g,o">` (g is the cell candidate)
struct gate : axis<"gate", axis_kind::block> {};
/// the direction axis of an ONNX recurrent weight (extent 1 when unidirectional)
struct direction : axis<"direction"> {};
/// a sequence (time) axis
struct seq : axis<"seq"> {};
/// attention heads
struct heads : axis<"heads"> {};
/// the per-head feature axis of attention tensors
struct head_dim : axis<"head_dim"> {};
}  // namespace axle::op_axes
