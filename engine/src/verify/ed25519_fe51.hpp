// The field of edwards25519, integers mod p = 2^255 - 19, for the host only:
// five 64-bit limbs in radix 2^51 with 128-bit products (the representation
// of curve25519-donna-64, libsodium's fe51 and curve25519-dalek's u64
// backend). The GPU keeps its own 32-bit field (kernels/ed25519/field.hpp);
// this one is what the CPU's ZIP-215 verification computes with.
//
// Value: v[0] + v[1] 2^51 + v[2] 2^102 + v[3] 2^153 + v[4] 2^204, limbs
// unsigned. Elements are kept "loose": any value congruent to the element,
// with bounds on the limbs rather than on the value.
//
// Limb bounds (the contract of every function):
//   - "reduced": every limb < 2^51 + 2^17. fe51_mul, fe51_sqr, fe51_sub,
//     fe51_neg, fe51_from_bytes and fe51_carry return reduced elements.
//   - fe51_add does not carry: the sum of two reduced elements has limbs
//     < 2^52 + 2^18, of four < 2^54.
//   - fe51_mul and fe51_sqr take limbs < 2^54; fe51_sub takes a minuend with
//     limbs < 2^54 and a subtrahend with limbs <= 2^55 - 304.
//
// Why a product fits: with limbs below 2^54 each 51x51-bit column of a
// product has five terms below 2^108, the wrapped ones multiplied by 19
// (2^255 = 19 mod p), so a column is below 77 * 2^108 < 2^115: inside 128
// bits (fe51_carry_wide carries them).
//
// All of it is data-independent in time except what says _var; verification
// handles public data only, and nothing here is meant to be constant-time.
#pragma once

#include <cstdint>
#include <cstring>

