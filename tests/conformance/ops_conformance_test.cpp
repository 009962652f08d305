// Numerical conformance of the attention and recurrent entries against real PyTorch outputs.
//
// Fixtures (tests/conformance/fixtures/torch_ops, generate_torch_ops.py): torch.nn.MultiheadAttention,
// torch.nn.LSTM and torch.nn.GRU, their parameters in PyTorch's layout, their inputs and outputs.
// For every catalogue entry E that a PyTorch tensor converts to (its meaning agrees):
//
//   1. axle converts the PyTorch tensor into E's layout at run time (axle::op_conversion: the
//      section selection, the bias fold and the derived plan, as the command line does);
//   2. E's storage is read through E's RAW description below — the storage dimensions as the
//      framework documents them, written here from the frameworks' sources, not from axle's
//      catalogue — back into the parameters of the computation;
//   3. a reference written from PyTorch's documented equations runs in double, and its outputs
//      must match PyTorch's to a relative error of 1e-6.
//
// And the other way: E's storage is built from the PyTorch parameters through E's raw description
// (independently of axle), converted by axle into PyTorch's layout, read through PyTorch's raw
// description and computed — each direction is checked forward, never by round trip.
//
// The test shows it can fail: every target layout is also mutated (its gate labels rotated, or
// its heads and head_dim exchanged) and the mutation must change the numbers; and two meanings
// axle refuses to convert are shown to compute something else: a GRU read with its reset gate
// before the matmul (ONNX's default), and a reset-after GRU whose hidden candidate bias is
// folded into the input one.
#define BOOST_TEST_MODULE conformance_torch_ops
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

#include <axle/catalogue.hpp>
#include <axle/mapping.hpp>
#include <axle/notation.hpp>
#include <axle/op_conversion.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
namespace conf = axle::conformance;
using axle::index_t;
using axle::catalogue::entry_info;

