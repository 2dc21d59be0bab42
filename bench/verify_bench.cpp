// Signature verification benchmarks, per scheme:
//
//   sig/<scheme>/library_1t                  the library call, one thread, key parsed per check
//   sig/<scheme>/library_preparsed_1t        the same with the key parsed once at setup
//   sig/<scheme>/verify_check_1t             vigil::verify_check, one thread
//   sig/<scheme>/verify_check_preparsed_1t   the same with a ParsedPublicKey
//   sig/<scheme>/cpu_verifier_batch          vigil::CpuVerifier, all cores, kPoolSize checks
//   sig/<scheme>/cpu_verifier_batch_preparsed  the same with pre-parsed keys
//   sig/<scheme>/library_all_cores           reference: one std::thread per core, each
//                                            calling the library over its share of the batch
//
// Items are checks. "verify_threads" is the number of threads that verified.
// From the scheduler (sched_stats.hpp), as fractions of verify_threads x wall
// time: "cpu_busy", the time those threads ran, and "runq_wait", the time
// they were runnable but another process had the CPU. On an idle machine
// runq_wait is ~0 and 1 - cpu_busy is the time the verifier left cores idle.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "counters.hpp"
#include "sig_fixtures.hpp"
#include "vigil/verify.hpp"

namespace vigil_bench {
namespace {

using vigil::Scheme;

vigil::CpuVerifier& shared_verifier() {
  static vigil::CpuVerifier verifier(vigil::CpuVerifierOptions{0});  // one thread per core
  return verifier;
}

unsigned all_cores() { return std::max(1u, std::thread::hardware_concurrency()); }

// One check per iteration, cycling through the pool.
template <class Fn>
void single_thread(benchmark::State& state, Scheme scheme, Fn verify_one) {
  const SigPool& pool = sig_pool(scheme);
  size_t i = 0, failures = 0;
  const SchedSample s0 = thread_sched();
  const auto t0 = Clock::now();
  for (auto _ : state) {
    bool ok = verify_one(pool, i);
    benchmark::DoNotOptimize(ok);
    failures += !ok;
    if (++i == pool.samples.size()) i = 0;
  }
  const auto wall = Clock::now() - t0;
  set_check_counters(state, 1, 1, failures, thread_sched() - s0, wall);
}

void cpu_verifier_batch(benchmark::State& state, Scheme scheme, bool preparsed) {
  const SigPool& pool = sig_pool(scheme);
  const auto& checks = preparsed ? pool.parsed_checks : pool.checks;
  vigil::CpuVerifier& verifier = shared_verifier();
  std::vector<uint8_t> verdicts(checks.size());
  size_t failures = 0;
  const SchedProbe probe;  // the pool's threads live throughout
  for (auto _ : state) {
    if (!verifier.verify(checks, verdicts).ok()) ++failures;
    benchmark::ClobberMemory();
  }
  const SchedSample sched = probe.delta();
  const auto wall = probe.wall();
  for (uint8_t v : verdicts) failures += v != 1;
  set_check_counters(state, checks.size(), verifier.threads(), failures, sched, wall);
}

void library_all_cores(benchmark::State& state, Scheme scheme) {
  const SigPool& pool = sig_pool(scheme);
  const size_t n = pool.samples.size();
  const unsigned threads = all_cores();
  std::vector<uint8_t> verdicts(n);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  std::atomic<uint64_t> run_ns{0}, wait_ns{0};  // the threads' own schedstat deltas
  const auto t0 = Clock::now();
  for (auto _ : state) {
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        const SchedSample s0 = thread_sched();
        for (size_t i = n * t / threads, e = n * (t + 1) / threads; i < e; ++i)
          verdicts[i] = library_verify(scheme, pool.samples[i]) ? 1 : 0;
        const SchedSample d = thread_sched() - s0;
        run_ns += d.run_ns;
        wait_ns += d.wait_ns;
      });
    }
    for (auto& w : workers) w.join();
    workers.clear();
  }
  const auto wall = Clock::now() - t0;
  size_t failures = 0;
  for (uint8_t v : verdicts) failures += v != 1;
  set_check_counters(state, n, threads, failures, {run_ns.load(), wait_ns.load()}, wall);
}

}  // namespace

void register_verify_benchmarks() {
  for (Scheme scheme : vigil::kAllSchemes) {
    const std::string prefix = "sig/" + std::string(vigil::scheme_name(scheme)) + "/";
    benchmark::RegisterBenchmark((prefix + "library_1t").c_str(), [scheme](benchmark::State& st) {
      single_thread(st, scheme, [scheme](const SigPool& p, size_t i) { return library_verify(scheme, p.samples[i]); });
    });
    benchmark::RegisterBenchmark((prefix + "library_preparsed_1t").c_str(), [scheme](benchmark::State& st) {
      single_thread(st, scheme, [scheme](const SigPool& p, size_t i) {
        return library_verify_preparsed(scheme, p.lib_keys[i], p.samples[i]);
      });
    });
    benchmark::RegisterBenchmark((prefix + "verify_check_1t").c_str(), [scheme](benchmark::State& st) {
      single_thread(st, scheme, [](const SigPool& p, size_t i) { return vigil::verify_check(p.checks[i]); });
    });
    benchmark::RegisterBenchmark((prefix + "verify_check_preparsed_1t").c_str(), [scheme](benchmark::State& st) {
      single_thread(st, scheme, [](const SigPool& p, size_t i) { return vigil::verify_check(p.parsed_checks[i]); });
    });
    benchmark::RegisterBenchmark((prefix + "cpu_verifier_batch").c_str(), [scheme](benchmark::State& st) {
      cpu_verifier_batch(st, scheme, false);
    })->UseRealTime();
    benchmark::RegisterBenchmark((prefix + "cpu_verifier_batch_preparsed").c_str(), [scheme](benchmark::State& st) {
      cpu_verifier_batch(st, scheme, true);
    })->UseRealTime();
    benchmark::RegisterBenchmark((prefix + "library_all_cores").c_str(), [scheme](benchmark::State& st) {
      library_all_cores(st, scheme);
    })->UseRealTime();
  }
}

}  // namespace vigil_bench
