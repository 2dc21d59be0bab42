// Every entry of Bitcoin Core's script_tests.json through the interpreter, as
// Core's script_json_test and DoTest run it (src/test/script_tests.cpp):
//   - CLEANSTACK in the flags adds P2SH and WITNESS;
//   - VerifyScript's verdict is "OK" or not as the entry says, and its error
//     is the entry's error by name;
//   - 256 times: 21 random flag bits removed from the flags of an expected
//     success, or added to those of an expected failure (combinations with
//     CLEANSTACK but not P2SH and WITNESS, or WITNESS but not P2SH, skipped),
//     and the verdict (not the error) must stay.
// The random bits come from a fixed seed (VIGIL_TEST_SEED overrides), printed.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <random>

#include "script/core_json.hpp"
#include "script/core_tx.hpp"
#include "vigil/script.hpp"

namespace vigil::test {
namespace {

using script::Error;

constexpr const char* kFile = "bitcoin-core/script_tests.json";
constexpr size_t kDocumentedEntries = 1222;  // tests/data/SOURCES.md
constexpr int kVariations = 256;             // DoTest's loop
constexpr size_t kVariationFailuresShown = 4;
constexpr uint64_t kDefaultSeed = 0x5c217e575eedULL;

std::string flag_text(uint32_t flags) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", flags);
  return std::string(buf) + " (" + script::flags_string(flags) + ")";
}

std::string name_of(Error e) {
  return e == Error::kErrorCount ? std::string("(error not set)") : std::string(script::error_name(e));
}

TEST(ScriptTestsJson, EveryEntryAsCoreDoTest) {
  const json file = load_core_json(kFile);
  const size_t in_file = count_test_rows(file);
  EXPECT_EQ(in_file, kDocumentedEntries) << kFile << " is not the copy SOURCES.md describes";

  const uint64_t seed = variation_seed(kDefaultSeed);
  std::printf("script_tests.json: flag variations seeded with VIGIL_TEST_SEED=0x%" PRIx64 "\n", seed);
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);

  size_t ran = 0, failed = 0, variation_runs = 0, variation_skipped = 0, variation_failed = 0;
  for (size_t idx = 0; idx < file.size(); ++idx) {
    const json& row = file[idx];
    if (row.is_array() && row.size() == 1 && row[0].is_string()) continue;  // a comment
    ScriptTest t;
    std::string why;
    if (!read_script_test(row, idx, &t, &why)) {
      ADD_FAILURE() << "bad test, " << describe_row(idx, row, "") << ": " << why;
      continue;
    }
    const std::string what = describe_row(idx, row, t.comment);
    uint32_t flags = t.flags;
    if (flags & script::kVerifyCleanStack) flags |= script::kVerifyP2SH | script::kVerifyWitness;
    const ScriptSpend spend(t.script_sig, t.witness, t.script_pubkey, t.amount);
    if (!spend.ok()) {
      ADD_FAILURE() << "spending transaction does not parse back, " << what;
      continue;
    }
    const bool expect = t.expected == Error::kOk;
    script::ImmediateOracle oracle;
    Error got = Error::kErrorCount;  // not an error the interpreter returns: a success must set kOk
    bool ok = false;
    try {
      ok = spend.verify(flags, oracle, &got);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception " << e.what() << ", " << what;
      continue;
    }
    ++ran;
    const std::string got_name = name_of(got);
    const bool entry_ok = ok == expect && got == t.expected;
    EXPECT_TRUE(entry_ok) << what << "\n  flags " << flag_text(flags) << "\n  expected " << t.expected_error
                          << " (verdict " << (expect ? "valid" : "invalid") << "), got " << got_name << " (verdict "
                          << (ok ? "valid" : "invalid") << ")";
    failed += !entry_ok;

    size_t entry_variation_failures = 0;
    for (int i = 0; i < kVariations; ++i) {
      const uint32_t extra = static_cast<uint32_t>(rng()) & script::kAllFlags;
      const uint32_t combined = expect ? (flags & ~extra) : (flags | extra);
      if ((combined & script::kVerifyCleanStack) &&
          (~combined & (script::kVerifyP2SH | script::kVerifyWitness))) {
        ++variation_skipped;
        continue;
      }
      if ((combined & script::kVerifyWitness) && !(combined & script::kVerifyP2SH)) {
        ++variation_skipped;
        continue;
      }
      Error e = Error::kErrorCount;
      const bool v = spend.verify(combined, oracle, &e);
      ++variation_runs;
      if (v != expect) {
        ++variation_failed;
        // The first few of an entry in full, then one count.
        if (++entry_variation_failures > kVariationFailuresShown) continue;
        ADD_FAILURE() << what << "\n  with flags " << flag_text(combined) << " (variation " << i << "): expected "
                      << (expect ? "valid" : "invalid") << ", got " << (v ? "valid" : "invalid") << " ("
                      << name_of(e) << ")";
      }
    }
    if (entry_variation_failures > kVariationFailuresShown)
      ADD_FAILURE() << what << "\n  and " << entry_variation_failures - kVariationFailuresShown
                    << " more flag variations with the wrong verdict";
  }
  std::printf("script_tests.json: %zu entries run of %zu in the file (%zu failed); %zu flag variations run, %zu "
              "skipped as invalid combinations, %zu failed\n",
              ran, in_file, failed, variation_runs, variation_skipped, variation_failed);
  RecordProperty("entries_run", std::to_string(ran));
  RecordProperty("entries_in_file", std::to_string(in_file));
  EXPECT_EQ(ran, in_file) << "entries not run";
}

}  // namespace
}  // namespace vigil::test
