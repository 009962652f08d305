// tests/conformance/raw_conventions.hpp — what each framework's convolution weight IS, written
// down independently of axle's layouts, for the numerical conformance tests.
//
// Why this exists. Converting a PyTorch weight into convention E with axle and back into the
// reference engine's layout with axle proves nothing about E: plans compose, so
// torch -> E -> engine equals torch -> engine whatever E's layout says. The conformance test
// therefore reads E's storage through THIS table, which says only what the framework documents:
//
//   storage      the storage dimensions, outermost first, named plainly (below);
//   computation  what the framework computes with the stored tensor, in its own terms:
//                  correlation          a forward cross-correlation (y = sum x[p*s + k*d] w[k])
//                  scatter              a transposed conv defined as the input gradient of the
//                                       framework's own conv with the same stored tensor, i.e.
//                                       y[p*s - pad + k*d] += x[p] * w[k]
//                  dilated_correlation  a transposed conv defined as a correlation of the
//                                       stride-dilated input with the stored kernel as is
//
// and never a flip: a flip is not something a framework documents about its storage, it is what
// axle's layout claims. The test turns the table's storage into the engine's input order by a
// plain transpose computed from the names (groups are split by name, never flipped), so a wrong
// flip, a wrong O/I role or a wrong group placement in the catalogue shows up in the numbers.
//
// Storage grammar (parse_storage below):
//   storage := dim+                 dimensions, outermost first, separated by blanks
//   dim     := factor | "(" factor+ ")"    a parenthesised dim is several factors, outer first
//   factor  := "1" | name ["%" N] ["/" N]  index (v % N) / N' of the named axis (oneDNN blocks)
//   name    := g | o | i | m | kd | kh | kw
//   "k..."  expands to the spatial kernel dims of the rank: kw / kh kw / kd kh kw
// Channel names are per group and from the point of view of the op itself: o = the op's own
// output channels per group, i = its own input channels per group, g = groups (group-major
// channel order is written "(g o)": channel c belongs to group c / O), m = depthwise channel
// multiplier (it plays the role of o), "1" = a dimension of extent 1.
//
// Every row cites where the facts come from: the framework's own source or documentation —
// never axle's catalogue. A row with an empty `storage` is NOT CHECKABLE; its `note` says why.
#pragma once

