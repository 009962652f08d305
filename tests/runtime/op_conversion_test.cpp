// Run-time tests of axle::op_conversion (<axle/op_conversion.hpp>): what each conversion does to
// the elements, counted by hand from the frameworks' facts (the conformance tests check them
// against the frameworks' numbers); what it prints; and each refusal, with its reason.
#define BOOST_TEST_MODULE axle_op_conversion
#include <boost/test/unit_test.hpp>

#include <axle/catalogue.hpp>
#include <axle/convert.hpp>
#include <axle/op_conversion.hpp>

#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace {

using axle::index_t;
using axle::op_conversion;
using axle::op_options;

const axle::catalogue::entry_info& entry(std::string_view name) {
  const auto* e = axle::catalogue::find(name);
  if (e == nullptr) throw std::logic_error("no entry " + std::string(name));
  return *e;
}

op_conversion conversion(std::string_view from, std::string_view to, op_options o = {}) { return op_conversion(entry(from), entry(to), o); }

std::vector<int> iota(index_t n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

std::vector<int> run(const op_conversion& c, const std::vector<index_t>& shape, const std::vector<int>& src) {
  const axle::strided_map m = c.map(shape);
  std::vector<int> out(static_cast<std::size_t>(m.size()));
  axle::copy_by_index(m, src.data(), out.data());
  return out;
}

/// The message of the conversion_error the conversion throws, or "" when it converts.
std::string refusal(std::string_view from, std::string_view to, op_options o = {}) {
  try {
    conversion(from, to, o);
  } catch (const axle::conversion_error& e) {
    return e.what();
  }
  return {};
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(meta_rows_to_hugging_face_rows) {
  // One key/value head of head_dim 4 over input width 2: HF row p*2 + i is Meta row 2i + p.
  op_options o;
  o.kv_heads = 2;
  const op_conversion c = conversion("llama.attention:wk", "transformers.llama_attention:k_proj", o);
  const std::vector<int> w = iota(2 * 4 * 2);  // (kv_heads * head_dim, E): row r holds 2r, 2r + 1
  const std::vector<int> hf = run(c, {8, 2}, w);
  for (index_t h = 0; h < 2; ++h)
    for (index_t p = 0; p < 2; ++p)
      for (index_t i = 0; i < 2; ++i)
        for (index_t e = 0; e < 2; ++e)
          BOOST_TEST(hf[static_cast<std::size_t>(((h * 4 + p * 2 + i) * 2) + e)] == w[static_cast<std::size_t>(((h * 4 + 2 * i + p) * 2) + e)]);
  BOOST_TEST(c.notation() == "split((kv_heads, freq, pair[re,im]) \u2192 kv_heads, freq, pair[re,im]) \u00b7 swap(pair[re,im], freq) \u00b7 "
                             "merge(kv_heads, pair[re,im], freq \u2192 (kv_heads, pair[re,im], freq))");
  BOOST_TEST(c.code(axle::dialect::numpy) ==
             "kv_heads = 2\nw = w.reshape(kv_heads, w.shape[0] // (kv_heads * 2), 2, w.shape[1])\nw = w.transpose(0, 2, 1, 3)\n"
             "w = w.reshape(w.shape[0] * w.shape[1] * w.shape[2], w.shape[3])");
}

BOOST_AUTO_TEST_CASE(sections_of_fused_tensors) {
  op_options o;
  o.heads = 2;
  // PyTorch's in_proj_weight (3 * 4, 3): the key rows are rows 4..7; Keras' key kernel is (E, heads, head_dim).
  const op_conversion k = conversion("torch.multihead_attention", "keras.multi_head_attention:key", o);
  const std::vector<int> key = run(k, {12, 3}, iota(36));
  for (index_t e = 0; e < 3; ++e)
    for (index_t h = 0; h < 2; ++h)
      for (index_t j = 0; j < 2; ++j) BOOST_TEST(key[static_cast<std::size_t>((e * 2 + h) * 2 + j)] == (4 + h * 2 + j) * 3 + e);
  BOOST_TEST(k.notation().rfind("select(qkv: k) \u00b7 ", 0) == 0);
  // Falcon, 4 query heads over 2 key/value heads of head_dim 2, width 1: per group, the rows of
  // q q k v (16 rows).
  o.kv_heads = 2;
  o.heads = 4;
  const op_conversion fv = conversion("transformers.falcon_attention:query_key_value", "transformers.llama_attention:v_proj", o);
  BOOST_TEST((run(fv, {16, 1}, iota(16)) == std::vector<int>{6, 7, 14, 15}));  // slot 3 of each group
  const op_conversion fq = conversion("transformers.falcon_attention:query_key_value", "transformers.llama_attention:q_proj", o);
  BOOST_TEST((run(fq, {16, 1}, iota(16)) == std::vector<int>{0, 1, 2, 3, 8, 9, 10, 11}));  // query heads 0, 1, then 2, 3
  const op_conversion qm = conversion("transformers.falcon_attention:query_key_value", "llama.attention:wq", o);
  BOOST_TEST((run(qm, {16, 1}, iota(16)) == std::vector<int>{0, 1, 2, 3, 8, 9, 10, 11}));  // head_dim 2: one pair per head
  BOOST_TEST(has(qm.notation(), "select(slot: q = [0, q_per_kv) \u2192 q_per_kv) \u00b7 pairs(head_dim \u2192 pair[re,im], freq)"));
  // Flax's gate kernels: gate g of PyTorch's (4 * 2, 3) weight_ih, transposed.
  const std::vector<int> g = run(conversion("torch.lstm", "flax.lstm_cell:g"), {8, 3}, iota(24));
  BOOST_TEST((g == std::vector<int>{12, 15, 13, 16, 14, 17}));
}

BOOST_AUTO_TEST_CASE(folds_only_when_asked) {
  BOOST_TEST(has(refusal("torch.lstm:bias", "keras.lstm:bias"), "--fold-bias"));
  op_options fold;
  fold.fold_bias = true;
  const op_conversion c = conversion("torch.lstm:bias", "keras.lstm:bias", fold);
  BOOST_TEST(c.folds());
  const std::vector<double> b{1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, 50, 60, 70, 80};  // (2, 4 gates * 2)
  std::vector<double> out(8);
  c.fold(std::vector<index_t>{2, 8}, b.data(), out.data());
  BOOST_TEST((out == std::vector<double>{11, 22, 33, 44, 55, 66, 77, 88}));
  BOOST_CHECK_THROW(static_cast<void>(c.map(std::vector<index_t>{2, 8})), axle::conversion_error);
  // A reset-after GRU folds r and z, not n: MLX keeps b_hn apart.
  const op_conversion g = conversion("torch.gru:bias", "mlx.gru:bias", fold);
  const std::vector<double> gb{1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};  // (2, 3 gates * 2)
  std::vector<double> gout(6);
  g.fold(std::vector<index_t>{2, 6}, gb.data(), gout.data());
  BOOST_TEST((gout == std::vector<double>{11, 22, 33, 44, 5, 6}));
  BOOST_TEST(has(g.remark(), "b_hn"));
  BOOST_TEST(g.notation() == "fold(bias: ih + hh; gate n: ih)");
  // Two into two is a plan: PyTorch's stacked GRU biases into Keras' (2, 3U), gates z, r, n.
  const std::vector<int> k = run(conversion("torch.gru:bias", "keras.gru:bias"), {2, 6}, iota(12));
  BOOST_TEST((k == std::vector<int>{2, 3, 0, 1, 4, 5, 8, 9, 6, 7, 10, 11}));
}

BOOST_AUTO_TEST_CASE(depthwise_is_grouped) {
  op_options o;
  o.groups = 2;
  // torch.conv2d with groups = C = 2, multiplier 2, 1x1 kernel: (C*M, 1, 1, 1) -> TF (1, 1, C, M).
  const op_conversion c = conversion("torch.conv2d", "tf.depthwise_conv2d", o);
  BOOST_TEST((run(c, {4, 1, 1, 1}, iota(4)) == std::vector<int>{0, 1, 2, 3}));
  try {
    static_cast<void>(c.map(std::vector<index_t>{4, 3, 1, 1}));
    BOOST_ERROR("I/G = 3 converted");
  } catch (const axle::shape_error& e) {
    BOOST_TEST((has(e.what(), "I/G = 1") && has(e.what(), "has I/G = 3")));
  }
  // And back: TFLite's (1, kh, kw, C*M) into PyTorch's (C*M, 1, kh, kw), G from the shape.
  const op_conversion b = conversion("tflite.depthwise_conv_2d", "torch.conv2d", o);
  BOOST_TEST((run(b, {1, 1, 2, 4}, iota(8)) == std::vector<int>{0, 4, 1, 5, 2, 6, 3, 7}));
}

BOOST_AUTO_TEST_CASE(refusals_say_why) {
  const std::string gru = refusal("torch.gru", "onnx.gru");
  BOOST_TEST((has(gru, "after the hidden matmul") && has(gru, "before the hidden matmul") && has(gru, "no layout")));
  BOOST_TEST(refusal("torch.gru", "onnx.gru:linear_before_reset").empty());
  BOOST_TEST(has(refusal("transformers.llama_attention:q_proj", "keras.multi_head_attention:query"), "rotary"));
  BOOST_TEST(has(refusal("keras.multi_head_attention:query", "keras.multi_head_attention:key"), "(the query projection) to"));
  BOOST_TEST(has(refusal("keras.multi_head_attention:query", "torch.multihead_attention"), "holds only the query projection"));
  BOOST_TEST(has(refusal("torch.lstm", "torch.lstm:bias"), "a weight) to"));
  BOOST_TEST(has(refusal("torch.gru:bias", "coreml.gru:bias"), "reset gate"));
  BOOST_TEST(has(refusal("keras.lstm:bias", "torch.lstm:bias"), "does not split back"));
  BOOST_TEST(has(refusal("torch.conv2d", "keras.conv2d_transpose"), "mean different things"));
  BOOST_TEST(has(refusal("transformers.llama_attention:v_proj", "keras.multi_head_attention:value"), "--kv-heads equal to --heads"));
  op_options equal;
  equal.heads = equal.kv_heads = 4;
  BOOST_TEST(refusal("transformers.llama_attention:v_proj", "keras.multi_head_attention:value", equal).empty());
  op_options missing;
  missing.heads = 8;
  BOOST_TEST(has(refusal("transformers.falcon_attention:query_key_value", "transformers.llama_attention:q_proj", missing), "--kv-heads"));
  missing.kv_heads = 3;
  BOOST_TEST(has(refusal("transformers.falcon_attention:query_key_value", "transformers.llama_attention:q_proj", missing),
                 "not a multiple of --kv-heads 3"));
  // A size the shape cannot tell, named with its option.
  try {
    static_cast<void>(conversion("llama.attention:wq", "transformers.llama_attention:q_proj").map(std::vector<index_t>{8, 2}));
    BOOST_ERROR("converted without --heads");
  } catch (const axle::shape_error& e) {
    BOOST_TEST(has(e.what(), "the size of heads must be given (--heads)"));
  }
  // An odd head_dim holds no rotary pairs.
  axle::op_options falcon;
  falcon.heads = 2;
  falcon.kv_heads = 1;
  try {
    static_cast<void>(conversion("transformers.falcon_attention:query_key_value", "llama.attention:wq", falcon).map(std::vector<index_t>{12, 1}));
    BOOST_ERROR("an odd head_dim was read as pairs");
  } catch (const axle::shape_error& e) {
    BOOST_TEST(has(e.what(), "odd"));
  }
}

BOOST_AUTO_TEST_CASE(copies_keep_their_layouts) {
  op_options o;
  o.heads = 2;
  const op_conversion a = conversion("torch.multihead_attention", "keras.multi_head_attention:value", o);
  const op_conversion b = a;  // the derivation points at the copy's own layouts
  BOOST_TEST(b.notation() == a.notation());
  BOOST_TEST((run(b, {12, 3}, iota(36)) == run(a, {12, 3}, iota(36))));
  BOOST_TEST(b.derivation().from != a.derivation().from);
}
