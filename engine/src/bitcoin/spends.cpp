// Standard spends into signature checks: recognize the form from the spent
// output (or, without it, from the spend itself), compute each signature's
// hash, lay the checks out for one batch, and decide each input from the
// verdicts as CHECKSIG / CHECKMULTISIG would.
#include "vigil/spends.hpp"

#include <algorithm>
#include <memory>

#include "bitcoin/script.hpp"
#include "vigil/hash.hpp"
#include "vigil/sighash.hpp"

namespace vigil {
namespace {

using bitcoin::ScriptCursor;
using bitcoin::ScriptOp;

// The pushes of a push-only script; false for any other op or a malformed push.
bool pushes_of(ByteView script, std::vector<ByteView>* out) {
  out->clear();
  ScriptCursor c(script);
  ScriptOp op;
  while (c.next(&op)) {
    if (op.opcode > bitcoin::OP_PUSHDATA4) return false;  // OP_1NEGATE, OP_1..OP_16 push numbers: not for these forms
    out->push_back(op.push);
  }
  return !c.malformed();
}

// OP_m <key>... OP_n OP_CHECKMULTISIG, 1 <= m <= n <= 20.
bool parse_multisig(ByteView script, uint32_t* m, std::vector<ByteView>* keys) {
  std::vector<ScriptOp> ops;
  ScriptCursor c(script);
  ScriptOp op;
  while (c.next(&op)) ops.push_back(op);
  if (c.malformed() || ops.size() < 4 || ops.back().opcode != bitcoin::OP_CHECKMULTISIG) return false;
  const int required = bitcoin::small_int(ops.front().opcode);
  const int n = bitcoin::small_int(ops[ops.size() - 2].opcode);
  if (required < 1 || n < required || static_cast<size_t>(n) != ops.size() - 3) return false;
  keys->clear();
  for (size_t i = 1; i + 2 < ops.size(); ++i) {
    if (ops[i].opcode == 0 || ops[i].opcode > bitcoin::OP_PUSHDATA4) return false;
    keys->push_back(ops[i].push);
  }
  *m = static_cast<uint32_t>(required);
  return true;
}

bool is_p2pkh(ByteView s) {
  return s.size() == 25 && s[0] == bitcoin::OP_DUP && s[1] == bitcoin::OP_HASH160 && s[2] == 20 &&
         s[23] == bitcoin::OP_EQUALVERIFY && s[24] == bitcoin::OP_CHECKSIG;
}
bool is_p2pk(ByteView s) {
  return (s.size() == 35 && s[0] == 33 && s[34] == bitcoin::OP_CHECKSIG) ||
         (s.size() == 67 && s[0] == 65 && s[66] == bitcoin::OP_CHECKSIG);
}
bool is_p2wpkh(ByteView s) { return s.size() == 22 && s[0] == 0x00 && s[1] == 20; }
bool is_p2wsh(ByteView s) { return s.size() == 34 && s[0] == 0x00 && s[1] == 32; }
bool is_p2tr(ByteView s) { return s.size() == 34 && s[0] == bitcoin::OP_1 && s[1] == 32; }
// BIP141: a version opcode (OP_0, OP_1 .. OP_16) and one push of 2 to 40 bytes.
bool is_witness_program(ByteView s) {
  if (s.size() < 4 || s.size() > 42) return false;
  if (s[0] != 0x00 && (s[0] < 0x51 || s[0] > 0x60)) return false;
  return s[1] + 2u == s.size();
}

Bytes p2pkh_script(ByteView key_hash) {
  Bytes s = {bitcoin::OP_DUP, bitcoin::OP_HASH160, 20};
  s.insert(s.end(), key_hash.begin(), key_hash.end());
  s.insert(s.end(), {bitcoin::OP_EQUALVERIFY, bitcoin::OP_CHECKSIG});
  return s;
}

bool hash160_is(ByteView data, ByteView expect) {
  const auto h = hash160(data);
  return expect.size() == 20 && std::equal(h.begin(), h.end(), expect.begin());
}

// What the signature hash of an ECDSA signature element needs.
struct SighashContext {
  const Transaction* tx;
  size_t input;
  bool segwit;                             // BIP143, else legacy
  int64_t amount = 0;                      // segwit
  const SegwitV0Hashes* v0 = nullptr;      // segwit
};

class Collector {
 public:
  Collector(const std::vector<Transaction>& txs, const PrevoutLookup& prevouts, const SpendRules& rules)
      : txs_(txs), prevouts_(prevouts), rules_(rules) {}

