// Diagnostics for CpuVerifier's all-core efficiency, on ecdsa checks:
//
//   diag/ecdsa/pool_grain/<g>        WorkerPool::parallel_for over the 4096-check
//                                    batch in chunks of g checks, each check by
//                                    verify_check: CpuVerifier's loop with
//                                    another chunk size (it uses 64 here)
//   diag/ecdsa/cpu_verifier_n/<n>    CpuVerifier on batches of n checks
//   diag/pool/round_trip             WorkerPool::parallel_for(threads, 1, empty body):
//                                    the fixed cost of one loop (waking the
//                                    workers, waiting for the last), per call
//
// Counters as in verify_bench.cpp; 1 - cpu_busy - runq_wait is the time the
// threads sat idle (waiting for a wake-up, or for the last chunk to finish).
#include <benchmark/benchmark.h>

#include <span>
#include <vector>

#include "counters.hpp"
#include "sig_fixtures.hpp"
#include "vigil/verify.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil_bench {
namespace {

void pool_grain(benchmark::State& state) {
  static vigil::WorkerPool pool(0);
  const SigPool& sigs = sig_pool(vigil::Scheme::kEcdsa);
  const auto& checks = sigs.checks;
  const size_t grain = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> verdicts(checks.size());
  const SchedProbe probe;
  for (auto _ : state) {
    pool.parallel_for(checks.size(), grain, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) verdicts[i] = vigil::verify_check(checks[i]) ? 1 : 0;
    });
    benchmark::ClobberMemory();
  }
  const SchedSample sched = probe.delta();
  const auto wall = probe.wall();
  size_t failures = 0;
  for (uint8_t v : verdicts) failures += v != 1;
  set_check_counters(state, checks.size(), pool.threads(), failures, sched, wall);
}

void cpu_verifier_n(benchmark::State& state) {
  static vigil::CpuVerifier verifier;
  const SigPool& sigs = sig_pool(vigil::Scheme::kEcdsa);
  const size_t n = static_cast<size_t>(state.range(0));
  std::span<const vigil::Check> checks(sigs.checks.data(), n);
  std::vector<uint8_t> verdicts(n);
  size_t failures = 0;
  const SchedProbe probe;
  for (auto _ : state) {
    failures += !verifier.verify(checks, verdicts).ok();
    benchmark::ClobberMemory();
  }
  const SchedSample sched = probe.delta();
  const auto wall = probe.wall();
  for (uint8_t v : verdicts) failures += v != 1;
  set_check_counters(state, n, verifier.threads(), failures, sched, wall);
}

void pool_round_trip(benchmark::State& state) {
  static vigil::WorkerPool pool(0);
  const size_t n = pool.threads();
  std::vector<unsigned char> touched(n);
  const SchedProbe probe;
  for (auto _ : state) {
    pool.parallel_for(n, 1, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) touched[i] = 1;
    });
    benchmark::ClobberMemory();
  }
  set_sched_counters(state, pool.threads(), probe);
  state.counters["verify_threads"] = pool.threads();
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

void register_diag_benchmarks() {
  benchmark::RegisterBenchmark("diag/ecdsa/pool_grain", pool_grain)
      ->Arg(1)->Arg(4)->Arg(16)->Arg(64)->Arg(256)->UseRealTime();
  benchmark::RegisterBenchmark("diag/ecdsa/cpu_verifier_n", cpu_verifier_n)
      ->Arg(16)->Arg(64)->Arg(256)->Arg(1024)->Arg(4096)->UseRealTime();
  benchmark::RegisterBenchmark("diag/pool/round_trip", pool_round_trip)->UseRealTime();
}

}  // namespace vigil_bench
