// The bft consensus module: a commit certificate of more than 2/3 of the
// stake on every block, validator-set changes two blocks after the block
// that carries them. The format and the rules are in vigil/bft.hpp.
#include "vigil/bft.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "bitcoin/script.hpp"
#include "vigil/hash.hpp"
#include "vigil/sighash.hpp"
#include "verify/backends.hpp"

namespace vigil {
namespace {

constexpr size_t kCommitmentScriptSize = 38;  // OP_RETURN, push 36: aa21a9ed + commitment
constexpr size_t kSignatureEntrySize = 32 + 64;
constexpr size_t kValidatorEntrySize = 32 + 8;

// Bounds-checked reading of hostile bytes.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  size_t left() const { return data_.size() - pos_; }
  bool bytes(uint8_t* out, size_t n) {
    if (left() < n) return false;
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  // A little-endian integer of sizeof(T) bytes.
  template <class T>
  bool le(T* v) {
    uint8_t b[sizeof(T)];
    if (!bytes(b, sizeof(T))) return false;
    *v = 0;
    for (size_t i = sizeof(T); i-- > 0;) *v = static_cast<T>((*v << 8) | b[i]);
    return true;
  }
  // Bitcoin's CompactSize, canonical only (the smallest encoding of n).
  bool compact(uint64_t* n) {
    uint8_t first;
    if (!bytes(&first, 1)) return false;
    if (first < 253) {
      *n = first;
      return true;
    }
    const size_t width = first == 253 ? 2 : first == 254 ? 4 : 8;
    uint8_t b[8];
    if (!bytes(b, width)) return false;
    *n = 0;
    for (size_t i = width; i-- > 0;) *n = (*n << 8) | b[i];
    const uint64_t min = width == 2 ? 253 : width == 4 ? 0x10000 : uint64_t{1} << 32;
    return *n >= min;
  }
  // A count of entries of `entry_size` bytes that must all follow.
  bool count(size_t entry_size, size_t* n) {
    uint64_t c;
    if (!compact(&c) || c > left() / entry_size) return false;
    *n = static_cast<size_t>(c);
    return true;
  }
  bool header(const std::array<uint8_t, 4>& expected) {
    uint8_t b[4];
    return bytes(b, 4) && std::equal(b, b + 4, expected.begin());
  }

 private:
  ByteView data_;
  size_t pos_ = 0;
};

void put_validators(Bytes& b, std::span<const Validator> set) {
  put_compact(b, set.size());
  for (const Validator& v : set) {
    b.insert(b.end(), v.public_key.begin(), v.public_key.end());
    put_u64(b, v.stake);
  }
}

bool read_validators(Reader& r, std::vector<Validator>* out) {
  size_t n;
  if (!r.count(kValidatorEntrySize, &n)) return false;
  out->assign(n, Validator{});
  for (Validator& v : *out)
    if (!r.bytes(v.public_key.data(), 32) || !r.le(&v.stake)) return false;
  return true;
}

uint64_t total_stake(std::span<const Validator> set) {  // the set passed bft_validator_set_problem
  uint64_t total = 0;
  for (const Validator& v : set) total += v.stake;
  return total;
}

// ---- the module's state: the active set and the changes still to come ----

struct QueuedSet {
  uint32_t height = 0;  // the first height it is active at
  std::vector<Validator> set;
};
struct State {
  std::vector<Validator> active;
  std::vector<QueuedSet> queued;  // by height, ascending
};

Bytes encode_state(const State& s) {
  Bytes b;
  put_validators(b, s.active);
  put_compact(b, s.queued.size());
  for (const QueuedSet& q : s.queued) {
    put_u32(b, q.height);
    put_validators(b, q.set);
  }
  return b;
}

bool decode_state(ByteView data, State* s) {
  Reader r(data);
  size_t n;
  if (!read_validators(r, &s->active) || !bft_validator_set_problem(s->active).empty()) return false;
  if (!r.count(4 + 1, &n)) return false;
  s->queued.assign(n, QueuedSet{});
  for (size_t i = 0; i < n; ++i) {
    QueuedSet& q = s->queued[i];
    if (!r.le(&q.height) || !read_validators(r, &q.set) || !bft_validator_set_problem(q.set).empty()) return false;
    if (i > 0 && q.height <= s->queued[i - 1].height) return false;
  }
  return r.left() == 0;
}

// The state for the block ctx describes: the parent's, with the changes
// due at this height applied.
Validity load_state(const BlockContext& ctx, State* s) {
  if (ctx.params->chain_id.size() > 255)
    return Validity::Invalid("bft-params-invalid", "chain id longer than 255 bytes");
  if (ctx.module_state.empty()) {
    *s = State{ctx.params->bft_validators, {}};
    if (std::string why = bft_validator_set_problem(s->active); !why.empty())
      return Validity::Invalid("bft-params-invalid", why);
  } else if (!decode_state(ctx.module_state, s)) {
    return Validity::Invalid("bft-state-corrupt", "the stored validator sets do not parse");
  }
  while (!s->queued.empty() && s->queued.front().height <= ctx.height) {
    s->active = std::move(s->queued.front().set);
    s->queued.erase(s->queued.begin());
  }
  return Validity::Valid();
}

// ---- the coinbase's commitment output and its pushes --------------------

bool is_commitment_script(ByteView s) {
  static constexpr uint8_t kPrefix[] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  return s.size() >= kCommitmentScriptSize && std::equal(kPrefix, kPrefix + 6, s.begin());
}

bool has_header(ByteView push, const std::array<uint8_t, 4>& header) {
  return push.size() >= 4 && std::equal(header.begin(), header.end(), push.begin());
}

// Index of the last commitment output (Bitcoin Core's GetWitnessCommitmentIndex).
template <class Outputs, class ScriptOf>
std::optional<size_t> commitment_output(const Outputs& outputs, ScriptOf script_of) {
  for (size_t i = outputs.size(); i-- > 0;)
    if (is_commitment_script(script_of(outputs[i]))) return i;
  return std::nullopt;
}

struct Pushes {
  std::vector<ByteView> certificates, validator_sets;  // data, header included
  bool truncated = false;                               // a push runs past the end
};

Pushes find_pushes(ByteView script) {
  Pushes p;
  bitcoin::ScriptCursor cursor(script, kCommitmentScriptSize);
  bitcoin::ScriptOp op;
  while (cursor.next(&op)) {
    if (has_header(op.push, kBftCertificateHeader)) p.certificates.push_back(op.push);
    if (has_header(op.push, kBftValidatorSetHeader)) p.validator_sets.push_back(op.push);
  }
  p.truncated = cursor.malformed();
  return p;
}

// The script without its certificate pushes (a truncated tail kept as is).
Bytes strip_certificates(ByteView script) {
  if (!is_commitment_script(script)) return Bytes(script.begin(), script.end());
  Bytes out(script.begin(), script.begin() + kCommitmentScriptSize);
  bitcoin::ScriptCursor cursor(script, kCommitmentScriptSize);
  bitcoin::ScriptOp op;
  size_t end = kCommitmentScriptSize;
  while (cursor.next(&op)) {
    if (!has_header(op.push, kBftCertificateHeader)) out.insert(out.end(), script.begin() + op.begin, script.begin() + op.end);
    end = op.end;
  }
  out.insert(out.end(), script.begin() + end, script.end());
  return out;
}

// The leaves of the unsigned Merkle tree: every txid, the coinbase's
// replaced by its txid without the certificate pushes. nullopt when the
// coinbase has no commitment output (then the header's own root stands).
std::optional<std::vector<Hash256>> unsigned_leaves(OwnedTx coinbase, std::vector<Hash256> txids) {
  auto commitment = commitment_output(coinbase.outputs, [](const OwnedOut& o) { return ByteView(o.script); });
  if (!commitment) return std::nullopt;
  Bytes& script = coinbase.outputs[*commitment].script;
  script = strip_certificates(script);
  txids[0] = txid(coinbase);
  return txids;
}

// sha256d of the header with `root` as its Merkle root.
Hash256 hash_with_root(ByteView header, const Hash256& root) {
  Bytes h(header.begin(), header.begin() + kBlockHeaderSize);
  std::copy(root.bytes.begin(), root.bytes.end(), h.begin() + 36);
  return sha256d(h);
}

// The unsigned hash from the header, the coinbase and every txid (the
// coinbase's replaced here).
Hash256 unsigned_hash(ByteView header, OwnedTx coinbase, std::vector<Hash256> txids) {
  const auto leaves = unsigned_leaves(std::move(coinbase), std::move(txids));
  if (!leaves) return sha256d(header.first(kBlockHeaderSize));
  return hash_with_root(header, merkle_root(*leaves).root);
}

std::vector<Hash256> txids_of(const BlockView& block) {
  return block.hashes && block.hashes->txids.size() == block.txs->size() ? block.hashes->txids
                                                                          : block_txids(block.bytes, *block.parsed);
}

Status commitment_script(OwnedBlock& block, Bytes** script) {
  if (block.txs.empty()) return Status::InvalidArgument("bft: the block has no coinbase");
  auto& outputs = block.txs[0].outputs;
  auto i = commitment_output(outputs, [](const OwnedOut& o) { return ByteView(o.script); });
  if (!i) return Status::InvalidArgument("bft: the coinbase has no witness commitment output");
  *script = &outputs[*i].script;
  return Status::Ok();
}

}  // namespace

// ---- encodings ----------------------------------------------------------------

Bytes encode_bft_certificate(std::span<const BftSignature> signatures) {
  Bytes b(kBftCertificateHeader.begin(), kBftCertificateHeader.end());
  put_compact(b, signatures.size());
  for (const BftSignature& s : signatures) {
    b.insert(b.end(), s.public_key.begin(), s.public_key.end());
    b.insert(b.end(), s.signature.begin(), s.signature.end());
  }
  return b;
}

Bytes encode_bft_validator_set(std::span<const Validator> validators) {
  Bytes b(kBftValidatorSetHeader.begin(), kBftValidatorSetHeader.end());
  put_validators(b, validators);
  return b;
}

bool decode_bft_certificate(ByteView data, std::vector<BftSignature>* out) {
  Reader r(data);
  size_t n;
  if (!r.header(kBftCertificateHeader) || !r.count(kSignatureEntrySize, &n)) return false;
  out->assign(n, BftSignature{});
  for (BftSignature& s : *out)
    if (!r.bytes(s.public_key.data(), 32) || !r.bytes(s.signature.data(), 64)) return false;
  return r.left() == 0;
}

bool decode_bft_validator_set(ByteView data, std::vector<Validator>* out) {
  Reader r(data);
  return r.header(kBftValidatorSetHeader) && read_validators(r, out) && r.left() == 0;
}

std::string bft_validator_set_problem(std::span<const Validator> validators) {
  if (validators.empty()) return "no validator";
  uint64_t total = 0;
  for (size_t i = 0; i < validators.size(); ++i) {
    const Validator& v = validators[i];
    if (v.stake == 0) return "validator " + std::to_string(i) + " has no stake";
    if (v.stake > UINT64_MAX - total) return "the total stake overflows 64 bits";
    total += v.stake;
    for (size_t j = 0; j < i; ++j)
      if (validators[j].public_key == v.public_key)
        return "validators " + std::to_string(j) + " and " + std::to_string(i) + " share key " + to_hex(v.public_key);
  }
  return {};
}

// ---- what is signed -------------------------------------------------------------

Hash256 bft_unsigned_block_hash(const BlockView& block) {
  if (block.txs->empty()) return sha256d(block.bytes.first(kBlockHeaderSize));
  return unsigned_hash(block.bytes, own((*block.txs)[0]), txids_of(block));
}

Hash256 bft_unsigned_block_hash(const OwnedBlock& block) {
  if (block.txs.empty()) return sha256d(block.header);
  std::vector<Hash256> ids;
  for (const OwnedTx& tx : block.txs) ids.push_back(txid(tx));
  return unsigned_hash(block.header, block.txs[0], std::move(ids));
}

Bytes bft_signing_message(std::string_view chain_id, uint32_t height, const Hash256& unsigned_hash) {
  chain_id = chain_id.substr(0, 255);
  Bytes m(kBftMessageTag.begin(), kBftMessageTag.end());
  m.push_back(static_cast<uint8_t>(chain_id.size()));
  m.insert(m.end(), chain_id.begin(), chain_id.end());
  put_u32(m, height);
  m.insert(m.end(), unsigned_hash.bytes.begin(), unsigned_hash.bytes.end());
  return m;
}

// ---- signing --------------------------------------------------------------------

BftKey bft_key_from_seed(const std::array<uint8_t, 32>& seed) {
  cpu::ensure_sodium();
  BftKey k;
  crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(), seed.data());
  return k;
}

