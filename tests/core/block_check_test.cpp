// Context-free consensus checks (check_block, check_transaction, proof of
// work) against Bitcoin Core's rules: every bundled real block is valid,
// and each reject reason is produced by a real block changed in exactly the
// way that rule forbids -- nothing else about it invalid.
#include <gtest/gtest.h>

#include <optional>

#include "core/real_blocks.hpp"
#include "vigil/tx_builder.hpp"
#include "util/test_util.hpp"
#include "vigil/block_check.hpp"
#include "vigil/hasher.hpp"

namespace vigil::test {
namespace {

Hasher& cpu_hasher() {
  static std::unique_ptr<Hasher> h = [] {
    HasherOptions o;
    o.backend = Backend::kCpu;
    std::unique_ptr<Hasher> out;
    EXPECT_TRUE(Hasher::Create(o, &out).ok());
    return out;
  }();
  return *h;
}

// Parses, reads, hashes and checks `block`; a parse failure is a test failure.
Validity check(ByteView block, CheckBlockOptions options = {}) {
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  Status s = parse_block(block, &parsed);
  if (s.ok()) s = read_block_transactions(block, parsed, &txs);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return Validity::Invalid("parse-error", s.ToString());
  std::vector<BlockHashes> hashes(1);
  s = cpu_hasher().block_hashes({&block, 1}, {&parsed, 1}, hashes);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return check_block(block, parsed, txs, hashes[0], options);
}

Validity check(const OwnedBlock& b, CheckBlockOptions options = {}) {
  const Bytes bytes = serialize(b);
  return check(ByteView(bytes.data(), bytes.size()), options);
}

CheckBlockOptions no_pow() {
  CheckBlockOptions o;
  o.check_pow = false;
  return o;
}

TEST(CheckBlock, EveryBundledRealBlockIsValid) {
  for (const RealBlock& rb : kRealBlocks) {
    SCOPED_TRACE(rb.path);
    const Bytes block = load_block(rb.path);
    CheckBlockOptions o;
    o.network = rb.network;
    const Validity v = check(ByteView(block.data(), block.size()), o);
    EXPECT_TRUE(v.valid) << v.reason << ": " << v.debug;
  }
}

TEST(CheckBlock, MainnetBlocks0To438AreValid) {
  const Bytes contents = read_file(data_path("bitcoinj/first-100k-blocks.dat"));
  std::vector<BlockRecord> records;
  ASSERT_TRUE(split_block_file(contents, &records).ok());
  ASSERT_EQ(records.size(), 439u);
  for (const BlockRecord& r : records) {
    const Validity v = check(ByteView(r.bytes.data(), r.bytes.size()));
    EXPECT_TRUE(v.valid) << "block at byte " << r.offset << ": " << v.reason << ": " << v.debug;
  }
}

TEST(CheckBlock, RoundTripOfTheBuilderIsExact) {
  // The builder used below re-serializes a real block byte for byte, so a
  // change it makes is the only change.
  for (const char* path : {"bitcoin-core/block413567.raw", "btcd/mainnet-574200.blk"}) {
    const Bytes block = load_block(path);
    EXPECT_EQ(serialize(own_block(ByteView(block.data(), block.size()))), block) << path;
  }
}

class Mutations : public ::testing::Test {
 protected:
  // A small pre-segwit block (54 KB), so that a change stays inside the
  // size limits; block 413567 (999,887 bytes) for the duplicated tail.
  void SetUp() override {
    legacy_bytes_ = load_block("bitcoinj/block227835.dat");
    full_bytes_ = load_block("bitcoin-core/block413567.raw");
    segwit_bytes_ = load_block("btcd/mainnet-574200.blk");
  }
  OwnedBlock legacy() const { return own_block(ByteView(legacy_bytes_.data(), legacy_bytes_.size())); }
  OwnedBlock full() const { return own_block(ByteView(full_bytes_.data(), full_bytes_.size())); }
  OwnedBlock segwit() const { return own_block(ByteView(segwit_bytes_.data(), segwit_bytes_.size())); }
  static void expect_reason(const Validity& v, const char* reason) {
    EXPECT_FALSE(v.valid);
    EXPECT_EQ(v.reason, reason) << v.debug;
  }

