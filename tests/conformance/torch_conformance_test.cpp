// Numerical conformance of the catalogue against real PyTorch outputs.
//
// For every catalogue entry E of the conv, conv_transpose and depthwise_conv families and every
// PyTorch fixture of the same family and rank (tests/conformance/fixtures/torch):
//
//   1. axle converts the fixture's PyTorch weight into E's layout (the catalogue entry's layout
//      descriptor; a run-time derive + map_plan + copy, as the CLI does);
//   2. E's storage is read through E's RAW description (raw_conventions.hpp: the storage
//      dimensions as the framework documents them, no flips) and rearranged into the reference
//      engine's input order by a plain transpose computed from the dimension names;
//   3. the reference engine runs the computation the framework documents (a correlation, the
//      scatter that is the gradient of its own conv, or a correlation of the stride-dilated
//      input with the stored kernel as is), in double on the float data;
//   4. the result must match PyTorch's y to a relative error of 1e-5 (max |diff| / max |y|).
//
// A wrong flip, a wrong O/I role or a wrong group placement in E's catalogue layout makes step 1
// produce a tensor that steps 2-3 read differently, and the numbers differ. The test shows it can
// fail: negative controls (Haiku's kernel read as Keras's and the reverse, whose shapes agree;
// the Equinox FAQ recipe with groups > 1) and, for every entry, deliberately mutated layouts
// (one spatial axis flipped, O and I exchanged, the groups moved) that must all be caught.
// It also shows why the raw table is needed: converting with the mutated layout and back into
// the engine's layout with axle still reproduces PyTorch exactly (plans compose).
//
// Channel padding: oneDNN's blocked tags need channel counts that are multiples of the block
// (8 or 16); those checks zero-pad the fixture's channels (x, w) to the block, as oneDNN itself
// pads, and compare the fixture's channels of y. ggml.conv_2d_dw has no channel multiplier: the
// multiplier-2 fixtures are checked restricted to their m = 0 outputs.
//
// Fixture root: $AXLE_CONFORMANCE_FIXTURES (holding torch/manifest.txt), else the committed
// fixtures beside this file.
#define BOOST_TEST_MODULE conformance_torch
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "raw_conventions.hpp"

#include <axle/catalogue.hpp>
#include <axle/mapping.hpp>
#include <axle/notation.hpp>
#include <axle/op_conversion.hpp>
#include <axle/reference/conv.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fs = std::filesystem;
namespace conf = axle::conformance;
namespace ref = axle::reference;
namespace detail = axle::detail;
using axle::index_t;
using axle::catalogue::entry_info;