std::array<uint8_t, 64> bft_sign(const BftKey& key, ByteView message) {
  cpu::ensure_sodium();
  std::array<uint8_t, 64> sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), key.secret_key.data());
  return sig;
}

// ---- building blocks ----------------------------------------------------------

Status bft_append_push(OwnedBlock& block, ByteView data) {
  Bytes* script = nullptr;
  if (Status s = commitment_script(block, &script); !s.ok()) return s;
  const Bytes push = push_of(data);
  script->insert(script->end(), push.begin(), push.end());
  fix_merkle_root(block);
  return Status::Ok();
}

Status bft_attach_certificate(OwnedBlock& block, std::span<const BftSignature> signatures) {
  Bytes* script = nullptr;
  if (Status s = commitment_script(block, &script); !s.ok()) return s;
  *script = strip_certificates(*script);
  return bft_append_push(block, encode_bft_certificate(signatures));
}

Status bft_attach_validator_set(OwnedBlock& block, std::span<const Validator> validators) {
  return bft_append_push(block, encode_bft_validator_set(validators));
}

Status bft_sign_block(OwnedBlock& block, std::span<const BftKey> signers, std::string_view chain_id,
                      uint32_t height) {
  const Bytes message = bft_signing_message(chain_id, height, bft_unsigned_block_hash(block));
  std::vector<BftSignature> sigs;
  for (const BftKey& k : signers) sigs.push_back({k.public_key, bft_sign(k, message)});
  return bft_attach_certificate(block, sigs);
}

