// axle — a plan rendered as NumPy, PyTorch or JAX code.
//
//     axle::numpy_code<torch_convT, equinox_convT>()
//         == "np.flip(w, (2, 3)).transpose(1, 0, 2, 3)"
//
// Without reshapes the code is one expression on `w`; with splits, merges or unit axes it is a
// few statements assigning `w`, and a merged dimension whose parts the shape cannot tell reads
// the size from a variable named after the axis (`G`), which the caller defines.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "detail/model.hpp"
#include "plan.hpp"

namespace axle {

enum class dialect { numpy, torch, jax };

namespace detail {

inline std::string int_tuple(const std::vector<int>& v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}
inline std::string int_list(const std::vector<int>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

/// Renders plan `p` (from derive(), without error) applied to the array named `var`.
inline std::string render(const plan_desc& p, dialect d, std::string_view var = "w") {
  const layout_desc& from = *p.from;
  const layout_desc& to = *p.to;
  const std::string w(var);
  std::vector<std::string> statements;
  std::string expr = w;
  auto flush = [&] {
    if (expr != w) statements.push_back(w + " = " + expr);
    expr = w;
  };
  // 1. Split: reshape into the refined source atoms, without the unit axes the target drops.
  std::vector<int> kept;  // refined source atoms that survive, in order
  bool split = false;
  for (int r = 0; r < p.nsrc; ++r) {
    bool dropped = p.src[r].unit;
    for (int k = 0; k < p.ndst && dropped; ++k) dropped = p.src_of_dst[k] != r;
    if (!dropped) kept.push_back(r);
  }
  for (int e = 0; e < from.nentries; ++e) {
    int count = 0;
    for (int r : kept) count += p.src_entry[r] == e;
    split = split || count != 1;
  }
  if (split) {
    std::string shape;
    for (int e = 0; e < from.nentries; ++e) {
      // Static atoms by their extent; every dynamic atom but the last by a variable named after
      // its axis; the last one by what the dimension leaves.
      std::vector<int> atoms;
      for (int r : kept)
        if (p.src_entry[r] == e) atoms.push_back(r);
      int last = -1;
      for (int r : atoms)
        if (p.src[r].extent == dynamic_extent) last = r;
      std::vector<std::string> others;
      for (int r : atoms) {
        const atom& a = p.src[r];
        std::string size = a.extent != dynamic_extent ? std::to_string(a.extent) : std::string(a.name());
        if (r != last) others.push_back(size);
      }
      for (int r : atoms) {
        const atom& a = p.src[r];
        std::string size;
        if (a.extent != dynamic_extent) {
          size = std::to_string(a.extent);
        } else if (r != last) {
          size = std::string(a.name());
        } else {
          size = w + ".shape[" + std::to_string(e) + "]";
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
  // 2. Flips, at the positions of the (split) source.
  std::vector<int> flips;
  for (int k = 0; k < p.ndst; ++k)
    if (p.flip[k])
      for (std::size_t q = 0; q < kept.size(); ++q)
        if (kept[q] == p.src_of_dst[k]) flips.push_back(static_cast<int>(q));
  std::sort(flips.begin(), flips.end());
  if (!flips.empty()) {
    if (d == dialect::torch)
      expr = "torch.flip(" + expr + ", dims=" + int_tuple(flips) + ")";
    else
      expr = (d == dialect::jax ? "jnp.flip(" : "np.flip(") + expr + ", " + int_tuple(flips) + ")";
  }
  // 3. The permutation of the kept atoms into target order (without inserted units).
  std::vector<int> perm;
  std::vector<int> dst_pos(static_cast<std::size_t>(p.ndst), -1);
  for (int k = 0; k < p.ndst; ++k) {
    if (p.src_of_dst[k] < 0) continue;
    for (std::size_t q = 0; q < kept.size(); ++q)
      if (kept[q] == p.src_of_dst[k]) {
        dst_pos[static_cast<std::size_t>(k)] = static_cast<int>(perm.size());
        perm.push_back(static_cast<int>(q));
      }
  }
  bool identity = true;
  for (std::size_t q = 0; q < perm.size(); ++q) identity = identity && perm[q] == static_cast<int>(q);
  if (!identity) {
    std::string args;
    for (std::size_t q = 0; q < perm.size(); ++q) args += (q ? ", " : "") + std::to_string(perm[q]);
    expr += (d == dialect::torch ? ".permute(" : ".transpose(") + args + ")";
  }
  // 4. Block reorders: an index array along the axis.
  for (int k = 0; k < p.ndst; ++k) {
    const int r = p.src_of_dst[k];
    if (r < 0 || !p.dst[k].labelled() || p.dst[k].label_text() == p.src[r].label_text()) continue;
    std::vector<int> idx;
    for (int j = 0, n = label_count(p.dst[k].label_text()); j < n; ++j)
      idx.push_back(label_index(p.src[r].label_text(), label_at(p.dst[k].label_text(), j)));
    const std::string axis = std::to_string(dst_pos[static_cast<std::size_t>(k)]);
    if (d == dialect::torch)
      expr = "torch.index_select(" + expr + ", " + axis + ", torch.tensor(" + int_list(idx) + "))";
    else if (d == dialect::jax)
      expr = "jnp.take(" + expr + ", jnp.array(" + int_list(idx) + "), axis=" + axis + ")";
    else
      expr = "np.take(" + expr + ", " + int_list(idx) + ", axis=" + axis + ")";
  }
  // 5. Merge: reshape into the target's storage dimensions (inserting unit axes).
  bool merge = false;
  for (int e = 0; e < to.nentries; ++e) {
    int count = 0;
    for (int k = 0; k < p.ndst; ++k) count += p.dst_entry[k] == e;
    merge = merge || count != 1 || to.entry_size(e) != 1;
  }
  for (int k = 0; k < p.ndst; ++k) merge = merge || p.src_of_dst[k] < 0;
  if (merge) {
    flush();
    std::string shape;
    for (int e = 0; e < to.nentries; ++e) {
      std::string size;
      for (int k = 0; k < p.ndst; ++k) {
        if (p.dst_entry[k] != e || dst_pos[static_cast<std::size_t>(k)] < 0) continue;
        size += (size.empty() ? "" : " * ") + w + ".shape[" + std::to_string(dst_pos[static_cast<std::size_t>(k)]) + "]";
      }
      shape += (shape.empty() ? "" : ", ") + (size.empty() ? std::string("1") : size);
    }
    expr = w + ".reshape(" + shape + (to.nentries == 1 ? ",)" : ")");
  }
  if (d == dialect::torch && (!flips.empty() || !identity)) expr += ".contiguous()";
  if (statements.empty()) return expr;
  flush();
  std::string code;
  for (const std::string& s : statements) code += s + "\n";
  return code;
}

}  // namespace detail

/// The conversion from `From` to `To` as code in `d`, applied to the array named `var`.
template <layout_type From, layout_type To>
std::string code(dialect d, std::string_view var = "w") {
  static_assert(convertible_v<From, To> || !std::is_same_v<plan_t<From, To>, void>);
  return detail::render(detail::derivation<From, To>::value, d, var);
}

template <layout_type From, layout_type To>
std::string numpy_code(std::string_view var = "w") {
  return code<From, To>(dialect::numpy, var);
}

}  // namespace axle
