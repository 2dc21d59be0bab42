// End-to-end tests of `vigil block check`: real blocks valid, a flipped bit
// in a signature or the proof of work found with Bitcoin Core's reason, a
// segwit block without its spent outputs reported incomplete (never valid),
// the regtest chain's P2WPKH spends verified with a prevouts file, and bad
// input reported as errors.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/process.hpp"
#include "util/test_util.hpp"
#include "vigil/transaction.hpp"

namespace vigil::clitest {
namespace {

ProcessResult block_check(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {VIGIL_EXE_PATH, "block", "check"});
  return run_process(args, "", dir.path());
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstderr: " + r.err + "\nstdout: " + r.out.substr(0, 600);
}

void write_bytes(const std::string& path, const Bytes& b) { write_file(path, std::string(b.begin(), b.end())); }

const std::string kBlock413567 = test::data_path("bitcoin-core/block413567.raw");

TEST(VigilBlockCheck, Block413567IsValidWithEverySignatureVerified) {
  TempDir dir;
  const ProcessResult r = block_check(dir, {kBlock413567, "--json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["hash"], "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069");
  EXPECT_EQ(j["tx_count"], 1557);
  EXPECT_EQ(j["verdict"], "valid");
  EXPECT_EQ(j["signatures"]["total"], 5815);
  EXPECT_EQ(j["signatures"]["valid"], 5815);
  EXPECT_EQ(j["signatures"]["invalid"], 0);
  EXPECT_EQ(j["inputs_not_verified"], 0);
  ASSERT_EQ(j["inputs"].size(), 4886u);
  for (const auto& in : j["inputs"]) EXPECT_EQ(in["result"], "valid") << in.dump();
}

TEST(VigilBlockCheck, AFlippedSignatureByteIsFoundAndNamed) {
  TempDir dir;
  Bytes block = test::read_file(kBlock413567);
  ParsedBlock parsed;
  Transaction tx;
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  ASSERT_TRUE(read_transaction(block, parsed.txs[1], &tx).ok());
  // Inside the first signature's r value (past the push and DER headers).
  // The txid changes with it: the header gets the new Merkle root, and the
  // proof of work is not checked.
  block[static_cast<size_t>(tx.inputs[0].script_sig.data() - block.data()) + 10] ^= 0x01;
  const Hash256 root = merkle_root(block_txids(block, parsed)).root;
  std::copy(root.bytes.begin(), root.bytes.end(), block.begin() + 36);
  write_bytes(dir.file("bad.raw"), block);
  const ProcessResult r = block_check(dir, {dir.file("bad.raw"), "--json", "--no-pow"});
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"], "invalid");
  EXPECT_EQ(j["reason"],
            "mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top "
            "stack element)");
  EXPECT_NE(j["debug"].get<std::string>().find("tx 1 input 0"), std::string::npos) << j["debug"];
  EXPECT_EQ(j["inputs"][0]["result"], "invalid");
  EXPECT_EQ(j["signatures"]["invalid"].get<int>() + j["signatures"]["valid"].get<int>(), 5815);
}

TEST(VigilBlockCheck, ProofOfWorkAndNoPow) {
  TempDir dir;
  Bytes block = test::read_file(kBlock413567);
  block[76] ^= 0x01;  // the nonce
  write_bytes(dir.file("nonce.raw"), block);
  ProcessResult r = block_check(dir, {dir.file("nonce.raw")});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.out.find("high-hash"), std::string::npos) << describe(r);
  r = block_check(dir, {dir.file("nonce.raw"), "--no-pow"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.out.find("proof of work not checked"), std::string::npos) << describe(r);
}

TEST(VigilBlockCheck, SegwitSpendsWithoutPrevoutsAreIncompleteNotValid) {
  TempDir dir;
  const ProcessResult r = block_check(dir, {test::data_path("btcd/mainnet-574200.blk"), "--json"});
  ASSERT_EQ(r.exit_code, 3) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["verdict"], "incomplete");
  EXPECT_GT(j["inputs_not_verified"].get<int>(), 0);
  EXPECT_EQ(j["signatures"]["invalid"], 0);
}

// The regtest chain's first block with a P2WPKH spend, checked with the
// outputs it spends (taken from the chain before it) as a prevouts file.
TEST(VigilBlockCheck, RegtestP2wpkhSpendsVerifyWithAPrevoutsFile) {
  std::ifstream in(test::data_path("rust-bitcoinkernel/block_data.txt"));
  std::string line;
  std::map<OutPoint, std::pair<int64_t, std::string>> utxo;  // amount, script hex
  TempDir dir;
  bool found = false;
  while (!found && std::getline(in, line)) {
    if (line.empty()) continue;
    const Bytes block = test::hex(line);
    ParsedBlock parsed;
    std::vector<Transaction> txs;
    ASSERT_TRUE(parse_block(block, &parsed).ok());
    ASSERT_TRUE(read_block_transactions(block, parsed, &txs).ok());
    std::string prevouts = "# spent outputs\n";
    for (size_t t = 1; t < txs.size(); ++t) {
      for (const TxIn& i : txs[t].inputs) {
        const auto& [amount, script] = utxo.at(i.prevout);
        if (script.rfind("0014", 0) == 0) found = true;
        prevouts += to_display_hex(i.prevout.txid) + ":" + std::to_string(i.prevout.index) + " " +
                    std::to_string(amount) + " " + script + "\n";
      }
    }
    if (found) {
      write_file(dir.file("block.hex"), line + "\n");
      write_file(dir.file("prevouts.txt"), prevouts);
      ProcessResult r = block_check(dir, {dir.file("block.hex"), "--network", "regtest", "--prevouts",
                                          dir.file("prevouts.txt"), "--json"});
      ASSERT_EQ(r.exit_code, 0) << describe(r);
      const nlohmann::json j = nlohmann::json::parse(r.out);
      size_t p2wpkh = 0;
      for (const auto& e : j["inputs"]) p2wpkh += e["form"] == "p2wpkh" && e["result"] == "valid";
      EXPECT_GT(p2wpkh, 0u) << r.out;
      r = block_check(dir, {dir.file("block.hex"), "--network", "regtest"});
      EXPECT_EQ(r.exit_code, 3) << describe(r);  // without the prevouts: incomplete
      // A wrong amount changes the BIP143 hash: invalid.
      std::string wrong = prevouts;
      const size_t at = wrong.find(" ", wrong.find('\n') + 1);
      wrong.insert(at + 1, "1");
      write_file(dir.file("wrong.txt"), wrong);
      r = block_check(dir, {dir.file("block.hex"), "--network", "regtest", "--prevouts", dir.file("wrong.txt")});
      EXPECT_EQ(r.exit_code, 1) << describe(r);
    }
    for (size_t t = 0; t < txs.size(); ++t) {
      for (const TxIn& i : txs[t].inputs) utxo.erase(i.prevout);
      const Hash256 id = txid_of(block, parsed.txs[t]);
      for (uint32_t o = 0; o < txs[t].outputs.size(); ++o)
        utxo[OutPoint{id, o}] = {txs[t].outputs[o].value, to_hex(txs[t].outputs[o].script_pubkey)};
    }
  }
  EXPECT_TRUE(found);
}

TEST(VigilBlockCheck, BadInputIsAnErrorWithWhereAndWhy) {
  TempDir dir;
  Bytes block = test::read_file(kBlock413567);
  block.resize(5000);
  write_bytes(dir.file("short.raw"), block);
  ProcessResult r = block_check(dir, {dir.file("short.raw")});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("at byte"), std::string::npos) << describe(r);

  write_file(dir.file("prevouts.txt"), "# header\n\nnot-a-line\n");
  r = block_check(dir, {kBlock413567, "--prevouts", dir.file("prevouts.txt")});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("prevouts.txt:3"), std::string::npos) << describe(r);

  r = block_check(dir, {dir.file("missing.raw")});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
}

}  // namespace
}  // namespace vigil::clitest
