#include "cli/script_assets_gen.hpp"

#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim_keys.hpp"
#include "vigil/hash.hpp"
#include "vigil/sighash.hpp"
#include "vigil/transaction.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil::clitest {
namespace {

using cli::sim::Signer;
using Key = Signer::Key;

constexpr uint64_t kSeed = 0x7669676c'61737473;  // "vigl" "asts"
constexpr const char* kTaproot = "P2SH,WITNESS,TAPROOT";
constexpr uint8_t kAnnexTag = 0x50;  // BIP341: a last witness element starting so is the annex

// The opcodes the cases use.
enum : uint8_t {
  OP_0 = 0x00,
  OP_PUSHDATA1 = 0x4c,
  OP_RESERVED = 0x50,  // OP_SUCCESS80 in tapscript
  OP_1 = 0x51,
  OP_2 = 0x52,
  OP_3 = 0x53,
  OP_VERIFY = 0x69,
  OP_RETURN = 0x6a,
  OP_DROP = 0x75,
  OP_DUP = 0x76,
  OP_CAT = 0x7e,  // disabled in legacy script, OP_SUCCESS126 in tapscript
  OP_EQUAL = 0x87,
  OP_EQUALVERIFY = 0x88,
  OP_NUMEQUAL = 0x9c,
  OP_HASH160 = 0xa9,
  OP_CHECKSIG = 0xac,
  OP_CHECKMULTISIG = 0xae,
  OP_CHECKLOCKTIMEVERIFY = 0xb1,
  OP_CHECKSIGADD = 0xba,
  OP_SUCCESS187 = 0xbb,
};

// A script, built as Core's CScript() << ... (pushes are minimal pushes of
// the data; numbers are pushed as data).
class Script {
 public:
  Script() = default;
  Script(std::initializer_list<uint8_t> ops) : b_(ops) {}
  Script& op(uint8_t o) {
    b_.push_back(o);
    return *this;
  }
  Script& push(ByteView data) {
    const Bytes p = push_of(data);
    b_.insert(b_.end(), p.begin(), p.end());
    return *this;
  }
  template <size_t N>
  Script& push(const std::array<uint8_t, N>& a) {
    return push(ByteView(a.data(), N));
  }
  Script& push(const Bytes& b) { return push(ByteView(b.data(), b.size())); }
  const Bytes& bytes() const { return b_; }
  operator Bytes() const { return b_; }

 private:
  Bytes b_;
};

Bytes flip(Bytes b, size_t at) {
  b.at(at) ^= 0x01;
  return b;
}

// ---- Taproot trees ---------------------------------------------------------

struct Leaf {
  uint8_t version = 0xc0;
  Bytes script;
};
struct Node;
using Tree = std::shared_ptr<const Node>;
struct Node {
  std::optional<Leaf> leaf;
  Tree left, right;
};
Tree leaf(Bytes script, uint8_t version = 0xc0) { return std::make_shared<Node>(Node{Leaf{version, std::move(script)}, {}, {}}); }
Tree branch(Tree a, Tree b) { return std::make_shared<Node>(Node{std::nullopt, std::move(a), std::move(b)}); }

Hash256 leaf_hash(const Leaf& l) {
  Bytes m{l.version};
  put_bytes(m, l.script);
  return tagged_hash("TapLeaf", m);
}
Hash256 branch_hash(const Hash256& a, const Hash256& b) {
  const bool a_first = a.bytes <= b.bytes;
  Bytes m;
  const Hash256& x = a_first ? a : b;
  const Hash256& y = a_first ? b : a;
  m.insert(m.end(), x.bytes.begin(), x.bytes.end());
  m.insert(m.end(), y.bytes.begin(), y.bytes.end());
  return tagged_hash("TapBranch", m);
}

struct LeafPath {
  Leaf leaf;
  std::vector<Hash256> path;  // siblings, from the leaf up
};

Hash256 walk(const Node& n, std::vector<LeafPath>& out) {
  if (n.leaf) {
    out.push_back({*n.leaf, {}});
    return leaf_hash(*n.leaf);
  }
  const size_t begin = out.size();
  const Hash256 l = walk(*n.left, out);
  const size_t mid = out.size();
  const Hash256 r = walk(*n.right, out);
  for (size_t i = begin; i < mid; ++i) out[i].path.push_back(r);
  for (size_t i = mid; i < out.size(); ++i) out[i].path.push_back(l);
  return branch_hash(l, r);
}

// A P2TR output: internal key, script tree (maybe none), the leaves in
// depth-first order with their Merkle paths.
struct TapOutput {
  Key internal;
  std::optional<Hash256> root;
  Signer::TaprootOutput out;
  std::vector<LeafPath> leaves;

