// axle/detail/strided_copy.hpp
//
// Run-time kernel that materialises a layout conversion: copy a strided
// (permuted and/or reversed) source into a contiguous row-major destination.
//
//   strided_copy(dst, src, rank, extents, src_strides)
//     dst  : contiguous row-major destination of prod(extents) elements
//     src  : the source element that lands at dst index (0,...,0)
//     rank : number of destination axes, 0 <= rank <= max_rank
//     extents[k]     : destination extent of axis k (>= 0)
//     src_strides[k] : signed source stride, in elements, for one step along
//                      destination axis k (negative = axis reversed)
//
//   strided_copy_parallel(..., threads)   same, split over `threads` threads
//                                         (std::thread; serial for small data)
//   gather_axis_copy(..., axis, index)    same, but destination index j along
//                                         `axis` reads source index index[j]
//                                         (block permutations such as LSTM
//                                         gate reordering)
//
// Preconditions: T is trivially copyable; dst and src do not overlap; every
// source element addressed exists (gather indices in range).
//
// How it works (bench/convert and docs/performance.md have the measurements
// behind each choice):
//   1. normalise: drop size-1 axes, stop on an empty axis, coalesce axes that
//      are contiguous in both source and destination (reversed runs too);
//   2. pick a strategy on the normalised problem:
//      - "runs": the destination's innermost axis has source stride +-1.
//        Long runs (>= 256 B) are copied with memcpy / a vectorised reverse.
//        Short runs (e.g. the 9 floats of a reversed 3x3 kernel) are
//        super-elements copied by straight-line SSE2 code specialised on the
//        number of 16-byte vectors, in 2-D tiles between the destination's
//        next axis and the source-adjacent axis; tiles are whole cache lines
//        and are visited in destination order (streaming writes);
//      - "transpose": the source's unit-stride axis b differs from the
//        destination's innermost axis a: tiles of b x a are transposed with
//        in-register 4x4 (4-byte), 2x2 (8-byte) or 8x8 (2-byte) SSE2 blocks
//        into an L1 staging buffer, then written out as whole destination row
//        segments; the source axis that continues b in memory is blocked as
//        well (3-D tiles) so that source lines are consumed whole; when b
//        and that axis form one contiguous source run (the taps and input
//        channels of a conv weight made (kh, kw, I, O)), short b runs that
//        blocks do not divide are tiled along the joint axis instead, with
//        whole blocks;
//      - anything else (no unit-stride source axis): odometer + gather loop.
//      Large destinations are written with non-temporal stores (no
//      read-for-ownership): from 16 MB for runs, from 4 MB for transposes;
//   3. outer axes are iterated with an odometer (no recursion).
#pragma once

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

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define AXLE_STRIDED_COPY_SSE2 1
#endif

namespace axle::detail {

using index_t = std::ptrdiff_t;
inline constexpr int max_rank = 8;

namespace strided_copy_impl {

// ---------------------------------------------------------------------------
// Tuning constants (chosen from bench/convert measurements).
// ---------------------------------------------------------------------------
// Each can be overridden with the macro of the same name in upper case
// prefixed by AXLE_STRIDED_COPY_ (used by the benchmark sweeps).
#ifndef AXLE_STRIDED_COPY_LONG_RUN_BYTES
#define AXLE_STRIDED_COPY_LONG_RUN_BYTES 256
#endif
#ifndef AXLE_STRIDED_COPY_RUN_TILE_A_BYTES
#define AXLE_STRIDED_COPY_RUN_TILE_A_BYTES 576
#endif
#ifndef AXLE_STRIDED_COPY_RUN_TILE_B_BYTES
#define AXLE_STRIDED_COPY_RUN_TILE_B_BYTES 2304
#endif
#ifndef AXLE_STRIDED_COPY_TRANSPOSE_TILE
#define AXLE_STRIDED_COPY_TRANSPOSE_TILE 32
#endif
#ifndef AXLE_STRIDED_COPY_NT_MIN_BYTES
#define AXLE_STRIDED_COPY_NT_MIN_BYTES (index_t{16} << 20)
#endif
#ifndef AXLE_STRIDED_COPY_NT_TRANSPOSE_MIN_BYTES
#define AXLE_STRIDED_COPY_NT_TRANSPOSE_MIN_BYTES (index_t{4} << 20)
#endif
#ifndef AXLE_STRIDED_COPY_TRANSPOSE_ROW_BYTES
#define AXLE_STRIDED_COPY_TRANSPOSE_ROW_BYTES 128
#endif
#ifndef AXLE_STRIDED_COPY_TRANSPOSE_C_BYTES
#define AXLE_STRIDED_COPY_TRANSPOSE_C_BYTES 1024
#endif
#ifndef AXLE_STRIDED_COPY_TRANSPOSE_FUSED_TILE
#define AXLE_STRIDED_COPY_TRANSPOSE_FUSED_TILE 8
#endif
#ifndef AXLE_STRIDED_COPY_PARALLEL_MIN_BYTES
#define AXLE_STRIDED_COPY_PARALLEL_MIN_BYTES (1 << 20)
#endif
// Runs at least this many bytes long are copied run by run without tiling.
inline constexpr index_t long_run_bytes = AXLE_STRIDED_COPY_LONG_RUN_BYTES;
// 2-D tiles of short runs: bytes per tile row along the destination's next
// axis (a: one contiguous destination stretch) and along the source-adjacent
// axis (b: one contiguous source stretch).
inline constexpr index_t run_tile_a_bytes = AXLE_STRIDED_COPY_RUN_TILE_A_BYTES;
inline constexpr index_t run_tile_b_bytes = AXLE_STRIDED_COPY_RUN_TILE_B_BYTES;
// Transpose tile extents (elements) along the destination / source axes.
inline constexpr index_t transpose_tile_extent = AXLE_STRIDED_COPY_TRANSPOSE_TILE;
// Destinations at least this large are written with non-temporal stores
// (0 disables them): streaming runs from nt_min_bytes (below it the
// destination stays in the last-level cache and plain stores match memcpy),
// transposes, whose destination chunks are scattered so that every
// read-for-ownership is exposed, from nt_transpose_min_bytes.
inline constexpr index_t nt_min_bytes = AXLE_STRIDED_COPY_NT_MIN_BYTES;
inline constexpr index_t nt_transpose_min_bytes = AXLE_STRIDED_COPY_NT_TRANSPOSE_MIN_BYTES;
// Transpose tiles write destination row segments of about this many bytes.
inline constexpr index_t transpose_row_bytes = AXLE_STRIDED_COPY_TRANSPOSE_ROW_BYTES;
// Transpose tiles also block the source axis that continues the source's
// unit-stride run, to about this many contiguous source bytes per tile row
// when runs are whole cache lines (0 disables this 3-D blocking).
inline constexpr index_t transpose_c_bytes = AXLE_STRIDED_COPY_TRANSPOSE_C_BYTES;
// Transpose tiles along the joint axis of b and the axis that continues it in
// source memory, when the two fuse into one contiguous source run (0 disables
// the fused tiles): rows per tile, a multiple of the 2- and 4-byte SIMD block
// heights (8 and 4).
inline constexpr index_t transpose_fused_tile = AXLE_STRIDED_COPY_TRANSPOSE_FUSED_TILE;
// Below this many bytes strided_copy_parallel stays on the calling thread.
inline constexpr index_t parallel_min_bytes = AXLE_STRIDED_COPY_PARALLEL_MIN_BYTES;

// A normalised copy problem. Strides are in elements; d[] are destination
// strides (row-major for the public API, arbitrary for internal sub-boxes).
struct box {
  int rank = 0;
  index_t n[max_rank] = {};
  index_t s[max_rank] = {};
  index_t d[max_rank] = {};

