// expect: expected_label<axle::at_column<11>, axle::in_text<.*"\(gate\[i,f,,o\], O\)"
// Labelled blocks with an empty label between two commas.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(gate[i,f,,o], O)">;
#else
using L = layout_t<"(gate[i,f,g,o], O)">;
static_assert(std::is_same_v<L, layout<labels<op_axes::gate, "i,f,g,o">, O>>);
#endif
