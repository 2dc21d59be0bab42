// The chain state under a schedule: module switches and rule activations
// at their boundary (accepted at H-1, rejected at H, and the reverse),
// validator-set changes two blocks later, final blocks never disconnected,
// a reorganisation across a switch, and schedule changes on restart.
#include <gtest/gtest.h>
#include <secp256k1.h>

#include <cstdlib>
#include <optional>
#include <filesystem>
#include <random>

#include "vigil/bft.hpp"
#include "vigil/block_check.hpp"
#include "vigil/chainstate.hpp"
#include "vigil/hash.hpp"
#include "vigil/merkle.hpp"
#include "vigil/verify.hpp"
#include "vigil/sighash.hpp"
#include "vigil/transaction.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("vigil-chain-" + std::to_string(std::random_device{}()));
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

BftKey key(uint8_t n) {
  std::array<uint8_t, 32> seed{};
  seed.fill(n);
  return bft_key_from_seed(seed);
}

Validator validator(const BftKey& k, uint64_t stake) {
  Validator v;
  v.public_key = k.public_key;
  v.stake = stake;
  return v;
}

constexpr uint32_t kRegtestBits = 0x207fffff;

// Blocks of one coinbase each, on a chosen parent.
struct Block {
  OwnedBlock owned;
  Bytes bytes;
  Hash256 hash;
};

struct BlockSpec {
  uint32_t height = 0;
  Hash256 prev;
  uint32_t time = 0;
  bool mine = true;             // at regtest difficulty; false: a hash above the target
  bool bip34 = true;            // the height first in the coinbase
  bool witness = true;          // the coinbase's witness reserved value (segwit)
  uint32_t extra = 0;           // tells siblings apart
  std::vector<BftKey> signers;  // bft: sign with these (none: no certificate)
  std::vector<Validator> new_set;  // bft: a validator-set change
  std::string chain_id = "switch";
  Bytes coinbase_script = {0x51};  // OP_TRUE: spendable without a signature (counted "not verified")
  std::optional<Bytes> coinbase_sig;  // the coinbase's whole scriptSig (BIP30 tests repeat one)
  std::vector<OwnedTx> txs;        // after the coinbase
};

Block build(const BlockSpec& s) {
  OwnedTx cb;
  cb.version = 2;
  OwnedIn in;
  in.prevout.index = 0xffffffff;
  // Without BIP34 the height still goes in (as 0xab <height>), or coinbases would repeat (BIP30).
  in.script_sig = s.bip34 ? bip34_height_script(s.height) : Bytes{0x02, 0xab, static_cast<uint8_t>(s.height)};
  in.script_sig.insert(in.script_sig.end(), {0x04, static_cast<uint8_t>(s.extra), static_cast<uint8_t>(s.extra >> 8), 0, 0});
  if (s.coinbase_sig) in.script_sig = *s.coinbase_sig;
  if (s.witness) in.witness = {Bytes(32, 0)};
  cb.inputs.push_back(in);
  cb.outputs.push_back({50 * kCoin, s.coinbase_script});
  Bytes commitment = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  commitment.resize(38, 0);
  if (s.witness) cb.outputs.push_back({0, commitment});
  Block b;
  b.owned.txs.push_back(cb);
  for (const OwnedTx& t : s.txs) b.owned.txs.push_back(t);
  b.owned.header.assign(80, 0);
  const uint32_t version = 0x20000000;
  for (int i = 0; i < 4; ++i) {
    b.owned.header[i] = static_cast<uint8_t>(version >> (8 * i));
    b.owned.header[68 + i] = static_cast<uint8_t>(s.time >> (8 * i));
    b.owned.header[72 + i] = static_cast<uint8_t>(kRegtestBits >> (8 * i));
  }
  std::copy(s.prev.bytes.begin(), s.prev.bytes.end(), b.owned.header.begin() + 4);
  if (s.witness) {
    fix_witness_commitment(b.owned);
  } else {
    fix_merkle_root(b.owned);
  }
  if (!s.new_set.empty()) EXPECT_TRUE(bft_attach_validator_set(b.owned, s.new_set).ok());
  for (uint32_t nonce = 0;; ++nonce) {
    for (int i = 0; i < 4; ++i) b.owned.header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
    // The certificate signs the header (nonce included), so it is redone per nonce.
    if (!s.signers.empty()) EXPECT_TRUE(bft_sign_block(b.owned, s.signers, s.chain_id, s.height).ok());
    const bool pow_ok = check_proof_of_work(sha256d(ByteView(b.owned.header.data(), 80)), kRegtestBits, Network::kRegtest);
    if (pow_ok == s.mine) break;
  }
  b.bytes = serialize(b.owned);
  b.hash = sha256d(ByteView(b.bytes.data(), 80));
  return b;
}

class Chain : public ::testing::Test {
 protected:
  Chain() {
    VerifierOptions vo;
    vo.backend = Backend::kCpu;
    HasherOptions ho;
    ho.backend = Backend::kCpu;
    EXPECT_TRUE(Verifier::Create(vo, &verifier_).ok());
    EXPECT_TRUE(Hasher::Create(ho, &hasher_).ok());
  }