#include <axle/catalogue.hpp>
#include <axle/mapping.hpp>

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace axle::conformance {

enum class computation { correlation, scatter, dilated_correlation };

[[nodiscard]] constexpr std::string_view to_string(computation c) noexcept {
  switch (c) {
    case computation::correlation: return "correlation";
    case computation::scatter: return "scatter";
    case computation::dilated_correlation: return "dilated_correlation";
  }
  return "?";
}

struct raw_convention {
  std::string_view entry;       // catalogue name (all ranks of that name)
  std::string_view documented;  // the storage in the framework's own words
  std::string_view storage;     // machine form (grammar above); empty: not checkable
  computation compute;
  std::string_view source;
  std::string_view note{};  // caveats; for a row that is not checkable, the reason
};

namespace raw_detail {
inline constexpr computation corr = computation::correlation;
inline constexpr computation scatter = computation::scatter;
inline constexpr computation dilated = computation::dilated_correlation;

inline constexpr std::string_view torch_conv_src =
    "pytorch/pytorch torch/nn/modules/conv.py (_ConvNd.__init__: weight (out_channels, in_channels // groups, "
    "*kernel_size); Conv1d/2d/3d docstrings: valid cross-correlation; groups: the output is the concatenation "
    "of the groups' outputs)";
inline constexpr std::string_view torch_convt_src =
    "pytorch/pytorch torch/nn/modules/conv.py (_ConvNd.__init__ with transposed: weight (in_channels, "
    "out_channels // groups, *kernel_size); ConvTranspose docstrings: the gradient of Conv with respect to "
    "its input)";
inline constexpr std::string_view tf_conv_src =
    "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (conv2d_v2 docstring: output[b, i, j, k] = sum "
    "input[b, s*i + di, s*j + dj, q] * filter[di, dj, q, k]; conv1d expands the filter to [1, W, I, O]; "
    "conv3d filter [d, h, w, in, out] as taken by conv3d_backprop_input_v2)";
inline constexpr std::string_view tf_group_note =
    "groups are implicit (in_channels / filter in_channels); the group-major output order is the XLA/cuDNN "
    "convention, the TF CPU kernel was not read: grouped checks confirm that assumption";
inline constexpr std::string_view tf_convt_src =
    "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (conv{1,2,3}d_transpose and conv_transpose via "
    "CONV_TRANSPOSE_OPS call conv{2,3}d_backprop_input(filter, out_backprop=input): the input gradient of the "
    "conv whose filter is this tensor; filter [..., output_channels, in_channels])";
inline constexpr std::string_view keras_conv_src =
    "keras-team/keras keras/src/layers/convolutional/base_conv.py (BaseConv.build: kernel_size + "
    "(input_channel // groups, filters), whatever data_format; groups: the output is the concatenation of "
    "the groups' outputs); keras/src/backend/jax/nn.py (conv: lax.conv_general_dilated, feature_group_count)";
inline constexpr std::string_view keras_convt_src =
    "keras-team/keras keras/src/layers/convolutional/base_conv_transpose.py (BaseConvTranspose.build: "
    "kernel_size + (filters, input_channel)); keras/src/backend/jax/nn.py (conv_transpose: "
    "lax.conv_transpose(transpose_kernel=True), the gradient of the forward conv with this kernel; the "
    "torch backend permutes it to (in, out, k...) for F.conv_transpose, no flip)";
inline constexpr std::string_view keras_dw_src =
    "keras-team/keras keras/src/layers/convolutional/base_depthwise_conv.py (kernel_size + (input_channel, "
    "depth_multiplier)); keras/src/backend/jax/nn.py (depthwise_conv: reshaped to (k..., 1, C*M) with "
    "feature_group_count = C, output channel c*M + m)";
inline constexpr std::string_view jax_conv_src =
    "jax-ml/jax jax/_src/lax/convolution.py (conv_general_dilated with dimension_numbers=None: rhs (O, I, "
    "spatial); feature_group_count: groups outer on the rhs out-features, '[m, g*j] x [j, g*k] -> [m, g*k]'; "
    "window_reversal all False)";
inline constexpr std::string_view jax_convt_src =
    "jax-ml/jax jax/_src/lax/convolution.py (conv_transpose: default dimension_numbers NHC/HIO, NHWC/HWIO, "
    "NHWDC/HWDIO, the rhs I label is the transposed op's input; transpose_kernel=False: conv_general_dilated "
    "of the lhs dilated by the strides with the rhs as is)";
inline constexpr std::string_view jax_convt_tk_src =
    "jax-ml/jax jax/_src/lax/convolution.py (conv_transpose(transpose_kernel=True): the rhs is the forward "
    "conv's HWIO kernel, the docstring says it matches gradient-derived ops such as Keras Conv2DTranspose)";
inline constexpr std::string_view flax_conv_src =
    "google/flax flax/linen/linear.py (_Conv.__call__: kernel_size + (in_features // feature_group_count, "
    "features), lax.conv_general_dilated)";
inline constexpr std::string_view flax_convt_src =
    "google/flax flax/linen/linear.py (ConvTranspose.__call__: kernel_size + (in_features, features), "
    "lax.conv_transpose(transpose_kernel=False))";
inline constexpr std::string_view flax_convt_tk_src =
    "google/flax flax/linen/linear.py (ConvTranspose.__call__ with transpose_kernel=True: kernel_size + "
    "(features, in_features), lax.conv_transpose(transpose_kernel=True) = the gradient of the forward conv)";
inline constexpr std::string_view equinox_conv_src =
    "patrick-kidger/equinox equinox/nn/_conv.py (Conv.__init__/__call__: weight (out_channels, in_channels // "
    "groups, *kernel_size), lax.conv_general_dilated(feature_group_count=groups))";
inline constexpr std::string_view equinox_convt_src =
    "patrick-kidger/equinox equinox/nn/_conv.py (ConvTranspose.__init__/__call__: weight (out_channels, "
    "in_channels // groups, *kernel_size), lax.conv_general_dilated(lhs_dilation=stride, "
    "feature_group_count=groups) with the weight as is)";
inline constexpr std::string_view haiku_conv_src =
    "google-deepmind/dm-haiku haiku/_src/conv.py (ConvND.__call__: w kernel_shape + (input_channels // "
    "feature_group_count, output_channels), lax.conv_general_dilated)";
inline constexpr std::string_view haiku_convt_src =
    "google-deepmind/dm-haiku haiku/_src/conv.py (ConvNDTranspose.__call__: w kernel_shape + "
    "(output_channels, input_channels), to_dimension_numbers(transpose=True); lax.conv_transpose without "
    "transpose_kernel: the stride-dilated input correlated with w as is)";
inline constexpr std::string_view onnx_conv_src =
    "onnx/onnx onnx/defs/nn/defs.cc (Conv: W (M x C/group x kH x kW)); onnx/reference/ops/op_conv.py (im2col "
    "patches times W.reshape(M, -1), groups sliced W[g*M/G:(g+1)*M/G])";
inline constexpr std::string_view onnx_convt_src =
    "onnx/onnx onnx/defs/nn/defs.cc (ConvTranspose: W (C x M/group x kH x kW), output channels "
    "W.shape[1]*group); onnx/reference/ops/op_conv_transpose.py (W^T x scattered by col2im at "
    "in*s - pad + k*d)";
inline constexpr std::string_view coreml_conv_src =
    "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv: weight [C_out, "
    "C_in/groups, *K]); frontend/torch/ops.py passes PyTorch conv weights unchanged";
inline constexpr std::string_view coreml_convt_src =
    "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv_transpose docstring: "
    "weight [C_in, C_out/groups, *K], 'can also be used to compute the gradient of conv'; type_inference: "
    "C_out = weight.shape[1] * groups)";
inline constexpr std::string_view mlx_conv_src =
    "ml-explore/mlx mlx/ops.cpp (conv1d/2d/3d, conv_general(flip=false): weight [C_out, *kernel, "
    "C_in/groups]; groups only for 1-D and 2-D)";
inline constexpr std::string_view mlx_convt_src =
    "ml-explore/mlx mlx/ops.cpp (conv_transpose_general: conv_general(weight [C_out, *kernel, C_in/groups], "
    "flip=true, input_dilation=stride, padding k_eff-1-p): a true convolution of the stride-dilated input, "
    "which is the scatter y[p*s - pad + k*d] += x[p] w[k])";
inline constexpr std::string_view onednn_conv_src =
    "uxlfoundation/oneDNN doc/primitives/convolution.md (cross-correlation; weights [G,] OC, IC, spatial); "
    "include/oneapi/dnnl/dnnl_types.h (format tags: letters in memory order, upper case = the outer part of a "
    "blocked dim, '16i' = an inner block of 16; e.g. OIhw4i16o4i = ABcd4b16a4b)";
inline constexpr std::string_view onednn_deconv_src =
    "uxlfoundation/oneDNN src/cpu/ref_deconvolution.hpp, src/cpu/x64/jit_brgemm_deconv.cpp "
    "(deconvolution = convolution backward_data with OC and IC swapped: OC = the deconvolution's output "
    "channels; read in copies); include/oneapi/dnnl/dnnl_types.h (format tags)";
inline constexpr std::string_view openvino_conv_src =
    "openvinotoolkit/openvino docs/ops/convolution/Convolution_1.md, GroupConvolution_1.md (filters [C_OUT, "
    "C_IN, Z, Y, X]; grouped [GROUPS, C_OUT, C_IN, Z, Y, X])";
inline constexpr std::string_view openvino_convt_src =
    "openvinotoolkit/openvino docs/ops/convolution/ConvolutionBackpropData_1.md (filters IOZYX [C_IN, C_OUT, "
    "Z, Y, X]), GroupConvolutionBackpropData-1 ([GROUPS, C_IN, C_OUT, ...]); reference "
    "convolution_backprop_data.hpp: the data gradient of Convolution";
inline constexpr std::string_view tensorrt_conv_src =
    "onnx/onnx-tensorrt builtin_op_importers.cpp (Conv: ONNX W passed unchanged to addConvolutionNd, "
    "'Weights order is KCRS')";
inline constexpr std::string_view tensorrt_convt_src =
    "onnx/onnx-tensorrt builtin_op_importers.cpp (ConvTranspose: 'Kernel weights have layout [C, M/group, k1, "
    "k2, (k3)]' passed unchanged to addDeconvolutionNd)";
inline constexpr std::string_view caffe_src =
    "BVLC/caffe src/caffe/layers/base_conv_layer.cpp (LayerSetUp: weight [conv_out_channels, "
    "conv_in_channels / group, k...], reversed for Deconvolution); deconv_layer.cpp (Forward_cpu = "
    "backward_cpu_gemm, the conv input gradient)";
inline constexpr std::string_view tinygrad_src =
    "tinygrad/tinygrad tinygrad/tensor.py (Tensor.conv2d: weight (cout, cin/groups, *k), correlation; "
    "Tensor.conv_transpose2d: weight (cin, cout/groups, *k), PyTorch's conv_transpose)";
inline constexpr std::string_view ggml_src =
    "ggml-org/ggml include/ggml.h, src/ggml.c, src/ggml-cpu/ops.cpp (ne lists are fastest first)";
}  // namespace raw_detail

// The table. One row per catalogue name of the conv, conv_transpose and depthwise_conv families.
inline constexpr raw_convention raw_conventions[] = {
    // ---------------------------------------------------------------- forward convolution
    {"torch.conv1d", "weight (out_channels, in_channels/groups, kW)", "(g o) i k...", raw_detail::corr, raw_detail::torch_conv_src},
    {"torch.conv2d", "weight (out_channels, in_channels/groups, kH, kW)", "(g o) i k...", raw_detail::corr, raw_detail::torch_conv_src},
    {"torch.conv3d", "weight (out_channels, in_channels/groups, kD, kH, kW)", "(g o) i k...", raw_detail::corr, raw_detail::torch_conv_src},
    {"tf.conv1d", "filters [filter_width, in_channels, out_channels]", "k... i (g o)", raw_detail::corr, raw_detail::tf_conv_src, raw_detail::tf_group_note},
    {"tf.conv2d", "filter [filter_height, filter_width, in_channels, out_channels]", "k... i (g o)", raw_detail::corr, raw_detail::tf_conv_src, raw_detail::tf_group_note},
    {"tf.conv3d", "filter [filter_depth, filter_height, filter_width, in_channels, out_channels]", "k... i (g o)", raw_detail::corr, raw_detail::tf_conv_src,
     "tf.nn.conv*d may take implicit groups at every rank, but the 3-D source was not read: the catalogue has no groups for tf.conv3d, so grouped fixtures are skipped"},
    {"keras.conv1d", "kernel kernel_size + (input_channels // groups, filters)", "k... i (g o)", raw_detail::corr, raw_detail::keras_conv_src},
    {"keras.conv2d", "kernel kernel_size + (input_channels // groups, filters)", "k... i (g o)", raw_detail::corr, raw_detail::keras_conv_src},
    {"keras.conv3d", "kernel kernel_size + (input_channels // groups, filters)", "k... i (g o)", raw_detail::corr, raw_detail::keras_conv_src},
    {"jax.conv_general_dilated", "rhs (O, I, spatial...) with dimension_numbers=None", "(g o) i k...", raw_detail::corr, raw_detail::jax_conv_src},
    {"flax.conv", "kernel kernel_size + (in_features // feature_group_count, features)", "k... i (g o)", raw_detail::corr, raw_detail::flax_conv_src},
    {"equinox.conv1d", "weight (out_channels, in_channels // groups, kW)", "(g o) i k...", raw_detail::corr, raw_detail::equinox_conv_src},
    {"equinox.conv2d", "weight (out_channels, in_channels // groups, kH, kW)", "(g o) i k...", raw_detail::corr, raw_detail::equinox_conv_src},
    {"equinox.conv3d", "weight (out_channels, in_channels // groups, kD, kH, kW)", "(g o) i k...", raw_detail::corr, raw_detail::equinox_conv_src},
    {"haiku.conv1d", "w kernel_shape + (input_channels // feature_group_count, output_channels)", "k... i (g o)", raw_detail::corr, raw_detail::haiku_conv_src},
    {"haiku.conv2d", "w kernel_shape + (input_channels // feature_group_count, output_channels)", "k... i (g o)", raw_detail::corr, raw_detail::haiku_conv_src},
    {"haiku.conv3d", "w kernel_shape + (input_channels // feature_group_count, output_channels)", "k... i (g o)", raw_detail::corr, raw_detail::haiku_conv_src},
    {"onnx.conv", "W (M x C/group x k1 x ... x kn)", "(g o) i k...", raw_detail::corr, raw_detail::onnx_conv_src},
    {"tflite.conv_2d", "filter [output_depth, filter_height, filter_width, filter_input_depth]; group = out_channel / filters_per_group",
     "(g o) k... i", raw_detail::corr,
     "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/conv.h (Conv: filter_data + out_channel * filter_channel_stride, "
     "group = out_channel / filters_per_group, input read at out*stride - pad + k*dilation)"},
    {"tflite.conv_3d", "filter (filter_depth, filter_height, filter_width, in_channel, out_channel)", "k... i o", raw_detail::corr,
     "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/conv3d.h (Conv3D: filter read at (fd, fy, fx, ic, oc))"},
    {"coreml.conv", "weight [C_out, C_in/groups, *K]", "(g o) i k...", raw_detail::corr, raw_detail::coreml_conv_src,
     "the MIL doc does not name the orientation; correlation by the torch frontend passing PyTorch weights unchanged"},
    {"mlx.conv1d", "weight [C_out, kW, C_in/groups]", "(g o) k... i", raw_detail::corr, raw_detail::mlx_conv_src},
    {"mlx.conv2d", "weight [C_out, kH, kW, C_in/groups]", "(g o) k... i", raw_detail::corr, raw_detail::mlx_conv_src},
    {"mlx.conv3d", "weight [C_out, kD, kH, kW, C_in] (no groups in 3-D)", "o k... i", raw_detail::corr, raw_detail::mlx_conv_src},
    {"onednn.oiw", "format tag oiw", "o i kw", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.wio", "format tag wio", "kw i o", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.goiw", "format tag goiw", "g o i kw", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.oihw", "format tag oihw", "o i kh kw", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.hwio", "format tag hwio", "kh kw i o", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.ohwi", "format tag ohwi", "o kh kw i", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.ihwo", "format tag ihwo", "i kh kw o", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.iohw", "format tag iohw", "i o kh kw", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.goihw", "format tag goihw", "g o i kh kw", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.OIhw8i8o", "format tag OIhw8i8o (ABcd8b8a)", "o/8 i/8 kh kw i%8 o%8", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.OIhw16i16o", "format tag OIhw16i16o (ABcd16b16a)", "o/16 i/16 kh kw i%16 o%16", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.OIhw4i16o4i", "format tag OIhw4i16o4i (ABcd4b16a4b)", "o/16 i/16 kh kw i%16/4 o%16 i%4", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.gOIhw16i16o", "format tag gOIhw16i16o (aBCde16c16b)", "g o/16 i/16 kh kw i%16 o%16", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.Goihw16g", "format tag Goihw16g (Abcde16a)", "g/16 o i kh kw g%16", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.oidhw", "format tag oidhw", "o i kd kh kw", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.dhwio", "format tag dhwio", "kd kh kw i o", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.goidhw", "format tag goidhw", "g o i kd kh kw", raw_detail::corr, raw_detail::onednn_conv_src},
    {"onednn.OIdhw16i16o", "format tag OIdhw16i16o (ABcde16b16a)", "o/16 i/16 kd kh kw i%16 o%16", raw_detail::corr, raw_detail::onednn_conv_src},
    {"openvino.convolution", "filters [C_OUT, C_IN, Z, Y, X]", "o i k...", raw_detail::corr, raw_detail::openvino_conv_src},
    {"openvino.groupconvolution", "filters [GROUPS, C_OUT, C_IN, Z, Y, X]", "g o i k...", raw_detail::corr, raw_detail::openvino_conv_src},
    {"tensorrt.convolution", "kernel KCRS [K = C_out, C_in/group, R, S]", "(g o) i k...", raw_detail::corr, raw_detail::tensorrt_conv_src},
    {"ggml.conv_2d", "a ne [KW, KH, IC, OC] (fastest first) = [OC, IC, KH, KW]", "o i kh kw", raw_detail::corr, raw_detail::ggml_src},
    {"caffe.convolution", "weight (num_output, channels / group, kernel_h, kernel_w)", "(g o) i kh kw", raw_detail::corr, raw_detail::caffe_src},
    {"tinygrad.conv2d", "weight (cout, cin / groups, *kernel)", "(g o) i k...", raw_detail::corr, raw_detail::tinygrad_src},
    {"cudnn.kcrs", "filter K, C, R, S (output maps, input maps, height, width) with CUDNN_CROSS_CORRELATION", "o i kh kw", raw_detail::corr,
     "cudnn.h (cudnnSetFilter4dDescriptor(k, c, h, w)); NVIDIA forum answer (cuDNN v1/v2): filters are K, C, H, W",
     "forum-level source (the cuDNN guide was not read)"},
    {"cudnn.krsc", "filter format CUDNN_TENSOR_NHWC", "", raw_detail::corr, "cudnn.h (cudnnTensorFormat_t)",
     "NOT CHECKABLE: no primary source for the storage order of the NHWC filter format (KRSC = (K, R, S, C) stays "
     "UNVERIFIED: the NVIDIA cuDNN guide is not in the stored material, only third-party code comments)"},

    // ---------------------------------------------------------------- transposed convolution
    {"torch.conv_transpose1d", "weight (in_channels, out_channels/groups, kW)", "(g i) o k...", raw_detail::scatter, raw_detail::torch_convt_src},
    {"torch.conv_transpose2d", "weight (in_channels, out_channels/groups, kH, kW)", "(g i) o k...", raw_detail::scatter, raw_detail::torch_convt_src},
    {"torch.conv_transpose3d", "weight (in_channels, out_channels/groups, kD, kH, kW)", "(g i) o k...", raw_detail::scatter, raw_detail::torch_convt_src},
    {"tf.conv1d_transpose", "filters [filter_width, output_channels, in_channels]", "k... o i", raw_detail::scatter, raw_detail::tf_convt_src},
    {"tf.conv2d_transpose", "filters [height, width, output_channels, in_channels]", "k... o i", raw_detail::scatter, raw_detail::tf_convt_src},
    {"tf.conv3d_transpose", "filters [depth, height, width, output_channels, in_channels]", "k... o i", raw_detail::scatter, raw_detail::tf_convt_src},
    {"tf.conv_transpose", "filters spatial + [output_channels, in_channels] (same memory as conv{1,2,3}d_transpose)", "k... o i", raw_detail::scatter,
     raw_detail::tf_convt_src},
    {"keras.conv1d_transpose", "kernel kernel_size + (filters, input_channels)", "k... o i", raw_detail::scatter, raw_detail::keras_convt_src},
    {"keras.conv2d_transpose", "kernel kernel_size + (filters, input_channels)", "k... o i", raw_detail::scatter, raw_detail::keras_convt_src},
    {"keras.conv3d_transpose", "kernel kernel_size + (filters, input_channels)", "k... o i", raw_detail::scatter, raw_detail::keras_convt_src},
    {"jax.conv_transpose", "rhs HWIO (default dimension numbers), I = the transposed op's input features", "k... i o", raw_detail::dilated,
     raw_detail::jax_convt_src},
    {"jax.conv_transpose:transpose_kernel", "rhs = the forward conv's HWIO kernel: (k..., output features, input features)", "k... o i",
     raw_detail::scatter, raw_detail::jax_convt_tk_src},
    {"flax.conv_transpose", "kernel kernel_size + (in_features, features)", "k... i o", raw_detail::dilated, raw_detail::flax_convt_src},
    {"flax.conv_transpose:transpose_kernel", "kernel kernel_size + (features, in_features)", "k... o i", raw_detail::scatter,
     raw_detail::flax_convt_tk_src},
    {"equinox.conv_transpose1d", "weight (out_channels, in_channels // groups, kW)", "(g o) i k...", raw_detail::dilated, raw_detail::equinox_convt_src},
    {"equinox.conv_transpose2d", "weight (out_channels, in_channels // groups, kH, kW)", "(g o) i k...", raw_detail::dilated, raw_detail::equinox_convt_src},
    {"equinox.conv_transpose3d", "weight (out_channels, in_channels // groups, kD, kH, kW)", "(g o) i k...", raw_detail::dilated,
     raw_detail::equinox_convt_src},
    {"haiku.conv1d_transpose", "w kernel_shape + (output_channels, input_channels)", "k... o i", raw_detail::dilated, raw_detail::haiku_convt_src},
    {"haiku.conv2d_transpose", "w kernel_shape + (output_channels, input_channels)", "k... o i", raw_detail::dilated, raw_detail::haiku_convt_src},
    {"haiku.conv3d_transpose", "w kernel_shape + (output_channels, input_channels)", "k... o i", raw_detail::dilated, raw_detail::haiku_convt_src},
    {"onnx.convtranspose", "W (C x M/group x k1 x ... x kn)", "(g i) o k...", raw_detail::scatter, raw_detail::onnx_convt_src},
    {"tflite.transpose_conv", "filter [output_depth, filter_height, filter_width, input_depth]", "o k... i", raw_detail::scatter,
     "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/transpose_conv.h (TransposeConv: "
     "out[in*s - pad + f] += in * filter[oc, fy, fx, ic]); tensorflow/lite/kernels/transpose_conv.cc (the converter "
     "transposes TF HWOI to OHWI)"},
    {"tflite.conv_3d_transpose", "filter (filter_depth, filter_height, filter_width, out_channel, in_channel)", "k... o i", raw_detail::scatter,
     "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/conv3d_transpose.h (Conv3DTranspose: scatter with the "
     "filter read at (fd, fy, fx, oc, ic))"},
    {"coreml.conv_transpose", "weight [C_in, C_out/groups, *K]", "(g i) o k...", raw_detail::scatter, raw_detail::coreml_convt_src,
     "the input_spec inline comment says [C_out, C_in, ...]; the docstring and type_inference (C_out = weight.shape[1]*groups) are followed"},
    {"mlx.conv_transpose1d", "weight [C_out, kW, C_in/groups]", "(g o) k... i", raw_detail::scatter, raw_detail::mlx_convt_src},
    {"mlx.conv_transpose2d", "weight [C_out, kH, kW, C_in/groups]", "(g o) k... i", raw_detail::scatter, raw_detail::mlx_convt_src},
    {"mlx.conv_transpose3d", "weight [C_out, kD, kH, kW, C_in] (no groups in 3-D)", "o k... i", raw_detail::scatter, raw_detail::mlx_convt_src},
    {"onednn.deconvolution:oiw", "format tag oiw on the deconvolution's (OC, IC, W)", "o i kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:goiw", "format tag goiw", "g o i kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:iohw", "format tag iohw", "i o kh kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:oihw", "format tag oihw", "o i kh kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:hwio", "format tag hwio", "kh kw i o", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:giohw", "format tag giohw", "g i o kh kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:goihw", "format tag goihw", "g o i kh kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:IOhw16i16o", "format tag IOhw16i16o (BAcd16b16a)", "i/16 o/16 kh kw i%16 o%16", raw_detail::scatter,
     raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:gIOhw16i16o", "format tag gIOhw16i16o (aCBde16c16b)", "g i/16 o/16 kh kw i%16 o%16", raw_detail::scatter,
     raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:iodhw", "format tag iodhw", "i o kd kh kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:oidhw", "format tag oidhw", "o i kd kh kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"onednn.deconvolution:giodhw", "format tag giodhw", "g i o kd kh kw", raw_detail::scatter, raw_detail::onednn_deconv_src},
    {"openvino.convolutionbackpropdata", "filters [C_IN, C_OUT, Z, Y, X]", "i o k...", raw_detail::scatter, raw_detail::openvino_convt_src},
    {"openvino.groupconvolutionbackpropdata", "filters [GROUPS, C_IN, C_OUT, Z, Y, X]", "g i o k...", raw_detail::scatter,
     raw_detail::openvino_convt_src},
    {"tensorrt.deconvolution", "kernel [C, M/group, k1, k2, (k3)] ('CKRS')", "(g i) o k...", raw_detail::scatter, raw_detail::tensorrt_convt_src},
    {"ggml.conv_transpose_1d", "a ne [K, Cout, Cin] (fastest first) = [Cin, Cout, K]; dst[i*s + k] += x[i] * a", "i o kw", raw_detail::scatter,
     raw_detail::ggml_src, "ggml itself has no padding and no dilation here; the stored kernel's meaning does not depend on them"},
    {"ggml.conv_transpose_2d_p0", "a ne [KW, KH, Cout, Cin] (fastest first) = [Cin, Cout, KH, KW]; dst[iy*s + ky][ix*s + kx] += x * a",
     "i o kh kw", raw_detail::scatter, raw_detail::ggml_src,
     "ggml itself has padding 0 and one stride; the stored kernel's meaning does not depend on them"},
    {"caffe.deconvolution", "weight (channels, num_output / group, kernel_h, kernel_w)", "(g i) o kh kw", raw_detail::scatter, raw_detail::caffe_src},
    {"tinygrad.conv_transpose2d", "weight (cin, cout / groups, *kernel)", "(g i) o k...", raw_detail::scatter, raw_detail::tinygrad_src,
     "defined as PyTorch's conv_transpose (tinygrad's tests compare it with torch)"},

    // ---------------------------------------------------------------- depthwise convolution
    {"torch.conv1d:depthwise", "weight (in_channels * multiplier, 1, kW) with groups = in_channels", "(g m) 1 k...", raw_detail::corr,
     raw_detail::torch_conv_src},
    {"torch.conv2d:depthwise", "weight (in_channels * multiplier, 1, kH, kW) with groups = in_channels", "(g m) 1 k...", raw_detail::corr,
     raw_detail::torch_conv_src},
    {"torch.conv3d:depthwise", "weight (in_channels * multiplier, 1, kD, kH, kW) with groups = in_channels", "(g m) 1 k...", raw_detail::corr,
     raw_detail::torch_conv_src},
    {"tf.depthwise_conv2d", "filter [filter_height, filter_width, in_channels, channel_multiplier]; output channel k*channel_multiplier + q",
     "k... g m", raw_detail::corr,
     "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (depthwise_conv2d_native docstring: output[b, i, j, k * "
     "channel_multiplier + q] = sum input[b, s*i + di, s*j + dj, k] * filter[di, dj, k, q])"},
    {"keras.depthwise_conv1d", "kernel kernel_size + (input_channels, depth_multiplier)", "k... g m", raw_detail::corr, raw_detail::keras_dw_src},
    {"keras.depthwise_conv2d", "kernel kernel_size + (input_channels, depth_multiplier)", "k... g m", raw_detail::corr, raw_detail::keras_dw_src},
    {"onnx.conv:depthwise", "W (C * multiplier x 1 x k...), group = C", "(g m) 1 k...", raw_detail::corr, raw_detail::onnx_conv_src},
    {"tflite.depthwise_conv_2d", "filter (1, filter_height, filter_width, output_depth), output channel = ic * depth_multiplier + m",
     "1 k... (g m)", raw_detail::corr,
     "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/depthwiseconv_float.h (DepthwiseConv: filter read at "
     "(0, fy, fx, oc), oc = ic * depth_multiplier + m)"},
    {"ggml.conv_2d_dw", "kernel ne [KW, KH, 1, C] (fastest first) = [C, 1, KH, KW]; src = dst*s + k*d - p", "g 1 kh kw", raw_detail::corr,
     raw_detail::ggml_src,
     "no channel multiplier: a multiplier-2 PyTorch fixture is checked restricted to multiplier 1 (its m = 0 outputs, which "
     "depend on the m = 0 weights only)"},
};

[[nodiscard]] constexpr const raw_convention* find_raw(std::string_view entry) noexcept {
  for (const raw_convention& r : raw_conventions)
    if (r.entry == entry) return &r;
  return nullptr;
}

[[nodiscard]] constexpr bool checkable(const raw_convention& r) noexcept { return !r.storage.empty(); }

// ------------------------------------------------------------------------------------------------
// The storage grammar, parsed.

/// One factor of a storage dimension: index (v % mod) / div of the named axis (mod 0: no mod).
struct raw_factor {
  std::string name;  // g o i kd kh kw; "m" is read as "o"; "" for a literal 1
  index_t mod = 0;
  index_t div = 1;
  friend bool operator==(const raw_factor&, const raw_factor&) = default;
};

using raw_dim = std::vector<raw_factor>;
using raw_storage = std::vector<raw_dim>;

/// The spatial kernel names of a rank, outer first.
inline std::vector<std::string> kernel_names(int spatial) {
  switch (spatial) {
    case 1: return {"kw"};
    case 2: return {"kh", "kw"};
    case 3: return {"kd", "kh", "kw"};
    default: throw std::invalid_argument("raw storage: spatial rank " + std::to_string(spatial) + " is not 1, 2 or 3");
  }
}

namespace raw_detail {
inline index_t parse_number(std::string_view text, std::string_view spec) {
  if (text.empty()) throw std::invalid_argument("raw storage '" + std::string(spec) + "': a number is missing");
  index_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') throw std::invalid_argument("raw storage '" + std::string(spec) + "': bad number '" + std::string(text) + "'");
    v = v * 10 + (c - '0');
  }
  if (v < 1) throw std::invalid_argument("raw storage '" + std::string(spec) + "': a block must be at least 1");
  return v;
}

inline raw_factor parse_factor(std::string_view token, std::string_view spec) {
  raw_factor f;
  if (token == "1") return f;
  std::size_t end = 0;
  while (end < token.size() && token[end] != '%' && token[end] != '/') ++end;
  f.name = std::string(token.substr(0, end));
  if (f.name == "m") f.name = "o";
  static const char* const known[] = {"g", "o", "i", "kd", "kh", "kw"};
  bool ok = false;
  for (const char* k : known) ok = ok || f.name == k;
  if (!ok) throw std::invalid_argument("raw storage '" + std::string(spec) + "': unknown name '" + f.name + "'");
  std::string_view rest = token.substr(end);
  if (!rest.empty() && rest[0] == '%') {
    std::size_t e = 1;
    while (e < rest.size() && rest[e] != '/') ++e;
    f.mod = parse_number(rest.substr(1, e - 1), spec);
    rest = rest.substr(e);
  }
  if (!rest.empty() && rest[0] == '/') {
    f.div = parse_number(rest.substr(1), spec);
    rest = {};
  }
  if (!rest.empty()) throw std::invalid_argument("raw storage '" + std::string(spec) + "': bad factor '" + std::string(token) + "'");
  return f;
}
}  // namespace raw_detail

