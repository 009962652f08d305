// Facts about the catalogue's operators, stated as the compiler checks them. The laws over every
// pair of entries are in catalogue_laws_*.cpp; this file pins down the conversions and relations
// that users hit (docs/model.md; the conversion recipes and traps of docs/catalogue.md).
#include <axle/catalogue.hpp>

#include <type_traits>

namespace {

using namespace axle;
using namespace axle::axes;
using op_axes::gate;
using op_axes::heads;
using op_axes::seq;

// A layout with every orientation removed: what a shape check sees.
template <class E>
struct unflip_entry {
  using type = E;
};
template <class A>
struct unflip_entry<flipped<A>> {
  using type = A;
};
template <class L>
struct unflipped;
template <class... Es>
struct unflipped<layout<Es...>> {
  using type = layout<typename unflip_entry<Es>::type...>;
};
template <class L>
using unflipped_t = typename unflipped<L>::type;

// --- PyTorch ConvTranspose -> Equinox ConvTranspose (equinox issues 574, 728) ------------------
// G = 1: exactly swap(O, I) · flip(H, W), the FAQ's `flip(w, spatial).swapaxes(0, 1)`.
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, equinox::conv_transpose2d>, plan<swap<O, I>, flip<H, W>>>);
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose1d, equinox::conv_transpose1d>, plan<swap<O, I>, flip<W>>>);
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose3d, equinox::conv_transpose3d>, plan<swap<O, I>, flip<D, H, W>>>);
// Grouped: the swap happens inside each group (tinygrad's recipe), not across the whole axis.
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, equinox::conv_transpose2d, grouped>,
                             plan<split<merged<G, I>, G, I>, swap<O, I>, flip<H, W>, merge<merged<G, O>, G, O>>>);
static_assert(std::is_same_v<inverse_t<op_plan_t<torch::conv_transpose2d, equinox::conv_transpose2d>>,
                             op_plan_t<equinox::conv_transpose2d, torch::conv_transpose2d>>);

// --- PyTorch Conv -> TF Conv: a permutation, no flip -----------------------------------------------
static_assert(std::is_same_v<op_plan_t<torch::conv2d, tf::conv2d>, plan<permute<order<O, I, H, W>, order<H, W, I, O>>>>);
static_assert(std::is_same_v<op_plan_t<torch::conv2d, tf::conv2d, grouped>,
                             plan<permute<order<merged<G, O>, I, H, W>, order<H, W, I, merged<G, O>>>>>);
static_assert(!has_flip_v<op_plan_t<torch::conv3d, tf::conv3d>> && same_semantics_v<torch::conv3d, tf::conv3d>);
// ... and the same for every HWIO framework: their forward weights are one type.
static_assert(std::is_same_v<keras::conv2d::weight, tf::conv2d::weight> && std::is_same_v<flax::conv<2>::weight, tf::conv2d::weight> &&
              std::is_same_v<haiku::conv2d::weight, tf::conv2d::weight>);

// --- adjoint_t: PyTorch's conv-transpose weight is the adjoint of its conv weight; Equinox's is not
static_assert(std::is_same_v<adjoint_t<torch::conv2d::weight>, torch::conv_transpose2d::weight>);
static_assert(std::is_same_v<adjoint_t<torch::conv3d::weight>, torch::conv_transpose3d::weight>);
static_assert(!std::is_same_v<adjoint_t<equinox::conv2d::weight>, equinox::conv_transpose2d::weight>);
static_assert(std::is_same_v<equinox::conv2d::weight, equinox::conv_transpose2d::weight>);  // the same tensor, used directly

// --- is_adjoint_pair_v ------------------------------------------------------------------------------
static_assert(is_adjoint_pair_v<torch::conv1d, torch::conv_transpose1d> && is_adjoint_pair_v<torch::conv2d, torch::conv_transpose2d> &&
              is_adjoint_pair_v<torch::conv3d, torch::conv_transpose3d>);
static_assert(is_adjoint_pair_v<tf::conv1d, tf::conv1d_transpose> && is_adjoint_pair_v<tf::conv2d, tf::conv2d_transpose> &&
              is_adjoint_pair_v<tf::conv3d, tf::conv3d_transpose> && is_adjoint_pair_v<tf::conv2d, tf::conv_transpose<2>>);