  // pow from 0, bft from `switch_at` with validators A (stakes 1, 1, 1, 1).
  static ChainParams switching(uint32_t switch_at) {
    ChainParams p = ChainParams::Regtest();
    p.chain_id = "switch";
    p.modules = {{0, {"pow", 1}}, {switch_at, {"bft", 1}}};
    for (uint8_t i = 1; i <= 4; ++i) p.bft_validators.push_back(validator(key(i), 1));
    return p;
  }

  Status open(const ChainParams& params, std::unique_ptr<ChainState>* out, bool rewind = false, const fs::path* dir = nullptr) {
    ChainStateOptions o;
    o.store.path = (dir ? *dir : dir_.path).string();
    o.store.sync = false;
    o.params = params;
    o.rewind_on_schedule_change = rewind;
    return ChainState::Open(o, verifier_.get(), hasher_.get(), out);
  }

  // Connects `b`; the verdict (valid: "") or the reason.
  static std::string connect(ChainState& c, const Block& b) {
    ConnectReport r;
    const Status s = c.connect_block(ByteView(b.bytes.data(), b.bytes.size()), &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r.validity.valid ? "" : r.validity.reason;
  }

  BlockSpec next(const ChainState& c, uint32_t extra = 0) const {
    BlockSpec s;
    const auto tip = c.tip();
    s.height = tip ? tip->height + 1 : 0;
    s.prev = tip ? tip->hash : Hash256{};
    s.time = 1'600'000'000 + 600 * s.height + extra;
    s.extra = extra;
    return s;
  }

  std::vector<BftKey> set_a() const { return {key(1), key(2), key(3), key(4)}; }

  // Extends the chain to height `to` with valid blocks for `params`.
  void grow(ChainState& c, const ChainParams& params, uint32_t to, uint32_t extra = 0) {
    while (!c.tip() || c.tip()->height < to) {
      BlockSpec s = next(c, extra);
      if (params.module_at(s.height).module.name == "bft") {
        s.mine = false;
        s.signers = set_a();
      }
      ASSERT_EQ(connect(c, build(s)), "") << "height " << s.height;
    }
  }

  TempDir dir_;
  std::unique_ptr<Verifier> verifier_;
  std::unique_ptr<Hasher> hasher_;
};

TEST_F(Chain, PowToBftSwitchAtItsHeight) {
  const uint32_t kSwitch = 5;
  const ChainParams params = switching(kSwitch);
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  grow(*c, params, kSwitch - 2);
  // At H-1 (pow): a certified block that is not mined is rejected, a mined one accepted.
  BlockSpec s = next(*c);
  s.mine = false;
  s.signers = set_a();
  EXPECT_EQ(connect(*c, build(s)), "high-hash");
  s.mine = true;
  s.signers.clear();
  ASSERT_EQ(connect(*c, build(s)), "");
  // At H (bft): the mined block without a certificate is rejected; the certified one accepted.
  s = next(*c);
  EXPECT_EQ(connect(*c, build(s)), "bft-cert-missing");
  s.mine = false;
  s.signers = {key(1), key(2)};  // half the stake: not more than 2/3
  EXPECT_EQ(connect(*c, build(s)), "bft-cert-insufficient-stake");
  s.signers = set_a();
  ASSERT_EQ(connect(*c, build(s)), "");
  EXPECT_EQ(c->tip()->height, kSwitch);
  // Final from the switch on: the tip cannot be disconnected.
  ASSERT_TRUE(c->final_height());
  EXPECT_EQ(*c->final_height(), kSwitch);
  const Status d = c->disconnect_tip();
  EXPECT_EQ(d.code(), Status::Code::kFailedPrecondition) << d.ToString();
  EXPECT_EQ(c->tip()->height, kSwitch);
}

TEST_F(Chain, BftToPowSwitchBack) {
  // bft from 3, pow again from 6: the reverse switch.
  ChainParams params = switching(3);
  params.modules.push_back({6, {"pow", 1}});
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  grow(*c, params, 4);
  BlockSpec s = next(*c);  // height 5: bft
  EXPECT_EQ(connect(*c, build(s)), "bft-cert-missing");
  s.mine = false;
  s.signers = set_a();
  ASSERT_EQ(connect(*c, build(s)), "");
  s = next(*c);  // height 6: pow again
  s.mine = false;
  s.signers = set_a();
  EXPECT_EQ(connect(*c, build(s)), "high-hash");
  s.mine = true;
  s.signers.clear();
  ASSERT_EQ(connect(*c, build(s)), "");
  // The pow tip disconnects; the bft block below it stays final.
  EXPECT_TRUE(c->disconnect_tip().ok());
  EXPECT_EQ(c->disconnect_tip().code(), Status::Code::kFailedPrecondition);
}

TEST_F(Chain, RuleActivationsAtTheirHeight) {
  // BIP34 from 3: a coinbase without the height passes at 2, fails at 3.
  ChainParams params = ChainParams::Regtest();
  params.rules = {{Rule::kBip34, 3}, {Rule::kSegwit, 5}, {Rule::kCsv, 0}};
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  for (uint32_t h = 0; h < 3; ++h) {
    BlockSpec s = next(*c);
    s.bip34 = false;
    s.witness = false;
    ASSERT_EQ(connect(*c, build(s)), "") << h;
  }
  BlockSpec s = next(*c);
  s.bip34 = false;
  s.witness = false;
  EXPECT_EQ(connect(*c, build(s)), "bad-cb-height");
  s.bip34 = true;
  ASSERT_EQ(connect(*c, build(s)), "");
  // Segwit from 5 (the reverse direction: a block valid only under the new
  // rules): witness data at 4 is "unexpected-witness", at 5 it is valid.
  s = next(*c);
  s.witness = true;
  EXPECT_EQ(connect(*c, build(s)), "unexpected-witness");
  s.witness = false;
  ASSERT_EQ(connect(*c, build(s)), "");
  s = next(*c);
  s.witness = true;
  ASSERT_EQ(connect(*c, build(s)), "");
}

// `b` with block version 3, mined again.
Block version_3(Block b) {
  b.owned.header[0] = 3;
  b.owned.header[3] = 0;
  for (uint32_t nonce = 0;; ++nonce) {
    for (int i = 0; i < 4; ++i) b.owned.header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
    if (check_proof_of_work(sha256d(ByteView(b.owned.header.data(), 80)), kRegtestBits, Network::kRegtest)) break;
  }
  b.bytes = serialize(b.owned);
  return b;
}

TEST_F(Chain, VersionRulesAtTheirHeight) {
  ChainParams params = ChainParams::Regtest();
  params.rules = {{Rule::kBip65, 2}, {Rule::kSegwit, 0}};
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  for (int h = 0; h < 2; ++h) {
    Block b = build(next(*c));
    // version 3 is fine before BIP65...
    ASSERT_EQ(connect(*c, version_3(std::move(b))), "") << h;
  }
  // ...and "bad-version(0x00000003)" from it on.
  EXPECT_EQ(connect(*c, version_3(build(next(*c)))), "bad-version(0x00000003)");
  // A header rule: judged before CheckBlock's (here a wrong Merkle root), as in Core.
  Block wrong_root = build(next(*c));
  wrong_root.owned.header[36] ^= 1;
  EXPECT_EQ(connect(*c, version_3(std::move(wrong_root))), "bad-version(0x00000003)");
}

TEST_F(Chain, ValidatorSetChangeAppliesTwoBlocksLaterAndSurvivesRestart) {
  const ChainParams params = switching(2);
  const std::vector<BftKey> b_keys = {key(11), key(12), key(13)};
  std::vector<Validator> set_b;
  for (const BftKey& k : b_keys) set_b.push_back(validator(k, 5));
  {
    std::unique_ptr<ChainState> c;
    ASSERT_TRUE(open(params, &c).ok());
    grow(*c, params, 2);
    BlockSpec s = next(*c);  // height 3 announces set B
    s.mine = false;
    s.new_set = set_b;
    s.signers = set_a();
    ASSERT_EQ(connect(*c, build(s)), "");
    s = next(*c);  // height 4: still A
    s.mine = false;
    s.signers = b_keys;
    EXPECT_EQ(connect(*c, build(s)), "bft-cert-unknown-signer");
    s.signers = set_a();
    ASSERT_EQ(connect(*c, build(s)), "");
  }
  // Reopened: the state (B pending for 5) comes back from the store.
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  BlockSpec s = next(*c);  // height 5: B
  s.mine = false;
  s.signers = set_a();
  EXPECT_EQ(connect(*c, build(s)), "bft-cert-unknown-signer");
  s.signers = b_keys;
  ASSERT_EQ(connect(*c, build(s)), "");
}

TEST_F(Chain, ReorgAcrossTheSwitchMatchesAFreshChain) {
  // Branch A: pow 0..3, then (height 4 is the switch) nothing more. Branch B
  // forks at 2: pow 3', then bft 4', 5'. Moving A onto B gives the state a
  // clean chain of B has.
  const ChainParams params = switching(4);
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  grow(*c, params, 3);
  std::vector<Block> b_branch;
  {
    // B from A's block 2.
    ASSERT_TRUE(c->disconnect_tip().ok());  // the reorganisation's first step
    for (uint32_t h = 3; h <= 5; ++h) {
      BlockSpec s = next(*c, 100);
      if (h >= 4) {
        s.mine = false;
        s.signers = set_a();
      }
      b_branch.push_back(build(s));
      ASSERT_EQ(connect(*c, b_branch.back()), "") << h;
    }
  }
  const ChainTip reorged = *c->tip();
  // A fresh chain of blocks 0..2 and B.
  TempDir fresh_dir;
  std::unique_ptr<ChainState> fresh;
  ASSERT_TRUE(open(params, &fresh, false, &fresh_dir.path).ok());
  for (uint32_t h = 0; h <= 2; ++h) {
    // The same blocks 0..2 as A (rebuilt deterministically).
    BlockSpec s = next(*fresh);
    ASSERT_EQ(connect(*fresh, build(s)), "");
  }
  for (const Block& b : b_branch) ASSERT_EQ(connect(*fresh, b), "");
  EXPECT_EQ(fresh->tip()->hash, reorged.hash);
  EXPECT_EQ(fresh->tip()->utxo_digest, reorged.utxo_digest);
  Hash256 digest;
  uint64_t coins = 0;
  ASSERT_TRUE(c->store().recompute_digest(&digest, &coins).ok());
  EXPECT_EQ(digest, reorged.utxo_digest);
  // B's bft blocks are final: going back below them is refused.
  EXPECT_EQ(c->disconnect_tip().code(), Status::Code::kFailedPrecondition);
}

TEST_F(Chain, ScheduleChangesBehindTheTipAreRefusedOrRewound) {
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(switching(4), &c).ok());
  grow(*c, switching(4), 6);
  c.reset();
  // Moving the switch from 4 to 8 would rejudge 4..6.
  Status s = open(switching(8), &c);
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("rewind the chain to height 3"), std::string::npos) << s.message();
  // A change above the tip is accepted and stored.
  ChainParams later = switching(4);
  later.modules.push_back({100, {"pow", 1}});
  ASSERT_TRUE(open(later, &c).ok());
  c.reset();
  // Back to the original: the entry at 100 is above the tip, so that is fine too.
  ASSERT_TRUE(open(switching(4), &c).ok());
  c.reset();
  // With the rewind option: down to height 3, then the new schedule applies.
  ASSERT_TRUE(open(switching(8), &c, /*rewind=*/true).ok());
  EXPECT_EQ(c->tip()->height, 3u);
  grow(*c, switching(8), 8);
  EXPECT_EQ(c->final_height().value_or(0), 8u);
}

