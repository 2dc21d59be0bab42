// The signet module (BIP325): proof of work as Bitcoin's, plus a solution to
// the chain's challenge in every block but the genesis. As Bitcoin Core's
// CheckSignetBlockSolution, the solution (empty when the block carries none)
// spends the challenge in the virtual to_sign transaction and runs through
// the script interpreter under BIP325's flags, whatever the challenge: its
// signature checks are declared as the block's checks, verified in the
// block's batch, and decide the spend in judge().
#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "bitcoin/script.hpp"
#include "vigil/consensus.hpp"
#include "vigil/hash.hpp"
#include "vigil/signet.hpp"
#include "vigil/spends.hpp"

namespace vigil {
namespace {

constexpr uint64_t kMaxSerializedSize = 0x02000000;  // Bitcoin Core's MAX_SIZE

// Reads Bitcoin serialization, every read bounds-checked.
class Reader {
 public:
  explicit Reader(ByteView bytes) : bytes_(bytes) {}
  size_t left() const { return bytes_.size() - pos_; }

  // CompactSize, canonical and at most MAX_SIZE (ReadCompactSize).
  bool compact(uint64_t* n) {
    if (left() < 1) return false;
    const uint8_t first = bytes_[pos_++];
    const size_t width = first < 253 ? 0 : first == 253 ? 2 : first == 254 ? 4 : 8;
    if (left() < width) return false;
    uint64_t v = first;
    if (width > 0) {
      v = 0;
      for (size_t i = 0; i < width; ++i) v |= uint64_t{bytes_[pos_ + i]} << (8 * i);
      pos_ += width;
      const uint64_t least = width == 2 ? 253 : width == 4 ? 0x10000 : 0x100000000ULL;
      if (v < least) return false;
    }
    if (v > kMaxSerializedSize) return false;
    *n = v;
    return true;
  }
  // A CompactSize length, then that many bytes.
  bool bytes(Bytes* out) {
    uint64_t n = 0;
    if (!compact(&n) || n > left()) return false;
    out->assign(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_),
                bytes_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += static_cast<size_t>(n);
    return true;
  }

 private:
  ByteView bytes_;
  size_t pos_ = 0;
};

ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }

bool starts_with_header(ByteView push) {
  return push.size() > kSignetHeader.size() && std::equal(kSignetHeader.begin(), kSignetHeader.end(), push.begin());
}

// The solution's signature work, and what its checks point into.
class SignetWork final : public ModuleWork {
 public:
  bool trivial = true;  // nothing to judge: the genesis
  Prevout challenge;    // the spent output: amount 0, the challenge
  Bytes to_sign_bytes;
  std::vector<Transaction> txs;  // an empty stand-in for the coinbase, then to_sign
  BlockSpends spends;
};

class SignetModule final : public ConsensusModule {
 public:
  std::string_view name() const override { return "signet"; }
  uint32_t spec_version() const override { return 1; }

  // Proof of work as the pow module's, at the chain's own limit
  // (Network::kSignet on signet itself; regtest's on a simulated chain).
  Validity check_header(const BlockHeader& header, const Hash256& hash, const BlockContext& ctx) const override {
    return check_pow_header(header, hash, ctx);
  }
  Validity check_header_context(const BlockHeader& header, const BlockContext& ctx) const override {
    return check_pow_header_context(header, ctx);
  }

  void declare_hashes(const BlockView& block, const BlockContext& ctx, HashWork* out) const override {
    if (ctx.height == 0 || !block.txs || block.txs->empty() || !block.hashes ||
        block.hashes->txids.size() != block.txs->size())
      return;
    if (auto leaves = signet_merkle_leaves(own((*block.txs)[0]), block.hashes->txids))
      out->merkle_trees.push_back(std::move(*leaves));
  }

  Validity declare_work(const BlockView& block, const BlockContext& ctx,
                        std::unique_ptr<ModuleWork>* work) const override {
    auto w = std::make_unique<SignetWork>();
    Validity v = declare(block, ctx, w.get());
    *work = std::move(w);
    return v;
  }

