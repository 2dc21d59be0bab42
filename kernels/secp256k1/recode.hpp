// Signed odd-digit window recoding of a ~128-bit scalar, read from the top
// down while the doublings run, so that no digit array exists: on the GPU an
// array indexed by the loop counter would live in local memory.
//
// The representation (the "all digits odd" recoding of Joye and Tunstall):
// for odd m < 2^128 let h = (m - 1) / 2, so m = 2h + 1 with h < 2^127. Cut
// [0, 128) into windows [p_j, p_j + w_j) (p_0 = 0, p_{j+1} = p_j + w_j) and
// let h_j be h's bits in window j. Then
//   m = sum_j D_j * 2^p_j,   D_j = 2 h_j - (2^w_j - 1)  (every window but the top),
//                            D_top = 2 h_top + 1 = 2 h_top - (2^w_top - 1) + 2^w_top,
// because the (2^w_j - 1) * 2^p_j of all windows telescope to 2^128 - 1, and
// the top digit's extra 2^w_top * 2^p_top is 2^128:
//   sum_j D_j 2^p_j = 2h - (2^128 - 1) + 2^128 = 2h + 1 = m.
// Every digit is odd with |D_j| <= 2^w_j - 1, so a table of the 2^(w-1) odd
// multiples 1P, 3P, ..., (2^w - 1)P covers it, and every window adds (no zero
// digits; slightly more additions than a wNAF, for no stored digits). The
// top digit is positive: h < 2^127 leaves the window's top bit clear.
//
// An even m is recoded as m + 1 (still below 2^128: m <= 2^128 - 2) and ecmult
// subtracts one P at the end.
#pragma once

#include <cstdint>

#include "secp256k1/scalar.hpp"

namespace vigil::secp {

// The state of one scalar's recoding: h's bits not yet read, left-aligned in
// four words (the next window is the top w bits of bits[3]).
struct OddRecoder {
  uint32_t bits[4];
  bool negate;  // the scalar is n - m: every digit (and the correction) negated
  bool even;    // m was even: m + 1 is recoded, one P too many
};

// Starts the recoding of s, which must be below 2^128 or have n - s below
// 2^128 (bit 255 set tells which: what GLV split halves and 128-bit halves
// of a scalar are).
VIGIL_HD inline OddRecoder recoder_start(Scalar s) {
  OddRecoder r;
  r.negate = scalar_bit(s, 255) != 0;
  if (r.negate) s = scalar_neg(s);
  r.even = (s.d[0] & 1u) == 0;
  // h = (m + even) >> 1 = m >> 1 in both cases: adding 1 to an even m only sets bit 0.
VIGIL_UNROLL
  for (int i = 0; i < 4; ++i) r.bits[i] = (s.d[i] >> 1) | (s.d[i + 1] << 31);
  return r;
}

// The next digit, for a window of W bits (1 <= W <= 16) at the top of what
// is left: odd, |digit| <= 2^W - 1, already negated for a negated scalar.
// `top` marks the first (highest) window. Shifts the window out.
template <int W>
VIGIL_HD inline int recoder_next(OddRecoder& r, bool top) {
  const int h = static_cast<int>(r.bits[3] >> (32 - W));
VIGIL_UNROLL
  for (int i = 3; i > 0; --i) r.bits[i] = (r.bits[i] << W) | (r.bits[i - 1] >> (32 - W));
  r.bits[0] <<= W;
  const int d = top ? 2 * h + 1 : 2 * h - ((1 << W) - 1);
  return r.negate ? -d : d;
}

// The digit that undoes an even scalar's +1 (0 when m was odd): -1, or +1
// for a negated scalar.
VIGIL_HD inline int recoder_correction(const OddRecoder& r) {
  if (!r.even) return 0;
  return r.negate ? 1 : -1;
}

}  // namespace vigil::secp
