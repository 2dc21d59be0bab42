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

}  // namespace
}  // namespace vigil