  Validity judge(const BlockView&, const BlockContext&, const ModuleWork& work, std::span<const uint8_t> verdicts,
                 Bytes*) const override {
    const auto* w = dynamic_cast<const SignetWork*>(&work);
    if (!w) return Validity::Invalid(kBadSignetBlksig, "work declared by another module");
    if (w->trivial) return Validity::Valid();
    if (verdicts.size() != w->spends.checks.size())
      return Validity::Invalid(kBadSignetBlksig, std::to_string(verdicts.size()) + " verdicts for " +
                                                     std::to_string(w->spends.checks.size()) + " checks");
    std::vector<InputVerdict> input_verdicts;
    if (Status s = judge_spends(w->spends, verdicts, nullptr, &input_verdicts); !s.ok())
      return Validity::Invalid(kBadSignetBlksig, s.message());
    const Validity v = spends_validity(w->spends, input_verdicts);
    if (!v.valid) return Validity::Invalid(kBadSignetBlksig, "signet solution: " + v.debug);
    return v;
  }

  U256 block_work(const BlockHeader& header, const BlockContext&) const override { return work_from_bits(header.bits); }
  bool final_when_connected() const override { return false; }

 private:
  // declare_work's body: fills `w` (left trivial when no check is needed).
  static Validity declare(const BlockView& block, const BlockContext& ctx, SignetWork* w) {
    if (ctx.height == 0) return Validity::Valid();  // the genesis block carries no solution
    if (!block.parsed || !block.txs || block.txs->empty() || !block.hashes ||
        block.hashes->txids.size() != block.txs->size())
      return Validity::Invalid(kBadSignetBlksig, "the block has no coinbase");
    const Bytes empty;
    const Bytes& challenge = ctx.params ? ctx.params->signet_challenge : empty;
    SignetBlock sb;
    // The signet root from the chain state's Hasher when it computed the
    // tree declare_hashes asked for; else computed here.
    std::optional<Hash256> root;
    if (ctx.merkle_roots.size() == 1) root = ctx.merkle_roots[0].root;
    Validity v = signet_block(block.parsed->header, own((*block.txs)[0]), block.hashes->txids, view(challenge), &sb, root);
    if (!v.valid) return v;
    w->challenge = Prevout{0, challenge};
    w->to_sign_bytes = serialize(sb.txs.to_sign);
    w->txs.resize(2);
    const Status parsed = parse_transaction(view(w->to_sign_bytes), &w->txs[1]);
    if (!parsed.ok()) return Validity::Invalid(kBadSignetBlksig, "to_sign: " + parsed.message());
    const Prevout* spent = &w->challenge;
    // BIP325's flags (Core's signet.cpp BLOCK_SCRIPT_VERIFY_FLAGS).
    SpendRules rules;
    rules.flags = script::kVerifyP2SH | script::kVerifyWitness | script::kVerifyDerSig | script::kVerifyNullDummy;
    w->spends = collect_block_spends(w->txs, [spent](const OutPoint&) { return spent; }, rules);
    if (w->spends.inputs.size() != 1) return Validity::Invalid(kBadSignetBlksig, "to_sign has no input");
    const InputSpend& in = w->spends.inputs[0];
    if (!in.verified) return Validity::Invalid(kBadSignetBlksig, "the solution was not executed: " + in.note);
    w->checks = w->spends.checks;
    w->trivial = false;
    return Validity::Valid();
  }
};

}  // namespace

// ---- vigil/signet.hpp -------------------------------------------------------

Bytes encode_signet_solution(const SignetSolution& solution) {
  Bytes b;
  put_bytes(b, solution.script_sig);
  put_compact(b, solution.witness.size());
  for (const Bytes& item : solution.witness) put_bytes(b, item);
  return b;
}

bool decode_signet_solution(ByteView bytes, SignetSolution* out) {
  Reader r(bytes);
  SignetSolution s;
  uint64_t items = 0;
  if (!r.bytes(&s.script_sig) || !r.compact(&items) || items > r.left()) return false;  // an item takes a byte at least
  s.witness.resize(static_cast<size_t>(items));
  for (Bytes& item : s.witness)
    if (!r.bytes(&item)) return false;
  if (r.left() != 0) return false;
  *out = std::move(s);
  return true;
}

