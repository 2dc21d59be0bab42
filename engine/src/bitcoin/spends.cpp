// A block's script work: every input executed by the interpreter with its
// signature checks recorded for one batch, then judged from the verdicts
// (re-executing the inputs whose assumed checks failed; see
// engine/src/script/README.md).
#include "vigil/spends.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "script/opcodes.hpp"
#include "vigil/hash.hpp"

namespace vigil {

// What a re-execution needs of one transaction.
struct BlockSpends::Tx {
  const Transaction* tx = nullptr;
  uint32_t index = 0;
  std::vector<Prevout> prevouts;  // per input; meaningful where `known`
  std::vector<uint8_t> known;     // per input: the spent output is known (or implied by the spend)
  std::unique_ptr<script::TxContext> ctx;
};

BlockSpends::BlockSpends() = default;
BlockSpends::~BlockSpends() = default;
BlockSpends::BlockSpends(BlockSpends&&) noexcept = default;
BlockSpends& BlockSpends::operator=(BlockSpends&&) noexcept = default;

namespace {

using script::Error;
using namespace script;  // opcodes

// A check's identity: scheme, key, message and signature bytes.
std::string check_key(const Check& c) {
  std::string k(1, static_cast<char>(c.scheme));
  auto add = [&k](ByteView b) {
    const uint32_t n = static_cast<uint32_t>(b.size());
    k.append(reinterpret_cast<const char*>(&n), sizeof n);
    k.append(reinterpret_cast<const char*>(b.data()), b.size());
  };
  add(c.public_key);
  add(c.message);
  add(c.signature);
  return k;
}

// Owned copy of a check: its bytes live in `*store`.
Check own_check(const Check& c, std::unique_ptr<Bytes>* store) {
  auto b = std::make_unique<Bytes>();
  b->reserve(c.public_key.size() + c.message.size() + c.signature.size());
  b->insert(b->end(), c.public_key.begin(), c.public_key.end());
  b->insert(b->end(), c.message.begin(), c.message.end());
  b->insert(b->end(), c.signature.begin(), c.signature.end());
  const uint8_t* p = b->data();
  Check out{c.scheme, ByteView(p, c.public_key.size()), ByteView(p + c.public_key.size(), c.message.size()),
            ByteView(p + c.public_key.size() + c.message.size(), c.signature.size()), nullptr};
  *store = std::move(b);
  return out;
}

bool same_bytes(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }
bool same_check(const Check& a, const Check& b) {
  return a.scheme == b.scheme && same_bytes(a.public_key, b.public_key) && same_bytes(a.message, b.message) &&
         same_bytes(a.signature, b.signature);
}

// Answers from the verdicts known so far; records every other check (and
// prefetch hint) and answers "valid" for it. A check met twice is recorded
// once: found by comparing the bytes while an input has few checks, through
// a hash index of their keys beyond that (a tapscript may hold thousands).
class RecordingOracle final : public SignatureOracle {
 public:
  explicit RecordingOracle(const std::unordered_map<std::string, bool>* known) : known_(known) {}

  bool verify(const Check& c) override {
    if (known_) {
      if (const auto it = known_->find(check_key(c)); it != known_->end()) return it->second;
    }
    record(c, true);
    asked_unknown_ = true;
    return true;
  }
  void prefetch(const Check& c) override {
    if (known_ && known_->count(check_key(c))) return;
    record(c, false);
  }

  bool asked_unknown() const { return asked_unknown_; }
  struct Recorded {
    Check check;
    std::unique_ptr<Bytes> bytes;
    bool asked;
  };
  std::vector<Recorded>& recorded() { return recorded_; }

 private:
  static constexpr size_t kLinearScan = 16;