// A spend of output 0 of `from` (a coinbase), paying 49 BTC to OP_TRUE.
OwnedTx spend_of(const Block& from, uint32_t sequence, uint32_t locktime = 0, Bytes script_sig = {}) {
  OwnedTx t;
  t.version = 2;
  t.inputs.push_back(OwnedIn{OutPoint{txid(from.owned.txs[0]), 0}, std::move(script_sig), sequence, {}});
  t.outputs.push_back({49 * kCoin, {0x51}});
  t.locktime = locktime;
  return t;
}

ChainParams with_rules(std::vector<RuleActivation> rules) {
  ChainParams p = ChainParams::Regtest();
  p.rules = std::move(rules);
  p.coinbase_maturity = 1;
  return p;
}

// CSV from 4: a relative lock of 10 blocks on a coin one block old, and a
// time lock between the median time past and the block's time, are fine at
// 3 (no BIP68; BIP113 not yet: the block's time is the cutoff) and
// "bad-txns-nonfinal" at 4.
TEST_F(Chain, CsvSequenceLocksAndMedianTimeCutoffAtTheirHeight) {
  const ChainParams params = with_rules({{Rule::kCsv, 4}, {Rule::kSegwit, 0}});
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  std::vector<Block> chain;
  for (int h = 0; h < 3; ++h) {
    chain.push_back(build(next(*c)));
    ASSERT_EQ(connect(*c, chain.back()), "");
  }
  auto mtp = [&] {
    uint32_t t[11];
    int n = 0;
    for (auto it = chain.rbegin(); it != chain.rend() && n < 11; ++it) t[n++] = it->owned.header[68] | it->owned.header[69] << 8 |
                                                                                  it->owned.header[70] << 16 | uint32_t{it->owned.header[71]} << 24;
    std::sort(t, t + n);
    return t[n / 2];
  };
  for (uint32_t h = 3; h <= 4; ++h) {
    const bool csv = h >= 4;
    // BIP68: 10 blocks relative to a coin of the previous block.
    BlockSpec s = next(*c);
    s.txs = {spend_of(chain.back(), 10)};
    EXPECT_EQ(connect(*c, build(s)), csv ? "bad-txns-nonfinal" : "") << h;
    if (!csv) {
      ASSERT_TRUE(c->disconnect_tip().ok());
    }
    // BIP113: a lock time after the median time past, before the block's time.
    s.txs = {spend_of(chain.back(), 0xfffffffe, mtp() + 1)};
    ASSERT_LT(mtp() + 1, s.time);
    EXPECT_EQ(connect(*c, build(s)), csv ? "bad-txns-nonfinal" : "") << h;
    if (!csv) {
      ASSERT_TRUE(c->disconnect_tip().ok());
    }
    // The sequence lock met (1 block), and the disable flag: fine either way.
    s.txs = {spend_of(chain.back(), 1)};
    if (csv) s.txs.push_back(spend_of(chain[1], 0x80000000u | 500));  // block 1's coin, unspent so far
    ASSERT_EQ(connect(*c, build(s)), "") << h;
    chain.push_back(build(s));
  }
}

