// expect: expected_comma_or_closing_bracket<axle::at_column<9>, axle::in_text<.*"\(gate\[i f g o\], O\)"
// The labels of labelled blocks are separated by commas.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(gate[i f g o], O)">;
#else
using L = layout_t<"(gate[i,f,g,o], O)">;
static_assert(std::is_same_v<L, layout<labels<op_axes::gate, "i,f,g,o">, O>>);
#endif
