// A thread's table of odd multiples of its public key A, and how it is built:
// host/device per-thread math. The table lives in a ThreadColumn
// (common/column.hpp): shared memory on the GPU, a local array on the host.
#pragma once

#include <cstdint>

#include "common/column.hpp"
#include "secp256k1/group.hpp"

namespace vigil::secp {

inline constexpr int kWindowA = 4;                   // digits odd, |d| <= 15
inline constexpr int kTableA = 1 << (kWindowA - 1);  // odd multiples 1A, 3A, ..., 15A
inline constexpr int kEntryWords = 16;               // x then y, eight limbs each
inline constexpr int kOddTableWords = kTableA * kEntryWords;

// An affine point known not to be infinity, as stored in tables.
struct GeStorage {
  Fe x, y;
};

// Entry i (0 <= i < kTableA) holds (2i+1) * A: x in words [16i, 16i + 8),
// y in [16i + 8, 16i + 16) of the thread's column.
using OddTable = ThreadColumn;

VIGIL_HD inline void odd_table_store(const OddTable& t, int i, const Fe& x, const Fe& y) {
  column_store<8>(t, kEntryWords * i, x.n);
  column_store<8>(t, kEntryWords * i + 8, y.n);
}

VIGIL_HD inline GeStorage odd_table_load(const OddTable& t, int i) {
  GeStorage e;
  column_load<8>(e.x.n, t, kEntryWords * i);
  column_load<8>(e.y.n, t, kEntryWords * i + 8);
  return e;
}

// Fills t with (2i+1) * a, affine, for an affine a that is not infinity,
// with one inversion and no array of Jacobian points:
//  1. D = 2a (Jacobian, z = zd). On the isomorphic curve y^2 = x^3 + 7 zd^6,
//     reached by (x, y) -> (x zd^2, y zd^3), D is affine: (D.x, D.y). The
//     addition formulas do not involve the curve constant, so they hold there.
//  2. P_0 = a mapped there (z = 1), P_i = P_{i-1} + D by mixed additions;
//     each gives its z-ratio h_{i-1} = z_i / z_{i-1}. P_i goes into entry i
//     as it is (x_i, y_i), z_i implied.
//  3. Back on the real curve P_i is the Jacobian (x_i, y_i, z_i zd), affine
//     with s_i = 1 / (z_i zd): x_i s_i^2, y_i s_i^3. One inversion gives s_7;
//     s_{i-1} = s_i h_{i-1} walks down the table.
// The additions have no special case: P_{i-1} = +-D would need (2i - 1) a =
// +-2a, impossible in a group of prime order n > 15 with a != infinity.
VIGIL_HD inline void odd_multiples(const OddTable& t, const Ge& a) {
  const Gej d = gej_double(gej_from_ge(a));
  const Ge d_iso{d.x, d.y, false};
  const Fe zd2 = fe_sqr(d.z);
  Gej p;
  p.x = fe_mul(a.x, zd2);
  p.y = fe_mul(a.y, fe_mul(zd2, d.z));
  p.z = fe_from_int(1);
  p.infinity = false;
  odd_table_store(t, 0, p.x, p.y);
  Fe ratio[kTableA - 1];  // a rolled loop keeps it a 224-byte stack array, outside the hot loop
VIGIL_NO_UNROLL
  for (int i = 1; i < kTableA; ++i) {
    p = gej_add_ge(p, d_iso, &ratio[i - 1]);
    odd_table_store(t, i, p.x, p.y);
  }
  Fe s = fe_inv(fe_mul(p.z, d.z));
VIGIL_NO_UNROLL
  for (int i = kTableA - 1; i >= 0; --i) {
    if (i < kTableA - 1) s = fe_mul(s, ratio[i]);
    const GeStorage e = odd_table_load(t, i);
    const Fe s2 = fe_sqr(s);
    odd_table_store(t, i, fe_mul(e.x, s2), fe_mul(e.y, fe_mul(s2, s)));
  }
}

}  // namespace vigil::secp
