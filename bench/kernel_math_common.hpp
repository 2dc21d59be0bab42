// Pieces shared by the kernel-math benchmarks of both curves (the kernels'
// per-thread code run on the host, one thread). The field functions are found
// by argument-dependent lookup in each Fe's namespace.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>

namespace vigil_bench {

// A reduced field element with random limbs.
template <class Fe>
Fe random_fe(std::mt19937_64& rng) {
  Fe a;
  for (auto& l : a.n) l = static_cast<uint32_t>(rng());
  return fe_normalized(a);
}

// Times a = op(a), each result feeding the next call.
template <class T, class Op>
void chain_bench(benchmark::State& state, T a, const Op& op) {
  for (auto _ : state) {
    a = op(a);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

template <class Fe>
void fe_mul_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  const Fe b = random_fe<Fe>(rng);
  chain_bench(state, random_fe<Fe>(rng), [&](const Fe& a) { return fe_mul(a, b); });
}

template <class Fe>
void fe_sqr_bench(benchmark::State& state) {
  std::mt19937_64 rng(2);
  chain_bench(state, random_fe<Fe>(rng), [](const Fe& a) { return fe_sqr(a); });
}

template <class Fe>
void fe_inv_bench(benchmark::State& state) {
  std::mt19937_64 rng(3);
  chain_bench(state, random_fe<Fe>(rng), [](const Fe& a) { return fe_inv(a); });
}

// Times verify(i) over pool items 0, 1, ..., wrapping at pool_size; every
// item is a valid signature, so a false is an error.
template <class Verify>
void pool_verify_bench(benchmark::State& state, size_t pool_size, const Verify& verify) {
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    ok += verify(i);
    i = (i + 1) % pool_size;
  }
  if (ok != static_cast<size_t>(state.iterations())) state.SkipWithError("a valid signature failed");
  state.SetItemsProcessed(state.iterations());
}

}  // namespace vigil_bench
