// The bft module (vigil/bft.hpp): certificates, stake thresholds, signer
// sets, validator-set changes, and hostile encodings. Every declared check
// is verified twice, by vigil::verify_check and by libsodium directly, and
// the two must agree before judge() sees the verdicts.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <random>

#include "vigil/bft.hpp"
#include "vigil/block_check.hpp"
#include "vigil/hash.hpp"
#include "vigil/sighash.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil {
namespace {

constexpr uint32_t kGenesisTime = 1'700'000'000;

class History : public ChainHistory {
 public:
  uint32_t size() const override { return static_cast<uint32_t>(headers.size()); }
  const HeaderEntry& at(uint32_t height) const override { return headers.at(height); }
  std::vector<HeaderEntry> headers;
};

BftKey key(uint8_t set, uint8_t index) {
  std::array<uint8_t, 32> seed{};
  seed[0] = set;
  seed[1] = index;
  seed[31] = 0x5a;
  return bft_key_from_seed(seed);
}

std::vector<BftKey> keys(uint8_t set, size_t n) {
  std::vector<BftKey> out;
  for (size_t i = 0; i < n; ++i) out.push_back(key(set, static_cast<uint8_t>(i)));
  return out;
}

std::vector<Validator> validators(const std::vector<BftKey>& ks, std::vector<uint64_t> stakes) {
  std::vector<Validator> out;
  for (size_t i = 0; i < ks.size(); ++i) out.push_back({ks[i].public_key, stakes[i]});
  return out;
}

// A coinbase as the simulator builds one: BIP34 height, an extra nonce, the
// witness reserved value and the commitment output last.
OwnedTx coinbase(uint32_t height, uint32_t extra) {
  OwnedTx cb;
  cb.version = 2;
  OwnedIn in;
  in.prevout.index = 0xffffffff;
  in.script_sig = {0x04, static_cast<uint8_t>(height), static_cast<uint8_t>(height >> 8), static_cast<uint8_t>(height >> 16),
                   static_cast<uint8_t>(height >> 24), 0x04, static_cast<uint8_t>(extra), static_cast<uint8_t>(extra >> 8), 0, 0};
  in.witness = {Bytes(32, 0)};
  cb.inputs.push_back(in);
  cb.outputs.push_back({50 * kCoin, {0x51}});
  Bytes commitment = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  commitment.resize(38, 0);
  cb.outputs.push_back({0, commitment});
  return cb;
}

// A chain with a genesis header, bft from height 1, and the module's state
// after its tip.
class BftChain {
 public:
  explicit BftChain(std::vector<Validator> set, std::string chain_id = "bft-test") {
    params.chain_id = std::move(chain_id);
    params.bft_validators = std::move(set);
    BlockHeader genesis;
    genesis.version = 4;
    genesis.time = kGenesisTime;
    genesis.bits = 0x207fffff;
    history.headers.push_back({genesis, sha256d(Bytes(80, 1))});
  }

  uint32_t height() const { return history.size(); }  // of the next block

  // The next block, unsigned: a coinbase and one more transaction.
  OwnedBlock block(uint32_t extra = 0) const {
    OwnedBlock b;
    b.txs.push_back(coinbase(height(), extra));
    OwnedTx tx;
    tx.inputs.push_back({OutPoint{sha256d(Bytes{7}), 0}, {}, 0xffffffff, {Bytes(64, 3)}});
    tx.outputs.push_back({kCoin, {0x51}});
    b.txs.push_back(tx);
    b.header.assign(80, 0);
    b.header[0] = 4;
    const Hash256& prev = history.headers.back().hash;
    std::copy(prev.bytes.begin(), prev.bytes.end(), b.header.begin() + 4);
    const uint32_t time = kGenesisTime + 600 * height();
    for (int i = 0; i < 4; ++i) b.header[68 + i] = static_cast<uint8_t>(time >> (8 * i));
    fix_witness_commitment(b);
    return b;
  }

  OwnedBlock signed_block(std::span<const BftKey> signers, uint32_t extra = 0) const {
    OwnedBlock b = block(extra);
    EXPECT_TRUE(bft_sign_block(b, signers, params.chain_id, height()).ok());
    return b;
  }

