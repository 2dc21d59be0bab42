// 256-bit unsigned numbers for proof-of-work arithmetic: a block's work
// (Bitcoin Core's GetBlockProof), cumulative chain work, and the difficulty
// retarget's target * timespan / target_timespan (arith_uint256's role).
#pragma once

#include <cstdint>
#include <string>

#include "vigil/bytes.hpp"

namespace vigil {

// Four 64-bit limbs, least significant first. Arithmetic wraps mod 2^256.
struct U256 {
  uint64_t w[4] = {0, 0, 0, 0};

  static U256 from_u64(uint64_t v) {
    U256 u;
    u.w[0] = v;
    return u;
  }
  // A little-endian 32-byte number (Hash256's order: block hashes, targets).
  static U256 from_le(const Hash256& h);
  Hash256 to_le() const;

  friend bool operator==(const U256&, const U256&) = default;
  friend bool operator<(const U256& a, const U256& b) {
    for (int i = 3; i >= 0; --i)
      if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
    return false;
  }
  friend bool operator>(const U256& a, const U256& b) { return b < a; }
  friend bool operator<=(const U256& a, const U256& b) { return !(b < a); }
  friend bool operator>=(const U256& a, const U256& b) { return !(a < b); }

  U256& operator+=(const U256& o);
  U256& operator-=(const U256& o);
  // Multiplies by a 64-bit number; true when the product overflowed 2^256.
  bool mul_u64(uint64_t m);
  // Divides by a nonzero 64-bit number (truncating).
  void div_u64(uint64_t d);
  // floor(this / d) for a nonzero d: bit-by-bit long division.
  U256 operator/(const U256& d) const;
  U256 operator~() const {
    U256 r;
    for (int i = 0; i < 4; ++i) r.w[i] = ~w[i];
    return r;
  }
  bool is_zero() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
  unsigned bits() const;  // position of the highest set bit + 1; 0 for zero
  std::string to_hex() const;  // big-endian, 64 digits
};

// arith_uint256::GetCompact: the nBits encoding of a (non-negative) target.
uint32_t compact_from_target(const U256& target);

// floor(2^256 / (target + 1)) for the target of `bits` (GetBlockProof); zero
// for bits that are negative, zero or overflow (no valid target).
U256 work_from_bits(uint32_t bits);

}  // namespace vigil
