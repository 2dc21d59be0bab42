// Every verification path of the engine against the oracle, on generated
// random and hostile checks: (a) verify_check one by one, (b) one CpuVerifier
// batch, (c) pre-parsed keys (parse_public_key + Check::parsed_key), alone and
// batched, (d) batches mixing all schemes.
//
// N checks per scheme: VIGIL_DIFF_N, default 20000.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>

#include "differential/generator.hpp"
#include "differential/oracle.hpp"
#include "util/test_util.hpp"
#include "vigil/verify.hpp"

namespace vigil::difftest {
namespace {

// Key bytes that must be ignored when a check has a parsed key.
const uint8_t kJunkKey[3] = {0xde, 0xad, 0x00};

std::string describe(const GenCheck& c) {
  std::string line = check_line(c);
  if (line.size() > 700) line = line.substr(0, 700) + "...";
  return std::string(scheme_label(c.scheme)) + " [" + class_name(c.cls) + ": " + c.variant + "]\n  " + line;
}

// Counts disagreements on one path; the first few are reported in full.
struct Path {
  const char* name;
  uint64_t mismatches = 0;
  void check(const GenCheck& c, bool want, bool got) {
    if (want == got) return;
    if (++mismatches <= 5)
      ADD_FAILURE() << name << ": got " << got << ", want " << want << " for " << describe(c);
  }
};

struct Tally {
  uint64_t valid = 0, invalid = 0;
};

uint64_t stream_seed(uint64_t seed, uint64_t salt) { return seed ^ (0x9e3779b97f4a7c15ull * (salt + 1)); }

std::string param_name(const ::testing::TestParamInfo<Scheme>& info) {
  std::string s = scheme_label(info.param);
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

class SchemeDiff : public ::testing::TestWithParam<Scheme> {};

TEST_P(SchemeDiff, EveryPathAgreesWithTheOracle) {
  const Scheme scheme = GetParam();
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  const size_t n = std::max<size_t>(diff_n(), 200);
  Generator gen(stream_seed(seed, static_cast<uint64_t>(scheme)));
  CpuVerifier verifier(CpuVerifierOptions{0});

  Path intent{"oracle vs generator intent"}, key_parse{"parse_public_key vs oracle key parse"},
      single{"(a) verify_check"}, batch{"(b) CpuVerifier batch"}, parsed_single{"(c) verify_check, parsed key"},
      parsed_batch{"(c) CpuVerifier batch, parsed keys"};
  std::map<Cls, Tally> tally;
  uint64_t bad_verdict_values = 0;

  const size_t chunk = 4096;
  std::vector<GenCheck> gen_checks;
  std::vector<Check> checks, parsed_checks;
  std::vector<ParsedPublicKey> keys;
  std::vector<uint8_t> verdicts, parsed_verdicts;
  for (size_t done = 0; done < n;) {
    const size_t m = std::min(chunk, n - done);
    gen_checks.clear();
    for (size_t i = 0; i < m; ++i) gen_checks.push_back(gen.next(scheme));
    checks.resize(m);
    parsed_checks.resize(m);
    keys.assign(m, ParsedPublicKey{});
    for (size_t i = 0; i < m; ++i) {
      const GenCheck& c = gen_checks[i];
      Tally& t = tally[c.cls];
      (c.oracle ? t.valid : t.invalid)++;
      if (c.expect != Expect::kAny) intent.check(c, c.expect == Expect::kValid, c.oracle);

      checks[i] = Check{scheme, c.key, c.msg, c.sig, nullptr};
      single.check(c, c.oracle, verify_check(checks[i]));

      const bool parsed = parse_public_key(scheme, c.key, &keys[i]);
      key_parse.check(c, oracle_key_parses(scheme, c.key), parsed);
      key_parse.check(c, parsed, keys[i].family != ParsedPublicKey::Family::kNone);
      // A key that did not parse is passed anyway (family kNone): the check must be invalid.
      parsed_checks[i] = Check{scheme, ByteView(kJunkKey, sizeof kJunkKey), c.msg, c.sig, &keys[i]};
      parsed_single.check(c, c.oracle, verify_check(parsed_checks[i]));
    }
    verdicts.assign(m, 0xee);
    parsed_verdicts.assign(m, 0xee);
    ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
    ASSERT_TRUE(verifier.verify(parsed_checks, parsed_verdicts).ok());
    for (size_t i = 0; i < m; ++i) {
      bad_verdict_values += verdicts[i] > 1;
      bad_verdict_values += parsed_verdicts[i] > 1;
      batch.check(gen_checks[i], gen_checks[i].oracle, verdicts[i] == 1);
      parsed_batch.check(gen_checks[i], gen_checks[i].oracle, parsed_verdicts[i] == 1);
    }
    done += m;
  }

  EXPECT_EQ(intent.mismatches, 0u);
  EXPECT_EQ(key_parse.mismatches, 0u);
  EXPECT_EQ(single.mismatches, 0u);
  EXPECT_EQ(batch.mismatches, 0u);
  EXPECT_EQ(parsed_single.mismatches, 0u);
  EXPECT_EQ(parsed_batch.mismatches, 0u);
  EXPECT_EQ(bad_verdict_values, 0u) << "verdicts must be exactly 0 or 1";

  // Not vacuous: the valid signatures are valid, and every corruption class
  // produced both verdicts.
  uint64_t total = 0;
  for (Cls cls : classes_of(scheme)) {
    const Tally& t = tally[cls];
    total += t.valid + t.invalid;
    if (cls == Cls::kValid) {
      EXPECT_GT(t.valid, 0u);
      EXPECT_EQ(t.invalid, 0u) << "freshly made signatures must all verify";
    } else {
      EXPECT_GT(t.valid, 0u) << class_name(cls);
      EXPECT_GT(t.invalid, 0u) << class_name(cls);
    }
  }
  EXPECT_EQ(total, n);
  std::string summary;
  for (const auto& [cls, t] : tally)
    summary += std::string(" ") + class_name(cls) + "=" + std::to_string(t.valid) + "/" + std::to_string(t.invalid);
  RecordProperty("classes_valid_invalid", summary);
}

INSTANTIATE_TEST_SUITE_P(AllSchemes, SchemeDiff, ::testing::ValuesIn(kAllSchemes), param_name);

// (d) Batches mixing every scheme, of random sizes, some checks with parsed
// keys: N checks per scheme in all.
TEST(MixedSchemeDiff, MixedBatchesAgreeWithTheOracle) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  const size_t n = std::max<size_t>(diff_n(), 200);
  Generator gen(stream_seed(seed, 100));
  std::mt19937_64& rng = gen.rng();
  CpuVerifier verifier(CpuVerifierOptions{0});

  constexpr size_t kSchemes = std::size(kAllSchemes);
  std::array<size_t, kSchemes> left;
  left.fill(n);
  size_t remaining = kSchemes * n;
  Path batch{"(d) mixed batch"}, parsed_path{"(d) mixed batch, parsed keys"};
  std::array<Tally, kSchemes> per_scheme{};
  uint64_t batches = 0, with_parsed = 0;

  std::vector<GenCheck> gen_checks;
  std::vector<Check> checks;
  std::vector<ParsedPublicKey> keys;
  std::vector<uint8_t> verdicts;
  while (remaining > 0) {
    const size_t m = std::min<size_t>(remaining, 1 + rng() % 5000);
    gen_checks.clear();
    for (size_t i = 0; i < m; ++i) {
      size_t pick = rng() % remaining, s = 0;
      while (pick >= left[s]) pick -= left[s++];
      --left[s];
      --remaining;
      gen_checks.push_back(gen.next(kAllSchemes[s]));
    }
    checks.resize(m);
    keys.assign(m, ParsedPublicKey{});
    std::vector<bool> uses_parsed(m);
    for (size_t i = 0; i < m; ++i) {
      const GenCheck& c = gen_checks[i];
      checks[i] = Check{c.scheme, c.key, c.msg, c.sig, nullptr};
      if (rng() % 2) {
        parse_public_key(c.scheme, c.key, &keys[i]);
        checks[i].parsed_key = &keys[i];
        uses_parsed[i] = true;
        ++with_parsed;
      }
      Tally& t = per_scheme[static_cast<size_t>(c.scheme)];
      (c.oracle ? t.valid : t.invalid)++;
    }
    verdicts.assign(m, 0xee);
    ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
    for (size_t i = 0; i < m; ++i) {
      ASSERT_LE(verdicts[i], 1) << "index " << i;
      (uses_parsed[i] ? parsed_path : batch).check(gen_checks[i], gen_checks[i].oracle, verdicts[i] == 1);
    }
    ++batches;
  }
  EXPECT_EQ(batch.mismatches, 0u);
  EXPECT_EQ(parsed_path.mismatches, 0u);
  EXPECT_GT(with_parsed, 0u);
  EXPECT_LT(with_parsed, kSchemes * n);
  for (Scheme s : kAllSchemes) {
    EXPECT_GT(per_scheme[static_cast<size_t>(s)].valid, 0u) << scheme_label(s);
    EXPECT_GT(per_scheme[static_cast<size_t>(s)].invalid, 0u) << scheme_label(s);
    EXPECT_EQ(per_scheme[static_cast<size_t>(s)].valid + per_scheme[static_cast<size_t>(s)].invalid, n);
  }
  EXPECT_GT(batches, 0u);
}

}  // namespace
}  // namespace vigil::difftest
