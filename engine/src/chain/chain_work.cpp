// U256: the few 256-bit operations proof of work needs.
#include "vigil/chain_work.hpp"

#include "vigil/block_check.hpp"

namespace vigil {

U256 U256::from_le(const Hash256& h) {
  U256 u;
  for (int i = 0; i < 32; ++i) u.w[i / 8] |= uint64_t{h.bytes[i]} << (8 * (i % 8));
  return u;
}

Hash256 U256::to_le() const {
  Hash256 h;
  for (int i = 0; i < 32; ++i) h.bytes[i] = static_cast<uint8_t>(w[i / 8] >> (8 * (i % 8)));
  return h;
}

U256& U256::operator+=(const U256& o) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned __int128 s = static_cast<unsigned __int128>(w[i]) + o.w[i] + carry;
    w[i] = static_cast<uint64_t>(s);
    carry = s >> 64;
  }
  return *this;
}

U256& U256::operator-=(const U256& o) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned __int128 d = static_cast<unsigned __int128>(w[i]) - o.w[i] - borrow;
    w[i] = static_cast<uint64_t>(d);
    borrow = (d >> 64) ? 1 : 0;
  }
  return *this;
}

bool U256::mul_u64(uint64_t m) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned __int128 p = static_cast<unsigned __int128>(w[i]) * m + carry;
    w[i] = static_cast<uint64_t>(p);
    carry = p >> 64;
  }
  return carry != 0;
}

void U256::div_u64(uint64_t d) {
  unsigned __int128 rem = 0;
  for (int i = 3; i >= 0; --i) {
    const unsigned __int128 cur = (rem << 64) | w[i];
    w[i] = static_cast<uint64_t>(cur / d);
    rem = cur % d;
  }
}

U256 U256::operator/(const U256& d) const {
  U256 q, r;
  for (int k = 255; k >= 0; --k) {
    // r = r * 2 + bit k of this
    for (int i = 3; i > 0; --i) r.w[i] = r.w[i] << 1 | r.w[i - 1] >> 63;
    r.w[0] = r.w[0] << 1 | ((w[k / 64] >> (k % 64)) & 1);
    if (r >= d) {
      r -= d;
      q.w[k / 64] |= uint64_t{1} << (k % 64);
    }
  }
  return q;
}

unsigned U256::bits() const {
  for (int i = 3; i >= 0; --i)
    if (w[i]) return static_cast<unsigned>(64 * i + 64 - __builtin_clzll(w[i]));
  return 0;
}

std::string U256::to_hex() const {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (int i = 3; i >= 0; --i)
    for (int n = 15; n >= 0; --n) s.push_back(kDigits[(w[i] >> (4 * n)) & 15]);
  return s;
}

uint32_t compact_from_target(const U256& target) {
  // The size in bytes, then the top three bytes as the mantissa; a mantissa
  // with its sign bit set moves one byte down (the format is signed).
  unsigned size = (target.bits() + 7) / 8;
  uint64_t mantissa;
  if (size <= 3) {
    mantissa = target.w[0] << (8 * (3 - size));
  } else {
    U256 t = target;
    const unsigned shift = 8 * (size - 3);
    for (unsigned s = 0; s < shift; s += 8) t.div_u64(256);
    mantissa = t.w[0];
  }
  if (mantissa & 0x00800000) {
    mantissa >>= 8;
    ++size;
  }
  return static_cast<uint32_t>(mantissa) | (size << 24);
}

U256 work_from_bits(uint32_t bits) {
  // SetCompact without the network's limit: GetBlockProof only rejects
  // negative, zero and overflowing targets.
  Hash256 all_ones;
  all_ones.bytes.fill(0xff);
  Hash256 t;
  if (!target_from_bits(bits, all_ones, &t)) return {};
  const U256 target = U256::from_le(t);
  // 2^256 / (target + 1) = ~target / (target + 1) + 1 (2^256 itself does not fit).
  U256 divisor = target;
  divisor += U256::from_u64(1);
  U256 q = ~target / divisor;
  q += U256::from_u64(1);
  return q;
}

}  // namespace vigil
