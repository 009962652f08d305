// axle — the framework catalogue: every operator descriptor, and a run-time registry of them.
//
//     #include <axle/catalogue.hpp>
//     static_assert(std::is_same_v<axle::op_plan_t<axle::torch::conv_transpose2d, axle::equinox::conv_transpose2d>,
//                                  axle::plan<axle::swap<O, I>, axle::flip<H, W>>>);
//
//     for (const axle::catalogue::entry_info& e : axle::catalogue::entries()) ...
//     const auto* e = axle::catalogue::find("onnx.convtranspose", 2);
//
// Names. Every entry has a CLI name `<framework>.<op>[:<variant>]`: the framework's short name,
// the op as the framework spells it, in lower case, and a variant where one op has several
// meanings (`flax.conv_transpose:transpose_kernel`, `onnx.gemm:transb`, `torch.conv2d:depthwise`,
// `onednn.deconvolution:<tag>`). oneDNN names keep the case of their format tag
// (`onednn.OIhw16i16o`), because the case is the blocking.
//
// Ranks. Where the framework spells the rank in the op's name (torch.conv2d, tf.conv3d_transpose,
// tflite.conv_3d), the name has one entry. Where one op takes any rank (onnx.conv,
// onnx.convtranspose, coreml.conv, openvino.*, tensorrt.*, jax.*, flax.*, tinygrad.*), the
// registry holds one entry per rank under the same name, adjacent, with `spatial` telling them
// apart: `find(name, spatial)` picks one, `find_all(name)` lists them, and
// `find_for_weight_ndim(name, ndim)` picks the one whose weight has `ndim` storage dimensions
// (the rank of a .npy file). (name, spatial) is unique, and so is (name, weight ndim).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue/caffe.hpp"
#include "catalogue/coreml.hpp"
#include "catalogue/cudnn.hpp"
#include "catalogue/equinox.hpp"
#include "catalogue/flash_attn.hpp"
#include "catalogue/flax.hpp"
#include "catalogue/ggml.hpp"
#include "catalogue/gguf.hpp"
#include "catalogue/haiku.hpp"
#include "catalogue/jax.hpp"
#include "catalogue/keras.hpp"
#include "catalogue/llama.hpp"
#include "catalogue/mlx.hpp"
#include "catalogue/onednn.hpp"
#include "catalogue/onnx.hpp"
#include "catalogue/openvino.hpp"
#include "catalogue/tensorrt.hpp"
#include "catalogue/tf.hpp"
#include "catalogue/tflite.hpp"
#include "catalogue/tinygrad.hpp"
#include "catalogue/torch.hpp"
#include "catalogue/transformers.hpp"
#include "ops.hpp"
#include "text.hpp"

namespace axle::catalogue {

/// Every descriptor of the catalogue, framework by framework (the registry's order).
using all_ops =
    axle::detail::concat_t<torch::all_ops, tf::all_ops, keras::all_ops, jax::all_ops, flax::all_ops, equinox::all_ops,
                           haiku::all_ops, onnx::all_ops, tflite::all_ops, coreml::all_ops, mlx::all_ops, onednn::all_ops,
                           openvino::all_ops, tensorrt::all_ops, ggml::all_ops, caffe::all_ops, tinygrad::all_ops,
                           cudnn::all_ops, flash_attn::all_ops, transformers::all_ops, llama::all_ops, gguf::all_ops>;

/// One registry entry: a descriptor's facts as values. The layouts point at the descriptors of
/// the layout types (`axle::detail::desc_of<L>::value`), so the run-time engine (derive, map_plan,
/// render, to_string) works on them directly.
struct entry_info {
  std::string_view name;
  axle::family family;
  int spatial;
  axle::semantics semantics;
  bool supports_groups;
  const value::layout* weight;
  const value::layout* weight_ungrouped;  // G dropped (a depthwise weight keeps its G)
  const value::layout* activation;
  std::string_view source;
  axle::status status;
  std::string_view note;
  op_meaning meaning;  // family, rank and semantics again, and what the op means beyond its layout