  BlockContext context() const {
    BlockContext ctx;
    ctx.height = height();
    ctx.chain = &history;
    ctx.params = &params;
    ctx.rules = RuleSet::All();
    ctx.module_since = 1;
    ctx.module_state = state;
    return ctx;
  }

  // Runs every step on the block; the checks' verdicts come from both
  // verifiers, which must agree. `number_of_checks` gets how many were declared.
  Validity judge(const OwnedBlock& owned, Bytes* state_after = nullptr, size_t* number_of_checks = nullptr,
                 bool bitcoin_valid = true) const {
    const Bytes bytes = serialize(owned);
    ParsedBlock parsed;
    std::vector<Transaction> txs;
    EXPECT_TRUE(parse_block(bytes, &parsed).ok());
    EXPECT_TRUE(read_block_transactions(bytes, parsed, &txs).ok());
    BlockHashes hashes;
    hashes.txids = block_txids(bytes, parsed);
    hashes.merkle = merkle_root(hashes.txids);
    std::vector<Hash256> wtxids{Hash256{}};  // the coinbase's counts as zero
    for (size_t i = 1; i < parsed.txs.size(); ++i) wtxids.push_back(wtxid_of(bytes, parsed.txs[i]));
    for (const TxSpan& t : parsed.txs) hashes.has_witness |= t.has_witness;
    hashes.witness_merkle = merkle_root(wtxids);
    if (bitcoin_valid) {
      CheckBlockOptions options;
      options.network = Network::kRegtest;
      options.check_pow = false;
      const Validity bitcoin = check_block(bytes, parsed, txs, hashes, options);
      EXPECT_TRUE(bitcoin.valid) << bitcoin.reason << " " << bitcoin.debug;
    }
    const BlockView view{bytes, &parsed, &txs, &hashes};
    const BlockContext ctx = context();
    if (Validity v = module->check_header(parsed.header, parsed.hash, ctx); !v.valid) return v;
    if (Validity v = module->check_header_context(parsed.header, ctx); !v.valid) return v;
    std::unique_ptr<ModuleWork> work;
    if (Validity v = module->declare_work(view, ctx, &work); !v.valid) return v;
    const Bytes expected_message = bft_signing_message(params.chain_id, height(), bft_unsigned_block_hash(view));
    std::vector<uint8_t> verdicts;
    for (const Check& c : work->checks) {
      EXPECT_EQ(c.scheme, Scheme::kEd25519Strict);
      EXPECT_TRUE(std::equal(c.message.begin(), c.message.end(), expected_message.begin(), expected_message.end()));
      const bool ours = verify_check(c);
      const bool sodium = c.public_key.size() == 32 && c.signature.size() == 64 &&
                          crypto_sign_verify_detached(c.signature.data(), c.message.data(), c.message.size(),
                                                      c.public_key.data()) == 0;
      EXPECT_EQ(ours, sodium);
      verdicts.push_back(ours ? 1 : 0);
    }
    if (number_of_checks) *number_of_checks = verdicts.size();
    Bytes after;
    Validity v = module->judge(view, ctx, *work, verdicts, &after);
    if (v.valid) {
      EXPECT_FALSE(after.empty());
    }
    if (state_after) *state_after = after;
    return v;
  }

  // Judges the block, expects it valid, and makes it the tip.
  void connect(const OwnedBlock& b) {
    Bytes after;
    const Validity v = judge(b, &after);
    ASSERT_TRUE(v.valid) << v.reason << " " << v.debug;
    BlockHeader h;
    ASSERT_TRUE(parse_block_header(b.header, &h).ok());
    history.headers.push_back({h, sha256d(b.header)});
    state = after;
  }

