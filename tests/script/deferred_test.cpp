// Deferred signature checks against immediate ones. The block path asks a
// recording oracle: every signature check is answered "valid" and kept, the
// kept checks are verified later, and an input where any was actually
// invalid is executed again with true verdicts (engine/src/script/README.md).
// Here, for every script_tests.json entry (under its own flags and under the
// same random flag variations as DoTest) and every input of every
// tx_valid.json / tx_invalid.json entry (under its flags), the deferred
// verdict and error must equal the immediate ones.
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

// Answers every check "valid" and keeps a copy of it (the views it is given
// live only during the call).
class RecordingOracle final : public script::SignatureOracle {
 public:
  struct Recorded {
    Scheme scheme;
    Bytes public_key, message, signature;
    std::optional<ParsedPublicKey> parsed_key;
  };

  bool verify(const Check& check) override {
    checks_.push_back(Recorded{check.scheme, Bytes(check.public_key.begin(), check.public_key.end()),
                               Bytes(check.message.begin(), check.message.end()),
                               Bytes(check.signature.begin(), check.signature.end()),
                               check.parsed_key ? std::optional<ParsedPublicKey>(*check.parsed_key) : std::nullopt});
    return true;
  }
  void prefetch(const Check&) override { ++prefetched_; }

  const std::vector<Recorded>& checks() const { return checks_; }
  size_t prefetched() const { return prefetched_; }

  // The recorded checks verified now, from the copies.
  size_t invalid_count() const {
    size_t invalid = 0;
    for (const Recorded& r : checks_) {
      Check c;
      c.scheme = r.scheme;
      c.public_key = ByteView(r.public_key);
      c.message = ByteView(r.message);
      c.signature = ByteView(r.signature);
      c.parsed_key = r.parsed_key ? &*r.parsed_key : nullptr;
      invalid += !verify_check(c);
    }
    return invalid;
  }

 private:
  std::vector<Recorded> checks_;
  size_t prefetched_ = 0;
};

struct Verdict {
  bool ok = false;
  Error error = Error::kErrorCount;
  bool operator==(const Verdict&) const = default;
};

std::string text(const Verdict& v) {
  return std::string(v.ok ? "valid" : "invalid") + " " +
         (v.error == Error::kErrorCount ? std::string("(error not set)") : std::string(script::error_name(v.error)));
}

struct DeferredStats {
  size_t runs = 0, reexecuted = 0, checks = 0;
};

// Optimistic run with the recording oracle; when a recorded check was
// invalid, the run again with ImmediateOracle.
template <typename Run>
Verdict deferred(const Run& run, DeferredStats* stats) {
  RecordingOracle recording;
  Verdict v;
  v.ok = run(recording, &v.error);
  ++stats->runs;
  stats->checks += recording.checks().size();
  if (recording.invalid_count() == 0) return v;
  ++stats->reexecuted;
  script::ImmediateOracle immediate;
  Verdict again;
  again.ok = run(immediate, &again.error);
  return again;
}

template <typename Run>
Verdict immediate(const Run& run) {
  script::ImmediateOracle oracle;
  Verdict v;
  v.ok = run(oracle, &v.error);
  return v;
}

