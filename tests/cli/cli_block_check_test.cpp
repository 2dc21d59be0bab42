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

nlohmann::json check_json(const TempDir& dir, std::vector<std::string> args, int expect_exit) {
  args.push_back("--json");
  const ProcessResult r = block_check(dir, args);
  EXPECT_EQ(r.exit_code, expect_exit) << describe(r);
  return r.exit_code == 0 || r.exit_code == 1 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

bool has_rule(const nlohmann::json& j, const char* rule) {
  for (const auto& r : j["rules_active"])
    if (r == rule) return true;
  return false;
}

// The rule sets of the block's height: block 481,829 (five blocks into
// segwit; its coinbase carries the witness reserved value) passes at its
// own height, read from its BIP34 coinbase height, and at 481,820 (before
// segwit) its witness data is unexpected.
TEST(VigilBlockCheck, RulesOfTheBlocksHeight) {
  TempDir dir;
  const std::string b481829 = test::data_path("bitcoinj/block481829.dat");
  nlohmann::json j = check_json(dir, {b481829}, 0);
  EXPECT_EQ(j["verdict"], "valid");
  EXPECT_EQ(j["height"], 481'829);
  EXPECT_EQ(j["height_source"], "coinbase");
  EXPECT_TRUE(has_rule(j, "segwit"));
  EXPECT_FALSE(has_rule(j, "taproot"));
  EXPECT_EQ(j["script_flags"], 1 | 4 | 16 | 512 | 1024 | 2048);  // P2SH DERSIG NULLDUMMY CLTV CSV WITNESS
  j = check_json(dir, {b481829, "--height", "481820"}, 1);
  EXPECT_EQ(j["reason"], "unexpected-witness");
  EXPECT_EQ(j["height"], 481'820);
  EXPECT_EQ(j["height_source"], "option");
  EXPECT_FALSE(has_rule(j, "segwit"));
  EXPECT_TRUE(has_rule(j, "csv"));
  const ProcessResult text = block_check(dir, {b481829});
  EXPECT_NE(text.out.find("height       481829 (from the coinbase's BIP34 height)"), std::string::npos) << text.out;

  // Without its witness data it is what blocks before segwit looked like (a
  // commitment output, no witness): under segwit's rules the commitment
  // lacks its reserved value; before segwit the witness rules pass, and
  // what fails is that its lock times (481,828) date it after 481,823.
  Bytes block = test::read_file(b481829);
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  ASSERT_TRUE(read_block_transactions(block, parsed, &txs).ok());
  // The header and transaction count, then each transaction without marker, flag and witness.
  Bytes bare(block.begin(), block.begin() + parsed.txs[0].begin);
  for (size_t t = 0; t < txs.size(); ++t) {
    const TxSpan& span = parsed.txs[t];
    bare.insert(bare.end(), block.begin() + span.begin, block.begin() + span.begin + 4);
    bare.insert(bare.end(), block.begin() + span.inputs_begin, block.begin() + span.outputs_end);
    bare.insert(bare.end(), block.begin() + span.end - 4, block.begin() + span.end);
  }
  write_bytes(dir.file("bare.raw"), bare);
  j = check_json(dir, {dir.file("bare.raw")}, 1);
  EXPECT_EQ(j["hash"], "000000000000000000917cba69f69b758fe396c8e30ae97bbcf08c4eb975e726");
  EXPECT_EQ(j["reason"], "bad-witness-nonce-size");
  j = check_json(dir, {dir.file("bare.raw"), "--height", "481823"}, 1);
  EXPECT_EQ(j["reason"], "bad-txns-nonfinal");
}

// Without --height a coinbase that does not begin with a BIP34 height at or
// above the network's BIP34 height is taken as before BIP34: block 227,835
// begins with a 4-byte timestamp, 227,836 with its own height (below
// 227,931). At BIP34's heights their versions are too old.
TEST(VigilBlockCheck, BeforeBip34AndTheVersionRules) {
  TempDir dir;
  const std::string b227835 = test::data_path("bitcoinj/block227835.dat");
  const std::string b227836 = test::data_path("bitcoinj/block227836.dat");
  ProcessResult r = block_check(dir, {b227835, "--json"});
  EXPECT_EQ(r.exit_code, 3) << describe(r);  // no rule fails; some inputs cannot be verified without prevouts
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["height_source"], "before-bip34");
  EXPECT_EQ(j["reason"], "");
  j = check_json(dir, {b227836}, 0);
  EXPECT_EQ(j["height"], 227'930);
  EXPECT_EQ(j["height_source"], "before-bip34");
  EXPECT_TRUE(j["rules_active"].empty());
  EXPECT_EQ(j["script_flags"], 1);  // P2SH
  j = check_json(dir, {b227835, "--height", "227931"}, 1);
  EXPECT_EQ(j["reason"], "bad-version(0x00000001)");
  j = check_json(dir, {b227836, "--height", "363725"}, 1);
  EXPECT_EQ(j["reason"], "bad-version(0x00000002)");
  // Its own height given: BIP34 not active yet, valid; at a height past
  // BIP34 with version 2 allowed, the coinbase height is wrong.
  j = check_json(dir, {b227836, "--height", "227836"}, 0);
  EXPECT_EQ(j["verdict"], "valid");
  j = check_json(dir, {b227836, "--height", "227932"}, 1);
  EXPECT_EQ(j["reason"], "bad-cb-height");
  // 363,703: its coinbase height, 22 blocks before BIP66 (its version 3 is fine either way).
  j = check_json(dir, {test::data_path("bitcoinj/block363703.dat")}, 0);
  EXPECT_EQ(j["height"], 363'703);
  EXPECT_FALSE(has_rule(j, "bip66"));
  j = check_json(dir, {test::data_path("bitcoinj/block363703.dat"), "--height", "363725"}, 1);
  EXPECT_EQ(j["reason"], "bad-cb-height");
  EXPECT_TRUE(has_rule(j, "bip66"));
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
