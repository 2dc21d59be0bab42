// The signet module (BIP325): real default-signet blocks from Bitcoin Core's
// functional test, accepted with their challenge and rejected when anything
// they sign changes; blocks signed here for P2WPKH and bare multisig
// challenges; malformed solutions at every length.
#include <gtest/gtest.h>
#include <secp256k1.h>

#include <algorithm>
#include <random>
#include <regex>

#include "util/test_util.hpp"
#include "vigil/consensus.hpp"
#include "vigil/hash.hpp"
#include "vigil/signet.hpp"

namespace vigil {
namespace {

// Bitcoin Core's default signet challenge: 1-of-2 bare multisig
// (src/kernel/chainparams.cpp, SigNetParams).
const char kDefaultChallenge[] =
    "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce9"
    "6883fe3b278760f048f5189f2e6c452ae";

// The ten blocks after the signet genesis (heights 1..10) and the 2-of-2
// challenge that must reject them, both from feature_signet.py.
struct CoreData {
  std::vector<Bytes> blocks;
  Bytes wrong_challenge;
};
const CoreData& core_data() {
  static const CoreData d = [] {
    CoreData out;
    const std::string text = test::read_text(test::data_path("signet/feature_signet.py"));
    const std::regex block("'([0-9a-f]{160,})'");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), block); it != std::sregex_iterator(); ++it)
      out.blocks.push_back(test::hex((*it)[1]));
    std::smatch m;
    if (std::regex_search(text, m, std::regex("-signetchallenge=(52[0-9a-f]+)"))) out.wrong_challenge = test::hex(m[1]);
    return out;
  }();
  return d;
}

// The genesis of the default signet (Core's CreateGenesisBlock(1598918400, 52613770, 0x1e0377ae, 1, 50 BTC)).
BlockHeader signet_genesis() {
  BlockHeader h;
  h.version = 1;
  h.merkle_root = *hash_from_display_hex("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  h.time = 1598918400;
  h.bits = 0x1e0377ae;
  h.nonce = 52613770;
  return h;
}
Bytes header_bytes(const BlockHeader& h) {
  Bytes b;
  put_u32(b, static_cast<uint32_t>(h.version));
  b.insert(b.end(), h.prev_block.bytes.begin(), h.prev_block.bytes.end());
  b.insert(b.end(), h.merkle_root.bytes.begin(), h.merkle_root.bytes.end());
  put_u32(b, h.time);
  put_u32(b, h.bits);
  put_u32(b, h.nonce);
  return b;
}

class History : public ChainHistory {
 public:
  std::vector<HeaderEntry> entries;
  uint32_t size() const override { return static_cast<uint32_t>(entries.size()); }
  const HeaderEntry& at(uint32_t height) const override { return entries.at(height); }
  void add(const BlockHeader& h) { entries.push_back({h, sha256d(header_bytes(h))}); }
};

ChainParams signet_params(Bytes challenge) {
  ChainParams p;
  p.chain_id = "signet";
  p.network = Network::kSignet;
  p.modules = {{0, {"signet", 1}}};
  p.signet_challenge = std::move(challenge);
  return p;
}

// Steps 3 and 4 of the module for one block, its checks verified one by one
// with the reference verifier. `checks` receives how many were declared,
// `passed` how many of them verified.
Validity run_module(ByteView block, const ChainParams& params, uint32_t height, size_t* checks = nullptr,
                    size_t* passed = nullptr) {
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  if (!parse_block(block, &parsed).ok() || !read_block_transactions(block, parsed, &txs).ok())
    return Validity::Invalid("unparsable block");
  BlockHashes hashes;
  hashes.txids = block_txids(block, parsed);
  const BlockView view{block, &parsed, &txs, &hashes};
  BlockContext ctx;
  ctx.height = height;
  ctx.params = &params;
  const auto module = make_signet_module();
  std::unique_ptr<ModuleWork> work;
  const Validity declared = module->declare_work(view, ctx, &work);
  if (checks) *checks = work ? work->checks.size() : 0;
  if (!declared.valid) return declared;
  EXPECT_TRUE(work);
  std::vector<uint8_t> verdicts;
  for (const Check& c : work->checks) verdicts.push_back(verify_check(c) ? 1 : 0);
  if (passed) *passed = static_cast<size_t>(std::count(verdicts.begin(), verdicts.end(), 1));
  Bytes state;
  const Validity v = module->judge(view, ctx, *work, verdicts, &state);
  EXPECT_TRUE(state.empty());
  return v;
}
Validity run_module(const OwnedBlock& b, const ChainParams& params, uint32_t height = 1) {
  const Bytes bytes = serialize(b);
  return run_module(ByteView(bytes.data(), bytes.size()), params, height);
}

void expect_rejected(const Validity& v, const std::string& debug_part = {}) {
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.reason, "bad-signet-blksig") << v.debug;
  if (!debug_part.empty()) {
    EXPECT_NE(v.debug.find(debug_part), std::string::npos) << v.debug;
  }
}

