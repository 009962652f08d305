// axle convert-checkpoint --verify — a numerical check of each converted convolution weight.
//
// For a weight of the conv family (convolutions, transposed convolutions of either semantics,
// depthwise convolutions), the reference engine (<axle/reference/conv.hpp>) runs the source op
// with the source tensor and the target op with the converted tensor on one small random input,
// and the two outputs are compared. The engine takes its weights in PyTorch's layouts (its
// documented convention): each side's tensor is brought there from its own layout, and run with
// its own semantics — the adjoint (scatter) and the direct (correlation) transposed convolutions
// are independent code, so a swap or a flip that is wrong shows as different numbers.
#pragma once

#include "cli.hpp"

#include <axle/dtype.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace axle::cli {

struct verify_request {
  const entry_info* from = nullptr;
  const entry_info* to = nullptr;
  value::layout from_layout;  // the layouts the conversion used (one group or grouped)
  value::layout to_layout;
  std::vector<axis_size> sizes;
  std::vector<index_t> from_shape;
  std::vector<index_t> to_shape;
  axle::dtype dtype = axle::dtype::F32;
  bool grouped = false;
};

struct verify_result {
  bool checked = false;  // false: not a conv-family weight, or not a float type (see note)
  bool ok = false;
  double max_error = 0;  // max |difference| / max(1, max |output|)
  std::string note;
};

/// Whether --verify applies to a conversion between these ops.
[[nodiscard]] bool verifiable(const entry_info& from);

/// Runs both ops on one random input and compares (see the header).
[[nodiscard]] verify_result verify_conversion(const verify_request& r, std::span<const std::byte> source, std::span<const std::byte> target);

}  // namespace axle::cli
