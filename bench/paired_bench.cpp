// sig/<scheme>/paired and sig/<scheme>/paired_preparsed: the single-core and
// all-core rates measured alternately inside one benchmark.
//
// On a virtual machine a core's speed drifts by ±10% over seconds (other
// guests, the host's SMT siblings), so a single-core rate and an all-core rate
// timed at different moments make a noisy ratio. Here every iteration times,
// back to back, on the same checks:
//   1-2. on this thread, over a quarter of the batch, for each check in turn:
//        the library directly, then vigil::verify_check (paired per check);
//   3.   vigil::CpuVerifier over the whole batch, on all cores.
// Counters (rates in checks/s over all iterations): library_1t, verify_check_1t,
// wrapper_ratio = time of verify_check / time of the library, batch, efficiency = batch /
// (library_1t x verify_threads), and runq_wait over phases 1-2 (this thread)
// and 3 (all threads) and cpu_busy as in verify_bench.cpp, and core_speed =
// efficiency / cpu_busy. 1 - cpu_busy - runq_wait is the time the verifier
// left its threads idle: its own loss; runq_wait and 1 - core_speed are the
// machine's.
#include <benchmark/benchmark.h>

#include <span>
#include <string>
#include <vector>

#include "counters.hpp"
#include "sig_fixtures.hpp"
#include "vigil/verify.hpp"

namespace vigil_bench {
namespace {

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void paired(benchmark::State& state, vigil::Scheme scheme, bool preparsed) {
  static vigil::CpuVerifier verifier;
  const SigPool& pool = sig_pool(scheme);
  const auto& checks = preparsed ? pool.parsed_checks : pool.checks;
  const size_t n = checks.size(), quarter = n / 4;
  std::vector<uint8_t> verdicts(n);
  Clock::duration t_lib{}, t_wrap{}, t_batch{};
  SchedSample wait_1t, wait_batch;
  size_t checks_1t = 0, checks_batch = 0, failures = 0, q = 0;
  for (auto _ : state) {
    const size_t begin = q * quarter, end = begin + quarter;
    q = (q + 1) % 4;
    const SchedSample s0 = thread_sched();
    for (size_t i = begin; i < end; ++i) {  // alternate per check: both see the same machine
      auto run_library = [&] {
        return preparsed ? library_verify_preparsed(scheme, pool.lib_keys[i], pool.samples[i])
                         : library_verify(scheme, pool.samples[i]);
      };
      auto run_wrapper = [&] { return vigil::verify_check(checks[i]); };
      const bool library_first = i % 2 == 0;  // neither always runs second, on warm caches
      const auto t0 = Clock::now();
      bool ok = library_first ? run_library() : run_wrapper();
      const auto t1 = Clock::now();
      ok &= library_first ? run_wrapper() : run_library();
      const auto t2 = Clock::now();
      failures += !ok;
      t_lib += library_first ? t1 - t0 : t2 - t1;
      t_wrap += library_first ? t2 - t1 : t1 - t0;
    }
    wait_1t += thread_sched() - s0;
    const SchedSample p0 = process_sched();
    const auto t3 = Clock::now();
    failures += !verifier.verify(checks, verdicts).ok();
    const auto t4 = Clock::now();
    wait_batch += process_sched() - p0;
    t_batch += t4 - t3;
    checks_1t += quarter;
    checks_batch += n;
  }
  for (uint8_t v : verdicts) failures += v != 1;
  const unsigned threads = verifier.threads();
  const double lib = static_cast<double>(checks_1t) / seconds(t_lib);
  const double wrap = static_cast<double>(checks_1t) / seconds(t_wrap);
  const double batch = static_cast<double>(checks_batch) / seconds(t_batch);
  state.counters["library_1t"] = lib;
  state.counters["verify_check_1t"] = wrap;
  state.counters["wrapper_ratio"] = seconds(t_wrap) / seconds(t_lib);
  state.counters["batch"] = batch;
  state.counters["verify_threads"] = threads;
  state.counters["efficiency"] = batch / (lib * threads);
  state.counters["runq_wait_1t"] = static_cast<double>(wait_1t.wait_ns) / 1e9 / seconds(t_lib + t_wrap);
  state.counters["runq_wait"] = static_cast<double>(wait_batch.wait_ns) / 1e9 / (seconds(t_batch) * threads);
  const double busy = static_cast<double>(wait_batch.run_ns) / 1e9 / (seconds(t_batch) * threads);
  state.counters["cpu_busy"] = busy;
  // efficiency = cpu_busy x core_speed: the verifier decides how busy the
  // threads are; core_speed (checks per busy core-second in the batch /
  // library_1t) is the machine's doing (a core shared with another guest or
  // an SMT sibling, frequency).
  state.counters["core_speed"] = busy > 0 ? batch / (lib * threads * busy) : 0;
  state.SetItemsProcessed(static_cast<int64_t>(checks_1t * 2 + checks_batch));
  if (failures) state.SkipWithError("a valid signature was rejected");
}

}  // namespace

void register_paired_benchmarks() {
  for (vigil::Scheme scheme : vigil::kAllSchemes) {
    const std::string prefix = "sig/" + std::string(vigil::scheme_name(scheme)) + "/";
    // At least 1 s: several iterations, so every quarter of the batch is used.
    benchmark::RegisterBenchmark((prefix + "paired").c_str(), paired, scheme, false)->UseRealTime()->MinTime(1.0);
    benchmark::RegisterBenchmark((prefix + "paired_preparsed").c_str(), paired, scheme, true)->UseRealTime()->MinTime(1.0);
  }
}

}  // namespace vigil_bench
