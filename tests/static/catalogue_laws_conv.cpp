// Laws over every pair of catalogue entries of the conv family, rank by rank (catalogue_laws.hpp).
#include "catalogue_laws.hpp"

namespace catalogue_laws {
static_assert(family_laws<family::conv, 1>());
static_assert(family_laws<family::conv, 2>());
static_assert(family_laws<family::conv, 3>());
}  // namespace catalogue_laws
