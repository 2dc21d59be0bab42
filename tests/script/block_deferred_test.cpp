// A deferred signature check must never turn a valid block invalid or an
// invalid one valid. Real blocks (regtest, mined) whose transactions spend,
// with real libsecp256k1 signatures (ECDSA; BIP340 in tapscript), the
// scripts where an assumed-valid answer steers execution: bare, P2SH and
// P2WSH multisig whose signatures match later keys, IF/ELSE branches,
// `<pk> CHECKSIG NOT`, a CHECKSIG result choosing a branch, and tapscript
// CHECKSIGADD k-of-n with an empty signature. Each spend is made with every
// signature valid and with each signature in turn corrupted three ways (one
// bit of s flipped; a valid signature of another key over the same hash; a
// valid signature of the right key over another hash). For every block:
// - the deferred path (collect_block_spends, one CPU Verifier batch,
//   judge_spends re-verifying through the same Verifier) gives each input
//   the verdict and error of verify_input with ImmediateOracle,
// - which is the verdict stated by hand for the case,
// - and the block verdict (spends_validity) is the subject's, with Core's
//   reason "mandatory-script-verify-flag-failed (<error>)";
// - the inputs re-executed are exactly those whose assumed checks failed as
//   stated by hand, and a second batch is needed exactly where stated.
// Under the regtest block flags (no NULLFAIL) and with NULLFAIL added. Then
// every block again through ChainState::connect_block on regtest.
#include <gtest/gtest.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <random>

#include "script/core_json.hpp"
#include "script/opcodes.hpp"
#include "vigil/block_check.hpp"
#include "vigil/chainstate.hpp"
#include "vigil/consensus.hpp"
#include "vigil/hasher.hpp"
#include "vigil/script.hpp"
#include "vigil/sighash.hpp"
#include "vigil/spends.hpp"
#include "vigil/tx_builder.hpp"
#include "vigil/verifier.hpp"

namespace vigil::test {
namespace {

using script::Error;
using namespace script;  // opcodes

// ---- keys and signatures --------------------------------------------------------

enum KeyId { kA, kB, kC, kD, kKeyCount };  // D signs nothing any script asks for

class Keys {
 public:
  Keys() : ctx_(secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY)) {
    for (int k = 0; k < kKeyCount; ++k) {
      Key& key = keys_[k];
      key.secret.fill(static_cast<uint8_t>(0x11 * (k + 1)));
      secp256k1_pubkey p;
      EXPECT_TRUE(secp256k1_ec_pubkey_create(ctx_, &p, key.secret.data()));
      key.pub.resize(33);
      size_t len = 33;
      secp256k1_ec_pubkey_serialize(ctx_, key.pub.data(), &len, &p, SECP256K1_EC_COMPRESSED);
      EXPECT_TRUE(secp256k1_keypair_create(ctx_, &key.pair, key.secret.data()));
      secp256k1_xonly_pubkey x;
      EXPECT_TRUE(secp256k1_keypair_xonly_pub(ctx_, &x, nullptr, &key.pair));
      key.xonly.resize(32);
      secp256k1_xonly_pubkey_serialize(ctx_, key.xonly.data(), &x);
    }
  }
  ~Keys() { secp256k1_context_destroy(ctx_); }
  Keys(const Keys&) = delete;
  Keys& operator=(const Keys&) = delete;

  const Bytes& pub(int k) const { return keys_[k].pub; }
  const Bytes& xonly(int k) const { return keys_[k].xonly; }
  // DER (low S) without the hash type.
  Bytes ecdsa_der(int k, const Hash256& digest) const {
    secp256k1_ecdsa_signature sig;
    EXPECT_TRUE(secp256k1_ecdsa_sign(ctx_, &sig, digest.bytes.data(), keys_[k].secret.data(), nullptr, nullptr));
    Bytes der(72);
    size_t len = der.size();
    secp256k1_ecdsa_signature_serialize_der(ctx_, der.data(), &len, &sig);
    der.resize(len);
    return der;
  }
  Bytes schnorr(int k, const Hash256& digest) const {
    Bytes sig(64);
    const std::array<uint8_t, 32> aux{};
    EXPECT_TRUE(secp256k1_schnorrsig_sign32(ctx_, sig.data(), digest.bytes.data(), &keys_[k].pair, aux.data()));
    return sig;
  }

 private:
  struct Key {
    std::array<uint8_t, 32> secret{};
    Bytes pub, xonly;
    secp256k1_keypair pair;
  };
  secp256k1_context* ctx_;
  std::array<Key, kKeyCount> keys_;
};

// Which signature of a spend is corrupted, and how.
enum class Corrupt { kNone, kFlip, kOtherKey, kOtherMessage };
constexpr Corrupt kCorruptions[] = {Corrupt::kFlip, Corrupt::kOtherKey, Corrupt::kOtherMessage};
const char* corrupt_name(Corrupt c) {
  switch (c) {
    case Corrupt::kNone: return "all valid";
    case Corrupt::kFlip: return "bit flipped";
    case Corrupt::kOtherKey: return "another key's signature";
    case Corrupt::kOtherMessage: return "a signature of another hash";
  }
  return "?";
}
struct Variant {
  int slot = -1;  // -1: every signature valid
  Corrupt how = Corrupt::kNone;
};

// What a spend's signer is handed: the signature hashes of its input, and
// signature slots numbered in the order the signer asks for them; the slot
// of the variant comes back corrupted.
class Signing {
 public:
  Signing(const Keys& keys, const Transaction& tx, int64_t amount, const SpentOutput& spent, Variant v)
      : keys_(keys), tx_(tx), amount_(amount), spent_(spent), v_(v) {}

