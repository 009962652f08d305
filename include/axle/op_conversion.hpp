// axle — a conversion between two ops' tensors at run time, meanings first.
//
//     const auto* from = axle::catalogue::find("torch.multihead_attention");
//     const auto* to = axle::catalogue::find("keras.multi_head_attention:query");
//     axle::op_conversion c(*from, *to, {.heads = 8});
//     c.notation();                      // select(qkv: q) · split((heads, head_dim) → heads, head_dim) · ...
//     c.code(axle::dialect::numpy);      // heads = 8 / w = w.reshape(3, -1, w.shape[1])[0] / ...
//     axle::strided_map m = c.map(shape);   // then axle::materialize(m, src, dst)
//
// Two ops convert only when their meanings agree (axle::meaning_conflict, <axle/ops.hpp>): the
// constructor throws axle::conversion_error with a one-line reason otherwise — a GRU whose reset
// gate sits on the other side of the matmul, a projection whose rows carry a rotary embedding and
// one whose rows do not, the query projection and the key projection. When they agree, the
// conversion is a derived plan (value::derive) between the layouts the ops store, preceded by what
// no plan expresses:
//
//   select    From fuses sections that To holds one of: the query rows of a fused q|k|v weight
//             (`select(qkv: q)`), a gate's kernel (`select(gate: i)`), or a range of slots of a
//             weight without labels (Falcon: `select(slot: q = [0, q_per_kv))`);
//   pairs     the rows of a fused rotary projection, read as the rotary pairs they hold:
//             head_dim as (pair[re,im], freq) when half-split, (freq, pair[re,im]) when interleaved;
//   fold      two biases summed into one (`fold(bias: ih + hh)`), only when asked (fold_bias); a
//             GRU whose reset gate acts after the matmul keeps its hidden candidate bias apart.
//
// and, between a conv and a depthwise conv, the conv's O read as the multiplier M and its I as
// the unit axis I=1: converting a conv weight to a depthwise one needs I/G = 1, which the shape
// tells (a shape_error naming I/G otherwise).
//
// Sizes the shape cannot tell come in op_options: groups (G), heads, kv_heads; Falcon's
// q_per_kv = heads / kv_heads and slot = q_per_kv + 2 follow from them.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalogue.hpp"
#include "codegen.hpp"
#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "errors.hpp"
#include "mapping.hpp"
#include "notation.hpp"

