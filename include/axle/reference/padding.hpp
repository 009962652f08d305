#pragma once
// Per-side padding rules of the common frameworks, expressed in the engine's
// convention (see conv.hpp):
//
//  * forward convolution: pad_pair{lo, hi} = zeros added before / after the
//    input of conv_forward.
//  * transposed convolution: transpose_padding{lo, hi, output_padding} = the
//    PyTorch-style amounts used by conv_transpose_adjoint / conv_transpose_direct:
//    the full scatter result is cropped by lo at the begin and by hi at the end,
//    then output_padding zeros-worth of positions are appended at the end, so
//        out = (in - 1)*s - lo - hi + d*(k - 1) + 1 + output_padding.
//    lo, hi, output_padding are always >= 0 (a rule whose "padding" would need
//    negative crops is folded into output_padding, or rejected if that is
//    impossible).
//
// All arguments are per axis: `in` = input extent of the op, `kernel` = k,
// `stride` = s, `dilation` = d (1 = none).  The dilated kernel extent is
// dk = d*(k - 1) + 1.  Functions are constexpr; invalid arguments throw
// std::invalid_argument.
//
// Sources were read in the upstream repositories (paths and functions cited
// next to every rule); commits are the versions that were read.

#include <optional>
#include <stdexcept>
#include <string>

#include "conv.hpp"

