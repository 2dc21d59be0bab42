// Double multiplication r = na * A + ng * G, the core of both verifications,
// as host/device per-thread math.
//
// Strauss-Shamir: one chain of doublings shared by four scalars of ~128 bits.
//   - na is split with the GLV endomorphism (na = k1 + k2 * lambda), so A and
//     lambda * A = (beta * x, y) each take a 128-bit scalar.
//   - ng is split into its low and high 128 bits, against precomputed tables
//     of G and 2^128 * G.
// Each scalar is recoded in width-w NAF (digits odd, |d| < 2^(w-1), at least
// w-1 zeros between digits): A uses w = 5 and an 8-entry table of odd
// multiples built per call; G uses a wider window from the tables.
#pragma once

#include <cstdint>

#include "secp256k1/group.hpp"
#include "secp256k1/scalar.hpp"

#ifndef VIGIL_SECP_WINDOW_G
#define VIGIL_SECP_WINDOW_G 12
#endif

namespace vigil::secp {

inline constexpr int kWindowA = 5;
inline constexpr int kTableA = 1 << (kWindowA - 2);  // odd multiples 1A, 3A, ..., 15A
inline constexpr int kWindowG = VIGIL_SECP_WINDOW_G;
inline constexpr int kTableG = 1 << (kWindowG - 2);  // odd multiples 1G .. (2^(w-1) - 1)G
// Split scalars are below 2^128; one more digit position holds a final carry.
inline constexpr int kWnafBits = 129;

// An affine point known not to be infinity, as stored in tables.
struct GeStorage {
  Fe x, y;
};

// The precomputed G tables: g[i] = (2i+1) * G, g128[i] = (2i+1) * 2^128 * G,
// kTableG entries each (built by build_g_tables on the host).
struct GTables {
  const GeStorage* g;
  const GeStorage* g128;
};

// Width-w NAF of s: digits[i] for i < kWnafBits, returns the number of digit
// positions used (0 for s = 0). A scalar above n/2 -- the negative half of a
// GLV split -- is recoded as -(n - s), with every digit negated. The value
// (after that negation) must be below 2^128.
VIGIL_HD inline int wnaf(int16_t digits[kWnafBits], Scalar s, int w) {
  int sign = 1;
  if (scalar_bit(s, 255)) {
    s = scalar_neg(s);
    sign = -1;
  }
  for (int i = 0; i < kWnafBits; ++i) digits[i] = 0;
  int bit = 0, last = -1;
  uint32_t carry = 0;
  while (bit < kWnafBits) {
    if (scalar_bit(s, bit) == carry) {
      ++bit;
      continue;
    }
    const int now = w < kWnafBits - bit ? w : kWnafBits - bit;
    int word = static_cast<int>(scalar_bits(s, bit, now) + carry);
    carry = (word >> (w - 1)) & 1;
    word -= static_cast<int>(carry << w);
    digits[bit] = static_cast<int16_t>(sign * word);
    last = bit;
    bit += now;
  }
  return last + 1;
}

// pre[i] = (2i+1) * a for i < kTableA, affine, with one inversion in all.
VIGIL_HD inline void odd_multiples(Ge pre[kTableA], const Ge& a) {
  Gej jac[kTableA];
  Fe scratch[kTableA];
  jac[0] = gej_from_ge(a);
  const Gej twice = gej_double(jac[0]);
  for (int i = 1; i < kTableA; ++i) jac[i] = gej_add(jac[i - 1], twice);
  ge_from_gej_batch(pre, jac, kTableA, scratch);
}

// r += d * P where table[i] = (2i+1) * P and d is a NAF digit (0: nothing).
VIGIL_HD inline void add_digit(Gej& r, const Ge* table, int d) {
  if (d > 0) r = gej_add_ge(r, table[(d - 1) >> 1]);
  if (d < 0) r = gej_add_ge(r, ge_neg(table[(-d - 1) >> 1]));
}

VIGIL_HD inline void add_digit_g(Gej& r, const GeStorage* table, int d) {
  if (d == 0) return;
  const GeStorage& e = table[((d < 0 ? -d : d) - 1) >> 1];
  Ge p;
  p.x = e.x;
  p.y = d > 0 ? e.y : fe_neg(e.y);
  p.infinity = false;
  r = gej_add_ge(r, p);
}

// r = na * a + ng * G for an affine point a (not infinity).
VIGIL_HD inline Gej ecmult(const Ge& a, const Scalar& na, const Scalar& ng, const GTables& tables) {
  int16_t d1[kWnafBits], d2[kWnafBits], dg1[kWnafBits], dg2[kWnafBits];
  const ScalarSplit split = scalar_split_lambda(na);
  const int b1 = wnaf(d1, split.k1, kWindowA);
  const int b2 = wnaf(d2, split.k2, kWindowA);
  Scalar lo = ng, hi{};
  for (int i = 0; i < 4; ++i) {
    hi.d[i] = ng.d[i + 4];
    lo.d[i + 4] = 0;
  }
  const int bg1 = wnaf(dg1, lo, kWindowG);
  const int bg2 = wnaf(dg2, hi, kWindowG);

  Ge pre[kTableA], pre_lambda[kTableA];
  if (b1 > 0 || b2 > 0) {
    odd_multiples(pre, a);
    for (int i = 0; i < kTableA; ++i) pre_lambda[i] = ge_mul_lambda(pre[i]);
  }
  int bits = b1 > b2 ? b1 : b2;
  if (bg1 > bits) bits = bg1;
  if (bg2 > bits) bits = bg2;

  Gej r = gej_infinity();
  for (int i = bits - 1; i >= 0; --i) {
    r = gej_double(r);
    add_digit(r, pre, d1[i]);
    add_digit(r, pre_lambda, d2[i]);
    add_digit_g(r, tables.g, dg1[i]);
    add_digit_g(r, tables.g128, dg2[i]);
  }
  return r;
}

}  // namespace vigil::secp
