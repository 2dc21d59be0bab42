#include "script/core_tx.hpp"

namespace vigil::test {

OwnedTx build_crediting_transaction(const Bytes& script_pubkey, int64_t value) {
  OwnedTx credit;
  credit.version = 1;
  credit.locktime = 0;
  // CScript() << CScriptNum(0) << CScriptNum(0): two empty pushes.
  credit.inputs.push_back(OwnedIn{OutPoint{Hash256{}, 0xffffffff}, Bytes{0x00, 0x00}, 0xffffffff, {}});
  credit.outputs.push_back(OwnedOut{value, script_pubkey});
  return credit;
}

OwnedTx build_spending_transaction(const Bytes& script_sig, const std::vector<Bytes>& witness,
                                   const OwnedTx& credit) {
  OwnedTx spend;
  spend.version = 1;
  spend.locktime = 0;
  spend.inputs.push_back(OwnedIn{OutPoint{txid(credit), 0}, script_sig, 0xffffffff, witness});
  spend.outputs.push_back(OwnedOut{credit.outputs.at(0).value, Bytes{}});
  return spend;
}

bool parse_owned(const OwnedTx& tx, ParsedTx* out) {
  out->bytes = serialize(tx, /*with_witness=*/true);
  return parse_transaction(ByteView(out->bytes.data(), out->bytes.size()), &out->tx).ok();
}

ScriptSpend::ScriptSpend(const Bytes& script_sig, const std::vector<Bytes>& witness, const Bytes& script_pubkey,
                         int64_t amount)
    : script_pubkey_(script_pubkey), amount_(amount) {
  const OwnedTx credit = build_crediting_transaction(script_pubkey_, amount_);
  ok_ = parse_owned(build_spending_transaction(script_sig, witness, credit), &spend_) &&
        spend_.tx.inputs.size() == 1 && spend_.tx.inputs[0].witness.size() == witness.size();
  // The spent output, for the taproot signature hashes (Core's test checker
  // has none and would abort on one: script_tests.json asks for none).
  ctx_ = std::make_unique<script::TxContext>(
      spend_.tx, std::vector<SpentOutput>{SpentOutput{amount_, ByteView(script_pubkey_)}});
}

bool ScriptSpend::verify(uint32_t flags, script::SignatureOracle& oracle, script::Error* error) const {
  const TxIn& in = spend_.tx.inputs.at(0);
  const std::vector<ByteView> witness(in.witness.begin(), in.witness.end());
  script::TransactionChecker checker(*ctx_, 0, amount_, oracle);
  return script::verify_script(in.script_sig, ByteView(script_pubkey_), witness, flags, checker, error);
}

}  // namespace vigil::test
