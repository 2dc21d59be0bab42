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
#include "kernel_math_common.hpp"
#include "sig_fixtures.hpp"

namespace vigil_bench {
namespace {

using namespace vigil::secp;

Scalar random_scalar(std::mt19937_64& rng) {
  uint8_t b[32];
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return scalar_from_b32(b);
}

void scalar_mul_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  const Scalar b = random_scalar(rng);
  chain_bench(state, random_scalar(rng), [&](const Scalar& a) { return scalar_mul(a, b); });
}

void scalar_inv_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  chain_bench(state, random_scalar(rng), [](const Scalar& a) { return scalar_inv(a); });
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
  pool_verify_bench(state, pool.checks.size(), [&](size_t i) { return vigil::verify_secp_on_host(pool.checks[i]); });
}

void library_verify_bench(benchmark::State& state, vigil::Scheme scheme) {
  const SigPool& pool = sig_pool(scheme);
  pool_verify_bench(state, pool.samples.size(), [&](size_t i) { return library_verify(scheme, pool.samples[i]); });
}

BENCHMARK_TEMPLATE(fe_mul_bench, Fe)->Name("kernel_math/fe_mul");
BENCHMARK_TEMPLATE(fe_sqr_bench, Fe)->Name("kernel_math/fe_sqr");
BENCHMARK_TEMPLATE(fe_inv_bench, Fe)->Name("kernel_math/fe_inv");
BENCHMARK(scalar_mul_bench)->Name("kernel_math/scalar_mul");
BENCHMARK(scalar_inv_bench)->Name("kernel_math/scalar_inv");
BENCHMARK(ecmult_bench)->Name("kernel_math/ecmult");
BENCHMARK_CAPTURE(kernel_verify, ecdsa, vigil::Scheme::kEcdsaLowS)->Name("kernel_math/verify/ecdsa");
BENCHMARK_CAPTURE(kernel_verify, schnorr, vigil::Scheme::kSchnorr)->Name("kernel_math/verify/schnorr");
BENCHMARK_CAPTURE(library_verify_bench, ecdsa, vigil::Scheme::kEcdsaLowS)->Name("kernel_math/libsecp256k1/ecdsa");
BENCHMARK_CAPTURE(library_verify_bench, schnorr, vigil::Scheme::kSchnorr)->Name("kernel_math/libsecp256k1/schnorr");

}  // namespace
}  // namespace vigil_bench