namespace {

constexpr double tolerance = 1e-5;

fs::path fixtures_root() {
  if (const char* env = std::getenv("AXLE_CONFORMANCE_FIXTURES"); env && *env) return fs::path(env);
  return fs::path(__FILE__).parent_path() / "fixtures";
}

// ------------------------------------------------------------------------------------------------
// Named index spaces: a tensor's dimensions as products of named axes (a plain transpose between
// two of them is computed from the names alone).

enum name_id : int { n_g, n_o, n_i, n_kd, n_kh, n_kw, n_batch, n_pos, name_count };
using sizes = std::array<index_t, name_count>;

struct factor {
  int id = -1;  // -1: a literal 1
  index_t mod = 0;
  index_t div = 1;
};
using named = std::vector<std::vector<factor>>;

int id_of(std::string_view name) {
  static constexpr std::array<std::string_view, 6> names{"g", "o", "i", "kd", "kh", "kw"};
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return static_cast<int>(k);
  throw std::invalid_argument("unknown axis name '" + std::string(name) + "'");
}

named from_raw(const conf::raw_storage& s) {
  named l;
  for (const conf::raw_dim& d : s) {
    l.emplace_back();
    for (const conf::raw_factor& f : d) l.back().push_back({f.name.empty() ? -1 : id_of(f.name), f.mod, f.div});
  }
  return l;
}

named parse(std::string_view spec, int spatial) { return from_raw(conf::parse_storage(spec, spatial)); }

/// (N, (g c), positions): an activation whose channels are (g, c), c = o or i.
named activation(int c) { return {{{n_batch, 0, 1}}, {{n_g, 0, 1}, {c, 0, 1}}, {{n_pos, 0, 1}}}; }

index_t extent(const factor& f, const sizes& n) {
  if (f.id < 0) return 1;
  const index_t whole = f.mod ? f.mod : n[static_cast<std::size_t>(f.id)];
  return whole / f.div;
}

std::vector<index_t> shape_of(const named& l, const sizes& n) {
  std::vector<index_t> shape;
  for (const auto& d : l) {
    index_t e = 1;
    for (const factor& f : d) e *= extent(f, n);
    shape.push_back(e);
  }
  return shape;
}

bool names(const named& l, int id) {
  for (const auto& d : l)
    for (const factor& f : d)
      if (f.id == id) return true;
  return false;
}

/// dst (layout `dl`, sizes `ds`) from src (layout `sl`, sizes `ss`): every element of dst reads
/// the src element with the same named indices; indices outside src (padding), or non-zero on an
/// axis src does not have, read zero. Axes dst does not have are read at index 0 (a slice).
/// A plain transpose: nothing is ever reversed.
template <class T>
std::vector<T> relayout(const std::vector<T>& src, const named& sl, const sizes& ss, const named& dl, const sizes& ds) {
  std::vector<factor> df, sf;
  std::vector<index_t> dext, sext;
  for (const auto& d : dl)
    for (const factor& f : d) {
      df.push_back(f);
      dext.push_back(extent(f, ds));
    }
  for (const auto& d : sl)
    for (const factor& f : d) {
      sf.push_back(f);
      sext.push_back(extent(f, ss));
    }
  std::vector<index_t> sstride(sf.size(), 1);
  for (std::size_t k = sf.size(); k-- > 1;) sstride[k - 1] = sstride[k] * sext[k];
  const index_t total = std::accumulate(dext.begin(), dext.end(), index_t{1}, std::multiplies<>());
  if (static_cast<index_t>(src.size()) != std::accumulate(sext.begin(), sext.end(), index_t{1}, std::multiplies<>()))
    throw std::logic_error("relayout: source size does not match its layout");
  std::array<bool, name_count> in_src{};
  for (const factor& f : sf)
    if (f.id >= 0) in_src[static_cast<std::size_t>(f.id)] = true;
  std::vector<T> out(static_cast<std::size_t>(total));
  std::vector<index_t> idx(df.size(), 0);
  for (index_t flat = 0; flat < total; ++flat) {
    sizes v{};
    for (std::size_t k = 0; k < df.size(); ++k)
      if (df[k].id >= 0) v[static_cast<std::size_t>(df[k].id)] += idx[k] * df[k].div;
    bool inside = true;
    for (std::size_t a = 0; a < name_count; ++a)
      inside = inside && (in_src[a] ? v[a] < ss[a] : v[a] == 0);
    if (inside) {
      index_t off = 0;
      for (std::size_t k = 0; k < sf.size(); ++k) {
        if (sf[k].id < 0) continue;
        index_t x = v[static_cast<std::size_t>(sf[k].id)];
        if (sf[k].mod) x %= sf[k].mod;
        off += (x / sf[k].div) * sstride[k];
      }
      out[static_cast<std::size_t>(flat)] = src[static_cast<std::size_t>(off)];
    }
    for (std::size_t k = df.size(); k-- > 0;) {
      if (++idx[k] < dext[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

std::string shape_text(const std::vector<index_t>& s) {
  std::string t = "(";
  for (std::size_t k = 0; k < s.size(); ++k) t += (k ? ", " : "") + std::to_string(s[k]);
  return t + ")";
}

// ------------------------------------------------------------------------------------------------
// Fixtures.

struct fixture {
  const conf::torch_case* c = nullptr;
  std::vector<float> x, w, y;
  int spatial = 0;
  index_t G = 1, I = 1, O = 1;  // groups; the op's input / output channels per group

  [[nodiscard]] bool transposed() const { return c->op == conf::op_kind::conv_transpose; }
  [[nodiscard]] bool depthwise() const { return !transposed() && G > 1 && I == 1; }
  [[nodiscard]] const std::string& name() const { return c->name; }
  [[nodiscard]] index_t kernel(int a) const { return static_cast<index_t>(c->kernel[static_cast<std::size_t>(a)]); }
  [[nodiscard]] sizes fixture_sizes() const {
    sizes s{};
    s.fill(1);
    s[n_g] = G;
    s[n_o] = O;
    s[n_i] = I;
    const int first = n_kw - spatial + 1;  // kw, kh kw or kd kh kw
    for (int a = 0; a < spatial; ++a) s[static_cast<std::size_t>(first + a)] = kernel(a);
    s[n_batch] = static_cast<index_t>(c->batch);
    return s;
  }
  [[nodiscard]] index_t in_volume() const {
    index_t v = 1;
    for (std::size_t a : c->in) v *= static_cast<index_t>(a);
    return v;
  }
  [[nodiscard]] index_t out_volume() const {
    index_t v = 1;
    for (std::size_t a : c->out) v *= static_cast<index_t>(a);
    return v;
  }
};

struct fixture_set {
  conf::manifest<conf::torch_case> manifest;
  std::vector<fixture> all;
};

const fixture_set& fixtures() {
  static const fixture_set set = [] {
    fixture_set s;
    s.manifest = conf::load_torch_manifest(fixtures_root() / "torch" / "manifest.txt");
    for (const conf::torch_case& c : s.manifest.cases) {
      fixture f;
      f.c = &c;
      f.x = conf::load(c.x).to_floats();
      f.w = conf::load(c.w).to_floats();
      f.y = conf::load(c.y).to_floats();
      f.spatial = static_cast<int>(c.spatial);
      f.G = static_cast<index_t>(c.groups);
      f.I = static_cast<index_t>(c.in_channels / c.groups);
      f.O = static_cast<index_t>(c.out_channels / c.groups);
      s.all.push_back(std::move(f));
    }
    return s;
  }();
  return set;
}

// ------------------------------------------------------------------------------------------------
// One check: a fixture, a layout (the catalogue entry's, or a mutation of it) and a raw reading.

enum class verdict { pass, wrong_numbers, wrong_shape, no_conversion };

std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::pass: return "pass";
    case verdict::wrong_numbers: return "numbers differ";
    case verdict::wrong_shape: return "storage shape differs";
    case verdict::no_conversion: return "no conversion";
  }
  return "?";
}

struct outcome {
  verdict v = verdict::pass;
  double error = 0;
  std::string detail;
  std::vector<float> stored;  // E's storage as axle produced it
  std::vector<index_t> stored_shape;
};

using mutation = std::function<axle::value::layout(const axle::value::layout&)>;

/// Everything about a (entry, raw row, fixture) triple that does not depend on the layout used.
struct setup {
  const fixture* f = nullptr;
  const entry_info* layout_entry = nullptr;  // whose layout axle converts into
  const entry_info* source = nullptr;        // the PyTorch entry of the fixture
  conf::computation compute{};
  named raw, torch;  // the framework's storage; the fixture's PyTorch weight
  sizes fix{}, eff{}, cmp{};
  bool grouped = false;  // the conversion keeps G (grouped or depthwise)
  bool padded = false, restricted = false;
};

const entry_info& torch_source(axle::family family, int spatial) {
  const std::string r = std::to_string(spatial);
  const std::string name = family == axle::family::conv             ? "torch.conv" + r + "d"
                           : family == axle::family::conv_transpose ? "torch.conv_transpose" + r + "d"
                                                                    : "torch.conv" + r + "d:depthwise";
  const entry_info* e = axle::catalogue::find(name, spatial);
  if (e == nullptr) throw std::logic_error("no catalogue entry " + name);
  return *e;
}

bool applies(const entry_info& e, const fixture& f) {
  if (e.spatial != f.spatial) return false;
  switch (e.family) {
    case axle::family::conv: return !f.transposed();
    case axle::family::conv_transpose: return f.transposed();
    case axle::family::depthwise_conv: return f.depthwise();
    default: return false;
  }
}

index_t lcm_of_blocks(const named& l, int id) {
  index_t m = 1;
  for (const auto& d : l)
    for (const factor& f : d)
      if (f.id == id) m = std::lcm(m, std::lcm(f.mod ? f.mod : 1, f.div));
  return m;
}

/// The setup of a check, or the reason it does not apply (a skip, not a failure).
std::variant<setup, std::string> prepare(const entry_info& e, const conf::raw_convention& r, const fixture& f) {
  setup s;
  s.f = &f;
  s.layout_entry = &e;
  s.source = &torch_source(e.family, e.spatial);
  s.compute = r.compute;
  s.raw = parse(r.storage, f.spatial);
  s.torch = parse(f.transposed() ? "(g i) o k..." : "(g o) i k...", f.spatial);
  const bool depthwise = e.family == axle::family::depthwise_conv;
  if ((e.family == axle::family::conv_transpose) != (r.compute != conf::computation::correlation))
    throw std::logic_error(std::string(r.entry) + ": the raw computation " + std::string(conf::to_string(r.compute)) +
                           " does not fit the family " + std::string(axle::to_string(e.family)));
  if (f.G > 1 && !depthwise && !e.supports_groups) return std::string("grouped fixture; the entry has no groups");
  if (f.G > 1 && !names(s.raw, n_g)) return std::string("grouped fixture; the framework's storage has no groups");
  s.fix = f.fixture_sizes();
  s.eff = s.fix;
  if (depthwise && !names(s.raw, n_o) && f.O > 1) {  // no multiplier: the m = 0 slice
    s.eff[n_o] = 1;
    s.restricted = true;
  }
  for (int id : {n_g, n_o, n_i}) {
    if (!names(s.raw, id) && s.eff[static_cast<std::size_t>(id)] != 1)
      throw std::logic_error(std::string(r.entry) + ": the raw storage lacks a channel axis the fixture has");
    const index_t block = lcm_of_blocks(s.raw, id);
    index_t& size = s.eff[static_cast<std::size_t>(id)];
    if (size % block != 0) {
      size = (size / block + 1) * block;
      s.padded = true;
    }
  }
  s.grouped = depthwise || s.eff[n_g] > 1;
  if (s.grouped && !depthwise && !e.supports_groups) return std::string("the raw storage needs groups; the entry has none");
  for (std::size_t a = 0; a < name_count; ++a) s.cmp[a] = std::min(s.fix[a], s.eff[a]);
  return s;
}

/// The layouts of the conversion from the fixture's PyTorch weight, as the CLI chooses them.
struct conversion_layouts {
  axle::value::layout from, to;
  std::vector<axle::axis_size> known;
};

conversion_layouts layouts_of(const setup& s) {
  conversion_layouts c;
  if (s.grouped) {
    c.from = *s.source->weight;
    c.to = *s.layout_entry->weight;
    c.known.push_back({"G", s.eff[n_g]});
  } else {
    c.from = axle::value::one_group(*s.source->weight);
    c.to = axle::value::one_group(*s.layout_entry->weight);
  }
  return c;
}

/// Step 1: the fixture's weight in the entry's layout (or a mutation of it), converted by axle.
outcome convert(const setup& s, const mutation* mutate, axle::value::layout* used = nullptr) {
  outcome o;
  conversion_layouts c = layouts_of(s);
  if (mutate) c.to = (*mutate)(c.to);
  if (used) *used = c.to;
  const std::vector<float> torch_w = relayout(s.f->w, s.torch, s.fix, s.torch, s.eff);
  const axle::value::derivation p = axle::value::derive(c.from, c.to);
  if (p.error) {
    o.v = verdict::no_conversion;
    o.detail = "axle derives no conversion from " + axle::to_string(c.from) + " to " + axle::to_string(c.to);
    return o;
  }
  axle::strided_map m;
  try {
    m = axle::map_plan(p, shape_of(s.torch, s.eff), c.known);
  } catch (const std::exception& e) {
    o.v = verdict::no_conversion;
    o.detail = std::string("map_plan: ") + e.what();
    return o;
  }
  o.stored.resize(torch_w.size());
  axle::copy_by_index(m, torch_w.data(), o.stored.data());
  o.stored_shape = m.target_shape;
  return o;
}

ref::conv_geometry geometry(const setup& s) {
  const conf::torch_case& c = *s.f->c;
  ref::conv_geometry g;
  g.spatial = s.f->spatial;
  g.batch = static_cast<index_t>(c.batch);
  g.groups = s.eff[n_g];
  g.in_channels = s.eff[n_g] * s.eff[n_i];
  g.out_channels = s.eff[n_g] * s.eff[n_o];
  for (std::size_t a = 0; a < c.spatial; ++a) {
    g.in[a] = static_cast<index_t>(c.in[a]);
    g.kernel[a] = static_cast<index_t>(c.kernel[a]);
    g.stride[a] = static_cast<index_t>(c.stride[a]);
    g.dilation[a] = static_cast<index_t>(c.dilation[a]);
    g.pad_lo[a] = static_cast<index_t>(c.pad_lo[a]);
    g.pad_hi[a] = static_cast<index_t>(c.pad_hi[a]);
    g.output_padding[a] = static_cast<index_t>(c.output_padding[a]);
  }
  return g;
}

std::vector<double> to_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

double relative_error(const std::vector<double>& got, const std::vector<double>& want) {
  double diff = 0, scale = 0;
  for (std::size_t k = 0; k < want.size(); ++k) {
    diff = std::max(diff, std::abs(got[k] - want[k]));
    scale = std::max(scale, std::abs(want[k]));
  }
  return diff / std::max(scale, 1e-30);
}

/// The engine on the fixture's x with an engine-ordered kernel, compared with PyTorch's y.
double engine_error(const setup& s, conf::computation compute, const std::vector<double>& kernel) {
  const ref::conv_geometry g = geometry(s);
  const ref::op_kind kind = compute == conf::computation::correlation ? ref::op_kind::forward
                            : compute == conf::computation::scatter   ? ref::op_kind::transpose_adjoint
                                                                      : ref::op_kind::transpose_direct;
  sizes fix = s.fix, eff = s.eff, cmp = s.cmp;
  fix[n_pos] = eff[n_pos] = s.f->in_volume();
  const std::vector<double> x = relayout(to_double(s.f->x), activation(n_i), fix, activation(n_i), eff);
  std::vector<double> y(static_cast<std::size_t>(ref::y_size(g, kind)));
  switch (kind) {
    case ref::op_kind::forward: ref::conv_forward(x.data(), kernel.data(), y.data(), g); break;
    case ref::op_kind::transpose_adjoint: ref::conv_transpose_adjoint(x.data(), kernel.data(), y.data(), g); break;
    case ref::op_kind::transpose_direct: ref::conv_transpose_direct(x.data(), kernel.data(), y.data(), g); break;
  }
  const ref::extents3 out = ref::output_extents(g, kind);
  for (int a = 0; a < s.f->spatial; ++a)
    if (out[static_cast<std::size_t>(a)] != static_cast<index_t>(s.f->c->out[static_cast<std::size_t>(a)]))
      throw std::logic_error(s.f->name() + ": the engine's output extents differ from the fixture's");
  fix[n_pos] = eff[n_pos] = cmp[n_pos] = s.f->out_volume();
  const std::vector<double> got = relayout(y, activation(n_o), eff, activation(n_o), cmp);
  const std::vector<double> want = relayout(to_double(s.f->y), activation(n_o), fix, activation(n_o), cmp);
  return relative_error(got, want);
}

/// Steps 2-4: a stored tensor read through a raw description, computed as the framework does.
void evaluate(const setup& s, const named& raw, conf::computation compute, outcome& o) {
  const named engine = parse(compute == conf::computation::scatter ? "(g i) o k..." : "(g o) i k...", s.f->spatial);
  const std::vector<double> kernel = relayout(to_double(o.stored), raw, s.eff, engine, s.eff);
  o.error = engine_error(s, compute, kernel);
  o.v = o.error <= tolerance ? verdict::pass : verdict::wrong_numbers;
}

/// The whole check: convert with the entry's (possibly mutated) layout, read through `raw`.
outcome check(const setup& s, const mutation* mutate = nullptr, const conf::raw_convention* raw_override = nullptr,
              axle::value::layout* used = nullptr) {
  outcome o = convert(s, mutate, used);
  if (o.v != verdict::pass) return o;
  named raw = s.raw;
  conf::computation compute = s.compute;
  if (raw_override) {
    raw = parse(raw_override->storage, s.f->spatial);
    compute = raw_override->compute;
  }
  const std::vector<index_t> raw_shape = shape_of(raw, s.eff);
  if (o.stored_shape != raw_shape) {
    o.v = verdict::wrong_shape;
    o.detail = "axle's layout stores " + shape_text(o.stored_shape) + ", the framework stores " + shape_text(raw_shape);
    return o;
  }
  evaluate(s, raw, compute, o);
  return o;
}

// ------------------------------------------------------------------------------------------------
// Mutations of a layout: what a wrong catalogue entry would look like.

/// Toggles the orientation of every atom of spatial axis `axis` (D, H or W).
axle::value::layout flip_axis(axle::value::layout l, std::string_view axis) {
  for (int a = 0; a < l.natoms; ++a)
    if (l.atoms[a].name() == axis) l.atoms[a].flipped = !l.atoms[a].flipped;
  return l;
}

/// Exchanges the identities of two axes (O and I: the roles swapped).
axle::value::layout swap_roles(axle::value::layout l, std::string_view a, std::string_view b) {
  int ia = -1, ib = -1;
  for (int k = 0; k < l.natoms; ++k) {
    if (l.atoms[k].name() == a && ia < 0) ia = k;
    if (l.atoms[k].name() == b && ib < 0) ib = k;
  }
  if (ia < 0 || ib < 0) return l;
  const axle::value::atom A = l.atoms[ia], B = l.atoms[ib];
  for (int k = 0; k < l.natoms; ++k) {
    axle::value::atom& x = l.atoms[k];
    const axle::value::atom* to = x.axis == A.axis ? &B : x.axis == B.axis ? &A : nullptr;
    if (to == nullptr) continue;
    x.axis = to->axis;
    x.info = to->info;
    x.axis_source = to->axis_source;
    x.source = -1;
  }
  return l;
}

/// Moves the groups: a merged (G, X) dimension becomes (X, G) (group-minor channels); a G stored
/// alone exchanges its role with O (M for a depthwise weight).
axle::value::layout move_groups(axle::value::layout l) {
  bool merged = false;
  for (int e = 0; e < l.nentries; ++e) {
    bool has_g = false;
    for (int a = l.entry_begin[e]; a < l.entry_begin[e + 1]; ++a) has_g = has_g || l.atoms[a].name() == "G";
    if (!has_g || l.entry_size(e) < 2) continue;
    std::reverse(l.atoms + l.entry_begin[e], l.atoms + l.entry_begin[e + 1]);
    merged = true;
  }
  if (merged) return l;
  bool has_m = false;
  for (int a = 0; a < l.natoms; ++a) has_m = has_m || l.atoms[a].name() == "M";
  return swap_roles(l, "G", has_m ? "M" : "O");
}

std::string_view axle_axis(int spatial, int a) {  // spatial axis a of a rank, as axle names it
  static constexpr std::array<std::string_view, 3> dhw{"D", "H", "W"};
  return dhw[static_cast<std::size_t>(3 - spatial + a)];
}

/// axle's own round trip: the stored tensor converted by axle (from the layout it was written
/// in) into the engine's layout for the catalogue semantics, then computed. Plans compose, so
/// this reproduces PyTorch whatever the layout says: it cannot check a catalogue entry.
double axle_round_trip_error(const setup& s, const axle::value::layout& stored_layout, const outcome& stored) {
  const conversion_layouts c = layouts_of(s);
  // The engine's layout is the PyTorch source's own: (Co, Ci/G, k...) for a forward conv and
  // (Ci, Co/G, k~...) for conv_transpose_adjoint (PyTorch's storage by construction).
  const axle::value::derivation p = axle::value::derive(stored_layout, c.from);
  if (p.error) throw std::logic_error("round trip: no conversion back");
  const axle::strided_map m = axle::map_plan(p, stored.stored_shape, c.known);
  std::vector<float> back(stored.stored.size());
  axle::copy_by_index(m, stored.stored.data(), back.data());
  const conf::computation compute = s.f->transposed() ? conf::computation::scatter : conf::computation::correlation;
  return engine_error(s, compute, to_double(back));
}

// ------------------------------------------------------------------------------------------------
// The report.

struct entry_report {
  const entry_info* e = nullptr;
  const conf::raw_convention* raw = nullptr;
  int checked = 0, adjusted = 0;
  double max_error = 0;
  std::map<std::string, int> skipped;
  std::vector<std::string> failures;
  std::vector<std::string> mutations;  // "flip H: numbers differ (conv2d_basic)"
};

bool in_scope(const entry_info& e) {
  return (e.family == axle::family::conv || e.family == axle::family::conv_transpose ||
          e.family == axle::family::depthwise_conv) &&
         e.spatial >= 1 && e.spatial <= 3;
}

std::string entry_label(const entry_info& e) { return std::string(e.name) + " (" + std::to_string(e.spatial) + "-D)"; }

std::string fmt_err(double e) {
  std::ostringstream os;
  os << std::scientific << std::setprecision(1) << e;
  return os.str();
}

}  // namespace

// ------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(raw_table_is_well_formed) {
  std::map<std::string_view, int> seen;
  for (const conf::raw_convention& r : conf::raw_conventions) {
    BOOST_TEST_CONTEXT(r.entry) {
      BOOST_CHECK_MESSAGE(++seen[r.entry] == 1, "duplicate row");
      BOOST_CHECK_MESSAGE(!axle::catalogue::find_all(r.entry).empty(), "no catalogue entry of that name");
      BOOST_CHECK_MESSAGE(!r.source.empty(), "a row needs its source");
      if (!conf::checkable(r)) {
        BOOST_CHECK_MESSAGE(!r.note.empty(), "a row that is not checkable must say why");
        continue;
      }
      for (const entry_info& e : axle::catalogue::find_all(r.entry)) {
        BOOST_CHECK_MESSAGE((e.family == axle::family::conv_transpose) == (r.compute != conf::computation::correlation),
                            "the computation " << conf::to_string(r.compute) << " does not fit the family "
                                               << axle::to_string(e.family));
        // Every factor of every name tiles its axis exactly (the blocks of oneDNN tags).
        const conf::raw_storage s = conf::parse_storage(r.storage, e.spatial);
        for (const char* name : {"g", "o", "i"}) {
          index_t whole = 1, parts = 1;
          for (const conf::raw_dim& d : s)
            for (const conf::raw_factor& f : d)
              if (f.name == name) {
                parts *= (f.mod ? f.mod : 64) / f.div;  // 64: a sample size the blocks divide
                whole = 64;
              }
          BOOST_CHECK_MESSAGE(parts == whole, "the factors of " << name << " do not tile it in " << r.storage);
        }
        for (const std::string& k : conf::kernel_names(e.spatial))
          BOOST_CHECK_MESSAGE(conf::names_axis(s, k), r.storage << " lacks " << k);
      }
    }
  }
  BOOST_CHECK_THROW(conf::parse_storage("(g o i k...", 2), std::invalid_argument);
  BOOST_CHECK_THROW(conf::parse_storage("o x kh kw", 2), std::invalid_argument);
  BOOST_CHECK_THROW(conf::parse_storage("o i kd kw", 2), std::invalid_argument);
  BOOST_TEST(conf::parse_storage("o/16 i%16/4 k...", 1).size() == 3u);
}

BOOST_AUTO_TEST_CASE(named_relayout_is_a_plain_transpose) {
  // (2, 3) -> (3, 2): a transpose; (g o) with g = 2, o = 3 split by name.
  const std::vector<int> src{0, 1, 2, 3, 4, 5};
  sizes n{};
  n.fill(1);
  n[n_g] = 2;
  n[n_o] = 3;
  const named go{{{n_g, 0, 1}}, {{n_o, 0, 1}}}, og{{{n_o, 0, 1}}, {{n_g, 0, 1}}};
  BOOST_TEST((relayout(src, go, n, og, n) == std::vector<int>{0, 3, 1, 4, 2, 5}));
  // Blocks: o = 16 as (o/4, o%4) stored inner block first.
  sizes b{};
  b.fill(1);
  b[n_o] = 8;
  std::vector<int> v(8);
  std::iota(v.begin(), v.end(), 0);
  const named whole{{{n_o, 0, 1}}}, blocked{{{n_o, 4, 1}}, {{n_o, 0, 4}}};
  BOOST_TEST((relayout(v, whole, b, blocked, b) == std::vector<int>{0, 4, 1, 5, 2, 6, 3, 7}));
  BOOST_TEST((relayout(relayout(v, whole, b, blocked, b), blocked, b, whole, b) == v));
  // Padding reads zeros; a slice reads index 0.
  sizes p = b;
  p[n_o] = 10;
  BOOST_TEST((relayout(v, whole, b, whole, p) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 0, 0}));
}

BOOST_AUTO_TEST_CASE(catalogue_conforms_to_pytorch) {
  const fixture_set& fx = fixtures();
  BOOST_REQUIRE_GE(fx.all.size(), 40u);
  std::vector<entry_report> reports;
  std::vector<std::string> not_checkable;
  int total_checks = 0, total_mutations = 0, total_detected = 0, vacuous = 0, fixtures_used = 0, round_trips = 0,
      round_trips_exact = 0;
  std::set<std::string> used_fixtures, used_names;
  std::map<std::string, int> by_family;
  double worst = 0;

  for (const entry_info& e : axle::catalogue::entries()) {
    if (!in_scope(e)) continue;
    const conf::raw_convention* raw = conf::find_raw(e.name);
    BOOST_TEST_CONTEXT(entry_label(e)) {
      BOOST_REQUIRE_MESSAGE(raw != nullptr, "the raw table has no row for this catalogue entry: add one (with its source) "
                                            "or a not-checkable row saying why");
      bool any_fixture = false;
      for (const fixture& f : fx.all) any_fixture = any_fixture || applies(e, f);
      if (!any_fixture) continue;  // no fixture of this family and rank
      if (!conf::checkable(*raw)) {
        not_checkable.push_back(entry_label(e) + ": " + std::string(raw->note));
        continue;
      }
      entry_report rep;
      rep.e = &e;
      rep.raw = raw;
      used_names.insert(std::string(e.name));
      const setup* flip_setup = nullptr;
      const setup* role_setup = nullptr;
      const setup* group_setup = nullptr;
      bool role_square = false;
      bool group_full = false;
      std::vector<setup> setups;
      setups.reserve(fx.all.size());
      for (const fixture& f : fx.all) {
        if (!applies(e, f)) continue;
        auto prepared = prepare(e, *raw, f);
        if (auto* reason = std::get_if<std::string>(&prepared)) {
          ++rep.skipped[*reason];
          continue;
        }
        setups.push_back(std::get<setup>(std::move(prepared)));
      }
      for (const setup& s : setups) {
        BOOST_TEST_CONTEXT(s.f->name()) {
          const outcome o = check(s);
          ++total_checks;
          ++by_family[std::string(axle::to_string(e.family))];
          ++rep.checked;
          used_fixtures.insert(s.f->name());
          rep.adjusted += (s.padded || s.restricted) ? 1 : 0;
          rep.max_error = std::max(rep.max_error, o.error);
          worst = std::max(worst, o.error);
          if (o.v != verdict::pass) {
            std::string what = s.f->name() + ": " + std::string(to_string(o.v)) +
                               (o.v == verdict::wrong_numbers ? " (relative error " + fmt_err(o.error) + ")" : "") +
                               (o.detail.empty() ? "" : "; " + o.detail);
            rep.failures.push_back(what);
            BOOST_ERROR("catalogue layout contradicted by PyTorch: " << what);
          }
        }
        // Fixtures for the mutations: any kernel > 1 (flip); equal O and I so that only the numbers
        // can tell the roles apart (roles); a grouped fixture (groups).
        bool big_kernel = false;
        for (int a = 0; a < s.f->spatial; ++a) big_kernel = big_kernel || s.f->kernel(a) > 1;
        if (flip_setup == nullptr && big_kernel) flip_setup = &s;
        const bool square = s.f->G == 1 && s.f->I == s.f->O;
        if (e.family != axle::family::depthwise_conv && (role_setup == nullptr || (square && !role_square))) {
          role_setup = &s;
          role_square = square;
        }
        // Groups: prefer a fixture where both per-group channel counts exceed 1 (with one output
        // channel per group, (G, O) and (O, G) are the same order and the mutation is vacuous).
        const bool full_groups = s.f->G > 1 && s.grouped && s.eff[n_o] > 1 && (s.eff[n_i] > 1 || s.f->depthwise());
        if (s.f->G > 1 && s.grouped && (group_setup == nullptr || (full_groups && !group_full))) {
          group_setup = &s;
          group_full = full_groups;
        }
      }
      // Mutations: each must be caught (or leave the stored tensor unchanged: vacuous).
      auto mutate = [&](const setup* s, const std::string& label, const mutation& m, bool round_trip) {
        if (s == nullptr) return;
        const outcome base = check(*s);
        axle::value::layout used;
        const outcome o = check(*s, &m, nullptr, &used);
        if (o.v == verdict::pass && o.stored == base.stored && o.stored_shape == base.stored_shape) {
          ++vacuous;
          rep.mutations.push_back(label + ": vacuous on " + s->f->name());
          return;
        }
        ++total_mutations;
        const bool detected = o.v != verdict::pass;
        total_detected += detected ? 1 : 0;
        rep.mutations.push_back(label + ": " + std::string(to_string(o.v)) +
                                (o.v == verdict::wrong_numbers ? " (" + fmt_err(o.error) + ")" : "") + " on " + s->f->name());
        BOOST_CHECK_MESSAGE(detected, entry_label(e) << ": the mutation '" << label << "' on " << s->f->name()
                                                     << " was not caught (relative error " << o.error << ")");
        if (round_trip && o.v == verdict::wrong_numbers) {
          // The tautology: with the same wrong layout on both sides, axle's round trip is exact.
          const double rt = axle_round_trip_error(*s, used, o);
          ++round_trips;
          round_trips_exact += rt <= tolerance ? 1 : 0;
          BOOST_CHECK_MESSAGE(rt <= tolerance, entry_label(e) << ": axle's round trip through the mutated layout "
                                                              << "should reproduce PyTorch, error " << rt);
        }
      };
      if (flip_setup) {
        int axis = 0;
        while (flip_setup->f->kernel(axis) == 1) ++axis;
        const std::string name(axle_axis(e.spatial, axis));
        mutate(flip_setup, "flip " + name, [name](const axle::value::layout& l) { return flip_axis(l, name); }, true);
      }
      mutate(role_setup, "swap O, I", [](const axle::value::layout& l) { return swap_roles(l, "O", "I"); }, false);
      mutate(group_setup, "move G", [](const axle::value::layout& l) { return move_groups(l); }, false);
      reports.push_back(std::move(rep));
    }
  }
  fixtures_used = static_cast<int>(used_fixtures.size());

  // The report.
  std::ostringstream os;
  os << "\n=== conformance of the catalogue against PyTorch (" << fx.manifest.generator << ") ===\n";
  os << total_checks << " checks (convention x fixture) of " << reports.size() << " catalogue entries ("
     << used_names.size() << " names) against " << fixtures_used << " of " << fx.all.size()
     << " PyTorch fixtures; worst relative error " << fmt_err(worst) << " (tolerance " << fmt_err(tolerance) << ")\n";
  os << "checks by family:";
  for (const auto& [family, n] : by_family) os << " " << family << " " << n;
  os << "\n";
  os << total_mutations << " mutated layouts, " << total_detected << " caught" << (vacuous ? ", " : "")
     << (vacuous ? std::to_string(vacuous) + " vacuous (the mutation does not change the stored tensor)" : "") << "\n";
  os << "why the raw table: converting with a flipped layout and back with axle reproduced PyTorch in " << round_trips_exact
     << " of " << round_trips << " cases (plans compose; only the raw reading catches the flip)\n\n";
  for (const entry_report& r : reports) {
    os << std::left << std::setw(44) << entry_label(*r.e) << " raw " << std::setw(34) << r.raw->storage << " "
       << std::setw(19) << conf::to_string(r.raw->compute) << " " << r.checked << " fixtures";
    if (r.adjusted) os << " (" << r.adjusted << " padded/restricted)";
    os << ", max err " << fmt_err(r.max_error);
    for (const auto& [why, n] : r.skipped) os << "; skipped " << n << ": " << why;
    os << "\n";
    for (const std::string& m : r.mutations) os << "      mutation " << m << "\n";
    for (const std::string& m : r.failures) os << "      FAILED " << m << "\n";
  }
  os << "\nnot checkable (" << not_checkable.size() << "):\n";
  for (const std::string& n : not_checkable) os << "  " << n << "\n";
  std::cout << os.str() << std::flush;
  BOOST_TEST(total_checks > 0);
  BOOST_TEST(total_mutations > 0);
}

// ------------------------------------------------------------------------------------------------
// Negative controls named in the issue.

namespace {
const conf::raw_convention& raw_row(std::string_view name) {
  const conf::raw_convention* r = conf::find_raw(name);
  if (r == nullptr) throw std::logic_error("no raw row " + std::string(name));
  return *r;
}
const entry_info& entry(std::string_view name, int spatial) {
  const entry_info* e = axle::catalogue::find(name, spatial);
  if (e == nullptr) throw std::logic_error("no catalogue entry " + std::string(name));
  return *e;
}
}  // namespace

// Haiku's ConvNDTranspose and Keras's ConvNDTranspose store the same shape, (k..., out, in), and
// mean opposite orientations. Reading either one's kernel as the other's gives the same shape and
// different numbers: no shape check can see it, the conformance test does.
BOOST_AUTO_TEST_CASE(haiku_kernel_read_as_keras_differs) {
  int compared = 0, differ = 0;
  double min_error = 1e300;
  for (const fixture& f : fixtures().all) {
    if (!f.transposed() || f.G != 1) continue;
    const std::string r = std::to_string(f.spatial);
    const entry_info& haiku = entry("haiku.conv" + r + "d_transpose", f.spatial);
    const entry_info& keras = entry("keras.conv" + r + "d_transpose", f.spatial);
    BOOST_TEST_CONTEXT(f.name()) {
      for (auto [stored, read] : {std::pair{&haiku, &keras}, std::pair{&keras, &haiku}}) {
        const auto prepared = prepare(*stored, raw_row(stored->name), f);
        BOOST_REQUIRE(std::holds_alternative<setup>(prepared));
        const setup& s = std::get<setup>(prepared);
        const outcome right = check(s);
        const outcome wrong = check(s, nullptr, &raw_row(read->name));
        BOOST_CHECK(right.v == verdict::pass);
        BOOST_TEST_MESSAGE(stored->name << " kernel read as " << read->name << ": " << to_string(wrong.v) << ", error "
                                        << wrong.error);
        BOOST_CHECK_MESSAGE(wrong.v == verdict::wrong_numbers, stored->name << " read as " << read->name << " on "
                                                                            << f.name() << ": " << to_string(wrong.v));
        ++compared;
        differ += wrong.v == verdict::wrong_numbers ? 1 : 0;
        min_error = std::min(min_error, wrong.error);
      }
    }
  }
  std::cout << "negative control: Haiku's and Keras's conv_transpose kernels (same shape) read crosswise: " << differ << " of "
            << compared << " differ from PyTorch (smallest relative error " << fmt_err(min_error) << ")\n";
  BOOST_TEST(compared >= 6);
}

// The Equinox ConvTranspose FAQ: "the transpose of a Conv is its weight flipped on the spatial
// axes with swapaxes(0, 1)". Applied to a PyTorch ConvTranspose weight it is right for one group
// and wrong for several (the swap must happen inside each group; even the shapes differ: the
// recipe gives (Co/G, Ci, k...) where Equinox stores (Co, Ci/G, k...)). Loaded into Equinox's
// storage (same element count), the recipe's tensor computes another function.
BOOST_AUTO_TEST_CASE(equinox_faq_recipe_fails_with_groups) {
  int ungrouped = 0, grouped = 0, caught = 0;
  double min_error = 1e300;
  for (const fixture& f : fixtures().all) {
    if (!f.transposed()) continue;
    const entry_info& eqx = entry("equinox.conv_transpose" + std::to_string(f.spatial) + "d", f.spatial);
    const auto prepared = prepare(eqx, raw_row(eqx.name), f);
    BOOST_REQUIRE(std::holds_alternative<setup>(prepared));
    const setup& s = std::get<setup>(prepared);
    BOOST_TEST_CONTEXT(f.name()) {
      // recipe[a, b, k] = W[b, a, K-1-k]: W is PyTorch's (Ci, Co/G, k...), the recipe (Co/G, Ci, k...).
      const index_t ci = f.G * f.I, opg = f.O;
      index_t vk = 1;
      for (int a = 0; a < f.spatial; ++a) vk *= f.kernel(a);
      outcome o;
      o.stored.resize(f.w.size());
      for (index_t a = 0; a < opg; ++a)
        for (index_t b = 0; b < ci; ++b)
          for (index_t k = 0; k < vk; ++k) {
            // The flat spatial index reversed on every axis is the flat index counted from the end.
            o.stored[static_cast<std::size_t>((a * ci + b) * vk + k)] = f.w[static_cast<std::size_t>((b * opg + a) * vk + (vk - 1 - k))];
          }
      evaluate(s, s.raw, s.compute, o);
      if (f.G == 1 || f.O == 1) {
        // One group, or one output channel per group (a transposed depthwise-like op): the global
        // swap happens to be the per-group swap.
        BOOST_CHECK_MESSAGE(o.v == verdict::pass, "the FAQ recipe with one group (or Co/G = 1) should be right: error " << o.error);
        ++ungrouped;
      } else {
        BOOST_CHECK_MESSAGE(o.v == verdict::wrong_numbers, "the FAQ recipe with " << f.G << " groups should be caught: error "
                                                                                  << o.error);
        ++grouped;
        caught += o.v == verdict::wrong_numbers ? 1 : 0;
        min_error = std::min(min_error, o.error);
      }
    }
  }
  std::cout << "negative control: the Equinox FAQ recipe (flip + swapaxes(0, 1)) reproduces PyTorch on " << ungrouped
            << " fixtures with one group or Co/G = 1, and is caught on " << caught << " of " << grouped
            << " with groups > 1 and Co/G > 1 (smallest relative error " << fmt_err(min_error) << ")\n";
  BOOST_TEST(ungrouped >= 3);
  BOOST_TEST(grouped >= 3);
}

// A depthwise conv IS a grouped conv with one input channel per group: PyTorch's conv weight with
// groups = C converts to every depthwise entry, and every depthwise entry to it, through
// axle::op_conversion (as `axle convert torch.conv2d tf.depthwise_conv2d w.npy out.npy --groups C`).
// Each direction is checked forward: the target's storage is read through its raw description and
// computed; the source of the reverse direction is built from the raw description, not by axle.
BOOST_AUTO_TEST_CASE(grouped_convs_are_depthwise_convs) {
  int forward = 0, backward = 0, refused = 0;
  double worst = 0;
  std::set<std::string> names;
  for (const entry_info& e : axle::catalogue::entries()) {
    if (e.family != axle::family::depthwise_conv) continue;
    const conf::raw_convention* raw = conf::find_raw(e.name);
    if (raw == nullptr || !conf::checkable(*raw)) continue;
    const std::string r = std::to_string(e.spatial);
    const entry_info& conv = entry("torch.conv" + r + "d", e.spatial);
    for (const fixture& f : fixtures().all) {
      if (f.spatial != e.spatial || f.transposed() || f.G == 1) continue;
      axle::op_options o;
      o.groups = f.G;
      const std::vector<index_t> torch_shape = shape_of(parse("(g o) i k...", f.spatial), f.fixture_sizes());
      if (!f.depthwise()) {
        // I/G > 1: not a depthwise conv, and the error says so.
        BOOST_TEST_CONTEXT(f.name() << " -> " << e.name) {
          const axle::op_conversion c(conv, e, o);
          BOOST_CHECK_EXCEPTION(static_cast<void>(c.map(torch_shape)), axle::shape_error,
                                [](const axle::shape_error& x) { return std::string(x.what()).find("I/G = 1") != std::string::npos; });
          ++refused;
        }
        continue;
      }
      const auto prepared = prepare(e, *raw, f);
      if (!std::holds_alternative<setup>(prepared)) continue;
      const setup& s = std::get<setup>(prepared);
      if (s.padded || s.restricted) continue;  // ggml's multiplier-1 kernel: not this fixture
      BOOST_TEST_CONTEXT(f.name() << ": " << conv.name << " --groups " << f.G << " <-> " << e.name) {
        // Forward: the grouped conv's weight converted into the depthwise entry.
        const axle::op_conversion c(conv, e, o);
        const axle::strided_map m = c.map(torch_shape);
        outcome out;
        out.stored.resize(static_cast<std::size_t>(m.size()));
        axle::copy_by_index(m, s.f->w.data(), out.stored.data());
        BOOST_TEST_REQUIRE((m.target_shape == shape_of(s.raw, s.eff)));
        evaluate(s, s.raw, s.compute, out);
        BOOST_TEST((out.v == verdict::pass), "error " << out.error);
        worst = std::max(worst, out.error);
        ++forward;
        // Backward: the depthwise entry's storage (from its raw description) converted into the grouped conv's.
        const std::vector<float> theirs = relayout(s.f->w, s.torch, s.fix, s.raw, s.eff);
        const axle::op_conversion back(e, conv, o);
        const axle::strided_map b = back.map(shape_of(s.raw, s.eff));
        const auto as_conv = prepare(conv, raw_row(conv.name), f);
        BOOST_TEST_REQUIRE(std::holds_alternative<setup>(as_conv));
        const setup& t = std::get<setup>(as_conv);
        outcome in;
        in.stored.resize(static_cast<std::size_t>(b.size()));
        axle::copy_by_index(b, theirs.data(), in.stored.data());
        BOOST_TEST_REQUIRE((b.target_shape == shape_of(t.raw, t.eff)));
        evaluate(t, t.raw, t.compute, in);
        BOOST_TEST((in.v == verdict::pass), "error " << in.error);
        worst = std::max(worst, in.error);
        ++backward;
        names.insert(std::string(e.name));
      }
    }
  }
  std::cout << "grouped <-> depthwise: " << forward << " conversions from torch.convNd --groups C and " << backward
            << " into it, over " << names.size() << " depthwise entries, worst relative error " << fmt_err(worst) << "; "
            << refused << " grouped convs with I/G > 1 refused\n";
  BOOST_TEST(names.count("tf.depthwise_conv2d") == 1u);
  BOOST_TEST(names.count("keras.depthwise_conv2d") == 1u);
  BOOST_TEST(names.count("tflite.depthwise_conv_2d") == 1u);
  BOOST_TEST(refused > 0);
}