  BlockSpends run() {
    for (size_t t = 1; t < txs_.size(); ++t) collect_tx(static_cast<uint32_t>(t));
    // The checks point into `digests`, complete only now.
    for (size_t k = 0; k < out_.checks.size(); ++k)
      out_.checks[k].message = ByteView(out_.digests[digest_of_[k]].bytes.data(), 32);
    return std::move(out_);
  }

 private:
  void collect_tx(uint32_t t) {
    const Transaction& tx = txs_[t];
    std::unique_ptr<SegwitV0Hashes> v0;  // computed on first need
    std::unique_ptr<TaprootHashes> taproot;
    std::vector<SpentOutput> spent;      // every input's, for BIP341
    bool all_known = !!prevouts_;
    std::vector<const Prevout*> known(tx.inputs.size(), nullptr);
    for (size_t i = 0; i < tx.inputs.size(); ++i) {
      known[i] = prevouts_ ? prevouts_(tx.inputs[i].prevout) : nullptr;
      all_known = all_known && known[i];
    }
    for (uint32_t i = 0; i < tx.inputs.size(); ++i) {
      InputSpend s;
      s.tx = t;
      s.input = i;
      const TxIn& in = tx.inputs[i];
      const Prevout* p = known[i];
      auto v0_hashes = [&]() -> const SegwitV0Hashes& {
        if (!v0) v0 = std::make_unique<SegwitV0Hashes>(tx);
        return *v0;
      };
      if (!p) {
        from_spend_alone(tx, in, i, &s);
      } else if (!rules_.segwit && is_witness_program(p->script_pubkey)) {
        s.note = "a witness program before segwit: no signature rule";
        s.unconstrained = true;
      } else if (!rules_.taproot && is_p2tr(p->script_pubkey)) {
        s.note = "P2TR before taproot: no signature rule";
        s.unconstrained = true;
      } else if (is_p2tr(p->script_pubkey)) {
        if (!all_known) {
          s.note = "P2TR: the outputs spent by the other inputs are unknown";
        } else {
          if (!taproot) {
            for (const Prevout* q : known) spent.push_back(SpentOutput{q->amount, ByteView(q->script_pubkey.data(), q->script_pubkey.size())});
            taproot = std::make_unique<TaprootHashes>(tx, spent);
          }
          p2tr_key_path(tx, in, i, *p, spent, *taproot, &s);
        }
      } else {
        from_prevout(tx, in, i, *p, v0_hashes, &s);
      }
      if (s.unconstrained) {
        ++out_.unconstrained;
      } else if (s.form == SpendForm::kUnknown && !s.invalid) {
        ++out_.not_verified;
      }
      out_.inputs.push_back(std::move(s));
    }
  }

  // Without the spent output: P2PKH (<sig> <key>) and P2SH multisig
  // (OP_0 <sigs> <redeem script>) reveal their script code.
  void from_spend_alone(const Transaction& tx, const TxIn& in, uint32_t i, InputSpend* s) {
    std::vector<ByteView> items;
    if (!in.witness.empty()) {
      s->note = "a witness spend needs the spent output (amount, program)";
      return;
    }
    if (!pushes_of(in.script_sig, &items)) {
      s->note = "scriptSig is not push-only";
      return;
    }
    uint32_t m = 0;
    std::vector<ByteView> keys;
    if (items.size() == 2 && (items[1].size() == 33 || items[1].size() == 65) && !items[0].empty()) {
      const auto h = hash160(items[1]);
      const Bytes code = p2pkh_script(ByteView(h.data(), h.size()));
      s->form = SpendForm::kP2PKH;
      add_legacy(tx, i, code, {items[0]}, {items[1]}, s);
    } else if (items.size() >= 3 && items[0].empty() && parse_multisig(items.back(), &m, &keys) &&
               items.size() - 2 == m) {
      s->form = SpendForm::kP2SHMultisig;
      add_legacy(tx, i, items.back(), std::vector<ByteView>(items.begin() + 1, items.end() - 1), keys, s);
    } else {
      s->note = "not a P2PKH or P2SH-multisig spend, and the spent output is unknown";
    }
  }

