// Prints docs/catalogue.md from the registry (axle/catalogue.hpp).
//
//     gen_catalogue_doc                  the markdown, to standard output
//     gen_catalogue_doc --output FILE    write it to FILE
//     gen_catalogue_doc --check FILE     exit 1 when FILE differs from it (the CTest drift test)
//
// Regenerate the committed file with `cmake --build --preset gcc --target update_catalogue_doc`.
#include <axle/catalogue.hpp>
#include <axle/notation.hpp>
#include <axle/op_conversion.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace cat = axle::catalogue;

std::string_view framework_title(std::string_view f) {
  static const std::map<std::string_view, std::string_view> titles{
      {"torch", "PyTorch"},         {"tf", "TensorFlow (tf.nn)"}, {"keras", "Keras 3"},       {"jax", "JAX (lax)"},
      {"flax", "Flax"},             {"equinox", "Equinox"},       {"haiku", "Haiku"},         {"onnx", "ONNX"},
      {"tflite", "TensorFlow Lite"}, {"coreml", "Core ML (MIL)"}, {"mlx", "MLX"},             {"onednn", "oneDNN"},
      {"openvino", "OpenVINO"},     {"tensorrt", "TensorRT"},     {"ggml", "ggml"},           {"caffe", "Caffe"},
      {"tinygrad", "tinygrad"},     {"cudnn", "cuDNN"},           {"flash_attn", "FlashAttention"},
      {"transformers", "Hugging Face Transformers"}, {"llama", "Meta LLaMA (reference code)"}, {"gguf", "GGUF (llama.cpp)"}};
  const auto it = titles.find(f);
  return it == titles.end() ? f : it->second;
}

/// Text for a table cell: no line breaks, `|` escaped.
std::string cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string code(const axle::value::layout& l) {
  // Appended, not `"`" + s`: g++ 12 at -O2 and above warns (-Wrestrict) inside that operator+.
  std::string out = "`";
  out += cell(axle::to_string(l));
  out += '`';
  return out;
}

std::string render() {
  std::ostringstream md;
  const auto all = cat::entries();
  md << "<!-- Generated from axle::catalogue::entries() by tools/gen_catalogue_doc.cpp; do not edit. Regenerate: "
        "cmake --build --preset gcc --target update_catalogue_doc (CTest's catalogue_doc_drift fails when this file "
        "is stale). -->\n";
  md << "# Operator catalogue\n\n";
  int unverified = 0;
  std::vector<std::string_view> frameworks;
  for (const auto& e : all) {
    unverified += e.status == axle::status::unverified;
    if (frameworks.empty() || frameworks.back() != e.framework()) frameworks.push_back(e.framework());
  }
  md << all.size() << " entries from " << frameworks.size() << " frameworks (" << unverified
     << " UNVERIFIED). Each entry is a descriptor type in `<axle/catalogue.hpp>` "
        "(`axle::<framework>::<op>`) and a row of the run-time registry `axle::catalogue::entries()`.\n\n";
  md << "* **name**: the CLI name `<framework>.<op>[:<variant>]`. An op that takes any rank has one entry per rank "
        "under one name; the rank (or the weight's number of dimensions) selects it.\n";
  md << "* **weight**: the stored layout in canonical roles: `O` / `I` are the op's own output / input channels per "
        "group, `G` groups, `M` the depthwise multiplier, `D H W` spatial. `(G, O)` is one storage dimension, groups "
        "outer; `H~` is stored reversed relative to the direct-correlation kernel; `I=1` is a unit axis; `O/16` and "
        "`16o` are the blocks of a blocked axis and the position in a block; `gate[i,f,g,o]` names gate blocks. Attention "
        "projections use `heads`, `kv_heads` (grouped-query attention's key/value heads), `head_dim`, the fused sections "
        "`qkv[q,k,v]` (or Falcon's `slot`: per KV head, q_per_kv query heads, a key head, a value head) and, for rows "
        "that carry rotary pairs, `pair[re,im]` and `freq` in place of `head_dim`: `(pair[re,im], freq)` is half-split, "
        "`(freq, pair[re,im])` interleaved.\n";
  md << "* **G = 1**: the layout with one group, which most conversions use (a depthwise weight keeps `G`, its "
        "channels).\n";
  md << "* **meaning**: for convolutions, `forward` correlation; `adjoint`, a transposed convolution that is the "
        "gradient of the convolution using the same stored tensor; `direct`, a transposed convolution that correlates "
        "the stride-dilated input with the stored kernel as is. For recurrent ops, the gate a tensor holds (when one), "
        "where a GRU applies its reset gate (`reset after` the hidden matmul, as PyTorch, or `before` it) and how the "
        "op adds its biases (`two biases`, input and hidden, stored stacked as `bias[ih,hh]`; `one bias`; `one bias + "
        "b_hn`, the GRU candidate's hidden bias kept apart). For attention projections, the section (`q`, `k`, `v`, "
        "`out`, or `q, k, v` fused) and the rotary embedding its rows carry (`pair[re,im]` and `freq` split a head's "
        "rows into rotary pairs). Two ops convert only when their meanings agree ([model](model.md#meaning)).\n";
  md << "* **status**: `verified` when read in the framework's own source or documentation (the sources below), "
        "`UNVERIFIED` otherwise.\n\n";
  md << "| framework | entries |\n|---|---|\n";
  for (std::string_view f : frameworks) {
    int n = 0;
    for (const auto& e : all) n += e.framework() == f;
    md << "| [" << framework_title(f) << "](#" << f << ") | " << n << " |\n";
  }
  for (std::string_view f : frameworks) {
    md << "\n## " << framework_title(f) << " <a id=\"" << f << "\"></a>\n\n";
    md << "| name | rank | family | meaning | weight | G = 1 | activation | status |\n";
    md << "|---|---|---|---|---|---|---|---|\n";
    for (const auto& e : all) {
      if (e.framework() != f) continue;
      md << "| `" << cell(e.name) << "` | " << e.spatial << " | " << axle::to_string(e.family) << " | "
         << axle::describe_meaning(e) << " | " << code(*e.weight) << " | "
         << (e.supports_groups && e.family != axle::family::depthwise_conv ? code(*e.weight_ungrouped) : std::string("same"))
         << " | " << code(*e.activation) << " | " << (e.status == axle::status::verified ? "verified" : "**UNVERIFIED**")
         << " |\n";
    }
    md << "\nSources and notes:\n\n";
    std::string_view previous;
    for (const auto& e : all) {
      if (e.framework() != f || e.name == previous) continue;
      previous = e.name;
      md << "* `" << e.name << "`: " << e.source << ".";
      if (!e.note.empty()) md << " *" << e.note << ".*";
      md << "\n";
    }
  }
  return md.str();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = render();
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cout << text;
    return 0;
  }
  if (args.size() == 2 && args[0] == "--output") {
    std::ofstream out{std::string(args[1]), std::ios::binary};
    out << text;
    return out ? 0 : 2;
  }
  if (args.size() == 2 && args[0] == "--check") {
    std::ifstream in{std::string(args[1]), std::ios::binary};
    const std::string committed{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (committed == text) return 0;
    std::size_t line = 1;
    for (std::size_t k = 0; k < committed.size() && k < text.size() && committed[k] == text[k]; ++k) line += text[k] == '\n';
    std::cerr << args[1] << " is stale (first difference on line " << line
              << "). Regenerate it: cmake --build --preset gcc --target update_catalogue_doc\n";
    return 1;
  }
  std::cerr << "usage: gen_catalogue_doc [--output FILE | --check FILE]\n";
  return 2;
}
