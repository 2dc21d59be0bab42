// Scalars: integers mod n, the order of secp256k1's group, as host/device
// per-thread math. Unit-tested on the host against libsecp256k1's key
// tweaking (which is scalar arithmetic) and OpenSSL's BIGNUM.
//
// Representation: eight little-endian 32-bit limbs, always fully reduced
// (< n). Reduction uses 2^256 = 2^256 - n =: NC (mod n), NC being 129 bits.
#pragma once

#include <cstdint>

#include "common/column.hpp"
#include "common/hd.hpp"
#include "secp256k1/field.hpp"  // mul_wide, limbs_from_b32

namespace vigil::secp {

struct Scalar {
  uint32_t d[8];
};

// Constants are returned by functions rather than kept in namespace-scope
// arrays: device code cannot read host arrays, and with the loops unrolled
// every index is a constant, so each limb becomes an immediate.

// Limb i of n, little-endian.
VIGIL_HD constexpr uint32_t order_limb(int i) {
  constexpr uint32_t k[8] = {0xD0364141u, 0xBFD25E8Cu, 0xAF48A03Bu, 0xBAAEDCE6u,
                             0xFFFFFFFEu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
  return k[i];
}
// Limb i (< 5) of NC = 2^256 - n (129 bits).
VIGIL_HD constexpr uint32_t complement_limb(int i) {
  constexpr uint32_t k[5] = {0x2FC9BEBFu, 0x402DA173u, 0x50B75FC4u, 0x45512319u, 1u};
  return k[i];
}
// Limb i of floor(n / 2): an S above it is "high" (BIP62/BIP146 low-S rule).
VIGIL_HD constexpr uint32_t half_order_limb(int i) {
  constexpr uint32_t k[8] = {0x681B20A0u, 0xDFE92F46u, 0x57A4501Du, 0x5D576E73u,
                             0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0x7FFFFFFFu};
  return k[i];
}

VIGIL_HD inline Scalar scalar_from_int(uint32_t v) {
  Scalar r{};
  r.d[0] = v;
  return r;
}

// t = a + NC over 8 limbs; returns the carry out of 2^256. For a < 2^256,
// a >= n exactly when this carries, and then t = a - n.
VIGIL_HD inline uint32_t scalar_add_complement_(uint32_t t[8], const uint32_t a[8]) {
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += uint64_t{a[i]} + (i < 5 ? complement_limb(i) : 0u);
    t[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  return static_cast<uint32_t>(c);
}

// Big-endian 32 bytes -> scalar reduced mod n. `overflow` (if given) is set
// when the value was >= n.
VIGIL_HD inline Scalar scalar_from_b32(const uint8_t* b, bool* overflow = nullptr) {
  Scalar r;
  limbs_from_b32(r.d, b);
  uint32_t t[8];
  const bool over = scalar_add_complement_(t, r.d) != 0;  // 2^256 < 2n: one subtraction suffices
  if (over) {
VIGIL_UNROLL
    for (int i = 0; i < 8; ++i) r.d[i] = t[i];
  }
  if (overflow) *overflow = over;
  return r;
}

VIGIL_HD inline void scalar_to_b32(uint8_t* out, const Scalar& a) { limbs_to_b32(out, a.d); }

VIGIL_HD inline bool scalar_is_zero(const Scalar& a) {
  uint32_t z = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) z |= a.d[i];
  return z == 0;
}

VIGIL_HD inline bool scalar_equal(const Scalar& a, const Scalar& b) {
  uint32_t z = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) z |= a.d[i] ^ b.d[i];
  return z == 0;
}

// a > n/2.
VIGIL_HD inline bool scalar_is_high(const Scalar& a) {
  for (int i = 7; i >= 0; --i) {
    if (a.d[i] != half_order_limb(i)) return a.d[i] > half_order_limb(i);
  }
  return false;
}

// Bit i (0 = least significant) of a.
VIGIL_HD inline uint32_t scalar_bit(const Scalar& a, int i) { return (a.d[i >> 5] >> (i & 31)) & 1u; }

// `count` bits (1..32) of a starting at bit `offset`; bits past 255 read as 0.
VIGIL_HD inline uint32_t scalar_bits(const Scalar& a, int offset, int count) {
  const int limb = offset >> 5, shift = offset & 31;
  uint64_t v = a.d[limb] >> shift;
  if (shift != 0 && limb + 1 < 8) v |= uint64_t{a.d[limb + 1]} << (32 - shift);
  return static_cast<uint32_t>(v) & (count == 32 ? 0xFFFFFFFFu : ((1u << count) - 1));
}

VIGIL_HD inline Scalar scalar_add(const Scalar& a, const Scalar& b) {
  Scalar s;
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += uint64_t{a.d[i]} + b.d[i];
    s.d[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  // a + b < 2n. If it carried out of 2^256, or is >= n, subtract n by adding NC.
  Scalar t;
  const uint32_t carry_t = scalar_add_complement_(t.d, s.d);
  return (c | carry_t) ? t : s;
}

VIGIL_HD inline Scalar scalar_neg(const Scalar& a) {
  if (scalar_is_zero(a)) return a;
  Scalar r;
  int64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += int64_t{order_limb(i)} - a.d[i];
    r.d[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  return r;
}

// out[0..OUT) = lo[0..8) + hi[0..HI) * NC. OUT must hold the result.
template <int HI, int OUT>
VIGIL_HD inline void fold_complement_(uint32_t out[OUT], const uint32_t* lo, const uint32_t* hi) {
VIGIL_UNROLL
  for (int i = 0; i < OUT; ++i) out[i] = i < 8 ? lo[i] : 0u;
VIGIL_UNROLL
  for (int i = 0; i < HI; ++i) {
    uint64_t c = 0;
VIGIL_UNROLL
    for (int j = 0; j < 5; ++j) {
      c += mul_wide(hi[i], complement_limb(j)) + out[i + j];
      out[i + j] = static_cast<uint32_t>(c);
      c >>= 32;
    }
VIGIL_UNROLL
    for (int k = i + 5; k < OUT; ++k) {
      c += out[k];
      out[k] = static_cast<uint32_t>(c);
      c >>= 32;
    }
  }
}

// 512-bit value mod n: t_lo + t_hi * NC is < 2^386 (13 limbs); folding again
// gives < 2^260 (9 limbs); once more gives < 2^256 + 2^133, and what is left
// above 2^256 (a carry) plus one conditional subtraction finishes.
VIGIL_HD inline Scalar scalar_reduce_512_(const uint32_t t[16]) {
  uint32_t m[13];
  fold_complement_<8, 13>(m, t, t + 8);
  uint32_t p[9];
  fold_complement_<5, 9>(p, m, m + 8);
  uint32_t q[9];
  fold_complement_<1, 9>(q, p, p + 8);
  Scalar r;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) r.d[i] = q[i];
  uint32_t u[8];
  if (q[8]) {  // q = 2^256 + rest, and rest < 2^133: add NC for the 2^256 (no carry possible)
    scalar_add_complement_(u, r.d);
VIGIL_UNROLL
    for (int i = 0; i < 8; ++i) r.d[i] = u[i];
  }
  if (scalar_add_complement_(u, r.d)) {
VIGIL_UNROLL
    for (int i = 0; i < 8; ++i) r.d[i] = u[i];
  }
  return r;
}

VIGIL_HD inline Scalar scalar_mul(const Scalar& a, const Scalar& b) {
  uint32_t t[16];
  mul_256(t, a.d, b.d);
  return scalar_reduce_512_(t);
}

VIGIL_HD inline Scalar scalar_sqr(const Scalar& a) { return scalar_mul(a, a); }

// round(a * b / 2^shift) for shift >= 256 (the GLV split's rounded division).
VIGIL_HD inline Scalar scalar_mul_shift_(const Scalar& a, const Scalar& b, int shift) {
  uint32_t t[16];
  mul_256(t, a.d, b.d);
  const int limbs = shift >> 5, bits = shift & 31;
  Scalar r;
  for (int i = 0; i < 8; ++i) {
    const int k = limbs + i;
    uint64_t v = k < 16 ? t[k] : 0u;
    if (k + 1 < 16) v |= uint64_t{t[k + 1]} << 32;
    r.d[i] = static_cast<uint32_t>(v >> bits);
  }
  const int round_bit = shift - 1;
  const uint32_t round = (t[round_bit >> 5] >> (round_bit & 31)) & 1u;
  // The quotient is far below n for the GLV constants, so adding 1 cannot overflow.
  uint64_t c = round;
  for (int i = 0; i < 8 && c; ++i) {
    c += r.d[i];
    r.d[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  return r;
}

// 1/a = a^(n-2) by a fixed 4-bit window over n - 2 (0 for a = 0): 252
// squarings and 63 multiplications. The 16 powers a^0 .. a^15, picked by the
// exponent's nibbles, go in `scratch` (128 words): an array indexed by them
// would be local memory on the GPU.
VIGIL_HD inline Scalar scalar_inv(const Scalar& a, const ThreadColumn& scratch) {
  // Limb i of n - 2, little-endian, as selects: a constant array read at a
  // runtime index would be copied to local memory on the GPU.
  auto e = [](int i) {
    return i >= 5 ? 0xFFFFFFFFu
                  : i == 4 ? 0xFFFFFFFEu
                  : i == 3 ? 0xBAAEDCE6u
                  : i == 2 ? 0xAF48A03Bu
                  : i == 1 ? 0xBFD25E8Cu : 0xD036413Fu;
  };
  Scalar p = scalar_from_int(1);
VIGIL_NO_UNROLL
  for (int i = 0; i < 16; ++i) {
    column_store<8>(scratch, 8 * i, p.d);
    p = scalar_mul(p, a);
  }
  Scalar r;
  column_load<8>(r.d, scratch, 8 * static_cast<int>(e(7) >> 28));
  for (int nib = 62; nib >= 0; --nib) {
    r = scalar_sqr(scalar_sqr(scalar_sqr(scalar_sqr(r))));
    const uint32_t digit = (e(nib >> 3) >> ((nib & 7) * 4)) & 15u;
    if (digit) {
      Scalar m;
      column_load<8>(m.d, scratch, 8 * static_cast<int>(digit));
      r = scalar_mul(r, m);
    }
  }
  return r;
}

// scalar_inv with its powers in a local array (the host's form).
VIGIL_HD inline Scalar scalar_inv(const Scalar& a) {
  uint32_t words[16 * 8];
  return scalar_inv(a, ThreadColumn{words, 1});
}

// ---- the GLV endomorphism ------------------------------------------------------
//
// lambda is a cube root of 1 mod n with lambda * (x, y) = (beta * x, y) on the
// curve. Any k splits as k = k1 + k2 * lambda (mod n) with k1 and k2 (or their
// negations) below 2^128 (Hankerson-Menezes-Vanstone, algorithm 3.74): with
// the lattice basis (a1, b1), (a2, b2) from the extended Euclidean algorithm
// on (n, lambda), c1 = round(b2 * k / n), c2 = round(-b1 * k / n),
// k2 = -(c1 * b1 + c2 * b2), k1 = k - k2 * lambda. The divisions by n are
// replaced by multiplications with g1 = round(2^384 * b2 / n) and
// g2 = round(2^384 * -b1 / n) and a shift by 384.

VIGIL_HD constexpr Scalar lambda() {
  return Scalar{{0x1B23BD72u, 0xDF02967Cu, 0x20816678u, 0x122E22EAu,
                 0x8812645Au, 0xA5261C02u, 0xC05C30E0u, 0x5363AD4Cu}};
}

struct ScalarSplit {
  Scalar k1, k2;
};

VIGIL_HD inline ScalarSplit scalar_split_lambda(const Scalar& k) {
  // -b1 and -b2 mod n, and g1, g2 as above (shift 384).
  constexpr Scalar minus_b1 = {{0x0ABFE4C3u, 0x6F547FA9u, 0x010E8828u, 0xE4437ED6u, 0, 0, 0, 0}};
  constexpr Scalar minus_b2 = {{0x3DB1562Cu, 0xD765CDA8u, 0x0774346Du, 0x8A280AC5u,
                                0xFFFFFFFEu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}};
  constexpr Scalar g1 = {{0x45DBB031u, 0xE893209Au, 0x71E8CA7Fu, 0x3DAA8A14u,
                          0x9284EB15u, 0xE86C90E4u, 0xA7D46BCDu, 0x3086D221u}};
  constexpr Scalar g2 = {{0x8AC47F71u, 0x1571B4AEu, 0x9DF506C6u, 0x221208ACu,
                          0x0ABFE4C4u, 0x6F547FA9u, 0x010E8828u, 0xE4437ED6u}};
  const Scalar c1 = scalar_mul(scalar_mul_shift_(k, g1, 384), minus_b1);
  const Scalar c2 = scalar_mul(scalar_mul_shift_(k, g2, 384), minus_b2);
  ScalarSplit s;
  s.k2 = scalar_add(c1, c2);
  s.k1 = scalar_add(k, scalar_neg(scalar_mul(s.k2, lambda())));
  return s;
}

}  // namespace vigil::secp
