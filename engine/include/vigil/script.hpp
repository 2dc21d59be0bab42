// Bitcoin script: the interpreter, Bitcoin Core's verification flags and
// error codes, and the signature checker it asks for verdicts.
//
// verify_script() gives Bitcoin Core's VerifyScript verdict (legacy, P2SH,
// witness v0, taproot key and script path) for one input under a flag set.
// The interpreter never verifies a signature itself: it asks a
// SignatureOracle. ImmediateOracle verifies on the spot (the reference
// path); the block path (vigil/spends.hpp) uses an oracle that records each
// check for the block's Verifier batch (GPU or CPU) and answers "valid" for
// now, then re-executes the few inputs where an answer was wrong; see
// engine/src/script/README.md for why that verdict is exact.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/bytes.hpp"
#include "vigil/sighash.hpp"
#include "vigil/transaction.hpp"
#include "vigil/verify.hpp"

namespace vigil::script {

// Bitcoin Core's SCRIPT_VERIFY_* flags, with Core's bit values.
enum Flag : uint32_t {
  kVerifyNone = 0,
  kVerifyP2SH = 1u << 0,                 // BIP16
  kVerifyStrictEnc = 1u << 1,            // defined hash types, well-encoded public keys
  kVerifyDerSig = 1u << 2,               // BIP66 strict DER
  kVerifyLowS = 1u << 3,                 // BIP146 low S
  kVerifyNullDummy = 1u << 4,            // BIP147: CHECKMULTISIG's dummy is empty
  kVerifySigPushOnly = 1u << 5,          // scriptSig push-only (always for P2SH)
  kVerifyMinimalData = 1u << 6,          // minimal pushes and numbers
  kVerifyDiscourageUpgradableNops = 1u << 7,
  kVerifyCleanStack = 1u << 8,           // one element left (needs P2SH and WITNESS)
  kVerifyCheckLockTimeVerify = 1u << 9,  // BIP65
  kVerifyCheckSequenceVerify = 1u << 10, // BIP112
  kVerifyWitness = 1u << 11,             // BIP141 (needs P2SH)
  kVerifyDiscourageUpgradableWitnessProgram = 1u << 12,
  kVerifyMinimalIf = 1u << 13,           // witness v0: IF/NOTIF argument empty or 0x01
  kVerifyNullFail = 1u << 14,            // a failed signature check's signature is empty
  kVerifyWitnessPubkeyType = 1u << 15,   // witness v0: compressed keys only
  kVerifyConstScriptCode = 1u << 16,     // legacy: no OP_CODESEPARATOR, no FindAndDelete match
  kVerifyTaproot = 1u << 17,             // BIP341/BIP342
  kVerifyDiscourageUpgradableTaprootVersion = 1u << 18,
  kVerifyDiscourageOpSuccess = 1u << 19,
  kVerifyDiscourageUpgradablePubkeyType = 1u << 20,
};
inline constexpr uint32_t kAllFlags = (1u << 21) - 1;

// Core's names, comma separated ("P2SH,WITNESS"); "" and "NONE" are no flag.
// nullopt for an unknown name.
std::optional<uint32_t> parse_flags(std::string_view names);
std::string flags_string(uint32_t flags);

// Bitcoin Core's ScriptError, in its order.
enum class Error : uint8_t {
  kOk,
  kUnknown,
  kEvalFalse,
  kOpReturn,
  // Max sizes
  kScriptSize,
  kPushSize,
  kOpCount,
  kStackSize,
  kSigCount,
  kPubkeyCount,
  // Failed verify operations
  kVerify,
  kEqualVerify,
  kCheckMultisigVerify,
  kCheckSigVerify,
  kNumEqualVerify,
  // Logical/format/canonical errors
  kBadOpcode,
  kDisabledOpcode,
  kInvalidStackOperation,
  kInvalidAltstackOperation,
  kUnbalancedConditional,
  // CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY
  kNegativeLocktime,
  kUnsatisfiedLocktime,
  // Malleability
  kSigHashtype,
  kSigDer,
  kMinimalData,
  kSigPushOnly,
  kSigHighS,
  kSigNullDummy,
  kPubkeyType,
  kCleanStack,
  kMinimalIf,
  kSigNullFail,
  // Softfork safeness
  kDiscourageUpgradableNops,
  kDiscourageUpgradableWitnessProgram,
  kDiscourageUpgradableTaprootVersion,
  kDiscourageOpSuccess,
  kDiscourageUpgradablePubkeyType,
  // Segregated witness
  kWitnessProgramWrongLength,
  kWitnessProgramWitnessEmpty,
  kWitnessProgramMismatch,
  kWitnessMalleated,
  kWitnessMalleatedP2SH,
  kWitnessUnexpected,
  kWitnessPubkeyType,
  // Taproot
  kSchnorrSigSize,
  kSchnorrSigHashtype,
  kSchnorrSig,
  kTaprootWrongControlSize,
  kTapscriptValidationWeight,
  kTapscriptCheckMultisig,
  kTapscriptMinimalIf,
  // Constant scriptCode
  kOpCodeSeparator,
  kSigFindAndDelete,
  // A number operand too long or not minimally encoded (Core's scriptnum_error)
  kScriptNum,
  kTapscriptEmptyPubkey,
  kErrorCount,
};
// The name script_tests.json uses ("EVAL_FALSE", "NULLFAIL", ...).
std::string_view error_name(Error error);
std::optional<Error> error_from_name(std::string_view name);
// Bitcoin Core's ScriptErrorString ("Script evaluated without error but
// finished with a false/empty top stack element").
std::string_view error_message(Error error);

enum class SigVersion : uint8_t { kBase, kWitnessV0, kTaproot, kTapscript };

// Consensus limits.
inline constexpr size_t kMaxScriptElementSize = 520;
inline constexpr size_t kMaxOpsPerScript = 201;
inline constexpr int kMaxPubkeysPerMultisig = 20;
inline constexpr size_t kMaxScriptSize = 10'000;
inline constexpr size_t kMaxStackSize = 1000;
inline constexpr int64_t kValidationWeightPerSigop = 50;  // BIP342
inline constexpr int64_t kValidationWeightOffset = 50;
inline constexpr uint8_t kTapleafTapscript = 0xc0;
inline constexpr uint8_t kAnnexTag = 0x50;

// Where signature verdicts come from. The interpreter hands over fully formed
// checks (key, signature without hash type, signature hash) only for
// signatures that pass every encoding rule; the oracle decides the rest.
class SignatureOracle {
 public:
  virtual ~SignatureOracle() = default;
  virtual bool verify(const Check& check) = 0;
  // A check the script may need later (CHECKMULTISIG's other key pairings):
  // an oracle that batches may verify it with the rest. Its answer is never
  // used unless verify() asks for the same check.
  virtual void prefetch(const Check& check) { (void)check; }
};

// Verifies each check on the spot with the reference libraries.
class ImmediateOracle final : public SignatureOracle {
 public:
  bool verify(const Check& check) override { return verify_check(check); }
};

// The transaction an input belongs to, with what the signature hashes need.
// The per-transaction hashes are computed on first use and kept.
class TxContext {
 public:
  // `spent`: every input's spent output, in input order, or empty when they
  // are unknown (then taproot signature hashes cannot be computed and fail).
  TxContext(const Transaction& tx, std::vector<SpentOutput> spent);
  ~TxContext();
  TxContext(TxContext&&) noexcept;
  TxContext& operator=(TxContext&&) noexcept;