// Where the coinbase's witness commitment output is.
size_t commitment_of(const OwnedBlock& b) {
  const auto at = witness_commitment_output(b.txs.at(0));
  EXPECT_TRUE(at.has_value());
  return at.value_or(0);
}

TEST(SignetReal, CoreBlocksPassWithTheDefaultChallenge) {
  const auto& blocks = core_data().blocks;
  ASSERT_EQ(blocks.size(), 10u);
  const ChainParams params = signet_params(test::hex(kDefaultChallenge));
  for (size_t i = 0; i < blocks.size(); ++i) {
    size_t checks = 0, passed = 0;
    const Validity v = run_module(ByteView(blocks[i].data(), blocks[i].size()), params, static_cast<uint32_t>(i + 1),
                                  &checks, &passed);
    EXPECT_TRUE(v.valid) << "block " << i + 1 << ": " << v.debug;
    EXPECT_EQ(checks, 2u);  // one signature, against either of two keys
    EXPECT_EQ(passed, 1u);  // made by one of them
  }
}

TEST(SignetReal, HeadersPassProofOfWorkAndContext) {
  const auto& blocks = core_data().blocks;
  ASSERT_EQ(blocks.size(), 10u);
  const ChainParams params = signet_params(test::hex(kDefaultChallenge));
  const auto module = make_signet_module();
  EXPECT_EQ(module->name(), "signet");
  EXPECT_EQ(module->spec_version(), 1u);
  EXPECT_FALSE(module->final_when_connected());
  History chain;
  chain.add(signet_genesis());
  ASSERT_EQ(to_display_hex(chain.entries[0].hash), "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6");
  for (size_t i = 0; i < blocks.size(); ++i) {
    BlockHeader h;
    ASSERT_TRUE(parse_block_header(ByteView(blocks[i].data(), kBlockHeaderSize), &h).ok());
    ASSERT_EQ(h.prev_block, chain.entries.back().hash);
    BlockContext ctx;
    ctx.height = static_cast<uint32_t>(i + 1);
    ctx.chain = &chain;
    ctx.params = &params;
    const Hash256 hash = sha256d(ByteView(blocks[i].data(), kBlockHeaderSize));
    EXPECT_TRUE(module->check_header(h, hash, ctx).valid);
    EXPECT_TRUE(module->check_header_context(h, ctx).valid) << module->check_header_context(h, ctx).debug;
    EXPECT_EQ(module->block_work(h, ctx), work_from_bits(h.bits));

    BlockHeader bad = h;
    bad.nonce ^= 1;
    EXPECT_EQ(module->check_header(bad, sha256d(header_bytes(bad)), ctx).reason, "high-hash");
    ctx.check_pow = false;
    EXPECT_TRUE(module->check_header(bad, sha256d(header_bytes(bad)), ctx).valid);
    ctx.check_pow = true;
    bad = h;
    bad.bits -= 1;
    EXPECT_EQ(module->check_header_context(bad, ctx).reason, "bad-diffbits");
    bad = h;
    bad.time = median_time_past(chain, ctx.height - 1);
    EXPECT_EQ(module->check_header_context(bad, ctx).reason, "time-too-old");
    chain.add(h);
  }
}