// ContextualCheckBlock's order: finality and BIP34's height before the
// witness commitment (a block failing both gets Core's first reason).
TEST_F(Chain, FinalityIsJudgedBeforeTheWitnessCommitment) {
  ChainParams params = ChainParams::Regtest();
  params.coinbase_maturity = 1;
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  std::vector<Block> chain;
  for (int h = 0; h < 2; ++h) {
    chain.push_back(build(next(*c)));
    ASSERT_EQ(connect(*c, chain.back()), "");
  }
  BlockSpec s = next(*c);
  s.txs = {spend_of(chain.back(), 0, /*locktime=*/1000)};  // a height lock far ahead, sequence not final
  Block b = build(s);
  // A 33-byte witness reserved value: the block hash stays (witness data is
  // not in the txids), the commitment rule fails.
  b.owned.txs[0].inputs[0].witness[0].push_back(0);
  b.bytes = serialize(b.owned);
  EXPECT_EQ(connect(*c, b), "bad-txns-nonfinal");
  s.txs = {spend_of(chain.back(), 0, /*locktime=*/1)};  // final at height 2
  b = build(s);
  b.owned.txs[0].inputs[0].witness[0].push_back(0);
  b.bytes = serialize(b.owned);
  EXPECT_EQ(connect(*c, b), "bad-witness-nonce-size");
  EXPECT_EQ(connect(*c, build(s)), "");
}

