// The engine end to end, in two benchmarks.
//
// engine/<scheme>/{gpu,cpu}/producers:<P> -- throughput. P producer threads
// each submit 4 blocks of 4096 checks per iteration, all in flight at once,
// and wait for their results. Items = checks. Counters:
//   block_latency_p50_ms / _p99_ms  submit of a block to its result, under that load
//   avg_batch                       checks per Verifier call the collector made
//   raw_verifier_checks_per_s       a separate Verifier (same options) verifying
//                                   batches of avg_batch checks back to back, in the
//                                   same run: what the engine's batches cost without it
//   engine_vs_raw                   the engine's checks/s over that: the pipeline's
//                                   cost (or gain, from overlap) as a ratio; goal >= 0.9
//   engine_vs_kernel (GPU)          the engine's checks/s over the kernels' own
//                                   rate (GPU checks / kernel seconds)
//
// engine/<scheme>/{gpu,cpu}/probe/load:<L> -- latency under load. L background
// producers each keep 2 blocks of 4096 checks in flight; each iteration a probe
// thread submits one more block and waits for it. Time = the probe block's
// latency (submit -> result; goal <= 2 ms on a GPU). Counter:
//   load_checks_per_s  the background's throughput meanwhile
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "sig_fixtures.hpp"
#include "vigil/engine.hpp"

namespace vigil_bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kBlock = 4096;
constexpr int kBlocksPerProducer = 4;

vigil::EngineOptions bench_options(vigil::Backend backend) {
  vigil::EngineOptions o;
  o.verifier.backend = backend;
  o.verifier.gpu_min_checks = 0;
  o.max_batch_checks = size_t{1} << 16;
  return o;
}

std::vector<vigil::Check> block_of(vigil::Scheme scheme) {
  const SigPool& pool = sig_pool(scheme);
  return std::vector<vigil::Check>(pool.checks.begin(), pool.checks.begin() + kBlock);
}

bool all_valid(const vigil::VerifyResult& r) {
  return r.status.ok() && r.verdicts.size() == kBlock &&
         std::count(r.verdicts.begin(), r.verdicts.end(), 1) == static_cast<long>(kBlock);
}

// Marks the benchmark failed (and says so) if a result was wrong or a GPU
// call failed: a figure from such a run would not measure the GPU path.
bool failed(benchmark::State& state, bool valid, const vigil::EngineStats& st) {
  if (!valid) {
    state.SkipWithError("a block's result was not all valid");
    return true;
  }
  if (st.verifier.gpu_fallbacks) {
    state.SkipWithError(("GPU call failed: " + st.verifier.last_gpu_error).c_str());
    return true;
  }
  return false;
}

// Checks/s of `options.verifier` verifying batches of `batch` checks (tiled
// from the pool) back to back for about half a second.
double raw_verifier_rate(const vigil::EngineOptions& options, vigil::Scheme scheme, size_t batch) {
  std::unique_ptr<vigil::Verifier> verifier;
  if (!vigil::Verifier::Create(options.verifier, &verifier).ok() || batch == 0) return 0;
  const SigPool& pool = sig_pool(scheme);
  std::vector<vigil::Check> checks(batch);
  for (size_t i = 0; i < batch; ++i) checks[i] = pool.checks[i % pool.checks.size()];
  std::vector<uint8_t> verdicts(batch);
  if (!verifier->verify(checks, verdicts).ok()) return 0;  // warm-up: workspaces, caches
  size_t done = 0;
  const Clock::time_point t0 = Clock::now();
  while (Clock::now() - t0 < std::chrono::milliseconds(500) || done == 0) {
    if (!verifier->verify(checks, verdicts).ok()) return 0;
    done += batch;
  }
  return static_cast<double>(done) / std::chrono::duration<double>(Clock::now() - t0).count();
}

void engine_stream(benchmark::State& state, vigil::Scheme scheme, vigil::Backend backend) {
  const vigil::EngineOptions o = bench_options(backend);
  std::unique_ptr<vigil::Engine> engine;
  if (vigil::Status s = vigil::Engine::Create(o, &engine); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  const std::vector<vigil::Check> block = block_of(scheme);
  const int producers = static_cast<int>(state.range(0));
  std::vector<double> latencies_ms;
  std::atomic<bool> valid{true};
  double seconds = 0;
  for (auto _ : state) {
    const Clock::time_point t0 = Clock::now();
    std::vector<std::vector<double>> lat(producers);
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        std::vector<std::future<vigil::VerifyResult>> results;
        std::vector<Clock::time_point> sent;
        for (int b = 0; b < kBlocksPerProducer; ++b) {
          sent.push_back(Clock::now());
          results.push_back(engine->submit(static_cast<uint64_t>(p * kBlocksPerProducer + b), block));
        }
        for (int b = 0; b < kBlocksPerProducer; ++b) {
          if (!all_valid(results[b].get())) valid = false;
          lat[p].push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent[b]).count());
        }
      });
    }
    for (auto& t : threads) t.join();
    seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    for (const auto& l : lat) latencies_ms.insert(latencies_ms.end(), l.begin(), l.end());
  }
  const vigil::EngineStats st = engine->stats();
  if (failed(state, valid, st)) return;
  const int64_t checks = state.iterations() * producers * kBlocksPerProducer * static_cast<int64_t>(kBlock);
  state.SetItemsProcessed(checks);
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const auto pct = [&](double q) {
    return latencies_ms[static_cast<size_t>(q * static_cast<double>(latencies_ms.size() - 1))];
  };
  state.counters["block_latency_p50_ms"] = pct(0.5);
  state.counters["block_latency_p99_ms"] = pct(0.99);
  const double avg_batch = st.batches ? static_cast<double>(st.batched_checks) / static_cast<double>(st.batches) : 0;
  state.counters["avg_batch"] = avg_batch;
  state.counters["pipeline_depth"] = st.pipeline_depth;
  engine.reset();  // the raw measurement gets the machine to itself
  const double engine_rate = static_cast<double>(checks) / seconds;
  const double raw = raw_verifier_rate(o, scheme, static_cast<size_t>(avg_batch + 0.5));
  state.counters["raw_verifier_checks_per_s"] = raw;
  state.counters["engine_vs_raw"] = raw > 0 ? engine_rate / raw : 0;
  if (st.verifier.gpu_kernel_seconds > 0)
    state.counters["engine_vs_kernel"] =
        engine_rate / (static_cast<double>(st.verifier.gpu_checks) / st.verifier.gpu_kernel_seconds);
  state.SetLabel(st.verifier.gpu_calls ? "gpu" : "cpu");
}