namespace {

constexpr double tolerance = 1e-6;

fs::path fixtures_root() {
  if (const char* env = std::getenv("AXLE_CONFORMANCE_FIXTURES"); env && *env) return fs::path(env);
  return fs::path(__FILE__).parent_path() / "fixtures";
}

// ------------------------------------------------------------------------------------------------
// Raw storage descriptions: dimensions outermost first, separated by blanks; "(a b)" is one
// dimension holding a outer and b inner; a factor is a one-letter axis name, or name:LABELS for a
// labelled axis whose positions hold the one-letter labels in that order (gates "g:ifgo", q/k/v
// sections "s:qkv", the input and hidden biases "b:xh"); "u" is a dimension of extent 1.
//   attention   e model width, h head, d head dim, s section
//   recurrent   g gate, o hidden unit, i input (the hidden state for a recurrent matrix), b bias

struct factor {
  char name = 0;
  std::string labels;  // empty: a plain axis
};
using spec = std::vector<std::vector<factor>>;

spec parse_spec(std::string_view text) {
  spec out;
  std::size_t k = 0;
  auto read_factor = [&](std::vector<factor>& dim) {
    factor f;
    f.name = text[k++];
    if (k < text.size() && text[k] == ':') {
      ++k;
      while (k < text.size() && text[k] != ' ' && text[k] != ')') f.labels += text[k++];
    }
    dim.push_back(f);
  };
  while (k < text.size()) {
    if (text[k] == ' ') {
      ++k;
      continue;
    }
    out.emplace_back();
    if (text[k] == '(') {
      ++k;
      while (text.at(k) != ')') {
        if (text[k] == ' ') {
          ++k;
          continue;
        }
        read_factor(out.back());
      }
      ++k;
    } else {
      read_factor(out.back());
    }
  }
  return out;
}

using sizes = std::map<char, index_t>;
/// An element's indices by axis name; a labelled axis is indexed by its label character.
using index = std::map<char, index_t>;

index_t extent(const factor& f, const sizes& n) {
  if (f.name == 'u') return 1;
  return f.labels.empty() ? n.at(f.name) : static_cast<index_t>(f.labels.size());
}

std::vector<index_t> shape_of(const spec& s, const sizes& n) {
  std::vector<index_t> shape;
  for (const auto& d : s) {
    index_t e = 1;
    for (const factor& f : d) e *= extent(f, n);
    shape.push_back(e);
  }
  return shape;
}

index_t offset(const spec& s, const sizes& n, const index& at) {
  index_t o = 0;
  for (const auto& d : s)
    for (const factor& f : d) {
      index_t x = 0;
      if (f.name != 'u') {
        const index_t v = at.at(f.name);
        x = f.labels.empty() ? v : static_cast<index_t>(f.labels.find(static_cast<char>(v)));
        if (x < 0 || x >= extent(f, n)) throw std::logic_error("index out of range in a raw description");
      }
      o = o * extent(f, n) + x;
    }
  return o;
}

// ------------------------------------------------------------------------------------------------
// Fixtures.

struct case_data {
  std::string name, kind;
  std::map<std::string, index_t> size;
  std::map<std::string, std::vector<double>> a;  // the arrays, in double
  std::map<std::string, std::vector<index_t>> shape;
};

std::vector<case_data> load_cases() {
  const fs::path root = fixtures_root() / "torch_ops";
  const auto raw = conf::detail::read_raw(root / "manifest.txt");
  std::vector<case_data> out;
  for (const auto& b : raw.blocks) {
    case_data c;
    c.name = b.name;
    for (const auto& e : b.entries) {
      if (e.key == "kind") {
        c.kind = e.value;
      } else if (e.key == "files") {
        std::istringstream in(e.value);
        for (std::string f; in >> f;) {
          const axle::npy::array arr = conf::load(root / b.name / (f + ".npy"));
          const std::vector<float> v = arr.to_floats();
          c.a[f].assign(v.begin(), v.end());
          c.shape[f].assign(arr.shape.begin(), arr.shape.end());
        }
      } else {
        c.size[e.key] = std::stoll(e.value);
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

double relative_error(const std::vector<double>& got, const std::vector<double>& want) {
  double diff = 0, scale = 0;
  for (std::size_t k = 0; k < want.size(); ++k) {
    diff = std::max(diff, std::abs(got[k] - want[k]));
    scale = std::max(scale, std::abs(want[k]));
  }
  return diff / std::max(scale, 1e-30);
}

// ------------------------------------------------------------------------------------------------
// Conversions with axle, at run time.

const entry_info& entry(std::string_view name) {
  const entry_info* e = axle::catalogue::find(name);
  if (e == nullptr) throw std::logic_error("no catalogue entry " + std::string(name));
  return *e;
}

/// `src` (shape `shape`, in `from`'s layout) converted into `to`'s layout by axle.
std::vector<double> convert(const entry_info& from, const entry_info& to, const std::vector<double>& src,
                            const std::vector<index_t>& shape, const axle::op_options& o, std::vector<index_t>* target_shape) {
  const axle::op_conversion c(from, to, o);
  if (c.folds()) {
    std::vector<double> out(static_cast<std::size_t>([&] {
      index_t n = 1;
      for (index_t x : c.target_shape(shape)) n *= x;
      return n;
    }()));
    c.fold(shape, src.data(), out.data());
    if (target_shape) *target_shape = c.target_shape(shape);
    return out;
  }
  const axle::strided_map m = c.map(shape);
  std::vector<double> out(static_cast<std::size_t>(m.size()));
  axle::copy_by_index(m, src.data(), out.data());
  if (target_shape) *target_shape = m.target_shape;
  return out;
}

/// Mutations of a target layout, kept alive for the entries that point at them.
struct mutated_entries {
  std::deque<axle::value::layout> layouts;
  std::deque<std::string> labels;
  std::deque<std::string_view> views;
  std::deque<entry_info> entries;

  /// The gate labels rotated by one ("i,f,g,o" -> "f,g,o,i"), or null when there are none.
  const entry_info* rotate_gates(const entry_info& e) {
    axle::value::layout l = *e.weight;
    bool any = false;
    for (int i = 0; i < l.natoms; ++i) {
      if (!l.atoms[i].labelled() || l.atoms[i].name() != "gate") continue;
      const std::string_view text = l.atoms[i].label_text();
      const std::size_t comma = text.find(',');
      labels.push_back(std::string(text.substr(comma + 1)) + "," + std::string(text.substr(0, comma)));
      views.push_back(labels.back());
      l.atoms[i].labels = &views.back();
      any = true;
    }
    return any ? keep(e, l) : nullptr;
  }
  /// heads and head_dim exchanged where both are stored, or null.
  const entry_info* swap_heads(const entry_info& e) {
    axle::value::layout l = *e.weight;
    int h = -1, d = -1;
    for (int i = 0; i < l.natoms; ++i) {
      if (l.atoms[i].name() == "heads") h = i;
      if (l.atoms[i].name() == "head_dim") d = i;
    }
    if (h < 0 || d < 0) return nullptr;
    std::swap(l.atoms[h], l.atoms[d]);
    return keep(e, l);
  }
  const entry_info* keep(const entry_info& e, const axle::value::layout& l) {
    layouts.push_back(l);
    entries.push_back(e);
    entries.back().weight = &layouts.back();
    entries.back().weight_ungrouped = &layouts.back();
    return &entries.back();
  }
};

// ------------------------------------------------------------------------------------------------
// Multi-head attention: PyTorch's documented computation, in double.

struct mha_params {
  index_t e = 0, heads = 0, d = 0;
  std::array<std::vector<double>, 3> w;  // q, k, v: (heads*d, e), row h*d + j
  std::array<std::vector<double>, 3> b;  // (heads*d)
  std::vector<double> wo;                // (e, heads*d)
  std::vector<double> bo;                // (e)
};

std::vector<double> mha(const mha_params& p, const case_data& c) {
  const index_t L = c.size.at("target"), S = c.size.at("source"), N = c.size.at("batch"), E = p.e, H = p.heads, D = p.d;
  const auto& q = c.a.at("q");
  const auto& k = c.a.at("k");
  const auto& v = c.a.at("v");
  auto project = [&](const std::vector<double>& x, index_t T, int s) {  // (T, N, H*D)
    std::vector<double> out(static_cast<std::size_t>(T * N * H * D));
    for (index_t t = 0; t < T; ++t)
      for (index_t n = 0; n < N; ++n)
        for (index_t r = 0; r < H * D; ++r) {
          double acc = p.b[static_cast<std::size_t>(s)][static_cast<std::size_t>(r)];
          for (index_t e = 0; e < E; ++e)
            acc += p.w[static_cast<std::size_t>(s)][static_cast<std::size_t>(r * E + e)] * x[static_cast<std::size_t>((t * N + n) * E + e)];
          out[static_cast<std::size_t>((t * N + n) * H * D + r)] = acc;
        }
    return out;
  };
  const auto qs = project(q, L, 0), ks = project(k, S, 1), vs = project(v, S, 2);
  std::vector<double> y(static_cast<std::size_t>(L * N * E));
  for (index_t n = 0; n < N; ++n) {
    std::vector<double> ctx(static_cast<std::size_t>(L * H * D));
    for (index_t h = 0; h < H; ++h)
      for (index_t t = 0; t < L; ++t) {
        std::vector<double> score(static_cast<std::size_t>(S));
        double top = -1e300;
        for (index_t s = 0; s < S; ++s) {
          double acc = 0;
          for (index_t j = 0; j < D; ++j)
            acc += qs[static_cast<std::size_t>((t * N + n) * H * D + h * D + j)] * ks[static_cast<std::size_t>((s * N + n) * H * D + h * D + j)];
          score[static_cast<std::size_t>(s)] = acc / std::sqrt(static_cast<double>(D));
          top = std::max(top, score[static_cast<std::size_t>(s)]);
        }
        double total = 0;
        for (double& x : score) total += (x = std::exp(x - top));
        for (index_t j = 0; j < D; ++j) {
          double acc = 0;
          for (index_t s = 0; s < S; ++s)
            acc += score[static_cast<std::size_t>(s)] / total * vs[static_cast<std::size_t>((s * N + n) * H * D + h * D + j)];
          ctx[static_cast<std::size_t>(t * H * D + h * D + j)] = acc;
        }
      }
    for (index_t t = 0; t < L; ++t)
      for (index_t o = 0; o < E; ++o) {
        double acc = p.bo[static_cast<std::size_t>(o)];
        for (index_t r = 0; r < H * D; ++r) acc += p.wo[static_cast<std::size_t>(o * H * D + r)] * ctx[static_cast<std::size_t>(t * H * D + r)];
        y[static_cast<std::size_t>((t * N + n) * E + o)] = acc;
      }
  }
  return y;
}

mha_params torch_mha(const case_data& c) {
  mha_params p;
  p.e = c.size.at("embed");
  p.heads = c.size.at("heads");
  p.d = p.e / p.heads;
  const auto& w = c.a.at("in_proj_weight");
  const auto& b = c.a.at("in_proj_bias");
  const std::size_t rows = static_cast<std::size_t>(p.e * p.e);
  for (std::size_t s = 0; s < 3; ++s) {
    p.w[s].assign(w.begin() + static_cast<std::ptrdiff_t>(s * rows), w.begin() + static_cast<std::ptrdiff_t>((s + 1) * rows));
    p.b[s].assign(b.begin() + static_cast<std::ptrdiff_t>(s * static_cast<std::size_t>(p.e)),
                  b.begin() + static_cast<std::ptrdiff_t>((s + 1) * static_cast<std::size_t>(p.e)));
  }
  p.wo = c.a.at("out_proj_weight");
  p.bo = c.a.at("out_proj_bias");
  return p;
}

// What one attention entry holds: "q", "k", "v" (a projection), "qkv" (fused), "out", or a bias
// ("bq", "bk", "bv", "bqkv").
struct attention_raw {
  std::string_view entry;
  std::string_view holds;
  std::string_view storage;
  std::string_view source;  // where the storage is documented
};

// The storage of each attention entry, as its framework documents it.
const std::vector<attention_raw>& attention_table() {
  static const std::vector<attention_raw> t = {
      {"torch.multihead_attention", "qkv", "(s:qkv h d) e", "torch/nn/modules/activation.py: in_proj_weight (3E, E), q, k, v"},
      {"torch.multihead_attention:in_proj_bias", "bqkv", "(s:qkv h d)", "torch/nn/modules/activation.py: in_proj_bias (3E)"},
      {"torch.multihead_attention:out_proj", "out", "e (h d)", "torch nn.Linear(E, E): (out, in)"},
      {"keras.multi_head_attention:query", "q", "e h d", "keras multi_head_attention.py: 'abc,cde->abde', kernel (E, N, key_dim)"},
      {"keras.multi_head_attention:key", "k", "e h d", "keras: the same equation for the key"},
      {"keras.multi_head_attention:value", "v", "e h d", "keras: the same equation for the value"},
      {"keras.multi_head_attention:query_bias", "bq", "h d", "keras: bias_axes 'de', (N, key_dim)"},
      {"keras.multi_head_attention:key_bias", "bk", "h d", "keras: bias (N, key_dim)"},
      {"keras.multi_head_attention:value_bias", "bv", "h d", "keras: bias (N, value_dim)"},
      {"keras.multi_head_attention:output", "out", "h d e", "keras: 'abcd,cde->abe', kernel (N, value_dim, E)"},
      {"flax.multi_head_dot_product_attention:query", "q", "e h d", "flax DenseGeneral(features=(N, head_dim)): kernel (E, N, head_dim)"},
      {"flax.multi_head_dot_product_attention:key", "k", "e h d", "flax: key DenseGeneral"},
      {"flax.multi_head_dot_product_attention:value", "v", "e h d", "flax: value DenseGeneral"},
      {"flax.multi_head_dot_product_attention:query_bias", "bq", "h d", "flax DenseGeneral bias = features"},
      {"flax.multi_head_dot_product_attention:key_bias", "bk", "h d", "flax: key bias"},
      {"flax.multi_head_dot_product_attention:value_bias", "bv", "h d", "flax: value bias"},
      {"flax.multi_head_dot_product_attention:out", "out", "h d e", "flax DenseGeneral(axis=(-2, -1)): kernel (N, head_dim, E)"},
      {"equinox.multihead_attention:query_proj", "q", "(h d) e", "equinox Linear(E, N*qk_size), weight (out, in); reshape(seq, N, -1)"},
      {"equinox.multihead_attention:key_proj", "k", "(h d) e", "equinox: key_proj"},
      {"equinox.multihead_attention:value_proj", "v", "(h d) e", "equinox: value_proj"},
      {"equinox.multihead_attention:output_proj", "out", "e (h d)", "equinox Linear(N*vo_size, E)"},
      {"mlx.multi_head_attention:query_proj", "q", "(h d) e", "mlx Linear, weight (output_dims, input_dims); unflatten(-1, (N, -1))"},
      {"mlx.multi_head_attention:key_proj", "k", "(h d) e", "mlx: key_proj"},
      {"mlx.multi_head_attention:value_proj", "v", "(h d) e", "mlx: value_proj"},
      {"mlx.multi_head_attention:out_proj", "out", "e (h d)", "mlx: out_proj"},
      {"transformers.bloom_attention:query_key_value", "qkv", "(h s:qkv d) e",
       "modeling_bloom.py: reshape(..., num_heads, 3*head_dim), split by head_dim"},
      {"transformers.llama_attention:v_proj", "v", "(h d) e", "modeling_llama.py: v_proj, view(..., num_key_value_heads, head_dim)"},
      {"transformers.llama_attention:o_proj", "out", "e (h d)", "modeling_llama.py: o_proj Linear(num_heads*head_dim, hidden)"},
      {"llama.attention:wv", "v", "(h d) e", "meta-llama model.py: wv ColumnParallelLinear, view(..., n_kv_heads, head_dim)"},
      {"llama.attention:wo", "out", "e (h d)", "meta-llama model.py: wo RowParallelLinear"},
      {"gguf.llama:attn_v", "v", "(h d) e", "llama.cpp: attn_v ne {n_embd, n_embd_v_gqa}, PyTorch bytes"},
      {"gguf.llama:attn_output", "out", "e (h d)", "llama.cpp: attn_output ne {n_head*head_dim, n_embd}"},
  };
  return t;
}

/// The PyTorch tensor of the fixture that holds what an entry holds, and its entry.
struct torch_tensor {
  std::string_view entry;
  std::string_view file;
};
torch_tensor torch_source_for(std::string_view holds) {
  if (holds == "out") return {"torch.multihead_attention:out_proj", "out_proj_weight"};
  if (holds.size() == 2 || holds == "bqkv") return {"torch.multihead_attention:in_proj_bias", "in_proj_bias"};
  return {"torch.multihead_attention", "in_proj_weight"};
}

int section_of(char s) { return s == 'q' ? 0 : s == 'k' ? 1 : 2; }

/// Reads an entry's storage (raw description `s`) into the parameters it holds.
void read_attention(const attention_raw& r, const std::vector<double>& stored, const sizes& n, mha_params& p) {
  const spec s = parse_spec(r.storage);
  const index_t H = p.heads, D = p.d, E = p.e;
  const std::string holds(r.holds);
  for (index_t h = 0; h < H; ++h)
    for (index_t j = 0; j < D; ++j) {
      if (holds == "out") {
        for (index_t e = 0; e < E; ++e)
          p.wo[static_cast<std::size_t>(e * H * D + h * D + j)] = stored[static_cast<std::size_t>(offset(s, n, {{'e', e}, {'h', h}, {'d', j}}))];
        continue;
      }
      for (char sec : std::string("qkv")) {
        const bool weight = holds == "qkv" || holds == std::string(1, sec);
        const bool bias = holds == "bqkv" || holds == std::string("b") + sec;
        const auto u = static_cast<std::size_t>(section_of(sec));
        const std::size_t row = static_cast<std::size_t>(h * D + j);
        if (weight)
          for (index_t e = 0; e < E; ++e)
            p.w[u][row * static_cast<std::size_t>(E) + static_cast<std::size_t>(e)] =
                stored[static_cast<std::size_t>(offset(s, n, {{'e', e}, {'h', h}, {'d', j}, {'s', sec}}))];
        if (bias) p.b[u][row] = stored[static_cast<std::size_t>(offset(s, n, {{'h', h}, {'d', j}, {'s', sec}}))];
      }
    }
}

/// An entry's storage built from the parameters, through its raw description (no axle involved).
std::vector<double> write_attention(const attention_raw& r, const mha_params& p, const sizes& n) {
  const spec s = parse_spec(r.storage);
  index_t total = 1;
  for (index_t x : shape_of(s, n)) total *= x;
  std::vector<double> out(static_cast<std::size_t>(total));
  const index_t H = p.heads, D = p.d, E = p.e;
  const std::string holds(r.holds);
  for (index_t h = 0; h < H; ++h)
    for (index_t j = 0; j < D; ++j) {
      const std::size_t row = static_cast<std::size_t>(h * D + j);
      if (holds == "out") {
        for (index_t e = 0; e < E; ++e)
          out[static_cast<std::size_t>(offset(s, n, {{'e', e}, {'h', h}, {'d', j}}))] = p.wo[static_cast<std::size_t>(e * H * D) + row];
        continue;
      }
      for (char sec : std::string("qkv")) {
        const auto u = static_cast<std::size_t>(section_of(sec));
        if (holds == "qkv" || holds == std::string(1, sec))
          for (index_t e = 0; e < E; ++e)
            out[static_cast<std::size_t>(offset(s, n, {{'e', e}, {'h', h}, {'d', j}, {'s', sec}}))] =
                p.w[u][row * static_cast<std::size_t>(E) + static_cast<std::size_t>(e)];
        if (holds == "bqkv" || holds == std::string("b") + sec)
          out[static_cast<std::size_t>(offset(s, n, {{'h', h}, {'d', j}, {'s', sec}}))] = p.b[u][row];
      }
    }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Recurrent cells: PyTorch's documented equations, per gate, in double.

struct rnn_params {
  bool lstm = true;
  index_t in = 0, hidden = 0;
  std::map<char, std::vector<double>> wx, wh;  // per gate: (hidden, in) and (hidden, hidden)
  std::map<char, std::vector<double>> bx, bh;  // per gate: the input and the hidden bias
  bool reset_before = false;                   // a GRU computed with the reset gate before the matmul
};

std::string gates_of(bool lstm) { return lstm ? "ifgo" : "rzn"; }

rnn_params torch_rnn(const case_data& c) {
  rnn_params p;
  p.lstm = c.kind == "lstm";
  p.in = c.size.at("input");
  p.hidden = c.size.at("hidden");
  const std::string g = gates_of(p.lstm);
  const auto H = static_cast<std::size_t>(p.hidden), I = static_cast<std::size_t>(p.in);
  for (std::size_t k = 0; k < g.size(); ++k) {
    const auto& wih = c.a.at("weight_ih");
    const auto& whh = c.a.at("weight_hh");
    const auto& b = c.a.at("bias");
    p.wx[g[k]].assign(wih.begin() + static_cast<std::ptrdiff_t>(k * H * I), wih.begin() + static_cast<std::ptrdiff_t>((k + 1) * H * I));
    p.wh[g[k]].assign(whh.begin() + static_cast<std::ptrdiff_t>(k * H * H), whh.begin() + static_cast<std::ptrdiff_t>((k + 1) * H * H));
    p.bx[g[k]].assign(b.begin() + static_cast<std::ptrdiff_t>(k * H), b.begin() + static_cast<std::ptrdiff_t>((k + 1) * H));
    p.bh[g[k]].assign(b.begin() + static_cast<std::ptrdiff_t>((g.size() + k) * H),
                      b.begin() + static_cast<std::ptrdiff_t>((g.size() + k + 1) * H));
  }
  return p;
}

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

/// y, then h_n (and c_n), all (seq, batch, hidden) flattened.
std::vector<double> rnn(const rnn_params& p, const case_data& c) {
  const index_t T = c.size.at("seq"), N = c.size.at("batch"), H = p.hidden, I = p.in;
  const auto& x = c.a.at("x");
  std::vector<double> h(c.a.at("h0")), cell(p.lstm ? c.a.at("c0") : std::vector<double>{});
  std::vector<double> y;
  auto affine = [&](char g, const std::vector<double>& in, index_t n, index_t u, bool hidden) {
    const auto& w = hidden ? p.wh.at(g) : p.wx.at(g);
    const auto& b = hidden ? p.bh.at(g) : p.bx.at(g);
    const index_t K = hidden ? H : I;
    double acc = b[static_cast<std::size_t>(u)];
    for (index_t k = 0; k < K; ++k) acc += w[static_cast<std::size_t>(u * K + k)] * in[static_cast<std::size_t>(n * K + k)];
    return acc;
  };
  for (index_t t = 0; t < T; ++t) {
    const std::vector<double> xt(x.begin() + static_cast<std::ptrdiff_t>(t * N * I), x.begin() + static_cast<std::ptrdiff_t>((t + 1) * N * I));
    std::vector<double> hn(h.size()), cn(cell.size());
    for (index_t n = 0; n < N; ++n)
      for (index_t u = 0; u < H; ++u) {
        const std::size_t at = static_cast<std::size_t>(n * H + u);
        if (p.lstm) {
          auto gate = [&](char g) { return affine(g, xt, n, u, false) + affine(g, h, n, u, true); };
          cn[at] = sigmoid(gate('f')) * cell[at] + sigmoid(gate('i')) * std::tanh(gate('g'));
          hn[at] = sigmoid(gate('o')) * std::tanh(cn[at]);
        } else {
          const double r = sigmoid(affine('r', xt, n, u, false) + affine('r', h, n, u, true));
          const double z = sigmoid(affine('z', xt, n, u, false) + affine('z', h, n, u, true));
          double cand = 0;
          if (!p.reset_before) {
            cand = std::tanh(affine('n', xt, n, u, false) + r * affine('n', h, n, u, true));
          } else {  // W_hn (r * h) + b_hn: the reset gate of each hidden unit applied before the matmul
            std::vector<double> rh(h.size());
            for (index_t m = 0; m < N; ++m)
              for (index_t k = 0; k < H; ++k) {
                const double rk = sigmoid(affine('r', xt, m, k, false) + affine('r', h, m, k, true));
                rh[static_cast<std::size_t>(m * H + k)] = rk * h[static_cast<std::size_t>(m * H + k)];
              }
            cand = std::tanh(affine('n', xt, n, u, false) + affine('n', rh, n, u, true));
          }
          hn[at] = (1 - z) * cand + z * h[at];
        }
      }
    h = hn;
    cell = cn;
    y.insert(y.end(), h.begin(), h.end());
  }
  y.insert(y.end(), h.begin(), h.end());
  y.insert(y.end(), cell.begin(), cell.end());
  return y;
}

std::vector<double> rnn_expected(const case_data& c) {
  std::vector<double> want = c.a.at("y");
  want.insert(want.end(), c.a.at("hn").begin(), c.a.at("hn").end());
  if (c.kind == "lstm") want.insert(want.end(), c.a.at("cn").begin(), c.a.at("cn").end());
  return want;
}

// What one recurrent entry stores. `weight`: its kernel for one input (x, or h with i = hidden);
// `bias`: its bias entry and form ("two" stacked, "one" summed, "one+hn" summed but for n), or
// empty when the op has no bias entry. `gate` names the one gate a per-gate entry holds.
struct rnn_raw {
  std::string_view kind;  // lstm or gru
  std::string_view weight_entry;
  std::string_view weight;
  std::string_view bias_entry;
  std::string_view bias;
  std::string_view bias_form;
  char gate = 0;
  std::string_view source;
};

const std::vector<rnn_raw>& rnn_table() {
  static const std::vector<rnn_raw> t = {
      {"lstm", "torch.lstm", "(g:ifgo o) i", "torch.lstm:bias", "b:xh (g:ifgo o)", "two", 0, "torch rnn.py LSTM docstring"},
      {"lstm", "keras.lstm", "i (g:ifgo o)", "keras.lstm:bias", "(g:ifgo o)", "one", 0,
       "keras lstm.py: kernel (input_dim, 4*units), split i, f, c, o; one bias"},
      {"lstm", "tf.lstm_cell", "i (g:igfo o)", "", "", "", 0,
       "TF1 rnn_cell_impl.py LSTMCell: concat([x, h]) @ kernel, split i, j, f, o"},
      {"lstm", "onnx.lstm", "u (g:iofg o) i", "onnx.lstm:bias", "u (b:xh g:iofg o)", "two", 0,
       "onnx defs.cc LSTM: W [1, 4H, in] gates iofc; B [1, 8H] = [Wb, Rb]"},
      {"lstm", "coreml.lstm", "(g:ifog o) i", "coreml.lstm:bias", "(g:ifog o)", "one", 0,
       "coremltools iOS15 recurrent.py lstm: [input, forget, output, cell]; one summed bias"},
      {"lstm", "mlx.lstm", "(g:ifgo o) i", "mlx.lstm:bias", "(g:ifgo o)", "one", 0, "mlx recurrent.py LSTM: Wx (4H, in), i, f, g, o"},
      {"lstm", "equinox.lstm_cell", "(g:ifgo o) i", "equinox.lstm_cell:bias", "(g:ifgo o)", "one", 0,
       "equinox _rnn.py LSTMCell: weight_ih (4H, in), one bias"},
      {"lstm", "flax.lstm_cell:i", "i o", "", "", "", 'i', "flax recurrent.py LSTMCell: Dense ii/hi kernel (in, H)"},
      {"lstm", "flax.lstm_cell:f", "i o", "", "", "", 'f', "flax: Dense if/hf"},
      {"lstm", "flax.lstm_cell:g", "i o", "", "", "", 'g', "flax: Dense ig/hg"},
      {"lstm", "flax.lstm_cell:o", "i o", "", "", "", 'o', "flax: Dense io/ho"},
      {"gru", "torch.gru", "(g:rzn o) i", "torch.gru:bias", "b:xh (g:rzn o)", "two", 0, "torch rnn.py GRU docstring"},
      {"gru", "keras.gru", "i (g:zrn o)", "keras.gru:bias", "b:xh (g:zrn o)", "two", 0,
       "keras gru.py: kernel (input_dim, 3*units) z, r, h; reset_after bias (2, 3*units)"},
      {"gru", "onnx.gru:linear_before_reset", "u (g:zrn o) i", "onnx.gru:linear_before_reset_bias", "u (b:xh g:zrn o)", "two", 0,
       "onnx defs.cc GRU: W [1, 3H, in] gates zrh; B = [Wb, Rb]"},
      {"gru", "mlx.gru", "(g:rzn o) i", "mlx.gru:bias", "(g:rzn o)", "one+hn", 0,
       "mlx recurrent.py GRU: Wx (3H, in) r, z, n; b on the x side; bhn inside r * (...)"},
      {"gru", "equinox.gru_cell", "(g:rzn o) i", "equinox.gru_cell:bias", "(g:rzn o)", "one+hn", 0,
       "equinox _rnn.py GRUCell: bias (3H) on igates; bias_n inside reset * (...)"},
      {"gru", "flax.gru_cell:r", "i o", "", "", "", 'r', "flax recurrent.py GRUCell: Dense ir/hr"},
      {"gru", "flax.gru_cell:z", "i o", "", "", "", 'z', "flax: Dense iz/hz"},
      {"gru", "flax.gru_cell:n", "i o", "", "", "", 'n', "flax: Dense in/hn"},
  };
  return t;
}

/// The weights a raw storage holds, read into the parameters (`hidden`: the recurrent matrix).
void read_rnn_weight(const rnn_raw& r, const std::vector<double>& stored, bool hidden, rnn_params& p) {
  const spec s = parse_spec(r.weight);
  const index_t K = hidden ? p.hidden : p.in;
  const sizes n{{'o', p.hidden}, {'i', K}};
  for (char g : gates_of(p.lstm)) {
    if (r.gate && g != r.gate) continue;
    auto& w = hidden ? p.wh[g] : p.wx[g];
    for (index_t u = 0; u < p.hidden; ++u)
      for (index_t k = 0; k < K; ++k)
        w[static_cast<std::size_t>(u * K + k)] = stored[static_cast<std::size_t>(offset(s, n, {{'g', g}, {'o', u}, {'i', k}}))];
  }
}

std::vector<double> write_rnn_weight(const rnn_raw& r, const rnn_params& p, bool hidden) {
  const spec s = parse_spec(r.weight);
  const index_t K = hidden ? p.hidden : p.in;
  const sizes n{{'o', p.hidden}, {'i', K}};
  index_t total = 1;
  for (index_t x : shape_of(s, n)) total *= x;
  std::vector<double> out(static_cast<std::size_t>(total));
  for (char g : gates_of(p.lstm)) {
    if (r.gate && g != r.gate) continue;
    const auto& w = hidden ? p.wh.at(g) : p.wx.at(g);
    for (index_t u = 0; u < p.hidden; ++u)
      for (index_t k = 0; k < K; ++k)
        out[static_cast<std::size_t>(offset(s, n, {{'g', g}, {'o', u}, {'i', k}}))] = w[static_cast<std::size_t>(u * K + k)];
  }
  return out;
}

/// A bias storage read into the parameters: two stacked biases as they are; one summed bias as the
/// input bias with a zero hidden bias; "one+hn" as that, but n's hidden bias (b_hn) kept: the
/// entry's op stores it apart.
void read_rnn_bias(const rnn_raw& r, const std::vector<double>& stored, rnn_params& p) {
  const spec s = parse_spec(r.bias);
  const sizes n{{'o', p.hidden}};
  for (char g : gates_of(p.lstm))
    for (index_t u = 0; u < p.hidden; ++u) {
      const auto k = static_cast<std::size_t>(u);
      if (r.bias_form == "two") {
        p.bx[g][k] = stored[static_cast<std::size_t>(offset(s, n, {{'g', g}, {'o', u}, {'b', 'x'}}))];
        p.bh[g][k] = stored[static_cast<std::size_t>(offset(s, n, {{'g', g}, {'o', u}, {'b', 'h'}}))];
      } else {
        p.bx[g][k] = stored[static_cast<std::size_t>(offset(s, n, {{'g', g}, {'o', u}}))];
        if (!(r.bias_form == "one+hn" && g == 'n')) p.bh[g][k] = 0;
      }
    }
}

std::vector<double> write_rnn_bias(const rnn_raw& r, const rnn_params& p) {
  const spec s = parse_spec(r.bias);
  const sizes n{{'o', p.hidden}};
  index_t total = 1;
  for (index_t x : shape_of(s, n)) total *= x;
  std::vector<double> out(static_cast<std::size_t>(total));
  for (char g : gates_of(p.lstm))
    for (index_t u = 0; u < p.hidden; ++u) {
      const auto k = static_cast<std::size_t>(u);
      out[static_cast<std::size_t>(offset(s, n, {{'g', g}, {'o', u}, {'b', 'x'}}))] = p.bx.at(g)[k];
      out[static_cast<std::size_t>(offset(s, n, {{'g', g}, {'o', u}, {'b', 'h'}}))] = p.bh.at(g)[k];
    }
  return out;
}

std::string fmt_err(double e) {
  std::ostringstream os;
  os.precision(2);
  os << std::scientific << e;
  return os.str();
}

const std::vector<case_data>& cases() {
  static const std::vector<case_data> c = load_cases();
  return c;
}

}  // namespace

// ------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(raw_descriptions_parse) {
  const spec s = parse_spec("(s:qkv h d) e");
  BOOST_TEST_REQUIRE(s.size() == 2u);
  BOOST_TEST(s[0].size() == 3u);
  BOOST_TEST(s[0][0].labels == "qkv");
  const sizes n{{'h', 2}, {'d', 3}, {'e', 5}};
  BOOST_TEST((shape_of(s, n) == std::vector<index_t>{18, 5}));
  // k section (1), head 1, dim 2, e 4: ((1*2 + 1)*3 + 2)*5 + 4
  BOOST_TEST(offset(s, n, {{'s', 'k'}, {'h', 1}, {'d', 2}, {'e', 4}}) == ((1 * 2 + 1) * 3 + 2) * 5 + 4);
}

BOOST_AUTO_TEST_CASE(attention_entries_conform_to_pytorch) {
  int checked = 0, reverse = 0, mutations = 0, caught = 0;
  double worst = 0;
  mutated_entries mutated;
  std::ostringstream report;
  for (const case_data& c : cases()) {
    if (c.kind != "mha") continue;
    const mha_params torch = torch_mha(c);
    const std::vector<double>& y = c.a.at("y");
    BOOST_TEST_REQUIRE(relative_error(mha(torch, c), y) <= tolerance);  // the reference is PyTorch's computation
    const sizes n{{'e', torch.e}, {'h', torch.heads}, {'d', torch.d}};
    axle::op_options o;
    o.heads = torch.heads;
    o.kv_heads = torch.heads;  // one key/value head per head: the GQA entries read as MHA
    for (const attention_raw& r : attention_table()) {
      const entry_info& e = entry(r.entry);
      const torch_tensor src = torch_source_for(r.holds);
      const entry_info& from = entry(src.entry);
      BOOST_TEST_CONTEXT(c.name << ": " << src.entry << " -> " << r.entry) {
        // Forward: PyTorch's tensor converted by axle, read as the framework stores it.
        std::vector<index_t> shape;
        const std::vector<double> stored = convert(from, e, c.a.at(std::string(src.file)), c.shape.at(std::string(src.file)), o, &shape);
        BOOST_TEST_REQUIRE((shape == shape_of(parse_spec(r.storage), n)));
        mha_params p = torch;
        read_attention(r, stored, n, p);
        const double err = relative_error(mha(p, c), y);
        BOOST_TEST(err <= tolerance);
        worst = std::max(worst, err);
        ++checked;
        report << "  " << src.entry << " -> " << r.entry << ": " << axle::op_conversion(from, e, o).notation() << "  (error " << fmt_err(err)
               << ")\n";
        // Mutated target layouts must change the numbers (or the shape).
        if (const entry_info* m = mutated.swap_heads(e)) {
          ++mutations;
          std::vector<index_t> mshape;
          std::vector<double> ms;
          bool differs = true;
          try {
            ms = convert(from, *m, c.a.at(std::string(src.file)), c.shape.at(std::string(src.file)), o, &mshape);
            if (mshape == shape) {
              mha_params q = torch;
              read_attention(r, ms, n, q);
              differs = relative_error(mha(q, c), y) > tolerance;
            }
          } catch (const std::exception&) {
          }
          caught += differs;
          BOOST_TEST(differs, "heads and head_dim exchanged in " << r.entry << " went unnoticed");
        }
        // Backward: the framework's storage, built from the parameters, converted by axle into PyTorch's.
        const axle::conflict back = axle::meaning_conflict(e.meaning, *e.weight, from.meaning, *from.weight);
        if (back == axle::conflict::none || (back == axle::conflict::head_groups)) {
          const std::vector<double> theirs = write_attention(r, torch, n);
          std::vector<index_t> tshape;
          const std::vector<double> ours = convert(e, from, theirs, shape_of(parse_spec(r.storage), n), o, &tshape);
          const attention_raw* torch_raw = nullptr;
          for (const attention_raw& t : attention_table())
            if (t.entry == src.entry) torch_raw = &t;
          if (r.holds == "qkv" || r.holds == "out") {  // a single section does not convert into a fused tensor
            mha_params blank = torch;  // what the conversion writes starts from zeros
            if (r.holds == "qkv")
              for (auto& w : blank.w) std::fill(w.begin(), w.end(), 0.0);
            else
              std::fill(blank.wo.begin(), blank.wo.end(), 0.0);
            read_attention(*torch_raw, ours, n, blank);
            const double berr = relative_error(mha(blank, c), y);
            BOOST_TEST(berr <= tolerance);
            worst = std::max(worst, berr);
            ++reverse;
            report << "  " << r.entry << " -> " << src.entry << " (error " << fmt_err(berr) << ")\n";
          }
        }
      }
    }
  }
  std::cout << "\n=== attention entries against torch.nn.MultiheadAttention ===\n"
            << checked << " conversions from PyTorch and " << reverse << " into it, worst relative error " << fmt_err(worst)
            << "; " << caught << " of " << mutations << " mutated layouts caught\n"
            << report.str() << std::flush;
  BOOST_TEST(checked >= 60);
  BOOST_TEST(reverse >= 10);
  BOOST_TEST(mutations > 0);
}

BOOST_AUTO_TEST_CASE(recurrent_entries_conform_to_pytorch) {
  int checked = 0, reverse = 0, mutations = 0, caught = 0;
  double worst = 0;
  mutated_entries mutated;
  std::ostringstream report;
  for (const case_data& c : cases()) {
    if (c.kind != "lstm" && c.kind != "gru") continue;
    const rnn_params torch = torch_rnn(c);
    const std::vector<double> want = rnn_expected(c);
    BOOST_TEST_REQUIRE(relative_error(rnn(torch, c), want) <= tolerance);
    const entry_info& tw = entry(c.kind == "lstm" ? "torch.lstm" : "torch.gru");
    const entry_info& tb = entry(c.kind == "lstm" ? "torch.lstm:bias" : "torch.gru:bias");
    const rnn_raw* torch_raw = nullptr;
    for (const rnn_raw& r : rnn_table())
      if (r.weight_entry == tw.name) torch_raw = &r;
    axle::op_options fold;
    fold.fold_bias = true;
    for (const rnn_raw& r : rnn_table()) {
      if (r.kind != c.kind) continue;
      const entry_info& e = entry(r.weight_entry);
      BOOST_TEST_CONTEXT(c.name << ": " << tw.name << " -> " << r.weight_entry) {
        // Forward: weight_ih, weight_hh (and the biases) converted by axle, read as the framework stores them.
        rnn_params p = torch;
        std::string notation;
        for (const bool hidden : {false, true}) {
          const char* file = hidden ? "weight_hh" : "weight_ih";
          const std::vector<double> stored = convert(tw, e, c.a.at(file), c.shape.at(file), {}, nullptr);
          read_rnn_weight(r, stored, hidden, p);
          if (!hidden) notation = axle::op_conversion(tw, e).notation();
        }
        if (!r.bias_entry.empty()) {
          const entry_info& be = entry(r.bias_entry);
          const std::vector<double> stored = convert(tb, be, c.a.at("bias"), c.shape.at("bias"), fold, nullptr);
          read_rnn_bias(r, stored, p);
          notation += "; bias: " + axle::op_conversion(tb, be, fold).notation();
        }
        const double err = relative_error(rnn(p, c), want);
        BOOST_TEST(err <= tolerance);
        worst = std::max(worst, err);
        ++checked;
        report << "  " << tw.name << " -> " << r.weight_entry << ": " << notation << "  (error " << fmt_err(err) << ")\n";
        // A mutated gate order must change the numbers.
        if (const entry_info* m = mutated.rotate_gates(e)) {
          ++mutations;
          rnn_params q = torch;
          const std::vector<double> ms = convert(tw, *m, c.a.at("weight_ih"), c.shape.at("weight_ih"), {}, nullptr);
          read_rnn_weight(r, ms, false, q);
          const bool differs = relative_error(rnn(q, c), want) > tolerance;
          caught += differs;
          BOOST_TEST(differs, "rotated gate labels in " << r.weight_entry << " went unnoticed");
        }
        // Backward, where the meanings allow it: the framework's storage converted into PyTorch's.
        if (axle::meaning_conflict(e.meaning, *e.weight, tw.meaning, *tw.weight) == axle::conflict::none) {
          rnn_params q = torch;
          for (const bool hidden : {false, true}) {
            const char* file = hidden ? "weight_hh" : "weight_ih";
            const std::vector<double> theirs = write_rnn_weight(r, torch, hidden);
            const std::vector<double> ours =
                convert(e, tw, theirs, shape_of(parse_spec(r.weight), {{'o', torch.hidden}, {'i', hidden ? torch.hidden : torch.in}}), {},
                        nullptr);
            BOOST_TEST_REQUIRE(ours.size() == c.a.at(file).size());
            read_rnn_weight(*torch_raw, ours, hidden, q);
          }
          if (!r.bias_entry.empty() && r.bias_form == "two") {
            const entry_info& be = entry(r.bias_entry);
            const std::vector<double> theirs = write_rnn_bias(r, torch);
            const std::vector<double> ours = convert(be, tb, theirs, shape_of(parse_spec(r.bias), {{'o', torch.hidden}}), {}, nullptr);
            read_rnn_bias(*torch_raw, ours, q);
          }
          const double berr = relative_error(rnn(q, c), want);
          BOOST_TEST(berr <= tolerance);
          worst = std::max(worst, berr);
          ++reverse;
          report << "  " << r.weight_entry << " -> " << tw.name << " (error " << fmt_err(berr) << ")\n";
        }
      }
    }
  }
  std::cout << "\n=== recurrent entries against torch.nn.LSTM and torch.nn.GRU ===\n"
            << checked << " conversions from PyTorch and " << reverse << " into it, worst relative error " << fmt_err(worst)
            << "; " << caught << " of " << mutations << " mutated gate orders caught\n"
            << report.str() << std::flush;
  BOOST_TEST(checked >= 15);
  BOOST_TEST(reverse >= 8);
  BOOST_TEST(mutations >= 8);
  BOOST_TEST(caught == mutations);
}

// The two meanings axle refuses are different functions, not different layouts.
BOOST_AUTO_TEST_CASE(refused_gru_meanings_compute_something_else) {
  for (const case_data& c : cases()) {
    if (c.kind != "gru") continue;
    const rnn_params torch = torch_rnn(c);
    const std::vector<double> want = rnn_expected(c);
    // ONNX's default GRU (linear_before_reset = 0): axle refuses the conversion...
    BOOST_CHECK_THROW(axle::op_conversion(entry("torch.gru"), entry("onnx.gru")), axle::conversion_error);
    BOOST_CHECK_THROW(axle::op_conversion(entry("torch.gru:bias"), entry("onnx.gru:bias")), axle::conversion_error);
    // ...because the same (correctly ordered) numbers computed with the reset gate before the matmul differ.
    rnn_params before = torch;
    before.reset_before = true;
    const double reset_error = relative_error(rnn(before, c), want);
    BOOST_TEST(reset_error > 1e-3);
    // A reset-after GRU's biases folded into one, b_hn included: refused, and wrong.
    axle::op_options fold;
    fold.fold_bias = true;
    BOOST_CHECK_THROW(axle::op_conversion(entry("torch.gru:bias"), entry("keras.gru:reset_before_bias"), fold), axle::conversion_error);
    rnn_params folded = torch;
    for (char g : std::string("rzn"))
      for (std::size_t u = 0; u < folded.bx[g].size(); ++u) {
        folded.bx[g][u] += folded.bh[g][u];
        folded.bh[g][u] = 0;
      }
    const double fold_error = relative_error(rnn(folded, c), want);
    BOOST_TEST(fold_error > 1e-3);
    std::cout << "negative controls (" << c.name << "): PyTorch's GRU computed with the reset gate before the matmul differs by "
              << fmt_err(reset_error) << "; with b_hn folded into b_in by " << fmt_err(fold_error) << "\n";
  }
}