namespace axle::reference {

struct pad_pair {
  index_t lo = 0;
  index_t hi = 0;
  friend constexpr bool operator==(const pad_pair&, const pad_pair&) = default;
};

struct transpose_padding {
  index_t lo = 0;
  index_t hi = 0;
  index_t output_padding = 0;
  friend constexpr bool operator==(const transpose_padding&, const transpose_padding&) = default;
};

// Where an odd total padding puts its extra element.
enum class same_mode {
  upper,  // extra at the end   (TF/Keras/JAX/Flax/Haiku "SAME", ONNX SAME_UPPER, Equinox "SAME")
  lower,  // extra at the begin (ONNX SAME_LOWER, JAX/Equinox "SAME_LOWER")
};

// String padding of the JAX-family transposed convolutions.
enum class padding_rule { valid, same, same_lower };

namespace detail {
constexpr void check_axis(index_t in, index_t kernel, index_t stride, index_t dilation) {
  if (in < 1 || kernel < 1 || stride < 1 || dilation < 1)
    fail("padding rule: need in >= 1, kernel >= 1, stride >= 1, dilation >= 1 (got in " + num(in) + ", kernel " +
         num(kernel) + ", stride " + num(stride) + ", dilation " + num(dilation) + ")");
}
constexpr pad_pair split(index_t total, same_mode mode) {
  const index_t small = total / 2;  // total >= 0
  return mode == same_mode::upper ? pad_pair{small, total - small} : pad_pair{total - small, small};
}
}  // namespace detail

// ---------------------------------------------------------------------------
// Forward convolution.

// "SAME" of TensorFlow/Keras, JAX lax (and therefore Flax and Haiku, which pass
// the string to lax.conv_general_dilated), Equinox Conv: out = ceil(in/s),
// total = max((out - 1)*s + dk - in, 0), lo = total/2 (upper) or total - total/2 (lower).
// Sources:
//  - tensorflow/tensorflow tensorflow/core/framework/kernel_shape_util.cc,
//    GetWindowedOutputSizeVerbose, case Padding::SAME (commit 1142c5f5):
//    padding_before = padding_needed / 2 (extra on the "right").
//  - jax-ml/jax jax/_src/lax/lax.py, padtype_to_pads (commit 00003c2d):
//    SAME: (p//2, p - p//2), SAME_LOWER: (p - p//2, p//2);
//    jax/_src/lax/convolution.py conv_general_dilated passes the DILATED kernel
//    extents (effective_rhs_shape, commit 0109f17e).
//  - google-deepmind/dm-haiku haiku/_src/conv.py ConvND.__init__/__call__ (commit
//    001511c6) and google/flax flax/linen/linear.py _Conv.__call__ (commit
//    02603f68): 'SAME'/'VALID' strings are handed to lax.conv_general_dilated.
//  - patrick-kidger/equinox equinox/nn/_conv.py Conv (commit 0e86976d): string
//    padding handed to lax.conv_general_dilated; "SAME_LOWER" supported.
constexpr pad_pair same_padding(index_t in, index_t kernel, index_t stride, index_t dilation = 1,
                                same_mode mode = same_mode::upper) {
  detail::check_axis(in, kernel, stride, dilation);
  const index_t out = (in + stride - 1) / stride;
  const index_t needed = (out - 1) * stride + detail::dilated_extent(kernel, dilation) - in;
  return detail::split(needed > 0 ? needed : 0, mode);
}

// ONNX Conv auto_pad SAME_UPPER / SAME_LOWER, transcribed from the ONNX shape
// inference rather than from the formula above (same result; the tests check
// both against each other):
//  - onnx/onnx onnx/defs/nn/defs.cc, convPoolShapeInference (commit 1fe53301):
//    residual = in mod s (0 when s == 1); total = (residual == 0 ? dk - s : dk - residual),
//    clamped at 0; SAME_UPPER: (total>>1, total - (total>>1)); SAME_LOWER swapped.
//  - attribute doc (conv_auto_pad_doc, same file): output = ceil(in/s), "the extra
//    padding is added at the end for SAME_UPPER and at the beginning for SAME_LOWER".
constexpr pad_pair onnx_conv_auto_pad(index_t in, index_t kernel, index_t stride, index_t dilation,
                                      same_mode mode) {
  detail::check_axis(in, kernel, stride, dilation);
  const index_t residual = stride > 1 ? in % stride : 0;
  const index_t dk = detail::dilated_extent(kernel, dilation);
  const index_t total = residual == 0 ? dk - stride : dk - residual;
  return detail::split(total > 0 ? total : 0, mode);
}

// PyTorch Conv*d(padding='same'): total = d*(k - 1), lo = total/2, hi = the rest
// (extra at the end).  Strided convolutions are rejected, as PyTorch does.
// Source: torch/nn/modules/conv.py, _ConvNd.__init__ ("padding='same' is not
// supported for strided convolutions"; total_padding = d * (k - 1);
// left_pad = total_padding // 2), read in the torch 1.13 installed here
// (Debian python3-torch; the pytorch/pytorch copy in the search index predates
// padding='same').  The functional path, aten/src/ATen/native/Convolution.cpp
// _convolution_mode, was not read, but F.conv*d(padding='same') was checked
// numerically against this rule (tests/runtime/torch_crosscheck.py).
constexpr pad_pair torch_same_padding(index_t kernel, index_t dilation = 1, index_t stride = 1) {
  detail::check_axis(1, kernel, stride, dilation);
  if (stride != 1)
    detail::fail("padding rule: PyTorch padding='same' needs stride 1, got stride " + detail::num(stride));
  const index_t total = dilation * (kernel - 1);
  return {total / 2, total - total / 2};
}

// ---------------------------------------------------------------------------
// Transposed convolution (results in the engine's crop convention).

// ONNX ConvTranspose with auto_pad SAME_UPPER / SAME_LOWER and/or output_shape:
//   out   = output_shape if given, else in*s,
//   total = s*(in - 1) + output_padding + dk - out,
//   half  = floor(total / 2)   (Python //: total may be negative),
//   mode upper (auto_pad == SAME_UPPER):  begin = half,         end = total - half  (extra crop at the end)
//   mode lower (SAME_LOWER, and also NOTSET with an explicit output_shape, the spec's "Else"):
//                                         begin = total - half, end = half.
// Returned as {lo = begin, hi = max(end, 0), output_padding + max(-end, 0)}: a
// negative end pad extends the output, which is what output_padding does (the
// ONNX node tests test_convtranspose_output_shape and test_convtranspose_pad
// expect identical outputs).  A negative begin pad is not representable and throws.
// Sources:
//  - onnx/onnx onnx/reference/ops/op_conv_transpose.py, ConvTranspose._run
//    (commit 1801d2c7): exactly the formulas above (pads_1 = begin, pads_2 = end).
//  - onnx/onnx onnx/defs/nn/defs.cc, ConvTransposeOpSchemaGenerator doc (commit
//    1fe53301): "If (auto_pads == SAME_UPPER): pads[start_i] = total_padding[i]/2;
//    pads[end_i] = total_padding[i] - (total_padding[i]/2). Else: ...".  The
//    doc was historically inverted ("auto_pads != SAME_UPPER"), see onnx/onnx
//    issue 1609; onnxruntime switched to this reading in microsoft/onnxruntime
//    PR 12537 (ORT 1.13, after issue 9370).  The upstream fix PR (onnx PR 2095
//    per our brief) was NOT located in the stored material: UNVERIFIED.
//  - onnx/onnx onnx/backend/test/case/node/convtranspose.py (as shipped with
//    onnx 1.12): test_convtranspose_autopad_same / _output_shape expected
//    outputs are reproduced by tests/runtime/reference_test.cpp.
//  - CAVEAT: the same defs.cc convTransposeShapeInference (no output_shape)
//    uses total = max(dk - s, 0), ignoring output_padding; it agrees with the
//    reference implementation only when output_padding == 0 and dk >= s.
constexpr transpose_padding onnx_conv_transpose_auto_pad(index_t in, index_t kernel, index_t stride,
                                                         index_t dilation, index_t output_padding,
                                                         same_mode mode,
                                                         std::optional<index_t> output_shape = std::nullopt) {
  detail::check_axis(in, kernel, stride, dilation);
  const index_t out = output_shape ? *output_shape : in * stride;
  if (output_padding < 0 || out < 1)
    detail::fail("padding rule: ONNX ConvTranspose needs output_padding >= 0 and output size >= 1 (got " +
                 detail::num(output_padding) + ", " + detail::num(out) + ")");
  const index_t total = stride * (in - 1) + output_padding + detail::dilated_extent(kernel, dilation) - out;
  const index_t half = detail::floor_div(total, 2);
  const index_t begin = mode == same_mode::upper ? half : total - half;
  const index_t end = total - begin;
  if (begin < 0)
    detail::fail("padding rule: ONNX ConvTranspose begin pad " + detail::num(begin) + " (total_padding " +
                 detail::num(total) + ") would extend the output at the begin; not representable");
  return {begin, end > 0 ? end : 0, output_padding + (end < 0 ? -end : 0)};
}

// TensorFlow tf.nn.conv{1,2,3}d_transpose(..., output_shape, padding): the op is
// Conv*DBackpropInput with input_sizes = output_shape, i.e. the exact adjoint of
// the forward conv of an input of extent `out` with TF's padding.  So
//   (lo, hi) = forward pads for extent `out` (SAME: same_padding(out, ...); VALID: 0),
//   the forward conv must map `out` back to `in` (rejected here otherwise),
//   output_padding = out + lo + hi - dk - (in - 1)*s   (in [0, s)).
// Sources: tensorflow/tensorflow tensorflow/python/ops/nn_ops.py,
// conv2d_transpose_v2 -> gen_nn_ops.conv2d_backprop_input(input_sizes=output_shape,
// out_backprop=input, ...) (commit 00615b43); padding from kernel_shape_util.cc
// GetWindowedOutputSizeVerbose (see same_padding).  UNVERIFIED (C++ not read):
// that the kernel's shape check (conv_grad_shape_utils.cc) rejects exactly the
// sizes rejected here, and that Keras Conv*DTranspose, whose output length comes
// from keras conv_utils.deconv_output_length, reaches this op unchanged.
constexpr transpose_padding tf_conv_transpose_padding(index_t in, index_t out, index_t kernel, index_t stride,
                                                      index_t dilation, padding_rule rule) {
  detail::check_axis(in, kernel, stride, dilation);
  detail::check_axis(out, kernel, stride, dilation);
  if (rule == padding_rule::same_lower) detail::fail("padding rule: TensorFlow has no SAME_LOWER");
  const index_t dk = detail::dilated_extent(kernel, dilation);
  const pad_pair p = rule == padding_rule::same ? same_padding(out, kernel, stride, dilation) : pad_pair{};
  const index_t fwd = out + p.lo + p.hi - dk;
  if (fwd < 0 || fwd / stride + 1 != in)
    detail::fail("padding rule: TensorFlow conv_transpose output " + detail::num(out) + " is not compatible with input " +
                 detail::num(in) + " (the forward conv of " + detail::num(out) + " has " +
                 detail::num(fwd < 0 ? 0 : fwd / stride + 1) + " outputs)");
  return {p.lo, p.hi, fwd - (in - 1) * stride};
}

// JAX lax.conv_transpose(padding='SAME' | 'VALID') (also Flax ConvTranspose,
// google/flax flax/linen/linear.py ConvTranspose.__call__, and Haiku
// ConvNDTranspose without output_shape, haiku/_src/conv.py, which call it).  JAX pads the
// zero-dilated input by (pad_a, pad_b) from _conv_transpose_padding(dk, s):
//   SAME : pad_len = dk + s - 2; pad_a = dk - 1 if s > dk - 1 else ceil(pad_len/2)
//   VALID: pad_len = dk + s - 2 + max(dk - s, 0); pad_a = dk - 1
//   pad_b = pad_len - pad_a,
// and correlates with stride 1 (kernel as is unless transpose_kernel=True).
// In engine terms: lo = dk - 1 - pad_a; dk - 1 - pad_b = hi - output_padding,
// split into its positive part (hi) and negative part (output_padding).
// Resulting sizes: SAME -> in*s; VALID -> (in - 1)*s + max(dk, s).
// Source: jax-ml/jax jax/_src/lax/convolution.py, _conv_transpose_padding and
// conv_transpose (commit 0109f17e): `k` there is the dilated extent
// (effective_k_size = core.dilate_dim(k, r)).  Explicit-tuple padding and
// use_consistent_padding are not modelled.
constexpr transpose_padding jax_conv_transpose_padding(index_t kernel, index_t stride, index_t dilation,
                                                       padding_rule rule) {
  detail::check_axis(1, kernel, stride, dilation);
  const index_t k = detail::dilated_extent(kernel, dilation), s = stride;
  index_t pad_len = 0, pad_a = 0;
  if (rule == padding_rule::same) {
    pad_len = k + s - 2;
    pad_a = s > k - 1 ? k - 1 : (pad_len + 1) / 2;  // ceil(pad_len / 2), pad_len >= 0
  } else if (rule == padding_rule::valid) {
    pad_len = k + s - 2 + (k - s > 0 ? k - s : 0);
    pad_a = k - 1;
  } else {
    detail::fail("padding rule: jax _conv_transpose_padding has no SAME_LOWER");
  }
  const index_t pad_b = pad_len - pad_a;
  const index_t lo = k - 1 - pad_a, rest = k - 1 - pad_b;
  return {lo, rest > 0 ? rest : 0, rest < 0 ? -rest : 0};
}

// Equinox eqx.nn.ConvTranspose(padding='VALID' | 'SAME' | 'SAME_LOWER',
// output_padding=a): Equinox feeds (d(k-1) - p0, d(k-1) - p1 + a') to
// lax.conv_general_dilated with lhs_dilation = stride and the kernel AS IS, i.e.
// exactly conv_transpose_direct with {lo, hi, output_padding} = {p0, p1, a'}:
//   VALID      : p0 = p1 = 0, a' = a
//   SAME(_LOWER): p_sum = d(k-1) - s + a + 1; if p_sum < 0 then a' = -p_sum, p_sum = 0
//                 else a' = 0; p0 = (p_sum + lower) / 2, p1 = p_sum - p0.
// For SAME the output size is in*s - a ("output_padding reduces the calculated
// input shape").  Source: patrick-kidger/equinox equinox/nn/_conv.py,
// ConvTranspose._padding_transpose and ConvTranspose.__call__ (commit 0e86976d).
// Note the weight: Equinox ConvTranspose keeps (out, in/G, k...) and uses it
// directly; its FAQ converts a Conv weight with flip + swapaxes(0, 1), which is
// only right for groups == 1 (for groups > 1 even the shapes differ: (Ci/G, Co)
// instead of (Ci, Co/G)); see direct_kernel_from_adjoint in conv.hpp.
constexpr transpose_padding equinox_conv_transpose_padding(index_t kernel, index_t stride, index_t dilation,
                                                           index_t output_padding, padding_rule rule) {
  detail::check_axis(1, kernel, stride, dilation);
  if (output_padding < 0) detail::fail("padding rule: output_padding " + detail::num(output_padding) + " must be >= 0");
  if (rule == padding_rule::valid) return {0, 0, output_padding};
  index_t p_sum = dilation * (kernel - 1) - stride + output_padding + 1;
  const index_t a = p_sum < 0 ? -p_sum : 0;
  if (p_sum < 0) p_sum = 0;
  const index_t p0 = (p_sum + (rule == padding_rule::same_lower ? 1 : 0)) / 2;
  return {p0, p_sum - p0, a};
}

}  // namespace axle::reference
