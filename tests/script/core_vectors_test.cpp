// The interpreter against Bitcoin Core's own vectors, run as Core's tests run
// them (script_tests.cpp DoTest, transaction_tests.cpp tx_valid/tx_invalid):
// every entry, its expected verdict and error, and the flag monotonicity
// checks. Each test counts the entries it ran against the file's count.
#include <gtest/gtest.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "script/assembler.hpp"
#include "util/test_util.hpp"
#include "vigil/block_check.hpp"
#include "vigil/script.hpp"
#include "vigil/spends.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil::test {
namespace {

using nlohmann::json;
using script::Error;

json load(const char* name) {
  std::ifstream in(data_path(name));
  return json::parse(in);
}

constexpr uint32_t kWitness = script::kVerifyWitness, kP2SH = script::kVerifyP2SH,
                   kCleanStack = script::kVerifyCleanStack;

// A recording oracle: answers "valid" to everything and keeps the checks, so
// the deferred verdict can be compared with the immediate one.
class AssumeValid final : public script::SignatureOracle {
 public:
  bool verify(const Check& c) override {
    any_false |= !verify_check(c);
    return true;
  }
  bool any_false = false;
};

// The deferred path as the block path runs it: optimistic first; when an
// assumed check was false, executed again with the true verdicts.
bool deferred_verdict(const std::function<bool(script::SignatureOracle&, Error*)>& run, Error* error) {
  AssumeValid optimistic;
  const bool ok = run(optimistic, error);
  if (!optimistic.any_false) return ok;
  script::ImmediateOracle immediate;
  return run(immediate, error);
}

// --- script_tests.json ------------------------------------------------------

// BIP341's NUMS point H, the internal key Core's tests use.
constexpr const char* kNumsH = "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";

struct TapLeaf {
  Bytes output_key;  // x-only
  Bytes control;
};

TapLeaf single_leaf_tree(const Bytes& script) {
  Bytes leaf{0xc0};
  const Bytes len = [&] {
    Bytes l;
    if (script.size() < 253) l.push_back(static_cast<uint8_t>(script.size()));
    else l = {253, static_cast<uint8_t>(script.size()), static_cast<uint8_t>(script.size() >> 8)};
    return l;
  }();
  leaf.insert(leaf.end(), len.begin(), len.end());
  leaf.insert(leaf.end(), script.begin(), script.end());
  const Hash256 leaf_hash = tagged_hash("TapLeaf", leaf);
  const Bytes internal = hex(kNumsH);
  Bytes tweak_in = internal;
  tweak_in.insert(tweak_in.end(), leaf_hash.bytes.begin(), leaf_hash.bytes.end());
  const Hash256 tweak = tagged_hash("TapTweak", tweak_in);
  static secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  secp256k1_xonly_pubkey p, q;
  secp256k1_pubkey out;
  int parity = 0;
  EXPECT_TRUE(secp256k1_xonly_pubkey_parse(ctx, &p, internal.data()));
  EXPECT_TRUE(secp256k1_xonly_pubkey_tweak_add(ctx, &out, &p, tweak.bytes.data()));
  EXPECT_TRUE(secp256k1_xonly_pubkey_from_pubkey(ctx, &q, &parity, &out));
  TapLeaf t;
  t.output_key.resize(32);
  secp256k1_xonly_pubkey_serialize(ctx, t.output_key.data(), &q);
  t.control = {static_cast<uint8_t>(0xc0 | parity)};
  t.control.insert(t.control.end(), internal.begin(), internal.end());
  return t;
}

Bytes parse_or_fail(const std::string& s, size_t index) {
  const std::optional<Bytes> b = parse_script(s);
  EXPECT_TRUE(b) << "entry " << index << ": script does not parse: " << s;
  return b.value_or(Bytes{});
}

// Core's BuildCreditingTransaction / BuildSpendingTransaction.
struct TxPair {
  Bytes spend_bytes;
  Transaction spend;
  Bytes script_pubkey;
  int64_t amount = 0;
};

void build(const Bytes& script_sig, const std::vector<Bytes>& witness, const Bytes& spk, int64_t amount, TxPair* out) {
  OwnedTx credit;
  credit.version = 1;
  credit.inputs.push_back(OwnedIn{OutPoint{Hash256{}, 0xffffffff}, Bytes{0x00, 0x00}, 0xffffffff, {}});
  credit.outputs.push_back({amount, spk});
  OwnedTx spend;
  spend.version = 1;
  spend.inputs.push_back(OwnedIn{OutPoint{txid(credit), 0}, script_sig, 0xffffffff, witness});
  spend.outputs.push_back({amount, Bytes{}});
  out->spend_bytes = serialize(spend, !witness.empty());
  out->script_pubkey = spk;
  out->amount = amount;
  ASSERT_TRUE(parse_transaction(out->spend_bytes, &out->spend).ok());
}

TEST(CoreVectors, ScriptTestsJson) {
  const json tests = load("bitcoin-core/script_tests.json");
  size_t expected_entries = 0;
  for (const json& t : tests) expected_entries += t.size() >= 4;
  std::mt19937 rng(static_cast<uint32_t>(test_seed()));
  size_t ran = 0, monotonic_runs = 0;
  for (size_t idx = 0; idx < tests.size(); ++idx) {
    const json& t = tests[idx];
    if (t.size() < 4) continue;
    size_t pos = 0;
    std::vector<Bytes> witness;
    int64_t amount = 0;
    std::optional<TapLeaf> tap;
    if (t[0].is_array()) {
      const json& w = t[0];
      for (size_t i = 0; i + 1 < w.size(); ++i) {
        const std::string e = w[i].get<std::string>();
        if (e.rfind("#SCRIPT#", 0) == 0) {
          witness.push_back(parse_or_fail(e.substr(8), idx));
        } else if (e == "#CONTROLBLOCK#") {
          tap = single_leaf_tree(witness.back());
          witness.push_back(tap->control);
        } else {
          witness.push_back(hex(e));
        }
      }
      amount = std::llround(w.back().get<double>() * 1e8);
      pos = 1;
    }
    if (t.size() < pos + 4) continue;
    const Bytes script_sig = parse_or_fail(t[pos].get<std::string>(), idx);
    const std::string spk_text = t[pos + 1].get<std::string>();
    Bytes spk;
    if (spk_text == "0x51 0x20 #TAPROOTOUTPUT#") {
      ASSERT_TRUE(tap) << "entry " << idx;
      spk = {0x51, 0x20};
      spk.insert(spk.end(), tap->output_key.begin(), tap->output_key.end());
    } else {
      spk = parse_or_fail(spk_text, idx);
    }
    const std::optional<uint32_t> parsed_flags = script::parse_flags(t[pos + 2].get<std::string>());
    const std::optional<Error> want = script::error_from_name(t[pos + 3].get<std::string>());
    ASSERT_TRUE(parsed_flags && want) << "entry " << idx << ": " << t.dump();
    uint32_t flags = *parsed_flags;
    if (flags & kCleanStack) flags |= kP2SH | kWitness;
    TxPair tx;
    build(script_sig, witness, spk, amount, &tx);
    const script::TxContext ctx(tx.spend, {SpentOutput{tx.amount, ByteView(tx.script_pubkey)}});
    std::vector<ByteView> wit(tx.spend.inputs[0].witness.begin(), tx.spend.inputs[0].witness.end());
    auto run = [&](uint32_t f, script::SignatureOracle& oracle, Error* error) {
      script::TransactionChecker checker(ctx, 0, tx.amount, oracle);
      return script::verify_script(tx.spend.inputs[0].script_sig, tx.script_pubkey, wit, f, checker, error);
    };
    const bool expect = *want == Error::kOk;
    script::ImmediateOracle immediate;
    Error got = Error::kUnknown;
    const bool ok = run(flags, immediate, &got);
    ++ran;
    EXPECT_EQ(ok, expect) << "entry " << idx << ": " << t.dump() << "\n  got " << script::error_name(got);
    EXPECT_EQ(script::error_name(got), script::error_name(*want)) << "entry " << idx << ": " << t.dump();
    // The deferred path reaches the same verdict and error.
    Error deferred_error = Error::kUnknown;
    const bool deferred = deferred_verdict([&](script::SignatureOracle& o, Error* e) { return run(flags, o, e); },
                                           &deferred_error);
    EXPECT_EQ(deferred, ok) << "entry " << idx << " deferred";
    EXPECT_EQ(deferred_error, got) << "entry " << idx << " deferred";
    // Removing flags from a passing test or adding flags to a failing one
    // leaves the verdict.
    for (int i = 0; i < 16; ++i) {
      const uint32_t extra = rng() & 0xffff;
      const uint32_t combined = expect ? (flags & ~extra) : (flags | extra);
      if ((combined & kCleanStack) && (~combined & (kP2SH | kWitness))) continue;
      if ((combined & kWitness) && !(combined & kP2SH)) continue;
      Error e;
      EXPECT_EQ(run(combined, immediate, &e), expect)
          << "entry " << idx << " with flags " << script::flags_string(combined) << ": " << t.dump();
      ++monotonic_runs;
    }
  }
  std::printf("script_tests.json: %zu entries run of %zu, %zu flag-variation runs\n", ran, expected_entries,
              monotonic_runs);
  EXPECT_EQ(ran, expected_entries);
  EXPECT_GE(ran, 1200u);
}

// --- tx_valid.json / tx_invalid.json ---------------------------------------

uint32_t trim_flags(uint32_t f) {
  if (!(f & kP2SH)) f &= ~kWitness;
  if (!(f & kWitness)) f &= ~kCleanStack;
  return f;
}
uint32_t fill_flags(uint32_t f) {
  if (f & kCleanStack) f |= kWitness;
  if (f & kWitness) f |= kP2SH;
  return f;
}
std::vector<uint32_t> exclude_individual_flags(uint32_t flags) {
  std::vector<uint32_t> out;
  for (uint32_t bit = 0; bit < 21; ++bit) {
    const uint32_t f = trim_flags(flags & ~(1u << bit));
    if (f != flags && std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

struct TxCase {
  Bytes raw;
  Transaction tx;
  std::map<OutPoint, Prevout> prevouts;
  std::unique_ptr<script::TxContext> ctx;
};

// False when the entry's format is bad.
bool load_case(const json& t, TxCase* c) {
  for (const json& in : t[0]) {
    if (!in.is_array() || in.size() < 3 || in.size() > 4) return false;
    const std::optional<Hash256> id = hash_from_display_hex(in[0].get<std::string>());
    if (!id) return false;
    const OutPoint p{*id, static_cast<uint32_t>(in[1].get<int64_t>())};
    const std::optional<Bytes> spk = parse_script(in[2].get<std::string>());
    if (!spk) return false;
    c->prevouts[p] = Prevout{in.size() == 4 ? in[3].get<int64_t>() : 0, *spk};
  }
  c->raw = hex(t[1].get<std::string>());
  if (!parse_transaction(c->raw, &c->tx).ok()) return false;
  std::vector<SpentOutput> spent;
  for (const TxIn& in : c->tx.inputs) {
    const auto it = c->prevouts.find(in.prevout);
    if (it == c->prevouts.end()) return false;
    spent.push_back(SpentOutput{it->second.amount, ByteView(it->second.script_pubkey)});
  }
  c->ctx = std::make_unique<script::TxContext>(c->tx, std::move(spent));
  return true;
}

// Core's CheckTxScripts: every input must pass (expect_valid) or some input fail.
bool tx_scripts_valid(const TxCase& c, uint32_t flags, Error* first_error) {
  script::ImmediateOracle oracle;
  for (uint32_t i = 0; i < c.tx.inputs.size(); ++i) {
    if (!script::verify_input(*c.ctx, i, flags, oracle, first_error)) return false;
  }
  return true;
}

TEST(CoreVectors, TxValidJson) {
  const json tests = load("bitcoin-core/tx_valid.json");
  size_t expected_entries = 0, ran = 0;
  std::mt19937 rng(static_cast<uint32_t>(test_seed()));
  for (size_t idx = 0; idx < tests.size(); ++idx) {
    const json& t = tests[idx];
    if (!t[0].is_array()) continue;
    ++expected_entries;
    TxCase c;
    ASSERT_TRUE(t.size() == 3 && load_case(t, &c)) << "entry " << idx << ": bad test " << t.dump();
    EXPECT_TRUE(check_transaction(c.tx).valid) << "entry " << idx << ": " << t.dump();
    const std::optional<uint32_t> excluded = script::parse_flags(t[2].get<std::string>());
    ASSERT_TRUE(excluded) << t.dump();
    const uint32_t all = ~*excluded;
    Error e = Error::kOk;
    EXPECT_TRUE(tx_scripts_valid(c, all, &e)) << "entry " << idx << ": " << script::error_name(e) << " " << t.dump();
    for (uint32_t bit = 0; bit < 21; ++bit) {
      EXPECT_TRUE(tx_scripts_valid(c, trim_flags(~(*excluded | (1u << bit))), &e))
          << "entry " << idx << " with flag bit " << bit << " unset: " << t.dump();
      EXPECT_TRUE(tx_scripts_valid(c, trim_flags(~(*excluded | (rng() & ((1u << 21) - 1)))), &e))
          << "entry " << idx << " with random flags unset: " << t.dump();
    }
    // Maximal: adding back any one excluded flag makes it fail.
    for (uint32_t f : exclude_individual_flags(*excluded))
      EXPECT_FALSE(tx_scripts_valid(c, ~f, &e)) << "entry " << idx << ": too many flags unset " << t.dump();
    ++ran;
  }
  std::printf("tx_valid.json: %zu entries run of %zu\n", ran, expected_entries);
  EXPECT_EQ(ran, expected_entries);
  EXPECT_GE(ran, 120u);
}

TEST(CoreVectors, TxInvalidJson) {
  const json tests = load("bitcoin-core/tx_invalid.json");
  size_t expected_entries = 0, ran = 0;
  std::mt19937 rng(static_cast<uint32_t>(test_seed()));
  for (size_t idx = 0; idx < tests.size(); ++idx) {
    const json& t = tests[idx];
    if (!t[0].is_array()) continue;
    ++expected_entries;
    TxCase c;
    ASSERT_TRUE(t.size() == 3 && load_case(t, &c)) << "entry " << idx << ": bad test " << t.dump();
    ++ran;
    if (!check_transaction(c.tx).valid) {
      EXPECT_EQ(t[2].get<std::string>(), "BADTX") << "entry " << idx << ": " << t.dump();
      continue;
    }
    const std::optional<uint32_t> flags = script::parse_flags(t[2].get<std::string>());
    ASSERT_TRUE(flags) << "entry " << idx << ": " << t.dump();
    Error e = Error::kOk;
    EXPECT_FALSE(tx_scripts_valid(c, *flags, &e)) << "entry " << idx << ": passed " << t.dump();
    for (uint32_t bit = 0; bit < 21; ++bit) {
      EXPECT_FALSE(tx_scripts_valid(c, fill_flags(*flags | (1u << bit)), &e))
          << "entry " << idx << " with flag bit " << bit << " set: " << t.dump();
      EXPECT_FALSE(tx_scripts_valid(c, fill_flags(*flags | (rng() & ((1u << 21) - 1))), &e))
          << "entry " << idx << " with random flags set: " << t.dump();
    }
    // Minimal: removing any one of its flags makes it pass.
    for (uint32_t f : exclude_individual_flags(*flags))
      EXPECT_TRUE(tx_scripts_valid(c, f, &e)) << "entry " << idx << ": too many flags set " << t.dump();
  }
  std::printf("tx_invalid.json: %zu entries run of %zu\n", ran, expected_entries);
  EXPECT_EQ(ran, expected_entries);
  EXPECT_GE(ran, 90u);
}

}  // namespace
}  // namespace vigil::test