TEST(SignetReal, WrongChallengeRejects) {
  const CoreData& d = core_data();
  ASSERT_FALSE(d.wrong_challenge.empty());
  const Bytes& b = d.blocks.at(0);
  const ByteView block(b.data(), b.size());
  expect_rejected(run_module(block, signet_params(d.wrong_challenge), 1));  // Core's own 2-of-2 case
  // Each key alone as a 1-of-1: the signature commits to the challenge (it
  // is to_spend's output and the script code), so both fail, in the verdicts.
  const Bytes def = test::hex(kDefaultChallenge);
  for (size_t key_at : {size_t{1}, size_t{35}}) {
    Bytes one = {0x51};
    one.insert(one.end(), def.begin() + static_cast<std::ptrdiff_t>(key_at),
               def.begin() + static_cast<std::ptrdiff_t>(key_at + 34));
    one.insert(one.end(), {0x51, 0xae});
    size_t checks = 0;
    const Validity v = run_module(block, signet_params(one), 1, &checks);
    EXPECT_EQ(checks, 1u);
    expect_rejected(v, "EVAL_FALSE");
  }
}

TEST(SignetReal, EveryFlippedBitOfTheSolutionRejects) {
  const ChainParams params = signet_params(test::hex(kDefaultChallenge));
  const OwnedBlock base = own_block(ByteView(core_data().blocks.at(0).data(), core_data().blocks.at(0).size()));
  ASSERT_FALSE(base.txs.empty());
  const size_t at = commitment_of(base);
  const Bytes& script = base.txs[0].outputs[at].script;
  const SignetSection section = find_signet_section(ByteView(script.data(), script.size()));
  ASSERT_TRUE(section.found);
  // The solution push is the script's tail: 4c <len> header solution.
  const size_t solution_at = script.size() - section.solution.size();
  for (size_t i = solution_at; i < script.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      OwnedBlock b = base;
      b.txs[0].outputs[at].script[i] ^= static_cast<uint8_t>(1 << bit);
      fix_merkle_root(b);
      const Validity v = run_module(b, params);
      EXPECT_FALSE(v.valid) << "byte " << i - solution_at << " bit " << bit;
    }
  }
}

TEST(SignetReal, EverythingButTheNonceIsSigned) {
  const ChainParams params = signet_params(test::hex(kDefaultChallenge));
  const OwnedBlock base = own_block(ByteView(core_data().blocks.at(1).data(), core_data().blocks.at(1).size()));
  EXPECT_TRUE(run_module(base, params).valid);
  OwnedBlock b = base;
  b.header[76] ^= 1;  // the nonce
  EXPECT_TRUE(run_module(b, params).valid);
  for (size_t byte : {0u, 4u, 68u}) {  // version, previous hash, time
    b = base;
    b.header[byte] ^= 1;
    expect_rejected(run_module(b, params), "EVAL_FALSE");
  }
  b = base;
  b.txs[0].outputs[0].value += 1;  // the coinbase, outside the solution
  fix_merkle_root(b);
  expect_rejected(run_module(b, params), "EVAL_FALSE");
  b = base;
  b.txs[0].inputs[0].script_sig.push_back(0x51);
  fix_merkle_root(b);
  expect_rejected(run_module(b, params), "EVAL_FALSE");
}