  void record(const Check& c, bool asked) {
    if (const std::optional<size_t> at = find(c)) {
      recorded_[*at].asked |= asked;
      return;
    }
    Recorded r;
    r.check = own_check(c, &r.bytes);
    r.asked = asked;
    recorded_.push_back(std::move(r));
    if (recorded_.size() > kLinearScan) {
      if (index_.empty())
        for (size_t i = 0; i + 1 < recorded_.size(); ++i) index_.emplace(check_key(recorded_[i].check), i);
      index_.emplace(check_key(c), recorded_.size() - 1);
    }
  }
  std::optional<size_t> find(const Check& c) const {
    if (recorded_.size() <= kLinearScan) {
      for (size_t i = 0; i < recorded_.size(); ++i)
        if (same_check(recorded_[i].check, c)) return i;
      return std::nullopt;
    }
    const auto it = index_.find(check_key(c));
    return it == index_.end() ? std::nullopt : std::optional<size_t>(it->second);
  }

  const std::unordered_map<std::string, bool>* known_;
  std::unordered_map<std::string, size_t> index_;  // once more than kLinearScan are recorded
  std::vector<Recorded> recorded_;
  bool asked_unknown_ = false;
};

bool is_p2pkh(ByteView s) {
  return s.size() == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY &&
         s[24] == OP_CHECKSIG;
}
bool is_p2pk(ByteView s) {
  return (s.size() == 35 && s[0] == 33 && s[34] == OP_CHECKSIG) || (s.size() == 67 && s[0] == 65 && s[66] == OP_CHECKSIG);
}
// OP_m <key>... OP_n OP_CHECKMULTISIG, 1 <= m <= n <= 20.
bool is_multisig(ByteView s) {
  if (s.size() < 4 || s.back() != OP_CHECKMULTISIG) return false;
  const int m = decode_op_n(s[0]);
  const int n = decode_op_n(s[s.size() - 2]);
  if (m < 1 || n < m) return false;
  size_t pc = 1;
  int keys = 0;
  uint8_t op;
  ByteView push;
  while (pc < s.size() - 2) {
    if (!get_op(s, &pc, &op, &push) || op == OP_0 || op > OP_PUSHDATA4) return false;
    ++keys;
  }
  return pc == s.size() - 2 && keys == n;
}

// The pushes of a push-only scriptSig (false for any other op).
bool pushes_of(ByteView script, std::vector<ByteView>* out) {
  out->clear();
  size_t pc = 0;
  uint8_t op;
  ByteView push;
  while (pc < script.size()) {
    if (!get_op(script, &pc, &op, &push) || op > OP_PUSHDATA4) return false;
    out->push_back(push);
  }
  return true;
}

SpendForm witness_form(ByteView program_script, ByteView witness_script, bool nested) {
  int version;
  ByteView program;
  if (!is_witness_program(program_script, &version, &program)) return SpendForm::kNonstandard;
  if (version == 0 && program.size() == 20) return nested ? SpendForm::kP2SHP2WPKH : SpendForm::kP2WPKH;
  if (version == 0 && program.size() == 32) {
    if (is_multisig(witness_script)) return nested ? SpendForm::kP2SHP2WSHMultisig : SpendForm::kP2WSHMultisig;
    return nested ? SpendForm::kP2SHP2WSH : SpendForm::kP2WSH;
  }
  return SpendForm::kWitnessOther;
}

}  // namespace

SpendForm spend_form(ByteView spk, const TxIn& in) {
  if (is_p2pk(spk)) return SpendForm::kP2PK;
  if (is_p2pkh(spk)) return SpendForm::kP2PKH;
  if (is_multisig(spk)) return SpendForm::kMultisig;
  int version;
  ByteView program;
  if (is_witness_program(spk, &version, &program)) {
    if (version == 1 && program.size() == 32) {
      size_t n = in.witness.size();
      if (n >= 2 && !in.witness.back().empty() && in.witness.back()[0] == kAnnexTag) --n;
      return n <= 1 ? SpendForm::kP2TRKeyPath : SpendForm::kP2TRScriptPath;
    }
    return witness_form(spk, in.witness.empty() ? ByteView{} : in.witness.back(), false);
  }
  if (is_pay_to_script_hash(spk)) {
    std::vector<ByteView> items;
    if (!pushes_of(in.script_sig, &items) || items.empty()) return SpendForm::kP2SH;
    const ByteView redeem = items.back();
    if (is_witness_program(redeem, &version, &program))
      return witness_form(redeem, in.witness.empty() ? ByteView{} : in.witness.back(), true);
    return is_multisig(redeem) ? SpendForm::kP2SHMultisig : SpendForm::kP2SH;
  }
  return SpendForm::kNonstandard;
}

namespace {

Bytes p2pkh_script(ByteView key_hash) {
  Bytes s = {OP_DUP, OP_HASH160, 20};
  s.insert(s.end(), key_hash.begin(), key_hash.end());
  s.insert(s.end(), {OP_EQUALVERIFY, OP_CHECKSIG});
  return s;
}
Bytes p2sh_script(ByteView redeem) {
  const auto h = hash160(redeem);
  Bytes s = {OP_HASH160, 20};
  s.insert(s.end(), h.begin(), h.end());
  s.push_back(OP_EQUAL);
  return s;
}

// Without the spent output: the script a P2PKH (<sig> <key>) or P2SH
// multisig (OP_0 <sigs> <multisig script>) spend reveals. False otherwise.
bool implied_prevout(const TxIn& in, Prevout* out, std::string* why) {
  std::vector<ByteView> items;
  if (!in.witness.empty()) {
    *why = "a witness spend needs the spent output (amount, program)";
    return false;
  }
  if (!pushes_of(in.script_sig, &items)) {
    *why = "scriptSig is not push-only, and the spent output is unknown";
    return false;
  }
  if (items.size() == 2 && (items[1].size() == 33 || items[1].size() == 65) && !items[0].empty()) {
    const auto h = hash160(items[1]);
    out->script_pubkey = p2pkh_script(ByteView(h.data(), h.size()));
  } else if (items.size() >= 3 && items[0].empty() && is_multisig(items.back())) {
    out->script_pubkey = p2sh_script(items.back());
  } else {
    *why = "not a P2PKH or P2SH-multisig spend, and the spent output is unknown";
    return false;
  }
  out->amount = 0;  // legacy signature hashes do not sign it
  return true;
}

bool is_p2tr(ByteView spk) { return spk.size() == 34 && spk[0] == OP_1 && spk[1] == 32; }

// One execution of input `in` of `t` under `flags` with `oracle`.
bool execute(const BlockSpends::Tx& t, uint32_t input, uint32_t flags, SignatureOracle& oracle, Error* error) {
  const Prevout& p = t.prevouts[input];
  TransactionChecker checker(*t.ctx, input, p.amount, oracle);
  const TxIn& in = t.tx->inputs[input];
  return verify_script(in.script_sig, p.script_pubkey, in.witness, flags, checker, error);
}

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
    case SpendForm::kP2TRScriptPath: return "p2tr-scriptpath";
    case SpendForm::kP2SH: return "p2sh";
    case SpendForm::kP2WSH: return "p2wsh";
    case SpendForm::kP2SHP2WSH: return "p2sh-p2wsh";
    case SpendForm::kWitnessOther: return "witness-other";
    case SpendForm::kNonstandard: return "nonstandard";
  }
  return "unknown";
}

