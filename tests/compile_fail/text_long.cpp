// expect: unknown_axis<axle::named<.*"bogus".*>, axle::at_column<48>, axle::in_text<.*"\(\(G, I\), O, H~, W~, \(gate\[i,f,g,".*"o\], M\), heads, bogus\)"
// A long text is quoted in pieces of 32 characters: clang shortens longer strings in its messages.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"((G, I), O, H~, W~, (gate[i,f,g,o], M), heads, bogus)">;
#else
using L = layout_t<"((G, I), O, H~, W~, (gate[i,f,g,o], M), heads, seq)">;
static_assert(rank_v<L> == 7);
#endif
