// Every entry of Bitcoin Core's tx_valid.json and tx_invalid.json, as
// transaction_tests.cpp runs them:
//
// tx_valid: the flags field lists the flags EXCLUDED. CheckTransaction
//   passes; every input verifies under all flags but those; removing any one
//   more flag, or a random set (TrimFlags'd), keeps it valid; and the
//   exclusions are minimal: putting back any one excluded flag
//   (ExcludeIndividualFlags) makes some input fail.
// tx_invalid: "BADTX" is a transaction CheckTransaction rejects (and only
//   such); otherwise some input fails under the listed flags, still fails
//   with any one flag or a random set added (FillFlags'd), and the flags are
//   minimal: removing any one of them (ExcludeIndividualFlags) lets every
//   input pass.
// CheckTxScripts' own checks apply to every run: an expected pass has every
// input pass with error OK; an expected failure stops at the first failing
// input, whose error is not OK.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <random>
#include <set>

#include "script/core_json.hpp"
#include "vigil/block_check.hpp"
#include "vigil/script.hpp"

namespace vigil::test {
namespace {

using script::Error;

constexpr uint64_t kDefaultSeed = 0x7e57ab1eULL;
constexpr uint32_t kP2SH = script::kVerifyP2SH, kWitness = script::kVerifyWitness,
                   kCleanStack = script::kVerifyCleanStack;
constexpr int kFlagCount = 21;  // mapFlagNames: every SCRIPT_VERIFY_* flag
static_assert(script::kAllFlags == (1u << kFlagCount) - 1);

// ~flags over the flags that exist (script_verify_flags' complement).
uint32_t complement(uint32_t flags) { return script::kAllFlags & ~flags; }

// WITNESS needs P2SH, CLEANSTACK needs WITNESS: drop what lacks its need.
uint32_t trim_flags(uint32_t flags) {
  if (!(flags & kP2SH)) flags &= ~kWitness;
  if (!(flags & kWitness)) flags &= ~kCleanStack;
  return flags;
}
// ... or add the need.
uint32_t fill_flags(uint32_t flags) {
  if (flags & kCleanStack) flags |= kWitness;
  if (flags & kWitness) flags |= kP2SH;
  return flags;
}
// Each flag taken out in turn, TrimFlags'd; the distinct results that differ.
std::set<uint32_t> exclude_individual_flags(uint32_t flags) {
  std::set<uint32_t> out;
  for (int bit = 0; bit < kFlagCount; ++bit) {
    const uint32_t f = trim_flags(flags & ~(1u << bit));
    if (f != flags) out.insert(f);
  }
  return out;
}

std::string flag_text(uint32_t flags) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", flags);
  return std::string(buf) + " (" + script::flags_string(flags) + ")";
}

// Core's CheckTxScripts. Empty when the outcome is as expected, else what
// went wrong, input by input.
std::string check_tx_scripts(const TxTest& t, uint32_t flags, bool expect_valid) {
  script::ImmediateOracle oracle;
  bool tx_valid = true;
  Error err = expect_valid ? Error::kUnknown : Error::kOk;
  std::string problems, trace;
  const size_t n = t.parsed.tx.inputs.size();
  for (uint32_t i = 0; i < n && tx_valid; ++i) {
    err = Error::kErrorCount;
    tx_valid = script::verify_input(*t.ctx, i, flags, oracle, &err);
    const std::string name = err == Error::kErrorCount ? "(error not set)" : std::string(script::error_name(err));
    trace += " input " + std::to_string(i) + ": " + (tx_valid ? "valid" : "invalid") + " " + name + ";";
    if (expect_valid && (!tx_valid || err != Error::kOk)) problems = "input " + std::to_string(i) + " failed";
  }
  if (!expect_valid && (tx_valid || err == Error::kOk)) problems = "every input passed";
  if (problems.empty()) return {};
  return problems + " under flags " + flag_text(flags) + " (expected " + (expect_valid ? "valid" : "invalid") +
         "); got" + trace;
}

TEST(TxValidJson, EveryEntryAsCoreTransactionTests) {
  const json file = load_core_json("bitcoin-core/tx_valid.json");
  const size_t in_file = count_test_rows(file);
  EXPECT_EQ(in_file, 121u) << "tx_valid.json is not the copy SOURCES.md describes";
  const uint64_t seed = variation_seed(kDefaultSeed);
  std::printf("tx_valid.json: random flags seeded with VIGIL_TEST_SEED=0x%" PRIx64 "\n", seed);
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  size_t ran = 0, failed = 0, runs = 0;
  for (size_t idx = 0; idx < file.size(); ++idx) {
    const json& row = file[idx];
    if (!row.is_array() || row.empty() || !row[0].is_array()) continue;  // Core: test[0].isArray()
    const std::string what = describe_row(idx, row, preceding_comment(file, idx));
    TxTest t;
    std::string why;
    if (!read_tx_test(row, idx, &t, &why)) {
      ADD_FAILURE() << "bad test, " << what << ": " << why;
      continue;
    }
    ++ran;
    bool entry_ok = true;
    const auto expect = [&](const std::string& problem, const std::string& context) {
      if (problem.empty()) return;
      entry_ok = false;
      ADD_FAILURE() << what << "\n  " << context << ": " << problem;
    };
    const Validity v = check_transaction(t.parsed.tx);
    expect(v.valid ? "" : "CheckTransaction fails: " + v.reason + " " + v.debug, "CheckTransaction");
    const std::optional<uint32_t> excluded = script::parse_flags(t.flags_text);
    if (!excluded) {
      ADD_FAILURE() << "bad test flags, " << what;
      ++failed;
      continue;
    }
    const uint32_t verify = complement(*excluded);
    if (verify != fill_flags(verify)) expect("all flags but the excluded is not a valid combination", "bad test flags");
    expect(check_tx_scripts(t, verify, true), "all flags but the excluded");
    ++runs;
    for (int bit = 0; bit < kFlagCount; ++bit) {
      const uint32_t one = trim_flags(complement(*excluded | (1u << bit)));
      expect(check_tx_scripts(t, one, true), "flag " + script::flags_string(1u << bit) + " also unset");
      const uint32_t random = trim_flags(complement(*excluded | (static_cast<uint32_t>(rng()) & script::kAllFlags)));
      expect(check_tx_scripts(t, random, true), "random flags also unset");
      runs += 2;
    }
    for (uint32_t f : exclude_individual_flags(*excluded)) {
      expect(check_tx_scripts(t, complement(f), false),
             "too many flags unset: excluding only " + script::flags_string(f) + " must fail");
      ++runs;
    }
    failed += !entry_ok;
  }
  std::printf("tx_valid.json: %zu entries run of %zu in the file (%zu failed), %zu script runs\n", ran, in_file,
              failed, runs);
  RecordProperty("entries_run", std::to_string(ran));
  EXPECT_EQ(ran, in_file) << "entries not run";
}

TEST(TxInvalidJson, EveryEntryAsCoreTransactionTests) {
  const json file = load_core_json("bitcoin-core/tx_invalid.json");
  const size_t in_file = count_test_rows(file);
  EXPECT_EQ(in_file, 93u) << "tx_invalid.json is not the copy SOURCES.md describes";
  const uint64_t seed = variation_seed(kDefaultSeed);
  std::printf("tx_invalid.json: random flags seeded with VIGIL_TEST_SEED=0x%" PRIx64 "\n", seed);
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  size_t ran = 0, failed = 0, badtx = 0, runs = 0;
  for (size_t idx = 0; idx < file.size(); ++idx) {
    const json& row = file[idx];
    if (!row.is_array() || row.empty() || !row[0].is_array()) continue;
    const std::string what = describe_row(idx, row, preceding_comment(file, idx));
    TxTest t;
    std::string why;
    if (!read_tx_test(row, idx, &t, &why)) {
      ADD_FAILURE() << "bad test, " << what << ": " << why;
      continue;
    }
    ++ran;
    bool entry_ok = true;
    const auto expect = [&](const std::string& problem, const std::string& context) {
      if (problem.empty()) return;
      entry_ok = false;
      ADD_FAILURE() << what << "\n  " << context << ": " << problem;
    };
    const Validity v = check_transaction(t.parsed.tx);
    if (!v.valid) {
      ++badtx;
      expect(t.flags_text == "BADTX" ? "" : "CheckTransaction fails (" + v.reason + ") but the flags are not BADTX",
             "CheckTransaction");
      failed += !entry_ok;
      continue;
    }
    if (t.flags_text == "BADTX") {
      expect("BADTX, but CheckTransaction passes", "CheckTransaction");
      ++failed;
      continue;
    }
    const std::optional<uint32_t> flags = script::parse_flags(t.flags_text);
    if (!flags) {
      ADD_FAILURE() << "bad test flags, " << what;
      ++failed;
      continue;
    }
    if (*flags != fill_flags(*flags)) expect("the flags are not a valid combination", "bad test flags");
    expect(check_tx_scripts(t, *flags, false), "the listed flags");
    ++runs;
    for (int bit = 0; bit < kFlagCount; ++bit) {
      const uint32_t one = fill_flags(*flags | (1u << bit));
      expect(check_tx_scripts(t, one, false), "flag " + script::flags_string(1u << bit) + " also set");
      const uint32_t random = fill_flags(*flags | (static_cast<uint32_t>(rng()) & script::kAllFlags));
      expect(check_tx_scripts(t, random, false), "random flags also set");
      runs += 2;
    }
    for (uint32_t f : exclude_individual_flags(*flags)) {
      expect(check_tx_scripts(t, f, true), "too many flags set: " + script::flags_string(f) + " must pass");
      ++runs;
    }
    failed += !entry_ok;
  }
  std::printf("tx_invalid.json: %zu entries run of %zu in the file (%zu failed, %zu BADTX), %zu script runs\n", ran,
              in_file, failed, badtx, runs);
  RecordProperty("entries_run", std::to_string(ran));
  EXPECT_EQ(ran, in_file) << "entries not run";
}

}  // namespace
}  // namespace vigil::test
