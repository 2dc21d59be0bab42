// The GPU kernels' Ed25519 math, compiled for and run on this CPU, one
// thread: what each layer costs (a guide for GPU tuning), and the whole
// per-thread verification under both rule sets beside libsodium.
//
//   kernel_math/ed25519/{fe_mul,fe_sqr,fe_inv,sc_reduce512,sha512_96,double_scalarmult}
//   kernel_math/ed25519/verify/{ed25519,ed25519-strict}   prepare + verify_ed_check
//   kernel_math/ed25519/libsodium                          crypto_sign_verify_detached
#include <benchmark/benchmark.h>

#include <random>

#include "ed25519/b_table.hpp"
#include "ed25519_prepare.hpp"
#include "sha512/sha512_core.hpp"
#include "sig_fixtures.hpp"

namespace vigil_bench {
namespace {

using namespace vigil::ed25519;

Fe random_fe(std::mt19937_64& rng) {
  Fe a;
  for (auto& l : a.n) l = static_cast<uint32_t>(rng());
  return fe_normalized(a);
}

void fe_mul_bench(benchmark::State& state) {
  std::mt19937_64 rng(1);
  Fe a = random_fe(rng), b = random_fe(rng);
  for (auto _ : state) {
    a = fe_mul(a, b);
    benchmark::DoNotOptimize(a);
  }
}

void fe_sqr_bench(benchmark::State& state) {
  std::mt19937_64 rng(2);
  Fe a = random_fe(rng);
  for (auto _ : state) {
    a = fe_sqr(a);
    benchmark::DoNotOptimize(a);
  }
}

void fe_inv_bench(benchmark::State& state) {
  std::mt19937_64 rng(3);
  Fe a = random_fe(rng);
  for (auto _ : state) {
    a = fe_inv(a);
    benchmark::DoNotOptimize(a);
  }
}

void sc_reduce_bench(benchmark::State& state) {
  std::mt19937_64 rng(4);
  uint8_t h[64];
  for (auto& x : h) x = static_cast<uint8_t>(rng());
  for (auto _ : state) {
    Scalar s = sc_reduce512(h);
    benchmark::DoNotOptimize(s);
    h[0]++;
  }
}

// The challenge hash of a 32-byte message: R || A || M, 96 bytes, one block.
void sha512_bench(benchmark::State& state) {
  uint8_t prefix[64] = {1}, msg[32] = {2}, out[64];
  for (auto _ : state) {
    vigil::sha512::digest_prefixed(out, prefix, msg, sizeof msg);
    benchmark::DoNotOptimize(out);
    msg[0]++;
  }
}

void double_scalarmult_bench(benchmark::State& state) {
  std::mt19937_64 rng(5);
  uint8_t h[64];
  for (auto& x : h) x = static_cast<uint8_t>(rng());
  Scalar a = sc_reduce512(h), b = a;
  b.n[0] ^= 0x5a5a5a5a;
  const GeP3 A = double_scalarmult(ge_base(), Scalar{}, a, host_b_table().data());
  for (auto _ : state) {
    GeP3 r = double_scalarmult(A, a, b, host_b_table().data());
    benchmark::DoNotOptimize(r);
    a.n[0]++;
  }
}

void kernel_verify(benchmark::State& state, vigil::Scheme scheme) {
  const SigPool& pool = sig_pool(scheme);
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    ok += vigil::verify_ed25519_on_host(pool.checks[i]);
    i = (i + 1) % pool.checks.size();
  }
  if (ok != static_cast<size_t>(state.iterations())) state.SkipWithError("a valid signature failed");
  state.SetItemsProcessed(state.iterations());
}

void libsodium_verify(benchmark::State& state) {
  const SigPool& pool = sig_pool(vigil::Scheme::kEd25519Strict);
  size_t i = 0, ok = 0;
  for (auto _ : state) {
    ok += library_verify(vigil::Scheme::kEd25519Strict, pool.samples[i]);
    i = (i + 1) % pool.samples.size();
  }
  if (ok != static_cast<size_t>(state.iterations())) state.SkipWithError("a valid signature failed");
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(fe_mul_bench)->Name("kernel_math/ed25519/fe_mul");
BENCHMARK(fe_sqr_bench)->Name("kernel_math/ed25519/fe_sqr");
BENCHMARK(fe_inv_bench)->Name("kernel_math/ed25519/fe_inv");
BENCHMARK(sc_reduce_bench)->Name("kernel_math/ed25519/sc_reduce512");
BENCHMARK(sha512_bench)->Name("kernel_math/ed25519/sha512_96");
BENCHMARK(double_scalarmult_bench)->Name("kernel_math/ed25519/double_scalarmult");
BENCHMARK_CAPTURE(kernel_verify, zip215, vigil::Scheme::kEd25519)->Name("kernel_math/ed25519/verify/ed25519");
BENCHMARK_CAPTURE(kernel_verify, strict, vigil::Scheme::kEd25519Strict)->Name("kernel_math/ed25519/verify/ed25519-strict");
BENCHMARK(libsodium_verify)->Name("kernel_math/ed25519/libsodium");

}  // namespace
}  // namespace vigil_bench