// BIP68 reads the version unsigned, as Core does: a transaction of version
// -1 (0xffffffff) is >= 2, and its relative lock counts under CSV.
TEST_F(Chain, SequenceLocksApplyToNegativeVersions) {
  const ChainParams params = with_rules({{Rule::kCsv, 0}, {Rule::kSegwit, 0}});
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  std::vector<Block> chain;
  for (int h = 0; h < 3; ++h) {
    chain.push_back(build(next(*c)));
    ASSERT_EQ(connect(*c, chain.back()), "");
  }
  BlockSpec s = next(*c);
  OwnedTx t = spend_of(chain.back(), 10);  // 10 blocks after a coin of the parent: not met
  t.version = -1;
  s.txs = {t};
  EXPECT_EQ(connect(*c, build(s)), "bad-txns-nonfinal");
  t.version = 1;  // below 2: BIP68 does not apply
  s.txs = {t};
  EXPECT_EQ(connect(*c, build(s)), "");
}

// ---- BIP30, as Core's ConnectBlock applies it ------------------------------

// A coinbase scriptSig that does not change with the height: blocks that
// use it repeat the same coinbase transaction (same txid).
Bytes repeated_coinbase_sig(Bytes prefix = {0x02, 0xab, 0xcd}) {
  prefix.insert(prefix.end(), {0x04, 'v', 'i', 'g', 'l'});
  return prefix;
}

class Bip30 : public Chain {
 protected:
  static ChainParams params(uint32_t bip34_height) {
    ChainParams p = ChainParams::Regtest();
    p.rules = {{Rule::kBip34, bip34_height}, {Rule::kSegwit, 0}};
    p.coinbase_maturity = 1;
    return p;
  }

  BlockSpec spec(const ChainState& c, std::optional<Bytes> sig = std::nullopt) const {
    BlockSpec s = next(c);
    s.witness = false;
    s.coinbase_sig = std::move(sig);
    return s;
  }

  static OutPoint coinbase_out(const Block& b) { return OutPoint{txid(b.owned.txs[0]), 0}; }

  static void expect_digest_exact(ChainState& c) {
    Hash256 digest;
    uint64_t coins = 0;
    ASSERT_TRUE(c.store().recompute_digest(&digest, &coins).ok());
    EXPECT_EQ(digest, c.tip()->utxo_digest);
    EXPECT_EQ(coins, c.tip()->coins);
  }
};

// Regtest has no BIP34 hash (Core's is zero): BIP30 is checked at every
// height, and a block repeating an unspent coinbase is "bad-txns-BIP30" --
// before its transactions are judged, as in Core (the block also spends a
// coin that does not exist).
TEST_F(Bip30, EnforcedWithoutABip34Hash) {
  const ChainParams p = params(2);
  ASSERT_FALSE(p.bip34_hash);
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(p, &c).ok());
  ASSERT_EQ(connect(*c, build(spec(*c))), "");
  const Block first = build(spec(*c, repeated_coinbase_sig(bip34_height_script(5))));  // height 1 "indicates" height 5
  ASSERT_EQ(connect(*c, first), "");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(connect(*c, build(spec(*c))), "");
  BlockSpec again = spec(*c, repeated_coinbase_sig(bip34_height_script(5)));  // height 5: a valid BIP34 coinbase, the same txid
  const Block repeat = build(again);
  ASSERT_EQ(coinbase_out(repeat), coinbase_out(first));
  EXPECT_EQ(connect(*c, repeat), "bad-txns-BIP30");
  OwnedTx missing = spend_of(first, 0xffffffff);
  missing.inputs[0].prevout.index = 9;
  again.txs = {missing};
  EXPECT_EQ(connect(*c, build(again)), "bad-txns-BIP30");
  // Once the first coin is spent (block 4 replaced by one that spends it),
  // the repeat is fine.
  ASSERT_TRUE(c->disconnect_tip().ok());
  BlockSpec spend = spec(*c);
  spend.txs = {spend_of(first, 0xffffffff)};
  ASSERT_EQ(connect(*c, build(spend)), "");
  again = spec(*c, repeated_coinbase_sig(bip34_height_script(5)));
  const Block after_spend = build(again);
  ASSERT_EQ(coinbase_out(after_spend), coinbase_out(first));
  ASSERT_EQ(connect(*c, after_spend), "");
  expect_digest_exact(*c);
}

