// The script work of a block: every input whose spent output is known is
// run through the script interpreter (vigil/script.hpp) under the block's
// flags, with every signature check it meets deferred into one batch for the
// Verifier (GPU or CPU). The verdicts then decide each input; an input whose
// execution assumed a check that came back invalid is executed again with the
// verdicts known (see engine/src/script/README.md for why the result is
// exactly that of immediate verification). Without the spent output, P2PKH
// and P2SH-multisig spends reveal their script and are verified on it;
// anything else is "not verified", never treated as valid.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/block_check.hpp"
#include "vigil/transaction.hpp"
#include "vigil/script.hpp"
#include "vigil/verify.hpp"

namespace vigil {

// What an input spends (for reports and statistics; the interpreter decides).
enum class SpendForm : uint8_t {
  kUnknown,       // the spent output is unknown: not verified
  kP2PK,
  kP2PKH,
  kMultisig,      // bare
  kP2SHMultisig,
  kP2WPKH,
  kP2SHP2WPKH,
  kP2WSHMultisig,
  kP2SHP2WSHMultisig,
  kP2TRKeyPath,
  kP2TRScriptPath,
  kP2SH,          // another redeem script
  kP2WSH,         // another witness script
  kP2SHP2WSH,
  kWitnessOther,  // a witness program of another version or length
  kNonstandard,   // any other output script
};
inline constexpr size_t kSpendFormCount = static_cast<size_t>(SpendForm::kNonstandard) + 1;
std::string_view spend_form_name(SpendForm form);

// The output an input spends, when the caller knows it.
struct Prevout {
  int64_t amount = 0;
  Bytes script_pubkey;
};
// What input `in` spends, from the spent output's script and what the spend
// shows (the last witness item or scriptSig push: the revealed script).
SpendForm spend_form(ByteView script_pubkey, const TxIn& in);

// Finds the output `p` spends; nullptr when unknown.
using PrevoutLookup = std::function<const Prevout*(const OutPoint& p)>;

// One input: its checks in the batch and the verdict its execution reached
// assuming every one of them valid.
struct InputSpend {
  uint32_t tx = 0, input = 0;
  SpendForm form = SpendForm::kUnknown;
  std::string note;             // why not verified
  bool verified = false;        // executed (false: the spent output is unknown)
  bool assumed_ok = false;      // the verdict if every check in range is valid
  script::Error assumed_error = script::Error::kOk;
  // Checks [first_check, first_check + check_count) of the batch: those the
  // execution asked for, and CHECKMULTISIG's other pairings it may ask for on
  // a second execution (prefetched, so that one batch usually decides).
  uint32_t first_check = 0;
  uint32_t check_count = 0;
  uint32_t signatures = 0;      // signature checks the execution asked for (taproot commitments apart)
};

// The block's script flags (vigil/script.hpp; ChainParams::script_flags_at
// gives them per block, as Bitcoin Core's GetBlockScriptFlags).
struct SpendRules {
  uint32_t flags = script::kVerifyP2SH | script::kVerifyWitness | script::kVerifyTaproot | script::kVerifyDerSig |
                   script::kVerifyCheckLockTimeVerify | script::kVerifyCheckSequenceVerify |
                   script::kVerifyNullDummy;
};

struct BlockSpends {
  std::vector<InputSpend> inputs;  // every input of every non-coinbase transaction, in order
  std::vector<Check> checks;       // the batch; views into `arena`
  std::vector<uint8_t> asked;      // per check: 1 if an execution relied on it, 0 if only prefetched
  uint64_t signatures = 0;         // signature checks asked for by the executions
  uint64_t commitments = 0;        // BIP341 commitment checks asked for (Scheme::kTaprootCommitment)
  uint64_t not_verified = 0;       // inputs whose spent output is unknown
  std::array<uint64_t, kSpendFormCount> inputs_by_form{};  // every input, by form (kUnknown: not verified)
  // GetTransactionSigOpCost summed over the block's transactions (the
  // coinbase's legacy sigops included), for the 80,000 limit; exact only when
  // every spent output is known.
  uint64_t sigop_cost = 0;

  // What a re-execution needs: each transaction's context (owned copies of
  // the spent outputs); the transactions themselves must outlive this.
  struct Tx;
  std::vector<std::unique_ptr<Tx>> txs;
  uint32_t flags = 0;
  // Owned bytes of the checks (keys, signatures, digests).
  std::vector<std::unique_ptr<Bytes>> arena;

  BlockSpends();
  ~BlockSpends();
  BlockSpends(BlockSpends&&) noexcept;
  BlockSpends& operator=(BlockSpends&&) noexcept;
};

// Collects the script work of a block. `prevouts` may be null: then only
// P2PKH and P2SH-multisig spends (whose script the spend reveals) are
// verified and the others are not verified.
BlockSpends collect_block_spends(const std::vector<Transaction>& txs, const PrevoutLookup& prevouts,
                                 const SpendRules& rules = {});

// The verdict of one input.
struct InputVerdict {
  bool ok = false;  // valid; false also for an input not verified
  script::Error error = script::Error::kOk;
};

// Verifies checks a re-execution needs that the batch did not hold.
using BatchVerify = std::function<Status(std::span<const Check> checks, std::span<uint8_t> verdicts)>;

// Decides every input from the batch's verdicts (verdicts[i] for checks[i]).
// An input whose assumed checks all came back valid keeps its assumed
// verdict; any other is executed again with the verdicts known, its new
// checks verified through `verify` (all such inputs' in one call), round by
// round until an execution asks for nothing unknown. A null `verify`
// verifies them here with the reference libraries.
Status judge_spends(const BlockSpends& spends, std::span<const uint8_t> verdicts, const BatchVerify& verify,
                    std::vector<InputVerdict>* out);

// The block's verdict from its inputs: invalid at the first failed input,
// with Bitcoin Core's reason "mandatory-script-verify-flag-failed (<script
// error>)".
Validity spends_validity(const BlockSpends& spends, const std::vector<InputVerdict>& verdicts);

}  // namespace vigil
