// Fuzz target: the plan mapping of arbitrary shapes onto every catalogue pair. The bytes choose two
// ops of one family (or one op twice), one group or several, a storage shape and the sizes a shape
// cannot tell; value::derive + axle::map_plan either refuse with a one-line shape_error or give a
// map that, on a small buffer, materialize() and the element-by-element reference copy agree on,
// and that moves every element exactly once.
#include "fuzz.hpp"

#include <axle/catalogue.hpp>
#include <axle/convert.hpp>
#include <axle/detail/checked.hpp>
#include <axle/mapping.hpp>
#include <axle/value.hpp>

#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

namespace {

using axle::catalogue::entry_info;

const std::vector<std::pair<const entry_info*, const entry_info*>>& pairs() {
  static const auto all = [] {
    std::vector<std::pair<const entry_info*, const entry_info*>> p;
    for (const entry_info& f : axle::catalogue::entries())
      for (const entry_info& t : axle::catalogue::entries())
        if (f.family == t.family) p.emplace_back(&f, &t);
    return p;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace axle;
  fuzz::input in(data, size);
  const auto& all = pairs();
  const std::size_t k = (static_cast<std::size_t>(in.u8()) << 8 | in.u8()) % all.size();
  const entry_info& f = *all[k].first;
  const entry_info& t = *all[k].second;
  const std::uint8_t mode = in.u8();
  // As the command line chooses: one group (G leaves merged dimensions), or G kept and sized.
  value::layout from = *f.weight, to = *t.weight;
  if (mode % 2 == 0) {
    from = value::one_group(from);
    to = value::one_group(to);
  }
  const value::derivation p = value::derive(from, to);
  if (p.error) return 0;
  // The storage shape: usually the source's rank, sometimes not.
  int rank = from.nentries;
  if (mode & 0x10) rank = in.u8() % 8;
  std::vector<index_t> shape;
  for (int d = 0; d < rank; ++d) shape.push_back(in.extent());
  std::vector<axis_size> known;
  if (mode & 0x20) known.push_back({"G", in.extent()});
  if (mode & 0x40) known.push_back({"O", in.extent()});
  std::vector<index_t> known_extents;
  for (const axis_size& a : known) known_extents.push_back(a.extent);
  if (!fuzz::in_domain(sizeof(int), shape, known_extents)) return 0;
  // map_plan works in elements (it knows no element type): the element count must fit.
  const auto fits = detail::checked_shape_size(shape);
  strided_map m;
  try {
    m = map_plan(p, shape, known);
  } catch (const shape_error& e) {
    fuzz::require_one_line(e.what());
    return 0;
  }
  fuzz::require(fits.has_value(), "map_plan accepted a shape whose size does not fit", detail::tuple_text(shape));
  // The target holds the source's elements, no more, no fewer.
  fuzz::require(m.size() == fits->elements, "the map's size is not the shape's element count", detail::tuple_text(shape));
  const auto target = detail::checked_shape_size(m.target_shape, index_t{1});
  fuzz::require(target && target->elements == fits->elements, "the target shape does not hold the source's elements",
                detail::tuple_text(shape) + " -> " + detail::tuple_text(m.target_shape));
  if (fits->elements > 4096) return 0;
  const auto n = static_cast<std::size_t>(fits->elements);
  std::vector<int> src(n), fast(n, -1), reference(n, -1);
  std::iota(src.begin(), src.end(), 0);
  materialize(m, src.data(), fast.data());
  copy_by_index(m, src.data(), reference.data());
  fuzz::require(fast == reference, "materialize and copy_by_index disagree", detail::tuple_text(shape));
  std::sort(fast.begin(), fast.end());
  fuzz::require(fast == src, "the conversion does not move every element exactly once", detail::tuple_text(shape));
  return 0;
}
