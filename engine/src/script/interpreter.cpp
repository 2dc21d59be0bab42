// EvalScript: Bitcoin Core's script interpreter, opcode by opcode, for
// legacy, witness v0 and tapscript execution. Signature verdicts come from
// the TransactionChecker's oracle; everything else is decided here.
#include <openssl/evp.h>

#include <algorithm>

#include "script/encoding.hpp"
#include "script/num.hpp"
#include "script/opcodes.hpp"
#include "vigil/hash.hpp"
#include "vigil/script.hpp"

namespace vigil::script {
namespace {

const Bytes kFalse{};
const Bytes kTrue{1};

// Core's ConditionStack: the IF/ELSE nesting as a count of entries and the
// position of the first false one, so that every op costs O(1).
class ConditionStack {
 public:
  bool empty() const { return size_ == 0; }
  bool all_true() const { return first_false_ == kNoFalse; }
  void push_back(bool v) {
    if (first_false_ == kNoFalse && !v) first_false_ = size_;
    ++size_;
  }
  void pop_back() {
    --size_;
    if (first_false_ == size_) first_false_ = kNoFalse;
  }
  void toggle_top() {
    if (first_false_ == kNoFalse) {
      first_false_ = size_ - 1;  // the top was true: now false
    } else if (first_false_ == size_ - 1) {
      first_false_ = kNoFalse;   // the top was the first false: now all true
    }                            // else a false below the top keeps it unexecuted
  }