TEST(SignetReal, RemovedOrMovedSolutionRejects) {
  const ChainParams params = signet_params(test::hex(kDefaultChallenge));
  const OwnedBlock base = own_block(ByteView(core_data().blocks.at(2).data(), core_data().blocks.at(2).size()));
  const size_t at = commitment_of(base);
  const Bytes full = base.txs[0].outputs[at].script;
  const Bytes solution_push(full.begin() + 38, full.end());  // after 6a 24 <36 bytes>
  const Bytes bare(full.begin(), full.begin() + 38);

  OwnedBlock removed = base;
  removed.txs[0].outputs[at].script = bare;
  fix_merkle_root(removed);
  // No solution is an empty one (Core): the multisig challenge finds an empty stack.
  expect_rejected(run_module(removed, params), "INVALID_STACK_OPERATION");

  OwnedBlock moved = removed;  // into an OP_RETURN output of its own
  Bytes op_return = {0x6a};
  op_return.insert(op_return.end(), solution_push.begin(), solution_push.end());
  moved.txs[0].outputs.push_back({0, op_return});
  fix_merkle_root(moved);
  expect_rejected(run_module(moved, params), "INVALID_STACK_OPERATION");

  OwnedBlock shadowed = base;  // a later commitment output without it wins
  shadowed.txs[0].outputs.push_back({0, bare});
  fix_merkle_root(shadowed);
  expect_rejected(run_module(shadowed, params), "INVALID_STACK_OPERATION");

  OwnedBlock earlier = base;  // ahead of the commitment: no commitment left
  Bytes front = {0x6a};
  front.insert(front.end(), solution_push.begin(), solution_push.end());
  front.insert(front.end(), bare.begin() + 1, bare.end());
  earlier.txs[0].outputs[at].script = front;
  fix_merkle_root(earlier);
  expect_rejected(run_module(earlier, params), "no witness commitment");

  OwnedBlock doubled = base;  // a second copy after the first: the first counts, the second is signed
  doubled.txs[0].outputs[at].script.insert(doubled.txs[0].outputs[at].script.end(), solution_push.begin(),
                                           solution_push.end());
  fix_merkle_root(doubled);
  expect_rejected(run_module(doubled, params), "EVAL_FALSE");

  // Any block passes at height 0 (the genesis carries no solution).
  EXPECT_TRUE(run_module(removed, params, 0).valid);
}

TEST(SignetReal, OpTrueChallenge) {
  const ChainParams op_true = signet_params({0x51});
  const OwnedBlock base = own_block(ByteView(core_data().blocks.at(3).data(), core_data().blocks.at(3).size()));
  size_t checks = 9;
  const Bytes bytes = serialize(base);
  EXPECT_TRUE(run_module(ByteView(bytes.data(), bytes.size()), op_true, 4, &checks).valid);
  EXPECT_EQ(checks, 0u);
  OwnedBlock b = base;
  b.txs[0].outputs[commitment_of(b)].script.resize(38);  // no solution at all: Core allows it
  EXPECT_TRUE(run_module(b, op_true).valid);
  ASSERT_TRUE(attach_signet_solution(b, SignetSolution{{0x51, 0x01, 0x07}, {}}));
  EXPECT_TRUE(run_module(b, op_true).valid);
  // The solution runs in the interpreter under BIP325's flags, as in Core's
  // CheckSignetBlockSolution: no SIGPUSHONLY, so any scriptSig that leaves
  // the stack true will do.
  ASSERT_TRUE(attach_signet_solution(b, SignetSolution{{0x51, 0x76}, {}}));  // OP_1 OP_DUP
  EXPECT_TRUE(run_module(b, op_true).valid);
  ASSERT_TRUE(attach_signet_solution(b, SignetSolution{{}, {{0x01}}}));
  expect_rejected(run_module(b, op_true), "WITNESS_UNEXPECTED");
  ASSERT_TRUE(attach_signet_solution(b, SignetSolution{{0x76}, {}}));  // OP_DUP on an empty stack
  expect_rejected(run_module(b, op_true), "INVALID_STACK_OPERATION");
  ASSERT_TRUE(attach_signet_solution(b, SignetSolution{{0x02, 0x01}, {}}));  // a push past the end
  expect_rejected(run_module(b, op_true), "BAD_OPCODE");
}

// ---- blocks signed here -------------------------------------------------------

class Signer {
 public:
  Signer() : ctx_(secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY)) {}
  ~Signer() { secp256k1_context_destroy(ctx_); }
  struct Key {
    std::array<uint8_t, 32> secret{};
    Bytes pub;  // compressed
  };
  Key key(uint8_t n) const {
    Key k;
    k.secret.fill(n);
    secp256k1_pubkey p;
    EXPECT_TRUE(secp256k1_ec_pubkey_create(ctx_, &p, k.secret.data()));
    k.pub.resize(33);
    size_t len = 33;
    secp256k1_ec_pubkey_serialize(ctx_, k.pub.data(), &len, &p, SECP256K1_EC_COMPRESSED);
    return k;
  }
  // DER (low S) with the hash type appended.
  Bytes sign(const Key& k, const Hash256& digest) const {
    secp256k1_ecdsa_signature sig;
    EXPECT_TRUE(secp256k1_ecdsa_sign(ctx_, &sig, digest.bytes.data(), k.secret.data(), nullptr, nullptr));
    Bytes der(72);
    size_t len = der.size();
    secp256k1_ecdsa_signature_serialize_der(ctx_, der.data(), &len, &sig);
    der.resize(len);
    der.push_back(kSighashAll);
    return der;
  }

 private:
  secp256k1_context* ctx_;
};

