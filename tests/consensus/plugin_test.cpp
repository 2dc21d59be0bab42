// Consensus plugins: the example plugin (examples/consensus_plugin) loaded
// through the registry and judging real headers, and the libraries the
// loader must refuse. The paths come from tests/consensus_plugins.cmake.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "vigil/block.hpp"
#include "vigil/consensus.hpp"
#include "vigil/hash.hpp"

namespace vigil {
namespace {

const ModuleId kExample{"examplepow", 1};
constexpr uint32_t kBits = 0x207fffff;

// A branch of headers with the given times.
class FakeChain final : public ChainHistory {
 public:
  explicit FakeChain(const std::vector<uint32_t>& times) {
    for (uint32_t t : times) {
      HeaderEntry e;
      e.header.time = t;
      e.header.bits = kBits;
      entries_.push_back(e);
    }
  }
  uint32_t size() const override { return static_cast<uint32_t>(entries_.size()); }
  const HeaderEntry& at(uint32_t height) const override { return entries_.at(height); }

 private:
  std::vector<HeaderEntry> entries_;
};

// An 80-byte header, parsed back and hashed: what the chain state hands a module.
struct TestHeader {
  Bytes raw;
  BlockHeader header;
  Hash256 hash;
};

TestHeader make_header(uint32_t time, uint32_t bits, uint32_t nonce) {
  TestHeader h;
  h.raw.assign(80, 0);
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) h.raw[at + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  put32(0, 4);
  h.raw[36] = 0x5a;  // some Merkle root
  put32(68, time);
  put32(72, bits);
  put32(76, nonce);
  EXPECT_TRUE(parse_block_header(h.raw, &h.header).ok());
  h.hash = sha256d(h.raw);
  return h;
}

// The first header at or after `nonce` whose hash meets (or, with
// want_good false, misses) the target of 0x207fffff: hash[31] <= 0x7f.
TestHeader mine(uint32_t time, bool want_good) {
  for (uint32_t nonce = 0;; ++nonce) {
    TestHeader h = make_header(time, kBits, nonce);
    const bool good = h.hash.bytes[31] < 0x7f;  // strictly below: no ties to reason about
    const bool bad = h.hash.bytes[31] > 0x7f;
    if ((want_good && good) || (!want_good && bad)) return h;
  }
}

std::shared_ptr<const ConsensusModule> load_example(ModuleRegistry& registry) {
  const Status s = registry.load_plugin(VIGIL_EXAMPLE_PLUGIN, kExample);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::shared_ptr<const ConsensusModule> module;
  const Status f = registry.find(kExample, &module);
  EXPECT_TRUE(f.ok()) << f.ToString();
  return module;
}

BlockContext context_on(const FakeChain& chain, const ChainParams& params) {
  BlockContext ctx;
  ctx.height = chain.size();
  ctx.chain = &chain;
  ctx.params = &params;
  ctx.rules = RuleSet::All();
  return ctx;
}

TEST(Plugin, LoadsAndReportsItself) {
  ModuleRegistry registry;
  auto module = load_example(registry);
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(module->name(), "examplepow");
  EXPECT_EQ(module->spec_version(), 1u);
  EXPECT_FALSE(module->final_when_connected());
}

TEST(Plugin, CheckHeaderProofOfWork) {
  ModuleRegistry registry;
  auto module = load_example(registry);
  ASSERT_NE(module, nullptr);
  const ChainParams params = ChainParams::Regtest();
  const FakeChain chain({});
  const BlockContext ctx = context_on(chain, params);

  const TestHeader good = mine(1000, true);
  EXPECT_TRUE(module->check_header(good.header, good.hash, ctx).valid);

  const TestHeader bad = mine(1000, false);
  const Validity v = module->check_header(bad.header, bad.hash, ctx);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.reason, "high-hash");

  // At the boundary: the target of 0x207fffff is 0x7fffff << 232.
  Hash256 at_target;
  at_target.bytes[31] = 0x7f;
  at_target.bytes[30] = 0xff;
  at_target.bytes[29] = 0xff;
  EXPECT_TRUE(module->check_header(good.header, at_target, ctx).valid);
  Hash256 above = at_target;
  above.bytes[0] = 1;
  EXPECT_EQ(module->check_header(good.header, above, ctx).reason, "high-hash");
  Hash256 high_top{};
  high_top.bytes[31] = 0x80;
  EXPECT_EQ(module->check_header(good.header, high_top, ctx).reason, "high-hash");

