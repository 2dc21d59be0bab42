// Multi-precision building blocks shared by the curve fields and scalars.
#pragma once

#include <cstdint>

#include "common/hd.hpp"

namespace vigil {

// The full 64-bit product of two 32-bit limbs. On the GPU, spelled with the
// 32-bit multiply intrinsics: written as a 64-bit multiply of widened
// operands, nvcc emitted mul.lo.s64 (a multi-instruction 64x64 multiply)
// wherever it lost track of the operands' upper halves being zero.
VIGIL_HD inline uint64_t mul_wide(uint32_t a, uint32_t b) {
#if defined(__CUDA_ARCH__)
  return (uint64_t{__umulhi(a, b)} << 32) | (a * b);
#else
  return uint64_t{a} * b;
#endif
}

// t = a * b, the full (N+M)-limb product of an N-limb and an M-limb value:
// schoolbook by rows, each step a 32x32+32+32 -> 64 multiply-add that cannot
// overflow.
template <int N, int M>
VIGIL_HD inline void mul_limbs(uint32_t t[N + M], const uint32_t a[N], const uint32_t b[M]) {
VIGIL_UNROLL
  for (int i = 0; i < N + M; ++i) t[i] = 0;
VIGIL_UNROLL
  for (int i = 0; i < N; ++i) {
    uint64_t c = 0;
VIGIL_UNROLL
    for (int j = 0; j < M; ++j) {
      c += mul_wide(a[i], b[j]) + t[i + j];
      t[i + j] = static_cast<uint32_t>(c);
      c >>= 32;
    }
    t[i + M] = static_cast<uint32_t>(c);
  }
}

// t = a * b for two 256-bit values.
VIGIL_HD inline void mul_256(uint32_t t[16], const uint32_t a[8], const uint32_t b[8]) { mul_limbs<8, 8>(t, a, b); }

// t = a^2 (512 bits): the 28 cross products once, doubled, plus the 8 squares.
VIGIL_HD inline void sqr_256(uint32_t t[16], const uint32_t a[8]) {
VIGIL_UNROLL
  for (int i = 0; i < 16; ++i) t[i] = 0;
VIGIL_UNROLL
  for (int i = 0; i < 7; ++i) {
    uint64_t c = 0;
VIGIL_UNROLL
    for (int j = i + 1; j < 8; ++j) {
      c += mul_wide(a[i], a[j]) + t[i + j];
      t[i + j] = static_cast<uint32_t>(c);
      c >>= 32;
    }
    t[i + 8] = static_cast<uint32_t>(c);
  }
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    const uint64_t sq = mul_wide(a[i], a[i]);
    c += (uint64_t{t[2 * i]} << 1) + static_cast<uint32_t>(sq);
    t[2 * i] = static_cast<uint32_t>(c);
    c >>= 32;
    c += (uint64_t{t[2 * i + 1]} << 1) + (sq >> 32);
    t[2 * i + 1] = static_cast<uint32_t>(c);
    c >>= 32;
  }
}

}  // namespace vigil
