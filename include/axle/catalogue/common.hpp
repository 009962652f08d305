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

// --- activations ------------------------------------------------------------------------------------
template <class... S>
using C_s = layout<C, S...>;  // Equinox: unbatched, channels first

}  // namespace axle::catalogue::layouts