  ChainParams params;
  History history;
  Bytes state;
  std::shared_ptr<const ConsensusModule> module = make_bft_module();
};

std::string reason(const Validity& v) { return v.valid ? "valid" : v.reason; }

// The block with `data` as its only bft push.
OwnedBlock with_push(const BftChain& chain, ByteView data) {
  OwnedBlock b = chain.block();
  EXPECT_TRUE(bft_append_push(b, data).ok());
  return b;
}

// The certificate of a freshly signed block.
std::vector<BftSignature> certificate(std::span<const BftKey> signers, uint32_t height, const OwnedBlock& b,
                                      std::string_view chain_id) {
  const Bytes m = bft_signing_message(chain_id, height, bft_unsigned_block_hash(b));
  std::vector<BftSignature> sigs;
  for (const BftKey& k : signers) sigs.push_back({k.public_key, bft_sign(k, m)});
  return sigs;
}

// ---- the module's identity and header rules -----------------------------

TEST(BftModule, Identity) {
  const auto m = make_bft_module();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->name(), "bft");
  EXPECT_EQ(m->spec_version(), 1u);
  EXPECT_TRUE(m->final_when_connected());
  BftChain chain(validators(keys(1, 1), {1}));
  EXPECT_EQ(m->block_work(BlockHeader{}, chain.context()), U256::from_u64(1));
  BlockHeader h;
  h.bits = 0;  // no proof of work at all: still a valid header
  EXPECT_TRUE(m->check_header(h, Hash256{}, chain.context()).valid);
}

TEST(BftModule, TimeMustExceedMedianTimePast) {
  BftChain chain(validators(keys(1, 1), {1}));
  BlockHeader h;
  h.time = kGenesisTime;  // the median of one block is its time
  EXPECT_EQ(reason(chain.module->check_header_context(h, chain.context())), "time-too-old");
  h.time = kGenesisTime + 1;
  EXPECT_TRUE(chain.module->check_header_context(h, chain.context()).valid);
}

// ---- encodings ----------------------------------------------------------------

