// axle catalogue — the layout patterns the framework headers share, written once.
//
// Each pattern is a template over the spatial axes; `with_spatial_t<2, gO_I_s>` is
// `layout<merged<G, O>, I, H, W>`. Names read the storage order: `g` before a role means it is
// merged with G (groups outer), `s` the spatial axes, `fs` the spatial axes reversed.
#pragma once

#include "../ops.hpp"

namespace axle::catalogue::layouts {

using namespace axle::axes;

// --- forward convolution ------------------------------------------------------------------------
template <class... S>
using gO_I_s = layout<merged<G, O>, I, S...>;  // PyTorch, ONNX, Equinox, Core ML, TensorRT, Caffe, tinygrad
template <class... S>
using O_I_s = layout<O, I, S...>;  // OpenVINO Convolution, ggml, cuDNN KCRS
template <class... S>
using G_O_I_s = layout<G, O, I, S...>;  // OpenVINO GroupConvolution
template <class... S>
using s_I_gO = layout<S..., I, merged<G, O>>;  // TF, Keras, Flax, Haiku (HWIO)
template <class... S>
using s_I_O = layout<S..., I, O>;  // TFLite CONV_3D; direct transposed convs (JAX, Flax)
template <class... S>
using gO_s_I = layout<merged<G, O>, S..., I>;  // MLX, TFLite CONV_2D (OHWI)
template <class... S>
using O_s_I = layout<O, S..., I>;  // MLX without groups, cuDNN KRSC

// --- transposed convolution ----------------------------------------------------------------------
template <class... S>
using gI_O_fs = layout<merged<G, I>, O, flipped<S>...>;  // PyTorch, ONNX, Core ML, TensorRT, Caffe, tinygrad
template <class... S>
using I_O_fs = layout<I, O, flipped<S>...>;  // OpenVINO ConvolutionBackpropData, ggml
template <class... S>
using G_I_O_fs = layout<G, I, O, flipped<S>...>;  // OpenVINO GroupConvolutionBackpropData
template <class... S>
using fs_O_I = layout<flipped<S>..., O, I>;  // TF, Keras, TFLite 3-D, JAX/Flax transpose_kernel=True
template <class... S>
using s_O_I = layout<S..., O, I>;  // Haiku (direct)
template <class... S>
using gO_fs_I = layout<merged<G, O>, flipped<S>..., I>;  // MLX (grouped on O)
template <class... S>
using O_fs_I = layout<O, flipped<S>..., I>;  // MLX 3-D, TFLite TRANSPOSE_CONV

// --- depthwise (multiplier form: G = channels, M = multiplier, I = 1) ------------------------------
template <class... S>
using gM_1_s = layout<merged<G, M>, unit<I>, S...>;  // PyTorch, ONNX (groups = C, out = C·M)
template <class... S>
using s_G_M = layout<S..., G, M>;  // TF, Keras
template <class... S>
using one_s_gM = layout<unit<I>, S..., merged<G, M>>;  // TFLite

// --- attention projections (op_axes: heads, kv_heads, head_dim, rotary pair/freq, fused qkv) --------
namespace proj {
namespace a = op_axes;
/// (heads*head_dim, in): a q/k/v projection as (out, in), heads outer (PyTorch Linear, Equinox, MLX)
using heads_in = layout<merged<a::heads, a::head_dim>, I>;
/// (kv_heads*head_dim, in): a grouped-query k/v projection
using kv_heads_in = layout<merged<a::kv_heads, a::head_dim>, I>;
/// (in, heads, head_dim): Keras EinsumDense and Flax DenseGeneral q/k/v kernels
using in_heads = layout<I, a::heads, a::head_dim>;
/// (out, heads*head_dim): an output projection as (out, in)
using out_heads = layout<O, merged<a::heads, a::head_dim>>;
/// (heads, head_dim, out): Keras and Flax output kernels
using heads_out = layout<a::heads, a::head_dim, O>;
/// (heads, head_dim): a q/k/v bias split into heads (Keras, Flax)
using bias_heads = layout<a::heads, a::head_dim>;
/// rotary rows: each head's head_dim as (pair, freq) (half-split) or (freq, pair) (interleaved)
using pair = labels<a::pair, "re,im">;
template <class Heads>
using half_split_in = layout<merged<Heads, pair, a::freq>, I>;
template <class Heads>
using interleaved_in = layout<merged<Heads, a::freq, pair>, I>;
/// fused q|k|v rows: sectioned (q, k, v each whole), or per head (q, k, v of each head together)
using qkv = labels<a::qkv, "q,k,v">;
using sectioned_in = layout<merged<qkv, a::heads, a::head_dim>, I>;
using per_head_in = layout<merged<a::heads, qkv, a::head_dim>, I>;
}  // namespace proj

// --- recurrent ------------------------------------------------------------------------------------
namespace rnn {
namespace a = op_axes;
template <fixed_string Gates>
using gates_in = layout<merged<labels<a::gate, Gates>, O>, I>;  // (gates*hidden, in): PyTorch, ONNX, MLX, Core ML
template <fixed_string Gates>
using in_gates = layout<I, merged<labels<a::gate, Gates>, O>>;  // (in, gates*hidden): Keras, TF1
template <fixed_string Gates>
using bias_one = layout<merged<labels<a::gate, Gates>, O>>;  // (gates*hidden,)
template <fixed_string Gates>
using bias_two = layout<labels<a::bias, "ih,hh">, merged<labels<a::gate, Gates>, O>>;  // (2, gates*hidden)
}  // namespace rnn

// --- activations ------------------------------------------------------------------------------------
template <class... S>
using C_s = layout<C, S...>;  // Equinox: unbatched, channels first

}  // namespace axle::catalogue::layouts