  index_t size() const noexcept {
    index_t p = 1;
    for (int k = 0; k < rank; ++k) p *= n[k];
    return p;
  }
};

inline index_t abs_index(index_t v) noexcept { return v < 0 ? -v : v; }

// Drop size-1 axes and coalesce neighbours that are contiguous in both the
// source and the destination. Returns false when the box is empty.
inline bool normalise(box& b) noexcept {
  int r = 0;
  for (int k = 0; k < b.rank; ++k) {
    if (b.n[k] == 0) return false;
    if (b.n[k] == 1) continue;
    b.n[r] = b.n[k];
    b.s[r] = b.s[k];
    b.d[r] = b.d[k];
    ++r;
  }
  // coalesce: outer axis o, inner axis i merge when s_o == s_i * n_i and
  // d_o == d_i * n_i (covers reversed runs: s_i = -1, s_o = -n_i).
  int m = 0;
  for (int k = 0; k < r; ++k) {
    if (m > 0 && b.s[m - 1] == b.s[k] * b.n[k] && b.d[m - 1] == b.d[k] * b.n[k]) {
      b.n[m - 1] *= b.n[k];
      b.s[m - 1] = b.s[k];
      b.d[m - 1] = b.d[k];
      continue;
    }
    b.n[m] = b.n[k];
    b.s[m] = b.s[k];
    b.d[m] = b.d[k];
    ++m;
  }
  b.rank = m;
  return true;
}

inline void check_args(int rank, const index_t* extents) {
  if (rank < 0 || rank > max_rank) throw std::invalid_argument("axle::detail::strided_copy: rank out of range");
  for (int k = 0; k < rank; ++k)
    if (extents[k] < 0) throw std::invalid_argument("axle::detail::strided_copy: negative extent");
}

// Build the box for a contiguous row-major destination.
inline bool make_box(box& b, int rank, const index_t* extents, const index_t* src_strides) {
  check_args(rank, extents);
  b.rank = rank;
  index_t acc = 1;
  for (int k = rank - 1; k >= 0; --k) {
    b.n[k] = extents[k];
    b.s[k] = src_strides[k];
    b.d[k] = acc;
    acc *= extents[k];
  }
  return normalise(b);
}

// Odometer over a subset of axes, tracking source and destination offsets.
struct odometer {
  int m = 0;
  index_t n[max_rank] = {};
  index_t s[max_rank] = {};
  index_t d[max_rank] = {};
  index_t i[max_rank] = {};
  index_t so = 0;
  index_t dof = 0;

  void add(index_t extent, index_t sstride, index_t dstride) noexcept {
    n[m] = extent;
    s[m] = sstride;
    d[m] = dstride;
    i[m] = 0;
    ++m;
  }
  // Advance; returns false after the last position (offsets back at 0).
  bool next() noexcept {
    for (int k = m - 1; k >= 0; --k) {
      so += s[k];
      dof += d[k];
      if (++i[k] < n[k]) return true;
      so -= s[k] * n[k];
      dof -= d[k] * n[k];
      i[k] = 0;
    }
    return false;
  }
};

// ---------------------------------------------------------------------------
// Leaf kernels. Pointers are bytes; ES is the element size in bytes.
// ---------------------------------------------------------------------------
template <std::size_t ES>
inline void copy_elem(unsigned char* d, const unsigned char* s) noexcept {
  std::memcpy(d, s, ES);
}

// Forward contiguous run of `bytes` bytes. Short runs avoid the library call.
inline void copy_forward(unsigned char* d, const unsigned char* s, std::size_t bytes) noexcept {
#if defined(AXLE_STRIDED_COPY_SSE2)
  if (bytes >= 16 && bytes <= 256) {
    std::size_t i = 0;
    for (; i + 16 <= bytes; i += 16)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)));
    if (i != bytes) {
      i = bytes - 16;  // overlapping tail: rewrites identical bytes
      _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)));
    }
    return;
  }
#endif
  std::memcpy(d, s, bytes);
}