  Bytes script_pubkey() const {
    Bytes s{OP_1, 0x20};
    s.insert(s.end(), out.output_key.begin(), out.output_key.end());
    return s;
  }
  const Bytes& script(size_t i) const { return leaves.at(i).leaf.script; }
  Hash256 tapleaf_hash(size_t i) const { return leaf_hash(leaves.at(i).leaf); }
  Bytes control(size_t i) const {
    const LeafPath& l = leaves.at(i);
    Bytes c{static_cast<uint8_t>(l.leaf.version | (out.odd_y ? 1 : 0))};
    c.insert(c.end(), internal.xonly.begin(), internal.xonly.end());
    for (const Hash256& h : l.path) c.insert(c.end(), h.bytes.begin(), h.bytes.end());
    return c;
  }
};

// ---- Cases -----------------------------------------------------------------

struct Spend {
  Bytes script_sig;
  std::vector<Bytes> witness;
};

struct Case {
  std::string comment, flags;
  bool final = false;
  OwnedTx tx;
  std::vector<OwnedOut> prevouts;
  size_t index = 0;
  std::optional<Spend> success, failure;
};

struct TxShape {
  size_t inputs = 2, outputs = 2;
  std::optional<size_t> index;  // default: alternates between the first two inputs
  uint32_t locktime = 0;
};

class Gen {
 public:
  Key key(uint64_t i) const { return signer_.derive(kSeed, i); }

  TapOutput tap(const Key& internal, const Tree& tree) const {
    TapOutput t;
    t.internal = internal;
    if (tree) t.root = walk(*tree, t.leaves);
    t.out = signer_.taproot_output(internal, t.root);
    return t;
  }
  // One leaf at the end of an explicit Merkle path (any sibling hashes).
  TapOutput tap_path(const Key& internal, Leaf l, std::vector<Hash256> path) const {
    TapOutput t;
    t.internal = internal;
    Hash256 h = leaf_hash(l);
    for (const Hash256& s : path) h = branch_hash(h, s);
    t.root = h;
    t.leaves.push_back({std::move(l), std::move(path)});
    t.out = signer_.taproot_output(internal, t.root);
    return t;
  }

