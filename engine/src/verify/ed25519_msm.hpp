// Multi-scalar multiplication on edwards25519 for the CPU's ZIP-215
// verification (single and batch): r = [b]B + sum_j [s_j] P_j, B the base
// point, by Straus's method (interleaved windows over one chain of doublings):
//   - every scalar is recoded in width-w NAF (digits odd or zero,
//     |digit| < 2^(w-1), at least w-1 zeros after each nonzero digit), so a
//     point needs only its odd multiples 1P, 3P, ..., (2^(w-1) - 1)P;
//   - P_j use w = 5 (eight multiples, built per call); B uses w = 8 and a
//     table of 64 affine multiples built once per process.
// The chain is as long as the longest scalar: about 253 doublings, shared by
// all points, plus one addition per nonzero digit (about 1 in w + 1 digits).
// All of it is variable-time (_var): public data only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "verify/ed25519_ge51.hpp"

namespace vigil::cpu::ed51 {

inline constexpr int kNafDigits = 256;
inline constexpr int kWindowP = 5;  // the points' NAF width
inline constexpr int kWindowB = 8;  // the base point's NAF width
inline constexpr int kTableP = 1 << (kWindowP - 2);
inline constexpr int kTableB = 1 << (kWindowB - 2);

// A 32-byte little-endian scalar.
struct Scalar32 {
  uint8_t b[32];
};

// Width-w NAF of s (s < 2^255, 2 <= w <= 8): naf[i] for i < 256 with
// s = sum naf[i] 2^i.
void naf_var(int8_t naf[kNafDigits], const Scalar32& s, int w);

// table[i] = (2i + 1) B for i < kTableB, affine, reduced; built on first use.
const Niels* base_table();

// The base point B (y = 4/5, x even), extended coordinates.
Point base_point();

// r = [b]B + sum_j [scalars[j]] points[j]. All scalars below 2^255 (the
// verification's are below L or 2^128). Uses a per-thread workspace that
// grows to the largest call and is kept (no allocation once warm).
Point straus_var(std::span<const Point> points, std::span<const Scalar32> scalars, const Scalar32& b);

}  // namespace vigil::cpu::ed51