#if defined(AXLE_STRIDED_COPY_SSE2)
// Reverse the ES-byte lanes of a 16-byte vector.
template <std::size_t ES>
inline __m128i reverse_lanes(__m128i v) noexcept {
  if constexpr (ES == 4) {
    return _mm_shuffle_epi32(v, 0x1B);
  } else if constexpr (ES == 8) {
    return _mm_shuffle_epi32(v, 0x4E);
  } else if constexpr (ES == 2) {
    v = _mm_shufflelo_epi16(v, 0x1B);
    v = _mm_shufflehi_epi16(v, 0x1B);
    return _mm_shuffle_epi32(v, 0x4E);
  } else {
    static_assert(ES == 2 || ES == 4 || ES == 8, "unsupported lane size");
    return v;
  }
}
#endif

// Reversed run: dst[i] = src[-i] for i in [0, len). `s` points at the source
// element of dst[0] (the highest address of the run).
template <std::size_t ES>
inline void copy_reverse(unsigned char* d, const unsigned char* s, index_t len) noexcept {
#if defined(AXLE_STRIDED_COPY_SSE2)
  if constexpr (ES == 2 || ES == 4 || ES == 8) {
    constexpr index_t lanes = 16 / static_cast<index_t>(ES);
    if (len >= lanes) {
      const unsigned char* const s_hi = s + ES;  // one past the run's top
      index_t i = 0;
      for (; i + 4 * lanes <= len; i += 4 * lanes) {
        const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - (i + 1 * lanes) * index_t{ES}));
        const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - (i + 2 * lanes) * index_t{ES}));
        const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - (i + 3 * lanes) * index_t{ES}));
        const __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - (i + 4 * lanes) * index_t{ES}));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (i + 0 * lanes) * index_t{ES}), reverse_lanes<ES>(v0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (i + 1 * lanes) * index_t{ES}), reverse_lanes<ES>(v1));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (i + 2 * lanes) * index_t{ES}), reverse_lanes<ES>(v2));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + (i + 3 * lanes) * index_t{ES}), reverse_lanes<ES>(v3));
      }
      for (; i + lanes <= len; i += lanes) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - (i + lanes) * index_t{ES}));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i * index_t{ES}), reverse_lanes<ES>(v));
      }
      if (i != len) {
        i = len - lanes;  // overlapping tail
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - (i + lanes) * index_t{ES}));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i * index_t{ES}), reverse_lanes<ES>(v));
      }
      return;
    }
  }
#endif
  for (index_t i = 0; i < len; ++i) copy_elem<ES>(d + i * index_t{ES}, s - i * index_t{ES});
}

// One run of `len` elements with source step `dir` (+1 or -1).
template <std::size_t ES>
inline void copy_run(unsigned char* d, const unsigned char* s, index_t len, index_t dir) noexcept {
  if (dir > 0)
    copy_forward(d, s, static_cast<std::size_t>(len) * ES);
  else
    copy_reverse<ES>(d, s, len);
}

// Generic strided 1-D gather: dst[i * ds] = src[i * ss].
template <std::size_t ES>
inline void copy_strided(unsigned char* d, const unsigned char* s, index_t len, index_t ds, index_t ss) noexcept {
  const index_t db = ds * index_t{ES};
  const index_t sb = ss * index_t{ES};
  for (index_t i = 0; i < len; ++i) copy_elem<ES>(d + i * db, s + i * sb);
}

// 2-D transpose tile: dst[jb*db + ja] = src[jb*sb + ja*sa] for jb < nb,
// ja < na, where sb = +-1 (source-contiguous axis) and the destination is
// contiguous along ja. Strides in elements.
template <std::size_t ES>
inline void transpose_tile_scalar(unsigned char* d, const unsigned char* s, index_t nb, index_t na, index_t db,
                                  index_t sb, index_t sa) noexcept {
  for (index_t jb = 0; jb < nb; ++jb)
    copy_strided<ES>(d + jb * db * index_t{ES}, s + jb * sb * index_t{ES}, na, 1, sa);
}

#if defined(AXLE_STRIDED_COPY_SSE2)
// 4x4 block of 4-byte elements. Rows are loaded along the source-contiguous
// axis b (4 consecutive elements, or the 4 below when reversed), transposed
// in registers and stored along the destination-contiguous axis a.
inline void block4x4_e4(unsigned char* d, const unsigned char* s, index_t db_bytes, index_t sa_bytes,
                        bool reversed) noexcept {
  const unsigned char* p = reversed ? s - 12 : s;
  const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + sa_bytes));
  const __m128i r2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * sa_bytes));
  const __m128i r3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 3 * sa_bytes));
  const __m128i t0 = _mm_unpacklo_epi32(r0, r1);
  const __m128i t1 = _mm_unpacklo_epi32(r2, r3);
  const __m128i t2 = _mm_unpackhi_epi32(r0, r1);
  const __m128i t3 = _mm_unpackhi_epi32(r2, r3);
  const __m128i o0 = _mm_unpacklo_epi64(t0, t1);  // lane 0 of every row
  const __m128i o1 = _mm_unpackhi_epi64(t0, t1);
  const __m128i o2 = _mm_unpacklo_epi64(t2, t3);
  const __m128i o3 = _mm_unpackhi_epi64(t2, t3);
  if (!reversed) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), o0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + db_bytes), o1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 2 * db_bytes), o2);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 3 * db_bytes), o3);
  } else {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), o3);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + db_bytes), o2);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 2 * db_bytes), o1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 3 * db_bytes), o0);
  }
}

// 2x2 block of 8-byte elements.
inline void block2x2_e8(unsigned char* d, const unsigned char* s, index_t db_bytes, index_t sa_bytes,
                        bool reversed) noexcept {
  const unsigned char* p = reversed ? s - 8 : s;
  const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + sa_bytes));
  const __m128i o0 = _mm_unpacklo_epi64(r0, r1);
  const __m128i o1 = _mm_unpackhi_epi64(r0, r1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d), reversed ? o1 : o0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d + db_bytes), reversed ? o0 : o1);
}