// A block of two transactions whose coinbase has a witness commitment.
OwnedBlock unsigned_block() {
  OwnedBlock b;
  b.header = header_bytes(signet_genesis());
  b.header[0] = 0x20;
  OwnedTx cb;
  cb.inputs.push_back({OutPoint{Hash256{}, 0xffffffff}, {0x01, 0x01}, 0xffffffff, {Bytes(32, 0)}});
  cb.outputs.push_back({50 * kCoin, {0x51}});
  Bytes commitment = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  commitment.resize(38, 0);
  cb.outputs.push_back({0, commitment});
  b.txs.push_back(cb);
  OwnedTx spend;
  spend.inputs.push_back({OutPoint{sha256d(Bytes{1, 2, 3}), 0}, {0x51}, 0xffffffff, {}});
  spend.outputs.push_back({kCoin, {0x51}});
  b.txs.push_back(spend);
  fix_witness_commitment(b);
  return b;
}

Bytes p2wpkh(const Bytes& pub) {
  const auto h = hash160(ByteView(pub.data(), pub.size()));
  Bytes s = {0x00, 20};
  s.insert(s.end(), h.begin(), h.end());
  return s;
}
Bytes bare_multisig(uint8_t m, const std::vector<Bytes>& keys) {
  Bytes s = {static_cast<uint8_t>(0x50 + m)};
  for (const Bytes& k : keys) {
    s.push_back(33);
    s.insert(s.end(), k.begin(), k.end());
  }
  s.insert(s.end(), {static_cast<uint8_t>(0x50 + keys.size()), 0xae});
  return s;
}

TEST(SignetSigned, P2wpkhChallenge) {
  const Signer signer;
  const auto key = signer.key(7), other = signer.key(8);
  const Bytes challenge = p2wpkh(key.pub);
  OwnedBlock b = unsigned_block();
  const auto digest = signet_sighash(b, ByteView(challenge.data(), challenge.size()));
  ASSERT_TRUE(digest);
  const Bytes sig = signer.sign(key, *digest);
  // The reference verifier agrees before the module is asked.
  EXPECT_TRUE(verify_check(Check{Scheme::kEcdsa, ByteView(key.pub.data(), 33), ByteView(digest->bytes.data(), 32),
                                 ByteView(sig.data(), sig.size() - 1), nullptr}));
  ASSERT_TRUE(attach_signet_solution(b, SignetSolution{{}, {sig, key.pub}}));
  EXPECT_TRUE(run_module(b, signet_params(challenge)).valid) << run_module(b, signet_params(challenge)).debug;
  // The digest does not depend on the solution attached.
  EXPECT_EQ(signet_sighash(b, ByteView(challenge.data(), challenge.size())), digest);

  OwnedBlock w = b;
  ASSERT_TRUE(attach_signet_solution(w, SignetSolution{{}, {signer.sign(other, *digest), other.pub}}));
  expect_rejected(run_module(w, signet_params(challenge)), "EQUALVERIFY");
  const Bytes other_challenge = p2wpkh(other.pub);
  ASSERT_TRUE(attach_signet_solution(w, SignetSolution{{}, {signer.sign(other, *digest), other.pub}}));
  expect_rejected(run_module(w, signet_params(other_challenge)), "EVAL_FALSE");  // signed for `challenge`
  ASSERT_TRUE(attach_signet_solution(w, SignetSolution{{0x00}, {sig, key.pub}}));
  expect_rejected(run_module(w, signet_params(challenge)), "WITNESS_MALLEATED");
  w = b;
  w.txs[1].outputs[0].value = 2 * kCoin;  // another transaction: another signet Merkle root
  fix_merkle_root(w);
  expect_rejected(run_module(w, signet_params(challenge)), "EVAL_FALSE");
}