  template <class V0>
  void from_prevout(const Transaction& tx, const TxIn& in, uint32_t i, const Prevout& p, const V0& v0_hashes,
                    InputSpend* s) {
    const ByteView spk(p.script_pubkey.data(), p.script_pubkey.size());
    std::vector<ByteView> items;
    uint32_t m = 0;
    std::vector<ByteView> keys;
    const bool push_only = pushes_of(in.script_sig, &items);
    if (is_p2pk(spk)) {
      s->form = SpendForm::kP2PK;
      if (!push_only || items.size() != 1) return fail(s, "P2PK: scriptSig is not one push");
      add_legacy(tx, i, spk, {items[0]}, {spk.subspan(1, spk.size() - 2)}, s);
    } else if (is_p2pkh(spk)) {
      s->form = SpendForm::kP2PKH;
      if (!push_only || items.size() != 2) return fail(s, "P2PKH: scriptSig is not <sig> <key>");
      if (!hash160_is(items[1], spk.subspan(3, 20))) return fail(s, "P2PKH: the key does not hash to the output's");
      add_legacy(tx, i, spk, {items[0]}, {items[1]}, s);
    } else if (parse_multisig(spk, &m, &keys)) {
      s->form = SpendForm::kMultisig;
      if (!push_only || items.size() != m + 1 || !items[0].empty()) return fail(s, "multisig: scriptSig is not OP_0 <m sigs>");
      add_legacy(tx, i, spk, std::vector<ByteView>(items.begin() + 1, items.end()), keys, s);
    } else if (bitcoin::is_p2sh(spk)) {
      if (!push_only || items.empty()) return fail(s, "P2SH: scriptSig is not push-only");
      const ByteView redeem = items.back();
      if (!hash160_is(redeem, spk.subspan(2, 20))) return fail(s, "P2SH: the redeem script does not hash to the output's");
      if (!rules_.segwit && is_witness_program(redeem)) {
        s->note = "P2SH-wrapped witness program before segwit: no signature rule";
        s->unconstrained = true;
        return;
      }
      if (is_p2wpkh(redeem) || is_p2wsh(redeem)) {
        if (items.size() != 1) return fail(s, "P2SH-wrapped witness program: scriptSig is not one push");
        return witness_program(tx, in, i, redeem, p.amount, v0_hashes(), true, s);
      }
      if (parse_multisig(redeem, &m, &keys)) {
        s->form = SpendForm::kP2SHMultisig;
        if (items.size() != m + 2 || !items[0].empty()) return fail(s, "P2SH multisig: scriptSig is not OP_0 <m sigs> <script>");
        return add_legacy(tx, i, redeem, std::vector<ByteView>(items.begin() + 1, items.end() - 1), keys, s);
      }
      s->note = "P2SH with a redeem script of no standard form";
    } else if (is_p2wpkh(spk) || is_p2wsh(spk)) {
      if (!in.script_sig.empty()) return fail(s, "native witness spend with a non-empty scriptSig");
      witness_program(tx, in, i, spk, p.amount, v0_hashes(), false, s);
    } else {
      s->note = "spent output of no standard form";
    }
  }