static_assert(is_adjoint_pair_v<keras::conv2d, keras::conv2d_transpose> && is_adjoint_pair_v<keras::conv3d, keras::conv3d_transpose>);
static_assert(is_adjoint_pair_v<onnx::conv<2>, onnx::conv_transpose<2>> && is_adjoint_pair_v<coreml::conv<3>, coreml::conv_transpose<3>> &&
              is_adjoint_pair_v<tensorrt::convolution<2>, tensorrt::deconvolution<2>> &&
              is_adjoint_pair_v<caffe::convolution, caffe::deconvolution> &&
              is_adjoint_pair_v<tinygrad::conv2d<2>, tinygrad::conv_transpose2d<2>> &&
              is_adjoint_pair_v<ggml::conv_2d, ggml::conv_transpose_2d_p0> &&
              is_adjoint_pair_v<tflite::conv_3d, tflite::conv_3d_transpose>);
static_assert(is_adjoint_pair_v<openvino::convolution<2>, openvino::convolutionbackpropdata<2>> &&
              is_adjoint_pair_v<openvino::groupconvolution<3>, openvino::groupconvolutionbackpropdata<3>>);
static_assert(is_adjoint_pair_v<onednn::convolution<"oihw">, onednn::deconvolution<"iohw">> &&
              is_adjoint_pair_v<onednn::convolution<"goihw">, onednn::deconvolution<"giohw">>);
// JAX / Flax with transpose_kernel=True take the forward conv's kernel; without it they do not.
static_assert(is_adjoint_pair_v<jax::conv_general_dilated<"NHWC", "HWIO", "NHWC">, jax::conv_transpose<"NHWC", "HWIO", "NHWC", true>>);
static_assert(!is_adjoint_pair_v<jax::conv_general_dilated<"NHWC", "HWIO", "NHWC">, jax::conv_transpose<"NHWC", "HWIO", "NHWC", false>>);
static_assert(is_adjoint_pair_v<flax::conv<2>, flax::conv_transpose<2, true>> && !is_adjoint_pair_v<flax::conv<2>, flax::conv_transpose<2>>);
// Direct transposed convs are never the adjoint of anything.
static_assert(!is_adjoint_pair_v<equinox::conv2d, equinox::conv_transpose2d>);
// Haiku's ConvTranspose is not the adjoint of Haiku's Conv (it is direct)...
static_assert(!is_adjoint_pair_v<haiku::conv2d, haiku::conv2d_transpose> && haiku::conv2d_transpose::semantics == semantics::direct);
// ... although Keras's is the adjoint of Keras's, and Haiku's conv is Keras's conv.
static_assert(std::is_same_v<haiku::conv2d::weight, keras::conv2d::weight> && is_adjoint_pair_v<haiku::conv2d, keras::conv2d_transpose>);
// MLX and TFLite store adjoint-oriented kernels whose channel axes are not exchanged relative to
// their own forward conv: the transposed op is not the gradient of their conv with the same tensor.
static_assert(!is_adjoint_pair_v<mlx::conv2d, mlx::conv_transpose2d> && mlx::conv_transpose2d::semantics == semantics::adjoint);
static_assert(!is_adjoint_pair_v<tflite::conv_2d, tflite::transpose_conv>);
// Different families or ranks are never pairs.
static_assert(!is_adjoint_pair_v<torch::conv2d, torch::conv_transpose3d> && !is_adjoint_pair_v<torch::conv_transpose2d, torch::conv2d>);

// --- Haiku vs Keras: equal shapes, opposite orientation (the silent failure docs/model.md describes) --
static_assert(std::is_same_v<unflipped_t<haiku::conv2d_transpose::weight>, unflipped_t<keras::conv2d_transpose::weight>>);
static_assert(std::is_same_v<op_plan_t<keras::conv2d_transpose, haiku::conv2d_transpose>, plan<flip<H, W>>>);
static_assert(!same_semantics_v<keras::conv2d_transpose, haiku::conv2d_transpose>);

// --- same_semantics_v ---------------------------------------------------------------------------------
// MLX vs PyTorch conv-transpose: a permutation, no flip (MLX = P.transpose(1, 2, 3, 0) with G = 1) ...
static_assert(same_semantics_v<mlx::conv_transpose2d, torch::conv_transpose2d>);
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, mlx::conv_transpose2d>,
                             plan<permute<order<I, O, H, W>, order<O, H, W, I>>>>);