  // A new case whose input `index` spends `spent`; the other inputs spend
  // key-path P2TR outputs (every input's amount and script are signed by
  // taproot signatures), the outputs pay P2WPKH scripts.
  Case& begin(std::string comment, std::string flags, Bytes spent_script, TxShape shape = {}) {
    Case c;
    const size_t n = cases_.size();
    c.comment = std::move(comment);
    c.flags = std::move(flags);
    c.index = shape.index.value_or(n % 2);
    c.tx.version = 2;
    c.tx.locktime = shape.locktime;
    for (size_t i = 0; i < shape.inputs; ++i) {
      const std::string id = "vigil script assets " + std::to_string(n) + ":" + std::to_string(i);
      OwnedIn in;
      in.prevout.txid = sha256(ByteView(reinterpret_cast<const uint8_t*>(id.data()), id.size()));
      in.prevout.index = static_cast<uint32_t>(i * 3 + 1);
      in.sequence = 0xfffffffd;
      c.tx.inputs.push_back(std::move(in));
      if (i == c.index) {
        c.prevouts.push_back({100'000 + static_cast<int64_t>(n), std::move(spent_script)});
      } else {
        const Key other = key(2000 + i);
        Bytes s{OP_1, 0x20};
        s.insert(s.end(), other.output_key.begin(), other.output_key.end());
        c.prevouts.push_back({60'000 + static_cast<int64_t>(i), std::move(s)});
      }
    }
    for (size_t j = 0; j < shape.outputs; ++j) {
      const auto h = hash160(key(1000 + j).compressed);
      Bytes s{OP_0, 20};
      s.insert(s.end(), h.begin(), h.end());
      c.tx.outputs.push_back({40'000 + static_cast<int64_t>(j) * 1000, std::move(s)});
    }
    if (c.index >= shape.inputs) throw std::logic_error("index");
    cases_.push_back(std::move(c));
    return cases_.back();
  }

  // BIP341 signature hash of `c`'s input; `leaf` for tapscript.
  Hash256 tap_sighash(const Case& c, uint8_t hash_type, const std::optional<Bytes>& annex = std::nullopt,
                      const std::optional<Hash256>& leaf = std::nullopt) const {
    const Bytes bytes = serialize(c.tx, false);
    Transaction tx;
    if (!parse_transaction(bytes, &tx).ok()) throw std::logic_error("tx");
    std::vector<SpentOutput> spent;
    for (const OwnedOut& p : c.prevouts) spent.push_back({p.value, ByteView(p.script.data(), p.script.size())});
    const TaprootHashes hashes(tx, spent);
    TapscriptExt ext;
    if (leaf) ext.tapleaf_hash = *leaf;
    std::optional<ByteView> a;
    if (annex) a = ByteView(annex->data(), annex->size());
    Hash256 out;
    if (!taproot_sighash(tx, c.index, spent, hash_type, hashes, a, leaf ? &ext : nullptr, &out))
      throw std::logic_error("taproot_sighash");
    return out;
  }
  Hash256 v0_sighash(const Case& c, const Bytes& script_code, uint8_t hash_type) const {
    const Bytes bytes = serialize(c.tx, false);
    Transaction tx;
    if (!parse_transaction(bytes, &tx).ok()) throw std::logic_error("tx");
    return segwit_v0_sighash(tx, c.index, script_code, c.prevouts[c.index].value, hash_type, SegwitV0Hashes(tx));
  }
  Hash256 legacy(const Case& c, const Bytes& script_code, uint8_t hash_type) const {
    const Bytes bytes = serialize(c.tx, false);
    Transaction tx;
    if (!parse_transaction(bytes, &tx).ok()) throw std::logic_error("tx");
    return legacy_sighash(tx, c.index, script_code, hash_type);
  }

  // BIP340 signature by `secret` with `hash_type` appended unless it is SIGHASH_DEFAULT.
  Bytes schnorr(const std::array<uint8_t, 32>& secret, const Hash256& digest, uint8_t hash_type) {
    Bytes sig = signer_.schnorr(secret, digest, ++aux_);
    if (hash_type != kSighashDefault) sig.push_back(hash_type);
    return sig;
  }
  Bytes ecdsa(const Key& k, const Hash256& digest, uint8_t hash_type) const { return signer_.ecdsa(k, digest, hash_type); }

  std::string json() const;

 private:
  Signer signer_;
  std::vector<Case> cases_;
  uint64_t aux_ = 0;
};

Bytes serialize_txout(const OwnedOut& o) {
  Bytes b;
  put_u64(b, static_cast<uint64_t>(o.value));
  put_bytes(b, o.script);
  return b;
}

nlohmann::ordered_json spend_json(const Spend& s) {
  nlohmann::ordered_json j;
  j["scriptSig"] = to_hex(s.script_sig);
  j["witness"] = nlohmann::ordered_json::array();
  for (const Bytes& w : s.witness) j["witness"].push_back(to_hex(w));
  return j;
}

std::string Gen::json() const {
  std::string out = "[\n";
  for (size_t i = 0; i < cases_.size(); ++i) {
    const Case& c = cases_[i];
    nlohmann::ordered_json j;
    j["tx"] = to_hex(serialize(c.tx, false));
    j["prevouts"] = nlohmann::ordered_json::array();
    for (const OwnedOut& p : c.prevouts) j["prevouts"].push_back(to_hex(serialize_txout(p)));
    j["index"] = c.index;
    j["flags"] = c.flags;
    j["comment"] = c.comment;
    if (c.final) j["final"] = true;
    if (c.success) j["success"] = spend_json(*c.success);
    if (c.failure) j["failure"] = spend_json(*c.failure);
    out += j.dump();
    out += i + 1 < cases_.size() ? ",\n" : "\n";
  }
  return out + "]\n";
}

Bytes p2wsh(const Bytes& witness_script) {
  const Hash256 h = sha256(witness_script);
  Bytes s{OP_0, 0x20};
  s.insert(s.end(), h.bytes.begin(), h.bytes.end());
  return s;
}
Bytes p2sh(const Bytes& redeem) {
  const auto h = hash160(redeem);
  Bytes s{OP_HASH160, 20};
  s.insert(s.end(), h.begin(), h.end());
  s.push_back(OP_EQUAL);
  return s;
}
Bytes p2wpkh(const Key& k) {
  const auto h = hash160(k.compressed);
  Bytes s{OP_0, 20};
  s.insert(s.end(), h.begin(), h.end());
  return s;
}
Bytes p2pkh(const Key& k) {
  const auto h = hash160(k.compressed);
  Bytes s{OP_DUP, OP_HASH160, 20};
  s.insert(s.end(), h.begin(), h.end());
  s.insert(s.end(), {OP_EQUALVERIFY, OP_CHECKSIG});
  return s;
}
Bytes checksig_leaf(const Key& k) { return Script().push(k.xonly).op(OP_CHECKSIG); }

// ---- Taproot key path ------------------------------------------------------

void key_path_cases(Gen& g) {
  const Key k = g.key(1);
  const TapOutput t = g.tap(k, nullptr);
  {
    Case& c = g.begin("taproot key path, SIGHASH_DEFAULT (64-byte signature); failure: one bit of s flipped [SCHNORR_SIG]",
                      kTaproot, t.script_pubkey());
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashDefault), kSighashDefault);
    c.final = true;
    c.success = Spend{{}, {sig}};
    c.failure = Spend{{}, {flip(sig, 63)}};
  }
  {
    Case& c = g.begin("taproot key path, explicit SIGHASH_ALL (65 bytes); failure: the same signature without its "
                      "hash type byte (SIGHASH_DEFAULT signs another message) [SCHNORR_SIG]",
                      kTaproot, t.script_pubkey());
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashAll), kSighashAll);
    c.final = true;
    c.success = Spend{{}, {sig}};
    c.failure = Spend{{}, {Bytes(sig.begin(), sig.begin() + 64)}};
  }
  {
    Case& c = g.begin("taproot key path, SIGHASH_NONE; failure: a 65-byte signature with explicit hash type 0x00 "
                      "[SCHNORR_SIG_HASHTYPE]",
                      kTaproot, t.script_pubkey());
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashNone), kSighashNone);
    Bytes explicit_default = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashDefault), kSighashDefault);
    explicit_default.push_back(0x00);
    c.final = true;
    c.success = Spend{{}, {sig}};
    c.failure = Spend{{}, {explicit_default}};
  }
  {
    Case& c = g.begin("taproot key path, SIGHASH_SINGLE; failure: undefined hash type 0x04 [SCHNORR_SIG_HASHTYPE]",
                      kTaproot, t.script_pubkey());
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashSingle), kSighashSingle);
    Bytes undefined(sig.begin(), sig.begin() + 64);
    undefined.push_back(0x04);
    c.final = true;
    c.success = Spend{{}, {sig}};
    c.failure = Spend{{}, {undefined}};
  }
  {
    Case& c = g.begin("taproot key path, SIGHASH_ALL|ANYONECANPAY; failure: a SIGHASH_ALL signature labelled "
                      "ALL|ANYONECANPAY [SCHNORR_SIG]",
                      kTaproot, t.script_pubkey());
    const uint8_t acp = kSighashAll | kSighashAnyoneCanPay;
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, acp), acp);
    Bytes relabelled = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashAll), kSighashDefault);
    relabelled.push_back(acp);
    c.final = true;
    c.success = Spend{{}, {sig}};
    c.failure = Spend{{}, {relabelled}};
  }
  {
    Case& c = g.begin("taproot key path at input 1 of a one-output transaction, SIGHASH_NONE|ANYONECANPAY; "
                      "failure: SIGHASH_SINGLE without an output of its index [SCHNORR_SIG_HASHTYPE]",
                      kTaproot, t.script_pubkey(), TxShape{2, 1, 1, 0});
    const uint8_t nacp = kSighashNone | kSighashAnyoneCanPay;
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, nacp), nacp);
    Bytes single = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashAll), kSighashDefault);
    single.push_back(kSighashSingle);
    c.final = true;
    c.success = Spend{{}, {sig}};
    c.failure = Spend{{}, {single}};
  }
  {
    Case& c = g.begin("taproot key path, SIGHASH_SINGLE|ANYONECANPAY; failure: a 63-byte signature "
                      "[SCHNORR_SIG_SIZE]",
                      kTaproot, t.script_pubkey());
    const uint8_t sacp = kSighashSingle | kSighashAnyoneCanPay;
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, sacp), sacp);
    c.final = true;
    c.success = Spend{{}, {sig}};
    c.failure = Spend{{}, {Bytes(sig.begin(), sig.begin() + 63)}};
  }
  {
    const TapOutput tree = g.tap(g.key(2), branch(leaf(Script{OP_1}), leaf(Script{OP_2})));
    Case& c = g.begin("taproot key path of an output with a script tree (tweaked with its Merkle root); failure: "
                      "signed by the key tweaked without the tree [SCHNORR_SIG]",
                      kTaproot, tree.script_pubkey());
    const Hash256 h = g.tap_sighash(c, kSighashDefault);
    const Signer::TaprootOutput untreed = g.tap(g.key(2), nullptr).out;
    c.final = true;
    c.success = Spend{{}, {g.schnorr(tree.out.secret, h, kSighashDefault)}};
    c.failure = Spend{{}, {g.schnorr(untreed.secret, h, kSighashDefault)}};
  }
  {
    Case& c = g.begin("taproot key path with an annex, which the signature covers; failure: the annex changed after "
                      "signing [SCHNORR_SIG]",
                      kTaproot, t.script_pubkey());
    const Bytes annex{kAnnexTag, 0x76, 0x69, 0x67, 0x69, 0x6c};
    const Bytes sig = g.schnorr(t.out.secret, g.tap_sighash(c, kSighashDefault, annex), kSighashDefault);
    c.final = true;
    c.success = Spend{{}, {sig, annex}};
    c.failure = Spend{{}, {sig, flip(annex, 5)}};
  }
  {
    Case& c = g.begin("taproot key path with the one-byte annex 0x50, signed over it; failure: a signature made "
                      "without the annex, with the annex present [SCHNORR_SIG]",
                      kTaproot, t.script_pubkey());
    const Bytes annex{kAnnexTag};
    c.final = true;
    c.success = Spend{{}, {g.schnorr(t.out.secret, g.tap_sighash(c, kSighashAll, annex), kSighashAll), annex}};
    c.failure = Spend{{}, {g.schnorr(t.out.secret, g.tap_sighash(c, kSighashAll), kSighashAll), annex}};
  }
}