TEST(SignetSigned, BareMultisigChallenges) {
  const Signer signer;
  const auto k1 = signer.key(1), k2 = signer.key(2), k3 = signer.key(3);
  for (const Bytes& challenge : {bare_multisig(1, {k1.pub}), bare_multisig(1, {k1.pub, k2.pub})}) {
    const ChainParams params = signet_params(challenge);
    OwnedBlock b = unsigned_block();
    const auto digest = signet_sighash(b, ByteView(challenge.data(), challenge.size()));
    ASSERT_TRUE(digest);
    const Signer::Key& signing = challenge.size() > 40 ? k2 : k1;  // 1-of-2: the second key signs
    const Bytes sig = signer.sign(signing, *digest);
    Bytes script_sig = {0x00, static_cast<uint8_t>(sig.size())};
    script_sig.insert(script_sig.end(), sig.begin(), sig.end());
    ASSERT_TRUE(attach_signet_solution(b, SignetSolution{script_sig, {}}));
    EXPECT_TRUE(run_module(b, params).valid) << run_module(b, params).debug;

    // A third key's signature; a witness where none belongs; a non-empty dummy.
    const Bytes bad_sig = signer.sign(k3, *digest);
    Bytes bad = {0x00, static_cast<uint8_t>(bad_sig.size())};
    bad.insert(bad.end(), bad_sig.begin(), bad_sig.end());
    OwnedBlock w = b;
    ASSERT_TRUE(attach_signet_solution(w, SignetSolution{bad, {}}));
    expect_rejected(run_module(w, params), "EVAL_FALSE");
    Bytes dummy = script_sig;
    dummy[0] = 0x51;
    ASSERT_TRUE(attach_signet_solution(w, SignetSolution{dummy, {}}));
    expect_rejected(run_module(w, params));

    // The same signature in BER (an R padded with a zero byte): Bitcoin's
    // lax parser reads it, BIP325's DERSIG rejects it.
    Bytes ber = {0x30, static_cast<uint8_t>(sig[1] + 1), 0x02, static_cast<uint8_t>(sig[3] + 1), 0x00};
    ber.insert(ber.end(), sig.begin() + 4, sig.end());
    EXPECT_TRUE(verify_check(Check{Scheme::kEcdsaBitcoin, ByteView(signing.pub.data(), 33),
                                   ByteView(digest->bytes.data(), 32), ByteView(ber.data(), ber.size() - 1), nullptr}));
    Bytes ber_sig = {0x00, static_cast<uint8_t>(ber.size())};
    ber_sig.insert(ber_sig.end(), ber.begin(), ber.end());
    ASSERT_TRUE(attach_signet_solution(w, SignetSolution{ber_sig, {}}));
    expect_rejected(run_module(w, params), "SIG_DER");
  }
}

TEST(SignetSigned, NoCommitmentNoPlaceForASolution) {
  OwnedBlock b = unsigned_block();
  b.txs[0].outputs.pop_back();
  fix_merkle_root(b);
  const OwnedBlock before = b;
  EXPECT_FALSE(attach_signet_solution(b, SignetSolution{{0x00}, {}}));
  EXPECT_EQ(serialize(b), serialize(before));
  const Bytes challenge = bare_multisig(1, {Signer().key(1).pub});
  EXPECT_FALSE(signet_sighash(b, ByteView(challenge.data(), challenge.size())));
  expect_rejected(run_module(b, signet_params(challenge)), "no witness commitment");
}

TEST(SignetSigned, AnyChallengeScriptIsInterpreted) {
  OwnedBlock b = unsigned_block();
  ASSERT_TRUE(attach_signet_solution(b, SignetSolution{{}, {Bytes(64, 1)}}));
  // As in Core: a witness v1+ program carries no rule under BIP325's flags
  // (no TAPROOT), so any solution passes, none included; an empty challenge
  // leaves an empty stack.
  Bytes p2tr(34, 0x02);
  p2tr[0] = 0x51;
  p2tr[1] = 0x20;
  EXPECT_TRUE(run_module(b, signet_params(p2tr)).valid);
  OwnedBlock none = b;
  none.txs[0].outputs[commitment_of(none)].script.resize(38);  // no solution at all
  fix_merkle_root(none);
  EXPECT_TRUE(run_module(none, signet_params(p2tr)).valid);
  expect_rejected(run_module(none, signet_params(Bytes{0x52, 0x87})), "INVALID_STACK_OPERATION");
  expect_rejected(run_module(b, signet_params(Bytes{})), "EVAL_FALSE");
  // Any other script runs in the interpreter, with Core's error.
  expect_rejected(run_module(b, signet_params(Bytes{0x52, 0x87})), "INVALID_STACK_OPERATION");
  expect_rejected(run_module(b, signet_params(Bytes{0x00, 0x03, 1, 2, 3})), "WITNESS_PROGRAM_WRONG_LENGTH");
  // OP_2 OP_EQUAL solved by a scriptSig pushing 2, no witness: valid.
  OwnedBlock two = unsigned_block();
  ASSERT_TRUE(attach_signet_solution(two, SignetSolution{{0x52}, {}}));
  const Validity v = run_module(two, signet_params(Bytes{0x52, 0x87}));
  EXPECT_TRUE(v.valid) << v.reason << " " << v.debug;
}