// ... but grouped, MLX splits O where PyTorch splits I: a per-group exchange, still no flip.
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, mlx::conv_transpose2d, grouped>,
                             plan<split<merged<G, I>, G, I>, permute<order<G, I, O, H, W>, order<G, O, H, W, I>>,
                                  merge<merged<G, O>, G, O>>>);
// Flax transpose_kernel=True is Keras's kernel exactly; the default is the flipped, swapped one.
static_assert(std::is_same_v<flax::conv_transpose<2, true>::weight, keras::conv2d_transpose::weight>);
static_assert(same_semantics_v<flax::conv_transpose<2, true>, keras::conv2d_transpose> &&
              is_identity_v<op_plan_t<keras::conv2d_transpose, flax::conv_transpose<2, true>>>);
static_assert(std::is_same_v<op_plan_t<keras::conv2d_transpose, flax::conv_transpose<2>>, plan<swap<I, O>, flip<H, W>>>);
static_assert(!same_semantics_v<flax::conv_transpose<2, true>, flax::conv_transpose<2>>);
// Flax's default and Haiku are both direct: same meaning, I and O exchanged.
static_assert(same_semantics_v<flax::conv_transpose<2>, haiku::conv2d_transpose> &&
              std::is_same_v<op_plan_t<flax::conv_transpose<2>, haiku::conv2d_transpose>, plan<swap<O, I>>>);
// PyTorch ConvTranspose -> Keras / Flax(transpose_kernel) is P.transpose(2, 3, 1, 0), no flip;
// -> Haiku adds the flip (conventions §8).
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, keras::conv2d_transpose>,
                             plan<permute<order<I, O, H, W>, order<H, W, O, I>>>>);
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, haiku::conv2d_transpose>,
                             plan<permute<order<I, O, H, W>, order<H, W, O, I>>, flip<H, W>>>);
// TF conv2d_transpose -> TFLite TRANSPOSE_CONV: HWOI -> OHWI, no flip (the converter's comment).
static_assert(std::is_same_v<op_plan_t<tf::conv2d_transpose, tflite::transpose_conv>,
                             plan<permute<order<H, W, O, I>, order<O, H, W, I>>>>);
// PyTorch ConvTranspose is ONNX's, TensorRT's, Core ML's, Caffe's, tinygrad's and ggml's as stored.
static_assert(std::is_same_v<torch::conv_transpose2d::weight, onnx::conv_transpose<2>::weight> &&
              std::is_same_v<torch::conv_transpose2d::weight, tensorrt::deconvolution<2>::weight> &&
              std::is_same_v<torch::conv_transpose2d::weight, coreml::conv_transpose<2>::weight> &&
              std::is_same_v<torch::conv_transpose2d::weight, caffe::deconvolution::weight> &&
              std::is_same_v<torch::conv_transpose2d::weight, tinygrad::conv_transpose2d<2>::weight> &&
              is_identity_v<op_plan_t<torch::conv_transpose2d, ggml::conv_transpose_2d_p0>>);
// OpenVINO keeps G as its own axis: only a split.
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, openvino::groupconvolutionbackpropdata<2>, grouped>,
                             plan<split<merged<G, I>, G, I>>>);