  Bytes legacy_bytes_, full_bytes_, segwit_bytes_;
};

TEST_F(Mutations, ANonceChangeFailsTheProofOfWorkOnly) {
  OwnedBlock b = legacy();
  b.header[76] ^= 1;
  expect_reason(check(b), "high-hash");
  EXPECT_TRUE(check(b, no_pow()).valid) << "only the proof of work is wrong";
}

TEST_F(Mutations, BitsAboveTheLimitOrMalformedFailTheProofOfWork) {
  // nBits whose target exceeds the mainnet limit, is negative, or zero.
  for (uint32_t bits : {0x1d01ffffu, 0x1d80ffffu, 0x1d000000u, 0x23000001u}) {
    OwnedBlock b = legacy();
    for (int i = 0; i < 4; ++i) b.header[72 + i] = static_cast<uint8_t>(bits >> (8 * i));
    expect_reason(check(b), "high-hash");
  }
  Hash256 target;
  EXPECT_TRUE(target_from_bits(0x1d00ffff, pow_limit(Network::kMainnet), &target));
  EXPECT_EQ(to_display_hex(target), "00000000ffff0000000000000000000000000000000000000000000000000000");
  EXPECT_EQ(to_display_hex(pow_limit(Network::kMainnet)), "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  EXPECT_TRUE(target_from_bits(0x207fffff, pow_limit(Network::kRegtest), &target));
  EXPECT_FALSE(target_from_bits(0x207fffff, pow_limit(Network::kMainnet), &target));
}

TEST_F(Mutations, AWrongMerkleRoot) {
  OwnedBlock b = legacy();
  b.header[40] ^= 0x80;
  expect_reason(check(b, no_pow()), "bad-txnmrklroot");
}

TEST_F(Mutations, ADuplicatedTailKeepsTheRootButIsMutated) {
  // CVE-2012-2459: [.., a, b] -> [.., a, b, a, b] has the same root. The
  // header is untouched, so the proof of work still holds.
  OwnedBlock b = full();
  const size_t n = b.txs.size();
  ASSERT_EQ(n % 2, 1u);  // odd: the last tx pairs with itself, so duplicate it
  b.txs.push_back(b.txs.back());
  expect_reason(check(b), "bad-txns-duplicate");
}

TEST_F(Mutations, CoinbaseRules) {
  OwnedBlock missing = legacy();
  missing.txs.erase(missing.txs.begin());
  fix_merkle_root(missing);
  expect_reason(check(missing, no_pow()), "bad-cb-missing");

  OwnedBlock two = legacy();
  OwnedTx second_cb = two.txs[0];
  second_cb.inputs[0].script_sig.push_back(0x51);  // a different txid
  two.txs.insert(two.txs.begin() + 1, second_cb);
  fix_merkle_root(two);
  expect_reason(check(two, no_pow()), "bad-cb-multiple");

  for (size_t len : {1u, 101u}) {
    OwnedBlock b = legacy();
    b.txs[0].inputs[0].script_sig.assign(len, 0x51);
    fix_merkle_root(b);
    expect_reason(check(b, no_pow()), "bad-cb-length");
  }
}

TEST_F(Mutations, TransactionRules) {
  struct Case {
    const char* reason;
    void (*change)(OwnedTx&);
  };
  const Case cases[] = {
      {"bad-txns-vin-empty", [](OwnedTx& t) { t.inputs.clear(), t.outputs.clear(); }},
      {"bad-txns-vout-empty", [](OwnedTx& t) { t.outputs.clear(); }},
      {"bad-txns-vout-negative", [](OwnedTx& t) { t.outputs[0].value = -1; }},
      {"bad-txns-vout-toolarge", [](OwnedTx& t) { t.outputs[0].value = kMaxMoney + 1; }},
      {"bad-txns-txouttotal-toolarge",
       [](OwnedTx& t) {
         t.outputs[0].value = kMaxMoney;
         t.outputs.push_back({1, {0x51}});
       }},
      {"bad-txns-inputs-duplicate", [](OwnedTx& t) { t.inputs.push_back(t.inputs[0]); }},
      {"bad-txns-prevout-null",
       [](OwnedTx& t) {
         OwnedIn null_in;
         null_in.prevout.index = 0xffffffff;
         t.inputs.push_back(null_in);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    OwnedBlock b = legacy();
    c.change(b.txs[7]);
    fix_merkle_root(b);
    const Validity v = check(b, no_pow());
    expect_reason(v, c.reason);
    EXPECT_NE(v.debug.find("tx 7"), std::string::npos) << v.debug;
  }
  // Oversize: a transaction above 1 MB without witness (a block holding it
  // fails its length first, as in Bitcoin Core).
  OwnedTx big = legacy().txs[1];
  big.outputs[0].script.assign(1'000'000, 0x51);
  const Bytes raw = serialize(big);
  Transaction tx;
  ASSERT_TRUE(parse_transaction(ByteView(raw.data(), raw.size()), &tx).ok());
  EXPECT_EQ(check_transaction(tx).reason, "bad-txns-oversize");
  OwnedBlock with_big = legacy();
  with_big.txs.push_back(big);
  fix_merkle_root(with_big);
  expect_reason(check(with_big, no_pow()), "bad-blk-length");
}

TEST_F(Mutations, TooManyLegacySigops) {
  OwnedBlock b = legacy();
  // 20,001 OP_CHECKSIG in one output: 80,004 sigop cost > 80,000.
  b.txs[1].outputs[0].script.assign(20'001, 0xac);
  fix_merkle_root(b);
  expect_reason(check(b, no_pow()), "bad-blk-sigops");
  b.txs[1].outputs[0].script.assign(20'000 - 9000, 0xac);  // the block's own sigops stay well below the rest
  fix_merkle_root(b);
  EXPECT_TRUE(check(b, no_pow()).valid) << check(b, no_pow()).reason;
}

TEST_F(Mutations, WitnessCommitmentRules) {
  // A flipped witness byte changes no txid (the header still holds) but the
  // witness root.
  OwnedBlock b = segwit();
  size_t with_witness = 1;
  while (b.txs[with_witness].inputs[0].witness.empty()) ++with_witness;
  b.txs[with_witness].inputs[0].witness.back()[0] ^= 1;  // the last item (a key or script) is never empty
  expect_reason(check(b), "bad-witness-merkle-match");
  fix_witness_commitment(b);
  EXPECT_TRUE(check(b, no_pow()).valid) << check(b, no_pow()).reason;

  OwnedBlock nonce = segwit();
  nonce.txs[0].inputs[0].witness[0].push_back(0);  // 33 bytes
  expect_reason(check(nonce), "bad-witness-nonce-size");

  OwnedBlock no_commitment = segwit();
  auto& outs = no_commitment.txs[0].outputs;
  std::erase_if(outs, [](const OwnedOut& o) { return o.script.size() >= 38 && o.script[0] == 0x6a && o.script[1] == 0x24; });
  fix_merkle_root(no_commitment);
  expect_reason(check(no_commitment, no_pow()), "unexpected-witness");
  // Before segwit no block commits to witness data, so witness data is
  // unexpected there too (Core checks it whether segwit is active or not);
  // without any, the block is fine.
  CheckBlockOptions before_segwit = no_pow();
  before_segwit.segwit = false;
  expect_reason(check(no_commitment, before_segwit), "unexpected-witness");
  for (OwnedTx& tx : no_commitment.txs)
    for (OwnedIn& in : tx.inputs) in.witness.clear();
  fix_merkle_root(no_commitment);
  EXPECT_TRUE(check(no_commitment, before_segwit).valid) << check(no_commitment, before_segwit).reason;
}

TEST_F(Mutations, WeightAboveTheLimit) {
  // 3 MB of witness: the base size stays 1.25 MB-ish below the length rule,
  // the commitment is made right, and only the weight fails.
  OwnedBlock b = segwit();
  size_t with_witness = 1;
  while (b.txs[with_witness].inputs[0].witness.empty()) ++with_witness;
  b.txs[with_witness].inputs[0].witness.push_back(Bytes(3'000'000, 0x01));
  fix_witness_commitment(b);
  const Validity v = check(b, no_pow());
  expect_reason(v, "bad-blk-weight");
}

// Block 481,829 (five blocks into segwit) with its witness data taken out:
// the header, txids and the coinbase's witness commitment output stay, as in
// the blocks miners produced before segwit activated. Without segwit's rules
// (its real predecessors) it is valid; with them the commitment has no
// reserved value. With its witness data (the coinbase's reserved value) it
// is valid only under segwit.
TEST(CheckBlock, WitnessRulesFollowSegwitsActivation) {
  const Bytes real = load_block("bitcoinj/block481829.dat");
  OwnedBlock stripped = own_block(ByteView(real.data(), real.size()));
  size_t had_witness = 0;
  for (OwnedTx& tx : stripped.txs)
    for (OwnedIn& in : tx.inputs) {
      had_witness += !in.witness.empty();
      in.witness.clear();
    }
  ASSERT_EQ(had_witness, 1u);  // the coinbase's reserved value: no segwit spends in it yet
  const Bytes bare = serialize(stripped);
  ASSERT_EQ(Bytes(bare.begin(), bare.begin() + 80), Bytes(real.begin(), real.begin() + 80));  // the same header
  CheckBlockOptions before, after;
  before.segwit = false;
  EXPECT_TRUE(check(ByteView(bare.data(), bare.size()), before).valid);
  EXPECT_EQ(check(ByteView(bare.data(), bare.size()), after).reason, "bad-witness-nonce-size");
  EXPECT_TRUE(check(ByteView(real.data(), real.size()), after).valid);
  EXPECT_EQ(check(ByteView(real.data(), real.size()), before).reason, "unexpected-witness");
  // witness_rules = false leaves them to check_block_witness.
  CheckBlockOptions none;
  none.witness_rules = false;
  EXPECT_TRUE(check(ByteView(bare.data(), bare.size()), none).valid);
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  ASSERT_TRUE(parse_block(bare, &parsed).ok());
  ASSERT_TRUE(read_block_transactions(bare, parsed, &txs).ok());
  std::vector<BlockHashes> hashes(1);
  const ByteView view(bare.data(), bare.size());
  ASSERT_TRUE(cpu_hasher().block_hashes({&view, 1}, {&parsed, 1}, hashes).ok());
  EXPECT_EQ(check_block_witness(view, parsed, txs, hashes[0], true).reason, "bad-witness-nonce-size");
  EXPECT_TRUE(check_block_witness(view, parsed, txs, hashes[0], false).valid);
}

Transaction coinbase_with(Bytes& storage, const Bytes& script_sig) {
  OwnedTx cb;
  OwnedIn in;
  in.prevout.index = 0xffffffff;
  in.script_sig = script_sig;
  cb.inputs.push_back(in);
  cb.outputs.push_back({0, {0x51}});
  storage = serialize(cb);
  Transaction tx;
  EXPECT_TRUE(parse_transaction(storage, &tx).ok());
  return tx;
}

TEST(CoinbaseHeightPush, MinimalPushesOnly) {
  const struct {
    const char* path;
    std::optional<uint32_t> height;
  } kReal[] = {
      {"bitcoinj/block481829.dat", 481'829},
      {"bitcoin-core/block413567.raw", 413'567},
      {"bitcoinj/block227836.dat", 227'836},       // already carried its height, before BIP34's
      {"bitcoinj/block227835.dat", 0x514f2079u},  // a 4-byte timestamp: looks like one
      {"bitcoinj/block169482.dat", 0},            // OP_0
  };
  for (const auto& r : kReal) {
    SCOPED_TRACE(r.path);
    const Bytes block = load_block(r.path);
    ParsedBlock parsed;
    std::vector<Transaction> txs;
    ASSERT_TRUE(parse_block(block, &parsed).ok());
    ASSERT_TRUE(read_block_transactions(block, parsed, &txs).ok());
    EXPECT_EQ(coinbase_height_push(txs[0]), r.height);
  }
  const struct {
    Bytes sig;
    std::optional<uint32_t> height;
  } kMade[] = {
      {{0x55, 0x00}, 5},                       // OP_5
      {{0x60, 0x00}, 16},                      // OP_16
      {{0x01, 0x05, 0x00}, std::nullopt},      // 5 as a push: not minimal
      {{0x01, 0x11}, 17},
      {{0x01, 0x80}, std::nullopt},            // negative
      {{0x02, 0x80, 0x00}, 128},
      {{0x02, 0x05, 0x00}, std::nullopt},      // a zero byte too many
      {{0x03, 0x25, 0x5a, 0x07}, 481'829},
      {{0x04, 0xff, 0xff, 0xff, 0x7f}, 0x7fffffffu},
      {{0x05, 0x00, 0x00, 0x00, 0x80, 0x00}, std::nullopt},  // beyond 4 bytes
      {{0x03, 0x25, 0x5a}, std::nullopt},      // the push runs past the script
      {{0x4c, 0x01, 0x11}, std::nullopt},      // OP_PUSHDATA1
      {{0x6a, 0x00}, std::nullopt},
  };
  for (const auto& m : kMade) {
    Bytes storage;
    const Transaction tx = coinbase_with(storage, m.sig);
    EXPECT_EQ(coinbase_height_push(tx), m.height) << to_hex(m.sig);
  }
}

TEST(Transactions, EveryTransactionOfTheRealBlocksRoundTrips) {
  for (const RealBlock& rb : kRealBlocks) {
    SCOPED_TRACE(rb.path);
    const Bytes block = load_block(rb.path);
    ParsedBlock parsed;
    ASSERT_TRUE(parse_block(block, &parsed).ok());
    std::vector<Transaction> txs;
    ASSERT_TRUE(read_block_transactions(block, parsed, &txs).ok());
    for (size_t i = 0; i < txs.size(); ++i) {
      const Bytes again = serialize(own(txs[i]));
      ASSERT_EQ(again, Bytes(txs[i].bytes.begin(), txs[i].bytes.end())) << "tx " << i;
      EXPECT_EQ(txid(own(txs[i])), txid_of(block, parsed.txs[i])) << "tx " << i;
      Transaction alone;
      ASSERT_TRUE(parse_transaction(txs[i].bytes, &alone).ok());
      EXPECT_EQ(alone.inputs.size(), txs[i].inputs.size());
      EXPECT_EQ(alone.weight(), txs[i].weight());
    }
  }
}

TEST(Transactions, TruncationsAndTrailingBytesAreErrorsWithOffsets) {
  const Bytes block = load_block("btcd/mainnet-574200.blk");
  ParsedBlock parsed;
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  const TxSpan& span = parsed.txs[1];
  const Bytes tx(block.begin() + span.begin, block.begin() + span.end);
  Transaction out;
  for (size_t n = 0; n < tx.size(); ++n) {
    const Status s = parse_transaction(ByteView(tx.data(), n), &out);
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_NE(s.message().find("at byte"), std::string::npos) << s.message();
  }
  Bytes longer = tx;
  longer.push_back(0);
  EXPECT_NE(parse_transaction(ByteView(longer.data(), longer.size()), &out).message().find("trailing"), std::string::npos);
}

}  // namespace
}  // namespace vigil::test