  Hash256 legacy(const Bytes& code) const { return legacy_sighash(tx_, 0, code, kSighashAll); }
  Hash256 v0(const Bytes& code) const {
    return segwit_v0_sighash(tx_, 0, code, amount_, kSighashAll, SegwitV0Hashes(tx_));
  }
  Hash256 tapscript(const Bytes& leaf) const {
    Bytes leaf_msg{kTapleafTapscript};
    put_bytes(leaf_msg, leaf);
    TapscriptExt ext;
    ext.tapleaf_hash = tagged_hash("TapLeaf", leaf_msg);
    Hash256 h;
    EXPECT_TRUE(taproot_sighash(tx_, 0, {&spent_, 1}, kSighashDefault, TaprootHashes(tx_, {&spent_, 1}), std::nullopt,
                                &ext, &h));
    return h;
  }
  // One ECDSA signature slot (DER and SIGHASH_ALL).
  Bytes ecdsa(int key, const Hash256& digest) {
    const Corrupt how = next();
    Bytes der = keys_.ecdsa_der(how == Corrupt::kOtherKey ? kD : key, how == Corrupt::kOtherMessage ? other(digest) : digest);
    if (how == Corrupt::kFlip) der.back() ^= 1;  // the low bit of s: still strict DER
    der.push_back(kSighashAll);
    return der;
  }
  // A signature that is not a slot (never corrupted).
  Bytes ecdsa_fixed(int key, const Hash256& digest) const {
    Bytes der = keys_.ecdsa_der(key, digest);
    der.push_back(kSighashAll);
    return der;
  }
  // One BIP340 signature slot (SIGHASH_DEFAULT: 64 bytes).
  Bytes schnorr(int key, const Hash256& digest) {
    const Corrupt how = next();
    Bytes sig = keys_.schnorr(how == Corrupt::kOtherKey ? kD : key, how == Corrupt::kOtherMessage ? other(digest) : digest);
    if (how == Corrupt::kFlip) sig[63] ^= 1;  // the low bit of s
    return sig;
  }
  int slots() const { return slot_; }

 private:
  Corrupt next() { return slot_++ == v_.slot ? v_.how : Corrupt::kNone; }
  static Hash256 other(const Hash256& d) { return sha256d(ByteView(d.bytes.data(), d.bytes.size())); }

