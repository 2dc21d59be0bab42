// The chain state on real chains: mainnet blocks 0..438 (every P2PK spend's
// signature verified, prevouts from the UTXO set) and the 206-block regtest
// chain (P2WPKH, BIP143); the UTXO digest kept incrementally equals a full
// recomputation; disconnecting restores each earlier state exactly;
// reopening the store resumes; and ConnectBlock's rules reject what they
// must, with Bitcoin Core's reasons.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "vigil/tx_builder.hpp"
#include "util/test_util.hpp"
#include "vigil/chainstate.hpp"

namespace vigil::test {
namespace {

// A failed CHECKSIG leaves false on the stack (Core's SCRIPT_ERR_EVAL_FALSE).
constexpr const char* kEvalFalse =
    "mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack "
    "element)";

namespace fs = std::filesystem;

class TempStore {
 public:
  TempStore() {
    path_ = fs::temp_directory_path() / ("vigil-utxo-" + std::to_string(std::random_device{}()) + "-" +
                                         std::to_string(reinterpret_cast<uintptr_t>(this)));
  }
  ~TempStore() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

struct Engines {
  std::unique_ptr<Verifier> verifier;
  std::unique_ptr<Hasher> hasher;
  Engines() {
    VerifierOptions vo;
    vo.backend = Backend::kCpu;
    HasherOptions ho;
    ho.backend = Backend::kCpu;
    EXPECT_TRUE(Verifier::Create(vo, &verifier).ok());
    EXPECT_TRUE(Hasher::Create(ho, &hasher).ok());
  }
};

std::unique_ptr<ChainState> open_chain(const TempStore& dir, Engines& e, Network network, bool check_pow = true,
                                       uint32_t verify_batch_blocks = 16) {
  ChainStateOptions o;
  o.verify_batch_blocks = verify_batch_blocks;
  o.store.path = dir.path();
  o.store.sync = false;
  o.network = network;
  o.check_pow = check_pow;
  std::unique_ptr<ChainState> c;
  const Status s = ChainState::Open(o, e.verifier.get(), e.hasher.get(), &c);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return c;
}

std::vector<Bytes> mainnet_blocks() {
  const Bytes contents = read_file(data_path("bitcoinj/first-100k-blocks.dat"));
  std::vector<BlockRecord> records;
  EXPECT_TRUE(split_block_file(contents, &records).ok());
  std::vector<Bytes> blocks;
  for (auto& r : records) blocks.push_back(std::move(r.bytes));
  return blocks;
}

// The regtest genesis: the mainnet genesis with regtest's time, bits and nonce.
std::vector<Bytes> regtest_blocks() {
  Bytes genesis = mainnet_blocks()[0];
  const uint32_t fields[3] = {1296688602, 0x207fffff, 2};
  for (int f = 0; f < 3; ++f)
    for (int i = 0; i < 4; ++i) genesis[68 + 4 * f + i] = static_cast<uint8_t>(fields[f] >> (8 * i));
  std::vector<Bytes> blocks{genesis};
  std::ifstream in(data_path("rust-bitcoinkernel/block_data.txt"));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) blocks.push_back(hex(line));
  return blocks;
}

struct Totals {
  uint64_t signatures = 0, not_verified = 0;
};

Totals connect_all(ChainState& chain, const std::vector<Bytes>& blocks, size_t from = 0, size_t to = SIZE_MAX) {
  Totals t;
  for (size_t h = from; h < std::min(to, blocks.size()); ++h) {
    ConnectReport r;
    const Status s = chain.connect_block(ByteView(blocks[h].data(), blocks[h].size()), &r);
    EXPECT_TRUE(s.ok()) << "height " << h << ": " << s.ToString();
    EXPECT_TRUE(r.validity.valid) << "height " << h << ": " << r.validity.reason << " " << r.validity.debug;
    if (!s.ok() || !r.validity.valid) break;
    t.signatures += r.signatures;
    t.not_verified += r.not_verified;
  }
  return t;
}

void expect_digest_matches_recomputation(ChainState& chain) {
  Hash256 digest;
  uint64_t coins = 0;
  ASSERT_TRUE(chain.store().recompute_digest(&digest, &coins).ok());
  EXPECT_EQ(digest, chain.tip()->utxo_digest);
  EXPECT_EQ(coins, chain.tip()->coins);
}

TEST(ChainState, MainnetBlocks0To438WithEverySignatureVerified) {
  TempStore dir;
  Engines e;
  auto chain = open_chain(dir, e, Network::kMainnet);
  const std::vector<Bytes> blocks = mainnet_blocks();
  const Totals t = connect_all(*chain, blocks);
  ASSERT_TRUE(chain->tip());
  EXPECT_EQ(chain->tip()->height, 438u);
  ParsedBlock last;
  ASSERT_TRUE(parse_block(blocks.back(), &last).ok());
  EXPECT_EQ(chain->tip()->hash, last.hash);
  EXPECT_GT(t.signatures, 0u);     // the P2PK spends from block 170 on
  EXPECT_EQ(t.not_verified, 0u);
  expect_digest_matches_recomputation(*chain);
}

TEST(ChainState, RegtestChainWithP2wpkhSpends) {
  TempStore dir;
  Engines e;
  auto chain = open_chain(dir, e, Network::kRegtest);
  const std::vector<Bytes> blocks = regtest_blocks();
  ParsedBlock genesis;
  ASSERT_TRUE(parse_block(blocks[0], &genesis).ok());
  EXPECT_EQ(to_display_hex(genesis.hash), "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
  const Totals t = connect_all(*chain, blocks);
  ASSERT_TRUE(chain->tip());
  EXPECT_EQ(chain->tip()->height, 206u);
  EXPECT_GE(t.signatures, 26u);
  EXPECT_EQ(t.not_verified, 0u);
  expect_digest_matches_recomputation(*chain);
}

TEST(ChainState, DisconnectRestoresEveryEarlierStateAndReopeningResumes) {
  TempStore dir;
  Engines e;
  const std::vector<Bytes> blocks = mainnet_blocks();
  std::vector<ChainTip> tips;
  {
    auto chain = open_chain(dir, e, Network::kMainnet);
    for (size_t h = 0; h < 200; ++h) {
      connect_all(*chain, blocks, h, h + 1);
      tips.push_back(*chain->tip());
    }
  }
  // Reopened: the same tip; then back down to height 150, state by state.
  auto chain = open_chain(dir, e, Network::kMainnet);
  ASSERT_TRUE(chain->tip());
  EXPECT_EQ(chain->tip()->hash, tips.back().hash);
  EXPECT_EQ(chain->tip()->utxo_digest, tips.back().utxo_digest);
  for (size_t h = 199; h > 150; --h) {
    ASSERT_TRUE(chain->disconnect_tip().ok());
    EXPECT_EQ(chain->tip()->hash, tips[h - 1].hash);
    EXPECT_EQ(chain->tip()->utxo_digest, tips[h - 1].utxo_digest) << "height " << h - 1;
    EXPECT_EQ(chain->tip()->coins, tips[h - 1].coins);
  }
  expect_digest_matches_recomputation(*chain);
  // Forward again to the end: the same final state as a straight run.
  connect_all(*chain, blocks, 151);
  TempStore straight_dir;
  auto straight = open_chain(straight_dir, e, Network::kMainnet);
  connect_all(*straight, blocks);
  EXPECT_EQ(chain->tip()->utxo_digest, straight->tip()->utxo_digest);
  EXPECT_EQ(chain->tip()->coins, straight->tip()->coins);
}

TEST(ChainState, ConnectBlockRulesRejectWithCoresReasons) {
  TempStore dir;
  Engines e;
  const std::vector<Bytes> blocks = mainnet_blocks();
  auto chain = open_chain(dir, e, Network::kMainnet, /*check_pow=*/false);
  connect_all(*chain, blocks, 0, 170);  // block 170 holds the first spend (of block 9's coinbase)
  const ChainTip before = *chain->tip();
  auto try_block = [&](const OwnedBlock& b) {
    const Bytes bytes = serialize(b);
    ConnectReport r;
    EXPECT_TRUE(chain->connect_block(ByteView(bytes.data(), bytes.size()), &r).ok());
    EXPECT_EQ(chain->tip()->hash, before.hash) << "an invalid block must not be connected";
    EXPECT_EQ(chain->tip()->utxo_digest, before.utxo_digest);
    return r.validity;
  };
  const OwnedBlock b170 = own_block(ByteView(blocks[170].data(), blocks[170].size()));
  ASSERT_EQ(b170.txs.size(), 2u);
  {
    OwnedBlock b = b170;
    b.txs[0].outputs[0].value += 1;  // the coinbase claims one satoshi more
    fix_merkle_root(b);
    EXPECT_EQ(try_block(b).reason, "bad-cb-amount");
  }
  {
    OwnedBlock b = b170;
    b.txs[1].outputs[0].value += 50 * kCoin;  // pays out more than it spends
    fix_merkle_root(b);
    EXPECT_EQ(try_block(b).reason, "bad-txns-in-belowout");
  }
  {
    OwnedBlock b = b170;
    b.txs[1].inputs[0].prevout.index = 7;  // an output that does not exist
    fix_merkle_root(b);
    EXPECT_EQ(try_block(b).reason, "bad-txns-inputs-missingorspent");
  }
  {
    OwnedBlock b = b170;
    b.txs[1].inputs[0].script_sig.back() ^= 1;  // the signature's hash type byte
    fix_merkle_root(b);
    EXPECT_EQ(try_block(b).reason, kEvalFalse);
  }
  {
    // A second transaction spending the same coin.
    OwnedBlock b = b170;
    OwnedTx again = b.txs[1];
    again.locktime = 1;
    b.txs.push_back(again);
    fix_merkle_root(b);
    EXPECT_EQ(try_block(b).reason, "bad-txns-inputs-missingorspent");
  }
  {
    // Block 100 spending block 99's coinbase: immature. Build on a chain at 99.
    TempStore young_dir;
    auto young = open_chain(young_dir, e, Network::kMainnet, false);
    connect_all(*young, blocks, 0, 100);
    OwnedBlock b = own_block(ByteView(blocks[100].data(), blocks[100].size()));
    OwnedTx spend = b170.txs[1];
    ParsedBlock p99;
    ASSERT_TRUE(parse_block(blocks[99], &p99).ok());
    spend.inputs[0].prevout = OutPoint{txid_of(blocks[99], p99.txs[0]), 0};
    b.txs.push_back(spend);
    fix_merkle_root(b);
    const Bytes bytes = serialize(b);
    ConnectReport r;
    ASSERT_TRUE(young->connect_block(ByteView(bytes.data(), bytes.size()), &r).ok());
    EXPECT_EQ(r.validity.reason, "bad-txns-premature-spend-of-coinbase");
    // The immature coin first and a missing one after it: Core's
    // CheckTxInputs looks for every input before judging any, so the
    // verdict is the missing one.
    OwnedIn missing = b.txs.back().inputs[0];
    missing.prevout.index = 5;
    b.txs.back().inputs.push_back(missing);
    fix_merkle_root(b);
    const Bytes both = serialize(b);
    ASSERT_TRUE(young->connect_block(ByteView(both.data(), both.size()), &r).ok());
    EXPECT_EQ(r.validity.reason, "bad-txns-inputs-missingorspent");
  }
  // The real block 170 still connects.
  connect_all(*chain, blocks, 170, 171);
  EXPECT_EQ(chain->tip()->height, 170u);
  // A block that does not follow the tip is an argument error, not a verdict.
  ConnectReport r;
  EXPECT_EQ(chain->connect_block(ByteView(blocks[5].data(), blocks[5].size()), &r).code(), Status::Code::kInvalidArgument);
}

TEST(ChainState, Subsidy) {
  EXPECT_EQ(block_subsidy(149, Network::kRegtest), 50 * kCoin);
  EXPECT_EQ(block_subsidy(210'000, Network::kTestnet3), 25 * kCoin);
  EXPECT_EQ(block_subsidy(0, Network::kMainnet), 50 * kCoin);
  EXPECT_EQ(block_subsidy(209'999, Network::kMainnet), 50 * kCoin);
  EXPECT_EQ(block_subsidy(210'000, Network::kMainnet), 25 * kCoin);
  EXPECT_EQ(block_subsidy(150, Network::kRegtest), 25 * kCoin);
  EXPECT_EQ(block_subsidy(64 * 210'000, Network::kMainnet), 0);
}

}  // namespace
}  // namespace vigil::test

namespace vigil::test {
namespace {

// connect_blocks: groups of blocks with one signature batch give the same
// chain as one block at a time; an invalid block in the middle of a group
// (a signature, or a rule checked before the batch) connects exactly the
// blocks before it.
TEST(ChainStateGroups, GroupsEqualOneByOneAndStopAtTheFirstInvalidBlock) {
  Engines e;
  const std::vector<Bytes> blocks = mainnet_blocks();
  TempStore one_dir, group_dir;
  auto one = open_chain(one_dir, e, Network::kMainnet);
  connect_all(*one, blocks);
  auto grouped = open_chain(group_dir, e, Network::kMainnet, true, /*verify_batch_blocks=*/5);
  for (size_t h = 0; h < blocks.size(); h += 37) {
    std::vector<ByteView> views;
    for (size_t k = h; k < std::min(blocks.size(), h + 37); ++k) views.emplace_back(blocks[k].data(), blocks[k].size());
    std::vector<ConnectReport> reports;
    ASSERT_TRUE(grouped->connect_blocks(views, &reports).ok());
    ASSERT_EQ(reports.size(), views.size());
    for (const ConnectReport& r : reports) EXPECT_TRUE(r.validity.valid) << r.height << ": " << r.validity.reason;
  }
  EXPECT_EQ(grouped->tip()->hash, one->tip()->hash);
  EXPECT_EQ(grouped->tip()->utxo_digest, one->tip()->utxo_digest);

  // Batches of 16 (the invalid block in the only batch) and of 4 (in the
  // third batch, while the fourth is being prepared on top of it).
  for (uint32_t batch : {16u, 4u})
  for (const char* kind : {"signature", "coinbase"}) {
    SCOPED_TRACE(std::string(kind) + ", batches of " + std::to_string(batch));
    TempStore dir;
    auto chain = open_chain(dir, e, Network::kMainnet, /*check_pow=*/false, batch);
    connect_all(*chain, blocks, 0, 160);
    OwnedBlock bad = own_block(ByteView(blocks[170].data(), blocks[170].size()));
    if (std::string(kind) == "signature") {
      bad.txs[1].inputs[0].script_sig[10] ^= 1;
    } else {
      bad.txs[0].outputs[0].value += 1;
    }
    fix_merkle_root(bad);
    const Bytes bad_bytes = serialize(bad);
    std::vector<ByteView> views;
    for (size_t k = 160; k < 175; ++k)
      views.push_back(k == 170 ? ByteView(bad_bytes.data(), bad_bytes.size()) : ByteView(blocks[k].data(), blocks[k].size()));
    std::vector<ConnectReport> reports;
    const Status s = chain->connect_blocks(views, &reports);
    // Blocks 171.. do not follow the changed 170: only reached if 170 were connected.
    EXPECT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(reports.size(), 11u);  // 160..169 connected, 170 invalid
    EXPECT_FALSE(reports.back().validity.valid);
    EXPECT_EQ(reports.back().height, 170u);
    EXPECT_EQ(reports.back().validity.reason,
              std::string(kind) == "signature" ? kEvalFalse : "bad-cb-amount");
    EXPECT_EQ(chain->tip()->height, 169u);
    expect_digest_matches_recomputation(*chain);
  }
}

}  // namespace
}  // namespace vigil::test