// ---- Taproot script path ---------------------------------------------------

// The control block with its parity bit flipped.
Bytes flip_parity(Bytes control) {
  control[0] ^= 0x01;
  return control;
}

void script_path_cases(Gen& g) {
  const Key a = g.key(10), b = g.key(11), cc = g.key(12), d = g.key(13), e = g.key(14);
  {
    const TapOutput t = g.tap(g.key(3), leaf(checksig_leaf(a)));
    Case& c = g.begin("taproot script path, depth 0 (a one-leaf tree: 33-byte control block), <A> CHECKSIG; failure: "
                      "the control block's parity bit flipped [WITNESS_PROGRAM_MISMATCH]",
                      kTaproot, t.script_pubkey());
    const Bytes sig = g.schnorr(a.secret, g.tap_sighash(c, kSighashDefault, std::nullopt, t.tapleaf_hash(0)),
                                kSighashDefault);
    c.final = true;
    c.success = Spend{{}, {sig, t.script(0), t.control(0)}};
    c.failure = Spend{{}, {sig, t.script(0), flip_parity(t.control(0))}};
  }
  const TapOutput four = g.tap(g.key(4), branch(branch(leaf(checksig_leaf(a)), leaf(checksig_leaf(b))),
                                               branch(leaf(checksig_leaf(cc)), leaf(checksig_leaf(d)))));
  {
    Case& c = g.begin("taproot script path, depth 2 (third leaf of a balanced four-leaf tree); failure: the Merkle "
                      "path's two hashes swapped [WITNESS_PROGRAM_MISMATCH]",
                      kTaproot, four.script_pubkey());
    const Bytes sig = g.schnorr(cc.secret, g.tap_sighash(c, kSighashDefault, std::nullopt, four.tapleaf_hash(2)),
                                kSighashDefault);
    Bytes swapped = four.control(2);
    std::swap_ranges(swapped.begin() + 33, swapped.begin() + 65, swapped.begin() + 65);
    c.final = true;
    c.success = Spend{{}, {sig, four.script(2), four.control(2)}};
    c.failure = Spend{{}, {sig, four.script(2), swapped}};
  }
  {
    Case& c = g.begin("taproot script path, depth 2 (second leaf of a balanced four-leaf tree), SIGHASH_ALL; "
                      "failure: the parity bit flipped [WITNESS_PROGRAM_MISMATCH]",
                      kTaproot, four.script_pubkey());
    const Bytes sig =
        g.schnorr(b.secret, g.tap_sighash(c, kSighashAll, std::nullopt, four.tapleaf_hash(1)), kSighashAll);
    c.final = true;
    c.success = Spend{{}, {sig, four.script(1), four.control(1)}};
    c.failure = Spend{{}, {sig, four.script(1), flip_parity(four.control(1))}};
  }
  {
    const TapOutput t =
        g.tap(g.key(5), branch(leaf(checksig_leaf(a)), branch(leaf(checksig_leaf(b)),
                                                                branch(leaf(checksig_leaf(cc)), leaf(checksig_leaf(d))))));
    Case& c = g.begin("taproot script path, depth 3 (deepest leaf of an unbalanced tree); failure: the path's top "
                      "hash replaced by a leaf hash of the tree [WITNESS_PROGRAM_MISMATCH]",
                      kTaproot, t.script_pubkey());
    const Bytes sig = g.schnorr(d.secret, g.tap_sighash(c, kSighashDefault, std::nullopt, t.tapleaf_hash(3)),
                                kSighashDefault);
    Bytes wrong = t.control(3);
    const Hash256 other = t.tapleaf_hash(1);
    std::copy(other.bytes.begin(), other.bytes.end(), wrong.begin() + 33 + 64);
    c.final = true;
    c.success = Spend{{}, {sig, t.script(3), t.control(3)}};
    c.failure = Spend{{}, {sig, t.script(3), wrong}};
  }
  const TapOutput two = g.tap(g.key(6), branch(leaf(checksig_leaf(a)), leaf(checksig_leaf(e))));
  {
    Case& c = g.begin("tapscript <E> CHECKSIG, SIGHASH_SINGLE|ANYONECANPAY; failure: the signature corrupted "
                      "(a failed non-empty signature is an error in tapscript) [SCHNORR_SIG]",
                      kTaproot, two.script_pubkey());
    const uint8_t sacp = kSighashSingle | kSighashAnyoneCanPay;
    const Bytes sig = g.schnorr(e.secret, g.tap_sighash(c, sacp, std::nullopt, two.tapleaf_hash(1)), sacp);
    c.final = true;
    c.success = Spend{{}, {sig, two.script(1), two.control(1)}};
    c.failure = Spend{{}, {flip(sig, 10), two.script(1), two.control(1)}};
  }
  {
    Case& c = g.begin("tapscript <A> CHECKSIG; failure: signed over the key path's message (no tapleaf hash) "
                      "[SCHNORR_SIG]",
                      kTaproot, two.script_pubkey());
    c.final = true;
    c.success = Spend{{}, {g.schnorr(a.secret, g.tap_sighash(c, kSighashDefault, std::nullopt, two.tapleaf_hash(0)),
                                     kSighashDefault),
                           two.script(0), two.control(0)}};
    c.failure = Spend{{}, {g.schnorr(a.secret, g.tap_sighash(c, kSighashDefault), kSighashDefault), two.script(0),
                           two.control(0)}};
  }
  {
    Case& c = g.begin("tapscript with an annex, which the signature covers; failure: the annex changed after signing "
                      "[SCHNORR_SIG]",
                      kTaproot, two.script_pubkey());
    const Bytes annex{kAnnexTag, 0x00, 0x01, 0x02};
    const Bytes sig = g.schnorr(e.secret, g.tap_sighash(c, kSighashDefault, annex, two.tapleaf_hash(1)),
                                kSighashDefault);
    c.final = true;
    c.success = Spend{{}, {sig, two.script(1), two.control(1), annex}};
    c.failure = Spend{{}, {sig, two.script(1), two.control(1), Bytes{kAnnexTag, 0x00, 0x01, 0x03}}};
  }
}