  const Keys& keys_;
  const Transaction& tx_;
  int64_t amount_;
  SpentOutput spent_;
  Variant v_;
  int slot_ = 0;
};

// ---- the spends ------------------------------------------------------------------

struct Expect {
  bool ok = true;
  Error error = Error::kOk;
  bool operator==(const Expect&) const = default;
};
constexpr Expect kValid{};
constexpr Expect fails(Error e) { return Expect{false, e}; }
std::string text(const Expect& e) {
  return e.ok ? std::string("valid") : "invalid (" + std::string(error_name(e.error)) + ")";
}

// The two flag sets: the block's (regtest height 2: no NULLFAIL), and the
// block's with NULLFAIL (a failed check's signature must be empty).
enum FlagSet { kBlockFlags, kWithNullFail, kFlagSets };

struct Recipe {
  std::string name;
  Bytes script_pubkey;
  int slots = 0;  // signature slots the signer fills
  std::function<void(Signing&, OwnedIn&)> sign;
  // What must come out, per flag set: with every signature valid, and with
  // any one slot corrupted (every corruption makes that check fail).
  Expect valid[kFlagSets];
  Expect corrupted[kFlagSets];
  // In every block as a bystander (valid under both flag sets).
  bool background = true;
  // The deferred path must re-execute it with every signature valid (a
  // wrong first pairing of CHECKMULTISIG, a wrong CHECKSIG assumed true).
  bool reexecuted_when_valid = false;
  // Under the block flags, where re-execution meets a check the first batch
  // did not hold (so judge_spends verifies a second batch): with every
  // signature valid, and with which slot corrupted. Never under NULLFAIL:
  // there a failed non-empty signature ends the script at once.
  bool second_batch_when_valid = false;
  int second_batch_slot = -1;
};

Bytes push(const Bytes& data) { return push_of(ByteView(data.data(), data.size())); }
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes op(uint8_t o) { return Bytes{o}; }
Bytes multisig(const Keys& k, int m, std::initializer_list<int> keys) {
  Bytes s = op(static_cast<uint8_t>(OP_1 - 1 + m));
  for (int key : keys) s = cat({s, push(k.pub(key))});
  return cat({s, op(static_cast<uint8_t>(OP_1 - 1 + static_cast<int>(keys.size()))), op(OP_CHECKMULTISIG)});
}
Bytes p2sh(const Bytes& redeem) {
  const auto h = hash160(ByteView(redeem.data(), redeem.size()));
  return cat({op(OP_HASH160), push(Bytes(h.begin(), h.end())), op(OP_EQUAL)});
}
Bytes p2wsh(const Bytes& ws) {
  const Hash256 h = sha256(ByteView(ws.data(), ws.size()));
  return cat({op(OP_0), push(Bytes(h.bytes.begin(), h.bytes.end()))});
}

const Expect kMultisigCorrupt[kFlagSets] = {fails(Error::kEvalFalse), fails(Error::kSigNullFail)};

std::vector<Recipe> make_recipes(const Keys& k) {
  std::vector<Recipe> r;
  const Expect ok2[kFlagSets] = {kValid, kValid};
  auto add = [&](Recipe x, const Expect (&valid)[kFlagSets], const Expect (&corrupted)[kFlagSets]) {
    for (int f = 0; f < kFlagSets; ++f) x.valid[f] = valid[f], x.corrupted[f] = corrupted[f];
    r.push_back(std::move(x));
  };

  // Bare multisig: OP_0 <sigs> against the output script itself.
  auto bare = [&](std::string name, int m, std::initializer_list<int> keys, std::vector<int> signers, bool reexec) {
    Recipe x;
    x.name = std::move(name);
    x.script_pubkey = multisig(k, m, keys);
    x.slots = static_cast<int>(signers.size());
    x.reexecuted_when_valid = reexec;
    const Bytes spk = x.script_pubkey;
    x.sign = [spk, signers](Signing& s, OwnedIn& in) {
      const Hash256 h = s.legacy(spk);
      in.script_sig = op(OP_0);
      for (int key : signers) in.script_sig = cat({in.script_sig, push(s.ecdsa(key, h))});
    };
    add(std::move(x), ok2, kMultisigCorrupt);
  };
  // CHECKMULTISIG matches as Core's: from the last signature and the last
  // key down, a signature giving up a key when the check fails. The first
  // execution assumes each check it asks valid, so a signature of an
  // earlier key than the last one left is wrongly taken for that later key:
  // re-executed with the true verdicts (and decided by them: every pairing
  // it can try was prefetched into the first batch).
  bare("bare 1-of-2, key A signs", 1, {kA, kB}, {kA}, true);  // sig A tried against B first
  bare("bare 1-of-2, key B signs", 1, {kA, kB}, {kB}, false);
  bare("bare 2-of-3, A and B sign", 2, {kA, kB, kC}, {kA, kB}, true);  // sig B against C first
  bare("bare 2-of-3, A and C sign", 2, {kA, kB, kC}, {kA, kC}, true);  // sig A against B first
  bare("bare 2-of-3, B and C sign", 2, {kA, kB, kC}, {kB, kC}, false);
  {
    Recipe x;
    x.name = "P2SH 2-of-3, A and C sign";  // sig A against B first
    const Bytes redeem = multisig(k, 2, {kA, kB, kC});
    x.script_pubkey = p2sh(redeem);
    x.slots = 2;
    x.reexecuted_when_valid = true;
    x.sign = [redeem](Signing& s, OwnedIn& in) {
      const Hash256 h = s.legacy(redeem);
      in.script_sig = cat({op(OP_0), push(s.ecdsa(kA, h)), push(s.ecdsa(kC, h)), push(redeem)});
    };
    add(std::move(x), ok2, kMultisigCorrupt);
  }
  {
    Recipe x;
    x.name = "P2WSH 2-of-3, B and C sign";
    const Bytes ws = multisig(k, 2, {kA, kB, kC});
    x.script_pubkey = p2wsh(ws);
    x.slots = 2;
    x.sign = [ws](Signing& s, OwnedIn& in) {
      const Hash256 h = s.v0(ws);
      in.witness = {Bytes{}, s.ecdsa(kB, h), s.ecdsa(kC, h), ws};
    };
    add(std::move(x), ok2, kMultisigCorrupt);
  }

  // P2WSH IF <A> CHECKSIG ELSE <B> CHECKSIG ENDIF, both branches.
  const Bytes if_else = cat({op(OP_IF), push(k.pub(kA)), op(OP_CHECKSIG), op(OP_ELSE), push(k.pub(kB)), op(OP_CHECKSIG),
                             op(OP_ENDIF)});
  for (const bool then_branch : {true, false}) {
    Recipe x;
    x.name = then_branch ? "P2WSH IF branch, key A signs" : "P2WSH ELSE branch, key B signs";
    x.script_pubkey = p2wsh(if_else);
    x.slots = 1;
    x.sign = [if_else, then_branch](Signing& s, OwnedIn& in) {
      const Hash256 h = s.v0(if_else);
      in.witness = {s.ecdsa(then_branch ? kA : kB, h), then_branch ? Bytes{1} : Bytes{}, if_else};
    };
    add(std::move(x), ok2, kMultisigCorrupt);
  }

  // Bare <A> CHECKSIG NOT: valid only when the check fails. A valid
  // signature makes it false; a corrupted non-empty one makes it true
  // (invalid -> valid) unless NULLFAIL, which wants the failing one empty.
  const Bytes not_script = cat({push(k.pub(kA)), op(OP_CHECKSIG), op(OP_NOT)});
  {
    Recipe x;
    x.name = "<A> CHECKSIG NOT, A's signature";
    x.script_pubkey = not_script;
    x.slots = 1;
    x.background = false;
    x.sign = [not_script](Signing& s, OwnedIn& in) { in.script_sig = push(s.ecdsa(kA, s.legacy(not_script))); };
    const Expect valid[kFlagSets] = {fails(Error::kEvalFalse), fails(Error::kEvalFalse)};
    const Expect corrupted[kFlagSets] = {kValid, fails(Error::kSigNullFail)};
    add(std::move(x), valid, corrupted);
  }
  {
    Recipe x;
    x.name = "<A> CHECKSIG NOT, empty signature";
    x.script_pubkey = not_script;
    x.slots = 0;
    x.sign = [](Signing&, OwnedIn& in) { in.script_sig = op(OP_0); };
    add(std::move(x), ok2, ok2);
  }

  // P2SH <A> CHECKSIG IF <B> CHECKSIG ELSE <C> CHECKSIG ENDIF: the first
  // check's result picks the second key. scriptSig: <sig2> <sig1> <redeem>.
  const Bytes steer = cat({push(k.pub(kA)), op(OP_CHECKSIG), op(OP_IF), push(k.pub(kB)), op(OP_CHECKSIG), op(OP_ELSE),
                           push(k.pub(kC)), op(OP_CHECKSIG), op(OP_ENDIF)});
  {
    // A signs, then B. A's corrupted: the ELSE branch tries sig B against C,
    // a check the first execution never asked (a second batch).
    Recipe x;
    x.name = "CHECKSIG IF: A signs, then B";
    x.script_pubkey = p2sh(steer);
    x.slots = 2;
    x.second_batch_slot = 0;
    x.sign = [steer](Signing& s, OwnedIn& in) {
      const Hash256 h = s.legacy(steer);
      const Bytes sig_a = s.ecdsa(kA, h), sig_b = s.ecdsa(kB, h);
      in.script_sig = cat({push(sig_b), push(sig_a), push(steer)});
    };
    add(std::move(x), ok2, kMultisigCorrupt);
  }
  {
    // C's signature offered to A (fails, non-empty), then C's to the branch
    // that failure picks: valid without NULLFAIL, found only by a second
    // execution that takes the ELSE branch and a second batch.
    Recipe x;
    x.name = "CHECKSIG IF: C's signature fails A, then C";
    x.script_pubkey = p2sh(steer);
    x.slots = 1;
    x.background = false;
    x.reexecuted_when_valid = true;
    x.second_batch_when_valid = true;
    x.second_batch_slot = 0;
    x.sign = [steer](Signing& s, OwnedIn& in) {
      const Hash256 h = s.legacy(steer);
      const Bytes wrong = s.ecdsa_fixed(kC, h);
      in.script_sig = cat({push(s.ecdsa(kC, h)), push(wrong), push(steer)});
    };
    const Expect valid[kFlagSets] = {kValid, fails(Error::kSigNullFail)};
    add(std::move(x), valid, kMultisigCorrupt);
  }
  {
    Recipe x;
    x.name = "CHECKSIG IF: empty for A, then C";
    x.script_pubkey = p2sh(steer);
    x.slots = 1;
    x.sign = [steer](Signing& s, OwnedIn& in) {
      const Hash256 h = s.legacy(steer);
      in.script_sig = cat({push(s.ecdsa(kC, h)), op(OP_0), push(steer)});
    };
    add(std::move(x), ok2, kMultisigCorrupt);
  }

  // Tapscript <A> CHECKSIG <B> CHECKSIGADD <C> CHECKSIGADD 2 NUMEQUAL, one
  // leaf. Witness: <sig C> <sig B> <sig A> <script> <control>. A failing
  // non-empty signature ends the script (SCHNORR_SIG) under any flags.
  const Bytes tap = cat({push(k.xonly(kA)), op(OP_CHECKSIG), push(k.xonly(kB)), op(OP_CHECKSIGADD), push(k.xonly(kC)),
                         op(OP_CHECKSIGADD), op(OP_2), op(OP_NUMEQUAL)});
  const OneLeafTree tree = one_leaf_taproot_tree(tap, core_test_internal_key());
  EXPECT_EQ(tree.output_key.size(), 32u);
  const Bytes p2tr = cat({op(OP_1), push(tree.output_key)});
  const Expect schnorr_corrupt[kFlagSets] = {fails(Error::kSchnorrSig), fails(Error::kSchnorrSig)};
  auto tapscript = [&](std::string name, std::array<bool, 3> signs, const Expect (&valid)[kFlagSets]) {
    Recipe x;
    x.name = std::move(name);
    x.script_pubkey = p2tr;
    x.slots = signs[0] + signs[1] + signs[2];
    x.background = valid[0].ok;
    const Bytes control = tree.control_block;
    x.sign = [tap, control, signs](Signing& s, OwnedIn& in) {
      const Hash256 h = s.tapscript(tap);
      Bytes sig[3];
      for (int key : {kA, kB, kC})
        if (signs[key]) sig[key] = s.schnorr(key, h);
      in.witness = {sig[kC], sig[kB], sig[kA], tap, control};
    };
    add(std::move(x), valid, schnorr_corrupt);
  };
  tapscript("tapscript 2-of-3 CHECKSIGADD, A and C sign (B empty)", {true, false, true}, ok2);
  tapscript("tapscript 2-of-3 CHECKSIGADD, B and C sign (A empty)", {false, true, true}, ok2);
  const Expect one_short[kFlagSets] = {fails(Error::kEvalFalse), fails(Error::kEvalFalse)};
  tapscript("tapscript 2-of-3 CHECKSIGADD, only A signs", {true, false, false}, one_short);
  return r;
}

// ---- blocks ------------------------------------------------------------------------

constexpr int64_t kAmount = kCoin;
constexpr int64_t kFee = 1000;
constexpr uint32_t kBits = 0x207fffff;
constexpr uint32_t kTime0 = 1296688602;

void set_header(OwnedBlock& b, const Hash256& prev, uint32_t height) {
  b.header.assign(80, 0);
  const uint32_t version = 0x20000000, time = kTime0 + 600 * height;
  for (int i = 0; i < 4; ++i) {
    b.header[i] = static_cast<uint8_t>(version >> (8 * i));
    b.header[68 + i] = static_cast<uint8_t>(time >> (8 * i));
    b.header[72 + i] = static_cast<uint8_t>(kBits >> (8 * i));
  }
  std::copy(prev.bytes.begin(), prev.bytes.end(), b.header.begin() + 4);
}
Hash256 mine(OwnedBlock& b) {
  for (uint32_t nonce = 0;; ++nonce) {
    for (int i = 0; i < 4; ++i) b.header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
    const Hash256 h = sha256d(ByteView(b.header.data(), 80));
    if (check_proof_of_work(h, kBits, Network::kRegtest)) return h;
  }
}
OwnedTx coinbase(uint32_t height, std::vector<OwnedOut> outputs, bool commitment) {
  OwnedTx cb;
  OwnedIn in;
  in.prevout.index = 0xffffffff;
  in.script_sig = cat({bip34_height_script(height), Bytes{0x01, 0x2a}});
  if (commitment) {
    in.witness = {Bytes(32, 0)};
    Bytes c = {OP_RETURN, 0x24, 0xaa, 0x21, 0xa9, 0xed};
    c.resize(38, 0);
    outputs.push_back({0, c});
  }
  cb.inputs.push_back(in);
  cb.outputs = std::move(outputs);
  return cb;
}

// The chain up to the funding block: block 0 (its coinbase unspendable, as
// every genesis), block 1 whose coinbase pays kAmount to each recipe's
// output script in recipe order.
struct Funding {
  OwnedBlock genesis, block1;
  Hash256 genesis_hash, block1_hash, txid;
};
Funding make_funding(const std::vector<Recipe>& recipes) {
  Funding f;
  set_header(f.genesis, Hash256{}, 0);
  f.genesis.txs.push_back(coinbase(0, {{50 * kCoin, op(OP_1)}}, false));
  f.genesis.txs[0].inputs[0].script_sig = {0x01, 0x00};  // no height before BIP34
  fix_merkle_root(f.genesis);
  f.genesis_hash = mine(f.genesis);
  set_header(f.block1, f.genesis_hash, 1);
  std::vector<OwnedOut> outs;
  for (const Recipe& r : recipes) outs.push_back({kAmount, r.script_pubkey});
  f.block1.txs.push_back(coinbase(1, outs, false));
  fix_merkle_root(f.block1);
  f.block1_hash = mine(f.block1);
  f.txid = txid(f.block1.txs[0]);
  return f;
}

// The transaction spending recipe `index`'s output, signed as `v` says.
OwnedTx spend(const Keys& keys, const Funding& f, const std::vector<Recipe>& recipes, size_t index, Variant v) {
  const Recipe& r = recipes[index];
  OwnedTx tx;
  tx.inputs.push_back(OwnedIn{OutPoint{f.txid, static_cast<uint32_t>(index)}, {}, 0xffffffff, {}});
  tx.outputs.push_back({kAmount - kFee, op(OP_1)});
  const Bytes unsigned_bytes = serialize(tx);
  Transaction view;
  EXPECT_TRUE(parse_transaction(ByteView(unsigned_bytes.data(), unsigned_bytes.size()), &view).ok());
  Signing s(keys, view, kAmount, SpentOutput{kAmount, ByteView(r.script_pubkey)}, v);
  r.sign(s, tx.inputs[0]);
  EXPECT_EQ(s.slots(), r.slots) << r.name;
  return tx;
}

// Block 2: the subject's spend first, then every other background recipe's
// with all signatures valid.
struct Block2 {
  Bytes bytes;
  std::vector<size_t> recipe_of;  // per spending transaction (tx 1, 2, ...)
};
Block2 make_block2(const Keys& keys, const Funding& f, const std::vector<Recipe>& recipes, size_t subject, Variant v,
                   const std::function<bool(const Recipe&)>& bystander = {}) {
  Block2 out;
  OwnedBlock b;
  set_header(b, f.block1_hash, 2);
  b.txs.push_back(coinbase(2, {{block_subsidy(2, Network::kRegtest), op(OP_1)}}, true));
  b.txs.push_back(spend(keys, f, recipes, subject, v));
  out.recipe_of.push_back(subject);
  for (size_t i = 0; i < recipes.size(); ++i) {
    if (i == subject || !recipes[i].background || (bystander && !bystander(recipes[i]))) continue;
    b.txs.push_back(spend(keys, f, recipes, i, Variant{}));
    out.recipe_of.push_back(i);
  }
  b.txs[0].outputs[0].value += kFee * static_cast<int64_t>(out.recipe_of.size());
  fix_witness_commitment(b);
  mine(b);
  out.bytes = serialize(b);
  return out;
}

// ---- the two paths -------------------------------------------------------------

struct Deferred {
  std::vector<InputVerdict> verdicts;
  std::vector<bool> reexecuted;  // an assumed check came back invalid
  std::vector<bool> assumed_ok;  // the optimistic execution's verdict
  Validity validity;
  size_t second_batches = 0;     // judge_spends' calls of the Verifier
};

Deferred run_deferred(Verifier& verifier, const std::vector<Transaction>& txs, const PrevoutLookup& lookup,
                      uint32_t flags) {
  SpendRules rules;
  rules.flags = flags;
  const BlockSpends spends = collect_block_spends(txs, lookup, rules);
  EXPECT_EQ(spends.not_verified, 0u);
  std::vector<uint8_t> verdicts(spends.checks.size(), 0);
  EXPECT_TRUE(verifier.verify(spends.checks, verdicts).ok());
  Deferred d;
  const BatchVerify reverify = [&](std::span<const Check> c, std::span<uint8_t> v) {
    ++d.second_batches;
    return verifier.verify(c, v);
  };
  EXPECT_TRUE(judge_spends(spends, verdicts, reverify, &d.verdicts).ok());
  for (const InputSpend& s : spends.inputs) {
    bool again = false;
    for (uint32_t c = s.first_check; c < s.first_check + s.check_count; ++c) again |= spends.asked[c] && !verdicts[c];
    d.reexecuted.push_back(again);
    d.assumed_ok.push_back(s.assumed_ok);
  }
  d.validity = spends_validity(spends, d.verdicts);
  return d;
}

Expect run_immediate(const Transaction& tx, const Prevout& p, uint32_t flags) {
  const script::TxContext ctx(tx, {SpentOutput{p.amount, ByteView(p.script_pubkey)}});
  script::ImmediateOracle oracle;
  Error error = Error::kOk;
  const bool ok = verify_input(ctx, 0, flags, oracle, &error);
  return Expect{ok, ok ? Error::kOk : error};
}

std::string reason_for(const Expect& e) {
  return "mandatory-script-verify-flag-failed (" + std::string(error_message(e.error)) + ")";
}

struct Case {
  size_t recipe;
  Variant v;
};
std::vector<Case> all_cases(const std::vector<Recipe>& recipes) {
  std::vector<Case> cases;
  for (size_t i = 0; i < recipes.size(); ++i) {
    cases.push_back({i, Variant{}});
    for (int slot = 0; slot < recipes[i].slots; ++slot)
      for (Corrupt how : kCorruptions) cases.push_back({i, Variant{slot, how}});
  }
  return cases;
}
std::string describe(const Recipe& r, Variant v) {
  return r.name + ": " + (v.slot < 0 ? std::string("all valid") : "signature " + std::to_string(v.slot) + " " + corrupt_name(v.how));
}

// 17 spends with 24 signature slots: 17 all-valid cases and 24 x 3 corrupted.
constexpr size_t kRecipes = 17, kSlots = 24, kCasesPerFlagSet = kRecipes + 3 * kSlots;  // 89

struct Totals {
  size_t cases = 0, valid = 0, invalid = 0, invalid_to_valid = 0, valid_to_invalid = 0, blocks_with_redo = 0,
         mixed_blocks = 0, second_batch_blocks = 0, inputs = 0;
};

// The spends, their funding chain and a CPU Verifier.
struct World {
  Keys keys;
  std::vector<Recipe> recipes = make_recipes(keys);
  Funding f = make_funding(recipes);
  std::map<OutPoint, Prevout> prevouts;
  PrevoutLookup lookup;
  std::unique_ptr<Verifier> verifier;
  // Regtest's block flags at height 2, as ChainState applies them.
  uint32_t block_flags = ChainParams::Regtest().script_flags(2, Hash256{});