namespace axle {

/// Sizes a weight's shape cannot tell, and the steps a conversion takes only when asked.
struct op_options {
  std::optional<index_t> groups;    // G (a depthwise weight's G is its channel count)
  std::optional<index_t> heads;     // attention (query) heads
  std::optional<index_t> kv_heads;  // key/value heads (grouped-query attention)
  bool fold_bias = false;           // sum two biases into one
  std::vector<axis_size> sizes;     // other axes' sizes a shape cannot tell (M of a blocked layout, ...)
};

/// "the query projection" for "qkv:q", "gate i" for "gate:i": a section in words.
inline std::string describe_section(std::string_view section) {
  if (section.empty()) return "a whole tensor";
  if (section == "out") return "the output projection";
  const std::string_view axis = section_axis(section);
  const std::string_view label = section_label(section);
  if (axis == "qkv") {
    if (label == "q") return "the query projection";
    if (label == "k") return "the key projection";
    if (label == "v") return "the value projection";
  }
  return std::string(axis) + " " + std::string(label);
}

/// A rotary convention in words.
inline std::string describe(rotary r) {
  switch (r) {
    case rotary::none: return "no rotary embedding";
    case rotary::interleaved: return "rotary embeddings on interleaved pairs (2i, 2i + 1)";
    case rotary::half_split: return "rotary embeddings on half-split pairs (i, i + head_dim/2)";
  }
  return "?";
}

/// A GRU's reset placement in words.
inline std::string describe(reset_gate r) {
  switch (r) {
    case reset_gate::none: return "no reset gate";
    case reset_gate::after: return "the reset gate after the hidden matmul, n = tanh(W_in x + b_in + r * (W_hn h + b_hn))";
    case reset_gate::before: return "the reset gate before the hidden matmul, n = tanh(W_in x + W_hn (r * h) + b_n)";
  }
  return "?";
}

/// A recurrent op's biases in words.
inline std::string describe(bias_form b) {
  switch (b) {
    case bias_form::none: return "no bias";
    case bias_form::one: return "one bias per gate";
    case bias_form::two: return "two biases per gate (input and hidden), both added";
    case bias_form::one_and_hidden_n: return "one bias per gate and the hidden bias of n, inside r * (W_hn h + b_hn)";
  }
  return "?";
}

/// An entry's meaning in a few words, for tables: a transposed conv's semantics; a recurrent
/// tensor's gate, reset placement and biases; a projection's section and rotary embedding.
inline std::string describe_meaning(const catalogue::entry_info& e) {
  const op_meaning& m = e.meaning;
  std::string out;
  auto add = [&](std::string_view s) { out += (out.empty() ? "" : ", ") + std::string(s); };
  switch (e.family) {
    case family::lstm:
    case family::gru:
      if (m.tensor == tensor_kind::bias) add("bias");
      if (!m.section.empty()) add("gate " + std::string(section_label(m.section)));
      if (m.reset != reset_gate::none) add("reset " + std::string(to_string(m.reset)));
      add(m.biases == bias_form::two ? "two biases" : m.biases == bias_form::one ? "one bias" : "one bias + b_hn");
      return out;
    case family::projection:
      if (m.tensor == tensor_kind::bias) add("bias");
      add(m.section.empty() ? std::string("q, k, v") : m.section == "out" ? std::string("out") : std::string(section_label(m.section)));
      if (m.rotary == rotary::half_split) add("rotary half-split");
      if (m.rotary == rotary::interleaved) add("rotary interleaved");
      return out;
    default: return std::string(to_string(e.semantics));
  }
}

namespace detail {

/// The reason, in one line, why `f` does not convert to `t` (conflict `c`).
inline std::string conflict_message(conflict c, const catalogue::entry_info& f, const catalogue::entry_info& t) {
  const std::string fn(f.name), tn(t.name);
  const op_meaning& a = f.meaning;
  const op_meaning& b = t.meaning;
  switch (c) {
    case conflict::none:
    case conflict::section_select: return {};
    case conflict::families:
      return "cannot convert " + fn + " (" + std::string(to_string(a.family)) + ") to " + tn + " (" +
             std::string(to_string(b.family)) + "): their weights mean different things";
    case conflict::spatial_ranks:
      return "cannot convert " + fn + " (" + int_text(a.spatial) + "-D) to " + tn + " (" + int_text(b.spatial) + "-D)";
    case conflict::tensors:
      return "cannot convert " + fn + " (a " + std::string(to_string(a.tensor)) + ") to " + tn + " (a " +
             std::string(to_string(b.tensor)) + ")";
    case conflict::reset_placement:
      return "cannot convert " + fn + " to " + tn + ": " + fn + " applies " + describe(a.reset) + ", " + tn + " " +
             describe(b.reset) + "; the cells compute different functions, and no layout makes them agree";
    case conflict::rotary:
      return "cannot convert " + fn + " to " + tn + ": " + fn + " applies " + describe(a.rotary) + ", " + tn + " " +
             describe(b.rotary) + "; no layout makes them compute the same";
    case conflict::sections:
      if (!a.section.empty() && b.section.empty())
        return "cannot convert " + fn + " to " + tn + ": " + fn + " holds only " + describe_section(a.section) + ", " + tn +
               " fuses several: convert each section into it";
      return "cannot convert " + fn + " (" + describe_section(a.section) + ") to " + tn + " (" + describe_section(b.section) + ")";
    case conflict::bias_fold:
      return fn + " holds " + describe(a.biases) + ", " + tn + " " + describe(b.biases) +
             ": converting sums them, which happens only when asked (--fold-bias)";
    case conflict::head_groups:
      return "cannot convert " + fn + " to " + tn + " as they are: one groups its key/value rows by kv_heads (grouped-query "
             "attention), the other has one key/value head per query head; they agree when kv_heads = heads: give "
             "--kv-heads equal to --heads";
    case conflict::bias_unfoldable:
      if (a.biases == bias_form::two && a.reset == reset_gate::after)
        return "cannot fold " + fn + " into " + tn + ": the hidden bias of the candidate, b_hn, sits inside r * (W_hn h + b_hn), "
               "so b_in + b_hn is another cell; " + tn + " has no place for it";
      return "cannot convert " + fn + " (" + describe(a.biases) + ") to " + tn + " (" + describe(b.biases) +
             "): a summed bias does not split back";
  }
  return "?";
}

/// An atom of a built-in axis type, for layouts rewritten at run time.
template <class T>
constexpr value::atom run_time_atom() noexcept {
  return arg_atom<T>(-1);
}

inline int atom_named(const value::layout& l, std::string_view name) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == name) return i;
  return -1;
}

/// `l` with atom `i` replaced by the atoms `with` (none: removed; an entry left empty disappears).
inline value::layout replace_atom(const value::layout& l, int i, std::span<const value::atom> with) {
  value::layout r;
  for (int e = 0; e < l.nentries; ++e) {
    for (int k = l.entry_begin[e]; k < l.entry_begin[e + 1]; ++k) {
      if (k != i) {
        r.push(l.atoms[k]);
        continue;
      }
      for (const value::atom& a : with) r.push(a);
    }
    if (r.natoms > r.entry_begin[r.nentries]) r.close_entry();
  }
  return r;
}

/// The known size of a whole atom named `name`, or dynamic_extent.
inline index_t known_size(std::span<const axis_size> sizes, std::string_view name) {
  for (const axis_size& s : sizes)
    if (s.axis == name) return s.extent;
  return dynamic_extent;
}

}  // namespace detail

