// The group of secp256k1 points, y^2 = x^3 + 7 over the field, as host/device
// per-thread math: affine points (Ge) and Jacobian points (Gej, x = X/Z^2,
// y = Y/Z^3). Unit-tested on the host against libsecp256k1's public key
// operations (parse, combine, tweak).
//
// All functions are variable-time (`_var` in libsecp256k1's naming):
// verification works on public data only.
#pragma once

#include <cstdint>

#include "secp256k1/field.hpp"

namespace vigil::secp {

struct Ge {
  Fe x, y;
  bool infinity;
};

struct Gej {
  Fe x, y, z;
  bool infinity;
};

// beta: a cube root of 1 mod p; (x, y) -> (beta * x, y) is multiplication by lambda.
// (Constants are functions: device code cannot read host variables.)
VIGIL_HD constexpr Fe beta() {
  return Fe{{0x719501EEu, 0xC1396C28u, 0x12F58995u, 0x9CF04975u, 0xAC3434E9u, 0x6E64479Eu, 0x657C0710u, 0x7AE96A2Bu}};
}

VIGIL_HD constexpr Ge generator() {
  return Ge{{{0x16F81798u, 0x59F2815Bu, 0x2DCE28D9u, 0x029BFCDBu, 0xCE870B07u, 0x55A06295u, 0xF9DCBBACu, 0x79BE667Eu}},
            {{0xFB10D4B8u, 0x9C47D08Fu, 0xA6855419u, 0xFD17B448u, 0x0E1108A8u, 0x5DA4FBFCu, 0x26A3C465u, 0x483ADA77u}},
            false};
}

VIGIL_HD inline Fe curve_rhs(const Fe& x) { return fe_add(fe_mul(fe_sqr(x), x), fe_from_int(7)); }

// On the curve (and not infinity).
VIGIL_HD inline bool ge_is_valid(const Ge& a) {
  return !a.infinity && fe_equal(fe_sqr(a.y), curve_rhs(a.x));
}

// The point with x-coordinate x and y of the given parity. False if x^3 + 7
// is not a square (no such point).
VIGIL_HD inline bool ge_set_xo(Ge& r, const Fe& x, bool odd) {
  Fe y;
  if (!fe_sqrt(y, curve_rhs(x))) return false;
  fe_normalize(y);
  if ((y.n[0] & 1) != static_cast<uint32_t>(odd)) y = fe_normalized(fe_neg(y));
  r.x = fe_normalized(x);
  r.y = y;
  r.infinity = false;
  return true;
}

VIGIL_HD inline Ge ge_neg(const Ge& a) {
  Ge r = a;
  r.y = fe_neg(a.y);
  return r;
}

// lambda * a, by the endomorphism.
VIGIL_HD inline Ge ge_mul_lambda(const Ge& a) {
  Ge r = a;
  r.x = fe_mul(a.x, beta());
  return r;
}

VIGIL_HD inline Gej gej_infinity() {
  Gej r{};
  r.infinity = true;
  return r;
}

VIGIL_HD inline Gej gej_from_ge(const Ge& a) {
  Gej r;
  r.x = a.x;
  r.y = a.y;
  r.z = fe_from_int(1);
  r.infinity = a.infinity;
  return r;
}

// Affine form, with one inversion (infinity stays infinity).
VIGIL_HD inline Ge ge_from_gej(const Gej& a) {
  Ge r;
  r.infinity = a.infinity;
  if (a.infinity) {
    r.x = r.y = Fe{};
    return r;
  }
  const Fe zi = fe_inv(a.z);
  const Fe zi2 = fe_sqr(zi);
  r.x = fe_mul(a.x, zi2);
  r.y = fe_mul(a.y, fe_mul(zi2, zi));
  return r;
}

// x(a) == x, for Jacobian a (not infinity): X == x * Z^2, no inversion.
VIGIL_HD inline bool gej_x_equals(const Gej& a, const Fe& x) {
  return fe_equal(fe_mul(x, fe_sqr(a.z)), a.x);
}

// 2a ("dbl-2009-l" for a = 0 curves: 2M + 5S). secp256k1 has no point of
// order 2, so y = 0 never occurs on a valid point.
VIGIL_HD VIGIL_FORCE_INLINE Gej gej_double(const Gej& a) {
  if (a.infinity) return a;
  const Fe A = fe_sqr(a.x);
  const Fe B = fe_sqr(a.y);
  const Fe C = fe_sqr(B);
  Fe D = fe_sub(fe_sub(fe_sqr(fe_add(a.x, B)), A), C);
  D = fe_add(D, D);
  const Fe E = fe_mul_small(A, 3);
  const Fe F = fe_sqr(E);
  Gej r;
  r.x = fe_sub(F, fe_add(D, D));
  r.y = fe_sub(fe_mul(E, fe_sub(D, r.x)), fe_mul_small(C, 8));
  const Fe yz = fe_mul(a.y, a.z);
  r.z = fe_add(yz, yz);
  r.infinity = false;
  return r;
}

// a + b for Jacobian a and affine b (8M + 3S). Handles b = a (doubles),
// b = -a (infinity) and either input at infinity. When `zr` is given and
// neither input is at infinity nor b = +-a, *zr is set to the z-ratio
// r.z / a.z (= h), which chains of additions use to bring their results to
// one Z without an inversion per point (the special cases leave it unset).
VIGIL_HD VIGIL_FORCE_INLINE Gej gej_add_ge(const Gej& a, const Ge& b, Fe* zr = nullptr) {
  if (b.infinity) return a;
  if (a.infinity) return gej_from_ge(b);
  const Fe z2 = fe_sqr(a.z);
  const Fe u2 = fe_mul(b.x, z2);
  const Fe s2 = fe_mul(b.y, fe_mul(z2, a.z));
  const Fe h = fe_sub(u2, a.x);
  const Fe rr = fe_sub(s2, a.y);
  if (fe_is_zero(h)) {
    if (fe_is_zero(rr)) return gej_double(a);
    return gej_infinity();
  }
  if (zr) *zr = h;
  const Fe hh = fe_sqr(h);
  const Fe hhh = fe_mul(h, hh);
  const Fe v = fe_mul(a.x, hh);
  Gej r;
  r.x = fe_sub(fe_sub(fe_sqr(rr), hhh), fe_add(v, v));
  r.y = fe_sub(fe_mul(rr, fe_sub(v, r.x)), fe_mul(a.y, hhh));
  r.z = fe_mul(a.z, h);
  r.infinity = false;
  return r;
}

// a + b for Jacobian a and b (12M + 4S), with the same special cases.
VIGIL_HD inline Gej gej_add(const Gej& a, const Gej& b) {
  if (b.infinity) return a;
  if (a.infinity) return b;
  const Fe z1s = fe_sqr(a.z), z2s = fe_sqr(b.z);
  const Fe u1 = fe_mul(a.x, z2s), u2 = fe_mul(b.x, z1s);
  const Fe s1 = fe_mul(a.y, fe_mul(z2s, b.z)), s2 = fe_mul(b.y, fe_mul(z1s, a.z));
  const Fe h = fe_sub(u2, u1);
  const Fe rr = fe_sub(s2, s1);
  if (fe_is_zero(h)) {
    if (fe_is_zero(rr)) return gej_double(a);
    return gej_infinity();
  }
  const Fe hh = fe_sqr(h);
  const Fe hhh = fe_mul(h, hh);
  const Fe v = fe_mul(u1, hh);
  Gej r;
  r.x = fe_sub(fe_sub(fe_sqr(rr), hhh), fe_add(v, v));
  r.y = fe_sub(fe_mul(rr, fe_sub(v, r.x)), fe_mul(s1, hhh));
  r.z = fe_mul(fe_mul(a.z, b.z), h);
  r.infinity = false;
  return r;
}

// Affine forms of n Jacobian points with one inversion (Montgomery's trick):
// prefix products of the Z's, one inverse, then peel off one Z at a time.
// None of the inputs may be at infinity. `scratch` holds n elements.
VIGIL_HD inline void ge_from_gej_batch(Ge* out, const Gej* in, int n, Fe* scratch) {
  if (n == 0) return;
  scratch[0] = in[0].z;
  for (int i = 1; i < n; ++i) scratch[i] = fe_mul(scratch[i - 1], in[i].z);
  Fe inv = fe_inv(scratch[n - 1]);
  for (int i = n - 1; i >= 0; --i) {
    const Fe zi = i > 0 ? fe_mul(inv, scratch[i - 1]) : inv;
    if (i > 0) inv = fe_mul(inv, in[i].z);
    const Fe zi2 = fe_sqr(zi);
    out[i].x = fe_mul(in[i].x, zi2);
    out[i].y = fe_mul(in[i].y, fe_mul(zi2, zi));
    out[i].infinity = false;
  }
}

}  // namespace vigil::secp
