// The documented limit of 12 atoms per layout, on every path: a layout over it, a transformation
// or a plan step that would take a layout over it, a derivation whose common refinement exceeds
// it. Each is too_many_axes (reported by the type layer, returned by the value layer); none is a
// hard out-of-bounds error, and none truncates a layout. `valid_layout_v` and `convertible_v`
// answer without reporting. The file compiles if and only if all of this holds.
#include <axle/axle.hpp>

#include <type_traits>

namespace {

using namespace axle;
using namespace axle::axes;

struct a1 : axis<"a1"> {};
struct a2 : axis<"a2"> {};
struct a3 : axis<"a3"> {};
struct a4 : axis<"a4"> {};
struct a5 : axis<"a5"> {};
struct a6 : axis<"a6"> {};
struct a7 : axis<"a7"> {};
struct a8 : axis<"a8"> {};
struct a9 : axis<"a9"> {};
struct a10 : axis<"a10"> {};
struct a11 : axis<"a11"> {};
struct a12 : axis<"a12"> {};
struct a13 : axis<"a13"> {};

static_assert(value::max_atoms == 12);

using twelve = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12>;
using thirteen = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13>;
using thirteen_merged = layout<a1, merged<a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13>>;
using eleven_and_h = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, H>;

// At the limit everything works; past it, the predicates say no and never report.
static_assert(valid_layout_v<twelve>);
static_assert(convertible_v<twelve, twelve>);
static_assert(std::is_same_v<plan_t<twelve, twelve>, plan<>>);
static_assert(!valid_layout_v<thirteen>);
static_assert(!valid_layout_v<thirteen_merged>);
static_assert(!convertible_v<thirteen, thirteen>);
static_assert(!convertible_v<twelve, thirteen>);
static_assert(!convertible_v<thirteen_merged, thirteen_merged>);

// The value layer: validation and derivation report too_many_axes.
static_assert(value::of<thirteen>().overflow);
static_assert(value::validate(value::of<thirteen>()).code == value::error_code::too_many_axes);
static_assert(value::validate(value::of<thirteen_merged>()).code == value::error_code::too_many_axes);
static_assert(value::derive(value::of<thirteen>(), value::of<thirteen>()).error.code == value::error_code::too_many_axes);
static_assert(value::validate(value::of<twelve>()).code == value::error_code::none);

// A split that would make a 13th atom is an error, not a layout with its last atom cut off.
constexpr value::atom h = value::of<layout<H>>().atoms[0];
static_assert(value::split_entry(value::of<eleven_and_h>(), h, 4).error.code == value::error_code::too_many_axes);
static_assert(value::split_entry(value::of<layout<a1, H>>(), h, 4).error.code == value::error_code::none);

// Applying a plan whose step adds the 13th atom: too_many_axes, naming the step (index 0).
using split_h = plan<split<H, outer<H, 4>, inner<H, 4>>>;
constexpr value::layout_result applied = value::apply(value::of<eleven_and_h>(), value::of<split_h>());
static_assert(applied.error.code == value::error_code::too_many_axes && applied.error.a == 0);
static_assert(std::is_same_v<apply_t<split_h, layout<a1, H>>, layout<a1, outer<H, 4>, inner<H, 4>>>);

// Two valid layouts of 12 atoms whose common refinement has 13 (H/4, 2h@2, 2h): no plan.
using blocked_by_4 = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, outer<H, 4>, inner<H, 4>>;
using blocked_by_2 = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, outer<H, 2>, inner<H, 2>>;
static_assert(valid_layout_v<blocked_by_4> && valid_layout_v<blocked_by_2>);
static_assert(!convertible_v<blocked_by_4, blocked_by_2>);
static_assert(value::derive(value::of<blocked_by_4>(), value::of<blocked_by_2>()).error.code ==
              value::error_code::too_many_axes);

}  // namespace
