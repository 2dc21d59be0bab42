// libFuzzer: deferred, batched signature verdicts against immediate ones on
// fuzzed spends (fuzz_spends.hpp: fuzzed scripts behind every output form,
// with real signatures by fixed keys over the real signature hashes, some
// corrupted, among fuzzed stack items). The block path
// (collect_block_spends, one batch of true verdicts, judge_spends with its
// re-execution rounds) must give every input exactly the verdict and error
// of verify_input with ImmediateOracle, under a fuzzed flag set, whether the
// rounds' new checks go through a BatchVerify callback or are verified in
// place; and the block is invalid exactly when an input is.
//
// VIGIL_FUZZ_STATS=1 prints at exit how many inputs of each form came out
// valid and invalid, and how many were decided by a re-execution, so that a
// run over a corpus shows the target reaches valid spends and failed
// assumptions, not only malformed ones.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz_spends.hpp"
#include "vigil/script.hpp"
#include "vigil/spends.hpp"

namespace {

struct Stats {
  std::array<std::array<uint64_t, 2>, vigil::fuzz::kShapeCount> by_shape{};  // [shape][valid]
  uint64_t reexecuted = 0, callback_checks = 0;
  ~Stats() {
    if (!std::getenv("VIGIL_FUZZ_STATS")) return;
    static const char* const kNames[] = {"raw", "p2sh", "p2wsh", "p2sh-p2wsh", "tapscript", "taproot-key", "p2wpkh"};
    for (int s = 0; s < vigil::fuzz::kShapeCount; ++s)
      std::fprintf(stderr, "%-12s valid %8llu  invalid %8llu\n", kNames[s], static_cast<unsigned long long>(by_shape[s][1]),
                   static_cast<unsigned long long>(by_shape[s][0]));
    std::fprintf(stderr, "inputs whose assumed checks failed (decided by re-execution): %llu; checks verified in later rounds: %llu\n",
                 static_cast<unsigned long long>(reexecuted), static_cast<unsigned long long>(callback_checks));
  }
} stats;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  FuzzedDataProvider fdp(data, size);
  uint32_t flags = fdp.ConsumeIntegral<uint32_t>() & script::kAllFlags;
  if (!fuzz::valid_flag_combination(flags)) return 0;
  const bool batch_callback = fdp.ConsumeBool();
  std::optional<fuzz::FuzzTx> t = fuzz::tx_from(fdp);
  if (!t) return 0;

  OwnedTx coinbase;
  coinbase.inputs.push_back(OwnedIn{OutPoint{Hash256{}, 0xffffffff}, Bytes{0x01, 0x01}, 0xffffffff, {}});
  coinbase.outputs.push_back(OwnedOut{50 * kCoin, Bytes{0x51}});
  const Bytes coinbase_bytes = serialize(coinbase);
  std::vector<Transaction> txs(2);
  if (!parse_transaction(coinbase_bytes, &txs[0]).ok()) __builtin_trap();
  txs[1] = t->tx;
  std::vector<Prevout> prevouts;
  for (const fuzz::FuzzInput& in : t->inputs) prevouts.push_back(Prevout{in.amount, in.script_pubkey});
  const PrevoutLookup lookup = [&](const OutPoint& p) -> const Prevout* {
    return p.index < prevouts.size() ? &prevouts[p.index] : nullptr;
  };

  SpendRules rules;
  rules.flags = flags;
  const BlockSpends spends = collect_block_spends(txs, lookup, rules);
  std::vector<uint8_t> verdicts(spends.checks.size());
  for (size_t i = 0; i < verdicts.size(); ++i) verdicts[i] = verify_check(spends.checks[i]);
  size_t callback_checks = 0;
  const BatchVerify verify = [&](std::span<const Check> checks, std::span<uint8_t> out) {
    if (checks.size() != out.size()) __builtin_trap();
    for (size_t i = 0; i < checks.size(); ++i) out[i] = verify_check(checks[i]);
    callback_checks += checks.size();
    return Status::Ok();
  };
  std::vector<InputVerdict> judged;
  if (!judge_spends(spends, verdicts, batch_callback ? verify : BatchVerify(), &judged).ok()) __builtin_trap();
  if (judged.size() != spends.inputs.size() || spends.inputs.size() != t->tx.inputs.size()) __builtin_trap();

  const script::TxContext ctx(t->tx, t->spent);
  bool any_invalid = false;
  for (size_t k = 0; k < spends.inputs.size(); ++k) {
    const InputSpend& s = spends.inputs[k];
    if (s.tx != 1 || s.input != k || !s.verified) __builtin_trap();
    script::ImmediateOracle oracle;
    script::Error error = script::Error::kErrorCount;
    const bool ok = script::verify_input(ctx, s.input, flags, oracle, &error);
    if (judged[k].ok != ok || judged[k].error != error) __builtin_trap();
    any_invalid |= !ok;
    ++stats.by_shape[static_cast<size_t>(t->inputs[k].shape)][ok];
    for (uint32_t c = s.first_check; c < s.first_check + s.check_count; ++c) {
      if (spends.asked[c] && !verdicts[c]) {
        ++stats.reexecuted;
        break;
      }
    }
  }
  if (spends_validity(spends, judged).valid == any_invalid) __builtin_trap();
  stats.callback_checks += callback_checks;
  return 0;
}