  /// `torch` of `torch.conv2d`.
  [[nodiscard]] constexpr std::string_view framework() const noexcept { return name.substr(0, index_of('.')); }
  /// `conv_transpose` of `flax.conv_transpose:transpose_kernel`.
  [[nodiscard]] constexpr std::string_view op() const noexcept {
    const std::size_t dot = index_of('.');
    return name.substr(dot + 1, index_of(':') - dot - 1);
  }
  /// `transpose_kernel` of `flax.conv_transpose:transpose_kernel`, or empty.
  [[nodiscard]] constexpr std::string_view variant() const noexcept {
    const std::size_t colon = index_of(':');
    return colon == name.size() ? std::string_view{} : name.substr(colon + 1);
  }

 private:
  // Not string_view::find, which g++ cannot evaluate at compile time under -fsanitize=null.
  [[nodiscard]] constexpr std::size_t index_of(char c) const noexcept {
    std::size_t k = 0;
    while (k < name.size() && name[k] != c) ++k;
    return k;
  }
};

/// The registry entry of a descriptor.
template <op_type Op>
[[nodiscard]] constexpr entry_info entry_of() noexcept {
  return entry_info{Op::name,
                    Op::family,
                    Op::spatial,
                    Op::semantics,
                    Op::supports_groups,
                    &axle::detail::desc_of<typename Op::weight>::value,
                    &axle::detail::desc_of<ungrouped_weight_t<Op>>::value,
                    &axle::detail::desc_of<typename Op::activation>::value,
                    Op::source,
                    Op::status,
                    Op::note,
                    meaning_of<Op>()};
}

namespace detail {

template <class... Ops>
constexpr std::array<entry_info, sizeof...(Ops)> make_table(axle::detail::type_list<Ops...>) noexcept {
  return {entry_of<Ops>()...};
}

inline constexpr auto table = make_table(all_ops{});

}  // namespace detail

/// Every entry, framework by framework; the entries of one name are adjacent, by rank.
[[nodiscard]] constexpr std::span<const entry_info> entries() noexcept { return detail::table; }

/// All entries named `name` (one per rank), or an empty span.
[[nodiscard]] constexpr std::span<const entry_info> find_all(std::string_view name) noexcept {
  const std::span<const entry_info> all = entries();
  std::size_t first = 0;
  while (first < all.size() && all[first].name != name) ++first;
  std::size_t last = first;
  while (last < all.size() && all[last].name == name) ++last;
  return all.subspan(first, last - first);
}

/// The entry named `name` with `spatial` spatial axes, or null.
[[nodiscard]] constexpr const entry_info* find(std::string_view name, int spatial) noexcept {
  for (const entry_info& e : find_all(name))
    if (e.spatial == spatial) return &e;
  return nullptr;
}

/// The entry named `name` if there is exactly one (any rank), or null.
[[nodiscard]] constexpr const entry_info* find(std::string_view name) noexcept {
  const std::span<const entry_info> all = find_all(name);
  return all.size() == 1 ? &all[0] : nullptr;
}

/// The entry named `name` whose weight has `ndim` storage dimensions (a .npy file's rank), or null.
[[nodiscard]] constexpr const entry_info* find_for_weight_ndim(std::string_view name, int ndim) noexcept {
  for (const entry_info& e : find_all(name))
    if (e.weight->nentries == ndim) return &e;
  return nullptr;
}

/// Up to `max_results` catalogue names close to `name` (edit distance, ignoring case), closest
/// first: for "did you mean ...?" after a failed find. Empty when nothing is close.
[[nodiscard]] inline std::vector<std::string_view> suggest(std::string_view name, std::size_t max_results = 3) {
  struct candidate {
    std::size_t distance;
    std::string_view name;
  };
  std::vector<candidate> found;
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  for (const entry_info& e : entries()) {
    if (!found.empty() && found.back().name == e.name) continue;  // the ranks of one name
    bool seen = false;
    for (const candidate& c : found) seen = seen || c.name == e.name;
    if (seen) continue;
    std::size_t d = edit_distance_within(name, e.name, limit);
    // A bare op name ("conv_transpose2d") or a wrong framework still finds its entries.
    d = std::min(d, edit_distance_within(name, e.name.substr(e.framework().size() + 1), limit) + 1);
    if (d <= limit) found.push_back({d, e.name});
  }
  std::stable_sort(found.begin(), found.end(), [](const candidate& a, const candidate& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.name < b.name;
  });
  std::vector<std::string_view> out;
  for (std::size_t k = 0; k < found.size() && k < max_results; ++k) out.push_back(found[k].name);
  return out;
}

}  // namespace axle::catalogue