// 8x8 block of 2-byte elements.
inline void block8x8_e2(unsigned char* d, const unsigned char* s, index_t db_bytes, index_t sa_bytes,
                        bool reversed) noexcept {
  const unsigned char* p = reversed ? s - 14 : s;
  __m128i r[8];
  for (int q = 0; q < 8; ++q) r[q] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + q * sa_bytes));
  const __m128i a0 = _mm_unpacklo_epi16(r[0], r[1]);
  const __m128i a1 = _mm_unpackhi_epi16(r[0], r[1]);
  const __m128i a2 = _mm_unpacklo_epi16(r[2], r[3]);
  const __m128i a3 = _mm_unpackhi_epi16(r[2], r[3]);
  const __m128i a4 = _mm_unpacklo_epi16(r[4], r[5]);
  const __m128i a5 = _mm_unpackhi_epi16(r[4], r[5]);
  const __m128i a6 = _mm_unpacklo_epi16(r[6], r[7]);
  const __m128i a7 = _mm_unpackhi_epi16(r[6], r[7]);
  const __m128i b0 = _mm_unpacklo_epi32(a0, a2);
  const __m128i b1 = _mm_unpackhi_epi32(a0, a2);
  const __m128i b2 = _mm_unpacklo_epi32(a1, a3);
  const __m128i b3 = _mm_unpackhi_epi32(a1, a3);
  const __m128i b4 = _mm_unpacklo_epi32(a4, a6);
  const __m128i b5 = _mm_unpackhi_epi32(a4, a6);
  const __m128i b6 = _mm_unpacklo_epi32(a5, a7);
  const __m128i b7 = _mm_unpackhi_epi32(a5, a7);
  __m128i o[8];
  o[0] = _mm_unpacklo_epi64(b0, b4);
  o[1] = _mm_unpackhi_epi64(b0, b4);
  o[2] = _mm_unpacklo_epi64(b1, b5);
  o[3] = _mm_unpackhi_epi64(b1, b5);
  o[4] = _mm_unpacklo_epi64(b2, b6);
  o[5] = _mm_unpackhi_epi64(b2, b6);
  o[6] = _mm_unpacklo_epi64(b3, b7);
  o[7] = _mm_unpackhi_epi64(b3, b7);
  for (int q = 0; q < 8; ++q)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + q * db_bytes), o[reversed ? 7 - q : q]);
}
#endif

// Transpose tile with SIMD blocks where available. Edge blocks are shifted
// back so that they overlap the previous block (rewriting identical values)
// instead of falling back to scalar code. Blocks are visited source-row group
// by source-row group (ja outer), so each group of source lines is consumed
// whole before the next is touched: with power-of-two strides all rows of a
// tile map to the same cache set and would otherwise evict each other.
template <std::size_t ES>
inline void transpose_tile(unsigned char* d, const unsigned char* s, index_t nb, index_t na, index_t db, index_t sb,
                           index_t sa) noexcept {
#if defined(AXLE_STRIDED_COPY_SSE2)
  if constexpr (ES == 2 || ES == 4 || ES == 8) {
    constexpr index_t w = ES == 4 ? 4 : (ES == 8 ? 2 : 8);
    if (nb >= w && na >= w) {
      const bool rev = sb < 0;
      const index_t db_bytes = db * index_t{ES};
      const index_t sa_bytes = sa * index_t{ES};
      const index_t sb_bytes = sb * index_t{ES};
      for (index_t ja = 0; ja < na; ja += w) {
        const index_t a0 = ja + w <= na ? ja : na - w;
        unsigned char* dcol = d + a0 * index_t{ES};
        const unsigned char* scol = s + a0 * sa_bytes;
        for (index_t jb = 0; jb < nb; jb += w) {
          const index_t b0 = jb + w <= nb ? jb : nb - w;
          if constexpr (ES == 4)
            block4x4_e4(dcol + b0 * db_bytes, scol + b0 * sb_bytes, db_bytes, sa_bytes, rev);
          else if constexpr (ES == 8)
            block2x2_e8(dcol + b0 * db_bytes, scol + b0 * sb_bytes, db_bytes, sa_bytes, rev);
          else
            block8x8_e2(dcol + b0 * db_bytes, scol + b0 * sb_bytes, db_bytes, sa_bytes, rev);
        }
      }
      return;
    }
  }
#endif
  transpose_tile_scalar<ES>(d, s, nb, na, db, sb, sa);
}

// Copy `bytes` from an L1-resident staging buffer to the destination; with
// NT, the 16-byte-aligned middle is written with non-temporal stores (no
// read-for-ownership of destination lines, no cache pollution).
template <bool NT>
inline void flush_row(unsigned char* d, const unsigned char* buf, index_t bytes) noexcept {
#if defined(AXLE_STRIDED_COPY_SSE2)
  if constexpr (NT) {
    index_t head = static_cast<index_t>((16 - (reinterpret_cast<std::uintptr_t>(d) & 15)) & 15);
    if (head > bytes) head = bytes;
    if (head != 0) std::memcpy(d, buf, static_cast<std::size_t>(head));
    index_t i = head;
    for (; i + 64 <= bytes; i += 64) {
      const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i));
      const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i + 16));
      const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i + 32));
      const __m128i v3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i + 48));
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + i), v0);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + i + 16), v1);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + i + 32), v2);
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + i + 48), v3);
    }
    for (; i + 16 <= bytes; i += 16)
      _mm_stream_si128(reinterpret_cast<__m128i*>(d + i), _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + i)));
    if (i != bytes) std::memcpy(d + i, buf + i, static_cast<std::size_t>(bytes - i));
    return;
  }
#endif
  copy_forward(d, buf, static_cast<std::size_t>(bytes));
}

inline void store_fence() noexcept {
#if defined(AXLE_STRIDED_COPY_SSE2)
  _mm_sfence();
#endif
}