TEST(DeferredOracle, ScriptTestsJsonVerdictsEqualImmediate) {
  const json file = load_core_json("bitcoin-core/script_tests.json");
  const size_t in_file = count_test_rows(file);
  const uint64_t seed = variation_seed(0xdefe44edULL);
  std::printf("deferred vs immediate: flag variations seeded with VIGIL_TEST_SEED=0x%" PRIx64 "\n", seed);
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  size_t ran = 0, differ = 0;
  DeferredStats stats;
  for (size_t idx = 0; idx < file.size(); ++idx) {
    const json& row = file[idx];
    if (row.is_array() && row.size() == 1 && row[0].is_string()) continue;
    ScriptTest t;
    std::string why;
    if (!read_script_test(row, idx, &t, &why)) {
      ADD_FAILURE() << "bad test, " << describe_row(idx, row, "") << ": " << why;
      continue;
    }
    const ScriptSpend spend(t.script_sig, t.witness, t.script_pubkey, t.amount);
    if (!spend.ok()) {
      ADD_FAILURE() << "spending transaction does not parse back, " << describe_row(idx, row, t.comment);
      continue;
    }
    ++ran;
    uint32_t flags = t.flags;
    if (flags & script::kVerifyCleanStack) flags |= script::kVerifyP2SH | script::kVerifyWitness;
    const bool expect = t.expected == Error::kOk;
    // The entry's flags, then 16 of DoTest's kind of variations.
    for (int i = -1; i < 16; ++i) {
      uint32_t f = flags;
      if (i >= 0) {
        const uint32_t extra = static_cast<uint32_t>(rng()) & script::kAllFlags;
        f = expect ? (flags & ~extra) : (flags | extra);
        if ((f & script::kVerifyCleanStack) && (~f & (script::kVerifyP2SH | script::kVerifyWitness))) continue;
        if ((f & script::kVerifyWitness) && !(f & script::kVerifyP2SH)) continue;
      }
      const auto run = [&](script::SignatureOracle& o, Error* e) { return spend.verify(f, o, e); };
      const Verdict now = immediate(run);
      const Verdict later = deferred(run, &stats);
      if (!(now == later)) {
        ++differ;
        ADD_FAILURE() << describe_row(idx, row, t.comment) << "\n  flags 0x" << std::hex << f << std::dec << " ("
                      << script::flags_string(f) << "): immediate " << text(now) << ", deferred " << text(later);
      }
    }
  }
  std::printf("deferred vs immediate, script_tests.json: %zu entries of %zu, %zu runs, %zu checks recorded, %zu "
              "runs re-executed, %zu differ\n",
              ran, in_file, stats.runs, stats.checks, stats.reexecuted, differ);
  RecordProperty("entries_run", std::to_string(ran));
  EXPECT_EQ(ran, in_file);
}

TEST(DeferredOracle, TxJsonInputsEqualImmediate) {
  size_t total_ran = 0;
  for (const char* name : {"bitcoin-core/tx_valid.json", "bitcoin-core/tx_invalid.json"}) {
    const json file = load_core_json(name);
    const size_t in_file = count_test_rows(file);
    const bool valid_file = std::string(name).find("tx_valid") != std::string::npos;
    size_t ran = 0, inputs = 0, differ = 0;
    DeferredStats stats;
    for (size_t idx = 0; idx < file.size(); ++idx) {
      const json& row = file[idx];
      if (!row.is_array() || row.empty() || !row[0].is_array()) continue;
      TxTest t;
      std::string why;
      if (!read_tx_test(row, idx, &t, &why)) {
        ADD_FAILURE() << name << " bad test, " << describe_row(idx, row, preceding_comment(file, idx)) << ": " << why;
        continue;
      }
      ++ran;
      if (t.flags_text == "BADTX") continue;
      const std::optional<uint32_t> parsed = script::parse_flags(t.flags_text);
      if (!parsed) {
        ADD_FAILURE() << name << " bad flags, " << describe_row(idx, row, preceding_comment(file, idx));
        continue;
      }
      const uint32_t flags = valid_file ? (script::kAllFlags & ~*parsed) : *parsed;
      for (uint32_t i = 0; i < t.parsed.tx.inputs.size(); ++i) {
        ++inputs;
        const auto run = [&](script::SignatureOracle& o, Error* e) { return script::verify_input(*t.ctx, i, flags, o, e); };
        const Verdict now = immediate(run);
        const Verdict later = deferred(run, &stats);
        if (!(now == later)) {
          ++differ;
          ADD_FAILURE() << name << " " << describe_row(idx, row, preceding_comment(file, idx)) << "\n  input " << i
                        << ", flags " << script::flags_string(flags) << ": immediate " << text(now) << ", deferred "
                        << text(later);
        }
      }
    }
    std::printf("deferred vs immediate, %s: %zu entries of %zu, %zu inputs, %zu checks recorded, %zu re-executed, "
                "%zu differ\n",
                name, ran, in_file, inputs, stats.checks, stats.reexecuted, differ);
    EXPECT_EQ(ran, in_file) << name;
    total_ran += ran;
  }
  RecordProperty("entries_run", std::to_string(total_ran));
}

}  // namespace
}  // namespace vigil::test