/// Parses a storage description for a spatial rank (1 to 3).
inline raw_storage parse_storage(std::string_view spec, int spatial) {
  raw_storage out;
  std::size_t pos = 0;
  bool open = false;
  auto skip_blanks = [&] {
    while (pos < spec.size() && spec[pos] == ' ') ++pos;
  };
  for (skip_blanks(); pos < spec.size(); skip_blanks()) {
    if (spec[pos] == '(') {
      if (open) throw std::invalid_argument("raw storage '" + std::string(spec) + "': nested parentheses");
      open = true;
      out.emplace_back();
      ++pos;
      continue;
    }
    if (spec[pos] == ')') {
      if (!open || out.back().empty()) throw std::invalid_argument("raw storage '" + std::string(spec) + "': unbalanced ')'");
      open = false;
      ++pos;
      continue;
    }
    std::size_t end = pos;
    while (end < spec.size() && spec[end] != ' ' && spec[end] != '(' && spec[end] != ')') ++end;
    const std::string_view token = spec.substr(pos, end - pos);
    pos = end;
    if (token == "k...") {
      if (open) throw std::invalid_argument("raw storage '" + std::string(spec) + "': k... inside parentheses");
      for (const std::string& k : kernel_names(spatial)) out.push_back({raw_factor{k, 0, 1}});
      continue;
    }
    const raw_factor f = raw_detail::parse_factor(token, spec);
    if (!f.name.empty() && f.name[0] == 'k') {
      bool of_rank = false;
      for (const std::string& k : kernel_names(spatial)) of_rank = of_rank || k == f.name;
      if (!of_rank) throw std::invalid_argument("raw storage '" + std::string(spec) + "': " + f.name + " in a " + std::to_string(spatial) + "-D weight");
    }
    if (open)
      out.back().push_back(f);
    else
      out.push_back({f});
  }
  if (open) throw std::invalid_argument("raw storage '" + std::string(spec) + "': unclosed '('");
  return out;
}

/// Whether any factor of the storage names `name`.
inline bool names_axis(const raw_storage& s, std::string_view name) {
  for (const raw_dim& d : s)
    for (const raw_factor& f : d)
      if (f.name == name) return true;
  return false;
}

// ------------------------------------------------------------------------------------------------
}  // namespace axle::conformance