BlockSpends collect_block_spends(const std::vector<Transaction>& txs, const PrevoutLookup& prevouts,
                                 const SpendRules& rules) {
  BlockSpends out;
  out.flags = rules.flags;
  for (size_t ti = 0; ti < txs.size(); ++ti) {
    const Transaction& tx = txs[ti];
    // Legacy sigops count for every transaction, the coinbase's included.
    uint64_t legacy = 0;
    for (const TxIn& in : tx.inputs) legacy += legacy_sigop_count(in.script_sig, false);
    for (const TxOut& o : tx.outputs) legacy += legacy_sigop_count(o.script_pubkey, false);
    out.sigop_cost += legacy * 4;
    if (ti == 0) continue;

    auto t = std::make_unique<BlockSpends::Tx>();
    t->tx = &tx;
    t->index = static_cast<uint32_t>(ti);
    t->prevouts.resize(tx.inputs.size());
    t->known.assign(tx.inputs.size(), 0);
    std::vector<std::string> why(tx.inputs.size());
    bool all_known = true;
    for (size_t i = 0; i < tx.inputs.size(); ++i) {
      const Prevout* p = prevouts ? prevouts(tx.inputs[i].prevout) : nullptr;
      if (p) {
        t->prevouts[i] = *p;
        t->known[i] = 1;
      } else {
        all_known = false;
        t->known[i] = implied_prevout(tx.inputs[i], &t->prevouts[i], &why[i]) ? 2 : 0;
      }
    }
    std::vector<SpentOutput> spent;
    if (all_known) {
      for (const Prevout& p : t->prevouts) spent.push_back(SpentOutput{p.amount, ByteView(p.script_pubkey)});
    }
    t->ctx = std::make_unique<script::TxContext>(tx, std::move(spent));

    for (uint32_t i = 0; i < tx.inputs.size(); ++i) {
      InputSpend s;
      s.tx = t->index;
      s.input = i;
      const TxIn& in = tx.inputs[i];
      if (!t->known[i]) {
        s.note = why[i];
        ++out.not_verified;
        ++out.inputs_by_form[static_cast<size_t>(SpendForm::kUnknown)];
        out.inputs.push_back(std::move(s));
        continue;
      }
      const ByteView spk(t->prevouts[i].script_pubkey);
      s.form = spend_form(spk, in);
      if (t->known[i] == 1) {
        if (rules.flags & kVerifyP2SH) out.sigop_cost += uint64_t{p2sh_sigop_count(spk, in.script_sig)} * 4;
        out.sigop_cost += witness_sigop_count(in.script_sig, spk, in.witness, rules.flags);
      }
      // BIP341 signs every input's spent output: unknown ones leave a
      // taproot spend undecidable.
      if (!all_known && is_p2tr(spk) && (rules.flags & kVerifyTaproot) && (rules.flags & kVerifyWitness)) {
        s.form = SpendForm::kUnknown;
        s.note = "P2TR: the outputs spent by the other inputs are unknown";
        ++out.not_verified;
        ++out.inputs_by_form[static_cast<size_t>(SpendForm::kUnknown)];
        out.inputs.push_back(std::move(s));
        continue;
      }
      RecordingOracle oracle(nullptr);
      Error error = Error::kOk;
      s.assumed_ok = execute(*t, i, rules.flags, oracle, &error);
      s.assumed_error = s.assumed_ok ? Error::kOk : error;
      s.verified = true;
      s.first_check = static_cast<uint32_t>(out.checks.size());
      for (RecordingOracle::Recorded& r : oracle.recorded()) {
        out.checks.push_back(r.check);
        out.asked.push_back(r.asked ? 1 : 0);
        out.arena.push_back(std::move(r.bytes));
        if (r.check.scheme == Scheme::kTaprootCommitment) {
          out.commitments += r.asked;
        } else {
          s.signatures += r.asked;
        }
      }
      s.check_count = static_cast<uint32_t>(out.checks.size()) - s.first_check;
      out.signatures += s.signatures;
      ++out.inputs_by_form[static_cast<size_t>(s.form)];
      if (t->known[i] == 2) s.note = "spent output implied by the spend";
      out.inputs.push_back(std::move(s));
    }
    out.txs.push_back(std::move(t));
  }
  return out;
}