TEST(BftFormat, ExactBytesAndStrictDecoding) {
  BftSignature s;
  s.public_key.fill(0x11);
  s.signature.fill(0x22);
  const Bytes cert = encode_bft_certificate(std::vector<BftSignature>{s});
  Bytes expected = {0x56, 0x42, 0x46, 0x43, 0x01};
  expected.insert(expected.end(), 32, 0x11);
  expected.insert(expected.end(), 64, 0x22);
  EXPECT_EQ(cert, expected);
  std::vector<BftSignature> back;
  ASSERT_TRUE(decode_bft_certificate(cert, &back));
  EXPECT_EQ(back, std::vector<BftSignature>{s});

  const Validator v{s.public_key, 0x0102030405060708};
  const Bytes set = encode_bft_validator_set(std::vector<Validator>{v});
  Bytes set_expected = {0x56, 0x42, 0x46, 0x53, 0x01};
  set_expected.insert(set_expected.end(), 32, 0x11);
  set_expected.insert(set_expected.end(), {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01});
  EXPECT_EQ(set, set_expected);
  std::vector<Validator> set_back;
  ASSERT_TRUE(decode_bft_validator_set(set, &set_back));
  EXPECT_EQ(set_back, std::vector<Validator>{v});

  // Every truncation, a trailing byte, a non-canonical count, a huge count.
  for (size_t n = 0; n < cert.size(); ++n) EXPECT_FALSE(decode_bft_certificate(ByteView(cert).first(n), &back)) << n;
  for (size_t n = 0; n < set.size(); ++n) EXPECT_FALSE(decode_bft_validator_set(ByteView(set).first(n), &set_back)) << n;
  Bytes trailing = cert;
  trailing.push_back(0);
  EXPECT_FALSE(decode_bft_certificate(trailing, &back));
  Bytes noncanonical = {0x56, 0x42, 0x46, 0x43, 0xfd, 0x01, 0x00};
  noncanonical.insert(noncanonical.end(), cert.begin() + 5, cert.end());
  EXPECT_FALSE(decode_bft_certificate(noncanonical, &back));
  const Bytes huge = {0x56, 0x42, 0x46, 0x43, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_FALSE(decode_bft_certificate(huge, &back));
  EXPECT_FALSE(decode_bft_validator_set(cert, &set_back));  // the other header
}

TEST(BftFormat, SigningMessage) {
  Hash256 h;
  for (int i = 0; i < 32; ++i) h.bytes[i] = static_cast<uint8_t>(i);
  Bytes expected = {'v', 'i', 'g', 'i', 'l', '-', 'b', 'f', 't', '/', 'v', '1', 3, 'a', 'b', 'c', 0x04, 0x03, 0x02, 0x01};
  expected.insert(expected.end(), h.bytes.begin(), h.bytes.end());
  EXPECT_EQ(bft_signing_message("abc", 0x01020304, h), expected);
}

TEST(BftFormat, UnsignedHashLeavesOutOnlyTheCertificate) {
  const std::vector<BftKey> ks = keys(1, 3);
  BftChain chain(validators(ks, {1, 1, 1}));
  OwnedBlock b = chain.block();
  const Hash256 before = sha256d(b.header);
  EXPECT_EQ(bft_unsigned_block_hash(b), before);
  ASSERT_TRUE(bft_sign_block(b, ks, chain.params.chain_id, chain.height()).ok());
  EXPECT_NE(sha256d(b.header), before);  // the certificate is in the block's hash ...
  EXPECT_EQ(bft_unsigned_block_hash(b), before);  // ... but not in what is signed
  // The parsed block agrees.
  const Bytes bytes = serialize(b);
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  ASSERT_TRUE(parse_block(bytes, &parsed).ok() && read_block_transactions(bytes, parsed, &txs).ok());
  EXPECT_EQ(bft_unsigned_block_hash(BlockView{bytes, &parsed, &txs, nullptr}), before);
  // Re-signing replaces the certificate; a set change is signed.
  ASSERT_TRUE(bft_sign_block(b, ks, chain.params.chain_id, chain.height()).ok());
  EXPECT_TRUE(chain.judge(b).valid);
  ASSERT_TRUE(bft_attach_validator_set(b, validators(keys(2, 1), {5})).ok());
  EXPECT_NE(bft_unsigned_block_hash(b), before);
  EXPECT_EQ(reason(chain.judge(b)), "bft-cert-bad-signature");
  OwnedBlock none;
  EXPECT_FALSE(bft_attach_certificate(none, {}).ok());
}

// ---- the stake threshold ------------------------------------------------------

TEST(BftCertificate, ExactlyTwoThirdsIsNotEnough) {
  const std::vector<BftKey> ks = keys(1, 4);
  BftChain chain(validators(ks, {100, 100, 1, 99}));  // total 300
  const Validity two_thirds = chain.judge(chain.signed_block(std::vector<BftKey>{ks[0], ks[1]}));
  EXPECT_EQ(reason(two_thirds), "bft-cert-insufficient-stake");
  EXPECT_EQ(two_thirds.debug, "200/300");
  size_t checks = 0;
  const Validity above = chain.judge(chain.signed_block(std::vector<BftKey>{ks[1], ks[2], ks[0]}), nullptr, &checks);
  EXPECT_TRUE(above.valid) << above.reason << " " << above.debug;
  EXPECT_EQ(checks, 3u);
  EXPECT_TRUE(chain.judge(chain.signed_block(ks)).valid);
  EXPECT_EQ(reason(chain.judge(chain.signed_block(std::vector<BftKey>{}))), "bft-cert-insufficient-stake");
}

TEST(BftCertificate, StakeArithmeticDoesNotOverflow) {
  const std::vector<BftKey> ks = keys(1, 2);
  const uint64_t a = uint64_t{1} << 62, b = uint64_t{1} << 63;  // total 3 * 2^62: 3 * signed wraps 64 bits
  BftChain chain(validators(ks, {a, b}));
  EXPECT_EQ(reason(chain.judge(chain.signed_block(std::vector<BftKey>{ks[0]}))), "bft-cert-insufficient-stake");
  EXPECT_EQ(reason(chain.judge(chain.signed_block(std::vector<BftKey>{ks[1]}))), "bft-cert-insufficient-stake");
  EXPECT_TRUE(chain.judge(chain.signed_block(ks)).valid);

  BftChain big(validators(ks, {UINT64_MAX - 1, 1}));
  EXPECT_TRUE(big.judge(big.signed_block(std::vector<BftKey>{ks[0]})).valid);
  EXPECT_EQ(reason(big.judge(big.signed_block(std::vector<BftKey>{ks[1]}))), "bft-cert-insufficient-stake");
}

// ---- who signs --------------------------------------------------------------------

TEST(BftCertificate, DuplicateSigner) {
  const std::vector<BftKey> ks = keys(1, 4);
  BftChain chain(validators(ks, {1, 1, 1, 1}));
  const Validity v = chain.judge(chain.signed_block(std::vector<BftKey>{ks[0], ks[1], ks[0], ks[2]}));
  EXPECT_EQ(reason(v), "bft-cert-duplicate-signer");
  EXPECT_NE(v.debug.find(to_hex(ks[0].public_key)), std::string::npos) << v.debug;
}

TEST(BftCertificate, UnknownSignerIsNamed) {
  const std::vector<BftKey> ks = keys(1, 4);
  BftChain chain(validators(ks, {1, 1, 1, 1}));
  const BftKey stranger = key(9, 0);
  const Validity v = chain.judge(chain.signed_block(std::vector<BftKey>{ks[0], ks[1], ks[2], stranger}));
  EXPECT_EQ(reason(v), "bft-cert-unknown-signer");
  EXPECT_EQ(v.debug, "key " + to_hex(stranger.public_key));
}

TEST(BftCertificate, OneBadSignatureAmongManyIsNamed) {
  const std::vector<BftKey> ks = keys(1, 7);
  BftChain chain(validators(ks, {1, 1, 1, 1, 1, 1, 1}));
  const std::vector<BftKey> order = {ks[6], ks[5], ks[4], ks[3], ks[2], ks[1], ks[0]};
  OwnedBlock b = chain.block();
  std::vector<BftSignature> sigs = certificate(order, chain.height(), b, chain.params.chain_id);
  sigs[4].signature[10] ^= 0x01;  // validator 2
  ASSERT_TRUE(bft_attach_certificate(b, sigs).ok());
  const Bytes m = bft_signing_message(chain.params.chain_id, chain.height(), bft_unsigned_block_hash(b));
  EXPECT_NE(crypto_sign_verify_detached(sigs[4].signature.data(), m.data(), m.size(), sigs[4].public_key.data()), 0);
  Validity v = chain.judge(b);
  EXPECT_EQ(reason(v), "bft-cert-bad-signature");
  EXPECT_EQ(v.debug, "signature 4: validator 2 key " + to_hex(ks[2].public_key));

  sigs[6].signature[0] ^= 0x80;  // validator 0, later in the certificate: the first failure is still named
  sigs[1].signature[63] ^= 0x10;  // validator 5, earlier: now it is the first
  ASSERT_TRUE(bft_attach_certificate(b, sigs).ok());
  v = chain.judge(b);
  EXPECT_EQ(reason(v), "bft-cert-bad-signature");
  EXPECT_EQ(v.debug, "signature 1: validator 5 key " + to_hex(ks[5].public_key));
}

// ---- missing and malformed certificates ------------------------------------

TEST(BftCertificate, MissingOrMalformed) {
  const std::vector<BftKey> ks = keys(1, 3);
  BftChain chain(validators(ks, {1, 1, 1}));
  EXPECT_EQ(reason(chain.judge(chain.block())), "bft-cert-missing");

  // No commitment output at all (and so no witness).
  OwnedBlock bare = chain.signed_block(ks);
  bare.txs[0].outputs.pop_back();
  bare.txs[0].inputs[0].witness.clear();
  bare.txs[1].inputs[0].witness.clear();
  fix_merkle_root(bare);
  EXPECT_EQ(reason(chain.judge(bare)), "bft-cert-missing");

  // A certificate in another output does not count.
  OwnedBlock elsewhere = chain.block();
  const std::vector<BftSignature> sigs = certificate(ks, chain.height(), elsewhere, chain.params.chain_id);
  const Bytes cert = encode_bft_certificate(sigs);
  elsewhere.txs[0].outputs[0].script = push_of(cert);
  fix_merkle_root(elsewhere);
  EXPECT_EQ(reason(chain.judge(elsewhere)), "bft-cert-missing");

  EXPECT_EQ(reason(chain.judge(with_push(chain, Bytes{0x56, 0x42, 0x46, 0x43}))), "bft-cert-malformed");
  Bytes trailing = cert;
  trailing.push_back(0);
  EXPECT_EQ(reason(chain.judge(with_push(chain, trailing))), "bft-cert-malformed");

  OwnedBlock twice = chain.signed_block(ks);
  ASSERT_TRUE(bft_append_push(twice, cert).ok());
  EXPECT_EQ(reason(chain.judge(twice)), "bft-cert-malformed");

  // A push running past the end of the script could hide a certificate.
  OwnedBlock cut = chain.signed_block(ks);
  cut.txs[0].outputs.back().script.insert(cut.txs[0].outputs.back().script.end(), {0x4c, 0xff, 0x00});
  fix_merkle_root(cut);
  EXPECT_EQ(reason(chain.judge(cut)), "bft-cert-malformed");

  // Other pushes and opcodes are fine.
  OwnedBlock other = chain.block();
  ASSERT_TRUE(bft_append_push(other, Bytes{1, 2, 3, 4, 5}).ok());
  other.txs[0].outputs.back().script.push_back(0x61);  // OP_NOP
  ASSERT_TRUE(bft_sign_block(other, ks, chain.params.chain_id, chain.height()).ok());
  EXPECT_TRUE(chain.judge(other).valid);
}

TEST(BftCertificate, TruncatedAtEveryLength) {
  const std::vector<BftKey> ks = keys(1, 3);
  BftChain chain(validators(ks, {1, 1, 1}));
  const OwnedBlock unsigned_block = chain.block();
  const Bytes cert = encode_bft_certificate(certificate(ks, chain.height(), unsigned_block, chain.params.chain_id));
  for (size_t n = 0; n <= cert.size(); ++n) {
    const Validity v = chain.judge(with_push(chain, ByteView(cert).first(n)));
    const std::string expected = n == cert.size() ? "valid" : n < 4 ? "bft-cert-missing" : "bft-cert-malformed";
    EXPECT_EQ(reason(v), expected) << n;
  }
  // The script itself cut anywhere: never valid, never a crash.
  const OwnedBlock full = with_push(chain, cert);
  const Bytes script = full.txs[0].outputs.back().script;
  for (size_t n = 0; n < script.size(); ++n) {
    OwnedBlock b = full;
    b.txs[0].outputs.back().script.resize(n);
    fix_merkle_root(b);
    EXPECT_FALSE(chain.judge(b, nullptr, nullptr, /*bitcoin_valid=*/n >= 38).valid) << n;
  }
}

TEST(BftCertificate, RandomCorruptionsAreNeverAccepted) {
  const std::vector<BftKey> ks = keys(1, 5);
  BftChain chain(validators(ks, {1, 2, 3, 4, 5}));
  const OwnedBlock unsigned_block = chain.block();
  const Bytes cert = encode_bft_certificate(certificate(ks, chain.height(), unsigned_block, chain.params.chain_id));
  ASSERT_TRUE(chain.judge(with_push(chain, cert)).valid);
  std::mt19937 rng(20261121);
  int rejected_by_signature = 0;
  for (int round = 0; round < 400; ++round) {
    Bytes bad = cert;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % bad.size();
      switch (rng() % 4) {
        case 0: bad.erase(bad.begin() + static_cast<std::ptrdiff_t>(at)); break;
        case 1: bad.insert(bad.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng())); break;
        default: bad[at] ^= static_cast<uint8_t>(1 + rng() % 255); break;
      }
    }
    if (bad == cert) continue;
    const Validity v = chain.judge(with_push(chain, bad));
    EXPECT_FALSE(v.valid) << round << " " << to_hex(bad);
    rejected_by_signature += v.reason == "bft-cert-bad-signature";
  }
  EXPECT_GT(rejected_by_signature, 50);  // the corruptions reach the signatures, not just the parser
}

