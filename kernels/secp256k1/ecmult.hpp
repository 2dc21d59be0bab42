// Double multiplication r = na * A + ng * G, the core of both verifications,
// as host/device per-thread math.
//
// Strauss-Shamir: one chain of doublings shared by four scalars of ~128 bits.
//   - na is split with the GLV endomorphism (na = k1 + k2 * lambda), so A and
//     lambda * A = (beta * x, y) each take a 128-bit scalar.
//   - ng is split into its low and high 128 bits, against precomputed tables
//     of G and 2^128 * G.
// Each scalar is recoded into odd digits window by window from the top
// (recode.hpp), in step with the doublings, so no digits are stored. A uses
// 4-bit windows and a per-call table of its 8 odd multiples (odd_table.hpp),
// lambda * A reads the same table and multiplies x by beta; G uses
// kWindowG-bit windows against the precomputed tables in global memory.
#pragma once

#include <cstdint>

#include "secp256k1/group.hpp"
#include "secp256k1/odd_table.hpp"
#include "secp256k1/recode.hpp"
#include "secp256k1/scalar.hpp"

#ifndef VIGIL_SECP_WINDOW_G
#define VIGIL_SECP_WINDOW_G 11
#endif

namespace vigil::secp {

inline constexpr int kWindowG = VIGIL_SECP_WINDOW_G;
inline constexpr int kTableG = 1 << (kWindowG - 1);  // odd multiples 1G .. (2^w - 1)G
// G's windows run down from bit 128 in steps of kWindowG; what is left at
// the bottom (128 mod kWindowG bits, if any) is one narrower window at bit 0.
inline constexpr int kLowWindowG = 128 % kWindowG;
static_assert(128 % kWindowA == 0, "A's windows tile the 128 bits");

// The precomputed G tables: g[i] = (2i+1) * G, g128[i] = (2i+1) * 2^128 * G,
// kTableG entries each (built by build_g_tables on the host).
struct GTables {
  const GeStorage* g;
  const GeStorage* g128;
};

// Index of |d| * P in a table of odd multiples, for an odd digit d.
VIGIL_HD inline int odd_index(int d) { return ((d < 0 ? -d : d) - 1) >> 1; }

// The digits of one window position for the four scalars (0: none).
struct EcmultDigits {
  int k1, k2, g1, g2;
};

// r += the four digits' points: d * A, d * lambda * A from the odd table,
// d * G, d * 2^128 G from the global tables. One addition site in a rolled
// loop, so that the GPU code holds a single inlined copy of gej_add_ge.
VIGIL_HD VIGIL_FORCE_INLINE void add_digits(Gej& r, const EcmultDigits& d, const OddTable& t,
                                            const GTables& tables) {
VIGIL_NO_UNROLL
  for (int which = 0; which < 4; ++which) {
    const int digit = which == 0 ? d.k1 : which == 1 ? d.k2 : which == 2 ? d.g1 : d.g2;
    if (digit == 0) continue;
    const int index = odd_index(digit);
    const GeStorage e = which < 2 ? odd_table_load(t, index) : (which == 2 ? tables.g : tables.g128)[index];
    Ge p;
    p.x = which == 1 ? fe_mul(e.x, beta()) : e.x;  // lambda * (x, y) = (beta * x, y)
    p.y = digit > 0 ? e.y : fe_neg(e.y);
    p.infinity = false;
    r = gej_add_ge(r, p);
  }
}

// r = na * a + ng * G for an affine point a (not infinity); `scratch` holds
// the odd multiples of a (its contents on entry do not matter).
VIGIL_HD VIGIL_FORCE_INLINE Gej ecmult(const Ge& a, const Scalar& na, const Scalar& ng, const GTables& tables,
                                       const OddTable& scratch) {
  const ScalarSplit split = scalar_split_lambda(na);
  Scalar lo = ng, hi{};
  for (int i = 0; i < 4; ++i) {
    hi.d[i] = ng.d[i + 4];
    lo.d[i + 4] = 0;
  }
  OddRecoder k1 = recoder_start(split.k1), k2 = recoder_start(split.k2);
  OddRecoder g1 = recoder_start(lo), g2 = recoder_start(hi);
  odd_multiples(scratch, a);

  constexpr int kTopA = 128 - kWindowA, kTopG = 128 - kWindowG;
  Gej r = gej_infinity();
  // Bit position i from the highest window down; every i doubles (a no-op
  // while r is still infinity) and windows ending at i add their digits.
  // The last round, i = -1, adds the corrections of even scalars (recoded
  // one too high) instead.
  for (int i = kTopA > kTopG ? kTopA : kTopG; i >= -1; --i) {
    EcmultDigits d{0, 0, 0, 0};
    if (i >= 0) {
      r = gej_double(r);
      if (i % kWindowA == 0) {
        d.k1 = recoder_next<kWindowA>(k1, i == kTopA);
        d.k2 = recoder_next<kWindowA>(k2, i == kTopA);
      }
      if (i >= kLowWindowG && (i - kLowWindowG) % kWindowG == 0) {
        d.g1 = recoder_next<kWindowG>(g1, i == kTopG);
        d.g2 = recoder_next<kWindowG>(g2, i == kTopG);
      }
      if constexpr (kLowWindowG > 0) {
        if (i == 0) {
          d.g1 = recoder_next<kLowWindowG>(g1, false);
          d.g2 = recoder_next<kLowWindowG>(g2, false);
        }
      }
    } else {
      d = EcmultDigits{recoder_correction(k1), recoder_correction(k2), recoder_correction(g1), recoder_correction(g2)};
    }
    add_digits(r, d, scratch, tables);
  }
  return r;
}

// ecmult with the odd multiples of a in a local array (the host's form).
VIGIL_HD inline Gej ecmult(const Ge& a, const Scalar& na, const Scalar& ng, const GTables& tables) {
  uint32_t words[kOddTableWords];
  return ecmult(a, na, ng, tables, OddTable{words, 1});
}

}  // namespace vigil::secp
