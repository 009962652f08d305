// axle — the one notation for layouts and plans, shared by printing, diagnostics and the docs.
//
//     (I, O, H~, W~)                       a layout; `~` marks a reversed spatial axis
//     ((G, O), I, H, W)                    a merged storage dimension, outer first
//     (O/16, I/16, H, W, 16i, 16o)         blocked axes: the blocks, and the position in a block
//     ((G, M), I=1, H, W)                  a unit axis
//     (gate[i,f,g,o], I)                   a labelled block axis
//     swap(O, I) · flip(H, W)              a plan; `id` is the identity
//     split((G, I) → G, I) · permute(H, W, I, O) · reorder(gate: i,f,g,o → i,o,f,g) · merge(G, O → (G, O))
#pragma once

#include <string>
#include <string_view>

#include "detail/text.hpp"
#include "diagnostics.hpp"
#include "engine/apply.hpp"
#include "engine/normal_form.hpp"
#include "layout.hpp"
#include "steps.hpp"

namespace axle {
namespace detail {

/// `O`, `H~`, `O/16`, `16o`, `4i@4`, `I=1`, `gate[i,f,g,o]`, into a std::string or a static_string.
template <class Out>
constexpr void append_atom(Out& out, const value::atom& a) {
  if (a.unit) {
    out += a.name();
    out += "=1";
  } else if (a.labelled()) {
    out += a.name();
    out += '[';
    out += a.label_text();
    out += ']';
  } else if (a.extent == dynamic_extent) {
    out += a.name();
    if (a.stride != 1) {
      out += '/';
      append_int(out, a.stride);
    }
  } else {
    append_int(out, a.extent);
    append_lower(out, a.name());
    if (a.stride != 1) {
      out += '@';
      append_int(out, a.stride);
    }
  }
  if (a.flipped) out += '~';
}

/// The elements of a swap or permutation: storage dimensions, a merged one in parentheses.
constexpr void append_elements(std::string& out, const value::plan& s, int begin, int count) {
  for (int i = begin, first = 1; i < begin + count; first = 0) {
    const int end = s.element_end(i, begin + count);
    if (!first) out += ", ";
    if (end - i > 1) out += '(';
    for (int k = i; k < end; ++k) {
      if (k > i) out += ", ";
      append_atom(out, s.atoms[k]);
    }
    if (end - i > 1) out += ')';
    i = end;
  }
}

template <class Out>
constexpr void append_atoms(Out& out, const value::atom* atoms, int n, bool parenthesise_several) {
  if (n != 1 && parenthesise_several) out += '(';
  for (int k = 0; k < n; ++k) {
    if (k > 0) out += ", ";
    append_atom(out, atoms[k]);
  }
  if (n != 1 && parenthesise_several) out += ')';
}

/// `(I, O, H~, W~)`, into a std::string or a static_string.
template <class Out>
constexpr void append_layout(Out& out, const value::layout& l) {
  out += '(';
  for (int e = 0; e < l.nentries; ++e) {
    if (e > 0) out += ", ";
    append_atoms(out, &l.atoms[l.entry_begin[e]], l.entry_size(e), true);
  }
  if (l.overflow) out += l.nentries > 0 ? ", \u2026" : "\u2026";
  out += ')';
}

/// The notation of a layout without allocation, in a constant expression on every compiler.
template <std::size_t N = 200>
constexpr static_string<N> layout_text(const value::layout& l) {
  static_string<N> out;
  append_layout(out, l);
  return out;
}

}  // namespace detail

/// `(I, O, H~, W~)`. A layout past the limit of value::max_atoms atoms (`overflow`) ends with `…`:
/// what it held beyond the limit is not there to print.
constexpr std::string to_string(const value::layout& l) {
  std::string out;
  detail::append_layout(out, l);
  return out;
}

/// `swap(O, I) · flip(H, W)`, or `id`.
constexpr std::string to_string(const value::plan& s) {
  using value::step_kind;
  if (s.nsteps == 0) return "id";
  std::string out;
  for (int k = 0; k < s.nsteps; ++k) {
    const value::step& st = s.steps[k];
    const value::atom* a = &s.atoms[st.a_begin];
    const value::atom* b = &s.atoms[st.b_begin];
    if (k > 0) out += " \u00b7 ";
    switch (st.kind) {
      case value::step_kind::split:
        out += "split(";
        detail::append_atoms(out, a, st.a_count, true);
        out += " \u2192 ";
        detail::append_atoms(out, b, st.b_count, false);
        out += ')';
        break;
      case value::step_kind::merge:
        out += "merge(";
        detail::append_atoms(out, b, st.b_count, false);
        out += " \u2192 ";
        detail::append_atoms(out, a, st.a_count, true);
        out += ')';
        break;
      case value::step_kind::swap:
        out += "swap(";
        detail::append_elements(out, s, st.a_begin, st.a_count);
        out += ')';
        break;
      case value::step_kind::permute: {
        // The order after; unit axes that appear or disappear are named as such, and an axis
        // that becomes a unit axis (its extent must be 1), or stops being one, as unit(M).
        std::string dropped, inserted, units;
        auto in = [](const value::atom* xs, int n, const value::atom& x) {
          for (int q = 0; q < n; ++q)
            if (value::same_atom(xs[q], x) || value::unit_of_whole(xs[q], x)) return true;
          return false;
        };
        for (int q = 0; q < st.a_count; ++q)
          if (!in(b, st.b_count, a[q])) (dropped += dropped.empty() ? "" : ", ") += a[q].name();
        for (int q = 0; q < st.b_count; ++q) {
          if (!in(a, st.a_count, b[q])) (inserted += inserted.empty() ? "" : ", ") += b[q].name();
          for (int r = 0; r < st.a_count; ++r)
            if (value::unit_of_whole(a[r], b[q])) (units += units.empty() ? "" : ", ") += b[q].name();
        }
        // Is it only a drop or an insert? Then the kept elements are in the same order.
        bool reordered = false;
        for (int i = 0, j = 0;;) {
          while (i < st.a_count && !in(b, st.b_count, a[i])) ++i;
          while (j < st.b_count && !in(a, st.a_count, b[j])) ++j;
          if (i == st.a_count || j == st.b_count) break;
          reordered = reordered || !(value::same_atom(a[i], b[j]) || value::unit_of_whole(a[i], b[j]));
          ++i;
          ++j;
        }
        std::string step;
        if (reordered) {
          step = "permute(";
          detail::append_elements(step, s, st.b_begin, st.b_count);
          step += ')';
        }
        if (!dropped.empty()) step += (step.empty() ? "" : " \u00b7 ") + ("drop(" + dropped + ")");
        if (!inserted.empty()) step += (step.empty() ? "" : " \u00b7 ") + ("insert(" + inserted + ")");
        if (!units.empty()) step += (step.empty() ? "" : " \u00b7 ") + ("unit(" + units + ")");
        out += step;
        break;
      }
      case value::step_kind::flip:
        out += "flip(";
        detail::append_atoms(out, a, st.a_count, false);
        out += ')';
        break;
      case value::step_kind::reorder:
        out += "reorder(";
        out += a[0].name();
        out += ": ";
        out += a[0].label_text();
        out += " \u2192 ";
        out += b[0].label_text();
        out += ')';
        break;
    }
  }
  return out;
}

/// The notation of a layout type: `axle::to_string(L{})`.
template <class... Es>
std::string to_string(layout<Es...>) {
  using L = layout<Es...>;
  if constexpr (detail::desc_of<L>::value.overflow)
    return typename detail::reporting<too_many_axes<in<L>, atom_limit<value::max_atoms>>, std::string>::type{};
  else
    return to_string(detail::desc_of<L>::value);
}

/// The notation of a plan type: `axle::to_string(plan_t<A, B>{})`.
template <class... Ss>
std::string to_string(plan<Ss...>) {
  return to_string(detail::steps_of<plan<Ss...>>::value);
}

/// The label of an axis tag: `axle::to_string(axes::O{})` is "O".
template <axis_tag A>
std::string to_string(A) {
  return std::string(A::label);
}

}  // namespace axle
