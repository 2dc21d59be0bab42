// Scalars of edwards25519: integers mod the prime group order
// L = 2^252 + 27742317777372353535851937790883648493, as host/device
// per-thread math. Verification needs only three operations: is an encoded S
// below L, reduce a 512-bit hash mod L, and read a scalar's bits (for its NAF).
// Unit-tested on the host against OpenSSL's BIGNUM.
#pragma once

#include <cstdint>

#include "common/hd.hpp"
#include "common/wide.hpp"

namespace vigil::ed25519 {

// Eight little-endian 32-bit limbs; values produced here are below L.
struct Scalar {
  uint32_t n[8];
};

VIGIL_HD constexpr uint32_t order_limb(int i) {
  constexpr uint32_t kL[8] = {0x5CF5D3EDu, 0x5812631Au, 0xA2F79CD6u, 0x14DEF9DEu, 0, 0, 0, 0x10000000u};
  return kL[i];
}

// mu = floor(2^512 / L), 260 bits: Barrett's reciprocal.
VIGIL_HD constexpr uint32_t barrett_mu_limb(int i) {
  constexpr uint32_t kMu[9] = {0x0A2C131Bu, 0xED9CE5A3u, 0x086329A7u, 0x2106215Du, 0xFFFFFFEBu,
                               0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0x0000000Fu};
  return kMu[i];
}

VIGIL_HD inline uint32_t load_le32(const uint8_t* q) {
  return uint32_t{q[0]} | (uint32_t{q[1]} << 8) | (uint32_t{q[2]} << 16) | (uint32_t{q[3]} << 24);
}

// 32 little-endian bytes as they are (all 256 bits).
VIGIL_HD inline Scalar sc_from_bytes_raw(const uint8_t* b) {
  Scalar s;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) s.n[i] = load_le32(b + 4 * i);
  return s;
}

// Whether the 256-bit little-endian value at b is below L: the check every
// rule set applies to S (signature malleability).
VIGIL_HD inline bool sc_bytes_canonical(const uint8_t* b) {
  const Scalar s = sc_from_bytes_raw(b);
  for (int i = 7; i >= 0; --i) {
    if (s.n[i] != order_limb(i)) return s.n[i] < order_limb(i);
  }
  return false;  // equal to L
}

// The 512-bit little-endian value at h (a SHA-512 digest) mod L, by Barrett
// reduction with base b = 2^32 and k = 8 limbs (HAC 14.42):
//   q = floor(floor(x / b^7) * mu / b^9) is at most 2 below floor(x / L),
//   r = (x - q L) mod b^9 is then below 3L, and at most two subtractions of L
//   finish. All arithmetic on 9-limb (288-bit) windows.
VIGIL_HD inline Scalar sc_reduce512(const uint8_t* h) {
  uint32_t x[16];
VIGIL_UNROLL
  for (int i = 0; i < 16; ++i) x[i] = load_le32(h + 4 * i);

  // q2 = q1 * mu with q1 = x[7..15]; only limbs 9..17 of q2 (q3) are kept,
  // but the lower ones are needed for their carries.
  uint32_t mu[9], q2[18];
VIGIL_UNROLL
  for (int i = 0; i < 9; ++i) mu[i] = barrett_mu_limb(i);
  mul_limbs<9, 9>(q2, x + 7, mu);
  const uint32_t* q3 = q2 + 9;  // 9 limbs

  // r2 = (q3 * L) mod b^9.
  uint32_t r2[9];
VIGIL_UNROLL
  for (int i = 0; i < 9; ++i) r2[i] = 0;
VIGIL_UNROLL
  for (int i = 0; i < 9; ++i) {
    uint64_t c = 0;
VIGIL_UNROLL
    for (int j = 0; j < 8; ++j) {
      if (i + j < 9) {
        c += mul_wide(q3[i], order_limb(j)) + r2[i + j];
        r2[i + j] = static_cast<uint32_t>(c);
        c >>= 32;
      }
    }
    if (i == 0) r2[8] += static_cast<uint32_t>(c);  // for i > 0 the carry is above b^9
  }

  // r = (x mod b^9) - r2 mod b^9, then subtract L while r >= L.
  uint32_t r[9];
  int64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 9; ++i) {
    c += int64_t{x[i]} - r2[i];
    r[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  for (int round = 0; round < 2; ++round) {
    uint32_t t[9];
    int64_t b = 0;
VIGIL_UNROLL
    for (int i = 0; i < 9; ++i) {
      b += int64_t{r[i]} - (i < 8 ? order_limb(i) : 0u);
      t[i] = static_cast<uint32_t>(b);
      b >>= 32;
    }
    if (b == 0) {  // no borrow: r >= L
VIGIL_UNROLL
      for (int i = 0; i < 9; ++i) r[i] = t[i];
    }
  }
  Scalar s;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) s.n[i] = r[i];
  return s;
}

VIGIL_HD inline uint32_t sc_bit(const Scalar& s, int i) { return (s.n[i >> 5] >> (i & 31)) & 1; }

// Bits [i, i + count) of s as an integer, 1 <= count <= 16, i + count <= 256.
VIGIL_HD inline uint32_t sc_bits(const Scalar& s, int i, int count) {
  const int limb = i >> 5, shift = i & 31;
  uint32_t v = s.n[limb] >> shift;
  if (shift + count > 32 && limb + 1 < 8) v |= s.n[limb + 1] << (32 - shift);
  return v & ((1u << count) - 1);
}

}  // namespace vigil::ed25519