// --- JAX dimension_numbers -----------------------------------------------------------------------------
static_assert(std::is_same_v<ungrouped_weight_t<jax::conv_general_dilated<"NCHW", "OIHW", "NCHW">>, ungrouped_weight_t<torch::conv2d>>);
static_assert(std::is_same_v<jax::conv_general_dilated<"NCHW", "OIHW", "NCHW">::weight, torch::conv2d::weight>);
static_assert(std::is_same_v<jax::conv_general_dilated<>::weight, torch::conv2d::weight>);  // the defaults
static_assert(std::is_same_v<jax::conv_general_dilated<"NHWC", "HWIO", "NHWC">::weight, tf::conv2d::weight>);
static_assert(std::is_same_v<jax::conv_general_dilated<"NHWC", "HWIO", "NHWC">::activation, tf::conv2d::activation>);
static_assert(std::is_same_v<jax::conv_general_dilated<"NCHW", "OIHW", "NHWC">::output_activation, layout<N, H, W, C>>);
static_assert(std::is_same_v<jax::conv_general_dilated<"NWC", "WIO", "NWC">::weight, tf::conv1d::weight>);
static_assert(std::is_same_v<jax::conv_general_dilated<"NDHWC", "DHWIO", "NDHWC">::weight, keras::conv3d::weight>);
static_assert(std::is_same_v<jax::dimension_numbers<"NCHW", "HWIO">::rhs, layout<H, W, I, O>>);
// conv_transpose: the default numbers, direct; transpose_kernel=True reads the forward conv's kernel.
static_assert(std::is_same_v<jax::conv_transpose<>::weight, layout<H, W, I, O>> &&
              jax::conv_transpose<>::semantics == semantics::direct);
static_assert(std::is_same_v<jax::conv_transpose<"NHWC", "HWIO", "NHWC", true>::weight, keras::conv2d_transpose::weight>);
static_assert(std::is_same_v<jax::conv_transpose<"NHWC", "HWIO", "NHWC", false>::weight, flax::conv_transpose<2>::weight>);
static_assert(std::is_same_v<jax::conv_transpose<"NHWDC", "HWDIO", "NHWDC">::weight, layout<D, H, W, I, O>>);
static_assert(std::is_same_v<jax::conv_transpose<"NHC", "HIO", "NHC", true>::weight, layout<flipped<W>, O, I>>);
static_assert(std::is_same_v<jax::conv_transpose<"NCHW", "OIHW", "NCHW", true>::weight, layout<I, O, flipped<H>, flipped<W>>>);
static_assert(jax::conv_transpose<"NHWC", "HWIO", "NHWC", true>::name == "jax.conv_transpose:transpose_kernel");
static_assert(!jax::conv_transpose<>::supports_groups && jax::conv_general_dilated<>::supports_groups);

// --- oneDNN format tags --------------------------------------------------------------------------------
static_assert(std::is_same_v<onednn::weights<"OIhw16i16o">, layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>>);
static_assert(std::is_same_v<onednn::weights<"gOIhw16i16o">, layout<G, outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>>);
static_assert(std::is_same_v<onednn::weights<"OIhw4i16o4i">,
                             layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 4, 4>, inner<O, 16>, inner<I, 4>>>);
static_assert(std::is_same_v<onednn::weights<"Goihw16g">, layout<outer<G, 16>, O, I, H, W, inner<G, 16>>>);
static_assert(std::is_same_v<onednn::weights<"oihw">, layout<O, I, H, W>> && std::is_same_v<onednn::weights<"hwio">, layout<H, W, I, O>> &&
              std::is_same_v<onednn::weights<"ohwi">, layout<O, H, W, I>> && std::is_same_v<onednn::weights<"iohw">, layout<I, O, H, W>> &&
              std::is_same_v<onednn::weights<"goihw">, layout<G, O, I, H, W>> && std::is_same_v<onednn::weights<"oiw">, layout<O, I, W>> &&
              std::is_same_v<onednn::weights<"oidhw">, layout<O, I, D, H, W>>);
// Deconvolution: logical OC is the deconvolution's output; PyTorch's ConvTranspose is iohw / giohw.
static_assert(std::is_same_v<onednn::deconvolution<"iohw">::weight, ungrouped_weight_t<torch::conv_transpose2d>>);
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, onednn::deconvolution<"giohw">, grouped>, plan<split<merged<G, I>, G, I>>>);
static_assert(std::is_same_v<op_plan_t<torch::conv2d, onednn::convolution<"OIhw16i16o">>,
                             plan<split<O, outer<O, 16>, inner<O, 16>>, split<I, outer<I, 16>, inner<I, 16>>,
                                  permute<order<outer<O, 16>, inner<O, 16>, outer<I, 16>, inner<I, 16>, H, W>,
                                          order<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>>>>);
static_assert(onednn::convolution<"OIhw16i16o">::name == "onednn.OIhw16i16o" &&
              onednn::deconvolution<"giohw">::name == "onednn.deconvolution:giohw");

