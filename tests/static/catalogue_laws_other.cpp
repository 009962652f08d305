// Laws over every pair of catalogue entries of the depthwise, dense, LSTM, GRU, attention and projection
// families, over conv / depthwise pairs
// (catalogue_laws.hpp), and the single-descriptor laws over the whole catalogue.
#include "catalogue_laws.hpp"

namespace catalogue_laws {
static_assert(family_laws<family::depthwise_conv, 1>());
static_assert(family_laws<family::depthwise_conv, 2>());
static_assert(family_laws<family::depthwise_conv, 3>());
static_assert(family_laws<family::dense, 0>());
static_assert(family_laws<family::lstm, 0>());
static_assert(family_laws<family::gru, 0>());
static_assert(family_laws<family::projection, 0>());
static_assert(depthwise_pairs(ops_of<family::conv, 1>{}, ops_of<family::depthwise_conv, 1>{}));
static_assert(depthwise_pairs(ops_of<family::conv, 2>{}, ops_of<family::depthwise_conv, 2>{}));
static_assert(depthwise_pairs(ops_of<family::conv, 3>{}, ops_of<family::depthwise_conv, 3>{}));
static_assert(family_laws<family::attention, 0>());
static_assert(all_singles(catalogue::all_ops{}));
}  // namespace catalogue_laws