 private:
  static constexpr uint32_t kNoFalse = ~0u;
  uint32_t size_ = 0;
  uint32_t first_false_ = kNoFalse;
};

bool openssl_digest(const EVP_MD* md, ByteView in, Bytes* out) {
  out->resize(EVP_MD_size(md));
  unsigned len = 0;
  return EVP_Digest(in.data(), in.size(), out->data(), &len, md, nullptr) == 1 && len == out->size();
}

// Core's CheckMinimalPush: the shortest push op for `data`.
bool minimal_push(ByteView data, uint8_t opcode) {
  if (data.empty()) return opcode == OP_0;
  if (data.size() == 1 && data[0] >= 1 && data[0] <= 16) return false;  // OP_1..OP_16
  if (data.size() == 1 && data[0] == 0x81) return false;                 // OP_1NEGATE
  if (data.size() <= 75) return opcode == data.size();
  if (data.size() <= 255) return opcode == OP_PUSHDATA1;
  if (data.size() <= 65535) return opcode == OP_PUSHDATA2;
  return true;
}

bool fail(Error* error, Error e) {
  *error = e;
  return false;
}

// CHECKSIG before tapscript (Core's EvalChecksigPreTapscript).
bool checksig_pre_tapscript(ByteView sig, ByteView pubkey, ByteView script_code, uint32_t flags,
                            TransactionChecker& checker, SigVersion version, Error* error, bool* success) {
  ByteView code = script_code;
  Bytes cleaned;
  if (version == SigVersion::kBase) {
    // The signature cannot sign itself: it is removed from the code it signs.
    cleaned = find_and_delete(script_code, push_of(sig));
    if (cleaned.size() != script_code.size() && (flags & kVerifyConstScriptCode))
      return fail(error, Error::kSigFindAndDelete);
    code = cleaned;
  }
  if (!check_signature_encoding(sig, flags, error) || !check_pubkey_encoding(pubkey, flags, version, error)) return false;
  *success = checker.check_ecdsa(sig, pubkey, code, version, flags);
  if (!*success && (flags & kVerifyNullFail) && !sig.empty()) return fail(error, Error::kSigNullFail);
  return true;
}

// CHECKSIG in tapscript (Core's EvalChecksigTapscript). The order of these
// rules is consensus: upgradable key types first, an empty signature with a
// bad key fails, any non-empty signature that fails ends the script.
bool checksig_tapscript(ByteView sig, ByteView pubkey, TransactionChecker::TapExec& exec, uint32_t flags,
                        TransactionChecker& checker, Error* error, bool* success) {
  *success = !sig.empty();
  if (*success) {
    // BIP342: every signature checked (or passed with an unknown key type)
    // spends 50 units of the witness's weight budget.
    exec.validation_weight_left -= kValidationWeightPerSigop;
    if (exec.validation_weight_left < 0) return fail(error, Error::kTapscriptValidationWeight);
  }
  if (pubkey.empty()) return fail(error, Error::kTapscriptEmptyPubkey);
  if (pubkey.size() == 32) {
    if (*success && !checker.check_schnorr(sig, pubkey, SigVersion::kTapscript, exec, error)) return false;
  } else if (flags & kVerifyDiscourageUpgradablePubkeyType) {
    return fail(error, Error::kDiscourageUpgradablePubkeyType);
  }
  return true;
}

bool eval_checksig(ByteView sig, ByteView pubkey, ByteView script_code, TransactionChecker::TapExec* exec,
                   uint32_t flags, TransactionChecker& checker, SigVersion version, Error* error, bool* success) {
  switch (version) {
    case SigVersion::kBase:
    case SigVersion::kWitnessV0:
      return checksig_pre_tapscript(sig, pubkey, script_code, flags, checker, version, error, success);
    case SigVersion::kTapscript:
      return checksig_tapscript(sig, pubkey, *exec, flags, checker, error, success);
    case SigVersion::kTaproot:
      break;  // key path spends never execute a script
  }
  return fail(error, Error::kUnknown);
}

}  // namespace

bool eval_script(Stack& stack, ByteView script, uint32_t flags, TransactionChecker& checker, SigVersion version,
                 TransactionChecker::TapExec* exec, Error* error) {
  *error = Error::kUnknown;
  const bool legacy_limits = version == SigVersion::kBase || version == SigVersion::kWitnessV0;
  if (version == SigVersion::kTapscript && !exec) return fail(error, Error::kUnknown);
  if (legacy_limits && script.size() > kMaxScriptSize) return fail(error, Error::kScriptSize);
  const bool require_minimal = (flags & kVerifyMinimalData) != 0;
  size_t pc = 0;
  size_t begin_code_hash = 0;  // the script code starts after the last executed OP_CODESEPARATOR
  int op_count = 0;
  uint32_t opcode_pos = 0;
  if (exec) exec->codesep_pos = 0xffffffff;
  ConditionStack exec_stack;
  Stack altstack;
  uint8_t opcode;
  ByteView push;

  auto top = [&](int i) -> Bytes& { return stack[stack.size() + i]; };  // i < 0
  auto pop = [&] { stack.pop_back(); };
  auto num_at = [&](int i, int64_t* out, size_t max_size = 4) {
    return decode_num(top(i), require_minimal, max_size, out);
  };

  for (; pc < script.size(); ++opcode_pos) {
    const bool executing = exec_stack.all_true();
    if (!get_op(script, &pc, &opcode, &push)) return fail(error, Error::kBadOpcode);
    if (push.size() > kMaxScriptElementSize) return fail(error, Error::kPushSize);
    // OP_RESERVED and the pushes do not count towards the op limit.
    if (legacy_limits && opcode > OP_16 && ++op_count > static_cast<int>(kMaxOpsPerScript))
      return fail(error, Error::kOpCount);
    // Disabled even in an unexecuted branch (CVE-2010-5137).
    switch (opcode) {
      case OP_CAT: case OP_SUBSTR: case OP_LEFT: case OP_RIGHT: case OP_INVERT: case OP_AND: case OP_OR:
      case OP_XOR: case OP_2MUL: case OP_2DIV: case OP_MUL: case OP_DIV: case OP_MOD: case OP_LSHIFT:
      case OP_RSHIFT:
        return fail(error, Error::kDisabledOpcode);
      default:
        break;
    }
    if (opcode == OP_CODESEPARATOR && version == SigVersion::kBase && (flags & kVerifyConstScriptCode))
      return fail(error, Error::kOpCodeSeparator);

    if (executing && opcode <= OP_PUSHDATA4) {
      if (require_minimal && !minimal_push(push, opcode)) return fail(error, Error::kMinimalData);
      stack.emplace_back(push.begin(), push.end());
    } else if (executing || (opcode >= OP_IF && opcode <= OP_ENDIF)) {
      switch (opcode) {
        case OP_1NEGATE: case OP_1: case OP_2: case OP_3: case OP_4: case OP_5: case OP_6: case OP_7: case OP_8:
        case OP_9: case OP_10: case OP_11: case OP_12: case OP_13: case OP_14: case OP_15: case OP_16:
          stack.push_back(encode_num(static_cast<int>(opcode) - static_cast<int>(OP_1 - 1)));
          break;

        case OP_NOP:
          break;

        case OP_CHECKLOCKTIMEVERIFY: {
          if (!(flags & kVerifyCheckLockTimeVerify)) break;  // NOP2 before BIP65
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          // 5 bytes: lock times reach 2^32 - 1.
          int64_t lock_time;
          if (!num_at(-1, &lock_time, 5)) return fail(error, Error::kScriptNum);
          if (lock_time < 0) return fail(error, Error::kNegativeLocktime);
          if (!checker.check_lock_time(lock_time)) return fail(error, Error::kUnsatisfiedLocktime);
          break;
        }

        case OP_CHECKSEQUENCEVERIFY: {
          if (!(flags & kVerifyCheckSequenceVerify)) break;  // NOP3 before BIP112
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          int64_t sequence;
          if (!num_at(-1, &sequence, 5)) return fail(error, Error::kScriptNum);
          if (sequence < 0) return fail(error, Error::kNegativeLocktime);
          // The disable flag in the operand keeps it a NOP (room for soft forks).
          if (sequence & (int64_t{1} << 31)) break;
          if (!checker.check_sequence(sequence)) return fail(error, Error::kUnsatisfiedLocktime);
          break;
        }

        case OP_NOP1: case OP_NOP4: case OP_NOP5: case OP_NOP6: case OP_NOP7: case OP_NOP8: case OP_NOP9:
        case OP_NOP10:
          if (flags & kVerifyDiscourageUpgradableNops) return fail(error, Error::kDiscourageUpgradableNops);
          break;

        case OP_IF:
        case OP_NOTIF: {
          bool value = false;
          if (executing) {
            if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
            const Bytes& v = top(-1);
            // Tapscript: consensus; witness v0: the MINIMALIF policy flag.
            if (version == SigVersion::kTapscript && (v.size() > 1 || (v.size() == 1 && v[0] != 1)))
              return fail(error, Error::kTapscriptMinimalIf);
            if (version == SigVersion::kWitnessV0 && (flags & kVerifyMinimalIf) &&
                (v.size() > 1 || (v.size() == 1 && v[0] != 1)))
              return fail(error, Error::kMinimalIf);
            value = cast_to_bool(v);
            if (opcode == OP_NOTIF) value = !value;
            pop();
          }
          exec_stack.push_back(value);
          break;
        }

        case OP_ELSE:
          if (exec_stack.empty()) return fail(error, Error::kUnbalancedConditional);
          exec_stack.toggle_top();
          break;

        case OP_ENDIF:
          if (exec_stack.empty()) return fail(error, Error::kUnbalancedConditional);
          exec_stack.pop_back();
          break;

        case OP_VERIFY:
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          if (!cast_to_bool(top(-1))) return fail(error, Error::kVerify);
          pop();
          break;

        case OP_RETURN:
          return fail(error, Error::kOpReturn);

        // Stack ops.
        case OP_TOALTSTACK:
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          altstack.push_back(std::move(top(-1)));
          pop();
          break;
        case OP_FROMALTSTACK:
          if (altstack.empty()) return fail(error, Error::kInvalidAltstackOperation);
          stack.push_back(std::move(altstack.back()));
          altstack.pop_back();
          break;
        case OP_2DROP:
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          pop();
          pop();
          break;
        case OP_2DUP: {
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          Bytes a = top(-2), b = top(-1);
          stack.push_back(std::move(a));
          stack.push_back(std::move(b));
          break;
        }
        case OP_3DUP: {
          if (stack.size() < 3) return fail(error, Error::kInvalidStackOperation);
          Bytes a = top(-3), b = top(-2), c = top(-1);
          stack.push_back(std::move(a));
          stack.push_back(std::move(b));
          stack.push_back(std::move(c));
          break;
        }
        case OP_2OVER: {
          if (stack.size() < 4) return fail(error, Error::kInvalidStackOperation);
          Bytes a = top(-4), b = top(-3);
          stack.push_back(std::move(a));
          stack.push_back(std::move(b));
          break;
        }
        case OP_2ROT: {
          if (stack.size() < 6) return fail(error, Error::kInvalidStackOperation);
          Bytes a = top(-6), b = top(-5);
          stack.erase(stack.end() - 6, stack.end() - 4);
          stack.push_back(std::move(a));
          stack.push_back(std::move(b));
          break;
        }
        case OP_2SWAP:
          if (stack.size() < 4) return fail(error, Error::kInvalidStackOperation);
          std::swap(top(-4), top(-2));
          std::swap(top(-3), top(-1));
          break;
        case OP_IFDUP:
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          if (cast_to_bool(top(-1))) {
            Bytes a = top(-1);
            stack.push_back(std::move(a));
          }
          break;
        case OP_DEPTH:
          stack.push_back(encode_num(static_cast<int64_t>(stack.size())));
          break;
        case OP_DROP:
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          pop();
          break;
        case OP_DUP: {
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          Bytes a = top(-1);
          stack.push_back(std::move(a));
          break;
        }
        case OP_NIP:
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          stack.erase(stack.end() - 2);
          break;
        case OP_OVER: {
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          Bytes a = top(-2);
          stack.push_back(std::move(a));
          break;
        }
        case OP_PICK:
        case OP_ROLL: {
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          int64_t n64;
          if (!num_at(-1, &n64)) return fail(error, Error::kScriptNum);
          const int n = num_to_int(n64);
          pop();
          if (n < 0 || n >= static_cast<int>(stack.size())) return fail(error, Error::kInvalidStackOperation);
          Bytes v = top(-n - 1);
          if (opcode == OP_ROLL) stack.erase(stack.end() - n - 1);
          stack.push_back(std::move(v));
          break;
        }
        case OP_ROT:
          if (stack.size() < 3) return fail(error, Error::kInvalidStackOperation);
          std::swap(top(-3), top(-2));
          std::swap(top(-2), top(-1));
          break;
        case OP_SWAP:
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          std::swap(top(-2), top(-1));
          break;
        case OP_TUCK: {
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          Bytes v = top(-1);
          stack.insert(stack.end() - 2, std::move(v));
          break;
        }
        case OP_SIZE:
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          stack.push_back(encode_num(static_cast<int64_t>(top(-1).size())));
          break;

        // Bitwise logic.
        case OP_EQUAL:
        case OP_EQUALVERIFY: {
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          const bool equal = top(-2) == top(-1);
          pop();
          pop();
          stack.push_back(equal ? kTrue : kFalse);
          if (opcode == OP_EQUALVERIFY) {
            if (!equal) return fail(error, Error::kEqualVerify);
            pop();
          }
          break;
        }

        // Numeric, one operand.
        case OP_1ADD: case OP_1SUB: case OP_NEGATE: case OP_ABS: case OP_NOT: case OP_0NOTEQUAL: {
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          int64_t n;
          if (!num_at(-1, &n)) return fail(error, Error::kScriptNum);
          switch (opcode) {
            case OP_1ADD: n += 1; break;
            case OP_1SUB: n -= 1; break;
            case OP_NEGATE: n = -n; break;
            case OP_ABS: if (n < 0) n = -n; break;
            case OP_NOT: n = n == 0; break;
            case OP_0NOTEQUAL: n = n != 0; break;
          }
          pop();
          stack.push_back(encode_num(n));
          break;
        }

        // Numeric, two operands.
        case OP_ADD: case OP_SUB: case OP_BOOLAND: case OP_BOOLOR: case OP_NUMEQUAL: case OP_NUMEQUALVERIFY:
        case OP_NUMNOTEQUAL: case OP_LESSTHAN: case OP_GREATERTHAN: case OP_LESSTHANOREQUAL:
        case OP_GREATERTHANOREQUAL: case OP_MIN: case OP_MAX: {
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          int64_t a, b;
          if (!num_at(-2, &a) || !num_at(-1, &b)) return fail(error, Error::kScriptNum);
          int64_t r = 0;
          switch (opcode) {
            case OP_ADD: r = a + b; break;
            case OP_SUB: r = a - b; break;
            case OP_BOOLAND: r = a != 0 && b != 0; break;
            case OP_BOOLOR: r = a != 0 || b != 0; break;
            case OP_NUMEQUAL: case OP_NUMEQUALVERIFY: r = a == b; break;
            case OP_NUMNOTEQUAL: r = a != b; break;
            case OP_LESSTHAN: r = a < b; break;
            case OP_GREATERTHAN: r = a > b; break;
            case OP_LESSTHANOREQUAL: r = a <= b; break;
            case OP_GREATERTHANOREQUAL: r = a >= b; break;
            case OP_MIN: r = std::min(a, b); break;
            case OP_MAX: r = std::max(a, b); break;
          }
          pop();
          pop();
          stack.push_back(encode_num(r));
          if (opcode == OP_NUMEQUALVERIFY) {
            if (!cast_to_bool(top(-1))) return fail(error, Error::kNumEqualVerify);
            pop();
          }
          break;
        }

        case OP_WITHIN: {
          if (stack.size() < 3) return fail(error, Error::kInvalidStackOperation);
          int64_t x, lo, hi;
          if (!num_at(-3, &x) || !num_at(-2, &lo) || !num_at(-1, &hi)) return fail(error, Error::kScriptNum);
          const bool within = lo <= x && x < hi;
          pop();
          pop();
          pop();
          stack.push_back(within ? kTrue : kFalse);
          break;
        }

        // Crypto.
        case OP_RIPEMD160: case OP_SHA1: case OP_SHA256: case OP_HASH160: case OP_HASH256: {
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          const Bytes& v = top(-1);
          Bytes h;
          if (opcode == OP_SHA256 || opcode == OP_HASH256) {
            const Hash256 d = opcode == OP_SHA256 ? sha256(v) : sha256d(v);
            h.assign(d.bytes.begin(), d.bytes.end());
          } else if (opcode == OP_HASH160) {
            const auto d = hash160(v);
            h.assign(d.begin(), d.end());
          } else if (!openssl_digest(opcode == OP_SHA1 ? EVP_sha1() : EVP_ripemd160(), v, &h)) {
            return fail(error, Error::kUnknown);
          }
          pop();
          stack.push_back(std::move(h));
          break;
        }

        case OP_CODESEPARATOR:
          // The signed code starts after it (legacy, v0); tapscript signs its position.
          begin_code_hash = pc;
          if (exec) exec->codesep_pos = opcode_pos;
          break;

        case OP_CHECKSIG:
        case OP_CHECKSIGVERIFY: {
          if (stack.size() < 2) return fail(error, Error::kInvalidStackOperation);
          bool success = true;
          if (!eval_checksig(top(-2), top(-1), script.subspan(begin_code_hash), exec, flags, checker, version, error,
                             &success))
            return false;
          pop();
          pop();
          stack.push_back(success ? kTrue : kFalse);
          if (opcode == OP_CHECKSIGVERIFY) {
            if (!success) return fail(error, Error::kCheckSigVerify);
            pop();
          }
          break;
        }

        case OP_CHECKSIGADD: {
          if (legacy_limits) return fail(error, Error::kBadOpcode);  // tapscript only
          // (sig n pubkey -- n + success)
          if (stack.size() < 3) return fail(error, Error::kInvalidStackOperation);
          int64_t n;
          if (!num_at(-2, &n)) return fail(error, Error::kScriptNum);
          bool success = true;
          if (!eval_checksig(top(-3), top(-1), script.subspan(begin_code_hash), exec, flags, checker, version, error,
                             &success))
            return false;
          pop();
          pop();
          pop();
          stack.push_back(encode_num(n + (success ? 1 : 0)));
          break;
        }

        case OP_CHECKMULTISIG:
        case OP_CHECKMULTISIGVERIFY: {
          if (version == SigVersion::kTapscript) return fail(error, Error::kTapscriptCheckMultisig);
          // ([sig ...] num_of_signatures [pubkey ...] num_of_pubkeys -- bool)
          int i = 1;
          if (static_cast<int>(stack.size()) < i) return fail(error, Error::kInvalidStackOperation);
          int64_t n64;
          if (!num_at(-i, &n64)) return fail(error, Error::kScriptNum);
          int keys = num_to_int(n64);
          if (keys < 0 || keys > kMaxPubkeysPerMultisig) return fail(error, Error::kPubkeyCount);
          op_count += keys;
          if (op_count > static_cast<int>(kMaxOpsPerScript)) return fail(error, Error::kOpCount);
          int ikey = ++i;
          // The last non-signature item: NULLFAIL's cleanup starts below it.
          int ikey2 = keys + 2;
          i += keys;
          if (static_cast<int>(stack.size()) < i) return fail(error, Error::kInvalidStackOperation);
          if (!num_at(-i, &n64)) return fail(error, Error::kScriptNum);
          int sigs = num_to_int(n64);
          if (sigs < 0 || sigs > keys) return fail(error, Error::kSigCount);
          int isig = ++i;
          i += sigs;
          if (static_cast<int>(stack.size()) < i) return fail(error, Error::kInvalidStackOperation);

          Bytes code(script.begin() + static_cast<ptrdiff_t>(begin_code_hash), script.end());
          if (version == SigVersion::kBase) {
            for (int k = 0; k < sigs; ++k) {
              const Bytes pattern = push_of(top(-isig - k));
              Bytes cleaned = find_and_delete(code, pattern);
              if (cleaned.size() != code.size() && (flags & kVerifyConstScriptCode))
                return fail(error, Error::kSigFindAndDelete);
              code = std::move(cleaned);
            }
          }
          // Each signature, in order, against the keys left, in order. A
          // batching oracle is told the pairings a failed match could lead to.
          if (sigs > 0 && sigs * (keys - sigs + 1) <= kMultisigPrefetchLimit) {
            for (int s = 0; s < sigs; ++s) {
              const Bytes& sig = top(-isig - s);
              if (!check_signature_encoding_quiet(sig, flags)) break;
              for (int k = s; k <= s + keys - sigs; ++k) {
                const Bytes& key = top(-ikey - k);
                if (!check_pubkey_encoding_quiet(key, flags, version)) continue;
                checker.prefetch_ecdsa(sig, key, code, version, flags);
              }
            }
          }
          bool success = true;
          while (success && sigs > 0) {
            const Bytes& sig = top(-isig);
            const Bytes& key = top(-ikey);
            // The order of these checks is observable under STRICTENC.
            if (!check_signature_encoding(sig, flags, error) || !check_pubkey_encoding(key, flags, version, error))
              return false;
            if (checker.check_ecdsa(sig, key, code, version, flags)) {
              ++isig;
              --sigs;
            }
            ++ikey;
            --keys;
            // More signatures left than keys: too many failed.
            if (sigs > keys) success = false;
          }
          // Remove the arguments; with NULLFAIL a failed operation's
          // signatures must all be empty.
          while (i-- > 1) {
            if (!success && (flags & kVerifyNullFail) && !ikey2 && !top(-1).empty())
              return fail(error, Error::kSigNullFail);
            if (ikey2 > 0) --ikey2;
            pop();
          }
          // The extra argument CHECKMULTISIG consumes (BIP147: empty).
          if (stack.empty()) return fail(error, Error::kInvalidStackOperation);
          if ((flags & kVerifyNullDummy) && !top(-1).empty()) return fail(error, Error::kSigNullDummy);
          pop();
          stack.push_back(success ? kTrue : kFalse);
          if (opcode == OP_CHECKMULTISIGVERIFY) {
            if (!success) return fail(error, Error::kCheckMultisigVerify);
            pop();
          }
          break;
        }

        default:
          return fail(error, Error::kBadOpcode);
      }
    }
    if (stack.size() + altstack.size() > kMaxStackSize) return fail(error, Error::kStackSize);
  }
  if (!exec_stack.empty()) return fail(error, Error::kUnbalancedConditional);
  *error = Error::kOk;
  return true;
}

}  // namespace vigil::script
