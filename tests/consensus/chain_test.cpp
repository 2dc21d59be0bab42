// The chain state under a schedule: module switches and rule activations
// at their boundary (accepted at H-1, rejected at H, and the reverse),
// validator-set changes two blocks later, final blocks never disconnected,
// a reorganisation across a switch, and schedule changes on restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "vigil/bft.hpp"
#include "vigil/block_check.hpp"
#include "vigil/chainstate.hpp"
#include "vigil/hash.hpp"
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
};

Block build(const BlockSpec& s) {
  OwnedTx cb;
  cb.version = 2;
  OwnedIn in;
  in.prevout.index = 0xffffffff;
  // Without BIP34 the height still goes in (as 0xab <height>), or coinbases would repeat (BIP30).
  in.script_sig = s.bip34 ? bip34_height_script(s.height) : Bytes{0x02, 0xab, static_cast<uint8_t>(s.height)};
  in.script_sig.insert(in.script_sig.end(), {0x04, static_cast<uint8_t>(s.extra), static_cast<uint8_t>(s.extra >> 8), 0, 0});
  if (s.witness) in.witness = {Bytes(32, 0)};
  cb.inputs.push_back(in);
  cb.outputs.push_back({50 * kCoin, {0x51}});
  Bytes commitment = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  commitment.resize(38, 0);
  if (s.witness) cb.outputs.push_back({0, commitment});
  Block b;
  b.owned.txs.push_back(cb);
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

TEST_F(Chain, VersionRulesAtTheirHeight) {
  ChainParams params = ChainParams::Regtest();
  params.rules = {{Rule::kBip65, 2}, {Rule::kSegwit, 0}};
  std::unique_ptr<ChainState> c;
  ASSERT_TRUE(open(params, &c).ok());
  for (int h = 0; h < 2; ++h) {
    Block b = build(next(*c));
    // version 3 is fine before BIP65...
    b.owned.header[0] = 3;
    b.owned.header[3] = 0;
    for (uint32_t nonce = 0;; ++nonce) {
      for (int i = 0; i < 4; ++i) b.owned.header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
      if (check_proof_of_work(sha256d(ByteView(b.owned.header.data(), 80)), kRegtestBits, Network::kRegtest)) break;
    }
    b.bytes = serialize(b.owned);
    ASSERT_EQ(connect(*c, b), "") << h;
  }
  // ...and "bad-version(0x00000003)" from it on.
  Block b = build(next(*c));
  b.owned.header[0] = 3;
  b.owned.header[3] = 0;
  for (uint32_t nonce = 0;; ++nonce) {
    for (int i = 0; i < 4; ++i) b.owned.header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
    if (check_proof_of_work(sha256d(ByteView(b.owned.header.data(), 80)), kRegtestBits, Network::kRegtest)) break;
  }
  b.bytes = serialize(b.owned);
  EXPECT_EQ(connect(*c, b), "bad-version(0x00000003)");
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

}  // namespace
}  // namespace vigil
