// The engine end to end: P producer threads each submit blocks of 4096 checks
// (4 blocks each per iteration, all in flight at once) and wait for their
// results. Items = checks; compare with verifier/<scheme>/<backend>/<n> of
// gpu_verify_bench.cpp (the raw Verifier on one large batch, same run) for the
// engine's cost as a ratio. Counters: block_latency_p50_ms / _p99_ms (submit
// of a block to its result, under that load), avg_batch (checks per
// Verifier call the collector made).
//
//   engine/<scheme>/{gpu,cpu}/producers:<P>
#include <benchmark/benchmark.h>

#include <algorithm>
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

void engine_stream(benchmark::State& state, vigil::Scheme scheme, vigil::Backend backend) {
  vigil::EngineOptions o;
  o.verifier.backend = backend;
  o.verifier.gpu_min_checks = 0;
  o.max_batch_checks = size_t{1} << 16;
  std::unique_ptr<vigil::Engine> engine;
  if (vigil::Status s = vigil::Engine::Create(o, &engine); !s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return;
  }
  const SigPool& pool = sig_pool(scheme);
  const std::vector<vigil::Check> block(pool.checks.begin(), pool.checks.begin() + kBlock);
  const int producers = static_cast<int>(state.range(0));
  std::vector<double> latencies_ms;
  bool all_valid = true;
  for (auto _ : state) {
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
          const vigil::VerifyResult r = results[b].get();
          lat[p].push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent[b]).count());
          if (!r.status.ok() || std::count(r.verdicts.begin(), r.verdicts.end(), 1) != static_cast<long>(kBlock))
            all_valid = false;
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& l : lat) latencies_ms.insert(latencies_ms.end(), l.begin(), l.end());
  }
  if (!all_valid) {
    state.SkipWithError("a block's result was not all valid");
    return;
  }
  const vigil::EngineStats st = engine->stats();
  if (st.verifier.gpu_fallbacks) {
    state.SkipWithError(("GPU call failed: " + st.verifier.last_gpu_error).c_str());
    return;
  }
  state.SetItemsProcessed(state.iterations() * producers * kBlocksPerProducer * static_cast<int64_t>(kBlock));
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const auto pct = [&](double q) {
    return latencies_ms[static_cast<size_t>(q * static_cast<double>(latencies_ms.size() - 1))];
  };
  state.counters["block_latency_p50_ms"] = pct(0.5);
  state.counters["block_latency_p99_ms"] = pct(0.99);
  state.counters["avg_batch"] =
      st.batches ? static_cast<double>(st.batched_checks) / static_cast<double>(st.batches) : 0;
  state.SetLabel(engine->stats().verifier.gpu_calls ? "gpu" : "cpu");
}

void producer_counts(benchmark::internal::Benchmark* b) {
  for (int64_t p : {1, 4, 16}) b->Arg(p);
  b->ArgName("producers")->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK_CAPTURE(engine_stream, ecdsa_gpu, vigil::Scheme::kEcdsaLowS, vigil::Backend::kGpu)
    ->Name("engine/ecdsa/gpu")->Apply(producer_counts);
BENCHMARK_CAPTURE(engine_stream, ed25519_gpu, vigil::Scheme::kEd25519, vigil::Backend::kGpu)
    ->Name("engine/ed25519/gpu")->Apply(producer_counts);
BENCHMARK_CAPTURE(engine_stream, ecdsa_cpu, vigil::Scheme::kEcdsaLowS, vigil::Backend::kCpu)
    ->Name("engine/ecdsa/cpu")->Apply(producer_counts);
BENCHMARK_CAPTURE(engine_stream, ed25519_cpu, vigil::Scheme::kEd25519, vigil::Backend::kCpu)
    ->Name("engine/ed25519/cpu")->Apply(producer_counts);

}  // namespace
}  // namespace vigil_bench
