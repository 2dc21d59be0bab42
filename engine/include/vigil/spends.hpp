// The signature work of a block: every input of a standard form becomes
// signature checks (with their signature hashes computed here), so that all
// of a block's signatures are verified in one batch; the verdicts then decide
// each input. Standard forms: P2PK, P2PKH, bare and P2SH multisig, P2WPKH,
// P2SH-P2WPKH, P2WSH and P2SH-P2WSH multisig, P2TR key path. Any other
// spend is counted as "not verified" (a full script interpreter is a later
// step), never treated as valid.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/block_check.hpp"
#include "vigil/transaction.hpp"
#include "vigil/verify.hpp"

namespace vigil {

enum class SpendForm : uint8_t {
  kUnknown,       // not verified
  kP2PK,
  kP2PKH,
  kMultisig,      // bare
  kP2SHMultisig,
  kP2WPKH,
  kP2SHP2WPKH,
  kP2WSHMultisig,
  kP2SHP2WSHMultisig,
  kP2TRKeyPath,
};
std::string_view spend_form_name(SpendForm form);

// The output an input spends, when the caller knows it.
struct Prevout {
  int64_t amount = 0;
  Bytes script_pubkey;
};
// Finds the output `p` spends; nullptr when unknown.
using PrevoutLookup = std::function<const Prevout*(const OutPoint& p)>;

// One input's signatures and how their verdicts decide it.
struct InputSpend {
  uint32_t tx = 0, input = 0;
  SpendForm form = SpendForm::kUnknown;
  std::string note;          // why not verified, or why invalid before any signature check
  bool unconstrained = false;  // no signature rule applies yet (a witness program before segwit, P2TR before taproot)
  bool invalid = false;      // the form's own rules fail (a key that does not hash to the program, ...)
  // Checks [first_check, first_check + check_count()). CHECKMULTISIG's
  // ordered matching can only ever try signature i against keys i ..
  // i + keys - signatures, so those are the checks: signature i against key
  // j at first_check + i * band() + (j - i). (For single-signature forms,
  // one check.)
  uint32_t first_check = 0;
  uint32_t signatures = 0;
  uint32_t keys = 0;
  uint32_t band() const { return keys - signatures + 1; }
  uint32_t check_count() const { return signatures * band(); }
};

// Which script rules are in force (vigil/consensus.hpp's rule sets).
struct SpendRules {
  bool segwit = true;       // false: witness programs carry no signature rules (anyone can spend)
  bool taproot = true;      // false: P2TR outputs carry no signature rules
  bool strict_der = false;  // BIP66: ECDSA signatures must be strict DER (Scheme::kEcdsa, else kEcdsaBitcoin)
};

struct BlockSpends {
  std::vector<InputSpend> inputs;  // every input of every non-coinbase transaction, in order
  std::vector<Check> checks;       // the batch; views into `digests` and the block
  std::vector<Hash256> digests;    // the signature hashes the checks sign
  uint64_t signatures = 0;         // signatures in the verified forms
  uint64_t not_verified = 0;       // inputs of unknown form
  uint64_t unconstrained = 0;      // inputs whose output has no signature rule yet (before segwit/taproot)
};

// Collects the signature work of a block. `prevouts` may be null: then only
// forms whose script code the spend itself reveals (P2PKH, P2SH multisig)
// are verified and the others are not verified.
BlockSpends collect_block_spends(const std::vector<Transaction>& txs, const PrevoutLookup& prevouts,
                                 const SpendRules& rules = {});

// Per input, from the batch's verdicts (verdicts[i] for checks[i]): true
// when its signatures satisfy it, as CHECKSIG / CHECKMULTISIG would.
// Inputs of unknown form are not judged (their entry says false).
std::vector<bool> judge_spends(const BlockSpends& spends, std::span<const uint8_t> verdicts);

// The block's verdict from its inputs: invalid with Bitcoin Core's reason
// ("mandatory-script-verify-flag-failed") at the first failed input.
Validity spends_validity(const BlockSpends& spends, const std::vector<bool>& input_ok);

}  // namespace vigil
