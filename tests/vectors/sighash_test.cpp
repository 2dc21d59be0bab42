// Signature hashes against published vectors and real signatures:
//   legacy   Bitcoin Core's sighash.json (500 random transactions, scripts
//            and hash types: OP_CODESEPARATOR, SIGHASH_SINGLE's bug,
//            ANYONECANPAY, NONE), and every P2PKH signature of mainnet
//            block 413567, which must verify under our hash;
//   BIP143   every P2WPKH signature of the 206-block regtest chain
//            (rust-bitcoinkernel), prevouts taken from the chain itself;
//   BIP341   bip341_wallet_vectors.json: per-transaction hashes, signature
//            messages and signature hashes of every key-path input.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "util/test_util.hpp"
#include "vigil/block.hpp"
#include "vigil/hash.hpp"
#include "vigil/sighash.hpp"
#include "vigil/transaction.hpp"
#include "vigil/verify.hpp"

namespace vigil::test {
namespace {

using nlohmann::json;

json load_json(const char* path) {
  std::ifstream in(data_path(path));
  return json::parse(in);
}

Transaction parse_tx(const Bytes& raw) {
  Transaction tx;
  const Status s = parse_transaction(ByteView(raw.data(), raw.size()), &tx);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return tx;
}

TEST(LegacySighash, BitcoinCoreSighashJson) {
  const json vectors = load_json("bitcoin-core/sighash.json");
  size_t checked = 0;
  for (const json& v : vectors) {
    if (v.size() != 5) continue;  // the header line
    const Bytes raw = hex(v[0].get<std::string>());
    const Bytes script = hex(v[1].get<std::string>());
    const size_t input = v[2].get<size_t>();
    const int32_t hash_type = v[3].get<int32_t>();
    const Transaction tx = parse_tx(raw);
    const Hash256 h = legacy_sighash(tx, input, ByteView(script.data(), script.size()), hash_type);
    EXPECT_EQ(to_display_hex(h), v[4].get<std::string>()) << "vector " << checked << ": " << v.dump();
    ++checked;
  }
  EXPECT_EQ(checked, 500u);
}

TEST(LegacySighash, FindAndDeleteMatchesBitcoinCore) {
  // The cases of Bitcoin Core's script_FindAndDelete test (script_tests.cpp),
  // script and pattern as hex.
  struct Case {
    const char* script;
    const char* pattern;
    const char* expect;
  };
  const Case cases[] = {
      {"0302ff030302ff03", "0302ff03", ""},
      {"0302ff030302ff03", "02", "0302ff030302ff03"},  // whole ops only
      {"0302ff030302ff03", "ff", "0302ff030302ff03"},
      {"0302ff030302ff03", "03", "02ff0302ff03"},      // strips the push prefix, leaving two pushes
      {"02feed5169", "feed51", "02feed5169"},          // not inside an op
      {"02feed5169", "02feed51", "69"},
      {"516902feed5169", "feed51", "516902feed5169"},
      {"516902feed5169", "02feed51", "516969"},
      {"00005151", "0051", "0051"},                    // single pass
      {"000051005151", "0051", "0051"},
      {"0003feed", "03feed", "00"},                    // an invalid push at the end can be removed
      {"0003feed", "00", "03feed"},
  };
  for (const Case& c : cases) {
    const Bytes script = hex(c.script), pattern = hex(c.pattern);
    const Bytes got = find_and_delete(ByteView(script.data(), script.size()), ByteView(pattern.data(), pattern.size()));
    EXPECT_EQ(to_hex(ByteView(got.data(), got.size())), c.expect) << c.script << " minus " << c.pattern;
  }
  // The push of a signature, as CHECKSIG builds it.
  const Bytes sig(72, 0x30), big(300, 0x01);
  EXPECT_EQ(push_of(ByteView(sig.data(), sig.size()))[0], 72);
  const Bytes p = push_of(ByteView(big.data(), big.size()));
  EXPECT_EQ(to_hex(ByteView(p.data(), 3)), "4d2c01");
}

// Signature and key of a P2PKH scriptSig (<sig> <pubkey>), or false.
bool p2pkh_spend(ByteView script_sig, ByteView* sig, ByteView* key) {
  if (script_sig.empty()) return false;
  const size_t n1 = script_sig[0];
  if (n1 < 9 || n1 > 73 || script_sig.size() < 1 + n1 + 1) return false;
  const size_t n2 = script_sig[1 + n1];
  if ((n2 != 33 && n2 != 65) || script_sig.size() != 2 + n1 + n2) return false;
  *sig = script_sig.subspan(1, n1);
  *key = script_sig.subspan(2 + n1, n2);
  return true;
}

Bytes p2pkh_script(ByteView key) {
  const auto h = hash160(key);
  Bytes s = {0x76, 0xa9, 0x14};
  s.insert(s.end(), h.begin(), h.end());
  s.insert(s.end(), {0x88, 0xac});
  return s;
}

bool verify_ecdsa(ByteView key, const Hash256& digest, ByteView der) {
  return verify_check(Check{Scheme::kEcdsaBitcoin, key, ByteView(digest.bytes.data(), 32), der, nullptr});
}

TEST(LegacySighash, EveryP2pkhSignatureOfBlock413567Verifies) {
  const Bytes block = read_file(data_path("bitcoin-core/block413567.raw"));
  ParsedBlock parsed;
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  std::vector<Transaction> txs;
  ASSERT_TRUE(read_block_transactions(block, parsed, &txs).ok());
  size_t verified = 0, flipped_caught = 0;
  for (size_t t = 1; t < txs.size(); ++t) {
    for (size_t i = 0; i < txs[t].inputs.size(); ++i) {
      ByteView sig, key;
      if (!p2pkh_spend(txs[t].inputs[i].script_sig, &sig, &key)) continue;
      const Bytes code = p2pkh_script(key);
      const int32_t hash_type = sig.back();
      const Hash256 h = legacy_sighash(txs[t], i, ByteView(code.data(), code.size()), hash_type);
      const ByteView der = sig.first(sig.size() - 1);
      ASSERT_TRUE(verify_ecdsa(key, h, der)) << "tx " << t << " input " << i;
      ++verified;
      if (verified % 97 == 0) {  // a different input index must not verify
        const Hash256 other = legacy_sighash(txs[t], i + 1, ByteView(code.data(), code.size()), hash_type);
        flipped_caught += !verify_ecdsa(key, other, der);
      }
    }
  }
  EXPECT_GT(verified, 1000u);
  EXPECT_EQ(flipped_caught, verified / 97);
}

TEST(SegwitV0Sighash, EveryP2wpkhSignatureOfTheRegtestChainVerifies) {
  std::ifstream in(data_path("rust-bitcoinkernel/block_data.txt"));
  std::string line;
  std::vector<Bytes> blocks;
  while (std::getline(in, line))
    if (!line.empty()) blocks.push_back(hex(line));
  ASSERT_EQ(blocks.size(), 206u);
  std::map<OutPoint, std::pair<int64_t, Bytes>> utxo;  // the chain's outputs so far
  size_t verified = 0;
  for (const Bytes& block : blocks) {
    ParsedBlock parsed;
    ASSERT_TRUE(parse_block(block, &parsed).ok());
    std::vector<Transaction> txs;
    ASSERT_TRUE(read_block_transactions(block, parsed, &txs).ok());
    for (size_t t = 0; t < txs.size(); ++t) {
      const Transaction& tx = txs[t];
      const SegwitV0Hashes hashes(tx);
      for (size_t i = 0; !tx.is_coinbase() && i < tx.inputs.size(); ++i) {
        const auto spent = utxo.find(tx.inputs[i].prevout);
        ASSERT_NE(spent, utxo.end()) << "a prevout outside the chain";
        const Bytes& spk = spent->second.second;
        if (spk.size() != 22 || spk[0] != 0x00 || spk[1] != 0x14) continue;  // P2WPKH only
        const auto& w = tx.inputs[i].witness;
        ASSERT_EQ(w.size(), 2u);
        Bytes code = {0x76, 0xa9, 0x14};
        code.insert(code.end(), spk.begin() + 2, spk.end());
        code.insert(code.end(), {0x88, 0xac});
        const Hash256 h = segwit_v0_sighash(tx, i, ByteView(code.data(), code.size()), spent->second.first,
                                            w[0].back(), hashes);
        EXPECT_TRUE(verify_ecdsa(w[1], h, w[0].first(w[0].size() - 1))) << "input " << i;
        // The amount is signed: one satoshi more must not verify.
        const Hash256 wrong = segwit_v0_sighash(tx, i, ByteView(code.data(), code.size()), spent->second.first + 1,
                                                w[0].back(), hashes);
        EXPECT_FALSE(verify_ecdsa(w[1], wrong, w[0].first(w[0].size() - 1)));
        ++verified;
      }
      const Hash256 id = txid_of(block, parsed.txs[t]);
      for (uint32_t o = 0; o < tx.outputs.size(); ++o)
        utxo[OutPoint{id, o}] = {tx.outputs[o].value, Bytes(tx.outputs[o].script_pubkey.begin(), tx.outputs[o].script_pubkey.end())};
      for (const TxIn& in : tx.inputs) utxo.erase(in.prevout);
    }
  }
  EXPECT_EQ(verified, 26u);
}

TEST(TaprootSighash, Bip341WalletVectors) {
  const json v = load_json("bitcoin-core/bip341_wallet_vectors.json");
  const json& kp = v["keyPathSpending"];
  ASSERT_FALSE(kp.empty());
  size_t checked = 0;
  for (const json& c : kp) {
    const Bytes raw = hex(c["given"]["rawUnsignedTx"].get<std::string>());
    const Transaction tx = parse_tx(raw);
    std::vector<Bytes> scripts;
    std::vector<SpentOutput> spent;
    for (const json& u : c["given"]["utxosSpent"]) scripts.push_back(hex(u["scriptPubKey"].get<std::string>()));
    size_t k = 0;
    for (const json& u : c["given"]["utxosSpent"]) {
      spent.push_back(SpentOutput{u["amountSats"].get<int64_t>(), ByteView(scripts[k].data(), scripts[k].size())});
      ++k;
    }
    const TaprootHashes hashes(tx, spent);
    const json& im = c["intermediary"];
    EXPECT_EQ(to_hex(ByteView(hashes.amounts.bytes.data(), 32)), im["hashAmounts"].get<std::string>());
    EXPECT_EQ(to_hex(ByteView(hashes.outputs.bytes.data(), 32)), im["hashOutputs"].get<std::string>());
    EXPECT_EQ(to_hex(ByteView(hashes.prevouts.bytes.data(), 32)), im["hashPrevouts"].get<std::string>());
    EXPECT_EQ(to_hex(ByteView(hashes.script_pubkeys.bytes.data(), 32)), im["hashScriptPubkeys"].get<std::string>());
    EXPECT_EQ(to_hex(ByteView(hashes.sequences.bytes.data(), 32)), im["hashSequences"].get<std::string>());
    for (const json& in : c["inputSpending"]) {
      const size_t index = in["given"]["txinIndex"].get<size_t>();
      const uint8_t hash_type = in["given"]["hashType"].get<uint8_t>();
      Hash256 h;
      Bytes msg;
      ASSERT_TRUE(taproot_sighash(tx, index, spent, hash_type, hashes, std::nullopt, nullptr, &h, &msg));
      EXPECT_EQ(to_hex(ByteView(msg.data(), msg.size())), in["intermediary"]["sigMsg"].get<std::string>())
          << "input " << index;
      EXPECT_EQ(to_hex(ByteView(h.bytes.data(), 32)), in["intermediary"]["sigHash"].get<std::string>())
          << "input " << index;
      ++checked;
    }
  }
  EXPECT_GE(checked, 7u);
  // Hash types BIP341 does not define, and SINGLE without its output, fail.
  const Bytes raw = hex(kp[0]["given"]["rawUnsignedTx"].get<std::string>());
  const Transaction tx = parse_tx(raw);
  std::vector<Bytes> scripts;
  std::vector<SpentOutput> spent;
  for (const json& u : kp[0]["given"]["utxosSpent"]) scripts.push_back(hex(u["scriptPubKey"].get<std::string>()));
  for (size_t k = 0; k < scripts.size(); ++k)
    spent.push_back(SpentOutput{kp[0]["given"]["utxosSpent"][k]["amountSats"].get<int64_t>(),
                                ByteView(scripts[k].data(), scripts[k].size())});
  const TaprootHashes hashes(tx, spent);
  Hash256 h;
  for (uint8_t bad : {0x04, 0x80, 0x84, 0xff})
    EXPECT_FALSE(taproot_sighash(tx, 0, spent, bad, hashes, std::nullopt, nullptr, &h)) << int(bad);
  ASSERT_LT(tx.outputs.size(), tx.inputs.size());
  EXPECT_FALSE(taproot_sighash(tx, tx.outputs.size(), spent, kSighashSingle, hashes, std::nullopt, nullptr, &h));
  EXPECT_FALSE(taproot_sighash(tx, 0, std::span<const SpentOutput>(spent).first(1), kSighashAll, hashes, std::nullopt,
                               nullptr, &h));
}

}  // namespace
}  // namespace vigil::test
