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
#include "kernel_math_common.hpp"
#include "sig_fixtures.hpp"

namespace vigil_bench {
namespace {

using namespace vigil::ed25519;

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
  pool_verify_bench(state, pool.checks.size(), [&](size_t i) { return vigil::verify_ed25519_on_host(pool.checks[i]); });
}

void libsodium_verify(benchmark::State& state) {
  const SigPool& pool = sig_pool(vigil::Scheme::kEd25519Strict);
  pool_verify_bench(state, pool.samples.size(),
                    [&](size_t i) { return library_verify(vigil::Scheme::kEd25519Strict, pool.samples[i]); });
}

BENCHMARK_TEMPLATE(fe_mul_bench, Fe)->Name("kernel_math/ed25519/fe_mul");
BENCHMARK_TEMPLATE(fe_sqr_bench, Fe)->Name("kernel_math/ed25519/fe_sqr");
BENCHMARK_TEMPLATE(fe_inv_bench, Fe)->Name("kernel_math/ed25519/fe_inv");
BENCHMARK(sc_reduce_bench)->Name("kernel_math/ed25519/sc_reduce512");
BENCHMARK(sha512_bench)->Name("kernel_math/ed25519/sha512_96");
BENCHMARK(double_scalarmult_bench)->Name("kernel_math/ed25519/double_scalarmult");
BENCHMARK_CAPTURE(kernel_verify, zip215, vigil::Scheme::kEd25519)->Name("kernel_math/ed25519/verify/ed25519");
BENCHMARK_CAPTURE(kernel_verify, strict, vigil::Scheme::kEd25519Strict)->Name("kernel_math/ed25519/verify/ed25519-strict");
BENCHMARK(libsodium_verify)->Name("kernel_math/ed25519/libsodium");

}  // namespace
}  // namespace vigil_bench