// ---- what the signature binds ----------------------------------------------------

TEST(BftCertificate, BindsChainIdHeightAndBlock) {
  const std::vector<BftKey> ks = keys(1, 3);
  BftChain chain(validators(ks, {1, 1, 1}));
  const uint32_t h = chain.height();
  OwnedBlock b = chain.block();
  ASSERT_TRUE(bft_attach_certificate(b, certificate(ks, h, b, chain.params.chain_id)).ok());
  EXPECT_TRUE(chain.judge(b).valid);
  ASSERT_TRUE(bft_attach_certificate(b, certificate(ks, h + 1, b, chain.params.chain_id)).ok());
  EXPECT_EQ(reason(chain.judge(b)), "bft-cert-bad-signature");
  ASSERT_TRUE(bft_attach_certificate(b, certificate(ks, h, b, "other-chain")).ok());
  EXPECT_EQ(reason(chain.judge(b)), "bft-cert-bad-signature");
  // A sibling's certificate.
  const OwnedBlock sibling = chain.block(/*extra=*/1);
  ASSERT_TRUE(bft_attach_certificate(b, certificate(ks, h, sibling, chain.params.chain_id)).ok());
  EXPECT_EQ(reason(chain.judge(b)), "bft-cert-bad-signature");
}

// ---- validator-set changes -------------------------------------------------------