// BIP34 from 3 with the BIP34 hash of this chain's block 3: above it BIP30
// is implied and not checked. A coinbase from before BIP34 that "indicates"
// a later height repeats there; as in Core it overwrites the earlier coin,
// which leaves the set and the digest (and comes back on disconnect). With
// another BIP34 hash the same block is "bad-txns-BIP30".
TEST_F(Bip30, ImpliedByBip34OnlyOnTheBip34HashsBranch) {
  // The chain, built once (no BIP34 hash: BIP30 enforced, the repeat refused).
  ChainParams p = params(3);
  std::vector<Block> blocks;
  Block repeat;
  {
    std::unique_ptr<ChainState> c;
    ASSERT_TRUE(open(p, &c).ok());
    blocks.push_back(build(spec(*c)));
    ASSERT_EQ(connect(*c, blocks.back()), "");
    blocks.push_back(build(spec(*c, repeated_coinbase_sig(bip34_height_script(6)))));  // height 1, before BIP34
    ASSERT_EQ(connect(*c, blocks.back()), "");
    for (int h = 2; h <= 5; ++h) {
      blocks.push_back(build(spec(*c)));
      ASSERT_EQ(connect(*c, blocks.back()), "");
    }
    repeat = build(spec(*c, repeated_coinbase_sig(bip34_height_script(6))));  // height 6
    ASSERT_EQ(coinbase_out(repeat), coinbase_out(blocks[1]));
    EXPECT_EQ(connect(*c, repeat), "bad-txns-BIP30");
  }
  std::vector<std::unique_ptr<TempDir>> dirs;
  auto chain_with = [&](const ChainParams& params, std::unique_ptr<ChainState>* c) {
    dirs.push_back(std::make_unique<TempDir>());
    ASSERT_TRUE(open(params, c, false, &dirs.back()->path).ok());
    for (const Block& b : blocks) ASSERT_EQ(connect(**c, b), "");
  };
  std::unique_ptr<ChainState> c;
  // A BIP34 hash that is not this branch's block 3: enforced.
  p.bip34_hash = blocks[2].hash;
  chain_with(p, &c);
  EXPECT_EQ(connect(*c, repeat), "bad-txns-BIP30");
  // This branch's block 3: not checked; the coinbase overwrites.
  p.bip34_hash = blocks[3].hash;
  chain_with(p, &c);
  const ChainTip before = *c->tip();
  std::optional<Coin> coin;
  ASSERT_TRUE(c->store().get(coinbase_out(repeat), &coin).ok());
  ASSERT_TRUE(coin);
  EXPECT_EQ(coin->height, 1u);
  ASSERT_EQ(connect(*c, repeat), "");
  ASSERT_TRUE(c->store().get(coinbase_out(repeat), &coin).ok());
  ASSERT_TRUE(coin);
  EXPECT_EQ(coin->height, 6u);  // the new coin, at the old outpoint
  EXPECT_EQ(c->tip()->coins, before.coins);  // one replaced, not one added
  expect_digest_exact(*c);
  // Disconnected after a restart (from the undo record): the earlier coin is back.
  c.reset();
  ASSERT_TRUE(open(p, &c, false, &dirs.back()->path).ok());
  ASSERT_TRUE(c->disconnect_tip().ok());
  EXPECT_EQ(c->tip()->utxo_digest, before.utxo_digest);
  EXPECT_EQ(c->tip()->coins, before.coins);
  ASSERT_TRUE(c->store().get(coinbase_out(repeat), &coin).ok());
  ASSERT_TRUE(coin);
  EXPECT_EQ(coin->height, 1u);
  expect_digest_exact(*c);
  // The whole chain through connect_blocks: the repeat is prepared while
  // block 1's coin is still pending (not yet written); the pending view
  // gives the coin it overwrites.
  dirs.push_back(std::make_unique<TempDir>());
  ASSERT_TRUE(open(p, &c, false, &dirs.back()->path).ok());
  std::vector<ByteView> views;
  for (const Block& b : blocks) views.emplace_back(b.bytes.data(), b.bytes.size());
  views.emplace_back(repeat.bytes.data(), repeat.bytes.size());
  std::vector<ConnectReport> reports;
  ASSERT_TRUE(c->connect_blocks(views, &reports).ok());
  ASSERT_EQ(reports.size(), views.size());
  EXPECT_TRUE(reports.back().validity.valid) << reports.back().validity.reason;
  EXPECT_EQ(c->tip()->height, 6u);
  EXPECT_EQ(c->tip()->coins, before.coins);
  expect_digest_exact(*c);
}