  const Transaction& tx() const { return *tx_; }
  std::span<const SpentOutput> spent() const { return spent_; }
  const SegwitV0Hashes& segwit_v0_hashes() const;
  const TaprootHashes* taproot_hashes() const;  // nullptr when `spent` is incomplete

 private:
  const Transaction* tx_;
  std::vector<SpentOutput> spent_;
  mutable std::unique_ptr<SegwitV0Hashes> v0_;
  mutable std::unique_ptr<TaprootHashes> taproot_;
};

// Bitcoin Core's TransactionSignatureChecker for input `input` of ctx.tx():
// computes signature hashes, applies the lock-time rules, and asks `oracle`
// for signature verdicts. `amount` is the spent output's (witness v0).
class TransactionChecker {
 public:
  TransactionChecker(const TxContext& ctx, uint32_t input, int64_t amount, SignatureOracle& oracle)
      : ctx_(ctx), input_(input), amount_(amount), oracle_(oracle) {}

  // The state of a taproot execution that its signature hashes sign.
  struct TapExec {
    bool annex_present = false;
    ByteView annex;
    Hash256 tapleaf_hash;
    uint32_t codesep_pos = 0xffffffff;
    bool validation_weight_init = false;
    int64_t validation_weight_left = 0;
  };

  // `sig` with its hash-type byte; the public key as pushed. False when the
  // check fails (an empty signature fails without a check).
  bool check_ecdsa(ByteView sig, ByteView pubkey, ByteView script_code, SigVersion version, uint32_t flags);
  // BIP340 for key path (kTaproot) and tapscript: a 64- or 65-byte
  // signature; on failure `error` says why (size, hash type, signature).
  bool check_schnorr(ByteView sig, ByteView pubkey32, SigVersion version, const TapExec& exec, Error* error);
  // CHECKLOCKTIMEVERIFY / CHECKSEQUENCEVERIFY against the transaction.
  bool check_lock_time(int64_t lock_time) const;
  bool check_sequence(int64_t sequence) const;
  // BIP341's commitment of output key `program` (Q, with parity `parity`)
  // to internal key `internal` (P) and `tweak` (t): Q == P + tG. Asked of
  // the oracle as a Scheme::kTaprootCommitment check, so that the block path
  // batches this elliptic-curve work with the signatures.
  bool check_taproot_commitment(ByteView internal, const Hash256& tweak, ByteView program, uint8_t parity);
  // CHECKMULTISIG's hint: signature `sig` may be tried against `pubkey` later.
  void prefetch_ecdsa(ByteView sig, ByteView pubkey, ByteView script_code, SigVersion version, uint32_t flags);

