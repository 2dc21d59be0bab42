// The field of secp256k1: integers mod p = 2^256 - 2^32 - 977, as per-thread
// math shared by the GPU kernels and the host (VIGIL_HD). The host build is
// unit-tested against OpenSSL's BIGNUM arithmetic.
//
// Representation: eight little-endian 32-bit limbs (n[0] least significant).
// 32-bit limbs because the GPU multiplies 32x32 -> 64 natively (IMAD.WIDE);
// 64-bit products would be emulated.
//
// Range contract ("weak" form): every function takes and returns values in
// [0, 2^256). Results may be in [p, 2^256) -- one of 2^32 + 977 redundant
// encodings -- until fe_normalize() maps them to [0, p). Functions that look
// at the value (fe_is_zero, fe_equal, fe_is_odd, fe_get_b32) normalize a copy.
//
// Reduction uses 2^256 = 2^32 + 977 (mod p): the high half of a product is
// folded onto the low half multiplied by that constant.
//
// Nothing here is constant-time: verification handles public data only.
#pragma once

#include <cstdint>

#include "common/hd.hpp"
#include "common/op_count.hpp"
#include "common/wide.hpp"

namespace vigil::secp {

struct Fe {
  uint32_t n[8];
};

// 2^256 mod p = 2^32 + 977, the folding constant (its low limb; the high limb is 1).
inline constexpr uint32_t kFoldLow = 977;

VIGIL_HD inline Fe fe_from_int(uint32_t v) {
  Fe r{};
  r.n[0] = v;
  return r;
}

// Big-endian 32 bytes <-> eight little-endian 32-bit limbs (fields and scalars).
VIGIL_HD inline void limbs_from_b32(uint32_t limbs[8], const uint8_t* b) {
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    const uint8_t* p = b + 28 - 4 * i;
    limbs[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  }
}

VIGIL_HD inline void limbs_to_b32(uint8_t* out, const uint32_t limbs[8]) {
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    uint8_t* p = out + 28 - 4 * i;
    p[0] = static_cast<uint8_t>(limbs[i] >> 24);
    p[1] = static_cast<uint8_t>(limbs[i] >> 16);
    p[2] = static_cast<uint8_t>(limbs[i] >> 8);
    p[3] = static_cast<uint8_t>(limbs[i]);
  }
}

// Big-endian 32 bytes -> limbs, no reduction (any 256-bit value is a weak element).
VIGIL_HD inline Fe fe_from_b32_raw(const uint8_t* b) {
  Fe r;
  limbs_from_b32(r.n, b);
  return r;
}

// r = a + c with c < 2^32 + 2^32*hi (added at limbs 0 and 1); returns the carry out of 2^256.
VIGIL_HD inline uint32_t fe_add_small_(Fe& r, const Fe& a, uint64_t add0, uint64_t add1) {
  uint64_t c = uint64_t{a.n[0]} + add0;
  r.n[0] = static_cast<uint32_t>(c);
  c = (c >> 32) + a.n[1] + add1;
  r.n[1] = static_cast<uint32_t>(c);
  c >>= 32;
VIGIL_UNROLL
  for (int i = 2; i < 8; ++i) {
    c += a.n[i];
    r.n[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  return static_cast<uint32_t>(c);
}

// Maps a weak element to [0, p). a >= p exactly when a + (2^32 + 977) carries
// out of 2^256, and then the low 256 bits of that sum are a - p.
VIGIL_HD inline void fe_normalize(Fe& a) {
  Fe t;
  uint32_t carry = fe_add_small_(t, a, kFoldLow, 1);
  if (carry) a = t;
}

VIGIL_HD inline Fe fe_normalized(const Fe& a) {
  Fe r = a;
  fe_normalize(r);
  return r;
}

// Big-endian 32 bytes -> element. False (and r unspecified) if the value is >= p,
// the "limit" check libsecp256k1 applies to encoded coordinates.
VIGIL_HD inline bool fe_from_b32_limit(Fe& r, const uint8_t* b) {
  r = fe_from_b32_raw(b);
  Fe t;
  return fe_add_small_(t, r, kFoldLow, 1) == 0;
}

VIGIL_HD inline void fe_to_b32(uint8_t* out, const Fe& a) {
  const Fe r = fe_normalized(a);
  limbs_to_b32(out, r.n);
}

VIGIL_HD inline bool fe_is_zero(const Fe& a) {
  Fe r = fe_normalized(a);
  uint32_t z = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) z |= r.n[i];
  return z == 0;
}

VIGIL_HD inline bool fe_equal(const Fe& a, const Fe& b) {
  Fe x = fe_normalized(a), y = fe_normalized(b);
  uint32_t d = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) d |= x.n[i] ^ y.n[i];
  return d == 0;
}

VIGIL_HD inline bool fe_is_odd(const Fe& a) { return fe_normalized(a).n[0] & 1; }