  void witness_program(const Transaction& tx, const TxIn& in, uint32_t i, ByteView program, int64_t amount,
                       const SegwitV0Hashes& v0, bool nested, InputSpend* s) {
    const auto& w = in.witness;
    SighashContext ctx{&tx, i, true, amount, &v0};
    if (is_p2wpkh(program)) {
      s->form = nested ? SpendForm::kP2SHP2WPKH : SpendForm::kP2WPKH;
      if (w.size() != 2) return fail(s, "P2WPKH: the witness is not <sig> <key>");
      if (!hash160_is(w[1], program.subspan(2, 20))) return fail(s, "P2WPKH: the key does not hash to the program");
      const Bytes code = p2pkh_script(program.subspan(2, 20));
      return add_checks(ctx, code, {w[0]}, {w[1]}, s);
    }
    s->form = nested ? SpendForm::kP2SHP2WSHMultisig : SpendForm::kP2WSHMultisig;
    if (w.empty()) return fail(s, "P2WSH: empty witness");
    const ByteView script = w.back();
    const Hash256 h = sha256(script);
    if (!std::equal(h.bytes.begin(), h.bytes.end(), program.begin() + 2)) return fail(s, "P2WSH: the script does not hash to the program");
    uint32_t m = 0;
    std::vector<ByteView> keys;
    if (!parse_multisig(script, &m, &keys)) {
      s->form = SpendForm::kUnknown;
      s->note = "P2WSH with a witness script of no standard form";
      return;
    }
    if (w.size() != m + 2 || !w[0].empty()) return fail(s, "P2WSH multisig: the witness is not <empty> <m sigs> <script>");
    add_checks(ctx, script, std::vector<ByteView>(w.begin() + 1, w.end() - 1), keys, s);
  }

  void p2tr_key_path(const Transaction& tx, const TxIn& in, uint32_t i, const Prevout& p,
                     const std::vector<SpentOutput>& spent, const TaprootHashes& hashes, InputSpend* s) {
    auto w = in.witness;
    std::optional<ByteView> annex;
    if (w.size() >= 2 && !w.back().empty() && w.back()[0] == 0x50) {
      annex = w.back();
      w.pop_back();
    }
    if (w.size() != 1) {
      s->note = "P2TR script path";
      return;
    }
    s->form = SpendForm::kP2TRKeyPath;
    const ByteView sig = w[0];
    if (sig.size() != 64 && sig.size() != 65) return fail(s, "P2TR: a signature of " + std::to_string(sig.size()) + " bytes");
    const uint8_t hash_type = sig.size() == 65 ? sig[64] : kSighashDefault;
    if (sig.size() == 65 && hash_type == kSighashDefault) return fail(s, "P2TR: an explicit default hash type");
    Hash256 digest;
    if (!taproot_sighash(tx, i, spent, hash_type, hashes, annex, nullptr, &digest))
      return fail(s, "P2TR: undefined hash type or SIGHASH_SINGLE without its output");
    const ByteView key(p.script_pubkey.data() + 2, 32);
    begin(s, 1, 1);
    add_check(Scheme::kSchnorr, key, sig.first(64), push_digest(digest));
    ++out_.signatures;
  }

  // Legacy CHECKSIG / CHECKMULTISIG: every signature is FindAndDeleted from
  // the script code first.
  void add_legacy(const Transaction& tx, uint32_t i, ByteView script, const std::vector<ByteView>& sigs,
                  const std::vector<ByteView>& keys, InputSpend* s) {
    Bytes code(script.begin(), script.end());
    for (ByteView sig : sigs) {
      const Bytes pattern = push_of(sig);
      code = find_and_delete(ByteView(code.data(), code.size()), ByteView(pattern.data(), pattern.size()));
    }
    add_checks(SighashContext{&tx, i, false}, code, sigs, keys, s);
  }

  // Signatures x keys, one digest per signature (its hash type decides it).
  void add_checks(const SighashContext& ctx, ByteView code, const std::vector<ByteView>& sigs,
                  const std::vector<ByteView>& keys, InputSpend* s) {
    begin(s, static_cast<uint32_t>(sigs.size()), static_cast<uint32_t>(keys.size()));
    for (const ByteView& sig : sigs) {
      ByteView der;
      uint32_t digest = 0;
      if (!sig.empty()) {
        der = sig.first(sig.size() - 1);
        const int32_t hash_type = sig.back();
        digest = push_digest(ctx.segwit ? segwit_v0_sighash(*ctx.tx, ctx.input, code, ctx.amount, hash_type, *ctx.v0)
                                        : legacy_sighash(*ctx.tx, ctx.input, code, hash_type));
      } else {
        digest = push_digest(Hash256{});  // an empty signature fails in the verifier (no DER)
      }
      const size_t i = static_cast<size_t>(&sig - sigs.data());
      const Scheme scheme = rules_.strict_der ? Scheme::kEcdsa : Scheme::kEcdsaBitcoin;
      for (size_t j = i; j < i + s->band(); ++j) add_check(scheme, keys[j], der, digest);
    }
    out_.signatures += sigs.size();
  }