// --- depthwise, dense, recurrent, attention ---------------------------------------------------------------
static_assert(std::is_same_v<op_plan_t<torch::conv2d_depthwise, tf::depthwise_conv2d>,
                             plan<split<merged<G, M>, G, M>, permute<order<G, M, unit<I>, H, W>, order<H, W, G, M>>>>);
static_assert(std::is_same_v<onnx::conv_depthwise<2>::weight, torch::conv2d_depthwise::weight>);
// ggml's depthwise kernel has no multiplier: PyTorch's with M a unit axis, the same data when M = 1.
static_assert(std::is_same_v<ggml::conv_2d_dw::weight, layout<merged<G, unit<M>>, unit<I>, H, W>> &&
              !is_identity_v<op_plan_t<torch::conv2d_depthwise, ggml::conv_2d_dw>> &&
              std::is_same_v<apply_t<op_plan_t<torch::conv2d_depthwise, ggml::conv_2d_dw>, torch::conv2d_depthwise::weight>,
                             ggml::conv_2d_dw::weight>);
static_assert(std::is_same_v<op_plan_t<torch::linear, keras::dense>, plan<swap<I, O>>>);  // swap<A, B>: A ends up first
static_assert(is_identity_v<op_plan_t<torch::linear, onnx::gemm_transb>> && is_identity_v<op_plan_t<keras::dense, onnx::gemm>>);
// Keras LSTM is PyTorch's transposed, with the same gate order (i, f, c, o = i, f, g, o).
static_assert(std::is_same_v<op_plan_t<keras::lstm, torch::lstm>, plan<swap<merged<labels<gate, "i,f,g,o">, O>, I>>>);
static_assert(std::is_same_v<op_plan_t<torch::lstm, coreml::lstm>,
                             plan<split<merged<labels<gate, "i,f,g,o">, O>, labels<gate, "i,f,g,o">, O>,
                                  reorder<labels<gate, "i,f,g,o">, labels<gate, "i,f,o,g">>,
                                  merge<merged<labels<gate, "i,f,o,g">, O>, labels<gate, "i,f,o,g">, O>>>);
static_assert(std::is_same_v<apply_t<op_plan_t<torch::lstm, onnx::lstm>, torch::lstm::weight>, onnx::lstm::weight>);
static_assert(std::is_same_v<op_plan_t<torch::scaled_dot_product_attention, flash_attn::flash_attn_func>, plan<swap<seq, heads>>>);
static_assert(is_identity_v<op_plan_t<jax::dot_product_attention, keras::dot_product_attention>> &&
              is_identity_v<op_plan_t<mlx::scaled_dot_product_attention, torch::scaled_dot_product_attention>>);

// --- meanings: attention projections, rotary pairs, fused sections, recurrent gates and biases -----------
using op_axes::freq;
using op_axes::head_dim;
using op_axes::kv_heads;
using op_axes::qkv;
using rotary_pair = labels<op_axes::pair, "re,im">;
// Meta's interleaved rotary rows and Hugging Face's half-split ones: a swap inside each head, the
// permutation convert_llama_weights_to_hf.py applies; llama.cpp's GGUF is Meta's order again.
static_assert(std::is_same_v<op_plan_t<llama::wq, transformers::llama_q_proj>,
                             plan<split<merged<heads, freq, rotary_pair>, heads, freq, rotary_pair>, swap<rotary_pair, freq>,
                                  merge<merged<heads, rotary_pair, freq>, heads, rotary_pair, freq>>>);
static_assert(std::is_same_v<apply_t<op_plan_t<llama::wk, transformers::llama_k_proj>, llama::wk::weight>,
                             layout<merged<kv_heads, rotary_pair, freq>, I>>);
static_assert(is_identity_v<op_plan_t<llama::wq, gguf::llama_attn_q>> && is_identity_v<op_plan_t<llama::wk, gguf::llama_attn_k>>);
static_assert(std::is_same_v<op_plan_t<transformers::llama_k_proj, gguf::llama_attn_k>,
                             inverse_t<op_plan_t<llama::wk, transformers::llama_k_proj>>>);
