// Fuzz target: the constructors of tensor_view and tensor (<axle/view.hpp>) for several layouts
// (plain, grouped and flipped, blocked, labelled, unit axes): from a buffer with a storage shape and
// the sizes a shape cannot tell, from per-atom extents and strides (then made contiguous, which is
// checked), and tensors from a shape. A refusal is a one-line shape_error; a view that is accepted
// reads only inside its buffer (every element is read, under AddressSanitizer); a tensor holds the
// elements its extents say.
#include "fuzz.hpp"

#include <axle/axis.hpp>
#include <axle/detail/checked.hpp>
#include <axle/layout.hpp>
#include <axle/tensor.hpp>
#include <axle/view.hpp>

#include <array>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace {

using namespace axle;
using namespace axle::axes;
struct gate : axis<"gate", axis_kind::block> {};

using plain = layout<O, I, H, W>;
using grouped = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using blocked = layout<outer<O, 16>, outer<I, 4>, H, W, inner<I, 4>, inner<O, 16>>;
using gates = layout<merged<labels<gate, "i,f,g,o">, O>, I>;
using depthwise = layout<merged<G, M>, unit<I>, H, W>;
using volume = layout<N, C, D, H, W>;

/// Reads every element of `v` by position (storage order), so ASan sees any read outside.
template <class V, std::size_t... K>
long long read_all(const V& v, const std::vector<index_t>& shape, std::index_sequence<K...>) {
  constexpr std::size_t rank = sizeof...(K);
  std::array<index_t, rank> idx{};
  long long sum = 0;
  index_t total = 1;
  for (index_t e : shape) total *= e;
  for (index_t flat = 0; flat < total; ++flat) {
    sum += v.at(idx[K]...);
    for (std::size_t k = rank; k-- > 0;) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return sum;
}

template <class L>
void from_shape(fuzz::input& in) {
  constexpr std::size_t rank = L::rank;
  std::vector<index_t> shape;
  for (std::size_t d = 0; d < rank + (in.u8() % 8 == 0 ? 1 : 0); ++d) shape.push_back(in.extent());
  std::vector<axis_size> known;
  const std::uint8_t which = in.u8();
  if (which & 1) known.push_back({"G", in.extent()});
  if (which & 2) known.push_back({"O", in.extent()});
  if (which & 4) known.push_back({"gate", in.extent()});
  std::vector<index_t> known_extents;
  for (const axis_size& a : known) known_extents.push_back(a.extent);
  if (!fuzz::in_domain(sizeof(int), shape, known_extents)) return;
  // A view checks its extents in elements, as mdspan does; a tensor, which allocates, in bytes.
  const auto fits_elements = detail::checked_shape_size(shape);
  const auto fits = detail::checked_shape_size(shape, index_t{sizeof(int)});
  // Over a buffer: accepted only when the buffer holds exactly the view's elements.
  std::vector<int> buffer(in.u8() % 2 == 0 && fits && fits->elements <= 4096 ? static_cast<std::size_t>(fits->elements)
                                                                              : std::size_t{in.u8()});
  std::iota(buffer.begin(), buffer.end(), 1);
  try {
    const tensor_view<const int, L> v(buffer, shape, known);
    fuzz::require(fits_elements.has_value(), "a view accepted a shape whose element count does not fit", detail::tuple_text(shape));
    fuzz::require(v.size() == buffer.size(), "a view's size is not its buffer's");
    fuzz::require(shape.size() == rank, "a view accepted a shape of another rank");
    if (!v.empty()) {
      const long long want = static_cast<long long>(buffer.size()) * (static_cast<long long>(buffer.size()) + 1) / 2;
      fuzz::require(read_all(v, shape, std::make_index_sequence<rank>{}) == want, "a view does not read each element once");
    }
  } catch (const shape_error& e) {
    fuzz::require_one_line(e.what());
  }
  // A tensor allocates what the shape holds: small ones only, unless the shape does not fit (then
  // it must refuse, allocating nothing).
  if (fits && fits->elements > 65536) return;
  try {
    const tensor<int, L> t(shape, known);
    fuzz::require(fits.has_value(), "a tensor accepted a shape whose size does not fit", detail::tuple_text(shape));
    fuzz::require(t.size() == static_cast<std::size_t>(fits->elements), "a tensor does not hold its shape's elements", detail::tuple_text(shape));
  } catch (const shape_error& e) {
    fuzz::require_one_line(e.what());
  }
}

template <class L>
void from_strides(fuzz::input& in) {
  using view = tensor_view<const int, L>;
  using ext_t = typename view::extents_type;
  constexpr std::size_t natoms = view::atom_count();
  std::array<index_t, natoms> values{};
  typename view::strides_type strides{};
  for (std::size_t k = 0; k < natoms; ++k) {
    values[k] = ext_t::static_extent(k) == dynamic_extent ? in.extent() : ext_t::static_extent(k);
    strides[k] = in.extent() - 4;
  }
  if (!fuzz::in_domain(sizeof(int), values)) return;
  // A view's extents are checked in elements, as mdspan's are (bytes are checked where a buffer
  // is allocated or read: tensors, files).
  const auto fits = detail::checked_shape_size(values);
  try {
    const ext_t ext(values);
    const view v(nullptr, ext, strides);  // strides are the caller's promise; nothing is read
    const contiguous_view<const int, L> c(v);
    fuzz::require(fits.has_value(), "a contiguous view accepted extents whose size does not fit", detail::tuple_text(values));
    if (v.empty()) return;
    index_t expect = 1;
    for (std::size_t k = natoms; k-- > 0;) {
      if (values[k] == 1) continue;
      fuzz::require(strides[k] == expect, "a contiguous view made from strides that are not row-major", detail::tuple_text(strides));
      expect *= values[k];
    }
  } catch (const shape_error& e) {
    fuzz::require_one_line(e.what());
  }
}

template <class L>
void one(fuzz::input& in) {
  if (in.u8() % 4 == 0)
    from_strides<L>(in);
  else
    from_shape<L>(in);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::input in(data, size);
  switch (in.u8() % 6) {
    case 0: one<plain>(in); break;
    case 1: one<grouped>(in); break;
    case 2: one<blocked>(in); break;
    case 3: one<gates>(in); break;
    case 4: one<depthwise>(in); break;
    default: one<volume>(in); break;
  }
  return 0;
}
