// The group of edwards25519, -x^2 + y^2 = 1 + d x^2 y^2, over the radix-2^51
// host field (ed25519_fe51.hpp), for the CPU's ZIP-215 verification. The
// representations and formulas are those of the GPU's group.hpp (ref10's,
// Hisil-Wong-Carter-Dawson 2008 with a = -1), which are complete on this
// curve: correct for every pair of points, the identity and the points of
// small order included.
//   Point       extended (X:Y:Z:T): x = X/Z, y = Y/Z, xy = T/Z
//   ProjPoint   projective (X:Y:Z), what a doubling starts from
//   Completed   ((X:Z), (Y:T)): x = X/Z, y = Y/T, an operation's raw output
//   Cached      (Y+X, Y-X, Z, 2dT): a point ready to be added
//   Niels       (y+x, y-x, 2dxy): an affine table entry (Z = 1)
// Limb bounds: every coordinate stored in these structs is reduced (see
// ed25519_fe51.hpp) except Cached::YplusX and Niels::yplusx, which are sums of
// two reduced elements; every formula below multiplies only values within the
// field's input bound.
#pragma once

#include <cstdint>

#include "verify/ed25519_fe51.hpp"

namespace vigil::cpu::ed51 {

struct Point {
  Fe51 X, Y, Z, T;
};
struct ProjPoint {
  Fe51 X, Y, Z;
};
struct Completed {
  Fe51 X, Y, Z, T;
};
struct Cached {
  Fe51 YplusX, YminusX, Z, T2d;
};
struct Niels {
  Fe51 yplusx, yminusx, xy2d;
};

inline Point identity() { return Point{fe51_zero(), fe51_one(), fe51_one(), fe51_zero()}; }

inline ProjPoint to_proj(const Point& p) { return ProjPoint{p.X, p.Y, p.Z}; }
inline ProjPoint to_proj(const Completed& p) {
  return ProjPoint{fe51_mul(p.X, p.T), fe51_mul(p.Y, p.Z), fe51_mul(p.Z, p.T)};
}
inline Point to_point(const Completed& p) {
  return Point{fe51_mul(p.X, p.T), fe51_mul(p.Y, p.Z), fe51_mul(p.Z, p.T), fe51_mul(p.X, p.Y)};
}
inline Cached to_cached(const Point& p) {
  return Cached{fe51_add(p.Y, p.X), fe51_sub(p.Y, p.X), p.Z, fe51_mul(p.T, fe51_d2())};
}

// -p: (x, y) -> (-x, y).
inline Point neg(const Point& p) { return Point{fe51_neg(p.X), p.Y, p.Z, fe51_neg(p.T)}; }

// 2p (dbl-2008-hwcd, a = -1): x3 = 2xy / (y^2 - x^2), y3 = (y^2 + x^2) /
// (2 - y^2 + x^2), computed as X^2, Y^2, 2Z^2 and 2XY = (X+Y)^2 - X^2 - Y^2.
inline Completed dbl(const ProjPoint& p) {
  const Fe51 xx = fe51_sqr(p.X), yy = fe51_sqr(p.Y), zz = fe51_sqr(p.Z);
  const Fe51 sum = fe51_sqr(fe51_add(p.X, p.Y));
  const Fe51 y = fe51_add(yy, xx);      // y3's numerator
  const Fe51 z = fe51_sub(yy, xx);      // x3's denominator
  return Completed{fe51_sub(sum, y), y, z, fe51_sub(fe51_add(zz, zz), z)};
}

// p + q or p - q (add-2008-hwcd-3, k = 2d) for q given as (y+x, y-x, 2dt)
// scaled by a common factor, and D = 2 Z1 Z2 precomputed: A = (Y1-X1)(Y2-X2),
// B = (Y1+X1)(Y2+X2), C = T1 2dT2; the sum is x3 = (B-A)/(D+C),
// y3 = (B+A)/(D-C), stored in the Completed layout (X:Z), (Y:T). -q swaps
// y+x with y-x and negates t, so for the difference A and B take the other
// factor and C changes sign.
template <bool kSubtract>
inline Completed add_or_sub(const Point& p, const Fe51& q_yplusx, const Fe51& q_yminusx, const Fe51& q_t2d,
                            const Fe51& d) {
  const Fe51 a = fe51_mul(fe51_sub(p.Y, p.X), kSubtract ? q_yplusx : q_yminusx);
  const Fe51 b = fe51_mul(fe51_add(p.Y, p.X), kSubtract ? q_yminusx : q_yplusx);
  const Fe51 c = fe51_mul(q_t2d, p.T);
  const Fe51 d_plus_c = fe51_add(d, c), d_minus_c = fe51_sub(d, c);
  return Completed{fe51_sub(b, a), fe51_add(b, a), kSubtract ? d_minus_c : d_plus_c, kSubtract ? d_plus_c : d_minus_c};
}

inline Fe51 twice_product(const Fe51& a, const Fe51& b) {
  const Fe51 ab = fe51_mul(a, b);
  return fe51_add(ab, ab);
}

inline Completed add(const Point& p, const Cached& q) {
  return add_or_sub<false>(p, q.YplusX, q.YminusX, q.T2d, twice_product(p.Z, q.Z));
}
inline Completed sub(const Point& p, const Cached& q) {
  return add_or_sub<true>(p, q.YplusX, q.YminusX, q.T2d, twice_product(p.Z, q.Z));
}
// For an affine q (Z2 = 1): D = 2 Z1, one multiplication fewer.
inline Completed madd(const Point& p, const Niels& q) {
  return add_or_sub<false>(p, q.yplusx, q.yminusx, q.xy2d, fe51_add(p.Z, p.Z));
}
inline Completed msub(const Point& p, const Niels& q) {
  return add_or_sub<true>(p, q.yplusx, q.yminusx, q.xy2d, fe51_add(p.Z, p.Z));
}

// Whether [8]p is the identity, i.e. p is of small order (1, 2, 4 or 8):
// three doublings, then X = 0 and Y = Z. This is the final test of the
// cofactored equations (single and batch).
inline bool is_small_order_var(const Point& p) {
  ProjPoint q = to_proj(p);
  for (int i = 0; i < 3; ++i) q = to_proj(dbl(q));
  return fe51_is_zero(q.X) && fe51_equal(q.Y, q.Z);
}

// Decodes 32 bytes as ZIP-215 (curve25519-dalek's decompress) does: y is the
// low 255 bits taken mod p (y >= p accepted), x^2 = (y^2 - 1) / (d y^2 + 1)
// -- false if that is not a square -- and x is negated when its parity
// differs from bit 255, so x = 0 with bit 255 set decodes as x = 0. The
// denominator is never 0: -1/d is not a square. The GPU's ge_decode decides
// the same way, in the 32-bit field.
inline bool decode_zip215_var(Point& r, const uint8_t s[32]) {
  const Fe51 y = fe51_from_bytes(s);
  const Fe51 yy = fe51_sqr(y);
  const Fe51 u = fe51_sub(yy, fe51_one());
  const Fe51 v = fe51_add(fe51_mul(yy, fe51_d()), fe51_one());
  Fe51 x;
  if (!fe51_sqrt_ratio_var(x, u, v)) return false;
  if (fe51_is_negative(x) != static_cast<bool>(s[31] >> 7)) x = fe51_neg(x);
  r = Point{x, y, fe51_one(), fe51_mul(x, y)};
  return true;
}

// The canonical encoding: y < p little-endian, the parity of x in bit 255.
inline void encode(uint8_t out[32], const Point& p) {
  const Fe51 zinv = fe51_invert(p.Z);
  fe51_to_bytes(out, fe51_mul(p.Y, zinv));
  out[31] |= static_cast<uint8_t>(fe51_is_negative(fe51_mul(p.X, zinv)) << 7);
}

}  // namespace vigil::cpu::ed51