// ---------------------------------------------------------------------------
// Strategies on a normalised box.
// ---------------------------------------------------------------------------

// Staging buffer: one tile of the destination, kept in L1.
inline constexpr index_t stage_bytes = 16384;

// Generic fallback: odometer over all but the innermost axis + strided loop.
template <std::size_t ES>
void exec_generic(unsigned char* dst, const unsigned char* src, const box& b) noexcept {
  const int r = b.rank;
  odometer od;
  for (int k = 0; k < r - 1; ++k) od.add(b.n[k], b.s[k] * index_t{ES}, b.d[k] * index_t{ES});
  const index_t n = b.n[r - 1], ss = b.s[r - 1], ds = b.d[r - 1];
  do {
    copy_strided<ES>(dst + od.dof, src + od.so, n, ds, ss);
  } while (od.next());
}

#if defined(AXLE_STRIDED_COPY_SSE2)
// Run of `len` elements (len * ES in (16 * (NV - 1), 16 * NV]) as NV
// straight-line 16-byte vectors, the last one overlapping the previous.
template <std::size_t ES, int NV, bool Rev>
inline void copy_run_nv(unsigned char* d, const unsigned char* s, index_t len) noexcept {
  const index_t bytes = len * index_t{ES};
  __m128i v[static_cast<std::size_t>(NV)];
  if constexpr (!Rev) {
    for (int j = 0; j < NV - 1; ++j) v[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 16 * j));
    v[NV - 1] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + bytes - 16));
  } else {
    const unsigned char* const s_hi = s + ES;  // one past the run's top
    for (int j = 0; j < NV - 1; ++j)
      v[j] = reverse_lanes<ES>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - 16 * (j + 1))));
    v[NV - 1] = reverse_lanes<ES>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s_hi - bytes)));
  }
  for (int j = 0; j < NV - 1; ++j) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 16 * j), v[j]);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d + bytes - 16), v[NV - 1]);
}
#endif

// 2-D tiles of short runs ("super-elements") between destination axis a and
// source axis b. NV > 0 selects a straight-line SIMD run of NV vectors.
struct run_tiles {
  index_t len = 0, tile_a = 0, tile_b = 0, na = 0, nb = 0, sa = 0, da = 0, sb = 0, db = 0;
  bool b_outer = false;
  bool stream = false;  // destination stretches are contiguous (da == run bytes): may stage + NT

  template <std::size_t ES, int NV, bool Rev>
  static void one(unsigned char* d, const unsigned char* s, index_t len) noexcept {
#if defined(AXLE_STRIDED_COPY_SSE2)
    if constexpr (NV > 0) {
      copy_run_nv<ES, NV, Rev>(d, s, len);
      return;
    }
#endif
    copy_run<ES>(d, s, len, Rev ? -1 : 1);
  }

  template <std::size_t ES, int NV, bool Rev, bool NT>
  void run(unsigned char* d0, const unsigned char* s0) const noexcept {
    // Tiles are visited so that the destination is written in its own order:
    // whichever of a / b is the outer destination axis drives the outer loop
    // (streaming writes measured far better than streaming reads).
    if (b_outer) {
      alignas(64) unsigned char buf[NT ? stage_bytes : 1];
      for (index_t b0 = 0; b0 < nb; b0 += tile_b) {
        const index_t b1 = std::min(nb, b0 + tile_b);
        for (index_t a0 = 0; a0 < na; a0 += tile_a) {
          const index_t a1 = std::min(na, a0 + tile_a);
          for (index_t jb = b0; jb < b1; ++jb) {
            unsigned char* d = d0 + jb * db + a0 * da;
            const unsigned char* s = s0 + jb * sb + a0 * sa;
            if constexpr (NT) {
              // one contiguous destination stretch: build it in L1, stream it out
              unsigned char* t = buf;
              for (index_t ja = a0; ja < a1; ++ja, t += da, s += sa) one<ES, NV, Rev>(t, s, len);
              flush_row<true>(d, buf, (a1 - a0) * da);
            } else {
              for (index_t ja = a0; ja < a1; ++ja, d += da, s += sa) one<ES, NV, Rev>(d, s, len);
            }
          }
        }
      }
    } else {
      for (index_t a0 = 0; a0 < na; a0 += tile_a) {
        const index_t a1 = std::min(na, a0 + tile_a);
        for (index_t b0 = 0; b0 < nb; b0 += tile_b) {
          const index_t b1 = std::min(nb, b0 + tile_b);
          for (index_t ja = a0; ja < a1; ++ja) {
            unsigned char* d = d0 + ja * da + b0 * db;
            const unsigned char* s = s0 + ja * sa + b0 * sb;
            for (index_t jb = b0; jb < b1; ++jb, d += db, s += sb) one<ES, NV, Rev>(d, s, len);
          }
        }
      }
    }
  }

  template <std::size_t ES, int NV, bool Rev>
  void dispatch_nt(unsigned char* d0, const unsigned char* s0, bool nt) const noexcept {
    if (nt && stream && b_outer)
      run<ES, NV, Rev, true>(d0, s0);
    else
      run<ES, NV, Rev, false>(d0, s0);
  }
};