namespace vigil::cpu::ed51 {

using u128 = unsigned __int128;

inline constexpr uint64_t kMask51 = (uint64_t{1} << 51) - 1;

struct Fe51 {
  uint64_t v[5];
};

inline constexpr Fe51 fe51_zero() { return Fe51{{0, 0, 0, 0, 0}}; }
inline constexpr Fe51 fe51_one() { return Fe51{{1, 0, 0, 0, 0}}; }

// One carry pass over 64-bit limbs: each limb keeps its low 51 bits and hands
// the rest up; the carry out of limb 4 (worth 2^255) comes back as 19 * c.
// For limbs below 2^63 the result is reduced (limb 0 < 2^51 + 19 * 2^12,
// the others < 2^51 + 2^12).
inline Fe51 fe51_carry(const Fe51& a) {
  const uint64_t c0 = a.v[0] >> 51, c1 = a.v[1] >> 51, c2 = a.v[2] >> 51, c3 = a.v[3] >> 51, c4 = a.v[4] >> 51;
  return Fe51{{(a.v[0] & kMask51) + 19 * c4, (a.v[1] & kMask51) + c0, (a.v[2] & kMask51) + c1,
               (a.v[3] & kMask51) + c2, (a.v[4] & kMask51) + c3}};
}

// Carries five 128-bit columns (each < 2^115) into a reduced element.
// Each column's carry into the next is below 2^64. The top column has no
// wrapped terms: it is below 5 * 2^108 + 2^64 < 2^110.4, so its carry `top`
// is below 2^59.4 and limb 0 + 19 top < 2^51 + 2^63.7 fits in 64 bits
// (curve25519-dalek's argument). A last carry from limb 0 into limb 1 leaves
// limb 0 below 2^51 and limb 1 below 2^51 + 2^13.
inline Fe51 fe51_carry_wide(u128 c0, u128 c1, u128 c2, u128 c3, u128 c4) {
  Fe51 r;
  c1 += static_cast<uint64_t>(c0 >> 51);
  r.v[0] = static_cast<uint64_t>(c0) & kMask51;
  c2 += static_cast<uint64_t>(c1 >> 51);
  r.v[1] = static_cast<uint64_t>(c1) & kMask51;
  c3 += static_cast<uint64_t>(c2 >> 51);
  r.v[2] = static_cast<uint64_t>(c2) & kMask51;
  c4 += static_cast<uint64_t>(c3 >> 51);
  r.v[3] = static_cast<uint64_t>(c3) & kMask51;
  const uint64_t top = static_cast<uint64_t>(c4 >> 51);
  r.v[4] = static_cast<uint64_t>(c4) & kMask51;
  r.v[0] += 19 * top;
  r.v[1] += r.v[0] >> 51;
  r.v[0] &= kMask51;
  return r;
}

// r = a * b. Schoolbook over the five limbs: column k collects a_i b_j with
// i + j = k, plus 19 a_i b_j for i + j = k + 5 (2^255 = 19).
inline Fe51 fe51_mul(const Fe51& a, const Fe51& b) {
  const uint64_t b1_19 = b.v[1] * 19, b2_19 = b.v[2] * 19, b3_19 = b.v[3] * 19, b4_19 = b.v[4] * 19;
  const auto m = [](uint64_t x, uint64_t y) { return u128{x} * y; };
  const u128 c0 = m(a.v[0], b.v[0]) + m(a.v[4], b1_19) + m(a.v[3], b2_19) + m(a.v[2], b3_19) + m(a.v[1], b4_19);
  const u128 c1 = m(a.v[1], b.v[0]) + m(a.v[0], b.v[1]) + m(a.v[4], b2_19) + m(a.v[3], b3_19) + m(a.v[2], b4_19);
  const u128 c2 = m(a.v[2], b.v[0]) + m(a.v[1], b.v[1]) + m(a.v[0], b.v[2]) + m(a.v[4], b3_19) + m(a.v[3], b4_19);
  const u128 c3 = m(a.v[3], b.v[0]) + m(a.v[2], b.v[1]) + m(a.v[1], b.v[2]) + m(a.v[0], b.v[3]) + m(a.v[4], b4_19);
  const u128 c4 = m(a.v[4], b.v[0]) + m(a.v[3], b.v[1]) + m(a.v[2], b.v[2]) + m(a.v[1], b.v[3]) + m(a.v[0], b.v[4]);
  return fe51_carry_wide(c0, c1, c2, c3, c4);
}

// r = a^2: the same columns with each cross product a_i a_j (i != j) taken
// once and doubled.
inline Fe51 fe51_sqr(const Fe51& a) {
  const uint64_t d0 = 2 * a.v[0], d1 = 2 * a.v[1];
  const uint64_t a3_19 = 19 * a.v[3], a4_19 = 19 * a.v[4];
  const auto m = [](uint64_t x, uint64_t y) { return u128{x} * y; };
  const u128 c0 = m(a.v[0], a.v[0]) + m(d1, a4_19) + m(2 * a.v[2], a3_19);
  const u128 c1 = m(d0, a.v[1]) + m(2 * a.v[2], a4_19) + m(a.v[3], a3_19);
  const u128 c2 = m(d0, a.v[2]) + m(a.v[1], a.v[1]) + m(2 * a.v[3], a4_19);
  const u128 c3 = m(d0, a.v[3]) + m(d1, a.v[2]) + m(a.v[4], a4_19);
  const u128 c4 = m(d0, a.v[4]) + m(d1, a.v[3]) + m(a.v[2], a.v[2]);
  return fe51_carry_wide(c0, c1, c2, c3, c4);
}

// r = a^(2^k), k >= 1.
inline Fe51 fe51_sqr_n(Fe51 a, int k) {
  for (int i = 0; i < k; ++i) a = fe51_sqr(a);
  return a;
}

// r = a + b, limb-wise, no carry (see the bounds above).
inline Fe51 fe51_add(const Fe51& a, const Fe51& b) {
  return Fe51{{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}};
}

// r = a - b, as (a + 16p) - b carried: 16p's limbs are 2^55 - 304 and
// 2^55 - 16, at least every allowed subtrahend limb, so no limb goes negative;
// the sum before the carry is below 2^54 + 2^55 < 2^63.
inline Fe51 fe51_sub(const Fe51& a, const Fe51& b) {
  constexpr uint64_t k16p0 = (uint64_t{1} << 55) - 16 * 19, k16p = (uint64_t{1} << 55) - 16;
  return fe51_carry(Fe51{{a.v[0] + k16p0 - b.v[0], a.v[1] + k16p - b.v[1], a.v[2] + k16p - b.v[2],
                          a.v[3] + k16p - b.v[3], a.v[4] + k16p - b.v[4]}});
}

inline Fe51 fe51_neg(const Fe51& a) { return fe51_sub(fe51_zero(), a); }

// 32 little-endian bytes, bit 255 ignored (the sign bit of a point encoding):
// the low 255 bits as they are, which may be a value in [p, 2^255).
inline Fe51 fe51_from_bytes(const uint8_t b[32]) {
  uint64_t w[4];
  std::memcpy(w, b, 32);  // little-endian host (x86-64, AArch64)
  return Fe51{{w[0] & kMask51, ((w[0] >> 51) | (w[1] << 13)) & kMask51, ((w[1] >> 38) | (w[2] << 26)) & kMask51,
               ((w[2] >> 25) | (w[3] << 39)) & kMask51, (w[3] >> 12) & kMask51}};
}

// The canonical encoding (value in [0, p), bit 255 clear). After two carry
// passes every limb is at most 2^51 + 18, so the value is below 2^255 + 2^52
// < 2p: it is >= p exactly when adding 19 carries out of bit 255. The ripple
// below computes that carry q = floor((value + 19) / 2^255) exactly; adding
// 19 q and dropping bit 255 then subtracts q p.
inline void fe51_to_bytes(uint8_t out[32], const Fe51& a) {
  Fe51 t = fe51_carry(fe51_carry(a));
  uint64_t q = (t.v[0] + 19) >> 51;
  q = (t.v[1] + q) >> 51;
  q = (t.v[2] + q) >> 51;
  q = (t.v[3] + q) >> 51;
  q = (t.v[4] + q) >> 51;
  t.v[0] += 19 * q;
  t.v[1] += t.v[0] >> 51;
  t.v[0] &= kMask51;
  t.v[2] += t.v[1] >> 51;
  t.v[1] &= kMask51;
  t.v[3] += t.v[2] >> 51;
  t.v[2] &= kMask51;
  t.v[4] += t.v[3] >> 51;
  t.v[3] &= kMask51;
  t.v[4] &= kMask51;
  const uint64_t w[4] = {t.v[0] | (t.v[1] << 51), (t.v[1] >> 13) | (t.v[2] << 38), (t.v[2] >> 26) | (t.v[3] << 25),
                         (t.v[3] >> 39) | (t.v[4] << 12)};
  std::memcpy(out, w, 32);
}

inline bool fe51_is_zero(const Fe51& a) {
  uint8_t s[32];
  fe51_to_bytes(s, a);
  uint8_t z = 0;
  for (uint8_t x : s) z |= x;
  return z == 0;
}

inline bool fe51_equal(const Fe51& a, const Fe51& b) { return fe51_is_zero(fe51_sub(a, b)); }

// "Negative" in RFC 8032's sense: the canonical value is odd.
inline bool fe51_is_negative(const Fe51& a) {
  uint8_t s[32];
  fe51_to_bytes(s, a);
  return s[0] & 1;
}

// a^(2^250 - 1) and a^11, the common head of inversion and the square-root
// exponent (ref10's addition chain: 11 multiplications, 249 squarings).
struct Fe51Chain {
  Fe51 x11, x250;
};

inline Fe51Chain fe51_chain(const Fe51& a) {
  const Fe51 a2 = fe51_sqr(a);
  const Fe51 a9 = fe51_mul(fe51_sqr_n(a2, 2), a);
  const Fe51 a11 = fe51_mul(a9, a2);
  const Fe51 e5 = fe51_mul(fe51_sqr(a11), a9);  // a^(2^5 - 1) = a^(22 + 9)
  const Fe51 e10 = fe51_mul(fe51_sqr_n(e5, 5), e5);
  const Fe51 e20 = fe51_mul(fe51_sqr_n(e10, 10), e10);
  const Fe51 e40 = fe51_mul(fe51_sqr_n(e20, 20), e20);
  const Fe51 e50 = fe51_mul(fe51_sqr_n(e40, 10), e10);
  const Fe51 e100 = fe51_mul(fe51_sqr_n(e50, 50), e50);
  const Fe51 e200 = fe51_mul(fe51_sqr_n(e100, 100), e100);
  return Fe51Chain{a11, fe51_mul(fe51_sqr_n(e200, 50), e50)};
}

// 1/a = a^(p - 2) = a^((2^250 - 1) 2^5 + 11); 0 for a = 0.
inline Fe51 fe51_invert(const Fe51& a) {
  const Fe51Chain c = fe51_chain(a);
  return fe51_mul(fe51_sqr_n(c.x250, 5), c.x11);
}

// a^((p - 5) / 8) = a^(2^252 - 3) = a^((2^250 - 1) 4 + 1).
inline Fe51 fe51_pow22523(const Fe51& a) { return fe51_mul(fe51_sqr_n(fe51_chain(a).x250, 2), a); }

// Constants, from their definitions and checked in the tests against the
// 32-bit field's: d = -121665/121666, 2d, sqrt(-1) = 2^((p-1)/4).
inline constexpr Fe51 fe51_d() {
  return Fe51{{929955233495203, 466365720129213, 1662059464998953, 2033849074728123, 1442794654840575}};
}
inline constexpr Fe51 fe51_d2() {
  return Fe51{{1859910466990425, 932731440258426, 1072319116312658, 1815898335770999, 633789495995903}};
}
inline constexpr Fe51 fe51_sqrtm1() {
  return Fe51{{1718705420411056, 234908883556509, 2233514472574048, 2117202627021982, 765476049583133}};
}

// x = sqrt(u / v) for v != 0 (RFC 8032 5.1.3): x = u v^3 (u v^7)^((p-5)/8),
// then v x^2 is u (done), -u (x *= sqrt(-1)), or neither: u / v is not a
// square, false (x unspecified). Which of the two roots comes out is
// unspecified; callers fix the sign.
inline bool fe51_sqrt_ratio_var(Fe51& x, const Fe51& u, const Fe51& v) {
  const Fe51 v3 = fe51_mul(fe51_sqr(v), v);
  const Fe51 uv7 = fe51_mul(fe51_mul(fe51_sqr(v3), v), u);
  x = fe51_mul(fe51_mul(u, v3), fe51_pow22523(uv7));
  const Fe51 vx2 = fe51_mul(v, fe51_sqr(x));
  if (fe51_equal(vx2, u)) return true;
  if (fe51_is_zero(fe51_add(vx2, u))) {
    x = fe51_mul(x, fe51_sqrtm1());
    return true;
  }
  return false;
}

}  // namespace vigil::cpu::ed51
