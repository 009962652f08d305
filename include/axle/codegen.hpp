// axle — a plan rendered as NumPy, PyTorch or JAX code.
//
//     axle::code<torch_convT, equinox_convT>(axle::dialect::numpy)
//         == "np.flip(w, (2, 3)).transpose(1, 0, 2, 3)"
//     axle::code(axle::value::derive(from, to), axle::dialect::torch)   // layouts known at run time
//
// Without reshapes the code is one expression on `w`; with splits, merges or unit axes it is a
// few statements assigning `w`, and a merged dimension whose parts the shape cannot tell reads
// the size from a variable named after the axis (`G`), which the caller defines.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "detail/text.hpp"
#include "engine/normal_form.hpp"
#include "plan.hpp"

namespace axle {

enum class dialect { numpy, torch, jax };

namespace detail {

inline std::string int_list(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace detail

/// The derived conversion `p` (from value::derive, without error) as code in `d`, applied to the
/// array named `var`. It works on the elements of the normal form (value::plan_structure): a
/// storage dimension that moves intact is never reshaped.
inline std::string code(const value::derivation& p, dialect d, std::string_view var = "w") {
  const value::layout& from = *p.from;
  const value::layout& to = *p.to;
  const value::plan_structure x = value::structure_of(p);
  const std::string w(var);
  std::vector<std::string> statements;
  std::string expr = w;
  auto flush = [&] {
    if (expr != w) statements.push_back(w + " = " + expr);
    expr = w;
  };
  // Source elements that survive (a unit axis the target drops does not).
  std::vector<int> kept;
  for (int q = 0; q < x.nsrc; ++q) {
    bool used = false;
    for (int k = 0; k < x.ndst; ++k) used = used || x.src_of_dst[k] == q;
    if (used || !p.src[x.src_first[q]].unit) kept.push_back(q);
  }
  // 1. Split: reshape so that every kept element is one axis.
  bool split = kept.size() != static_cast<std::size_t>(from.nentries);
  for (int q : kept) split = split || (!x.src_kept[p.src_entry[x.src_first[q]]] && from.entry_size(p.src_entry[x.src_first[q]]) != 1);
  if (split) {
    std::string shape;
    for (int e = 0; e < from.nentries; ++e) {
      std::vector<int> elems;
      for (int q : kept)
        if (p.src_entry[x.src_first[q]] == e) elems.push_back(q);
      const std::string dim = w + ".shape[" + std::to_string(e) + "]";
      if (x.src_kept[e]) {
        shape += (shape.empty() ? "" : ", ") + dim;
        continue;
      }
      // Static atoms by their extent; every dynamic atom but the last by a variable named after
      // its axis; the last one by what the dimension leaves.
      int last = -1;
      for (int q : elems)
        if (p.src[x.src_first[q]].extent == dynamic_extent) last = q;
      std::vector<std::string> others;
      for (int q : elems) {
        const value::atom& a = p.src[x.src_first[q]];
        if (q != last) others.push_back(a.extent != dynamic_extent ? std::to_string(a.extent) : std::string(a.name()));
      }
      for (int q : elems) {
        const value::atom& a = p.src[x.src_first[q]];
        std::string size;
        if (a.extent != dynamic_extent) {
          size = std::to_string(a.extent);
        } else if (q != last) {
          size = std::string(a.name());
        } else {
          size = dim;
          std::string divisor;
          for (const std::string& o : others) divisor += (divisor.empty() ? "" : " * ") + o;
          if (!divisor.empty()) size += " // " + (others.size() > 1 ? "(" + divisor + ")" : divisor);
        }
        shape += (shape.empty() ? "" : ", ") + size;
      }
    }
    expr = w + ".reshape(" + shape + (kept.size() == 1 ? ",)" : ")");
    flush();
  }
  auto position = [&](int q) {
    for (std::size_t i = 0; i < kept.size(); ++i)
      if (kept[i] == q) return static_cast<int>(i);
    return -1;
  };
  // 2. Flips, at the positions of the (split) source.
  std::vector<int> flips;
  for (int k = 0; k < x.ndst; ++k)
    if (x.dst_count[k] == 1 && p.flip[x.dst_first[k]]) flips.push_back(position(x.src_of_dst[k]));
  std::sort(flips.begin(), flips.end());
  if (!flips.empty()) {
    if (d == dialect::torch)
      expr = "torch.flip(" + expr + ", dims=" + detail::tuple_text(flips) + ")";
    else
      expr = (d == dialect::jax ? "jnp.flip(" : "np.flip(") + expr + ", " + detail::tuple_text(flips) + ")";
  }
  // 3. The permutation of the kept elements into target order (without inserted units).
  std::vector<int> perm;
  std::vector<int> dst_pos(static_cast<std::size_t>(x.ndst), -1);
  for (int k = 0; k < x.ndst; ++k) {
    if (x.src_of_dst[k] < 0) continue;
    dst_pos[static_cast<std::size_t>(k)] = static_cast<int>(perm.size());
    perm.push_back(position(x.src_of_dst[k]));
  }
  bool identity = true;
  for (std::size_t q = 0; q < perm.size(); ++q) identity = identity && perm[q] == static_cast<int>(q);
  if (!identity) {
    std::string args;
    for (std::size_t q = 0; q < perm.size(); ++q) args += (q ? ", " : "") + std::to_string(perm[q]);
    expr += (d == dialect::torch ? ".permute(" : ".transpose(") + args + ")";
  }
  // 4. Block reorders: an index array along the axis.
  for (int k = 0; k < x.ndst; ++k) {
    const int t = x.dst_first[k];
    const int r = p.src_of_dst[t];
    if (x.dst_count[k] != 1 || r < 0 || !p.dst[t].labelled() || p.dst[t].label_text() == p.src[r].label_text()) continue;
    std::vector<int> idx;
    for (int j = 0, n = value::label_count(p.dst[t].label_text()); j < n; ++j)
      idx.push_back(value::label_index(p.src[r].label_text(), value::label_at(p.dst[t].label_text(), j)));
    const std::string axis = std::to_string(dst_pos[static_cast<std::size_t>(k)]);
    if (d == dialect::torch)
      expr = "torch.index_select(" + expr + ", " + axis + ", torch.tensor(" + detail::int_list(idx) + "))";
    else if (d == dialect::jax)
      expr = "jnp.take(" + expr + ", jnp.array(" + detail::int_list(idx) + "), axis=" + axis + ")";
    else
      expr = "np.take(" + expr + ", " + detail::int_list(idx) + ", axis=" + axis + ")";
  }
  // 5. Merge: reshape into the target's storage dimensions (inserting unit axes).
  bool merge = x.ndst != to.nentries;
  for (int k = 0; k < x.ndst; ++k) merge = merge || x.src_of_dst[k] < 0;
  if (merge) {
    flush();
    std::string shape;
    for (int e = 0; e < to.nentries; ++e) {
      std::string size;
      for (int k = 0; k < x.ndst; ++k) {
        if (p.dst_entry[x.dst_first[k]] != e || dst_pos[static_cast<std::size_t>(k)] < 0) continue;
        size += (size.empty() ? "" : " * ") + w + ".shape[" + std::to_string(dst_pos[static_cast<std::size_t>(k)]) + "]";
      }
      shape += (shape.empty() ? "" : ", ") + (size.empty() ? std::string("1") : size);
    }
    expr = w + ".reshape(" + shape + (to.nentries == 1 ? ",)" : ")");
  }
  if (d == dialect::torch && (!flips.empty() || !identity)) expr += ".contiguous()";
  if (statements.empty()) return expr;
  flush();
  if (statements.size() == 1) return statements[0].substr(w.size() + 3);  // one step: an expression
  std::string text;
  for (const std::string& s : statements) text += s + "\n";
  return text;
}

/// The conversion from `From` to `To` as code in `d`, applied to the array named `var`.
template <layout_type From, layout_type To>
std::string code(dialect d, std::string_view var = "w") {
  static_assert(convertible_v<From, To> || !std::is_same_v<plan_t<From, To>, void>);
  return code(detail::derivation<From, To>::value, d, var);
}

}  // namespace axle
