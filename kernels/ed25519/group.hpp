// The group of edwards25519, -x^2 + y^2 = 1 + d x^2 y^2 over the field, as
// host/device per-thread math, in the representations of ref10 (the
// reference implementation libsodium descends from):
//   GeP3    extended (X:Y:Z:T): x = X/Z, y = Y/Z, x*y = T/Z
//   GeP2    projective (X:Y:Z), the result of a doubling's last step
//   GeP1P1  "completed" ((X:Z), (Y:T)): x = X/Z, y = Y/T, an operation's raw output
//   GeCached (Y+X, Y-X, Z, 2dT), a point prepared for additions
//   GeNiels  affine (y+x, y-x, 2dxy), a table entry (Z = 1)
// The addition and doubling formulas (Hisil-Wong-Carter-Dawson 2008, a = -1)
// are complete on this curve (a square, d not): they are correct for every
// pair of points, the identity and the small-order points included, with no
// special cases. Unit-tested on the host against libsodium's point operations.
//
// Decoding follows the two rule sets: decode_point accepts what ZIP-215
// accepts (curve25519-dalek's decompress: y taken mod p, x = 0 with the sign
// bit set allowed); the strict rules add their own checks on the bytes
// (schemes.hpp). All functions are variable-time: public data only.
#pragma once

#include <cstdint>

#include "ed25519/field.hpp"

