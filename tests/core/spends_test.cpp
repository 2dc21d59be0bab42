// Standard spends into signature checks (collect_block_spends) and back into
// per-input verdicts (judge_spends): block 413567 without its prevouts (its
// P2PKH and P2SH-multisig signatures all verify; any flipped bit in a
// signature, a key or a signed field is found), the regtest chain's P2WPKH
// spends with prevouts from the chain, and the forms' own rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>

#include "vigil/tx_builder.hpp"
#include "util/test_util.hpp"
#include "vigil/spends.hpp"
#include "vigil/verify.hpp"

namespace vigil::test {
namespace {

// The block's transactions (views into `block`); a failure is a test failure.
std::vector<Transaction> transactions_of(const Bytes& block, ParsedBlock* parsed) {
  std::vector<Transaction> txs;
  EXPECT_TRUE(parse_block(block, parsed).ok());
  EXPECT_TRUE(read_block_transactions(block, *parsed, &txs).ok());
  return txs;
}

struct Judged {
  BlockSpends spends;
  std::vector<bool> ok;
  Validity validity;
};

// Collects, verifies (only the checks of inputs of transaction `only_tx`, if
// given; the others' checks are taken as valid) and judges.
Judged judge_block(const Bytes& block, const PrevoutLookup& prevouts, std::optional<uint32_t> only_tx = {}) {
  ParsedBlock parsed;
  const std::vector<Transaction> txs = transactions_of(block, &parsed);
  Judged j;
  j.spends = collect_block_spends(txs, prevouts);
  std::vector<uint8_t> verdicts(j.spends.checks.size(), only_tx ? 1 : 0);
  CpuVerifier cpu;
  if (!only_tx) {
    EXPECT_TRUE(cpu.verify(j.spends.checks, verdicts).ok());
  } else {
    for (const InputSpend& s : j.spends.inputs) {
      if (s.tx != *only_tx) continue;
      for (uint32_t k = s.first_check; k < s.first_check + s.check_count; ++k)
        verdicts[k] = verify_check(j.spends.checks[k]) ? 1 : 0;
    }
  }
  std::vector<InputVerdict> v;
  EXPECT_TRUE(judge_spends(j.spends, verdicts, nullptr, &v).ok());
  for (const InputVerdict& x : v) j.ok.push_back(x.ok);
  j.validity = spends_validity(j.spends, v);
  return j;
}

TEST(Spends, Block413567WithoutPrevoutsEverySignatureVerifies) {
  const Bytes block = read_file(data_path("bitcoin-core/block413567.raw"));
  const Judged j = judge_block(block, nullptr);
  EXPECT_EQ(j.spends.inputs.size(), 4886u);  // the non-coinbase inputs
  EXPECT_EQ(j.spends.not_verified, 0u);
  EXPECT_EQ(j.spends.signatures, 5815u);
  std::map<SpendForm, size_t> forms;
  for (const InputSpend& s : j.spends.inputs) ++forms[s.form];
  EXPECT_GT(forms[SpendForm::kP2PKH], 0u);
  EXPECT_GT(forms[SpendForm::kP2SHMultisig], 0u);
  EXPECT_EQ(forms[SpendForm::kP2PKH] + forms[SpendForm::kP2SHMultisig], j.spends.inputs.size());
  EXPECT_TRUE(j.validity.valid) << j.validity.debug;
}

TEST(Spends, AnyFlippedBitInASignatureKeyOrSignedFieldIsFound) {
  const Bytes block = read_file(data_path("bitcoin-core/block413567.raw"));
  ParsedBlock parsed;
  const std::vector<Transaction> txs = transactions_of(block, &parsed);
  const Judged clean = judge_block(block, nullptr);
  std::mt19937_64 rng(test_seed());
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(test_seed()));
  for (int round = 0; round < 24; ++round) {
    const InputSpend& s = clean.spends.inputs[rng() % clean.spends.inputs.size()];
    const Transaction& tx = txs[s.tx];
    // A check the execution relied on (not one only prefetched).
    uint32_t pick = s.first_check + static_cast<uint32_t>(rng() % s.check_count);
    while (!clean.spends.asked[pick]) pick = s.first_check + static_cast<uint32_t>(rng() % s.check_count);
    const Check& c = clean.spends.checks[pick];
    // The checks own copies of their bytes: find them in the transaction.
    auto offset_of = [&](ByteView part) {
      const auto it = std::search(tx.bytes.begin(), tx.bytes.end(), part.begin(), part.end());
      EXPECT_NE(it, tx.bytes.end());
      return static_cast<size_t>(tx.bytes.data() - block.data()) + static_cast<size_t>(it - tx.bytes.begin());
    };
    size_t at = 0;
    const char* what = "";
    switch (round % 3) {
      case 0:  // a byte of r or s (past the DER header)
        at = offset_of(c.signature) + 5 + rng() % (c.signature.size() - 6);
        what = "signature";
        break;
      case 1:  // a byte of the key's x coordinate
        at = offset_of(c.public_key) + 1 + rng() % 32;
        what = "key";
        break;
      case 2:  // the locktime or an output value: signed by every input (SIGHASH_ALL)
        at = static_cast<size_t>(tx.bytes.data() - block.data()) + tx.bytes.size() - 4 + rng() % 4;
        what = "locktime";
        break;
    }
    Bytes bad = block;
    bad[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
    // Only the changed transaction's checks are verified: it must have a
    // failed input now, and had none before.
    auto failed_inputs = [&](const Judged& j) {
      size_t n = 0;
      for (size_t k = 0; k < j.spends.inputs.size(); ++k) n += j.spends.inputs[k].tx == s.tx && !j.ok[k];
      return n;
    };
    EXPECT_EQ(failed_inputs(judge_block(block, nullptr, s.tx)), 0u);
    EXPECT_GT(failed_inputs(judge_block(bad, nullptr, s.tx)), 0u) << what << " flipped at byte " << at << " (tx " << s.tx << ")";
  }
}

TEST(Spends, RegtestChainP2wpkhWithPrevoutsFromTheChain) {
  std::ifstream in(data_path("rust-bitcoinkernel/block_data.txt"));
  std::string line;
  std::map<OutPoint, Prevout> utxo;
  const PrevoutLookup lookup = [&](const OutPoint& p) -> const Prevout* {
    const auto it = utxo.find(p);
    return it == utxo.end() ? nullptr : &it->second;
  };
  size_t p2wpkh = 0, blocks = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const Bytes block = hex(line);
    const Judged j = judge_block(block, lookup);
    EXPECT_TRUE(j.validity.valid) << "block " << blocks << ": " << j.validity.debug;
    for (const InputSpend& s : j.spends.inputs) p2wpkh += s.form == SpendForm::kP2WPKH;
    ParsedBlock parsed;
    const std::vector<Transaction> txs = transactions_of(block, &parsed);
    for (size_t t = 0; t < txs.size(); ++t) {
      for (const TxIn& i : txs[t].inputs) utxo.erase(i.prevout);
      const Hash256 id = txid_of(block, parsed.txs[t]);
      for (uint32_t o = 0; o < txs[t].outputs.size(); ++o)
        utxo[OutPoint{id, o}] = Prevout{txs[t].outputs[o].value,
                                        Bytes(txs[t].outputs[o].script_pubkey.begin(), txs[t].outputs[o].script_pubkey.end())};
    }
    ++blocks;
  }
  EXPECT_EQ(blocks, 206u);
  EXPECT_EQ(p2wpkh, 26u);
}

TEST(Spends, FormRulesAndUnknownForms) {
  // A P2PKH spend whose key does not hash to the output's: invalid with
  // EQUALVERIFY, no signature checked. A spend of OP_1: valid. An input
  // whose spent output is unknown and reveals nothing: not verified.
  const Bytes block = read_file(data_path("bitcoin-core/block413567.raw"));
  ParsedBlock parsed;
  const std::vector<Transaction> txs = transactions_of(block, &parsed);
  const BlockSpends blind = collect_block_spends(txs, nullptr);
  size_t k = 0;
  while (blind.inputs[k].form != SpendForm::kP2PKH) ++k;
  const InputSpend& s = blind.inputs[k];
  const OutPoint target = txs[s.tx].inputs[s.input].prevout;
  Prevout wrong{1000, hex("76a914000000000000000000000000000000000000000088ac")};
  Prevout op_true{1000, hex("51")};
  for (const Prevout* p : {&wrong, &op_true}) {
    const PrevoutLookup lookup = [&](const OutPoint& o) -> const Prevout* { return o == target ? p : nullptr; };
    const BlockSpends spends = collect_block_spends(txs, lookup);
    const InputSpend& got = spends.inputs[k];
    std::vector<uint8_t> verdicts(spends.checks.size(), 1);
    std::vector<InputVerdict> v;
    ASSERT_TRUE(judge_spends(spends, verdicts, nullptr, &v).ok());
    EXPECT_TRUE(got.verified);
    if (p == &wrong) {
      EXPECT_FALSE(v[k].ok);
      EXPECT_EQ(v[k].error, script::Error::kEqualVerify);
      EXPECT_EQ(got.check_count, 0u);
      EXPECT_EQ(spends_validity(spends, v).reason,
                "mandatory-script-verify-flag-failed (Script failed an OP_EQUALVERIFY operation)");
    } else {
      EXPECT_EQ(got.form, SpendForm::kNonstandard);
      EXPECT_TRUE(v[k].ok);
    }
  }
  // Every input of 413567 is P2PKH or P2SH multisig: implied by the spend.
  EXPECT_EQ(blind.not_verified, 0u);
}

}  // namespace
}  // namespace vigil::test
