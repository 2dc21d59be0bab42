// Counters the benchmarks report beside their rates.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>

#include "sched_stats.hpp"

namespace vigil_bench {

using Clock = std::chrono::steady_clock;

// Scheduler time of the process's threads from construction to now.
struct SchedProbe {
  SchedSample start = process_sched();
  Clock::time_point t0 = Clock::now();
  SchedSample delta() const { return process_sched() - start; }
  Clock::duration wall() const { return Clock::now() - t0; }
};

// "cpu_busy" and "runq_wait": the time `threads` threads ran, and waited for
// a CPU another process held, as fractions of threads x wall time.
inline void set_sched_counters(benchmark::State& state, unsigned threads, SchedSample sched, Clock::duration wall) {
  const double capacity = std::chrono::duration<double, std::nano>(wall).count() * threads;
  if (capacity <= 0) return;
  state.counters["cpu_busy"] = static_cast<double>(sched.run_ns) / capacity;
  state.counters["runq_wait"] = static_cast<double>(sched.wait_ns) / capacity;
}
inline void set_sched_counters(benchmark::State& state, unsigned threads, const SchedProbe& probe) {
  set_sched_counters(state, threads, probe.delta(), probe.wall());
}

// Signature benchmarks: items = checks, "verify_threads", the scheduler
// counters, and an error if any valid signature was rejected.
inline void set_check_counters(benchmark::State& state, size_t per_iteration, unsigned threads, size_t failures,
                               SchedSample sched, Clock::duration wall) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * per_iteration));
  state.counters["verify_threads"] = threads;
  set_sched_counters(state, threads, sched, wall);
  if (failures) state.SkipWithError("a valid signature was rejected");
}

}  // namespace vigil_bench