void engine_probe(benchmark::State& state, vigil::Scheme scheme, vigil::Backend backend) {
  vigil::EngineOptions o = bench_options(backend);
  std::unique_ptr<vigil::Engine> engine;
  if (vigil::Status s = vigil::Engine::Create(o, &engine); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  const std::vector<vigil::Check> block = block_of(scheme);
  const int load = static_cast<int>(state.range(0));
  std::atomic<bool> stop{false}, valid{true};
  std::atomic<uint64_t> load_checks{0};
  std::vector<std::thread> background;
  for (int p = 0; p < load; ++p) {
    background.emplace_back([&, p] {
      std::vector<std::future<vigil::VerifyResult>> in_flight;
      for (uint64_t n = 0; !stop; ++n) {
        in_flight.push_back(engine->submit(uint64_t(p) << 32 | n, block));
        if (in_flight.size() < 2) continue;
        if (!all_valid(in_flight.front().get())) valid = false;
        in_flight.erase(in_flight.begin());
        load_checks += kBlock;
      }
      for (auto& f : in_flight) f.get();
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the load reaches its steady state
  const uint64_t load_before = load_checks;
  const Clock::time_point t0 = Clock::now();
  uint64_t probe = 0;
  for (auto _ : state) {
    const Clock::time_point sent = Clock::now();
    auto result = engine->submit(uint64_t{1} << 63 | probe++, block);
    const vigil::VerifyResult r = result.get();
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - sent).count());
    if (!all_valid(r)) valid = false;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const uint64_t load_done = load_checks - load_before;
  stop = true;
  for (auto& t : background) t.join();
  const vigil::EngineStats st = engine->stats();
  if (failed(state, valid, st)) return;
  state.counters["load_checks_per_s"] = static_cast<double>(load_done) / seconds;
  state.SetLabel(st.verifier.gpu_calls ? "gpu" : "cpu");
}

void producer_counts(benchmark::internal::Benchmark* b) {
  for (int64_t p : {1, 4, 16}) b->Arg(p);
  b->ArgName("producers")->UseRealTime()->Unit(benchmark::kMillisecond);
}

void load_counts(benchmark::internal::Benchmark* b) {
  for (int64_t p : {0, 2, 8}) b->Arg(p);
  b->ArgName("load")->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

BENCHMARK_CAPTURE(engine_stream, ecdsa_gpu, vigil::Scheme::kEcdsaLowS, vigil::Backend::kGpu)
    ->Name("engine/ecdsa/gpu")->Apply(producer_counts);
BENCHMARK_CAPTURE(engine_stream, ed25519_gpu, vigil::Scheme::kEd25519, vigil::Backend::kGpu)
    ->Name("engine/ed25519/gpu")->Apply(producer_counts);
BENCHMARK_CAPTURE(engine_stream, ecdsa_cpu, vigil::Scheme::kEcdsaLowS, vigil::Backend::kCpu)
    ->Name("engine/ecdsa/cpu")->Apply(producer_counts);
BENCHMARK_CAPTURE(engine_stream, ed25519_cpu, vigil::Scheme::kEd25519, vigil::Backend::kCpu)
    ->Name("engine/ed25519/cpu")->Apply(producer_counts);
BENCHMARK_CAPTURE(engine_probe, ecdsa_gpu, vigil::Scheme::kEcdsaLowS, vigil::Backend::kGpu)
    ->Name("engine/ecdsa/gpu/probe")->Apply(load_counts);
BENCHMARK_CAPTURE(engine_probe, ed25519_gpu, vigil::Scheme::kEd25519, vigil::Backend::kGpu)
    ->Name("engine/ed25519/gpu/probe")->Apply(load_counts);
BENCHMARK_CAPTURE(engine_probe, ecdsa_cpu, vigil::Scheme::kEcdsaLowS, vigil::Backend::kCpu)
    ->Name("engine/ecdsa/cpu/probe")->Apply(load_counts);

}  // namespace
}  // namespace vigil_bench
