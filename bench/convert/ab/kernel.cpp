// One build of axle::detail::strided_copy for kernel_ab: compiled once per checkout under test,
// with -I<checkout>/include and -DAXLE_AB_NS=<name>. The library's namespace is renamed so that
// two versions of the (header-only, inline) kernel link into one program without clashing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#define axle AXLE_AB_NS
#include <axle/detail/strided_copy.hpp>
#undef axle

#include "kernel.hpp"

namespace axle_ab {

#define AXLE_AB_CAT2(a, b) a##b
#define AXLE_AB_CAT(a, b) AXLE_AB_CAT2(a, b)

void AXLE_AB_CAT(copy_, AXLE_AB_NS)(void* dst, const void* src, std::size_t es, int rank, const std::ptrdiff_t* ext,
                                    const std::ptrdiff_t* str) {
  namespace d = ::AXLE_AB_NS::detail;
  switch (es) {
    case 1: d::strided_copy(static_cast<std::uint8_t*>(dst), static_cast<const std::uint8_t*>(src), rank, ext, str); break;
    case 2: d::strided_copy(static_cast<std::uint16_t*>(dst), static_cast<const std::uint16_t*>(src), rank, ext, str); break;
    case 4: d::strided_copy(static_cast<float*>(dst), static_cast<const float*>(src), rank, ext, str); break;
    default: d::strided_copy(static_cast<double*>(dst), static_cast<const double*>(src), rank, ext, str); break;
  }
}

}  // namespace axle_ab
