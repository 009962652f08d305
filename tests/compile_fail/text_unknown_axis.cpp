// expect: unknown_axis<axle::named<.*"kh".*>, axle::at_column<8>, axle::in_text<.*"\(O, I, kh, kw\)"
// A layout written as text names an axis that is neither built in nor listed with axes_list.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(O, I, kh, kw)">;
#else
struct kh : axis<"kh", axis_kind::spatial> {};
struct kw : axis<"kw", axis_kind::spatial> {};
using L = layout_t<"(O, I, kh, kw)", axes_list<kh, kw>>;
static_assert(std::is_same_v<L, layout<O, I, kh, kw>>);
#endif