// A block in bip30_exceptions (by height and hash, as mainnet's 91,842 and
// 91,880) repeats an unspent coinbase and overwrites it: the digest loses
// the earlier coin's term, the undo record keeps the coin, and disconnecting
// restores the state before. The same block at that height with another
// hash is "bad-txns-BIP30".
TEST_F(Bip30, ExceptionBlockOverwritesTheEarlierCoin) {
  ChainParams p = params(100);  // BIP34 not yet active
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(p, &c).ok());
  ASSERT_EQ(connect(*c, build(spec(*c))), "");
  const Block first = build(spec(*c, repeated_coinbase_sig()));
  ASSERT_EQ(connect(*c, first), "");
  ASSERT_EQ(connect(*c, build(spec(*c))), "");
  const ChainTip before = *c->tip();
  BlockSpec rs = spec(*c, repeated_coinbase_sig());
  const Block repeat = build(rs);
  rs.time += 1;
  const Block other = build(rs);  // the same coinbase at the same height, another hash
  ASSERT_EQ(coinbase_out(repeat), coinbase_out(first));
  ASSERT_EQ(coinbase_out(other), coinbase_out(first));
  EXPECT_EQ(connect(*c, repeat), "bad-txns-BIP30");
  // The exception named in the configuration: a schedule change above the tip, taken.
  c.reset();
  p.bip30_exceptions = {{3, repeat.hash}};
  ASSERT_TRUE(open(p, &c).ok());
  EXPECT_EQ(connect(*c, other), "bad-txns-BIP30");
  ASSERT_EQ(connect(*c, repeat), "");
  std::optional<Coin> coin;
  ASSERT_TRUE(c->store().get(coinbase_out(first), &coin).ok());
  ASSERT_TRUE(coin);
  EXPECT_EQ(coin->height, 3u);
  EXPECT_EQ(c->tip()->coins, before.coins);
  Hash256 expect = before.utxo_digest;  // before, minus the old coin's term, plus the new one's
  {
    const Coin old_coin{50 * kCoin, {0x51}, 1, true};
    const Hash256 old_term = coin_digest_term(coinbase_out(first), old_coin);
    const Hash256 new_term = coin_digest_term(coinbase_out(first), *coin);
    // expect = before - old + new (mod 2^256, little-endian)
    int borrow = 0;
    for (int i = 0; i < 32; ++i) {
      const int d = expect.bytes[i] - old_term.bytes[i] - borrow;
      expect.bytes[i] = static_cast<uint8_t>(d);
      borrow = d < 0;
    }
    unsigned carry = 0;
    for (int i = 0; i < 32; ++i) {
      const unsigned sum = expect.bytes[i] + new_term.bytes[i] + carry;
      expect.bytes[i] = static_cast<uint8_t>(sum);
      carry = sum >> 8;
    }
  }
  EXPECT_EQ(c->tip()->utxo_digest, expect);
  expect_digest_exact(*c);
  // The coin is the new one: spendable, once.
  BlockSpec spend = spec(*c);
  spend.txs = {spend_of(repeat, 0xffffffff)};
  ASSERT_EQ(connect(*c, build(spend)), "");
  ASSERT_TRUE(c->store().get(coinbase_out(first), &coin).ok());
  EXPECT_FALSE(coin);
  expect_digest_exact(*c);
  // Back down: the spend, then the exception block; the earlier coin returns.
  ASSERT_TRUE(c->disconnect_tip().ok());
  ASSERT_TRUE(c->disconnect_tip().ok());
  EXPECT_EQ(c->tip()->hash, before.hash);
  EXPECT_EQ(c->tip()->utxo_digest, before.utxo_digest);
  EXPECT_EQ(c->tip()->coins, before.coins);
  ASSERT_TRUE(c->store().get(coinbase_out(first), &coin).ok());
  ASSERT_TRUE(coin);
  EXPECT_EQ(coin->height, 1u);
  expect_digest_exact(*c);
}

// Taproot from 3: a P2TR output spent with a signature that does not verify
// is anyone-can-spend at 2 and "mandatory-script-verify-flag-failed" at 3.
TEST_F(Chain, TaprootSpendsAreCheckedFromTheirHeight) {
  const ChainParams params = with_rules({{Rule::kTaproot, 3}, {Rule::kSegwit, 0}});
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  Bytes p2tr = {0x51, 0x20};
  for (int i = 0; i < 32; ++i) p2tr.push_back(static_cast<uint8_t>(0x79 + i));
  std::vector<Block> chain;
  for (int h = 0; h < 3; ++h) {
    BlockSpec s = next(*c);
    s.coinbase_script = p2tr;
    if (h == 2) {
      OwnedTx t = spend_of(chain.back(), 0xffffffff);
      t.inputs[0].witness = {Bytes(64, 0x11)};
      s.txs = {t};
    }
    chain.push_back(build(s));
    ASSERT_EQ(connect(*c, chain.back()), "") << h;
  }
  BlockSpec s = next(*c);
  OwnedTx t = spend_of(chain.back(), 0xffffffff);
  t.inputs[0].witness = {Bytes(64, 0x11)};
  s.txs = {t};
  EXPECT_EQ(connect(*c, build(s)), "mandatory-script-verify-flag-failed (Invalid Schnorr signature)");
}

