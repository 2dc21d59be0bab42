// libFuzzer: arbitrary bytes as a block, through everything a block goes
// through before its signatures are verified: parsing, transaction reading,
// txids and Merkle roots, the context-free rules and the spend extraction
// (with and without prevouts). Any crash, hang or sanitizer report is a bug;
// errors and invalid verdicts are the expected outcome.
#include <cstddef>
#include <cstdint>

#include "fuzz_hashes.hpp"
#include "vigil/block_check.hpp"
#include "vigil/spends.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  const ByteView block(data, size);
  ParsedBlock parsed;
  if (!parse_block(block, &parsed).ok()) return 0;
  std::vector<Transaction> txs;
  if (!read_block_transactions(block, parsed, &txs).ok()) __builtin_trap();  // parse_block vouched for them
  const BlockHashes hashes = fuzz::block_hashes_here(block, parsed);
  for (bool pow : {true, false}) {
    CheckBlockOptions o;
    o.check_pow = pow;
    (void)check_block(block, parsed, txs, hashes, o);
  }
  const BlockSpends blind = collect_block_spends(txs, nullptr);
  // Every input's prevout "found" as a P2WPKH output of the first key bytes:
  // the witness and taproot paths on hostile data.
  const Prevout fake{1000, Bytes(data, data + std::min<size_t>(size, 34))};
  const BlockSpends known = collect_block_spends(txs, [&](const OutPoint&) { return &fake; });
  // All checks valid, then every other one invalid (the re-execution rounds).
  for (int pattern = 0; pattern < 2; ++pattern) {
    std::vector<uint8_t> verdicts(known.checks.size(), 1);
    for (size_t i = 0; pattern && i < verdicts.size(); i += 2) verdicts[i] = 0;
    std::vector<InputVerdict> judged;
    if (!judge_spends(known, verdicts, nullptr, &judged).ok()) __builtin_trap();
    (void)spends_validity(known, judged);
  }
  (void)blind;
  return 0;
}
