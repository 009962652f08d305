// axle — text for messages: input echoed safely on one line, and "did you mean" suggestions.
//
//     axle::escaped("conv\n2d")                       // conv\n2d (the two characters \ and n)
//     axle::one_line("w\n.npy: cannot open")          // w\n.npy: cannot open (UTF-8 text kept)
//     axle::close_matches("plna", {"list", "plan"})   // {"plan"}
//
// Every error message of axle (the catalogue, the file readers, the command-line tool) echoes
// what it was given through escaped(), so a message stays one line whatever the input holds.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detail/text.hpp"

namespace axle {

/// `s` as it may be echoed in a one-line message: backslash, control and non-ASCII bytes escaped
/// (`\n`, `\x1b`), cut after `max` characters with "...".
inline std::string escaped(std::string_view s, std::size_t max = 60) { return detail::printable(s, max); }

/// A message made one line that a terminal shows as it is: control characters and bytes that are
/// not UTF-8 escaped (`\n`, `\x1b`), everything else kept, so a file name in UTF-8 stays readable
/// and a message whose input was already escaped() is unchanged. For whole messages, whatever
/// they hold; escaped() is for the input a message quotes.
inline std::string one_line(std::string_view message) { return detail::one_line_text(message); }

/// Levenshtein distance, ignoring ASCII case.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = detail::lower(a[i - 1]) == detail::lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

/// edit_distance(a, b), or `limit + 1` when it is surely above `limit` (the lengths differ by more):
/// time linear in the longer string when the other is short.
inline std::size_t edit_distance_within(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  return gap > limit ? limit + 1 : edit_distance(a, b);
}

/// Up to `max_results` of `candidates` close to `name` (edit distance at most a third of its
/// length, and at least 2), closest first, ties in the candidates' order. Linear in the length of
/// `name`: a candidate whose length differs by more than the limit is not compared.
template <class Candidates>
std::vector<std::string_view> close_matches(std::string_view name, const Candidates& candidates, std::size_t max_results = 3) {
  struct found {
    std::size_t distance;
    std::string_view name;
  };
  std::vector<found> all;
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  for (std::string_view c : candidates) {
    if (std::any_of(all.begin(), all.end(), [&](const found& f) { return f.name == c; })) continue;
    const std::size_t d = edit_distance_within(name, c, limit);
    if (d <= limit) all.push_back({d, c});
  }
  std::stable_sort(all.begin(), all.end(), [](const found& a, const found& b) { return a.distance < b.distance; });
  std::vector<std::string_view> out;
  for (std::size_t k = 0; k < all.size() && k < max_results; ++k) out.push_back(all[k].name);
  return out;
}
inline std::vector<std::string_view> close_matches(std::string_view name, std::initializer_list<std::string_view> candidates,
                                                   std::size_t max_results = 3) {
  return close_matches(name, std::span<const std::string_view>(candidates.begin(), candidates.size()), max_results);
}

}  // namespace axle