/// One conversion from a tensor of op `from` to a tensor of op `to` (see the header).
class op_conversion {
 public:
  op_conversion(const catalogue::entry_info& from, const catalogue::entry_info& to, const op_options& options = {})
      : f_(&from), t_(&to), options_(options) {
    const conflict c = meaning_conflict(from.meaning, *from.weight, to.meaning, *to.weight);
    const bool one_kv_head_per_head = options.heads && options.kv_heads && *options.heads == *options.kv_heads;
    if (c != conflict::none && c != conflict::section_select && !(c == conflict::bias_fold && options.fold_bias) &&
        !(c == conflict::head_groups && one_kv_head_per_head))
      throw conversion_error(detail::conflict_message(c, from, to));
    choose_layouts();
    if (c == conflict::head_groups) {  // kv_heads = heads: the key/value heads are the heads
      source_ = rename(source_, "kv_heads", detail::run_time_atom<op_axes::heads>());
      target_ = rename(target_, "kv_heads", detail::run_time_atom<op_axes::heads>());
      std::erase_if(sizes_, [](const axis_size& x) { return x.axis == "kv_heads" || x.axis == "q_per_kv"; });
      // Falcon's slots per head are then one query, one key, one value head: the sections q, k, v.
      const value::atom sections = detail::run_time_atom<labels<op_axes::qkv, "q,k,v">>();
      for (value::layout* l : {&source_, &target_}) {
        const int s = detail::atom_named(*l, "slot");
        if (s >= 0 && detail::atom_named(l == &source_ ? target_ : source_, "qkv") >= 0) {
          *l = detail::replace_atom(*l, s, std::span<const value::atom>(&sections, 1));
          std::erase_if(sizes_, [](const axis_size& x) { return x.axis == "slot"; });
        }
      }
    }
    if (!to.meaning.section.empty() && from.meaning.section != to.meaning.section) select_section();
    read_pairs();
    if (c == conflict::bias_fold) fold_biases();
    split_grouped_heads();
    derive_plan();
  }
  op_conversion(const op_conversion& o) { *this = o; }
  op_conversion& operator=(const op_conversion& o) {
    if (this == &o) return *this;
    f_ = o.f_, t_ = o.t_, options_ = o.options_, source_ = o.source_, selected_ = o.selected_, folded_ = o.folded_,
    target_ = o.target_, sizes_ = o.sizes_, grouped_ = o.grouped_, select_ = o.select_, pairs_ = o.pairs_, fold_ = o.fold_;
    derivation_ = value::derive(folded_, target_);
    return *this;
  }

  /// The source tensor's layout, as the conversion reads it (with one group: G as a unit axis).
  [[nodiscard]] const value::layout& from_layout() const noexcept { return source_; }
  /// The target tensor's layout.
  [[nodiscard]] const value::layout& to_layout() const noexcept { return target_; }
  /// The derived plan after the selection, the pairs and the fold: from its `from` to to_layout().
  [[nodiscard]] const value::derivation& derivation() const noexcept { return derivation_; }
  /// The sizes the conversion binds (G, heads, kv_heads, q_per_kv, slot).
  [[nodiscard]] std::span<const axis_size> sizes() const noexcept { return sizes_; }
  /// Whether the layouts keep G (several groups, or a depthwise weight).
  [[nodiscard]] bool grouped() const noexcept { return grouped_; }
  /// Whether the conversion sums two biases (then use fold(), not map()).
  [[nodiscard]] bool folds() const noexcept { return fold_.atom >= 0; }

