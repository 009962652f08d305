// kernel_ab: the two builds of strided_copy under comparison (see kernel.cpp).
#pragma once
#include <cstddef>

namespace axle_ab {
using copy_fn = void (*)(void* dst, const void* src, std::size_t es, int rank, const std::ptrdiff_t* ext,
                         const std::ptrdiff_t* str);
void copy_a(void* dst, const void* src, std::size_t es, int rank, const std::ptrdiff_t* ext, const std::ptrdiff_t* str);
void copy_b(void* dst, const void* src, std::size_t es, int rank, const std::ptrdiff_t* ext, const std::ptrdiff_t* str);
}  // namespace axle_ab