// r = a + b. The sum is < 2^257; a carry out of 2^256 is folded back as
// 2^32 + 977, which can carry once more only if both inputs were >= p, and
// that second fold cannot carry.
VIGIL_HD inline Fe fe_add(const Fe& a, const Fe& b) {
  Fe r;
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += uint64_t{a.n[i]} + b.n[i];
    r.n[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  uint32_t carry = fe_add_small_(r, r, c * kFoldLow, c);
  fe_add_small_(r, r, uint64_t{carry} * kFoldLow, carry);
  return r;
}

// r = a - b. A borrow means the difference wrapped to a - b + 2^256, which is
// congruent to a - b + 2^32 + 977; so 2^32 + 977 is subtracted, and once more
// if that borrows too (possible only when b >= p).
VIGIL_HD inline Fe fe_sub(const Fe& a, const Fe& b) {
  Fe r;
  int64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += int64_t{a.n[i]} - b.n[i];
    r.n[i] = static_cast<uint32_t>(c);
    c >>= 32;  // arithmetic: 0 or -1
  }
VIGIL_UNROLL
  for (int round = 0; round < 2; ++round) {
    const uint32_t borrow = static_cast<uint32_t>(-c);  // 1 if the previous step borrowed
    c = int64_t{r.n[0]} - int64_t{borrow} * kFoldLow;
    r.n[0] = static_cast<uint32_t>(c);
    c = (c >> 32) + int64_t{r.n[1]} - borrow;
    r.n[1] = static_cast<uint32_t>(c);
    c >>= 32;
VIGIL_UNROLL
    for (int i = 2; i < 8; ++i) {
      c += r.n[i];
      r.n[i] = static_cast<uint32_t>(c);
      c >>= 32;
    }
  }
  return r;
}

VIGIL_HD inline Fe fe_neg(const Fe& a) { return fe_sub(Fe{}, a); }

// Folds a 512-bit value t (16 limbs) to a weak element:
// t_lo + t_hi * 2^256 = t_lo + t_hi * (2^32 + 977) (mod p). The first fold
// leaves at most 2^256 + 2^299; the excess above 2^256 (< 2^44) is folded
// again, and a last carry out of 2^256 once more (the value is then tiny).
VIGIL_HD inline Fe fe_reduce_512(const uint32_t t[16]) {
  Fe r;
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += uint64_t{t[i]} + mul_wide(t[8 + i], kFoldLow);
    if (i > 0) c += t[7 + i];  // t_hi << 32
    r.n[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  const uint64_t hi = c + t[15];  // < 2^35
  uint32_t carry = fe_add_small_(r, r, hi * kFoldLow, hi);
  fe_add_small_(r, r, uint64_t{carry} * kFoldLow, carry);
  return r;
}

// r = a * b.
VIGIL_HD inline Fe fe_mul(const Fe& a, const Fe& b) {
  VIGIL_COUNT_FIELD_OP(secp, mul);
  uint32_t t[16];
  mul_256(t, a.n, b.n);
  return fe_reduce_512(t);
}

// r = a^2.
VIGIL_HD inline Fe fe_sqr(const Fe& a) {
  VIGIL_COUNT_FIELD_OP(secp, sqr);
  uint32_t t[16];
  sqr_256(t, a.n);
  return fe_reduce_512(t);
}

// r = a * k for a small k (k < 2^16 keeps the excess foldable in one step).
VIGIL_HD inline Fe fe_mul_small(const Fe& a, uint32_t k) {
  uint32_t t[16];
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += mul_wide(a.n[i], k);
    t[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  t[8] = static_cast<uint32_t>(c);
VIGIL_UNROLL
  for (int i = 9; i < 16; ++i) t[i] = 0;
  return fe_reduce_512(t);
}

VIGIL_HD inline Fe fe_sqr_n(Fe a, int n) {
  for (int i = 0; i < n; ++i) a = fe_sqr(a);
  return a;
}

// The runs of ones that both exponents below are built from: x_k = a^(2^k - 1).
struct FePowerRuns {
  Fe x2, x3, x22, x223;
};

VIGIL_HD inline FePowerRuns fe_power_runs(const Fe& a) {
  FePowerRuns r;
  r.x2 = fe_mul(fe_sqr(a), a);
  r.x3 = fe_mul(fe_sqr(r.x2), a);
  Fe x6 = fe_mul(fe_sqr_n(r.x3, 3), r.x3);
  Fe x9 = fe_mul(fe_sqr_n(x6, 3), r.x3);
  Fe x11 = fe_mul(fe_sqr_n(x9, 2), r.x2);
  r.x22 = fe_mul(fe_sqr_n(x11, 11), x11);
  Fe x44 = fe_mul(fe_sqr_n(r.x22, 22), r.x22);
  Fe x88 = fe_mul(fe_sqr_n(x44, 44), x44);
  Fe x176 = fe_mul(fe_sqr_n(x88, 88), x88);
  Fe x220 = fe_mul(fe_sqr_n(x176, 44), x44);
  r.x223 = fe_mul(fe_sqr_n(x220, 3), r.x3);
  return r;
}

// r = a^(p-2) = 1/a (0 for a = 0). p - 2 in binary is 223 ones, a zero,
// 22 ones, 0000, 1, 0, 11, 0, 1: 255 squarings and 15 multiplications.
VIGIL_HD inline Fe fe_inv(const Fe& a) {
  FePowerRuns r = fe_power_runs(a);
  Fe t = fe_mul(fe_sqr_n(r.x223, 23), r.x22);
  t = fe_mul(fe_sqr_n(t, 5), a);
  t = fe_mul(fe_sqr_n(t, 3), r.x2);
  return fe_mul(fe_sqr_n(t, 2), a);
}

// Square root: since p = 3 (mod 4), a^((p+1)/4) is a root when one exists.
// (p+1)/4 in binary: 223 ones, a zero, 22 ones, 000000, 11, 00.
// Returns false (r unspecified) when a is not a square.
VIGIL_HD inline bool fe_sqrt(Fe& r, const Fe& a) {
  FePowerRuns x = fe_power_runs(a);
  Fe t = fe_mul(fe_sqr_n(x.x223, 23), x.x22);
  t = fe_mul(fe_sqr_n(t, 6), x.x2);
  r = fe_sqr_n(t, 2);
  return fe_equal(fe_sqr(r), a);
}

}  // namespace vigil::secp