Validity bft_active_set(const BlockContext& ctx, std::vector<Validator>* out) {
  State s;
  Validity v = load_state(ctx, &s);
  if (v.valid) *out = std::move(s.active);
  return v;
}

// ---- the module -----------------------------------------------------------------

namespace {

// What declare_work found, kept for judge. Checks point into `message` and
// `signatures`, which are never resized once the checks exist.
class BftWork : public ModuleWork {
 public:
  Bytes message;
  std::vector<BftSignature> signatures;
  std::vector<size_t> validator_index;  // of each signature, in state.active
  State state;                          // for this block's height
  std::vector<Bytes> validator_sets;    // the change pushes' data
};

class BftModule final : public ConsensusModule {
 public:
  std::string_view name() const override { return "bft"; }
  uint32_t spec_version() const override { return 1; }

  Validity check_header(const BlockHeader&, const Hash256&, const BlockContext&) const override {
    return Validity::Valid();  // no proof of work: the certificate is judged with the block
  }

  Validity check_header_context(const BlockHeader& header, const BlockContext& ctx) const override {
    return check_time_above_median(header, ctx);
  }

  void declare_hashes(const BlockView& block, const BlockContext&, HashWork* out) const override {
    if (!block.txs || block.txs->empty()) return;
    if (auto leaves = unsigned_leaves(own((*block.txs)[0]), txids_of(block))) out->merkle_trees.push_back(std::move(*leaves));
  }

