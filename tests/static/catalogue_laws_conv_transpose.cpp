// Laws over every pair of catalogue entries of the conv_transpose family, rank by rank, and
// is_adjoint_pair_v over every conv / conv_transpose pair of one rank (catalogue_laws.hpp).
#include "catalogue_laws.hpp"

namespace catalogue_laws {
static_assert(family_laws<family::conv_transpose, 1>());
static_assert(family_laws<family::conv_transpose, 2>());
static_assert(family_laws<family::conv_transpose, 3>());
static_assert(adjoint_pairs(ops_of<family::conv, 1>{}, ops_of<family::conv_transpose, 1>{}));
static_assert(adjoint_pairs(ops_of<family::conv, 2>{}, ops_of<family::conv_transpose, 2>{}));
static_assert(adjoint_pairs(ops_of<family::conv, 3>{}, ops_of<family::conv_transpose, 3>{}));
}  // namespace catalogue_laws