// Runs: innermost axis has source stride +-1 and destination stride 1.
template <std::size_t ES>
void exec_runs(unsigned char* dst, const unsigned char* src, const box& b, bool nt) noexcept {
  // nt: destination large enough for non-temporal stores (see nt_min_bytes)
  const int r = b.rank;
  const index_t len = b.n[r - 1];
  const index_t dir = b.s[r - 1];
  const index_t run_bytes = len * index_t{ES};

  // Short runs: tile the destination's next axis (a) against the axis whose
  // source stride is smallest (b, the source-adjacent one) so that a tile
  // reads and writes long contiguous stretches.
  int ax_a = -1, ax_b = -1;
  if (run_bytes < long_run_bytes && r >= 3) {
    ax_a = r - 2;
    for (int k = 0; k < r - 1; ++k)
      if (k != ax_a && (ax_b < 0 || abs_index(b.s[k]) < abs_index(b.s[ax_b]))) ax_b = k;
    // Tiling only pays when the source stride of a is large (runs far apart).
    if (ax_b >= 0 && abs_index(b.s[ax_a]) <= abs_index(b.s[ax_b])) ax_a = ax_b = -1;
  }

  if (ax_a < 0) {
    odometer od;
    for (int k = 0; k < r - 1; ++k) od.add(b.n[k], b.s[k] * index_t{ES}, b.d[k] * index_t{ES});
    do {
      copy_run<ES>(dst + od.dof, src + od.so, len, dir);
    } while (od.next());
    return;
  }

  odometer od;
  for (int k = 0; k < r - 1; ++k)
    if (k != ax_a && k != ax_b) od.add(b.n[k], b.s[k] * index_t{ES}, b.d[k] * index_t{ES});
  run_tiles t;
  t.len = len;
  // Tile extents are whole multiples of the number of runs that fill a whole
  // number of cache lines, so that no line is split between two tiles.
  index_t g = 64, rb = run_bytes;
  while (rb != 0) {
    const index_t t2 = g % rb;
    g = rb;
    rb = t2;
  }
  const index_t q = 64 / g;  // runs per whole-line group
  auto round_tile = [q, run_bytes](index_t target) {
    const index_t n = std::max<index_t>(1, target / run_bytes);
    return std::max<index_t>(q, (n + q / 2) / q * q);
  };
  t.tile_a = round_tile(run_tile_a_bytes);
  t.tile_b = round_tile(run_tile_b_bytes);
  while (t.tile_a > 1 && t.tile_a * run_bytes > stage_bytes) t.tile_a /= 2;
  t.na = b.n[ax_a];
  t.nb = b.n[ax_b];
  t.sa = b.s[ax_a] * index_t{ES};
  t.da = b.d[ax_a] * index_t{ES};
  t.sb = b.s[ax_b] * index_t{ES};
  t.db = b.d[ax_b] * index_t{ES};
  t.stream = t.da == run_bytes;
#if defined(AXLE_STRIDED_COPY_RUN_ORDER)
  t.b_outer = AXLE_STRIDED_COPY_RUN_ORDER == 2 ? true : AXLE_STRIDED_COPY_RUN_ORDER == 1 ? false : ax_b < ax_a;
#else
  t.b_outer = ax_b < ax_a;
#endif
  const int nv = static_cast<int>((run_bytes + 15) / 16);
  do {
    unsigned char* const d0 = dst + od.dof;
    const unsigned char* const s0 = src + od.so;
#if defined(AXLE_STRIDED_COPY_SSE2)
    if constexpr (ES == 2 || ES == 4 || ES == 8) {
      if (run_bytes >= 16 && nv <= 8) {
        const bool rev = dir < 0;
        switch (nv * 2 + (rev ? 1 : 0)) {
          case 2: t.dispatch_nt<ES, 1, false>(d0, s0, nt); break;
          case 3: t.dispatch_nt<ES, 1, true>(d0, s0, nt); break;
          case 4: t.dispatch_nt<ES, 2, false>(d0, s0, nt); break;
          case 5: t.dispatch_nt<ES, 2, true>(d0, s0, nt); break;
          case 6: t.dispatch_nt<ES, 3, false>(d0, s0, nt); break;
          case 7: t.dispatch_nt<ES, 3, true>(d0, s0, nt); break;
          case 8: t.dispatch_nt<ES, 4, false>(d0, s0, nt); break;
          case 9: t.dispatch_nt<ES, 4, true>(d0, s0, nt); break;
          case 10: t.dispatch_nt<ES, 5, false>(d0, s0, nt); break;
          case 11: t.dispatch_nt<ES, 5, true>(d0, s0, nt); break;
          case 12: t.dispatch_nt<ES, 6, false>(d0, s0, nt); break;
          case 13: t.dispatch_nt<ES, 6, true>(d0, s0, nt); break;
          case 14: t.dispatch_nt<ES, 7, false>(d0, s0, nt); break;
          case 15: t.dispatch_nt<ES, 7, true>(d0, s0, nt); break;
          case 16: t.dispatch_nt<ES, 8, false>(d0, s0, nt); break;
          default: t.dispatch_nt<ES, 8, true>(d0, s0, nt); break;
        }
        continue;
      }
    }
#endif
    if (dir > 0)
      t.dispatch_nt<ES, 0, false>(d0, s0, nt);
    else
      t.dispatch_nt<ES, 0, true>(d0, s0, nt);
  } while (od.next());
}