  void begin(InputSpend* s, uint32_t signatures, uint32_t keys) {
    s->first_check = static_cast<uint32_t>(out_.checks.size());
    s->signatures = signatures;
    s->keys = keys;
  }
  uint32_t push_digest(const Hash256& h) {
    out_.digests.push_back(h);
    return static_cast<uint32_t>(out_.digests.size() - 1);
  }
  void add_check(Scheme scheme, ByteView key, ByteView sig, uint32_t digest) {
    out_.checks.push_back(Check{scheme, key, {}, sig, nullptr});
    digest_of_.push_back(digest);
  }
  static void fail(InputSpend* s, std::string why) {
    s->invalid = true;
    s->note = std::move(why);
  }

  const std::vector<Transaction>& txs_;
  const PrevoutLookup& prevouts_;
  const SpendRules rules_;
  BlockSpends out_;
  std::vector<uint32_t> digest_of_;  // per check
};

}  // namespace

std::string_view spend_form_name(SpendForm form) {
  switch (form) {
    case SpendForm::kUnknown: return "unknown";
    case SpendForm::kP2PK: return "p2pk";
    case SpendForm::kP2PKH: return "p2pkh";
    case SpendForm::kMultisig: return "multisig";
    case SpendForm::kP2SHMultisig: return "p2sh-multisig";
    case SpendForm::kP2WPKH: return "p2wpkh";
    case SpendForm::kP2SHP2WPKH: return "p2sh-p2wpkh";
    case SpendForm::kP2WSHMultisig: return "p2wsh-multisig";
    case SpendForm::kP2SHP2WSHMultisig: return "p2sh-p2wsh-multisig";
    case SpendForm::kP2TRKeyPath: return "p2tr-keypath";
  }
  return "unknown";
}

BlockSpends collect_block_spends(const std::vector<Transaction>& txs, const PrevoutLookup& prevouts, const SpendRules& rules) {
  return Collector(txs, prevouts, rules).run();
}

std::vector<bool> judge_spends(const BlockSpends& spends, std::span<const uint8_t> verdicts) {
  std::vector<bool> ok(spends.inputs.size(), false);
  for (size_t k = 0; k < spends.inputs.size(); ++k) {
    const InputSpend& s = spends.inputs[k];
    if (s.form == SpendForm::kUnknown || s.invalid) continue;
    // CHECKMULTISIG: each signature, in order, against the keys left, in
    // order; a key that fails is used up; too few keys left fails.
    uint32_t sig = 0, key = 0, sigs_left = s.signatures, keys_left = s.keys;
    bool success = true;
    while (success && sigs_left > 0) {
      if (verdicts[s.first_check + sig * s.band() + (key - sig)]) {
        ++sig;
        --sigs_left;
      }
      ++key;
      --keys_left;
      if (sigs_left > keys_left) success = false;
    }
    ok[k] = success;
  }
  return ok;
}

Validity spends_validity(const BlockSpends& spends, const std::vector<bool>& input_ok) {
  for (size_t k = 0; k < spends.inputs.size(); ++k) {
    const InputSpend& s = spends.inputs[k];
    if (s.form == SpendForm::kUnknown && !s.invalid) continue;
    if (!s.invalid && input_ok[k]) continue;
    return Validity::Invalid("mandatory-script-verify-flag-failed",
                             "tx " + std::to_string(s.tx) + " input " + std::to_string(s.input) + " (" +
                                 std::string(spend_form_name(s.form)) + "): " +
                                 (s.invalid ? s.note : "signature check failed"));
  }
  return Validity::Valid();
}

}  // namespace vigil
