// Double multiplication r = a * A + b * B (B the base point), the core of
// both verifications, as host/device per-thread math.
//
// Strauss-Shamir over one chain of ~253 doublings: each scalar is recoded in
// width-w NAF (digits odd, |d| < 2^(w-1), at least w-1 zeros between
// digits). A uses w = 5 and an 8-entry table of odd multiples built per call;
// B uses a wider window from a precomputed table of affine odd multiples.
// The formulas are complete, so any A (small-order, mixed-order, the
// identity) and any scalars below 2^253 are handled without special cases.
#pragma once

#include <cstdint>

#include "ed25519/group.hpp"
#include "ed25519/scalar.hpp"

#ifndef VIGIL_ED25519_WINDOW_B
#define VIGIL_ED25519_WINDOW_B 12
#endif

namespace vigil::ed25519 {

inline constexpr int kWindowA = 5;
inline constexpr int kTableA = 1 << (kWindowA - 2);  // odd multiples 1A, 3A, ..., 15A
inline constexpr int kWindowB = VIGIL_ED25519_WINDOW_B;
inline constexpr int kTableB = 1 << (kWindowB - 2);  // odd multiples 1B .. (2^(w-1) - 1)B
// Scalars are below 2^253; one more digit position holds a final carry.
inline constexpr int kWnafBits = 254;

// Width-w NAF of s (s < 2^253): digits[i] for i < kWnafBits; returns the
// number of digit positions used (0 for s = 0).
VIGIL_HD inline int wnaf(int16_t digits[kWnafBits], const Scalar& s, int w) {
  for (int i = 0; i < kWnafBits; ++i) digits[i] = 0;
  int bit = 0, last = -1;
  uint32_t carry = 0;
  while (bit < kWnafBits) {
    if (sc_bit(s, bit) == carry) {
      ++bit;
      continue;
    }
    const int now = w < kWnafBits - bit ? w : kWnafBits - bit;
    int word = static_cast<int>(sc_bits(s, bit, now) + carry);
    carry = (word >> (w - 1)) & 1;
    word -= static_cast<int>(carry << w);
    digits[bit] = static_cast<int16_t>(word);
    last = bit;
    bit += now;
  }
  return last + 1;
}

// pre[i] = (2i+1) * a for i < kTableA, ready for additions.
VIGIL_HD inline void odd_multiples(GeCached pre[kTableA], const GeP3& a) {
  pre[0] = ge_p3_to_cached(a);
  const GeP3 twice = ge_p1p1_to_p3(ge_dbl(ge_p3_to_p2(a)));
  GeP3 acc = a;
  for (int i = 1; i < kTableA; ++i) {
    acc = ge_p1p1_to_p3(ge_add(twice, pre[i - 1]));
    pre[i] = ge_p3_to_cached(acc);
  }
}

// r = a * A + b * B, with table_b[i] = (2i+1) * B (kTableB entries).
// Returned in extended form (ZIP-215 subtracts R from it).
VIGIL_HD inline GeP3 double_scalarmult(const GeP3& A, const Scalar& a, const Scalar& b, const GeNiels* table_b) {
  int16_t da[kWnafBits], db[kWnafBits];
  const int bits_a = wnaf(da, a, kWindowA);
  const int bits_b = wnaf(db, b, kWindowB);
  GeCached pre[kTableA];
  if (bits_a > 0) odd_multiples(pre, A);
  const int bits = bits_a > bits_b ? bits_a : bits_b;

  if (bits == 0) return ge_identity();
  GeP2 r = ge_p3_to_p2(ge_identity());
  for (int i = bits - 1;; --i) {
    GeP1P1 t = ge_dbl(r);
    const int x = da[i], y = db[i];
    if (x != 0) {
      const GeP3 u = ge_p1p1_to_p3(t);
      t = x > 0 ? ge_add(u, pre[(x - 1) >> 1]) : ge_sub(u, pre[(-x - 1) >> 1]);
    }
    if (y != 0) {
      const GeP3 u = ge_p1p1_to_p3(t);
      t = y > 0 ? ge_madd(u, table_b[(y - 1) >> 1]) : ge_msub(u, table_b[(-y - 1) >> 1]);
    }
    if (i == 0) return ge_p1p1_to_p3(t);
    r = ge_p1p1_to_p2(t);
  }
}

}  // namespace vigil::ed25519