  /// `select(qkv: q) · fold(bias: ih + hh) · <plan>`, the plan in axle's notation.
  [[nodiscard]] std::string notation() const {
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : " \u00b7 ") + s; };
    if (select_.atom >= 0) add(select_.text);
    if (!pairs_.empty()) add(pairs_);
    if (fold_.atom >= 0) add(fold_.text);
    const std::string plan = to_string(value::normal_form(derivation_));
    if (plan != "id" || out.empty()) add(plan);
    return out;
  }

  /// What the conversion leaves out of the target, when anything (a GRU's b_hn): one line.
  [[nodiscard]] std::string remark() const { return fold_.remark; }

  /// The conversion as NumPy, PyTorch or JAX code on the array `var`: assignments of the sizes it
  /// binds, the selection and the fold, then the plan (codegen.hpp).
  [[nodiscard]] std::string code(dialect d, std::string_view var = "w") const {
    const std::string w(var);
    std::string text;
    for (const axis_size& s : sizes_) text += std::string(s.axis) + " = " + std::to_string(s.extent) + "\n";
    if (select_.atom >= 0) text += select_code(d, w);
    if (fold_.atom >= 0) text += fold_code(d, w);
    const std::string plan = axle::code(derivation_, d, var);
    if (plan != w) text += plan.find('\n') == std::string::npos ? w + " = " + plan + "\n" : plan;
    if (text.empty()) return w;
    if (text.back() == '\n') text.pop_back();
    // One statement assigning w: the expression alone.
    if (text.find('\n') == std::string::npos && text.rfind(w + " = ", 0) == 0 && sizes_.empty()) return text.substr(w.size() + 3);
    return text;
  }

  /// The map of the conversion onto a contiguous source of storage shape `shape` (not for a
  /// fold): materialize(m, src, dst) writes the target. Throws shape_error naming the op.
  [[nodiscard]] strided_map map(std::span<const index_t> shape) const {
    if (fold_.atom >= 0) throw conversion_error(std::string(f_->name) + " to " + std::string(t_->name) + ": a fold sums elements: use fold()");
    return map_at(shape, 0);
  }

  /// The target's storage shape for a source of storage shape `shape`.
  [[nodiscard]] std::vector<index_t> target_shape(std::span<const index_t> shape) const { return map_at(shape, 0).target_shape; }

  /// Writes the target of a fold: the two biases' sum (the hidden candidate bias of a GRU whose
  /// reset acts after the matmul left out), for a contiguous source of shape `shape`.
  template <class T>
  void fold(std::span<const index_t> shape, const T* src, T* dst) const {
    const strided_map a = map_at(shape, 0);
    const strided_map b = map_at(shape, 1);
    // The target axis holding the gates, and which of its positions keep the hidden bias out.
    int gate_axis = -1;
    std::array<bool, max_labels> keep_out{};
    if (!fold_.except.empty()) {
      for (int k = 0; k < derivation_.ndst; ++k) {
        const value::atom& x = derivation_.dst[k];
        if (x.name() != "gate" || !x.labelled()) continue;
        gate_axis = k;
        for (int j = 0, n = value::label_count(x.label_text()); j < n && j < max_labels; ++j)
          keep_out[static_cast<std::size_t>(j)] = value::label_at(x.label_text(), j) == fold_.except;
      }
    }
    std::array<index_t, value::max_atoms> idx{};
    const index_t n = a.size();
    for (index_t flat = 0; flat < n; ++flat) {
      T v = src[a.source_index(idx.data())];
      if (gate_axis < 0 || !keep_out[static_cast<std::size_t>(idx[static_cast<std::size_t>(gate_axis)])])
        v = static_cast<T>(v + src[b.source_index(idx.data())]);
      dst[flat] = v;
      for (int k = a.rank - 1; k >= 0; --k) {
        if (++idx[static_cast<std::size_t>(k)] < a.extent[static_cast<std::size_t>(k)]) break;
        idx[static_cast<std::size_t>(k)] = 0;
      }
    }
  }

 private:
  struct selection {
    int atom = -1;        // the atom of source_ selected
    index_t index = 0;    // its label's position, or the first slot of a range
    std::string count;    // a range's length: a size name ("q_per_kv"), empty for one position
    std::string first;    // a range's first slot as a size name ("q_per_kv"), or empty
    std::string text;     // select(qkv: q)
  };
  struct folding {
    int atom = -1;        // the bias atom of selected_
    std::string except;   // a gate label whose hidden bias stays out ("n")
    std::string text;
    std::string remark;
  };

  const catalogue::entry_info* f_;
  const catalogue::entry_info* t_;
  op_options options_;
  value::layout source_, selected_, folded_, target_;
  std::vector<axis_size> sizes_;
  bool grouped_ = false;
  selection select_;
  std::string pairs_;
  folding fold_;
  value::derivation derivation_;

  [[nodiscard]] std::string op_names() const { return std::string(f_->name) + " to " + std::string(t_->name); }

  void bind(std::string_view axis, index_t extent) { sizes_.push_back({axis, extent}); }

  // Groups, as the command line always chose them; a conv facing a depthwise conv reads as one.
  void choose_layouts() {
    source_ = *f_->weight;
    target_ = *t_->weight;
    const index_t g = options_.groups.value_or(1);
    const bool fd = f_->family == family::depthwise_conv;
    const bool td = t_->family == family::depthwise_conv;
    if (fd || td) {
      if (!fd) source_ = as_depthwise(source_);
      if (!td) target_ = as_depthwise(target_);
      if (options_.groups) bind("G", g);
      grouped_ = true;
    } else if (g == 1) {
      source_ = value::one_group(source_);
      target_ = value::one_group(target_);
    } else {
      for (const catalogue::entry_info* e : {f_, t_})
        if (!detail::layout_has_axis_named(*e->weight, "G"))
          throw conversion_error(std::string(e->name) +
                                 (e->name.starts_with('(') ? " has no G axis: it holds one group" : " does not support groups") +
                                 " (--groups " + detail::int_text(g) + ")");
      bind("G", g);
      grouped_ = true;
    }
    for (const axis_size& s : options_.sizes) bind(s.axis, s.extent);
    if (options_.heads && (detail::layout_has_axis_named(source_, "heads") || detail::layout_has_axis_named(target_, "heads") ||
                           !f_->meaning.sections.empty()))
      bind("heads", *options_.heads);
    if (options_.kv_heads && (detail::layout_has_axis_named(source_, "kv_heads") || detail::layout_has_axis_named(target_, "kv_heads")))
      bind("kv_heads", *options_.kv_heads);
    // Falcon: q_per_kv query heads per KV head, slot = q_per_kv + 2.
    const std::string_view spec = f_->meaning.sections;
    if (!spec.empty()) {
      if (!options_.heads || !options_.kv_heads)
        throw conversion_error(std::string(f_->name) + " holds heads/kv_heads + 2 slots per KV head: give both --heads and --kv-heads");
      if (*options_.heads % *options_.kv_heads != 0)
        throw conversion_error(std::string(f_->name) + ": --heads " + detail::int_text(*options_.heads) + " is not a multiple of --kv-heads " +
                               detail::int_text(*options_.kv_heads));
      const index_t per = *options_.heads / *options_.kv_heads;
      const auto slots = detail::checked_add(per, index_t{2});
      if (!slots) throw conversion_error(std::string(f_->name) + ": --heads is too large");
      bind("q_per_kv", per);
      bind(detail::sections_axis(spec), *slots);
    }
  }

  static value::layout rename(value::layout l, std::string_view name, const value::atom& to) {
    for (int i = 0; i < l.natoms; ++i)
      if (l.atoms[i].name() == name) {
        l.atoms[i].axis = to.axis;
        l.atoms[i].info = to.info;
        l.atoms[i].source = l.atoms[i].axis_source = -1;
      }
    return l;
  }

  static value::layout as_depthwise(const value::layout& l) {
    value::layout r = l;
    const value::atom m = detail::run_time_atom<axes::M>();
    for (int i = 0; i < r.natoms; ++i) {
      value::atom& a = r.atoms[i];
      if (a.name() == "O" && a.kind() == axis_kind::channel) {
        a.axis = m.axis;
        a.info = m.info;
        a.source = a.axis_source = -1;
      } else if (a.name() == "I" && a.kind() == axis_kind::channel && value::is_whole(a)) {
        a.unit = true;
        a.extent = 1;
      }
    }
    return r;
  }

  // From a fused tensor, the section To holds.
  void select_section() {
    const std::string_view section = t_->meaning.section;
    const std::string_view axis = section_axis(section);
    const std::string_view label = section_label(section);
    const int a = detail::atom_named(source_, axis);
    if (a >= 0 && source_.atoms[a].labelled()) {
      select_.atom = a;
      select_.index = value::label_index(source_.atoms[a].label_text(), label);
      select_.text = "select(" + std::string(axis) + ": " + std::string(label) + ")";
      selected_ = detail::replace_atom(source_, a, {});
      return;
    }
    // A fused axis without labels: the sections spec, "slot=q:q_per_kv,k:1,v:1".
    const std::string_view spec = f_->meaning.sections;
    const std::string_view slot = detail::sections_axis(spec);
    const std::string_view list = detail::sections_list(spec);
    const int s = detail::atom_named(source_, slot);
    std::string first;  // the offset so far: a sum of sizes and numbers
    index_t offset = 0;
    for (int k = 0, n = value::label_count(list); k < n; ++k) {
      const std::string_view item = value::label_at(list, k);
      const std::string_view name = section_axis(item);
      const std::string_view count = section_label(item);
      const index_t extent = count == "1" ? 1 : detail::known_size(sizes_, count);
      if (name == label) {
        select_.atom = s;
        select_.index = offset;
        select_.first = first;
        const std::string from = first.empty() ? detail::int_text(offset) : first;
        if (count == "1") {
          select_.text = "select(" + std::string(slot) + ": " + std::string(label) + " = " + from + ")";
          selected_ = detail::replace_atom(source_, s, {});
        } else {
          select_.count = std::string(count);
          const std::string to = from == "0" ? std::string(count) : from + " + " + std::string(count);
          select_.text = "select(" + std::string(slot) + ": " + std::string(label) + " = [" + from + ", " + to + ") \u2192 " +
                         std::string(count) + ")";
          const value::atom q = detail::run_time_atom<op_axes::q_per_kv>();
          selected_ = detail::replace_atom(source_, s, std::span<const value::atom>(&q, 1));
        }
        return;
      }
      offset += extent;
      first += (first.empty() ? "" : " + ") + std::string(count);
    }
    throw conversion_error(op_names() + ": " + std::string(f_->name) + " has no section " + std::string(label));
  }

  // A fused rotary tensor's head_dim, read as the pairs a target with pair axes names.
  void read_pairs() {
    if (select_.atom < 0) selected_ = source_;
    const int hd = detail::atom_named(selected_, "head_dim");
    if (hd < 0 || detail::atom_named(target_, "pair") < 0 || detail::atom_named(target_, "head_dim") >= 0) return;
    const value::atom pair = detail::run_time_atom<labels<op_axes::pair, "re,im">>();
    const value::atom freq = detail::run_time_atom<op_axes::freq>();
    const rotary r = f_->meaning.rotary;
    if (r == rotary::none) return;  // the meanings were checked: not reached
    const std::array<value::atom, 2> atoms = r == rotary::half_split ? std::array{pair, freq} : std::array{freq, pair};
    selected_ = detail::replace_atom(selected_, hd, atoms);
    pairs_ = r == rotary::half_split ? "pairs(head_dim \u2192 pair[re,im], freq)" : "pairs(head_dim \u2192 freq, pair[re,im])";
  }

  void fold_biases() {
    folded_ = selected_;
    const int b = detail::atom_named(selected_, "bias");
    if (b < 0) return;
    fold_.atom = b;
    fold_.text = "fold(bias: ih + hh)";
    if (f_->meaning.reset == reset_gate::after) {
      fold_.except = "n";
      fold_.text = "fold(bias: ih + hh; gate n: ih)";
      fold_.remark = "the hidden bias of the candidate, b_hn (the n block of the hh bias), is not folded: " + std::string(t_->name) +
                     " keeps it apart (MLX bhn, Equinox bias_n)";
    }
    folded_ = detail::replace_atom(selected_, b, {});
  }

  // A query section of a weight grouped by KV head: the target's heads as (kv_heads, q_per_kv),
  // query head h = kv * q_per_kv + s (grouped-query attention's repeat_kv).
  void split_grouped_heads() {
    if (fold_.atom < 0) folded_ = selected_;
    if (detail::atom_named(folded_, "q_per_kv") < 0) return;
    const int h = detail::atom_named(target_, "heads");
    if (h < 0 || !value::is_whole(target_.atoms[h])) return;
    const std::array atoms{detail::run_time_atom<op_axes::kv_heads>(), detail::run_time_atom<op_axes::q_per_kv>()};
    target_ = detail::replace_atom(target_, h, atoms);
  }

  /// "as a torch.conv2d weight", or "as (O, I, H, W)" for an entry named by its layout.
  [[nodiscard]] std::string read_as(std::string_view tensor) const {
    return f_->name.starts_with('(') ? "as " + std::string(f_->name) : "as a " + std::string(f_->name) + " " + std::string(tensor);
  }

  /// "torch.conv2d (O, I, H, W)", or the layout alone for an entry named by its layout.
  static std::string describe(const catalogue::entry_info& e, const value::layout& l) {
    return !e.name.empty() && e.name.front() == '(' ? to_string(l) : std::string(e.name) + " " + to_string(l);
  }

  void derive_plan() {
    derivation_ = value::derive(folded_, target_);
    if (!derivation_.error) return;
    const std::string from = describe(*f_, folded_);
    const std::string to = describe(*t_, target_);
    // A blocked G (oneDNN's gOIhw16g) has a block size: the group count must be given.
    for (const value::layout* l : {&folded_, &target_})
      for (int i = 0; i < l->natoms; ++i) {
        const value::atom& a = l->atoms[i];
        if (a.name() == "G" && a.extent != dynamic_extent && !a.unit && !options_.groups)
          throw conversion_error((l == &folded_ ? from : to) + " blocks its groups by " + detail::int_text(a.extent) +
                                 ": give the group count (--groups, a multiple of " + detail::int_text(a.extent) + ")");
      }
    if (derivation_.error.code == value::error_code::axes_differ) {
      // Name the axes: those the target does not say where they go, those the source lacks.
      auto names = [](const value::layout& l, const int* atoms, int n) {
        std::string out;
        for (int k = 0; k < n; ++k) out += (k ? ", " : "") + std::string(l.atoms[atoms[k]].name());
        return out;
      };
      std::string why;
      if (derivation_.nextra > 0)
        why = to + " does not say where " + names(folded_, derivation_.extra, derivation_.nextra) +
              (derivation_.nextra > 1 ? " go" : " goes");
      if (derivation_.nmissing > 0)
        why += (why.empty() ? "" : "; ") + from + " has no " + names(target_, derivation_.missing, derivation_.nmissing);
      throw conversion_error("cannot convert " + from + " to " + to + ": " + why);
    }
    throw conversion_error("no conversion from " + from + " to " + to);
  }

  /// The map onto a contiguous source; `bias` picks the ih (0) or hh (1) half of a fold.
  [[nodiscard]] strided_map map_at(std::span<const index_t> shape, index_t bias) const {
    // A conv read as depthwise: one input channel per group.
    if (f_->family == family::conv && t_->family == family::depthwise_conv) {
      const value::layout& raw = *f_->weight;
      atom_extents rx;
      try {
        rx = resolve_extents(raw, shape, sizes_, "source");
      } catch (const shape_error& e) {
        std::string what = e.what();
        if (what.rfind("source: ", 0) == 0) what = what.substr(8);
        throw shape_error(read_as("weight") + ": " + what);
      }
      const int ri = detail::atom_named(raw, "I");
      if (ri >= 0 && rx.extent[static_cast<std::size_t>(ri)] != 1)
        throw shape_error(op_names() + ": a depthwise conv has one input channel per group (I/G = 1); this weight " +
                          detail::tuple_text(shape) + " as " + to_string(raw) + " has I/G = " +
                          detail::int_text(rx.extent[static_cast<std::size_t>(ri)]));
    }
    atom_extents x;
    try {
      x = resolve_extents(source_, shape, sizes_, "source");
    } catch (const shape_error& e) {
      std::string what = e.what();
      if (what.rfind("source: ", 0) == 0) what = what.substr(8);
      for (const auto& [axis, option] : {std::pair{"heads", "--heads"}, std::pair{"kv_heads", "--kv-heads"}})
        if (what.find("the size of " + std::string(axis) + " must be given") != std::string::npos)
          what = what.substr(0, what.find(" (for G: --groups)")) + " (" + option + ")";
      throw shape_error(read_as(to_string(f_->meaning.tensor)) + ": " + what);
    }
    // Row-major strides of the source's atoms.
    std::array<index_t, value::max_atoms> ext{}, str{};
    for (index_t s = 1, a = x.n - 1; a >= 0; --a) {
      str[static_cast<std::size_t>(a)] = s;
      s *= x.extent[static_cast<std::size_t>(a)];
    }
    for (int a = 0; a < x.n; ++a) ext[static_cast<std::size_t>(a)] = x.extent[static_cast<std::size_t>(a)];
    index_t offset = 0;
    // The selection: drop the atom (one position) or narrow it (a range).
    std::array<index_t, value::max_atoms> sel_ext{}, sel_str{};
    int n = 0;
    for (int a = 0; a < x.n; ++a) {
      const std::size_t u = static_cast<std::size_t>(a);
      if (a == select_.atom) {
        const index_t first = select_.index;  // the first slot, from the sizes
        offset += first * str[u];
        if (!select_.count.empty()) {
          sel_ext[static_cast<std::size_t>(n)] = detail::known_size(sizes_, select_.count);
          sel_str[static_cast<std::size_t>(n++)] = str[u];
        }
        continue;
      }
      sel_ext[static_cast<std::size_t>(n)] = ext[u];
      sel_str[static_cast<std::size_t>(n++)] = str[u];
    }
    // The fold: one half of the bias axis.
    std::array<index_t, value::max_atoms> fin_ext{}, fin_str{};
    int m = 0;
    for (int a = 0; a < n; ++a) {
      const std::size_t u = static_cast<std::size_t>(a);
      if (a == fold_.atom) {
        offset += bias * sel_str[u];
        continue;
      }
      fin_ext[static_cast<std::size_t>(m)] = sel_ext[u];
      fin_str[static_cast<std::size_t>(m++)] = sel_str[u];
    }
    // The pairs: head_dim's extent and stride split into the two atoms that replace it.
    std::array<index_t, value::max_atoms> e3{}, s3{};
    int k = 0;
    for (int a = 0, b = 0; a < derivation_.from->natoms; ++a) {
      const value::atom& at = derivation_.from->atoms[a];
      const bool pair = at.name() == "pair", freq = at.name() == "freq";
      const bool rewritten = !pairs_.empty() && (pair || freq);
      if (!rewritten) {
        e3[static_cast<std::size_t>(k)] = fin_ext[static_cast<std::size_t>(b)];
        s3[static_cast<std::size_t>(k++)] = fin_str[static_cast<std::size_t>(b++)];
        continue;
      }
      // head_dim (extent d, stride s) as (pair 2, freq d/2) or (freq d/2, pair 2).
      const index_t d = fin_ext[static_cast<std::size_t>(b)], s = fin_str[static_cast<std::size_t>(b)];
      if (d % 2 != 0) throw shape_error(op_names() + ": head_dim " + detail::int_text(d) + " is odd, so it holds no rotary pairs");
      const bool half = f_->meaning.rotary == rotary::half_split;
      const index_t outer_stride = half ? s * (d / 2) : s * 2;
      const index_t inner_stride = s;
      e3[static_cast<std::size_t>(k)] = pair ? 2 : d / 2;
      s3[static_cast<std::size_t>(k++)] = outer_stride;
      const value::atom& next = derivation_.from->atoms[a + 1];
      e3[static_cast<std::size_t>(k)] = next.name() == "pair" ? 2 : d / 2;
      s3[static_cast<std::size_t>(k++)] = inner_stride;
      ++a;
      ++b;
    }
    strided_map r = map_atoms(derivation_, e3.data(), s3.data());
    r.offset += offset;
    r.source_shape.assign(shape.begin(), shape.end());
    r.target_shape = storage_shape(*derivation_.to, r.target_atoms);
    detail::check_target_shape(r, *derivation_.to);
    return r;
  }

  // --- code ------------------------------------------------------------------------------------

  [[nodiscard]] static std::string take(dialect d, const std::string& expr, int axis, const std::string& index) {
    if (d == dialect::torch) return expr + ".select(" + std::to_string(axis) + ", " + index + ")";
    return std::string(d == dialect::jax ? "jnp" : "np") + ".take(" + expr + ", " + index + ", axis=" + std::to_string(axis) + ")";
  }

  /// An array in the making: each dimension holds atoms of layout `l` (by index).
  struct dims {
    std::vector<std::vector<int>> atoms;
  };

  /// `w = w.reshape(...)`: the entries of `l` marked in `split` as one dimension per atom, the
  /// others as they are; the dimensions that result.
  [[nodiscard]] std::string expand(const value::layout& l, const std::vector<bool>& split, const std::string& w, dims& out) const {
    std::string shape;
    bool any = false;
    for (int e = 0; e < l.nentries; ++e) {
      const std::string dim = w + ".shape[" + std::to_string(e) + "]";
      if (!split[static_cast<std::size_t>(e)] || l.entry_size(e) == 1) {
        shape += (shape.empty() ? "" : ", ") + dim;
        std::vector<int> all;
        for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) all.push_back(i);
        out.atoms.push_back(all);
        continue;
      }
      any = true;
      // Static atoms by extent, known sizes by name, the last unknown one by what is left.
      int last = -1;
      for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i)
        if (l.atoms[i].extent == dynamic_extent && detail::known_size(sizes_, l.atoms[i].name()) == dynamic_extent) last = i;
      std::vector<std::string> others;
      for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i)
        if (i != last) others.push_back(l.atoms[i].extent != dynamic_extent ? std::to_string(l.atoms[i].extent) : std::string(l.atoms[i].name()));
      for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
        const value::atom& a = l.atoms[i];
        std::string size;
        if (a.extent != dynamic_extent) {
          size = std::to_string(a.extent);
        } else if (i != last) {
          size = std::string(a.name());
        } else {
          std::string divisor;
          for (const std::string& o : others) divisor += (divisor.empty() ? "" : " * ") + o;
          size = dim + (divisor.empty() ? "" : " // " + (others.size() > 1 ? "(" + divisor + ")" : divisor));
        }
        shape += (shape.empty() ? "" : ", ") + size;
        out.atoms.push_back({i});
      }
    }
    return any ? w + " = " + w + ".reshape(" + shape + ")\n" : std::string();
  }

  /// The dimension of `d` holding atom `a` alone.
  [[nodiscard]] static int dim_of(const dims& d, int a) {
    for (std::size_t k = 0; k < d.atoms.size(); ++k)
      if (d.atoms[k].size() == 1 && d.atoms[k][0] == a) return static_cast<int>(k);
    return -1;
  }

  /// `w = w.reshape(...)` into the storage dimensions of `r`, the layout `l` without atom `removed`
  /// (or with it replaced in place by one atom, removed < 0), from the dimensions `d`.
  [[nodiscard]] static std::string collapse(const value::layout& l, int removed, const dims& d, const std::string& w) {
    // Entry of `r` each atom of `l` goes to.
    std::vector<int> entry(static_cast<std::size_t>(l.natoms), -1);
    int next = 0;
    for (int e = 0; e < l.nentries; ++e) {
      bool used = false;
      for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
        if (i == removed) continue;
        entry[static_cast<std::size_t>(i)] = next;
        used = true;
      }
      next += used;
    }
    std::vector<std::string> sizes(static_cast<std::size_t>(next));
    bool same = static_cast<int>(d.atoms.size()) == next;
    for (std::size_t k = 0; k < d.atoms.size(); ++k) {
      const int r = entry[static_cast<std::size_t>(d.atoms[k][0])];
      std::string& s = sizes[static_cast<std::size_t>(r)];
      s += (s.empty() ? "" : " * ") + w + ".shape[" + std::to_string(k) + "]";
    }
    if (same) return {};
    std::string shape;
    for (const std::string& s : sizes) shape += (shape.empty() ? "" : ", ") + s;
    return w + " = " + w + ".reshape(" + shape + (next == 1 ? ",)" : ")") + "\n";
  }

  [[nodiscard]] std::string select_code(dialect d, const std::string& w) const {
    const int a = select_.atom;
    std::vector<bool> split(static_cast<std::size_t>(source_.nentries), false);
    split[static_cast<std::size_t>(source_.entry_of(a))] = true;
    dims dm;
    std::string text = expand(source_, split, w, dm);
    const int axis = dim_of(dm, a);
    const std::string begin = select_.first.empty() ? std::to_string(select_.index) : select_.first;
    if (select_.count.empty()) {
      text += w + " = " + take(d, w, axis, begin) + "\n";
      dm.atoms.erase(dm.atoms.begin() + axis);
      text += collapse(source_, a, dm, w);
    } else {
      std::string slices;
      for (int k = 0; k < axis; ++k) slices += ":, ";
      const std::string end = begin == "0" ? select_.count : begin + " + " + select_.count;
      text += w + " = " + w + "[" + slices + (begin == "0" ? "" : begin) + ":" + end + "]\n";
      text += collapse(source_, -1, dm, w);
    }
    return text;
  }

  [[nodiscard]] std::string fold_code(dialect d, const std::string& w) const {
    const int b = fold_.atom;
    const int g = fold_.except.empty() ? -1 : detail::atom_named(selected_, "gate");
    std::vector<bool> split(static_cast<std::size_t>(selected_.nentries), false);
    split[static_cast<std::size_t>(selected_.entry_of(b))] = true;
    if (g >= 0) split[static_cast<std::size_t>(selected_.entry_of(g))] = true;
    dims dm;
    std::string text = expand(selected_, split, w, dm);
    const int axis = dim_of(dm, b);
    std::string hidden = take(d, w, axis, "1");
    if (g >= 0) {
      // A mask along the gates keeps the hidden bias of one gate out.
      std::string mask = "[";
      const std::string_view labels = selected_.atoms[g].label_text();
      for (int j = 0, n = value::label_count(labels); j < n; ++j)
        mask += std::string(j ? ", " : "") + (value::label_at(labels, j) == fold_.except ? "0" : "1");
      mask += "]";
      const std::string array = d == dialect::torch ? "torch.tensor(" + mask + ", dtype=" + w + ".dtype)"
                                : d == dialect::jax ? "jnp.array(" + mask + ", dtype=" + w + ".dtype)"
                                                    : "np.array(" + mask + ", dtype=" + w + ".dtype)";
      const int gate_dim = dim_of(dm, g) - (dim_of(dm, g) > axis ? 1 : 0);
      const int trailing = static_cast<int>(dm.atoms.size()) - 2 - gate_dim;  // dimensions after the gates, once the bias axis is gone
      std::string index = "[:";
      for (int k = 0; k < trailing; ++k) index += ", None";
      index += "]";
      hidden = "(" + hidden + " * " + array + (trailing > 0 ? index : "") + ")";
    }
    text += w + " = " + take(d, w, axis, "0") + " + " + hidden + "\n";
    dm.atoms.erase(dm.atoms.begin() + axis);
    text += collapse(selected_, b, dm, w);
    return text;
  }
};

}  // namespace axle
