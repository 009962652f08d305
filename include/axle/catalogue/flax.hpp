// axle catalogue — Flax (google/flax), linen and nnx. Inputs are channels last with any number of
// leading batch axes (one batch axis below).
#pragma once

#include "common.hpp"

namespace axle::flax {

namespace l = catalogue::layouts;

// google/flax flax/linen/linear.py (_Conv.__call__: kernel_shape = kernel_size + (in_features //
// feature_group_count, features); lax.conv_general_dilated with NHWC/HWIO numbers); flax/nnx/nn/linear.py (Conv).
template <int N>
struct conv : conv_op<with_spatial_t<N, l::s_I_gO>, channels_last<N>> {
  static constexpr std::string_view name = "flax.conv";
  static constexpr std::string_view source =
      "google/flax flax/linen/linear.py (Conv: kernel_size + (in_features // feature_group_count, features)); "
      "flax/nnx/nn/linear.py (Conv)";
};

// google/flax flax/linen/linear.py (ConvTranspose.__call__: kernel_size + (in_features, features), or
// (features, in_features) with transpose_kernel=True; lax.conv_transpose(transpose_kernel=...) with
// lax's default dimension numbers). No groups.
template <int N, bool TransposeKernel = false>
struct conv_transpose;
template <int N>
struct conv_transpose<N, false> : conv_transpose_op<semantics::direct, with_spatial_t<N, l::s_I_O>, channels_last<N>> {
  static constexpr std::string_view name = "flax.conv_transpose";
  static constexpr std::string_view source =
      "google/flax flax/linen/linear.py (ConvTranspose.__call__: kernel_size + (in_features, features), "
      "lax.conv_transpose(transpose_kernel=False)); flax/nnx/nn/linear.py (ConvTranspose)";
  static constexpr std::string_view note = "transpose_kernel=False (default): direct; no groups; default padding SAME";
};
template <int N>
struct conv_transpose<N, true> : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::fs_O_I>, channels_last<N>> {
  static constexpr std::string_view name = "flax.conv_transpose:transpose_kernel";
  static constexpr std::string_view source =
      "google/flax flax/linen/linear.py (ConvTranspose.__call__ with transpose_kernel=True: kernel_size + "
      "(features, in_features), lax.conv_transpose(transpose_kernel=True)); flax/nnx/nn/linear.py (ConvTranspose)";
  static constexpr std::string_view note =
      "transpose_kernel=True: the forward Conv's kernel (Keras/PyTorch checkpoints); no groups";
};

// google/flax flax/linen/linear.py (Dense.__call__: kernel (in_features, features)).
struct dense : dense_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "flax.dense";
  static constexpr std::string_view source = "google/flax flax/linen/linear.py (Dense: kernel (jnp.shape(inputs)[-1], features))";
};

// google/flax flax/nnx/nn/linear.py (Linear.__init__: kernel_init(kernel_key, (in_features, out_features))).
struct linear : dense_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "flax.linear";
  static constexpr std::string_view source =
      "google/flax flax/nnx/nn/linear.py (Linear.__init__: kernel (in_features, out_features))";
  static constexpr std::string_view note = "nnx.Linear";
};

// google/flax flax/linen/attention.py (MultiHeadDotProductAttention.__call__: query/key/value = DenseGeneral(axis=-1,
// features=(num_heads, head_dim)), out = DenseGeneral(features, axis=(-2, -1))); flax/linen/linear.py (DenseGeneral:
// kernel = the input dims on `axis` + features, bias = features).
inline constexpr std::string_view mha_source =
    "google/flax flax/linen/attention.py (MultiHeadDotProductAttention.__call__: query/key/value "
    "DenseGeneral(features=(num_heads, head_dim)), out DenseGeneral(axis=(-2, -1))); flax/linen/linear.py "
    "(DenseGeneral: kernel input dims + features)";