  // The proof of work is the caller's to skip.
  BlockContext no_pow = ctx;
  no_pow.check_pow = false;
  EXPECT_TRUE(module->check_header(bad.header, bad.hash, no_pow).valid);

  // Any other nBits is refused, even an easier-looking one with a good hash.
  const TestHeader other_bits = make_header(1000, 0x2100ffff, good.header.nonce);
  const Validity b = module->check_header(other_bits.header, good.hash, ctx);
  EXPECT_FALSE(b.valid);
  EXPECT_EQ(b.reason, "bad-diffbits");
  EXPECT_EQ(b.debug, "examplepow requires nBits 0x207fffff");
}

TEST(Plugin, CheckHeaderContextReadsAncestors) {
  ModuleRegistry registry;
  auto module = load_example(registry);
  ASSERT_NE(module, nullptr);
  const ChainParams params = ChainParams::Regtest();
  // 13 blocks: the last 11 have times 1002..1012 out of order; median 1007.
  const FakeChain chain({5000, 5000, 1012, 1002, 1011, 1003, 1010, 1004, 1009, 1005, 1008, 1006, 1007});
  const BlockContext ctx = context_on(chain, params);

  const Validity old = module->check_header_context(mine(1007, true).header, ctx);
  EXPECT_FALSE(old.valid);
  EXPECT_EQ(old.reason, "time-too-old");
  EXPECT_NE(old.debug.find("1007"), std::string::npos) << old.debug;
  EXPECT_TRUE(module->check_header_context(mine(1008, true).header, ctx).valid);

  // A short branch: the median of what there is (1000, 2000, 3000 -> 2000).
  const FakeChain short_chain({3000, 1000, 2000});
  const BlockContext short_ctx = context_on(short_chain, params);
  EXPECT_EQ(module->check_header_context(mine(2000, true).header, short_ctx).reason, "time-too-old");
  EXPECT_TRUE(module->check_header_context(mine(2001, true).header, short_ctx).valid);
}

TEST(Plugin, DeclareJudgeAndWork) {
  ModuleRegistry registry;
  auto module = load_example(registry);
  ASSERT_NE(module, nullptr);
  const ChainParams params = ChainParams::Regtest();
  const FakeChain chain({1000});
  BlockContext ctx = context_on(chain, params);

  const TestHeader h = mine(2000, true);
  Bytes block = h.raw;
  block.push_back(0);  // the example reads the header only
  const BlockView view{block};

  std::unique_ptr<ModuleWork> work;
  ASSERT_TRUE(module->declare_work(view, ctx, &work).valid);
  ASSERT_NE(work, nullptr);
  EXPECT_TRUE(work->checks.empty());
  Bytes state;
  ASSERT_TRUE(module->judge(view, ctx, *work, {}, &state).valid);
  EXPECT_EQ(state, (Bytes{1, 0, 0, 0}));  // the first block it judged

  // The state comes back as the next block's context.
  ctx.module_state = state;
  std::unique_ptr<ModuleWork> work2;
  ASSERT_TRUE(module->declare_work(view, ctx, &work2).valid);
  Bytes state2;
  ASSERT_TRUE(module->judge(view, ctx, *work2, {}, &state2).valid);
  EXPECT_EQ(state2, (Bytes{2, 0, 0, 0}));

  const Bytes bad_state{1, 2, 3};
  ctx.module_state = bad_state;
  Bytes state3;
  const Validity v = module->judge(view, ctx, *work2, {}, &state3);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.reason, "bad-module-state");

  // A block too short for a header is refused at declare_work.
  const Bytes tiny(10, 0);
  std::unique_ptr<ModuleWork> none;
  EXPECT_EQ(module->declare_work(BlockView{tiny}, ctx, &none).reason, "bad-blk-length");
  EXPECT_EQ(none, nullptr);

  EXPECT_EQ(module->block_work(h.header, ctx), U256::from_u64(1));
}

TEST(Plugin, ModuleOutlivesRegistry) {
  std::shared_ptr<const ConsensusModule> module;
  {
    ModuleRegistry registry;
    module = load_example(registry);
  }
  ASSERT_NE(module, nullptr);
  // The library stays loaded while its module is held.
  const ChainParams params = ChainParams::Regtest();
  const FakeChain chain({});
  const TestHeader good = mine(1000, true);
  EXPECT_TRUE(module->check_header(good.header, good.hash, context_on(chain, params)).valid);
}

