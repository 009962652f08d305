// expect: label_repeated<axle::named<.*"i".*>, axle::at_column<13>, axle::in_text<.*"\(gate\[i,f,g,i\], O\)"
// Labelled blocks with the same label twice: blocks are told apart by their labels.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(gate[i,f,g,i], O)">;
#else
using L = layout_t<"(gate[i,f,g,o], O)">;
static_assert(std::is_same_v<L, layout<labels<op_axes::gate, "i,f,g,o">, O>>);
#endif
