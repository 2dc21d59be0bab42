// The GPU kernels' secp256k1 math, compiled for and run on this CPU, one
// thread: what each layer costs relative to the others (a guide for GPU
// tuning: the shares carry over roughly, the absolute times do not), and the
// whole per-thread verification beside libsecp256k1 on the same core.
//
//   kernel_math/{fe_mul,fe_sqr,fe_inv,scalar_mul,scalar_inv,ecmult}
//   kernel_math/verify/{ecdsa,schnorr}   prepare + verify_secp_check (host G tables)
//   kernel_math/libsecp256k1/{ecdsa,schnorr}  the library, same signatures
#include <benchmark/benchmark.h>

#include <random>

#include "secp256k1/g_tables.hpp"
#include "secp_prepare.hpp"
#include "sig_fixtures.hpp"

namespace vigil_bench {
namespace {

using namespace vigil::secp;

Fe random_fe(std::mt19937_64& rng) {
  Fe a;
  for (auto& l : a.n) l = static_cast<uint32_t>(rng());
  return fe_normalized(a);
}

Scalar random_scalar(std::mt19937_64& rng) {
  uint8_t b[32];
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return scalar_from_b32(b);
}

void fe_mul_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  Fe a = random_fe(rng), b = random_fe(rng);
  for (auto _ : state) {
    a = fe_mul(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

void fe_sqr_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  Fe a = random_fe(rng);
  for (auto _ : state) {
    a = fe_sqr(a);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

void fe_inv_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  Fe a = random_fe(rng);
  for (auto _ : state) {
    a = fe_inv(a);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

void scalar_mul_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  Scalar a = random_scalar(rng), b = random_scalar(rng);
  for (auto _ : state) {
    a = scalar_mul(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

void scalar_inv_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  Scalar a = random_scalar(rng);
  for (auto _ : state) {
    a = scalar_inv(a);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}

void ecmult_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  const GTables tables = host_g_tables().view();
  Ge a = ge_from_gej(ecmult(generator(), scalar_from_int(0), random_scalar(rng), tables));
  Scalar na = random_scalar(rng), ng = random_scalar(rng);
  for (auto _ : state) {
    Gej r = ecmult(a, na, ng, tables);
    benchmark::DoNotOptimize(r);
    na.d[0]++;
  }
  state.SetItemsProcessed(state.iterations());
}

void kernel_verify(benchmark::State& state, vigil::Scheme scheme) {
  const SigPool& pool = sig_pool(scheme);
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    ok += vigil::verify_secp_on_host(pool.checks[i]);
    i = (i + 1) % pool.checks.size();
  }
  if (ok != static_cast<size_t>(state.iterations())) state.SkipWithError("a valid signature failed");
  state.SetItemsProcessed(state.iterations());
}

void library_verify_bench(benchmark::State& state, vigil::Scheme scheme) {
  const SigPool& pool = sig_pool(scheme);
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    ok += library_verify(scheme, pool.samples[i]);
    i = (i + 1) % pool.samples.size();
  }
  if (ok != static_cast<size_t>(state.iterations())) state.SkipWithError("a valid signature failed");
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(fe_mul_bench)->Name("kernel_math/fe_mul");
BENCHMARK(fe_sqr_bench)->Name("kernel_math/fe_sqr");
BENCHMARK(fe_inv_bench)->Name("kernel_math/fe_inv");
BENCHMARK(scalar_mul_bench)->Name("kernel_math/scalar_mul");
BENCHMARK(scalar_inv_bench)->Name("kernel_math/scalar_inv");
BENCHMARK(ecmult_bench)->Name("kernel_math/ecmult");
BENCHMARK_CAPTURE(kernel_verify, ecdsa, vigil::Scheme::kEcdsaLowS)->Name("kernel_math/verify/ecdsa");
BENCHMARK_CAPTURE(kernel_verify, schnorr, vigil::Scheme::kSchnorr)->Name("kernel_math/verify/schnorr");
BENCHMARK_CAPTURE(library_verify_bench, ecdsa, vigil::Scheme::kEcdsaLowS)->Name("kernel_math/libsecp256k1/ecdsa");
BENCHMARK_CAPTURE(library_verify_bench, schnorr, vigil::Scheme::kSchnorr)->Name("kernel_math/libsecp256k1/schnorr");

}  // namespace
}  // namespace vigil_bench