// BIP66 from 3: a valid ECDSA signature with a padded (BER, not strict DER)
// R spends a P2PK output at 2 and fails at 3; the same signature in strict
// DER passes at 3.
TEST_F(Chain, StrictDerFromBip66sHeight) {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  std::array<uint8_t, 32> secret{};
  secret.fill(0x42);
  secp256k1_pubkey pub;
  ASSERT_TRUE(secp256k1_ec_pubkey_create(ctx, &pub, secret.data()));
  uint8_t key33[33];
  size_t len = 33;
  secp256k1_ec_pubkey_serialize(ctx, key33, &len, &pub, SECP256K1_EC_COMPRESSED);
  Bytes p2pk = {33};
  p2pk.insert(p2pk.end(), key33, key33 + 33);
  p2pk.push_back(0xac);
  // Signs input 0 of `t` (spending a P2PK output); BER-pads R if asked.
  auto sign = [&](OwnedTx t, bool ber) {
    const Bytes raw = serialize(t);
    Transaction view;
    EXPECT_TRUE(parse_transaction(ByteView(raw.data(), raw.size()), &view).ok());
    const Hash256 digest = legacy_sighash(view, 0, ByteView(p2pk.data(), p2pk.size()), kSighashAll);
    secp256k1_ecdsa_signature sig;
    EXPECT_TRUE(secp256k1_ecdsa_sign(ctx, &sig, digest.bytes.data(), secret.data(), nullptr, nullptr));
    uint8_t der[80];
    size_t der_len = sizeof der;
    secp256k1_ecdsa_signature_serialize_der(ctx, der, &der_len, &sig);
    Bytes s(der, der + der_len);
    if (ber) {  // 30 L 02 rl R ... -> 30 L+1 02 rl+1 00 R ...
      s[1] += 1;
      s[3] += 1;
      s.insert(s.begin() + 4, 0x00);
    }
    s.push_back(kSighashAll);
    t.inputs[0].script_sig = push_of(ByteView(s.data(), s.size()));
    return t;
  };
  const ChainParams params = with_rules({{Rule::kBip66, 3}, {Rule::kSegwit, 0}});
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  std::vector<Block> chain;
  for (int h = 0; h < 3; ++h) {
    BlockSpec s = next(*c);
    s.coinbase_script = p2pk;
    if (h == 2) s.txs = {sign(spend_of(chain.back(), 0xffffffff), /*ber=*/true)};
    chain.push_back(build(s));
    ASSERT_EQ(connect(*c, chain.back()), "") << h;
  }
  BlockSpec s = next(*c);
  s.txs = {sign(spend_of(chain.back(), 0xffffffff), /*ber=*/true)};
  EXPECT_EQ(connect(*c, build(s)), "mandatory-script-verify-flag-failed (Non-canonical DER signature)");
  s.txs = {sign(spend_of(chain.back(), 0xffffffff), /*ber=*/false)};
  EXPECT_EQ(connect(*c, build(s)), "");
  secp256k1_context_destroy(ctx);
}

// bft's hash work: declare_hashes asks for the unsigned Merkle tree, and
// declare_work signs over the root it is given (the chain state computes it
// through the Hasher): the right root verifies, a wrong one does not.
TEST_F(Chain, BftDeclaresItsMerkleTreeAndUsesTheRootItIsGiven) {
  ChainParams params = switching(1);
  params.modules = {{0, {"bft", 1}}};
  std::shared_ptr<const ConsensusModule> bft;
  ASSERT_TRUE(ModuleRegistry::WithBuiltins()->find({"bft", 1}, &bft).ok());
  BlockSpec spec;
  spec.time = 1'600'000'000;
  spec.mine = false;
  spec.signers = set_a();
  OwnedTx extra = spend_of(build(spec), 0xffffffff);  // a second transaction, so the tree has two leaves
  spec.txs = {extra};
  const Block b = build(spec);
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  ASSERT_TRUE(parse_block(ByteView(b.bytes.data(), b.bytes.size()), &parsed).ok());
  ASSERT_TRUE(read_block_transactions(ByteView(b.bytes.data(), b.bytes.size()), parsed, &txs).ok());
  BlockHashes hashes;
  hashes.txids = block_txids(ByteView(b.bytes.data(), b.bytes.size()), parsed);
  const BlockView view{ByteView(b.bytes.data(), b.bytes.size()), &parsed, &txs, &hashes};
  class Empty final : public ChainHistory {
   public:
    uint32_t size() const override { return 0; }
    const HeaderEntry& at(uint32_t) const override { std::abort(); }
  } history;
  BlockContext ctx;
  ctx.chain = &history;
  ctx.params = &params;
  HashWork hw;
  bft->declare_hashes(view, ctx, &hw);
  ASSERT_EQ(hw.merkle_trees.size(), 1u);
  ASSERT_EQ(hw.merkle_trees[0].size(), 2u);
  EXPECT_NE(hw.merkle_trees[0][0], hashes.txids[0]);  // the coinbase without its certificate
  EXPECT_EQ(hw.merkle_trees[0][1], hashes.txids[1]);
  for (bool right : {true, false}) {
    MerkleResult root = merkle_root(hw.merkle_trees[0]);
    if (!right) root.root.bytes[5] ^= 1;
    ctx.merkle_roots = {&root, 1};
    std::unique_ptr<ModuleWork> work;
    ASSERT_TRUE(bft->declare_work(view, ctx, &work).valid);
    std::vector<uint8_t> verdicts;
    for (const Check& c : work->checks) verdicts.push_back(verify_check(c));
    Bytes state;
    EXPECT_EQ(bft->judge(view, ctx, *work, verdicts, &state).reason, right ? "" : "bft-cert-bad-signature");
  }
}

// pow -> the example plugin at 3, its state carried across a restart, and a
// chain configuration naming another version of it refused.
TEST_F(Chain, SwitchToAPluginModule) {
  ChainParams params = ChainParams::Regtest();
  params.modules = {{0, {"pow", 1}}, {3, {"examplepow", 1}}};
  params.plugins["examplepow"] = VIGIL_EXAMPLE_PLUGIN;
  {
    std::unique_ptr<ChainState> c;
    ASSERT_TRUE(open(params, &c).ok());
    grow(*c, params, 4);
    EXPECT_EQ(c->params().module_at(4).module.str(), "examplepow/v1");
  }
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  grow(*c, params, 6);
  BlockSpec s = next(*c);
  s.mine = false;
  EXPECT_EQ(connect(*c, build(s)), "high-hash");
  c.reset();
  ChainParams v2 = params;
  v2.modules[1].module.version = 2;
  const Status st = open(v2, &c);
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("examplepow/v2"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace vigil