// Transpose: destination innermost axis a (dst stride 1) differs from the
// source's unit-stride axis b. Each tile is transposed into an L1 staging
// buffer and then written out row by row (whole destination row segments).
template <std::size_t ES, bool NT>
void exec_transpose_t(unsigned char* dst, const unsigned char* src, const box& b, int ax_b) noexcept {
  const int r = b.rank;
  const int ax_a = r - 1;
  const index_t na = b.n[ax_a], nb = b.n[ax_b];
  const index_t sa = b.s[ax_a], sb = b.s[ax_b], db = b.d[ax_b];

  // 3-D tiles: the axis c that continues b in source memory (|s_c| == nb) is
  // blocked too, so that a tile reads whole stretches of Tc * nb contiguous
  // source elements per row (short b runs such as 9 taps would otherwise
  // leave each source line half used until a much later tile).
  int ax_c = -1;
  if (transpose_c_bytes > 0)
    for (int k = 0; k < r - 1; ++k)
      if (k != ax_b && abs_index(b.s[k]) == nb) ax_c = k;

  odometer outer;
  for (int k = 0; k < r - 1; ++k)
    if (k != ax_b && k != ax_c) outer.add(b.n[k], b.s[k] * index_t{ES}, b.d[k] * index_t{ES});
  const index_t nc = ax_c >= 0 ? b.n[ax_c] : 1;
  const index_t sc = ax_c >= 0 ? b.s[ax_c] * index_t{ES} : 0;
  const index_t dc = ax_c >= 0 ? b.d[ax_c] * index_t{ES} : 0;
  // Measured: when a source run (nb elements) splits cache lines, c is best
  // iterated whole (every line is consumed across consecutive c steps); when
  // runs are whole lines, c-blocks of ~transpose_c_bytes keep the destination
  // chunks of consecutive tiles closer together.
  const index_t run_b = nb * index_t{ES};
  const index_t TC = ax_c < 0 ? 1
                     : run_b % 64 != 0 ? nc
                                       : std::max<index_t>(1, (transpose_c_bytes + run_b / 2) / run_b);
  alignas(64) unsigned char buf[stage_bytes];
  // Fused b and c: with s_b == +1 and s_c == +nb, j = jc * nb + jb is one
  // source-contiguous axis of nc * nb elements (PyTorch's (O, I, kh, kw) made
  // (kh, kw, I, O): j runs over I and the taps). Tiles of TJ rows along j are
  // transposed with whole SIMD blocks, where tiles of nb rows (9 taps) need
  // overlapping ones (3 blocks of 4 floats, 2 of 8 halves), and each staged
  // row j is flushed to its own destination row (jb, jc). Measured (bench/
  // convert/ab): 1.1-1.25x for 4-byte and 1.4-2x for 2-byte 3x3 kernels; no
  // gain for 8-byte elements (2x2 blocks waste one row in nb) nor where
  // blocks already fit (nb a multiple of the block height), and slower when
  // it gives up the c-blocks of whole-line runs, so it is used only for short
  // b runs that whole blocks do not cover. c is then iterated whole below as
  // well: the destination is written in the same order. TJ is kept small
  // because longer bursts of non-temporal row flushes measured slower.
  constexpr index_t block_rows = ES == 4 ? 4 : ES == 2 ? 8 : 0;
  if (block_rows > 0 && transpose_fused_tile > 0 && ax_c >= 0 && sb == 1 && b.s[ax_c] == nb &&
      nb < transpose_tile_extent && nb % block_rows != 0) {
    const index_t nj = nc * nb;
    const index_t TJ = std::min<index_t>(transpose_fused_tile, nj);
    const index_t TA = std::max<index_t>(
        1, std::min<index_t>(transpose_row_bytes / index_t{ES}, stage_bytes / index_t{ES} / TJ) / 16 * 16);
    const index_t db_bytes = db * index_t{ES};
    const index_t wrap = dc - nb * db_bytes;  // from row (nb - 1, jc) to row (0, jc + 1)
    do {
      unsigned char* const d0 = dst + outer.dof;
      const unsigned char* const s0 = src + outer.so;
      for (index_t a0 = 0; a0 < na; a0 += TA) {
        const index_t ta = std::min(TA, na - a0);
        const index_t row_bytes = ta * index_t{ES};
        const unsigned char* st = s0 + a0 * sa * index_t{ES};
        for (index_t j0 = 0; j0 < nj; j0 += TJ, st += TJ * index_t{ES}) {
          const index_t tj = std::min(TJ, nj - j0);
          transpose_tile<ES>(buf, st, tj, ta, ta, 1, sa);
          index_t jc = j0 / nb, jb = j0 - jc * nb;
          unsigned char* d = d0 + jc * dc + (jb * db + a0) * index_t{ES};
          const unsigned char* row = buf;
          for (index_t q = 0; q < tj; ++q, row += row_bytes) {
            flush_row<NT>(d, row, row_bytes);
            d += db_bytes;
            if (++jb == nb) {
              jb = 0;
              d += wrap;
            }
          }
        }
      }
    } while (outer.next());
    return;
  }
  // tile extents: TA along the destination row, TB rows; the staging buffer
  // holds TB x TA elements
  const index_t TB = std::min<index_t>(transpose_tile_extent, nb);
  const index_t TA = std::max<index_t>(
      1, std::min<index_t>(transpose_row_bytes / index_t{ES}, stage_bytes / index_t{ES} / TB) / 16 * 16);
  do {
    for (index_t c0 = 0; c0 < nc; c0 += TC) {
      const index_t c1 = std::min(nc, c0 + TC);
      unsigned char* const d0 = dst + outer.dof + c0 * dc;
      const unsigned char* const s0 = src + outer.so + c0 * sc;
      for (index_t b0 = 0; b0 < nb; b0 += TB) {
        const index_t tb = std::min(TB, nb - b0);
        for (index_t a0 = 0; a0 < na; a0 += TA) {
          const index_t ta = std::min(TA, na - a0);
          unsigned char* dt = d0 + (b0 * db + a0) * index_t{ES};
          const unsigned char* st = s0 + (b0 * sb + a0 * sa) * index_t{ES};
          for (index_t jc = c0; jc < c1; ++jc) {
            transpose_tile<ES>(buf, st, tb, ta, ta, sb, sa);
            for (index_t jb = 0; jb < tb; ++jb)
              flush_row<NT>(dt + jb * db * index_t{ES}, buf + jb * ta * index_t{ES}, ta * index_t{ES});
            dt += dc;
            st += sc;
          }
        }
      }
    }
  } while (outer.next());
}

template <std::size_t ES>
void exec_transpose(unsigned char* dst, const unsigned char* src, const box& b, int ax_b, bool nt) noexcept {
  if (nt)
    exec_transpose_t<ES, true>(dst, src, b, ax_b);
  else
    exec_transpose_t<ES, false>(dst, src, b, ax_b);
}

