// The pow module: Bitcoin Core's retarget vectors (pow_tests.cpp), real
// mainnet headers, timestamps, and its place in the registry.
#include <gtest/gtest.h>

#include <map>

#include "util/test_util.hpp"
#include "vigil/block.hpp"
#include "vigil/consensus.hpp"
#include "vigil/hash.hpp"

namespace vigil {
namespace {

// A branch where only some heights matter: the rest default.
class SparseHistory final : public ChainHistory {
 public:
  explicit SparseHistory(uint32_t size) : size_(size) {}
  uint32_t size() const override { return size_; }
  const HeaderEntry& at(uint32_t height) const override {
    const auto it = set_.find(height);
    return it == set_.end() ? default_ : it->second;
  }
  void set(uint32_t height, uint32_t time, uint32_t bits) {
    HeaderEntry e;
    e.header.time = time;
    e.header.bits = bits;
    set_[height] = e;
  }

 private:
  uint32_t size_;
  std::map<uint32_t, HeaderEntry> set_;
  HeaderEntry default_;
};

// Core's get_next_work* cases: the parent at `last_height` with its time
// and bits, the interval's first block at `first_time`.
uint32_t retarget(uint32_t last_height, uint32_t last_time, uint32_t bits, uint32_t first_time) {
  static const ChainParams params = ChainParams::Mainnet();
  SparseHistory h(last_height + 1);
  h.set(last_height, last_time, bits);
  h.set(last_height + 1 - params.retarget_interval(), first_time, bits);
  BlockContext ctx;
  ctx.height = last_height + 1;
  ctx.chain = &h;
  ctx.params = &params;
  BlockHeader next;
  next.time = last_time + 600;
  return next_work_required(next, ctx);
}

TEST(Pow, RetargetMatchesCoreVectors) {
  EXPECT_EQ(retarget(32255, 1262152739, 0x1d00ffff, 1261130161), 0x1d00d86au);  // get_next_work
  EXPECT_EQ(retarget(2015, 1233061996, 0x1d00ffff, 1231006505), 0x1d00ffffu);   // capped at the limit
  EXPECT_EQ(retarget(68543, 1279297671, 0x1c05a3f4, 1279008237), 0x1c0168fdu);  // clamped: a quarter of the time
  EXPECT_EQ(retarget(46367, 1269211443, 0x1c387f6f, 1263163443), 0x1d00e1fdu);  // clamped: four times
}

TEST(Pow, NoRetargetAndMinimumDifficulty) {
  ChainParams regtest = ChainParams::Regtest();
  SparseHistory h(2016);
  h.set(2015, 1000, 0x207fffff);
  h.set(0, 0, 0x207fffff);
  BlockContext ctx;
  ctx.height = 2016;
  ctx.chain = &h;
  ctx.params = &regtest;
  BlockHeader next;
  next.time = 5000;
  EXPECT_EQ(next_work_required(next, ctx), 0x207fffffu);  // a retarget height, yet unchanged

  ChainParams testnet = ChainParams::ForNetwork(Network::kTestnet3);
  SparseHistory t(101);
  for (uint32_t i = 0; i <= 100; ++i) t.set(i, 1000 + 600 * i, i < 96 ? 0x1c0fffff : 0x1d00ffff);
  ctx.height = 101;
  ctx.chain = &t;
  ctx.params = &testnet;
  next.time = 1000 + 600 * 100 + 1201;  // more than 20 minutes after the parent: the limit
  EXPECT_EQ(next_work_required(next, ctx), 0x1d00ffffu);
  next.time = 1000 + 600 * 100 + 1200;  // not late: the last bits that were not the limit's
  EXPECT_EQ(next_work_required(next, ctx), 0x1c0fffffu);
}

// Mainnet blocks 0..438 (bitcoinj's file): every header passes the pow
// module's checks in its real context; a changed nBits or an old time fails.
TEST(Pow, RealMainnetHeadersPass) {
  std::vector<BlockRecord> recs;
  const Bytes file = test::read_file(test::data_path("bitcoinj/first-100k-blocks.dat"));
  ASSERT_TRUE(split_block_file(file, &recs).ok());
  ASSERT_GT(recs.size(), 400u);
  const ChainParams params = ChainParams::Mainnet();
  std::shared_ptr<const ConsensusModule> pow;
  ASSERT_TRUE(ModuleRegistry::WithBuiltins()->find({"pow", 1}, &pow).ok());
  std::vector<HeaderEntry> headers;
  class Vec final : public ChainHistory {
   public:
    explicit Vec(const std::vector<HeaderEntry>& v) : v_(v) {}
    uint32_t size() const override { return static_cast<uint32_t>(v_.size()); }
    const HeaderEntry& at(uint32_t h) const override { return v_[h]; }
    const std::vector<HeaderEntry>& v_;
  } history(headers);
  for (const BlockRecord& r : recs) {
    HeaderEntry e;
    ASSERT_TRUE(parse_block_header(ByteView(r.bytes.data(), 80), &e.header).ok());
    e.hash = sha256d(ByteView(r.bytes.data(), 80));
    BlockContext ctx;
    ctx.height = static_cast<uint32_t>(headers.size());
    ctx.chain = &history;
    ctx.params = &params;
    ASSERT_TRUE(pow->check_header(e.header, e.hash, ctx).valid) << ctx.height;
    ASSERT_TRUE(pow->check_header_context(e.header, ctx).valid) << ctx.height;
    if (ctx.height > 11) {
      BlockHeader bad = e.header;
      bad.bits = 0x1d00fffe;
      EXPECT_EQ(pow->check_header_context(bad, ctx).reason, "bad-diffbits");
      bad = e.header;
      bad.time = median_time_past(history, ctx.height - 1);
      EXPECT_EQ(pow->check_header_context(bad, ctx).reason, "time-too-old");
      bad.time += 1;
      EXPECT_TRUE(pow->check_header_context(bad, ctx).valid);
      BlockHeader unmined = e.header;
      unmined.nonce ^= 1;
      Bytes raw(r.bytes.begin(), r.bytes.begin() + 80);
      raw[76] ^= 1;
      EXPECT_EQ(pow->check_header(unmined, sha256d(ByteView(raw.data(), 80)), ctx).reason, "high-hash");
    }
    EXPECT_EQ(pow->block_work(e.header, ctx), work_from_bits(0x1d00ffff));
    headers.push_back(e);
  }
  EXPECT_FALSE(pow->final_when_connected());
}

}  // namespace
}  // namespace vigil
