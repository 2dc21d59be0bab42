// U256, nBits encoding and block work against values from Bitcoin Core.
#include <gtest/gtest.h>

#include <random>

#include "vigil/block_check.hpp"
#include "vigil/chain_work.hpp"

namespace vigil {
namespace {

TEST(ChainWork, WorkOfKnownBits) {
  // Difficulty 1: 2^256 / (0xffff << 208 + 1) = 0x100010001 (Core's chainwork of block 1 is 0x200020002).
  EXPECT_EQ(work_from_bits(0x1d00ffff).to_hex(), std::string(55, '0') + "100010001");
  // Regtest's limit 0x207fffff: target 0x7fffff << 232, work 2.
  EXPECT_EQ(work_from_bits(0x207fffff), U256::from_u64(2));
  // No valid target: no work (negative, zero, overflowing).
  EXPECT_TRUE(work_from_bits(0x01803456).is_zero());
  EXPECT_TRUE(work_from_bits(0).is_zero());
  EXPECT_TRUE(work_from_bits(0xff123456).is_zero());
}

TEST(ChainWork, CompactRoundTripsAndMatchesCore) {
  // Values from Core's arith_uint256_tests (SetCompact/GetCompact).
  struct {
    uint32_t bits;
    uint32_t back;
  } cases[] = {{0x1d00ffff, 0x1d00ffff}, {0x1b0404cb, 0x1b0404cb}, {0x05009234, 0x05009234}, {0x04923456, 0x04923456 & 0},
               {0x20123456, 0x20123456}, {0x02123456, 0x02123400}, {0x03123456, 0x03123456}, {0x04123456, 0x04123456}};
  Hash256 all_ones;
  all_ones.bytes.fill(0xff);
  for (const auto& c : cases) {
    Hash256 t;
    if (!target_from_bits(c.bits, all_ones, &t)) {
      EXPECT_EQ(c.back, 0u) << std::hex << c.bits;  // 0x04923456 is negative
      continue;
    }
    EXPECT_EQ(compact_from_target(U256::from_le(t)), c.back) << std::hex << c.bits;
  }
  // 0x80 at the top moves a byte down: 0x00800000 << 8 is encoded 0x05008000.
  U256 v = U256::from_u64(0x80000000ull);
  EXPECT_EQ(compact_from_target(v), 0x05008000u);
}

TEST(ChainWork, DivisionAgreesWithSmallNumbers) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t a = rng(), d = (rng() >> (rng() % 64)) | 1;
    const U256 q = U256::from_u64(a) / U256::from_u64(d);
    EXPECT_EQ(q, U256::from_u64(a / d));
    U256 x = U256::from_u64(a);
    x.div_u64(d);
    EXPECT_EQ(x, U256::from_u64(a / d));
    U256 y = U256::from_u64(a);
    EXPECT_FALSE(y.mul_u64(1));
    U256 z = U256::from_u64(a);
    z.mul_u64(d);
    z.div_u64(d);
    EXPECT_EQ(z, U256::from_u64(a));
  }
  U256 top;
  top.w[3] = 1ull << 63;
  EXPECT_TRUE(top.mul_u64(2));
  EXPECT_EQ(top.bits(), 0u);
}

}  // namespace
}  // namespace vigil