TEST(BftValidatorSet, ChangeAppliesTwoBlocksLater) {
  const std::vector<BftKey> old_keys = keys(1, 3), new_keys = keys(2, 4);
  const std::vector<Validator> old_set = validators(old_keys, {1, 1, 1});
  const std::vector<Validator> new_set = validators(new_keys, {1, 1, 1, 1});
  BftChain chain(old_set);

  OwnedBlock change = chain.block();  // height 1: the change, signed by the old set
  ASSERT_TRUE(bft_attach_validator_set(change, new_set).ok());
  ASSERT_TRUE(bft_sign_block(change, old_keys, chain.params.chain_id, 1).ok());
  chain.connect(change);

  std::vector<Validator> active;
  ASSERT_TRUE(bft_active_set(chain.context(), &active).valid);
  EXPECT_EQ(active, old_set);  // height 2
  const Validity early = chain.judge(chain.signed_block(new_keys));
  EXPECT_EQ(reason(early), "bft-cert-unknown-signer");
  EXPECT_EQ(early.debug, "key " + to_hex(new_keys[0].public_key));
  chain.connect(chain.signed_block(old_keys));

  ASSERT_TRUE(bft_active_set(chain.context(), &active).valid);
  EXPECT_EQ(active, new_set);  // height 3
  EXPECT_EQ(reason(chain.judge(chain.signed_block(old_keys))), "bft-cert-unknown-signer");
  EXPECT_EQ(reason(chain.judge(chain.signed_block(std::vector<BftKey>{new_keys[0], new_keys[1]}))),
            "bft-cert-insufficient-stake");
  chain.connect(chain.signed_block(new_keys));
  chain.connect(chain.signed_block(std::vector<BftKey>{new_keys[3], new_keys[1], new_keys[2]}));
}