  Validity declare_work(const BlockView& block, const BlockContext& ctx,
                        std::unique_ptr<ModuleWork>* work) const override {
    auto w = std::make_unique<BftWork>();
    if (Validity v = load_state(ctx, &w->state); !v.valid) return v;
    if (block.txs->empty()) return Validity::Invalid("bft-cert-missing", "no coinbase");
    const Transaction& coinbase = (*block.txs)[0];
    auto out = commitment_output(coinbase.outputs, [](const TxOut& o) { return o.script_pubkey; });
    if (!out) return Validity::Invalid("bft-cert-missing", "no witness commitment output");
    const Pushes pushes = find_pushes(coinbase.outputs[*out].script_pubkey);
    if (pushes.truncated)
      return Validity::Invalid("bft-cert-malformed", "a push runs past the end of the commitment output");
    if (pushes.certificates.empty()) return Validity::Invalid("bft-cert-missing", "no certificate push");
    if (pushes.certificates.size() > 1)
      return Validity::Invalid("bft-cert-malformed", std::to_string(pushes.certificates.size()) + " certificate pushes");
    if (!decode_bft_certificate(pushes.certificates[0], &w->signatures))
      return Validity::Invalid("bft-cert-malformed", "the certificate does not parse");

    const std::vector<Validator>& set = w->state.active;
    std::vector<bool> signed_already(set.size(), false);
    uint64_t signed_stake = 0;  // distinct members of the set: at most the total
    for (const BftSignature& s : w->signatures) {
      auto it = std::find_if(set.begin(), set.end(), [&](const Validator& v) { return v.public_key == s.public_key; });
      if (it == set.end()) return Validity::Invalid("bft-cert-unknown-signer", "key " + to_hex(s.public_key));
      const size_t i = static_cast<size_t>(it - set.begin());
      if (signed_already[i])
        return Validity::Invalid("bft-cert-duplicate-signer", "validator " + std::to_string(i) + " key " + to_hex(s.public_key));
      signed_already[i] = true;
      signed_stake += it->stake;
      w->validator_index.push_back(i);
    }
    const uint64_t total = total_stake(set);
    U256 three_signed = U256::from_u64(signed_stake), two_total = U256::from_u64(total);
    three_signed.mul_u64(3);  // in 256 bits: 3 * 2^64 cannot overflow
    two_total.mul_u64(2);
    if (three_signed <= two_total)
      return Validity::Invalid("bft-cert-insufficient-stake", std::to_string(signed_stake) + "/" + std::to_string(total));

    // The unsigned root from the chain state's Hasher when it computed the
    // tree declare_hashes asked for; else computed here.
    const Hash256 unsigned_hash = ctx.merkle_roots.size() == 1 ? hash_with_root(block.bytes, ctx.merkle_roots[0].root)
                                                               : bft_unsigned_block_hash(block);
    w->message = bft_signing_message(ctx.params->chain_id, ctx.height, unsigned_hash);
    for (const BftSignature& s : w->signatures)
      w->checks.push_back(Check{Scheme::kEd25519Strict, s.public_key, w->message, s.signature, nullptr});
    for (ByteView p : pushes.validator_sets) w->validator_sets.emplace_back(p.begin(), p.end());
    *work = std::move(w);
    return Validity::Valid();
  }

