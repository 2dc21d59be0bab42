// The field of edwards25519: integers mod p = 2^255 - 19, as per-thread math
// shared by the GPU kernels and the host (VIGIL_HD). Its host build is
// unit-tested against OpenSSL's BIGNUM arithmetic and is the oracle the CPU's
// own radix-2^51 ZIP-215 path (engine/src/verify/ed25519_fe51.hpp) is tested
// against.
//
// Representation: eight little-endian 32-bit limbs (n[0] least significant),
// as in the secp256k1 field: the GPU multiplies 32x32 -> 64 natively.
//
// Range contract ("weak" form): every function takes and returns values in
// [0, 2^256), i.e. up to two multiples of p above the canonical value.
// fe_normalize() maps to [0, p); functions that look at the value
// (fe_is_zero, fe_equal, fe_is_negative, fe_to_bytes) normalize a copy.
//
// Reduction uses 2^256 = 38 (mod p): the high half of a product is folded
// onto the low half multiplied by 38.
//
// Nothing here is constant-time: verification handles public data only.
#pragma once

#include <cstdint>

#include "common/hd.hpp"
#include "common/op_count.hpp"
#include "common/wide.hpp"

namespace vigil::ed25519 {

struct Fe {
  uint32_t n[8];
};

inline constexpr uint32_t kFold = 38;  // 2^256 mod p

// (Constants are functions: device code cannot read host variables.)
VIGIL_HD constexpr Fe fe_zero() { return Fe{{0, 0, 0, 0, 0, 0, 0, 0}}; }
VIGIL_HD constexpr Fe fe_one() { return Fe{{1, 0, 0, 0, 0, 0, 0, 0}}; }
// d = -121665 / 121666, the curve constant.
VIGIL_HD constexpr Fe fe_d() {
  return Fe{{0x135978A3u, 0x75EB4DCAu, 0x4141D8ABu, 0x00700A4Du, 0x7779E898u, 0x8CC74079u, 0x2B6FFE73u, 0x52036CEEu}};
}
VIGIL_HD constexpr Fe fe_d2() {  // 2d
  return Fe{{0x26B2F159u, 0xEBD69B94u, 0x8283B156u, 0x00E0149Au, 0xEEF3D130u, 0x198E80F2u, 0x56DFFCE7u, 0x2406D9DCu}};
}
// sqrt(-1) = 2^((p-1)/4).
VIGIL_HD constexpr Fe fe_sqrtm1() {
  return Fe{{0x4A0EA0B0u, 0xC4EE1B27u, 0xAD2FE478u, 0x2F431806u, 0x3DFBD7A7u, 0x2B4D0099u, 0x4FC1DF0Bu, 0x2B832480u}};
}

// 32 little-endian bytes, bit 255 ignored (it is the sign bit of an encoded
// point) -> the value of the low 255 bits, which may be in [p, 2^255): a weak
// element congruent to it. No reduction happens here; callers that must reject
// non-canonical values check fe_bytes_canonical first.
VIGIL_HD inline Fe fe_from_bytes(const uint8_t* b) {
  Fe r;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    const uint8_t* q = b + 4 * i;
    r.n[i] = uint32_t{q[0]} | (uint32_t{q[1]} << 8) | (uint32_t{q[2]} << 16) | (uint32_t{q[3]} << 24);
  }
  r.n[7] &= 0x7fffffffu;
  return r;
}

// r = a + c for a small c (< 2^32 + a little), carried through; returns the
// carry out of 2^256.
VIGIL_HD inline uint32_t fe_add_small_(Fe& r, const Fe& a, uint64_t c) {
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += a.n[i];
    r.n[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  return static_cast<uint32_t>(c);
}

// Maps a weak element to [0, p). First bit 255 is folded (2^255 = 19), which
// leaves a value below 2^255 + 19; that value is >= p exactly when adding 19
// sets bit 255, and then the sum with bit 255 cleared is the value minus p.
VIGIL_HD inline void fe_normalize(Fe& a) {
  const uint32_t top = a.n[7] >> 31;
  a.n[7] &= 0x7fffffffu;
  fe_add_small_(a, a, 19u * top);
  Fe t;
  fe_add_small_(t, a, 19u);
  if (t.n[7] >> 31) {
    t.n[7] &= 0x7fffffffu;
    a = t;
  }
}

VIGIL_HD inline Fe fe_normalized(const Fe& a) {
  Fe r = a;
  fe_normalize(r);
  return r;
}

// Whether 32 little-endian bytes, bit 255 ignored, encode a value below p
// (y < p in a point encoding).
VIGIL_HD inline bool fe_bytes_canonical(const uint8_t* b) {
  Fe v = fe_from_bytes(b);
  Fe t;
  fe_add_small_(t, v, 19u);
  return (t.n[7] >> 31) == 0;
}

// The canonical 32-byte little-endian encoding (bit 255 clear).
VIGIL_HD inline void fe_to_bytes(uint8_t* out, const Fe& a) {
  const Fe r = fe_normalized(a);
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<uint8_t>(r.n[i]);
    out[4 * i + 1] = static_cast<uint8_t>(r.n[i] >> 8);
    out[4 * i + 2] = static_cast<uint8_t>(r.n[i] >> 16);
    out[4 * i + 3] = static_cast<uint8_t>(r.n[i] >> 24);
  }
}

VIGIL_HD inline bool fe_is_zero(const Fe& a) {
  const Fe r = fe_normalized(a);
  uint32_t z = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) z |= r.n[i];
  return z == 0;
}

