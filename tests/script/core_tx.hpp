// The transactions Bitcoin Core's script tests run in
// (src/test/util/transaction_utils.cpp): BuildCreditingTransaction makes the
// output a test spends, BuildSpendingTransaction the one-input transaction
// that spends it. Both version 1, lock time 0, sequences final.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vigil/bytes.hpp"
#include "vigil/script.hpp"
#include "vigil/transaction.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil::test {

// One input (the null prevout, scriptSig `CScriptNum(0) CScriptNum(0)`,
// i.e. 00 00) and one output of `value` paying to `script_pubkey`.
OwnedTx build_crediting_transaction(const Bytes& script_pubkey, int64_t value);

// One input spending output 0 of `credit` with `script_sig` and `witness`,
// and one output of the credited value with an empty script.
OwnedTx build_spending_transaction(const Bytes& script_sig, const std::vector<Bytes>& witness,
                                   const OwnedTx& credit);

// A transaction serialized and parsed back, as the interpreter reads it
// (the parsed views point into `bytes`, so it is neither copied nor moved).
struct ParsedTx {
  Bytes bytes;
  Transaction tx;
  ParsedTx() = default;
  ParsedTx(const ParsedTx&) = delete;
  ParsedTx& operator=(const ParsedTx&) = delete;
};
// False when the serialization does not parse back (a test bug).
bool parse_owned(const OwnedTx& tx, ParsedTx* out);

// DoTest's setting: the crediting transaction paying `amount` to
// `script_pubkey`, the spending transaction, and VerifyScript over its input
// with MutableTransactionSignatureChecker(&tx, 0, amount).
class ScriptSpend {
 public:
  // False in ok() when the spending transaction does not parse back.
  ScriptSpend(const Bytes& script_sig, const std::vector<Bytes>& witness, const Bytes& script_pubkey, int64_t amount);
  ScriptSpend(const ScriptSpend&) = delete;
  ScriptSpend& operator=(const ScriptSpend&) = delete;

  bool ok() const { return ok_; }
  const Transaction& tx() const { return spend_.tx; }
  // verify_script(scriptSig, scriptPubKey, witness, flags, checker, error).
  bool verify(uint32_t flags, script::SignatureOracle& oracle, script::Error* error) const;

 private:
  Bytes script_pubkey_;
  int64_t amount_;
  ParsedTx spend_;
  bool ok_ = false;
  std::unique_ptr<script::TxContext> ctx_;
};

}  // namespace vigil::test