void op_success_cases(Gen& g) {
  // Leaves: OP_SUCCESS187 before a truncated push; a truncated push before
  // OP_SUCCESS187; OP_0 VERIFY OP_CAT; OP_0 VERIFY; OP_RETURN OP_RESERVED;
  // OP_SUCCESS187 alone; OP_1.
  const TapOutput t = g.tap(
      g.key(7),
      branch(branch(branch(leaf(Script{OP_SUCCESS187, OP_PUSHDATA1, 0x05}), leaf(Script{OP_PUSHDATA1, 0x05, OP_SUCCESS187})),
                    branch(leaf(Script{OP_0, OP_VERIFY, OP_CAT}), leaf(Script{OP_0, OP_VERIFY}))),
             branch(branch(leaf(Script{OP_RETURN, OP_RESERVED}), leaf(Script{OP_SUCCESS187})), leaf(Script{OP_1}))));
  auto spend = [&](size_t i, std::vector<Bytes> stack) {
    stack.push_back(t.script(i));
    stack.push_back(t.control(i));
    return Spend{{}, std::move(stack)};
  };
  {
    Case& c = g.begin("OP_SUCCESS187 before a truncated push: valid without DISCOURAGE_OP_SUCCESS (the script is "
                      "never run); failure: the truncated push first [BAD_OPCODE]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(0, {});
    c.failure = spend(1, {});
  }
  {
    Case& c = g.begin("OP_0 OP_VERIFY OP_CAT: OP_CAT is OP_SUCCESS126 in tapscript, valid; failure: OP_0 OP_VERIFY "
                      "[VERIFY]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(2, {});
    c.failure = spend(3, {});
  }
  {
    Case& c = g.begin("OP_RETURN OP_RESERVED: OP_RESERVED is OP_SUCCESS80, valid with items left on the stack; "
                      "failure: OP_1 with those items (tapscript requires a clean stack) [CLEANSTACK]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(4, {Bytes{0x01}, Bytes{0x02}});
    c.failure = spend(6, {Bytes{0x01}, Bytes{0x02}});
  }
  {
    Case& c = g.begin("OP_SUCCESS187 overrides the 520-byte witness element limit; failure: OP_1 with the same "
                      "600-byte element [PUSH_SIZE]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(5, {Bytes(600, 0x42)});
    c.failure = spend(6, {Bytes(600, 0x42)});
  }
}

void checksigadd_cases(Gen& g) {
  const Key k1 = g.key(20), k2 = g.key(21), k3 = g.key(22);
  const Bytes two_of_three =
      Script().push(k1.xonly).op(OP_CHECKSIG).push(k2.xonly).op(OP_CHECKSIGADD).push(k3.xonly).op(OP_CHECKSIGADD).op(OP_2).op(OP_NUMEQUAL);
  std::vector<Key> five;
  Script s35;
  for (uint64_t i = 0; i < 5; ++i) {
    five.push_back(g.key(30 + i));
    s35.push(five.back().xonly).op(i == 0 ? OP_CHECKSIG : OP_CHECKSIGADD);
  }
  s35.op(OP_3).op(OP_NUMEQUAL);
  const Bytes three_of_five = s35;
  const TapOutput t = g.tap(g.key(8), branch(leaf(two_of_three), leaf(three_of_five)));

  // The witness for the leaf: signatures in reverse key order (the first
  // key's on top), empty for the keys in `skip`, then script and control.
  auto spend = [&](Case& c, size_t leaf_index, const std::vector<Key>& keys, std::vector<bool> sign,
                   std::optional<size_t> corrupt = std::nullopt) {
    const Hash256 h = g.tap_sighash(c, kSighashDefault, std::nullopt, t.tapleaf_hash(leaf_index));
    std::vector<Bytes> stack;
    for (size_t i = keys.size(); i-- > 0;) {
      Bytes sig = sign[i] ? g.schnorr(keys[i].secret, h, kSighashDefault) : Bytes{};
      if (corrupt && *corrupt == i) sig = flip(sig, 63);
      stack.push_back(std::move(sig));
    }
    stack.push_back(t.script(leaf_index));
    stack.push_back(t.control(leaf_index));
    return Spend{{}, std::move(stack)};
  };
  const std::vector<Key> three{k1, k2, k3};
  {
    Case& c = g.begin("OP_CHECKSIGADD 2-of-3, keys 1 and 3 signing; failure: key 3's signature corrupted "
                      "[SCHNORR_SIG]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(c, 0, three, {true, false, true});
    c.failure = spend(c, 0, three, {true, false, true}, 2);
  }
  {
    Case& c = g.begin("OP_CHECKSIGADD 2-of-3, keys 2 and 3 signing; failure: all three signing (3 != 2) [EVAL_FALSE]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(c, 0, three, {false, true, true});
    c.failure = spend(c, 0, three, {true, true, true});
  }
  {
    Case& c = g.begin("OP_CHECKSIGADD 2-of-3, keys 1 and 2 signing; failure: key 1 alone [EVAL_FALSE]", kTaproot,
                      t.script_pubkey());
    c.final = true;
    c.success = spend(c, 0, three, {true, true, false});
    c.failure = spend(c, 0, three, {true, false, false});
  }
  {
    Case& c = g.begin("OP_CHECKSIGADD 3-of-5, keys 1, 4 and 5 signing; failure: key 4's signature corrupted "
                      "[SCHNORR_SIG]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(c, 1, five, {true, false, false, true, true});
    c.failure = spend(c, 1, five, {true, false, false, true, true}, 3);
  }
}

void upgrade_cases(Gen& g) {
  const Bytes unknown_key = Script().push(Bytes(33, 0x02)).op(OP_CHECKSIG);
  const Bytes empty_key = Script{OP_0, OP_CHECKSIG};
  const TapOutput t = g.tap(g.key(9), branch(branch(leaf(Script{OP_RETURN}, 0xc2), leaf(Script{OP_RETURN})),
                                             branch(leaf(Script{OP_RETURN}, 0x52),
                                                    branch(leaf(unknown_key), leaf(empty_key)))));
  auto spend = [&](size_t i, std::vector<Bytes> stack) {
    stack.push_back(t.script(i));
    stack.push_back(t.control(i));
    return Spend{{}, std::move(stack)};
  };
  {
    Case& c = g.begin("unknown leaf version 0xc2 (OP_RETURN is never run): valid without "
                      "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION; failure: the same script as a 0xc0 leaf [OP_RETURN]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(0, {});
    c.failure = spend(1, {});
  }
  {
    Case& c = g.begin("unknown leaf version 0x52 (control block byte 0x52 or 0x53, last witness element not taken "
                      "for an annex); failure: its control block with the 0xc2 leaf's version byte "
                      "[WITNESS_PROGRAM_MISMATCH]",
                      kTaproot, t.script_pubkey());
    Bytes wrong_version = t.control(2);
    wrong_version[0] = static_cast<uint8_t>(0xc2 | (wrong_version[0] & 1));
    c.final = true;
    c.success = spend(2, {});
    c.failure = Spend{{}, {t.script(2), wrong_version}};
  }
  {
    Case& c = g.begin("tapscript CHECKSIG with a 33-byte (unknown type) public key: succeeds without a check, "
                      "without DISCOURAGE_UPGRADABLE_PUBKEYTYPE; failure: an empty public key [TAPSCRIPT_EMPTY_PUBKEY]",
                      kTaproot, t.script_pubkey());
    c.final = true;
    c.success = spend(3, {Bytes(64, 0x01)});
    c.failure = spend(4, {Bytes(64, 0x01)});
  }
}

void control_size_cases(Gen& g) {
  const TapOutput t = g.tap(g.key(40), branch(leaf(Script{OP_1}), leaf(Script{OP_2})));
  {
    Case& c = g.begin("control block of 66 bytes (33 + 32 + 1: not 33 + 32m); failure [TAPROOT_WRONG_CONTROL_SIZE]",
                      kTaproot, t.script_pubkey());
    Bytes control = t.control(0);
    control.push_back(0x00);
    c.final = true;
    c.success = Spend{{}, {t.script(0), t.control(0)}};
    c.failure = Spend{{}, {t.script(0), control}};
  }
  {
    Case& c = g.begin("control block of 32 bytes (shorter than 33); failure only [TAPROOT_WRONG_CONTROL_SIZE]",
                      kTaproot, t.script_pubkey());
    const Bytes control = t.control(0);
    c.failure = Spend{{}, {t.script(0), Bytes(control.begin(), control.begin() + 32)}};
  }
  {
    std::vector<Hash256> path;
    for (int i = 0; i < 128; ++i) {
      const uint8_t seed[2] = {0x76, static_cast<uint8_t>(i)};
      path.push_back(sha256(ByteView(seed, 2)));
    }
    const TapOutput deep = g.tap_path(g.key(41), Leaf{0xc0, Script{OP_1}}, path);
    Case& c = g.begin("control block of depth 128 (4129 bytes, the most BIP341 allows): valid; failure: depth 129 "
                      "(4161 bytes) [TAPROOT_WRONG_CONTROL_SIZE]",
                      kTaproot, deep.script_pubkey());
    Bytes too_deep = deep.control(0);
    const Hash256 extra = sha256(ByteView(too_deep.data(), 32));
    too_deep.insert(too_deep.end(), extra.bytes.begin(), extra.bytes.end());
    c.final = true;
    c.success = Spend{{}, {deep.script(0), deep.control(0)}};
    c.failure = Spend{{}, {deep.script(0), too_deep}};
  }
}

// ---- Segwit v0 and legacy --------------------------------------------------

void v0_cases(Gen& g) {
  const Key a = g.key(50), b = g.key(51), c3 = g.key(52);
  {
    const Bytes ws = Script().push(a.compressed).op(OP_CHECKSIG);
    Case& c = g.begin("P2WSH <A> CHECKSIG; failure: the signature's r changed [EVAL_FALSE]", "P2SH,WITNESS", p2wsh(ws));
    const Bytes sig = g.ecdsa(a, g.v0_sighash(c, ws, kSighashAll), kSighashAll);
    c.final = true;
    c.success = Spend{{}, {sig, ws}};
    c.failure = Spend{{}, {flip(sig, 10), ws}};
  }
  {
    const Bytes ws = Script().push(a.compressed).op(OP_CHECKSIG);
    const Bytes other = Script().push(b.compressed).op(OP_CHECKSIG);
    Case& c = g.begin("P2WSH, SIGHASH_NONE; failure: another witness script, signed [WITNESS_PROGRAM_MISMATCH]",
                      "P2SH,WITNESS", p2wsh(ws));
    c.final = true;
    c.success = Spend{{}, {g.ecdsa(a, g.v0_sighash(c, ws, kSighashNone), kSighashNone), ws}};
    c.failure = Spend{{}, {g.ecdsa(b, g.v0_sighash(c, other, kSighashNone), kSighashNone), other}};
  }
  {
    const Bytes ws = Script{OP_2}.push(a.compressed).push(b.compressed).push(c3.compressed).op(OP_3).op(OP_CHECKMULTISIG);
    Case& c = g.begin("P2WSH 2-of-3 CHECKMULTISIG (keys 1 and 3); failure: a non-empty dummy element under "
                      "NULLDUMMY [SIG_NULLDUMMY]",
                      "P2SH,WITNESS,NULLDUMMY", p2wsh(ws));
    const Hash256 h = g.v0_sighash(c, ws, kSighashAll);
    const Bytes s1 = g.ecdsa(a, h, kSighashAll), s3 = g.ecdsa(c3, h, kSighashAll);
    c.final = true;
    c.success = Spend{{}, {Bytes{}, s1, s3, ws}};
    c.failure = Spend{{}, {Bytes{0x01}, s1, s3, ws}};
  }
  {
    const Bytes program = p2wpkh(b);
    Case& c = g.begin("P2SH-P2WPKH, SIGHASH_ALL|ANYONECANPAY; failure: the signature's r changed [EVAL_FALSE]",
                      "P2SH,WITNESS", p2sh(program));
    const uint8_t acp = kSighashAll | kSighashAnyoneCanPay;
    const Bytes sig = g.ecdsa(b, g.v0_sighash(c, p2pkh(b), acp), acp);
    const Bytes script_sig = Script().push(program);
    c.final = true;
    c.success = Spend{script_sig, {sig, b.compressed}};
    c.failure = Spend{script_sig, {flip(sig, 10), b.compressed}};
  }
  {
    Case& c = g.begin("P2WPKH, SIGHASH_SINGLE; failure: the signature labelled SIGHASH_ALL [EVAL_FALSE]",
                      "P2SH,WITNESS", p2wpkh(c3));
    Bytes sig = g.ecdsa(c3, g.v0_sighash(c, p2pkh(c3), kSighashSingle), kSighashSingle);
    c.final = true;
    c.success = Spend{{}, {sig, c3.compressed}};
    sig.back() = kSighashAll;
    c.failure = Spend{{}, {sig, c3.compressed}};
  }
}

void legacy_cases(Gen& g) {
  const Key a = g.key(60), b = g.key(61);
  {
    Case& c = g.begin("legacy P2PKH; failure: the signature's r changed [EVAL_FALSE]", "", p2pkh(a));
    const Bytes sig = g.ecdsa(a, g.legacy(c, p2pkh(a), kSighashAll), kSighashAll);
    c.final = true;
    c.success = Spend{Script().push(sig).push(a.compressed), {}};
    c.failure = Spend{Script().push(flip(sig, 10)).push(a.compressed), {}};
  }
  {
    const Bytes redeem = Script{OP_2}.push(a.compressed).push(b.compressed).op(OP_2).op(OP_CHECKMULTISIG);
    Case& c = g.begin("legacy P2SH 2-of-2 CHECKMULTISIG; failure: the signatures in the wrong order [EVAL_FALSE]",
                      "P2SH", p2sh(redeem));
    const Hash256 h = g.legacy(c, redeem, kSighashAll);
    const Bytes sa = g.ecdsa(a, h, kSighashAll), sb = g.ecdsa(b, h, kSighashAll);
    c.final = true;
    c.success = Spend{Script{OP_0}.push(sa).push(sb).push(redeem), {}};
    c.failure = Spend{Script{OP_0}.push(sb).push(sa).push(redeem), {}};
  }
  {
    const Bytes pk = Script().push(b.compressed).op(OP_CHECKSIG);
    Case& c = g.begin("legacy P2PK, SIGHASH_SINGLE at input 1 of a one-output transaction: signs the hash 1 (Core's "
                      "bug kept by consensus); failure: that signature labelled SIGHASH_ALL [EVAL_FALSE]",
                      "", pk, TxShape{2, 1, 1, 0});
    Hash256 one;
    one.bytes[0] = 1;
    if (g.legacy(c, pk, kSighashSingle) != one) throw std::logic_error("SIGHASH_SINGLE bug");
    Bytes sig = g.ecdsa(b, one, kSighashSingle);
    c.final = true;
    c.success = Spend{Script().push(sig), {}};
    sig.back() = kSighashAll;
    c.failure = Spend{Script().push(sig), {}};
  }
  {
    const Bytes spk = Script{OP_CHECKLOCKTIMEVERIFY, OP_DROP}.push(a.compressed).op(OP_CHECKSIG);
    Case& c = g.begin("CHECKLOCKTIMEVERIFY with the lock time from the scriptSig: 100 against the transaction's 500; "
                      "failure: 1000 [UNSATISFIED_LOCKTIME]",
                      "CHECKLOCKTIMEVERIFY", spk, TxShape{2, 2, std::nullopt, 500});
    const Bytes sig = g.ecdsa(a, g.legacy(c, spk, kSighashAll), kSighashAll);
    c.final = true;
    c.success = Spend{Script().push(sig).push(Bytes{100}), {}};
    c.failure = Spend{Script().push(sig).push(Bytes{0xe8, 0x03}), {}};
  }
}

}  // namespace

std::string make_vigil_script_assets() {
  Gen g;
  key_path_cases(g);
  script_path_cases(g);
  op_success_cases(g);
  checksigadd_cases(g);
  upgrade_cases(g);
  control_size_cases(g);
  v0_cases(g);
  legacy_cases(g);
  return g.json();
}

}  // namespace vigil::clitest