  const Transaction& tx() const { return ctx_.tx(); }
  uint32_t input() const { return input_; }

 private:
  bool ecdsa_check(ByteView sig, ByteView pubkey, ByteView script_code, SigVersion version, uint32_t flags,
                   Check* out, Hash256* digest);

  const TxContext& ctx_;
  uint32_t input_;
  int64_t amount_;
  SignatureOracle& oracle_;
  // The last ECDSA signature hash, by what it covers: CHECKMULTISIG asks
  // for the same one for each key it tries a signature against (and each
  // key it prefetches). Script codes up to 520 bytes are remembered.
  struct DigestMemo {
    bool set = false;
    SigVersion version = SigVersion::kBase;
    int32_t hash_type = 0;
    size_t code_size = 0;
    uint8_t code[520];
    Hash256 digest;
  } memo_;
};

using Stack = std::vector<Bytes>;

// Core's EvalScript: runs `script` on `stack`. False with `error` set on
// failure. `exec` is for tapscript (nullptr otherwise).
bool eval_script(Stack& stack, ByteView script, uint32_t flags, TransactionChecker& checker, SigVersion version,
                 TransactionChecker::TapExec* exec, Error* error);

// Core's VerifyScript: scriptSig, then scriptPubKey, then P2SH and witness
// programs as the flags enable them.
bool verify_script(ByteView script_sig, ByteView script_pubkey, std::span<const ByteView> witness, uint32_t flags,
                   TransactionChecker& checker, Error* error);

// The whole input: verify_script over input `input` of ctx.tx() spending
// ctx.spent()[input].
bool verify_input(const TxContext& ctx, uint32_t input, uint32_t flags, SignatureOracle& oracle, Error* error);

// Sigop counting for the block limits (Core's GetSigOpCount,
// GetP2SHSigOpCount and CountWitnessSigOps).
unsigned legacy_sigop_count(ByteView script, bool accurate);
// The sigops of a P2SH spend's redeem script (0 for other outputs, or a
// scriptSig that is not push-only).
unsigned p2sh_sigop_count(ByteView script_pubkey, ByteView script_sig);
unsigned witness_sigop_count(ByteView script_sig, ByteView script_pubkey, std::span<const ByteView> witness,
                             uint32_t flags);

}  // namespace vigil::script