std::optional<size_t> witness_commitment_output(const OwnedTx& coinbase) {
  static constexpr uint8_t kPrefix[] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  std::optional<size_t> found;
  for (size_t o = 0; o < coinbase.outputs.size(); ++o) {
    const Bytes& s = coinbase.outputs[o].script;
    if (s.size() >= 38 && std::equal(std::begin(kPrefix), std::end(kPrefix), s.begin())) found = o;
  }
  return found;
}

SignetSection find_signet_section(ByteView script) {
  SignetSection out;
  Bytes stripped;
  bitcoin::ScriptCursor c(script);
  bitcoin::ScriptOp op;
  while (c.next(&op)) {
    if (op.push.empty()) {
      stripped.push_back(op.opcode);  // as Core: an empty push is written back as its opcode alone
      continue;
    }
    ByteView push = op.push;
    if (!out.found && starts_with_header(push)) {
      out.found = true;
      out.solution.assign(push.begin() + kSignetHeader.size(), push.end());
      push = push.first(kSignetHeader.size());
    }
    const Bytes p = push_of(push);
    stripped.insert(stripped.end(), p.begin(), p.end());
  }
  if (out.found) out.stripped_script = std::move(stripped);
  return out;
}

Bytes signet_block_data(const BlockHeader& header, const Hash256& signet_merkle_root) {
  Bytes b;
  put_u32(b, static_cast<uint32_t>(header.version));
  b.insert(b.end(), header.prev_block.bytes.begin(), header.prev_block.bytes.end());
  b.insert(b.end(), signet_merkle_root.bytes.begin(), signet_merkle_root.bytes.end());
  put_u32(b, header.time);
  return b;
}

SignetTxs make_signet_txs(ByteView block_data, ByteView challenge, const SignetSolution& solution) {
  SignetTxs t;
  t.to_spend.version = 0;
  Bytes script_sig = {bitcoin::OP_0};
  const Bytes data = push_of(block_data);
  script_sig.insert(script_sig.end(), data.begin(), data.end());
  t.to_spend.inputs.push_back(OwnedIn{OutPoint{Hash256{}, 0xffffffff}, std::move(script_sig), 0, {}});
  t.to_spend.outputs.push_back(OwnedOut{0, Bytes(challenge.begin(), challenge.end())});
  t.to_sign.version = 0;
  t.to_sign.inputs.push_back(OwnedIn{OutPoint{txid(t.to_spend), 0}, solution.script_sig, 0, solution.witness});
  t.to_sign.outputs.push_back(OwnedOut{0, Bytes{bitcoin::OP_RETURN}});
  return t;
}

std::optional<std::vector<Hash256>> signet_merkle_leaves(const OwnedTx& coinbase, std::span<const Hash256> txids) {
  const std::optional<size_t> at = witness_commitment_output(coinbase);
  if (txids.empty() || !at) return std::nullopt;
  const SignetSection section = find_signet_section(view(coinbase.outputs[*at].script));
  OwnedTx stripped = coinbase;
  if (section.found) stripped.outputs[*at].script = section.stripped_script;
  std::vector<Hash256> leaves(txids.begin(), txids.end());
  leaves[0] = txid(stripped);
  return leaves;
}

Validity signet_block(const BlockHeader& header, const OwnedTx& coinbase, std::span<const Hash256> txids,
                      ByteView challenge, SignetBlock* out, const std::optional<Hash256>& merkle_root_given) {
  if (txids.empty()) return Validity::Invalid(kBadSignetBlksig, "the block has no coinbase");
  const std::optional<size_t> at = witness_commitment_output(coinbase);
  if (!at) return Validity::Invalid(kBadSignetBlksig, "no witness commitment in the coinbase");
  SignetBlock b;
  const SignetSection section = find_signet_section(view(coinbase.outputs[*at].script));
  if (section.found) {
    if (!decode_signet_solution(view(section.solution), &b.solution))
      return Validity::Invalid(kBadSignetBlksig, "the signet solution cannot be decoded");
    b.has_solution = true;
  }
  b.signet_merkle_root = merkle_root_given ? *merkle_root_given : merkle_root(*signet_merkle_leaves(coinbase, txids)).root;
  const Bytes data = signet_block_data(header, b.signet_merkle_root);
  b.txs = make_signet_txs(view(data), challenge, b.solution);
  *out = std::move(b);
  return Validity::Valid();
}