static_assert(is_identity_v<op_plan_t<llama::wv, transformers::llama_v_proj>> && is_identity_v<op_plan_t<llama::wo, gguf::llama_attn_output>>);
// Fused q|k|v: sectioned (PyTorch) and per head (BLOOM) differ by a plan; GPT-NeoX has BLOOM's
// layout, but rotates its rows: no conversion into PyTorch's, which does not.
static_assert(std::is_same_v<transformers::gpt_neox_query_key_value::weight, transformers::bloom_query_key_value::weight>);
static_assert(std::is_same_v<op_plan_t<transformers::bloom_query_key_value, torch::multihead_attention>,
                             plan<split<merged<heads, labels<qkv, "q,k,v">, head_dim>, heads, labels<qkv, "q,k,v">, head_dim>,
                                  swap<labels<qkv, "q,k,v">, heads>,
                                  merge<merged<labels<qkv, "q,k,v">, heads, head_dim>, labels<qkv, "q,k,v">, heads, head_dim>>>);
static_assert(meaning_conflict_of<transformers::gpt_neox_query_key_value, torch::multihead_attention>() == conflict::rotary);
// Falcon's groups per key/value head are GPT-NeoX's heads when kv_heads = heads: a size (run time).
static_assert(meaning_conflict_of<transformers::gpt_neox_query_key_value, transformers::falcon_query_key_value>() == conflict::head_groups);
// Sections: a fused tensor's section is a selection (run time); q is not k; one section does not
// fill a fused tensor; a query section of Falcon's groups reads as heads.
static_assert(meaning_conflict_of<torch::multihead_attention, keras::mha_query>() == conflict::section_select);
static_assert(meaning_conflict_of<torch::multihead_attention_in_proj_bias, flax::mha_value_bias>() == conflict::section_select);
static_assert(meaning_conflict_of<keras::mha_query, flax::mha_key>() == conflict::sections);
static_assert(meaning_conflict_of<keras::mha_query, torch::multihead_attention>() == conflict::sections);
static_assert(meaning_conflict_of<transformers::falcon_query_key_value, transformers::llama_q_proj>() == conflict::section_select);
static_assert(meaning_conflict_of<transformers::falcon_query_key_value, llama::wk>() == conflict::section_select);
// Keras' and Flax's kernels split heads; PyTorch's Linear-style weights merge them.
static_assert(std::is_same_v<apply_t<op_plan_t<keras::mha_output, torch::multihead_attention_out_proj>, keras::mha_output::weight>,
                             layout<O, merged<heads, head_dim>>>);
static_assert(is_identity_v<op_plan_t<keras::mha_query, flax::mha_query>> && is_identity_v<op_plan_t<equinox::mha_query_proj, mlx::mha_query_proj>>);
// Rotary rows do not convert into a projection without rotary embeddings; grouped-query key/value
// heads agree with one key/value head per query head only when the sizes say so (run time).
static_assert(meaning_conflict_of<transformers::llama_q_proj, keras::mha_query>() == conflict::rotary);
static_assert(meaning_conflict_of<transformers::llama_v_proj, keras::mha_value>() == conflict::head_groups);
static_assert(meaning_conflict_of<torch::multihead_attention_out_proj, transformers::llama_o_proj>() == conflict::none);

// GRUs: the reset placement is part of the meaning; gate orders are plans.
static_assert(meaning_conflict_of<torch::gru, onnx::gru>() == conflict::reset_placement);
static_assert(meaning_conflict_of<torch::gru, coreml::gru>() == conflict::reset_placement);
static_assert(meaning_conflict_of<torch::gru, keras::gru_reset_before>() == conflict::reset_placement);
static_assert(std::is_same_v<apply_t<op_plan_t<torch::gru, onnx::gru_linear_before_reset>, torch::gru::weight>,
                             layout<unit<op_axes::direction>, merged<labels<gate, "z,r,n">, O>, I>>);
static_assert(std::is_same_v<op_plan_t<torch::gru, keras::gru>, op_plan_t<torch::gru, keras::gru>> &&
              std::is_same_v<apply_t<op_plan_t<torch::gru, keras::gru>, torch::gru::weight>, layout<I, merged<labels<gate, "z,r,n">, O>>>);
