// Batched signature verification through vigil::Verifier, GPU beside CPU (all
// cores: libsecp256k1 or libsodium on every host thread; the kernels' host
// code for ZIP-215) in the same run. Times
// include the CPU preparation (DER parsing, packing) and the host<->device
// transfers; for the GPU the counter kernel_checks_per_s divides by the
// kernels' own device time (CUDA events: transfers excluded).
//
//   verifier/<scheme>/gpu/<batch>  batch = 1 .. 2^22 checks: items/s, and
//                                  latency_ms, the wall time of one batch
//   verifier/<scheme>/cpu/<batch>  the same batches on the CPU pool
//
// <scheme> is ecdsa (strict DER, low S: the ecdsa-lows rules, the Bitcoin
// case), schnorr (BIP340, 32-byte messages), ed25519 (ZIP-215) or
// ed25519-strict (libsodium's rules), both with 32-byte messages. Batches tile the 4096 distinct
// valid signatures of sig_fixtures. Without a usable GPU the gpu variants
// report an error and are skipped.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "sig_fixtures.hpp"
#include "vigil/verifier.hpp"

namespace vigil_bench {
namespace {

using vigil::Backend;

vigil::Verifier* verifier_for(Backend b, benchmark::State& state) {
  static std::unique_ptr<vigil::Verifier> cpu, gpu;
  static std::string gpu_error;
  static bool tried = false;
  if (b == Backend::kCpu) {
    if (!cpu) {
      vigil::VerifierOptions o;
      o.backend = Backend::kCpu;
      (void)vigil::Verifier::Create(o, &cpu);
    }
    return cpu.get();
  }
  if (!tried) {
    tried = true;
    vigil::VerifierOptions o;
    o.backend = Backend::kGpu;
    o.gpu_min_checks = 0;  // every batch size on the GPU: the crossover is what is measured
    vigil::Status s = vigil::Verifier::Create(o, &gpu);
    if (!s.ok()) gpu_error = s.ToString();
  }
  if (!gpu) state.SkipWithError(("no usable GPU: " + gpu_error).c_str());
  return gpu.get();
}

void verify_batch(benchmark::State& state, vigil::Scheme scheme, Backend b) {
  vigil::Verifier* v = verifier_for(b, state);
  if (!v) return;
  const SigPool& pool = sig_pool(scheme);
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<vigil::Check> checks(n);
  for (size_t i = 0; i < n; ++i) checks[i] = pool.checks[i % pool.checks.size()];
  std::vector<uint8_t> verdicts(n);
  const double kernel_s0 = v->stats().gpu_kernel_seconds;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    vigil::Status s = v->verify(checks, verdicts);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(verdicts.data());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < n; ++i) {
    if (verdicts[i] != 1) {
      state.SkipWithError(("a valid check failed at " + std::to_string(i)).c_str());
      return;
    }
  }
  const vigil::VerifierStats st = v->stats();
  if (st.gpu_fallbacks) {
    state.SkipWithError(("GPU call failed: " + st.last_gpu_error).c_str());
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.counters["latency_ms"] = 1e3 * wall / static_cast<double>(state.iterations());
  const double ks = st.gpu_kernel_seconds - kernel_s0;
  if (b == Backend::kGpu && ks > 0)
    state.counters["kernel_checks_per_s"] = static_cast<double>(state.iterations() * n) / ks;
  state.SetLabel(v->description() + ", " + std::to_string(v->cpu_threads()) + " CPU threads");
}

void gpu_sizes(benchmark::internal::Benchmark* b) {
  for (int64_t n : {1, 16, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 1 << 22}) b->Arg(n);
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

void cpu_sizes(benchmark::internal::Benchmark* b) {
  for (int64_t n : {1, 16, 256, 4096, 65536}) b->Arg(n);
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK_CAPTURE(verify_batch, ecdsa_gpu, vigil::Scheme::kEcdsaLowS, Backend::kGpu)
    ->Name("verifier/ecdsa/gpu")->Apply(gpu_sizes);
BENCHMARK_CAPTURE(verify_batch, schnorr_gpu, vigil::Scheme::kSchnorr, Backend::kGpu)
    ->Name("verifier/schnorr/gpu")->Apply(gpu_sizes);
BENCHMARK_CAPTURE(verify_batch, ed25519_gpu, vigil::Scheme::kEd25519, Backend::kGpu)
    ->Name("verifier/ed25519/gpu")->Apply(gpu_sizes);
BENCHMARK_CAPTURE(verify_batch, ed25519_strict_gpu, vigil::Scheme::kEd25519Strict, Backend::kGpu)
    ->Name("verifier/ed25519-strict/gpu")->Apply(gpu_sizes);
BENCHMARK_CAPTURE(verify_batch, ecdsa_cpu, vigil::Scheme::kEcdsaLowS, Backend::kCpu)
    ->Name("verifier/ecdsa/cpu")->Apply(cpu_sizes);
BENCHMARK_CAPTURE(verify_batch, schnorr_cpu, vigil::Scheme::kSchnorr, Backend::kCpu)
    ->Name("verifier/schnorr/cpu")->Apply(cpu_sizes);
BENCHMARK_CAPTURE(verify_batch, ed25519_cpu, vigil::Scheme::kEd25519, Backend::kCpu)
    ->Name("verifier/ed25519/cpu")->Apply(cpu_sizes);
BENCHMARK_CAPTURE(verify_batch, ed25519_strict_cpu, vigil::Scheme::kEd25519Strict, Backend::kCpu)
    ->Name("verifier/ed25519-strict/cpu")->Apply(cpu_sizes);

}  // namespace
}  // namespace vigil_bench