Validity signet_block(const OwnedBlock& block, ByteView challenge, SignetBlock* out) {
  BlockHeader header;
  if (block.txs.empty() || !parse_block_header(view(block.header), &header).ok())
    return Validity::Invalid(kBadSignetBlksig, "no header or no coinbase");
  std::vector<Hash256> ids;
  for (const OwnedTx& tx : block.txs) ids.push_back(txid(tx));
  return signet_block(header, block.txs[0], ids, challenge, out);
}

bool attach_signet_solution(OwnedBlock& block, const SignetSolution& solution) {
  if (block.txs.empty()) return false;
  const std::optional<size_t> at = witness_commitment_output(block.txs[0]);
  if (!at) return false;
  Bytes& script = block.txs[0].outputs[*at].script;
  Bytes payload(kSignetHeader.begin(), kSignetHeader.end());
  const Bytes encoded = encode_signet_solution(solution);
  payload.insert(payload.end(), encoded.begin(), encoded.end());
  const Bytes push = push_of(view(payload));
  // The ops kept as they are, the first solution push replaced (or the new
  // one appended); a script with an unreadable push has no place for it.
  Bytes rewritten;
  bool placed = false;
  bitcoin::ScriptCursor c(view(script));
  bitcoin::ScriptOp op;
  while (c.next(&op)) {
    if (!placed && starts_with_header(op.push)) {
      rewritten.insert(rewritten.end(), push.begin(), push.end());
      placed = true;
    } else {
      rewritten.insert(rewritten.end(), script.begin() + static_cast<std::ptrdiff_t>(op.begin),
                       script.begin() + static_cast<std::ptrdiff_t>(op.end));
    }
  }
  if (c.malformed()) return false;
  if (!placed) rewritten.insert(rewritten.end(), push.begin(), push.end());
  script = std::move(rewritten);
  fix_merkle_root(block);
  return true;
}

std::optional<Hash256> signet_sighash(const OwnedBlock& block, ByteView challenge, int32_t hash_type) {
  // Any solution will do: it is cut from what is signed.
  OwnedBlock copy = block;
  SignetBlock sb;
  if (!attach_signet_solution(copy, SignetSolution{}) || !signet_block(copy, challenge, &sb).valid) return std::nullopt;
  const Bytes bytes = serialize(sb.txs.to_sign);
  Transaction tx;
  if (!parse_transaction(view(bytes), &tx).ok()) return std::nullopt;
  const ByteView s = challenge;
  const bool p2pk = (s.size() == 35 && s[0] == 33) || (s.size() == 67 && s[0] == 65);
  const bool p2pkh = s.size() == 25 && s[0] == bitcoin::OP_DUP && s[1] == bitcoin::OP_HASH160 && s[2] == 20;
  const bool multisig = s.size() >= 3 && bitcoin::small_int(s[0]) > 0 && s.back() == bitcoin::OP_CHECKMULTISIG;
  if (s.size() == 22 && s[0] == bitcoin::OP_0 && s[1] == 20) {
    Bytes code = {bitcoin::OP_DUP, bitcoin::OP_HASH160, 20};
    code.insert(code.end(), s.begin() + 2, s.end());
    code.insert(code.end(), {bitcoin::OP_EQUALVERIFY, bitcoin::OP_CHECKSIG});
    return segwit_v0_sighash(tx, 0, view(code), 0, hash_type, SegwitV0Hashes(tx));
  }
  if ((p2pk && s.back() == bitcoin::OP_CHECKSIG) || p2pkh || multisig) return legacy_sighash(tx, 0, s, hash_type);
  return std::nullopt;
}

std::shared_ptr<const ConsensusModule> make_signet_module() { return std::make_shared<SignetModule>(); }

}  // namespace vigil