static_assert(std::is_same_v<apply_t<op_plan_t<torch::lstm, tf::lstm_cell>, torch::lstm::weight>, layout<I, merged<labels<gate, "i,g,f,o">, O>>>);
// Biases: two into two is a plan; two into one a fold (run time, on request); a reset-after GRU's
// b_hn never folds into one bias; a summed bias does not split.
static_assert(std::is_same_v<apply_t<op_plan_t<torch::lstm_bias, onnx::lstm_bias>, torch::lstm_bias::weight>, onnx::lstm_bias::weight>);
static_assert(meaning_conflict_of<torch::gru_bias, keras::gru_bias>() == conflict::none);
static_assert(meaning_conflict_of<torch::lstm_bias, keras::lstm_bias>() == conflict::bias_fold);
static_assert(meaning_conflict_of<torch::gru_bias, mlx::gru_bias>() == conflict::bias_fold);
static_assert(meaning_conflict_of<onnx::gru_bias, coreml::gru_bias>() == conflict::bias_fold);  // reset before: b_n sums
static_assert(meaning_conflict_of<keras::lstm_bias, torch::lstm_bias>() == conflict::bias_unfoldable);
static_assert(meaning_conflict_of<torch::lstm, torch::lstm_bias>() == conflict::tensors);
// Flax keeps one Dense per gate: a section of the stacked weight.
static_assert(meaning_conflict_of<torch::lstm, flax::lstm_cell_g>() == conflict::section_select);
static_assert(meaning_conflict_of<flax::lstm_cell_g, flax::lstm_cell_o>() == conflict::sections);

// Depthwise is grouped: a conv with I/G = 1 converts to every depthwise entry and back.
static_assert(std::is_same_v<as_depthwise_t<torch::conv2d::weight>, torch::conv2d_depthwise::weight>);
static_assert(is_identity_v<op_plan_t<torch::conv2d, torch::conv2d_depthwise, grouped>>);
static_assert(std::is_same_v<op_plan_t<torch::conv2d, tf::depthwise_conv2d, grouped>, op_plan_t<torch::conv2d_depthwise, tf::depthwise_conv2d>>);
static_assert(std::is_same_v<op_plan_t<keras::depthwise_conv2d, torch::conv2d, grouped>,
                             inverse_t<op_plan_t<torch::conv2d, keras::depthwise_conv2d, grouped>>>);
static_assert(std::is_same_v<apply_t<op_plan_t<tflite::depthwise_conv_2d, torch::conv2d, in_per_group<1>>, tflite::depthwise_conv_2d::weight>,
                             as_depthwise_t<torch::conv2d::weight>>);
static_assert(meaning_conflict_of<torch::conv2d, keras::depthwise_conv2d>() == conflict::none);

// --- descriptor facts ----------------------------------------------------------------------------------
static_assert(torch::conv2d::name == "torch.conv2d" && torch::conv2d::family == family::conv && torch::conv2d::spatial == 2);
static_assert(onnx::conv_transpose<3>::name == "onnx.convtranspose" && onnx::conv_transpose<3>::spatial == 3);
static_assert(mlx::conv_transpose2d::supports_groups && !mlx::conv_transpose3d::supports_groups && !mlx::conv3d::supports_groups);
static_assert(!haiku::conv2d_transpose::supports_groups && equinox::conv_transpose2d::supports_groups);
static_assert(cudnn::kcrs::status == status::unverified && torch::conv2d::status == status::verified);
static_assert(std::is_same_v<equinox::conv2d::activation, layout<C, H, W>>);  // unbatched
static_assert(std::is_same_v<op_weight_t<openvino::groupconvolution<2>, ungrouped>, openvino::convolution<2>::weight>);

// --- the registry, at compile time ------------------------------------------------------------------------
static_assert(catalogue::find("torch.conv2d", 2)->weight == &detail::desc_of<torch::conv2d::weight>::value);
static_assert(catalogue::find("onnx.convtranspose", 1)->weight == &detail::desc_of<onnx::conv_transpose<1>::weight>::value);
static_assert(catalogue::find_all("onnx.convtranspose").size() == 3 && catalogue::find("onnx.convtranspose") == nullptr);
static_assert(catalogue::find_for_weight_ndim("openvino.groupconvolution", 5)->spatial == 2);
static_assert(catalogue::find("torch.conv2d", 3) == nullptr && catalogue::find("torch.conv9d", 2) == nullptr);
static_assert(catalogue::entries().size() == catalogue::all_ops::size);

}  // namespace
