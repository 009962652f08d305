// expect: too_many_labels<axle::at_column<39>, axle::in_text<.*"\(gate\[a,b,c,d,e,f,g,h,i,j,k,l,m,".*"n,o,p,q\], O\)"
// Labelled blocks with 17 labels: at most 16.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(gate[a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q], O)">;
#else
using L = layout_t<"(gate[a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p], O)">;
static_assert(rank_v<L> == 2);
#endif