// ---- hostile encodings --------------------------------------------------------

TEST(SignetEncoding, RoundTripAndNonCanonical) {
  const SignetSolution s{{0x00, 0x01, 0x02}, {{}, Bytes(300, 7), {0x01}}};
  const Bytes e = encode_signet_solution(s);
  SignetSolution d;
  ASSERT_TRUE(decode_signet_solution(ByteView(e.data(), e.size()), &d));
  EXPECT_EQ(d, s);
  for (size_t len = 0; len < e.size(); ++len) EXPECT_FALSE(decode_signet_solution(ByteView(e.data(), len), &d)) << len;
  Bytes extra = e;
  extra.push_back(0);
  EXPECT_FALSE(decode_signet_solution(ByteView(extra.data(), extra.size()), &d));
  const Bytes non_canonical = {0xfd, 0x01, 0x00, 0xaa, 0x00};  // a 1-byte scriptSig, length in 3 bytes
  EXPECT_FALSE(decode_signet_solution(ByteView(non_canonical.data(), non_canonical.size()), &d));
  const Bytes huge = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_FALSE(decode_signet_solution(ByteView(huge.data(), huge.size()), &d));
}

// Every prefix of a real solution, and random ones, as the commitment's push:
// rejected, never a crash (the sanitizer builds run this too).
TEST(SignetEncoding, TruncatedAndRandomSolutionsReject) {
  const ChainParams params = signet_params(test::hex(kDefaultChallenge));
  const OwnedBlock base = own_block(ByteView(core_data().blocks.at(4).data(), core_data().blocks.at(4).size()));
  const size_t at = commitment_of(base);
  const Bytes& script = base.txs[0].outputs[at].script;
  const SignetSection section = find_signet_section(ByteView(script.data(), script.size()));
  ASSERT_TRUE(section.found);
  const Bytes bare(script.begin(), script.begin() + 38);
  auto with_payload = [&](const Bytes& payload) {
    OwnedBlock b = base;
    Bytes data(kSignetHeader.begin(), kSignetHeader.end());
    data.insert(data.end(), payload.begin(), payload.end());
    Bytes s = bare;
    const Bytes push = push_of(ByteView(data.data(), data.size()));
    s.insert(s.end(), push.begin(), push.end());
    b.txs[0].outputs[at].script = s;
    fix_merkle_root(b);
    return run_module(b, params);
  };
  EXPECT_TRUE(with_payload(section.solution).valid);
  for (size_t len = 0; len < section.solution.size(); ++len)
    expect_rejected(
        with_payload(Bytes(section.solution.begin(), section.solution.begin() + static_cast<std::ptrdiff_t>(len))));
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 2000; ++i) {
    Bytes payload(rng() % 120);
    for (uint8_t& x : payload) x = static_cast<uint8_t>(rng() % 4 == 0 ? rng() % 4 : rng());
    EXPECT_FALSE(with_payload(payload).valid);
  }
  // A commitment script cut anywhere, the solution push included.
  for (size_t len = 0; len <= script.size(); ++len) {
    OwnedBlock b = base;
    b.txs[0].outputs[at].script.resize(len);
    fix_merkle_root(b);
    const Validity v = run_module(b, params);
    EXPECT_EQ(v.valid, len == script.size()) << len;
  }
}

}  // namespace
}  // namespace vigil