  World() {
    for (size_t i = 0; i < recipes.size(); ++i)
      prevouts[OutPoint{f.txid, static_cast<uint32_t>(i)}] = Prevout{kAmount, recipes[i].script_pubkey};
    lookup = [this](const OutPoint& p) -> const Prevout* {
      const auto it = prevouts.find(p);
      return it == prevouts.end() ? nullptr : &it->second;
    };
    VerifierOptions vo;
    vo.backend = Backend::kCpu;
    EXPECT_TRUE(Verifier::Create(vo, &verifier).ok());
  }
  size_t find(std::string_view name) const {
    for (size_t i = 0; i < recipes.size(); ++i)
      if (recipes[i].name == name) return i;
    ADD_FAILURE() << "no recipe " << name;
    return 0;
  }
};

// The block's transactions (views into `bytes`).
std::vector<Transaction> transactions_of(const Bytes& bytes) {
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  EXPECT_TRUE(parse_block(bytes, &parsed).ok());
  EXPECT_TRUE(read_block_transactions(bytes, parsed, &txs).ok());
  return txs;
}

TEST(BlockDeferred, EveryVerdictEqualsImmediateAndTheStatedOne) {
  const World w;
  const std::vector<Recipe>& recipes = w.recipes;
  const PrevoutLookup& lookup = w.lookup;
  ASSERT_EQ(recipes.size(), kRecipes);
  size_t slots = 0;
  for (const Recipe& r : recipes) slots += static_cast<size_t>(r.slots);
  ASSERT_EQ(slots, kSlots);
  const std::vector<Case> cases = all_cases(recipes);
  ASSERT_EQ(cases.size(), kCasesPerFlagSet);
  const uint32_t block_flags = w.block_flags;
  ASSERT_EQ(block_flags, kVerifyP2SH | kVerifyWitness | kVerifyTaproot | kVerifyDerSig | kVerifyCheckLockTimeVerify |
                             kVerifyCheckSequenceVerify | kVerifyNullDummy);
  const uint32_t flag_sets[kFlagSets] = {block_flags, block_flags | kVerifyNullFail};

  Totals t;
  for (int fs = 0; fs < kFlagSets; ++fs) {
    const uint32_t flags = flag_sets[fs];
    for (const Case& c : cases) {
      const Recipe& r = recipes[c.recipe];
      const bool corrupted = c.v.slot >= 0;
      const Expect expected = corrupted ? r.corrupted[fs] : r.valid[fs];
      SCOPED_TRACE(describe(r, c.v) + ", flags " + script::flags_string(flags));
      const Block2 block = make_block2(w.keys, w.f, recipes, c.recipe, c.v);
      const std::vector<Transaction> txs = transactions_of(block.bytes);
      ASSERT_EQ(txs.size(), block.recipe_of.size() + 1);
      const Deferred d = run_deferred(*w.verifier, txs, lookup, flags);
      ASSERT_EQ(d.verdicts.size(), block.recipe_of.size());
      size_t redone = 0;
      for (size_t k = 0; k < block.recipe_of.size(); ++k) {
        const Recipe& in_r = recipes[block.recipe_of[k]];
        const bool subject = k == 0;
        const Expect want = subject ? expected : kValid;
        const Expect now = run_immediate(txs[k + 1], *lookup(txs[k + 1].inputs[0].prevout), flags);
        const Expect later{d.verdicts[k].ok, d.verdicts[k].ok ? Error::kOk : d.verdicts[k].error};
        EXPECT_EQ(now, want) << "immediate, input of " << in_r.name << ": " << text(now) << ", stated " << text(want);
        EXPECT_EQ(later, now) << "deferred, input of " << in_r.name << ": " << text(later) << ", immediate " << text(now);
        // Re-executed exactly where an assumed check failed, as stated.
        const bool redo = (subject && corrupted) || in_r.reexecuted_when_valid;
        EXPECT_EQ(d.reexecuted[k], redo) << "re-execution of the input of " << in_r.name;
        if (!redo) {
          EXPECT_EQ(d.assumed_ok[k], later.ok) << in_r.name;  // kept the optimistic verdict
        }
        redone += d.reexecuted[k];
        ++t.inputs;
      }
      // The one re-executed input turned around by its true verdicts.
      if (corrupted && r.valid[fs].ok && !expected.ok) ++t.valid_to_invalid;
      if (corrupted && !r.valid[fs].ok && expected.ok) ++t.invalid_to_valid;
      if (redone > 0 && redone < block.recipe_of.size()) ++t.mixed_blocks;
      t.blocks_with_redo += redone > 0;
      // A second batch exactly where stated (under the block flags).
      const bool second = fs == kBlockFlags && (corrupted ? c.v.slot == r.second_batch_slot : r.second_batch_when_valid);
      EXPECT_EQ(d.second_batches > 0, second) << d.second_batches << " second batches";
      t.second_batch_blocks += d.second_batches > 0;
      // The block: the subject's verdict, with Core's reason.
      EXPECT_EQ(d.validity.valid, expected.ok) << d.validity.reason;
      if (!expected.ok) {
        EXPECT_EQ(d.validity.reason, reason_for(expected)) << d.validity.debug;
      }
      (expected.ok ? t.valid : t.invalid) += 1;
      ++t.cases;
    }
  }
  // 2 x 89 blocks. Valid: under the block flags the 15 all-valid spends but
  // the NOT one and the one-short tapscript, and the NOT spend corrupted 3
  // ways (invalid -> valid); under NULLFAIL the 14 all-valid ones that do
  // not offer a failing non-empty signature. Valid -> invalid: every
  // corrupted slot of a spend valid under that flag set (22 slots under the
  // block flags, 21 under NULLFAIL, 3 ways each).
  EXPECT_EQ(t.cases, 2 * kCasesPerFlagSet);
  EXPECT_EQ(t.valid, 18u + 14u);
  EXPECT_EQ(t.invalid, 2 * kCasesPerFlagSet - 32);
  EXPECT_EQ(t.invalid_to_valid, 3u);
  EXPECT_EQ(t.valid_to_invalid, 3u * 22 + 3u * 21);
  // Every block holds bystanders re-executed (multisig signatures of an
  // earlier key) and bystanders kept as executed.
  EXPECT_EQ(t.mixed_blocks, t.cases);
  // Block flags: R12a with A's signature corrupted (3 ways), R12b all valid
  // and with C's signature corrupted (1 + 3).
  EXPECT_EQ(t.second_batch_blocks, 7u);
  // 14 bystanders; 77 cases of theirs (13 others each), 12 of the other three.
  EXPECT_EQ(t.inputs, 2u * (77 * 14 + 12 * 15));
  std::printf("block-deferred: %zu blocks (%zu valid, %zu invalid), %zu inputs; %zu invalid->valid, %zu valid->invalid; "
              "%zu with a second batch\n",
              t.cases, t.valid, t.invalid, t.inputs, t.invalid_to_valid, t.valid_to_invalid, t.second_batch_blocks);
}

// One block where exactly one input is executed again: every bystander's
// first execution asked only checks that verified (no CHECKMULTISIG pairing
// tried before its key), and the subject's corrupted signature came back
// invalid. It is then judged from the true verdicts, the others keep their
// optimistic verdicts: the block turns invalid (2-of-3 by B and C, C's signature
// flipped) or valid (<A> CHECKSIG NOT with a corrupted signature).
TEST(BlockDeferred, OneInputExecutedAgainTheOthersKept) {
  const World w;
  const auto kept = [](const Recipe& r) { return !r.reexecuted_when_valid; };
  struct {
    const char* recipe;
    bool block_valid;
    Expect subject;
    size_t inputs;  // the 10 bystanders kept as executed, the subject among them or not
  } const blocks[] = {
      {"bare 2-of-3, B and C sign", false, fails(Error::kEvalFalse), 10},
      {"<A> CHECKSIG NOT, A's signature", true, kValid, 11},
  };
  size_t ran = 0;
  for (const auto& b : blocks) {
    SCOPED_TRACE(b.recipe);
    const size_t subject = w.find(b.recipe);
    const Block2 block = make_block2(w.keys, w.f, w.recipes, subject, Variant{w.recipes[subject].slots - 1, Corrupt::kFlip}, kept);
    const std::vector<Transaction> txs = transactions_of(block.bytes);
    ASSERT_EQ(block.recipe_of.size(), b.inputs);
    const Deferred d = run_deferred(*w.verifier, txs, w.lookup, w.block_flags);
    size_t again = 0;
    for (size_t k = 0; k < d.verdicts.size(); ++k) {
      again += d.reexecuted[k];
      EXPECT_EQ(d.reexecuted[k], k == 0) << w.recipes[block.recipe_of[k]].name;
      EXPECT_EQ(d.verdicts[k].ok, k == 0 ? b.subject.ok : true) << w.recipes[block.recipe_of[k]].name;
    }
    EXPECT_EQ(again, 1u);
    // The optimistic verdict was the opposite; the true one replaced it.
    EXPECT_EQ(d.assumed_ok[0], !b.subject.ok);
    EXPECT_EQ(d.verdicts[0].error, b.subject.error);
    EXPECT_EQ(d.second_batches, 0u);  // decided by the first batch's verdicts
    EXPECT_EQ(d.validity.valid, b.block_valid) << d.validity.reason;
    if (!b.block_valid) {
      EXPECT_EQ(d.validity.reason, reason_for(b.subject));
    }
    ++ran;
  }
  EXPECT_EQ(ran, 2u);
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("vigil-blockdef-" + std::to_string(std::random_device{}()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// The whole chain path: every one of the 89 blocks of the block flags
// through ChainState::connect_block on regtest (mined, coinbase maturity 1
// so that block 2 spends block 1's coinbase). A valid one is connected (then
// disconnected again), an invalid one rejected with Core's reason
// mandatory-script-verify-flag-failed (...) and not connected.
TEST(BlockDeferred, ChainStateAcceptsTheValidAndRejectsTheCorruptedWithCoresReason) {
  const World w;
  std::unique_ptr<Hasher> hasher;
  HasherOptions ho;
  ho.backend = Backend::kCpu;
  ASSERT_TRUE(Hasher::Create(ho, &hasher).ok());
  TempDir dir;
  ChainStateOptions o;
  o.store.path = dir.path();
  o.store.sync = false;
  o.network = Network::kRegtest;
  o.coinbase_maturity = 1;
  std::unique_ptr<ChainState> chain;
  ASSERT_TRUE(ChainState::Open(o, w.verifier.get(), hasher.get(), &chain).ok());
  for (const OwnedBlock* b : {&w.f.genesis, &w.f.block1}) {
    const Bytes bytes = serialize(*b);
    ConnectReport r;
    ASSERT_TRUE(chain->connect_block(bytes, &r).ok());
    ASSERT_TRUE(r.validity.valid) << r.validity.reason << " " << r.validity.debug;
  }
  ASSERT_EQ(chain->tip()->hash, w.f.block1_hash);

  size_t cases = 0, accepted = 0, rejected = 0;
  for (const Case& c : all_cases(w.recipes)) {
    const Recipe& r = w.recipes[c.recipe];
    const Expect expected = c.v.slot >= 0 ? r.corrupted[kBlockFlags] : r.valid[kBlockFlags];
    SCOPED_TRACE(describe(r, c.v));
    const Block2 block = make_block2(w.keys, w.f, w.recipes, c.recipe, c.v);
    ConnectReport report;
    ASSERT_TRUE(chain->connect_block(block.bytes, &report).ok());
    EXPECT_EQ(report.validity.valid, expected.ok) << report.validity.reason << " " << report.validity.debug;
    EXPECT_EQ(report.not_verified, 0u);
    if (report.validity.valid) {
      EXPECT_EQ(chain->tip()->height, 2u);
      ASSERT_TRUE(chain->disconnect_tip().ok());
      ++accepted;
    } else {
      EXPECT_EQ(report.validity.reason, reason_for(expected));
      ++rejected;
    }
    ASSERT_EQ(chain->tip()->hash, w.f.block1_hash);
    ++cases;
  }
  EXPECT_EQ(cases, kCasesPerFlagSet);
  EXPECT_EQ(accepted, 18u);
  EXPECT_EQ(rejected, kCasesPerFlagSet - 18);
}

}  // namespace
}  // namespace vigil::test
