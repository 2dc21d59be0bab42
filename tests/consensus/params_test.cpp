// Chain parameters: the schedule decided from the height, the configuration
// file, and the stored-versus-configured comparison.
#include <gtest/gtest.h>

#include "vigil/consensus.hpp"

namespace vigil {
namespace {

ChainParams switching(uint32_t at) {
  ChainParams p = ChainParams::Regtest();
  p.chain_id = "switch";
  p.modules = {{0, {"pow", 1}}, {at, {"bft", 1}}};
  Validator v;
  v.public_key.fill(7);
  v.stake = 10;
  p.bft_validators = {v};
  return p;
}

TEST(ChainParams, ScheduleIsDecidedByHeight) {
  const ChainParams m = ChainParams::Mainnet();
  ASSERT_TRUE(m.validate().ok());
  for (Rule r : kAllRules) {
    uint32_t h = 0;
    for (const auto& a : m.rules)
      if (a.rule == r) h = a.height;
    ASSERT_GT(h, 0u);
    EXPECT_FALSE(m.rules_at(h - 1).active(r)) << rule_name(r);
    EXPECT_TRUE(m.rules_at(h).active(r)) << rule_name(r);
  }
  EXPECT_TRUE(m.rules_at(227'931).active(Rule::kBip34));
  EXPECT_FALSE(m.rules_at(481'823).active(Rule::kSegwit));
  const ChainParams s = switching(1000);
  ASSERT_TRUE(s.validate().ok());
  EXPECT_EQ(s.module_at(999).module.name, "pow");
  EXPECT_EQ(s.module_at(1000).module.name, "bft");
  EXPECT_EQ(s.module_at(5000).module.name, "bft");
}

TEST(ChainParams, ValidateRefusesBrokenSchedules) {
  ChainParams p = switching(10);
  p.bft_validators.clear();
  EXPECT_FALSE(p.validate().ok());
  p = switching(10);
  p.modules = {{5, {"pow", 1}}};
  EXPECT_FALSE(p.validate().ok());
  p = switching(10);
  p.modules.push_back({10, {"pow", 1}});
  EXPECT_FALSE(p.validate().ok());
  p = ChainParams::Regtest();
  p.rules.push_back({Rule::kBip34, 5});
  EXPECT_FALSE(p.validate().ok());
}

TEST(ChainParams, JsonRoundTrips) {
  ChainParams p = switching(1000);
  p.signet_challenge = {0x51};
  p.plugins["examplepow"] = "/opt/plugins/libexample.so";
  ChainParams back;
  ASSERT_TRUE(ChainParams::FromJson(p.ToJson(), "", &back).ok());
  EXPECT_EQ(back.ToJson(), p.ToJson());
  EXPECT_EQ(back.modules, p.modules);
  EXPECT_EQ(back.rules_at(0), p.rules_at(0));
  EXPECT_EQ(back.bft_validators, p.bft_validators);
  // Relative plugin paths are taken from the configuration's directory.
  ASSERT_TRUE(ChainParams::FromJson(R"({"modules":[{"height":0,"name":"pow"}],"plugins":{"x":"lib/x.so"}})", "/etc/vigil", &back).ok());
  EXPECT_EQ(back.plugins["x"], "/etc/vigil/lib/x.so");
  // Hostile files: errors, never exceptions.
  for (const char* bad : {"", "[]", "{", R"({"modules":[]})", R"({"modules":[{"height":0}]})",
                          R"({"modules":[{"height":0,"name":"pow"}],"rules":{"bip99":1}})",
                          R"({"modules":[{"height":0,"name":"pow"}],"network":"moon"})",
                          R"({"modules":[{"height":0,"name":"pow"}],"bft":{"validators":[{"key":"00","stake":1}]}})",
                          R"({"modules":[{"height":"x","name":"pow"}]})"})
    EXPECT_FALSE(ChainParams::FromJson(bad, "", &back).ok()) << bad;
}

TEST(ChainParams, ScheduleChangesBehindTheTipAreRefused) {
  const ChainParams stored = switching(1000);
  uint32_t first = 0;
  // A switch moved from 1000 to 1200 on a chain at 1100: blocks 1000.. were bft.
  ChainParams moved = switching(1200);
  Status s = compare_schedules(stored, moved, 1100, &first);
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(first, 1000u);
  EXPECT_NE(s.message().find("rewind the chain to height 999"), std::string::npos) << s.message();
  // The same change while the tip is below both heights is fine.
  EXPECT_TRUE(compare_schedules(stored, moved, 999, &first).ok());
  // Moving it earlier (800) on a chain at 900: blocks 800.. change.
  s = compare_schedules(stored, switching(800), 900, &first);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(first, 800u);
  // A new activation above the tip is fine; one below it is not.
  ChainParams later = stored;
  later.rules.push_back({Rule::kTaproot, 5000});
  later.rules.erase(later.rules.begin() + 5);  // taproot was at 0
  EXPECT_FALSE(compare_schedules(stored, later, 100, &first).ok());
  EXPECT_EQ(first, 0u);
  ChainParams added = stored;
  added.modules.push_back({3000, {"pow", 1}});
  EXPECT_TRUE(compare_schedules(stored, added, 2999, &first).ok());
  EXPECT_FALSE(compare_schedules(stored, added, 3000, &first).ok());
  // Another validator set matters only from the bft switch on.
  ChainParams vals = stored;
  vals.bft_validators[0].stake = 11;
  EXPECT_TRUE(compare_schedules(stored, vals, 999, &first).ok());
  EXPECT_FALSE(compare_schedules(stored, vals, 1000, &first).ok());
  EXPECT_EQ(first, 1000u);
  // Identical: always fine.
  EXPECT_TRUE(compare_schedules(stored, stored, 100000, &first).ok());
}


// ---- the networks' tables against Bitcoin Core's chainparams ---------------

// Core's SCRIPT_VERIFY_* values (script/interpreter.h), written out here so
// that the tables are checked against Core's numbers, not against our header.
constexpr uint32_t kP2sh = 1u << 0, kDerSig = 1u << 2, kNullDummy = 1u << 4, kCltv = 1u << 9, kCsv = 1u << 10,
                   kWitness = 1u << 11, kTaproot = 1u << 17;

Hash256 h(const char* display_hex) {
  const auto v = hash_from_display_hex(display_hex);
  EXPECT_TRUE(v) << display_hex;
  return v.value_or(Hash256{});
}

struct CoreParams {
  Network network;
  uint32_t halving, bip34;
  const char* bip34_hash;  // nullptr: Core's is zero
  uint32_t bip65, bip66, csv, segwit, taproot;
  bool min_difficulty, no_retarget;
};

// Transcribed from Bitcoin Core's kernel/chainparams.cpp (CMainParams,
// CTestNetParams, CTestNet4Params, SigNetParams, CRegTestParams). Taproot:
// mainnet's min_activation_height; ALWAYS_ACTIVE (and testnet3's flag,
// which Core keeps on for every block) as 0.
const CoreParams kCore[] = {
    {Network::kMainnet, 210'000, 227'931, "000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8", 388'381,
     363'725, 419'328, 481'824, 709'632, false, false},
    {Network::kTestnet3, 210'000, 21'111, "0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8", 581'885,
     330'776, 770'112, 834'624, 0, true, false},
    {Network::kTestnet4, 210'000, 1, nullptr, 1, 1, 1, 1, 0, true, false},
    {Network::kSignet, 210'000, 1, nullptr, 1, 1, 1, 1, 0, false, false},
    {Network::kRegtest, 150, 1, nullptr, 1, 1, 1, 0, 0, true, true},
};

TEST(NetworkTables, MatchBitcoinCore) {
  for (const CoreParams& c : kCore) {
    SCOPED_TRACE(std::string(network_name(c.network)));
    const NetworkConsensus& n = network_consensus(c.network);
    EXPECT_EQ(n.network, c.network);
    EXPECT_EQ(n.subsidy_halving_interval, c.halving);
    EXPECT_EQ(n.coinbase_maturity, 100u);  // COINBASE_MATURITY
    EXPECT_EQ(n.bip34_height, c.bip34);
    EXPECT_EQ(n.bip34_hash.has_value(), c.bip34_hash != nullptr);
    if (c.bip34_hash && n.bip34_hash) EXPECT_EQ(to_display_hex(*n.bip34_hash), c.bip34_hash);
    EXPECT_EQ(n.bip65_height, c.bip65);
    EXPECT_EQ(n.bip66_height, c.bip66);
    EXPECT_EQ(n.csv_height, c.csv);
    EXPECT_EQ(n.segwit_height, c.segwit);
    EXPECT_EQ(n.taproot_height, c.taproot);
    EXPECT_EQ(n.pow_allow_min_difficulty, c.min_difficulty);
    EXPECT_EQ(n.pow_no_retarget, c.no_retarget);
    EXPECT_EQ(n.pow_target_spacing, 600);
    EXPECT_EQ(n.pow_target_timespan, 14 * 24 * 60 * 60);
    // ChainParams::ForNetwork carries every value.
    const ChainParams p = ChainParams::ForNetwork(c.network);
    ASSERT_TRUE(p.validate().ok());
    EXPECT_EQ(p.network, c.network);
    EXPECT_EQ(p.rule_height(Rule::kBip34), c.bip34);
    EXPECT_EQ(p.rule_height(Rule::kBip65), c.bip65);
    EXPECT_EQ(p.rule_height(Rule::kBip66), c.bip66);
    EXPECT_EQ(p.rule_height(Rule::kCsv), c.csv);
    EXPECT_EQ(p.rule_height(Rule::kSegwit), c.segwit);
    EXPECT_EQ(p.rule_height(Rule::kTaproot), c.taproot);
    EXPECT_EQ(p.subsidy_halving_interval, c.halving);
    EXPECT_EQ(p.coinbase_maturity, 100u);
    EXPECT_EQ(p.bip34_hash, n.bip34_hash);
    EXPECT_EQ(p.script_flag_exceptions, n.script_flag_exceptions);
    EXPECT_EQ(p.bip30_exceptions, n.bip30_exceptions);
    EXPECT_EQ(p.pow_allow_min_difficulty, c.min_difficulty);
    EXPECT_EQ(p.pow_no_retarget, c.no_retarget);
    EXPECT_EQ(p.module_at(0).module.name, c.network == Network::kSignet ? "signet" : "pow");
  }
  EXPECT_EQ(ChainParams::Mainnet().ToJson(), ChainParams::ForNetwork(Network::kMainnet).ToJson());
  EXPECT_EQ(ChainParams::Regtest().ToJson(), ChainParams::ForNetwork(Network::kRegtest).ToJson());
  EXPECT_EQ(to_hex(ChainParams::ForNetwork(Network::kSignet).signet_challenge),
            "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae");
}

TEST(NetworkTables, ExceptionsMatchBitcoinCore) {
  const NetworkConsensus& main = network_consensus(Network::kMainnet);
  ASSERT_TRUE(main.bip16_exception);
  EXPECT_EQ(to_display_hex(*main.bip16_exception), "00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22");
  const std::vector<ScriptFlagException> main_flags = {
      {h("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22"), 0},
      {h("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad"), kP2sh | kWitness}};
  EXPECT_EQ(main.script_flag_exceptions, main_flags);
  const std::vector<Bip30Exception> bip30 = {{91'842, h("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec")},
                                             {91'880, h("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721")}};
  EXPECT_EQ(main.bip30_exceptions, bip30);

  const NetworkConsensus& test = network_consensus(Network::kTestnet3);
  ASSERT_TRUE(test.bip16_exception);
  EXPECT_EQ(to_display_hex(*test.bip16_exception), "00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105");
  const std::vector<ScriptFlagException> test_flags = {{h("00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105"), 0}};
  EXPECT_EQ(test.script_flag_exceptions, test_flags);
  EXPECT_TRUE(test.bip30_exceptions.empty());
  for (Network n : {Network::kTestnet4, Network::kSignet, Network::kRegtest}) {
    EXPECT_FALSE(network_consensus(n).bip16_exception);
    EXPECT_TRUE(network_consensus(n).script_flag_exceptions.empty());
    EXPECT_TRUE(network_consensus(n).bip30_exceptions.empty());
  }
  EXPECT_EQ(kBip34ImpliesBip30Limit, 1'983'702u);
}

// GetBlockScriptFlags over the heights: each flag appears at its rule's
// height, not one block before; the values on mainnet are Core's.
TEST(ScriptFlags, EachFlagFromItsRulesHeight) {
  const Hash256 any = h("1111111111111111111111111111111111111111111111111111111111111111");
  const struct {
    Rule rule;
    uint32_t bits;
  } kFlags[] = {{Rule::kBip66, kDerSig}, {Rule::kBip65, kCltv}, {Rule::kCsv, kCsv},
                {Rule::kSegwit, kWitness | kNullDummy}, {Rule::kTaproot, kTaproot}};
  for (const CoreParams& c : kCore) {
    SCOPED_TRACE(std::string(network_name(c.network)));
    const ChainParams p = ChainParams::ForNetwork(c.network);
    for (const auto& f : kFlags) {
      const uint32_t at = *p.rule_height(f.rule);
      EXPECT_EQ(p.script_flags(at, any) & f.bits, f.bits) << rule_name(f.rule);
      if (at > 0) EXPECT_EQ(p.script_flags(at - 1, any) & f.bits, 0u) << rule_name(f.rule);
      EXPECT_EQ(p.script_flags(at - (at > 0) , any) & kP2sh, kP2sh);  // P2SH always
    }
  }
  const ChainParams m = ChainParams::Mainnet();
  EXPECT_EQ(m.script_flags(0, any), kP2sh);
  EXPECT_EQ(m.script_flags(363'724, any), kP2sh);
  EXPECT_EQ(m.script_flags(363'725, any), kP2sh | kDerSig);
  EXPECT_EQ(m.script_flags(388'380, any), kP2sh | kDerSig);
  EXPECT_EQ(m.script_flags(388'381, any), kP2sh | kDerSig | kCltv);
  EXPECT_EQ(m.script_flags(419'327, any), kP2sh | kDerSig | kCltv);
  EXPECT_EQ(m.script_flags(419'328, any), kP2sh | kDerSig | kCltv | kCsv);
  EXPECT_EQ(m.script_flags(481'823, any), kP2sh | kDerSig | kCltv | kCsv);
  EXPECT_EQ(m.script_flags(481'824, any), kP2sh | kDerSig | kCltv | kCsv | kWitness | kNullDummy);
  EXPECT_EQ(m.script_flags(709'631, any), kP2sh | kDerSig | kCltv | kCsv | kWitness | kNullDummy);
  EXPECT_EQ(m.script_flags(709'632, any), kP2sh | kDerSig | kCltv | kCsv | kWitness | kNullDummy | kTaproot);
  // Regtest: all of them from height 1 (segwit and taproot from 0).
  const ChainParams r = ChainParams::Regtest();
  EXPECT_EQ(r.script_flags(0, any), kP2sh | kWitness | kNullDummy | kTaproot);
  EXPECT_EQ(r.script_flags(1, any), kP2sh | kWitness | kNullDummy | kTaproot | kDerSig | kCltv | kCsv);
}

TEST(ScriptFlags, ExceptionBlocksByHash) {
  const ChainParams m = ChainParams::Mainnet();
  const Hash256 bip16 = h("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22");
  const Hash256 taproot = h("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad");
  const Hash256 other = h("00000000000000000000000000000000000000000000000000000000000000ff");
  // The BIP16 exception (height 170,060): no P2SH; any other block there: P2SH.
  EXPECT_EQ(m.script_flags(170'060, bip16), 0u);
  EXPECT_EQ(m.script_flags(170'060, other), kP2sh);
  // The taproot exception (height 692,261): P2SH | WITNESS as base; at its
  // real height that is what the heights give anyway ...
  EXPECT_EQ(m.script_flags(692'261, taproot), kP2sh | kWitness | kDerSig | kCltv | kCsv | kNullDummy);
  EXPECT_EQ(m.script_flags(692'261, other), m.script_flags(692'261, taproot));
  // ... and it is the hash that decides: at a taproot height it takes TAPROOT away.
  EXPECT_EQ(m.script_flags(709'632, taproot), kP2sh | kWitness | kDerSig | kCltv | kCsv | kNullDummy);
  EXPECT_EQ(m.script_flags(709'632, other) & kTaproot, kTaproot);
  // The exception replaces the base only: later flags are still added.
  EXPECT_EQ(m.script_flags(481'824, bip16), kDerSig | kCltv | kCsv | kNullDummy);
  // Testnet3's BIP16 exception; mainnet's exceptions mean nothing there.
  const ChainParams t = ChainParams::ForNetwork(Network::kTestnet3);
  const Hash256 t_bip16 = h("00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105");
  EXPECT_EQ(t.script_flags(1'000, t_bip16), 0u);
  EXPECT_EQ(t.script_flags(1'000, other), kP2sh | kTaproot);
  EXPECT_EQ(t.script_flags(1'000, bip16), kP2sh | kTaproot);
  EXPECT_EQ(m.script_flags(1'000, t_bip16), kP2sh);
}

// A branch whose block at `at` has hash `hash`; the others are zero.
class OneHashHistory final : public ChainHistory {
 public:
  OneHashHistory(uint32_t size, uint32_t at, const Hash256& hash) : size_(size), at_(at) { special_.hash = hash; }
  uint32_t size() const override { return size_; }
  const HeaderEntry& at(uint32_t height) const override { return height == at_ ? special_ : other_; }

 private:
  uint32_t size_, at_;
  HeaderEntry special_, other_;
};

TEST(Bip30Rule, AsCoresConnectBlockDecidesIt) {
  const ChainParams m = ChainParams::Mainnet();
  const Hash256 e1 = h("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec");
  const Hash256 e2 = h("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721");
  const Hash256 other = h("00000000000000000000000000000000000000000000000000000000000000ff");
  const Hash256 bip34 = *m.bip34_hash;
  auto chain = [&](uint32_t height, const Hash256& at_bip34) { return OneHashHistory(height, 227'931, at_bip34); };
  // The two exception blocks: by height and hash.
  EXPECT_FALSE(m.bip30_enforced(91'842, e1, chain(91'842, other)));
  EXPECT_FALSE(m.bip30_enforced(91'880, e2, chain(91'880, other)));
  EXPECT_TRUE(m.bip30_enforced(91'842, other, chain(91'842, other)));
  EXPECT_TRUE(m.bip30_enforced(91'842, e2, chain(91'842, other)));
  EXPECT_TRUE(m.bip30_enforced(91'881, e2, chain(91'881, other)));
  // BIP34's height itself still checks (Core looks at the parent's ancestor).
  EXPECT_TRUE(m.bip30_enforced(227'931, bip34, chain(227'931, other)));
  // Above it, on the branch whose block 227,931 is the BIP34 hash: implied.
  EXPECT_FALSE(m.bip30_enforced(227'932, other, chain(227'932, bip34)));
  EXPECT_FALSE(m.bip30_enforced(1'983'701, other, chain(1'983'701, bip34)));
  // Another branch: checked.
  EXPECT_TRUE(m.bip30_enforced(227'932, other, chain(227'932, other)));
  // From BIP34_IMPLIES_BIP30_LIMIT on: checked again.
  EXPECT_TRUE(m.bip30_enforced(1'983'702, other, chain(1'983'702, bip34)));
  EXPECT_TRUE(m.bip30_enforced(2'500'000, other, chain(2'500'000, bip34)));
  // Testnet3 likewise, at its BIP34 height and hash.
  const ChainParams t = ChainParams::ForNetwork(Network::kTestnet3);
  const Hash256 t34 = h("0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8");
  EXPECT_FALSE(t.bip30_enforced(21'112, other, OneHashHistory(21'112, 21'111, t34)));
  EXPECT_TRUE(t.bip30_enforced(21'111, other, OneHashHistory(21'111, 21'111, t34)));
  EXPECT_TRUE(t.bip30_enforced(21'112, other, OneHashHistory(21'112, 21'111, bip34)));
  // Networks whose BIP34 hash is zero in Core: always checked.
  for (Network n : {Network::kTestnet4, Network::kSignet, Network::kRegtest}) {
    const ChainParams p = ChainParams::ForNetwork(n);
    EXPECT_TRUE(p.bip30_enforced(5'000, other, OneHashHistory(5'000, 1, Hash256{})));
    EXPECT_TRUE(p.bip30_enforced(5'000, other, OneHashHistory(5'000, 1, other)));
  }
}

TEST(Subsidy, HalvingIntervalFromTheTable) {
  const ChainParams m = ChainParams::Mainnet(), r = ChainParams::Regtest();
  EXPECT_EQ(m.block_subsidy(0), 50 * kCoin);
  EXPECT_EQ(m.block_subsidy(209'999), 50 * kCoin);
  EXPECT_EQ(m.block_subsidy(210'000), 25 * kCoin);
  EXPECT_EQ(m.block_subsidy(6'929'999), 1);        // the 32nd halving: 5,000,000,000 >> 32
  EXPECT_EQ(m.block_subsidy(7'140'000), 0);        // 34 halvings
  EXPECT_EQ(m.block_subsidy(64 * 210'000), 0);
  EXPECT_EQ(r.block_subsidy(149), 50 * kCoin);
  EXPECT_EQ(r.block_subsidy(150), 25 * kCoin);
  EXPECT_EQ(r.block_subsidy(300), 12 * kCoin + kCoin / 2);
  EXPECT_EQ(ChainParams::ForNetwork(Network::kTestnet4).block_subsidy(210'000), 25 * kCoin);
}

TEST(ChainParams, NetworkDataInJson) {
  // The networks' own data is implied by "network" and not written ...
  for (Network n : {Network::kMainnet, Network::kTestnet3, Network::kRegtest}) {
    const ChainParams p = ChainParams::ForNetwork(n);
    const std::string j = p.ToJson();
    EXPECT_EQ(j.find("bip30_exceptions"), std::string::npos);
    ChainParams back;
    ASSERT_TRUE(ChainParams::FromJson(j, "", &back).ok());
    EXPECT_EQ(back.bip34_hash, p.bip34_hash);
    EXPECT_EQ(back.bip30_exceptions, p.bip30_exceptions);
    EXPECT_EQ(back.script_flag_exceptions, p.script_flag_exceptions);
    EXPECT_EQ(back.subsidy_halving_interval, p.subsidy_halving_interval);
  }
  // ... and overrides are, and read back.
  ChainParams p = ChainParams::Regtest();
  p.subsidy_halving_interval = 1000;
  p.bip34_hash = h("00000000000000000000000000000000000000000000000000000000000000ab");
  p.bip30_exceptions = {{50, h("00000000000000000000000000000000000000000000000000000000000000cd")}};
  p.script_flag_exceptions = {{h("00000000000000000000000000000000000000000000000000000000000000ef"), kP2sh}};
  ChainParams back;
  ASSERT_TRUE(ChainParams::FromJson(p.ToJson(), "", &back).ok());
  EXPECT_EQ(back.ToJson(), p.ToJson());
  EXPECT_EQ(back.subsidy_halving_interval, 1000u);
  EXPECT_EQ(back.bip34_hash, p.bip34_hash);
  EXPECT_EQ(back.bip30_exceptions, p.bip30_exceptions);
  EXPECT_EQ(back.script_flag_exceptions, p.script_flag_exceptions);
  // Mainnet with "bip34_hash": null: none.
  ASSERT_TRUE(ChainParams::FromJson(R"({"network":"mainnet","modules":[{"height":0,"name":"pow"}],"bip34_hash":null})",
                                    "", &back).ok());
  EXPECT_FALSE(back.bip34_hash);
  EXPECT_EQ(back.bip30_exceptions, network_consensus(Network::kMainnet).bip30_exceptions);
  EXPECT_FALSE(ChainParams::FromJson(R"({"modules":[{"height":0,"name":"pow"}],"bip34_hash":"zz"})", "", &back).ok());
  EXPECT_FALSE(ChainParams::FromJson(R"({"modules":[{"height":0,"name":"pow"}],"subsidy_halving_interval":0})", "", &back).ok());
  // Changing them behind the tip: refused from the height they change.
  const ChainParams stored = ChainParams::Regtest();
  uint32_t first = 0;
  ChainParams exc = stored;
  exc.bip30_exceptions = p.bip30_exceptions;
  EXPECT_TRUE(compare_schedules(stored, exc, 49, &first).ok());
  EXPECT_FALSE(compare_schedules(stored, exc, 50, &first).ok());
  EXPECT_EQ(first, 50u);
  ChainParams hash = stored;
  hash.bip34_hash = p.bip34_hash;  // BIP34 at 1: decisions change from 2
  EXPECT_TRUE(compare_schedules(stored, hash, 1, &first).ok());
  EXPECT_FALSE(compare_schedules(stored, hash, 2, &first).ok());
  EXPECT_EQ(first, 2u);
  ChainParams halving = stored;
  halving.subsidy_halving_interval = 210'000;
  EXPECT_FALSE(compare_schedules(stored, halving, 0, &first).ok());
}

}  // namespace
}  // namespace vigil