  // A work this module did not declare, or verdicts of another length, is a
  // caller's bug; the interface has no Status, so it is "bft-work-mismatch".
  Validity judge(const BlockView&, const BlockContext& ctx, const ModuleWork& work, std::span<const uint8_t> verdicts,
                 Bytes* state_after) const override {
    const auto* w = dynamic_cast<const BftWork*>(&work);
    if (!w || verdicts.size() != w->checks.size())
      return Validity::Invalid("bft-work-mismatch", "the work or its verdicts are not this module's");
    for (size_t i = 0; i < verdicts.size(); ++i) {
      if (verdicts[i]) continue;
      return Validity::Invalid("bft-cert-bad-signature", "signature " + std::to_string(i) + ": validator " +
                                                             std::to_string(w->validator_index[i]) + " key " +
                                                             to_hex(w->signatures[i].public_key));
    }
    State next = w->state;
    if (w->validator_sets.size() > 1)
      return Validity::Invalid("bft-valset-malformed", std::to_string(w->validator_sets.size()) + " set changes");
    if (w->validator_sets.size() == 1) {
      std::vector<Validator> set;
      if (!decode_bft_validator_set(w->validator_sets[0], &set))
        return Validity::Invalid("bft-valset-malformed", "the set change does not parse");
      if (std::string why = bft_validator_set_problem(set); !why.empty())
        return Validity::Invalid("bft-valset-malformed", why);
      if (ctx.height > UINT32_MAX - 2) return Validity::Invalid("bft-valset-malformed", "no height left to apply it at");
      next.queued.push_back({ctx.height + 2, std::move(set)});
    }
    *state_after = encode_state(next);
    return Validity::Valid();
  }

  U256 block_work(const BlockHeader&, const BlockContext&) const override { return U256::from_u64(1); }
  bool final_when_connected() const override { return true; }
};

}  // namespace

std::shared_ptr<const ConsensusModule> make_bft_module() { return std::make_shared<const BftModule>(); }

}  // namespace vigil