Status judge_spends(const BlockSpends& spends, std::span<const uint8_t> verdicts, const BatchVerify& verify,
                    std::vector<InputVerdict>* out) {
  if (verdicts.size() != spends.checks.size())
    return Status::InvalidArgument("judge_spends: " + std::to_string(verdicts.size()) + " verdicts for " +
                                   std::to_string(spends.checks.size()) + " checks");
  out->assign(spends.inputs.size(), InputVerdict{});
  std::unordered_map<uint32_t, const BlockSpends::Tx*> tx_of;
  for (const auto& t : spends.txs) tx_of[t->index] = t.get();

  // Inputs whose optimistic execution met a check that failed.
  struct Redo {
    size_t input;
    std::unordered_map<std::string, bool> known;
  };
  std::vector<Redo> redo;
  for (size_t k = 0; k < spends.inputs.size(); ++k) {
    const InputSpend& s = spends.inputs[k];
    if (!s.verified) continue;
    bool all_valid = true;
    for (uint32_t c = s.first_check; c < s.first_check + s.check_count; ++c)
      if (spends.asked[c] && !verdicts[c]) all_valid = false;
    if (all_valid) {
      (*out)[k] = InputVerdict{s.assumed_ok, s.assumed_error};
      continue;
    }
    Redo r{k, {}};
    for (uint32_t c = s.first_check; c < s.first_check + s.check_count; ++c)
      r.known[check_key(spends.checks[c])] = verdicts[c] != 0;
    redo.push_back(std::move(r));
  }

  constexpr int kMaxRounds = 4;
  for (int round = 0; round < kMaxRounds && !redo.empty(); ++round) {
    std::vector<Redo> next;
    std::vector<Check> batch;
    std::vector<std::unique_ptr<Bytes>> batch_bytes;
    std::vector<std::string> batch_keys;
    std::vector<size_t> batch_owner;  // index into `next`
    for (Redo& r : redo) {
      const InputSpend& s = spends.inputs[r.input];
      RecordingOracle oracle(&r.known);
      Error error = Error::kOk;
      const bool ok = execute(*tx_of.at(s.tx), s.input, spends.flags, oracle, &error);
      if (!oracle.asked_unknown()) {
        (*out)[r.input] = InputVerdict{ok, ok ? Error::kOk : error};
        continue;
      }
      for (RecordingOracle::Recorded& rec : oracle.recorded()) {
        batch.push_back(rec.check);
        batch_keys.push_back(check_key(rec.check));
        batch_bytes.push_back(std::move(rec.bytes));
        batch_owner.push_back(next.size());
      }
      next.push_back(std::move(r));
    }
    if (batch.empty()) break;
    std::vector<uint8_t> v(batch.size(), 0);
    if (verify) {
      if (Status st = verify(batch, v); !st.ok()) return st;
    } else {
      for (size_t c = 0; c < batch.size(); ++c) v[c] = verify_check(batch[c]) ? 1 : 0;
    }
    for (size_t c = 0; c < batch.size(); ++c) next[batch_owner[c]].known[batch_keys[c]] = v[c] != 0;
    redo = std::move(next);
  }
  // Still open after the rounds: verified on the spot.
  for (Redo& r : redo) {
    const InputSpend& s = spends.inputs[r.input];
    ImmediateOracle oracle;
    Error error = Error::kOk;
    const bool ok = execute(*tx_of.at(s.tx), s.input, spends.flags, oracle, &error);
    (*out)[r.input] = InputVerdict{ok, ok ? Error::kOk : error};
  }
  return Status::Ok();
}

Validity spends_validity(const BlockSpends& spends, const std::vector<InputVerdict>& verdicts) {
  for (size_t k = 0; k < spends.inputs.size(); ++k) {
    const InputSpend& s = spends.inputs[k];
    if (!s.verified || verdicts[k].ok) continue;
    return Validity::Invalid("mandatory-script-verify-flag-failed (" + std::string(error_message(verdicts[k].error)) + ")",
                             "tx " + std::to_string(s.tx) + " input " + std::to_string(s.input) + " (" +
                                 std::string(spend_form_name(s.form)) + "): " +
                                 std::string(error_name(verdicts[k].error)) + " (" +
                                 std::string(error_message(verdicts[k].error)) + ")");
  }
  return Validity::Valid();
}

}  // namespace vigil