TEST(BftValidatorSet, ConsecutiveChangesQueueInOrder) {
  const std::vector<BftKey> a = keys(1, 1), b = keys(2, 1), c = keys(3, 1);
  BftChain chain(validators(a, {1}));
  OwnedBlock first = chain.block();
  ASSERT_TRUE(bft_attach_validator_set(first, validators(b, {1})).ok());
  ASSERT_TRUE(bft_sign_block(first, a, chain.params.chain_id, 1).ok());
  chain.connect(first);
  OwnedBlock second = chain.block();
  ASSERT_TRUE(bft_attach_validator_set(second, validators(c, {1})).ok());
  ASSERT_TRUE(bft_sign_block(second, a, chain.params.chain_id, 2).ok());
  chain.connect(second);
  EXPECT_EQ(reason(chain.judge(chain.signed_block(c))), "bft-cert-unknown-signer");  // height 3: b
  chain.connect(chain.signed_block(b));
  EXPECT_EQ(reason(chain.judge(chain.signed_block(b))), "bft-cert-unknown-signer");  // height 4: c
  chain.connect(chain.signed_block(c));
  chain.connect(chain.signed_block(c));
}

TEST(BftValidatorSet, MalformedChangesAreRejected) {
  const std::vector<BftKey> ks = keys(1, 2);
  BftChain chain(validators(ks, {1, 1}));
  const auto judge_change = [&](const std::vector<Bytes>& pushes) {
    OwnedBlock b = chain.block();
    for (const Bytes& p : pushes) EXPECT_TRUE(bft_append_push(b, p).ok());
    EXPECT_TRUE(bft_sign_block(b, ks, chain.params.chain_id, chain.height()).ok());
    return chain.judge(b);
  };
  const BftKey x = key(5, 0), y = key(5, 1);
  const Bytes good = encode_bft_validator_set(std::vector<Validator>{{x.public_key, 3}, {y.public_key, 4}});
  EXPECT_TRUE(judge_change({good}).valid);
  const std::vector<std::vector<Validator>> bad_sets = {
      {},
      {{x.public_key, 0}},
      {{x.public_key, 3}, {y.public_key, 0}},
      {{x.public_key, UINT64_MAX}, {y.public_key, 1}},
      {{x.public_key, 3}, {x.public_key, 4}},
  };
  for (const auto& set : bad_sets) EXPECT_EQ(reason(judge_change({encode_bft_validator_set(set)})), "bft-valset-malformed");
  EXPECT_EQ(reason(judge_change({good, good})), "bft-valset-malformed");
  for (size_t n = 4; n < good.size(); ++n)
    EXPECT_EQ(reason(judge_change({Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))})),
              "bft-valset-malformed")
        << n;
}