template <fixed_string Name, fixed_string Section>
struct mha_projection : projection_op<l::proj::in_heads, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view section = Section.view();
};
template <fixed_string Name, fixed_string Section>
struct mha_projection_bias : projection_op<l::proj::bias_heads, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view section = Section.view();
  static constexpr tensor_kind tensor = tensor_kind::bias;
};
struct mha_query : mha_projection<"flax.multi_head_dot_product_attention:query", "qkv:q"> {};
struct mha_key : mha_projection<"flax.multi_head_dot_product_attention:key", "qkv:k"> {};
struct mha_value : mha_projection<"flax.multi_head_dot_product_attention:value", "qkv:v"> {};
struct mha_query_bias : mha_projection_bias<"flax.multi_head_dot_product_attention:query_bias", "qkv:q"> {};
struct mha_key_bias : mha_projection_bias<"flax.multi_head_dot_product_attention:key_bias", "qkv:k"> {};
struct mha_value_bias : mha_projection_bias<"flax.multi_head_dot_product_attention:value_bias", "qkv:v"> {};
struct mha_out : projection_op<l::proj::heads_out, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "flax.multi_head_dot_product_attention:out";
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view note = "the out kernel; its bias is (features,)";
  static constexpr std::string_view section = "out";
};

// google/flax flax/linen/recurrent.py (LSTMCell.__call__: one Dense per gate and input, ii/if/ig/io on the
// input (no bias), hi/hf/hg/ho on the carry (with bias); kernels (features_in, features)). Each entry is the
// kernel of one gate: the section of a fused (gates*hidden, in) weight.
inline constexpr std::string_view lstm_source =
    "google/flax flax/linen/recurrent.py (LSTMCell.__call__: Dense ii, if, ig, io (no bias) on the input and "
    "hi, hf, hg, ho (with bias) on h)";
template <fixed_string Name, fixed_string Section>
struct lstm_cell_gate : lstm_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = lstm_source;
  static constexpr std::string_view note =
      "the kernel of Dense i<gate> (from weight_ih) or h<gate> (from weight_hh, I = hidden); bias only on "
      "h<gate>: b_ih + b_hh of that gate";
  static constexpr std::string_view section = Section.view();
  static constexpr bias_form biases = bias_form::one;
};
struct lstm_cell_i : lstm_cell_gate<"flax.lstm_cell:i", "gate:i"> {};
struct lstm_cell_f : lstm_cell_gate<"flax.lstm_cell:f", "gate:f"> {};
struct lstm_cell_g : lstm_cell_gate<"flax.lstm_cell:g", "gate:g"> {};
struct lstm_cell_o : lstm_cell_gate<"flax.lstm_cell:o", "gate:o"> {};

// google/flax flax/linen/recurrent.py (GRUCell.__call__: Dense ir, iz, in (with bias) on the input, hr, hz (no
// bias) and hn (with bias) on h; n = tanh(in(x) + r * hn(h)): the reset gate after the matmul).
inline constexpr std::string_view gru_source =
    "google/flax flax/linen/recurrent.py (GRUCell.__call__: Dense ir, iz, in (with bias), hr, hz (no bias), hn "
    "(with bias); new = tanh(dense_i['n'](inputs) + r * dense_h['n'](h)))";
template <fixed_string Name, fixed_string Section>
struct gru_cell_gate : gru_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note =
      "the kernel of Dense i<gate> (from weight_ih) or h<gate> (from weight_hh, I = hidden); biases: ir, iz = "
      "b_i + b_h, in = b_in, hn = b_hn";
  static constexpr std::string_view section = Section.view();
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::one_and_hidden_n;
};
struct gru_cell_r : gru_cell_gate<"flax.gru_cell:r", "gate:r"> {};
struct gru_cell_z : gru_cell_gate<"flax.gru_cell:z", "gate:z"> {};
struct gru_cell_n : gru_cell_gate<"flax.gru_cell:n", "gate:n"> {};

using all_ops = axle::detail::type_list<conv<1>, conv<2>, conv<3>, conv_transpose<1>, conv_transpose<2>, conv_transpose<3>,
                                        conv_transpose<1, true>, conv_transpose<2, true>, conv_transpose<3, true>, dense,
                                        linear, mha_query, mha_key, mha_value, mha_query_bias, mha_key_bias, mha_value_bias,
                                        mha_out, lstm_cell_i, lstm_cell_f, lstm_cell_g, lstm_cell_o, gru_cell_r, gru_cell_z,
                                        gru_cell_n>;

}  // namespace axle::flax