VIGIL_HD inline bool fe_equal(const Fe& a, const Fe& b) {
  const Fe x = fe_normalized(a), y = fe_normalized(b);
  uint32_t d = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) d |= x.n[i] ^ y.n[i];
  return d == 0;
}

// "Negative" in RFC 8032's sense: the canonical value is odd.
VIGIL_HD inline bool fe_is_negative(const Fe& a) { return fe_normalized(a).n[0] & 1; }

// r = a + b. A carry out of 2^256 is folded back as 38; that can carry once
// more only when the wrapped sum was within 38 of 2^256, and then the result
// is tiny, so a second fold ends it.
VIGIL_HD inline Fe fe_add(const Fe& a, const Fe& b) {
  Fe r;
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += uint64_t{a.n[i]} + b.n[i];
    r.n[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  const uint32_t carry = fe_add_small_(r, r, c * kFold);
  fe_add_small_(r, r, uint64_t{carry} * kFold);
  return r;
}

// r = a - b. A borrow means the difference wrapped to a - b + 2^256, which is
// congruent to a - b + 38; so 38 is subtracted, and once more if that borrows
// too (the wrapped value was below 38).
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
    c = c * kFold;  // 0 or -38
VIGIL_UNROLL
    for (int i = 0; i < 8; ++i) {
      c += r.n[i];
      r.n[i] = static_cast<uint32_t>(c);
      c >>= 32;
    }
  }
  return r;
}

VIGIL_HD inline Fe fe_neg(const Fe& a) { return fe_sub(fe_zero(), a); }

// Folds a 512-bit value t (16 limbs) to a weak element:
// t_lo + t_hi * 2^256 = t_lo + 38 * t_hi (mod p). The first fold leaves at
// most 2^256 + 2^262; the excess (< 2^6 units of 2^256) is folded again, and
// a last carry out of 2^256 once more.
VIGIL_HD inline Fe fe_reduce_512(const uint32_t t[16]) {
  Fe r;
  uint64_t c = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    c += uint64_t{t[i]} + mul_wide(t[8 + i], kFold);
    r.n[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  const uint32_t carry = fe_add_small_(r, r, c * kFold);
  fe_add_small_(r, r, uint64_t{carry} * kFold);
  return r;
}

// r = a * b.
VIGIL_HD inline Fe fe_mul(const Fe& a, const Fe& b) {
  VIGIL_COUNT_FIELD_OP(ed25519, mul);
  uint32_t t[16];
  mul_256(t, a.n, b.n);
  return fe_reduce_512(t);
}

// r = a^2.
VIGIL_HD inline Fe fe_sqr(const Fe& a) {
  VIGIL_COUNT_FIELD_OP(ed25519, sqr);
  uint32_t t[16];
  sqr_256(t, a.n);
  return fe_reduce_512(t);
}

VIGIL_HD inline Fe fe_sqr_n(Fe a, int n) {
  for (int i = 0; i < n; ++i) a = fe_sqr(a);
  return a;
}

// The addition chain shared by inversion and the square-root exponent
// (ref10's): x11 = a^11 and x250 = a^(2^250 - 1).
struct FeChain {
  Fe x11, x250;
};

VIGIL_HD inline FeChain fe_chain(const Fe& a) {
  FeChain r;
  const Fe a2 = fe_sqr(a);
  const Fe a9 = fe_mul(fe_sqr_n(a2, 2), a);
  r.x11 = fe_mul(a9, a2);
  const Fe x5 = fe_mul(fe_sqr(r.x11), a9);  // 2^5 - 1
  const Fe x10 = fe_mul(fe_sqr_n(x5, 5), x5);
  const Fe x20 = fe_mul(fe_sqr_n(x10, 10), x10);
  const Fe x40 = fe_mul(fe_sqr_n(x20, 20), x20);
  const Fe x50 = fe_mul(fe_sqr_n(x40, 10), x10);
  const Fe x100 = fe_mul(fe_sqr_n(x50, 50), x50);
  const Fe x200 = fe_mul(fe_sqr_n(x100, 100), x100);
  r.x250 = fe_mul(fe_sqr_n(x200, 50), x50);
  return r;
}

// r = a^(p-2) = 1/a (0 for a = 0): (2^250 - 1) * 2^5 + 11 = 2^255 - 21.
VIGIL_HD inline Fe fe_inv(const Fe& a) {
  const FeChain c = fe_chain(a);
  return fe_mul(fe_sqr_n(c.x250, 5), c.x11);
}

// r = a^((p-5)/8) = a^(2^252 - 3): (2^250 - 1) * 4 + 1.
VIGIL_HD inline Fe fe_pow22523(const Fe& a) {
  const FeChain c = fe_chain(a);
  return fe_mul(fe_sqr_n(c.x250, 2), a);
}

// x = sqrt(u / v) for v != 0, the square root RFC 8032 5.1.3 takes:
// x = u v^3 (u v^7)^((p-5)/8); then v x^2 is u (done), -u (x *= sqrt(-1)),
// or neither (u / v is not a square: returns false, x unspecified).
VIGIL_HD inline bool fe_sqrt_ratio(Fe& x, const Fe& u, const Fe& v) {
  const Fe v3 = fe_mul(fe_sqr(v), v);
  const Fe uv7 = fe_mul(fe_mul(fe_sqr(v3), v), u);
  x = fe_mul(fe_mul(u, v3), fe_pow22523(uv7));
  const Fe vx2 = fe_mul(v, fe_sqr(x));
  if (fe_equal(vx2, u)) return true;
  if (fe_equal(vx2, fe_neg(u))) {
    x = fe_mul(x, fe_sqrtm1());
    return true;
  }
  return false;
}

}  // namespace vigil::ed25519
