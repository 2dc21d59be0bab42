// libFuzzer: the script interpreter on hostile spends (fuzz_spends.hpp
// builds them: fuzzed scripts reached as bare, P2SH, P2WSH, P2SH-P2WSH,
// tapscript, taproot key path or P2WPKH outputs, with real and corrupted
// signatures among fuzzed stack items), under a fuzzed flag set. Signature
// verdicts come from the reference libraries or, for half the inputs, from a
// fuzzed function of each check (a key that parses, and one bit of a hash of
// the check and a fuzzed seed), which lets scripts past a passing CHECKSIG
// whose signature the fuzzer could never forge (BIP341 commitments keep
// their true verdicts).
//
// Checked, beside no crash, hang or sanitizer report:
// - an input is valid exactly when its error is OK;
// - the same execution twice gives the same verdict and error;
// - Bitcoin Core's soft-fork monotonicity (its fuzz target script_flags): a
//   spend valid under flags F stays valid under F minus fuzzed flags, and an
//   invalid one stays invalid under F plus fuzzed flags, wherever the
//   combination is one Core allows (CLEANSTACK needs P2SH and WITNESS,
//   WITNESS needs P2SH);
// - eval_script on the fuzzed script alone, in every signature version.
#include <cstddef>
#include <cstdint>

#include "fuzz_spends.hpp"
#include "vigil/script.hpp"

namespace {

using namespace vigil;

// A verdict that depends only on the check's bytes and a seed: deterministic
// across executions and flag sets, as a real verdict is. The scheme is left
// out on purpose: the ECDSA scheme names the same verdict whatever the
// encoding flags (the encoding rules run before the oracle is asked).
class FuzzedOracle final : public script::SignatureOracle {
 public:
  explicit FuzzedOracle(uint64_t seed) : seed_(seed) {}
  bool verify(const Check& c) override {
    // BIP341's commitment keeps its true verdict: a fuzzed one would let any
    // control block through.
    if (c.scheme == Scheme::kTaprootCommitment) return verify_check(c);
    ParsedPublicKey parsed;
    if (!parse_public_key(c.scheme, c.public_key, &parsed)) return false;
    Sha256Stream h;
    const uint8_t s[8] = {uint8_t(seed_), uint8_t(seed_ >> 8), uint8_t(seed_ >> 16), uint8_t(seed_ >> 24),
                          uint8_t(seed_ >> 32), uint8_t(seed_ >> 40), uint8_t(seed_ >> 48), uint8_t(seed_ >> 56)};
    h.update(ByteView(s, 8));
    h.update(c.public_key);
    h.update(c.message);
    h.update(c.signature);
    return h.finish().bytes[0] & 1;
  }

 private:
  uint64_t seed_;
};

struct Verdict {
  bool ok;
  script::Error error;
  bool operator==(const Verdict&) const = default;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  uint32_t flags = fdp.ConsumeIntegral<uint32_t>() & script::kAllFlags;
  const uint32_t fuzzed_flags = fdp.ConsumeIntegral<uint32_t>() & script::kAllFlags;
  const bool fuzzed_verdicts = fdp.ConsumeBool();
  const uint64_t seed = fdp.ConsumeIntegral<uint64_t>();
  if (!fuzz::valid_flag_combination(flags)) return 0;
  std::optional<fuzz::FuzzTx> t = fuzz::tx_from(fdp);
  if (!t) return 0;
  const script::TxContext ctx(t->tx, t->spent);

  for (uint32_t i = 0; i < t->tx.inputs.size(); ++i) {
    const auto run = [&](uint32_t f) {
      FuzzedOracle fuzzed(seed);
      script::ImmediateOracle real;
      script::SignatureOracle& oracle = fuzzed_verdicts ? static_cast<script::SignatureOracle&>(fuzzed) : real;
      Verdict v{false, script::Error::kErrorCount};
      v.ok = script::verify_input(ctx, i, f, oracle, &v.error);
      return v;
    };
    const Verdict v = run(flags);
    if (v.ok != (v.error == script::Error::kOk)) __builtin_trap();
    if (run(flags) != v) __builtin_trap();
    const uint32_t other = v.ok ? (flags & ~fuzzed_flags) : (flags | fuzzed_flags);
    if (fuzz::valid_flag_combination(other) && run(other).ok != v.ok) __builtin_trap();
  }

  // The script alone, in each signature version, on a fuzzed stack.
  const fuzz::FuzzInput& in = t->inputs[0];
  for (script::SigVersion version : {script::SigVersion::kBase, script::SigVersion::kWitnessV0,
                                     script::SigVersion::kTapscript}) {
    FuzzedOracle oracle(seed);
    script::TransactionChecker checker(ctx, 0, in.amount, oracle);
    script::Stack stack;
    for (const fuzz::Item& it : in.items) stack.push_back(it.bytes);
    script::TransactionChecker::TapExec exec;
    exec.tapleaf_hash = tapleaf_hash(0xc0, in.script);
    exec.validation_weight_init = true;
    exec.validation_weight_left = 50 + fdp.ConsumeIntegralInRange(0, 500);
    script::Error error = script::Error::kErrorCount;
    const bool ok = script::eval_script(stack, in.script, flags, checker, version,
                                        version == script::SigVersion::kTapscript ? &exec : nullptr, &error);
    if (ok != (error == script::Error::kOk)) __builtin_trap();
  }
  return 0;
}