namespace vigil::ed25519 {

struct GeP2 {
  Fe X, Y, Z;
};
struct GeP3 {
  Fe X, Y, Z, T;
};
struct GeP1P1 {
  Fe X, Y, Z, T;
};
struct GeCached {
  Fe YplusX, YminusX, Z, T2d;
};
struct GeNiels {
  Fe yplusx, yminusx, xy2d;
};

VIGIL_HD inline GeP3 ge_identity() { return GeP3{fe_zero(), fe_one(), fe_one(), fe_zero()}; }

// The base point B (y = 4/5, x even).
VIGIL_HD inline GeP3 ge_base() {
  const Fe x{{0x8F25D51Au, 0xC9562D60u, 0x9525A7B2u, 0x692CC760u, 0xFDD6DC5Cu, 0xC0A4E231u, 0xCD6E53FEu, 0x216936D3u}};
  const Fe y{{0x66666658u, 0x66666666u, 0x66666666u, 0x66666666u, 0x66666666u, 0x66666666u, 0x66666666u, 0x66666666u}};
  return GeP3{x, y, fe_one(), fe_mul(x, y)};
}

VIGIL_HD inline GeP2 ge_p3_to_p2(const GeP3& p) { return GeP2{p.X, p.Y, p.Z}; }

VIGIL_HD inline GeP2 ge_p1p1_to_p2(const GeP1P1& p) {
  return GeP2{fe_mul(p.X, p.T), fe_mul(p.Y, p.Z), fe_mul(p.Z, p.T)};
}

VIGIL_HD inline GeP3 ge_p1p1_to_p3(const GeP1P1& p) {
  return GeP3{fe_mul(p.X, p.T), fe_mul(p.Y, p.Z), fe_mul(p.Z, p.T), fe_mul(p.X, p.Y)};
}

VIGIL_HD inline GeCached ge_p3_to_cached(const GeP3& p) {
  return GeCached{fe_add(p.Y, p.X), fe_sub(p.Y, p.X), p.Z, fe_mul(p.T, fe_d2())};
}

VIGIL_HD inline GeP3 ge_neg(const GeP3& p) { return GeP3{fe_neg(p.X), p.Y, p.Z, fe_neg(p.T)}; }

// 2p (dbl-2008-hwcd with a = -1): in affine terms x3 = 2xy / (y^2 - x^2),
// y3 = (y^2 + x^2) / (2 - y^2 + x^2), here with X^2, Y^2, 2Z^2 and
// (X+Y)^2 - X^2 - Y^2 = 2XY, left in completed form.
VIGIL_HD inline GeP1P1 ge_dbl(const GeP2& p) {
  const Fe xx = fe_sqr(p.X);
  const Fe yy = fe_sqr(p.Y);
  const Fe zz = fe_sqr(p.Z);
  const Fe zz2 = fe_add(zz, zz);
  const Fe sum = fe_sqr(fe_add(p.X, p.Y));
  GeP1P1 r;
  r.Y = fe_add(yy, xx);    // y3's numerator
  r.Z = fe_sub(yy, xx);    // x3's denominator
  r.X = fe_sub(sum, r.Y);  // 2XY, x3's numerator
  r.T = fe_sub(zz2, r.Z);  // y3's denominator
  return r;
}

// p + q (add-2008-hwcd-3, k = 2d): A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2),
// C = T1 * 2d T2, D = 2 Z1 Z2; output (B-A : D+C), (B+A : D-C).
VIGIL_HD inline GeP1P1 ge_add(const GeP3& p, const GeCached& q) {
  const Fe a = fe_mul(fe_sub(p.Y, p.X), q.YminusX);
  const Fe b = fe_mul(fe_add(p.Y, p.X), q.YplusX);
  const Fe c = fe_mul(q.T2d, p.T);
  const Fe zz = fe_mul(p.Z, q.Z);
  const Fe d = fe_add(zz, zz);
  return GeP1P1{fe_sub(b, a), fe_add(b, a), fe_add(d, c), fe_sub(d, c)};
}

// -q for an addition operand: (Y+X, Y-X) swapped and T negated.
VIGIL_HD inline GeCached ge_cached_neg(const GeCached& q) { return GeCached{q.YminusX, q.YplusX, q.Z, fe_neg(q.T2d)}; }
VIGIL_HD inline GeNiels ge_niels_neg(const GeNiels& q) { return GeNiels{q.yminusx, q.yplusx, fe_neg(q.xy2d)}; }

VIGIL_HD inline GeP1P1 ge_sub(const GeP3& p, const GeCached& q) { return ge_add(p, ge_cached_neg(q)); }

// p + q for an affine table entry q (Z2 = 1: one multiplication fewer).
VIGIL_HD inline GeP1P1 ge_madd(const GeP3& p, const GeNiels& q) {
  const Fe a = fe_mul(fe_sub(p.Y, p.X), q.yminusx);
  const Fe b = fe_mul(fe_add(p.Y, p.X), q.yplusx);
  const Fe c = fe_mul(q.xy2d, p.T);
  const Fe d = fe_add(p.Z, p.Z);
  return GeP1P1{fe_sub(b, a), fe_add(b, a), fe_add(d, c), fe_sub(d, c)};
}

VIGIL_HD inline GeP1P1 ge_msub(const GeP3& p, const GeNiels& q) { return ge_madd(p, ge_niels_neg(q)); }

// Whether p is the identity (0, 1): X = 0 and Y = Z.
VIGIL_HD inline bool ge_is_identity(const GeP2& p) { return fe_is_zero(p.X) && fe_equal(p.Y, p.Z); }

// The canonical 32-byte encoding: y (< p) little-endian, the sign of x in bit 255.
VIGIL_HD inline void ge_to_bytes(uint8_t out[32], const GeP2& p) {
  const Fe zinv = fe_inv(p.Z);
  const Fe x = fe_mul(p.X, zinv);
  const Fe y = fe_mul(p.Y, zinv);
  fe_to_bytes(out, y);
  out[31] |= static_cast<uint8_t>(fe_is_negative(x) << 7);
}

// Decodes 32 bytes as ZIP-215 (and curve25519-dalek) do: y is the low 255
// bits taken mod p (so y >= p is accepted), x is recovered from
// x^2 = (y^2 - 1) / (d y^2 + 1) -- false if that is not a square -- and
// negated if its parity differs from bit 255. x = 0 with bit 255 set is
// accepted as x = 0 (-0 = 0). d y^2 + 1 is never 0: -1/d is not a square.
VIGIL_HD inline bool ge_decode(GeP3& r, const uint8_t s[32]) {
  const Fe y = fe_from_bytes(s);
  const Fe yy = fe_sqr(y);
  const Fe u = fe_sub(yy, fe_one());
  const Fe v = fe_add(fe_mul(yy, fe_d()), fe_one());
  Fe x;
  if (!fe_sqrt_ratio(x, u, v)) return false;
  if (fe_is_negative(x) != static_cast<bool>(s[31] >> 7)) x = fe_neg(x);
  r = GeP3{x, y, fe_one(), fe_mul(x, y)};
  return true;
}

}  // namespace vigil::ed25519