// total_bytes: destination bytes of the whole copy (a parallel part is a
// sub-box of it), which decides whether non-temporal stores are used.
template <std::size_t ES>
void exec_box(unsigned char* dst, const unsigned char* src, const box& b, index_t total_bytes) noexcept {
  const int r = b.rank;
  bool nt = false;
  if (r == 0) {
    copy_elem<ES>(dst, src);
    return;
  }
  if (b.d[r - 1] == 1) {
    if (abs_index(b.s[r - 1]) == 1) {
      nt = nt_min_bytes > 0 && total_bytes >= nt_min_bytes;
      exec_runs<ES>(dst, src, b, nt);
    } else {
      int ax_b = -1;
      for (int k = 0; k < r - 1; ++k)
        if (abs_index(b.s[k]) == 1) ax_b = k;
      nt = ax_b >= 0 && nt_transpose_min_bytes > 0 && total_bytes >= nt_transpose_min_bytes;
      if (ax_b >= 0)
        exec_transpose<ES>(dst, src, b, ax_b, nt);
      else
        exec_generic<ES>(dst, src, b);
    }
  } else {
    exec_generic<ES>(dst, src, b);
  }
  if (nt) store_fence();
}

template <class T>
inline void exec(T* dst, const T* src, const box& b, index_t total_bytes) noexcept {
  exec_box<sizeof(T)>(reinterpret_cast<unsigned char*>(dst), reinterpret_cast<const unsigned char*>(src), b,
                      total_bytes);
}

// Split a normalised box into `parts` sub-boxes along its largest axis
// (preferring an axis other than the destination-contiguous one).
// Returns the axis, or -1 when the box cannot be split.
inline int split_axis(const box& b, int parts) noexcept {
  int best = -1;
  for (int k = 0; k < b.rank; ++k) {
    if (b.n[k] < parts) continue;
    if (best < 0) {
      best = k;
      continue;
    }
    const bool k_inner = b.d[k] == 1, best_inner = b.d[best] == 1;
    if (k_inner != best_inner) {
      if (best_inner) best = k;
      continue;
    }
    if (b.n[k] > b.n[best]) best = k;
  }
  return best;
}

template <class T>
void exec_parallel(T* dst, const T* src, const box& b, int threads) {
  const int ax = split_axis(b, threads);
  const index_t total = b.size() * index_t{sizeof(T)};
  if (threads <= 1 || ax < 0 || total < parallel_min_bytes) {
    exec(dst, src, b, total);
    return;
  }
  const index_t n = b.n[ax];
  // chunk boundaries rounded to 16 elements when the axis is long enough, so
  // threads rarely share destination cache lines.
  const index_t align = n >= 64 * threads ? 16 : 1;
  auto bound = [&](int t) -> index_t {
    if (t >= threads) return n;
    const index_t v = n * t / threads;
    return std::min(n, (v + align / 2) / align * align);
  };
  auto run_part = [&b, ax, dst, src, total, &bound](int t) noexcept {
    const index_t lo = bound(t), hi = bound(t + 1);
    if (hi <= lo) return;
    box sub = b;
    sub.n[ax] = hi - lo;
    exec(dst + lo * b.d[ax], src + lo * b.s[ax], sub, total);
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads - 1));
  int started = 1;
  try {
    for (; started < threads; ++started) pool.emplace_back(run_part, started);
  } catch (const std::system_error&) {
    // could not start a thread: do its share here
  }
  run_part(0);
  for (int t = started; t < threads; ++t) run_part(t);
  for (auto& th : pool) th.join();
}

}  // namespace strided_copy_impl

// Copy a strided source into a contiguous row-major destination.
template <class T>
void strided_copy(T* dst, const T* src, int rank, const index_t* extents, const index_t* src_strides) {
  static_assert(std::is_trivially_copyable_v<T>, "strided_copy requires a trivially copyable element type");
  strided_copy_impl::box b;
  if (!strided_copy_impl::make_box(b, rank, extents, src_strides)) return;
  strided_copy_impl::exec(dst, src, b, b.size() * index_t{sizeof(T)});
}

// Same as strided_copy, split over `threads` threads (std::thread) when the
// tensor is at least strided_copy_impl::parallel_min_bytes large.
template <class T>
void strided_copy_parallel(T* dst, const T* src, int rank, const index_t* extents, const index_t* src_strides,
                           int threads) {
  static_assert(std::is_trivially_copyable_v<T>, "strided_copy_parallel requires a trivially copyable element type");
  strided_copy_impl::box b;
  if (!strided_copy_impl::make_box(b, rank, extents, src_strides)) return;
  strided_copy_impl::exec_parallel(dst, src, b, threads);
}

// Gather along one axis: like strided_copy, except that destination index j
// along `axis` reads source index index[j] along that axis, i.e. the source
// element of destination (i_0, ..., j, ..., i_{r-1}) is
//   src[index[j] * src_strides[axis] + sum_{k != axis} i_k * src_strides[k]].
// Used for block permutations such as LSTM gate reordering.
template <class T>
void gather_axis_copy(T* dst, const T* src, int rank, const index_t* extents, const index_t* src_strides, int axis,
                      const index_t* index) {
  static_assert(std::is_trivially_copyable_v<T>, "gather_axis_copy requires a trivially copyable element type");
  strided_copy_impl::check_args(rank, extents);
  if (axis < 0 || axis >= rank) throw std::invalid_argument("axle::detail::gather_axis_copy: axis out of range");
  strided_copy_impl::box b;
  index_t acc = 1;
  index_t dst_axis_stride = 0;
  b.rank = rank - 1;
  for (int k = rank - 1, m = rank - 2; k >= 0; --k) {
    if (k == axis) {
      dst_axis_stride = acc;
    } else {
      b.n[m] = extents[k];
      b.s[m] = src_strides[k];
      b.d[m] = acc;
      --m;
    }
    acc *= extents[k];
  }
  if (acc == 0) return;
  if (!strided_copy_impl::normalise(b)) return;
  const index_t total = acc * index_t{sizeof(T)};
  for (index_t j = 0; j < extents[axis]; ++j)
    strided_copy_impl::exec(dst + j * dst_axis_stride, src + index[j] * src_strides[axis], b, total);
}

}  // namespace axle::detail