TEST(Plugin, ResolvedFromChainParams) {
  ChainParams params = ChainParams::Regtest();
  params.modules = {ModuleActivation{0, kExample}};
  params.plugins = {{"examplepow", VIGIL_EXAMPLE_PLUGIN}};
  auto registry = ModuleRegistry::WithBuiltins();
  const Status s = registry->resolve(params);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::shared_ptr<const ConsensusModule> module;
  ASSERT_TRUE(registry->find(kExample, &module).ok());
  EXPECT_EQ(module->name(), "examplepow");
  // Resolving again finds it loaded.
  EXPECT_TRUE(registry->resolve(params).ok());

  // The configuration names a version the library is not.
  params.modules = {ModuleActivation{0, ModuleId{"examplepow", 2}}};
  const Status v2 = ModuleRegistry::WithBuiltins()->resolve(params);
  EXPECT_EQ(v2.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(v2.message().find("examplepow/v1; the chain configuration names examplepow/v2"), std::string::npos)
      << v2.message();
}

TEST(Plugin, RefusesAnotherAbi) {
  ModuleRegistry registry;
  const Status s = registry.load_plugin(VIGIL_EXAMPLE_PLUGIN_ABI999, kExample);
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(s.message(), std::string("plugin ") + VIGIL_EXAMPLE_PLUGIN_ABI999 +
                             " was built for consensus ABI 999; this engine speaks 1");
  std::shared_ptr<const ConsensusModule> module;
  EXPECT_EQ(registry.find(kExample, &module).code(), Status::Code::kNotFound);
}

TEST(Plugin, RefusesAnotherModule) {
  ModuleRegistry registry;
  const Status s = registry.load_plugin(VIGIL_EXAMPLE_PLUGIN_OTHER, kExample);
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(s.message(), std::string("plugin ") + VIGIL_EXAMPLE_PLUGIN_OTHER +
                             " is otherpow/v2; the chain configuration names examplepow/v1");
  std::shared_ptr<const ConsensusModule> module;
  EXPECT_FALSE(registry.find(ModuleId{"otherpow", 2}, &module).ok());
}

TEST(Plugin, RefusesMissingFileAndMissingEntryPoint) {
  ModuleRegistry registry;
  const Status missing = registry.load_plugin("/nonexistent/libnothing.so", kExample);
  EXPECT_EQ(missing.code(), Status::Code::kIoError);
  EXPECT_NE(missing.message().find("/nonexistent/libnothing.so"), std::string::npos) << missing.message();

  // A real library that is no plugin.
  const Status libm = registry.load_plugin("libm.so.6", kExample);
  EXPECT_EQ(libm.code(), Status::Code::kNotFound);
  EXPECT_NE(libm.message().find("vigil_consensus_plugin_entry"), std::string::npos) << libm.message();
}

// The hostile build hands back unterminated strings, a verdict that is
// neither 0 nor 1, a check and a state whose lengths run past its memory.
TEST(Plugin, BoundsWhatThePluginHandsBack) {
  ModuleRegistry registry;
  ASSERT_TRUE(registry.load_plugin(VIGIL_EXAMPLE_PLUGIN_HOSTILE, kExample).ok());
  std::shared_ptr<const ConsensusModule> module;
  ASSERT_TRUE(registry.find(kExample, &module).ok());
  const ChainParams params = ChainParams::Regtest();
  const FakeChain chain({1000});
  const BlockContext ctx = context_on(chain, params);

  const Validity v = module->check_header_context(mine(2000, true).header, ctx);
  EXPECT_FALSE(v.valid);  // valid = 2 is not valid
  EXPECT_EQ(v.reason, std::string(64, 'x'));
  EXPECT_EQ(v.debug, std::string(256, 'y'));

  Bytes block = mine(2000, true).raw;
  block.push_back(0);  // 81 bytes: the check with a 2^40-byte message
  std::unique_ptr<ModuleWork> work;
  EXPECT_EQ(module->declare_work(BlockView{block}, ctx, &work).reason, "plugin-bad-work");
  EXPECT_EQ(work, nullptr);

  block.push_back(0);  // 82 bytes: no checks, then a state of SIZE_MAX bytes
  ASSERT_TRUE(module->declare_work(BlockView{block}, ctx, &work).valid);
  Bytes state;
  EXPECT_EQ(module->judge(BlockView{block}, ctx, *work, {}, &state).reason, "plugin-bad-state");
  EXPECT_TRUE(state.empty());
}

}  // namespace
}  // namespace vigil