// ---- parameters, stored state, and the work handed back ---------------------------

TEST(BftModule, BadParametersStateAndWork) {
  const std::vector<BftKey> ks = keys(1, 2);
  BftChain empty({});
  EXPECT_EQ(reason(empty.judge(empty.signed_block(ks))), "bft-params-invalid");
  BftChain overflow(validators(ks, {UINT64_MAX, 1}));
  EXPECT_EQ(reason(overflow.judge(overflow.signed_block(ks))), "bft-params-invalid");
  BftChain long_id(validators(ks, {1, 1}), std::string(256, 'x'));
  EXPECT_EQ(reason(long_id.judge(long_id.signed_block(ks))), "bft-params-invalid");

  BftChain chain(validators(ks, {1, 1}));
  OwnedBlock change = chain.block();
  ASSERT_TRUE(bft_attach_validator_set(change, validators(keys(2, 1), {9})).ok());
  ASSERT_TRUE(bft_sign_block(change, ks, chain.params.chain_id, 1).ok());
  chain.connect(change);
  const Bytes good_state = chain.state;
  ASSERT_TRUE(chain.judge(chain.signed_block(ks)).valid);
  for (size_t n = 1; n < good_state.size(); ++n) {  // every truncation of the stored state
    chain.state.assign(good_state.begin(), good_state.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(reason(chain.judge(chain.signed_block(ks))), "bft-state-corrupt") << n;
  }
  chain.state = good_state;
  chain.state.push_back(0);
  EXPECT_EQ(reason(chain.judge(chain.signed_block(ks))), "bft-state-corrupt");
  chain.state = good_state;

  // Verdicts that do not match the declared checks.
  const OwnedBlock b = chain.signed_block(ks);
  const Bytes bytes = serialize(b);
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  ASSERT_TRUE(parse_block(bytes, &parsed).ok() && read_block_transactions(bytes, parsed, &txs).ok());
  const BlockView view{bytes, &parsed, &txs, nullptr};
  std::unique_ptr<ModuleWork> work;
  ASSERT_TRUE(chain.module->declare_work(view, chain.context(), &work).valid);
  ASSERT_EQ(work->checks.size(), 2u);
  Bytes after;
  const std::vector<uint8_t> one = {1};
  EXPECT_EQ(reason(chain.module->judge(view, chain.context(), *work, one, &after)), "bft-work-mismatch");
  ModuleWork foreign;
  EXPECT_EQ(reason(chain.module->judge(view, chain.context(), foreign, {}, &after)), "bft-work-mismatch");
  const std::vector<uint8_t> both = {1, 1};
  EXPECT_TRUE(chain.module->judge(view, chain.context(), *work, both, &after).valid);
}

}  // namespace
}  // namespace vigil
