// The GPU kernels' Ed25519 math, compiled for and run on this CPU, one
// thread: what each layer costs (a guide for GPU tuning), and the whole
// per-thread verification under both rule sets beside libsodium.
//
//   kernel_math/ed25519/{fe_mul,fe_sqr,fe_inv,sc_reduce512,sha512_96,double_scalarmult}
//   kernel_math/ed25519/verify/{ed25519,ed25519-strict}   prepare + verify_ed_check
//   kernel_math/ed25519/libsodium                          crypto_sign_verify_detached
//
// And the CPU path's own radix-2^51 ZIP-215 code (engine/src/verify), beside
// libsodium's row in the same run, one thread:
//   cpu/ed25519/fe51_mul, fe51_sqr                 the host field
//   cpu/ed25519/zip215/single                      zip215_verify_var, one check
//   cpu/ed25519/zip215/batch/<n>                   zip215_verify_batch_var over n
//                                                  checks; items = signatures
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <span>
#include <vector>

#include "ed25519/b_table.hpp"
#include "ed25519_prepare.hpp"
#include "sha512/sha512_core.hpp"
#include "kernel_math_common.hpp"
#include "sig_fixtures.hpp"
#include "verify/ed25519_fe51.hpp"
#include "verify/ed25519_zip215.hpp"

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

void fe51_bench(benchmark::State& state, bool square) {
  using namespace vigil::cpu::ed51;
  std::mt19937_64 rng(6);
  Fe51 a, b;
  for (int i = 0; i < 5; ++i) a.v[i] = rng() & kMask51, b.v[i] = rng() & kMask51;
  chain_bench(state, a, [&](const Fe51& x) { return square ? fe51_sqr(x) : fe51_mul(x, b); });
}

vigil::cpu::Zip215Input zip215_input(const SigSample& s) {
  vigil::cpu::Zip215Input in;
  std::memcpy(in.key, s.key.data(), 32);
  in.key_ok = true;
  in.message = s.msg;
  in.signature = s.sig;
  return in;
}

void host51_single(benchmark::State& state) {
  const SigPool& pool = sig_pool(vigil::Scheme::kEd25519);
  pool_verify_bench(state, pool.samples.size(), [&](size_t i) {
    const SigSample& s = pool.samples[i];
    return vigil::cpu::zip215_verify_var(s.key.data(), s.msg, s.sig);
  });
}

// n checks per iteration, a different window of the pool each time. Before
// timing, one batch with a corrupted signature must reject exactly that one.
void host51_batch(benchmark::State& state) {
  const SigPool& pool = sig_pool(vigil::Scheme::kEd25519);
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<vigil::cpu::Zip215Input> inputs;
  for (const SigSample& s : pool.samples) inputs.push_back(zip215_input(s));
  std::vector<uint8_t> verdicts(n);
  {
    std::vector<vigil::cpu::Zip215Input> probe(inputs.begin(), inputs.begin() + static_cast<ptrdiff_t>(n));
    vigil::Bytes bad = pool.samples[n / 2].sig;
    bad[7] ^= 1;
    probe[n / 2].signature = bad;
    vigil::cpu::zip215_verify_batch_var(probe, verdicts);
    size_t ok = 0;
    for (uint8_t v : verdicts) ok += v;
    if (ok != n - 1 || verdicts[n / 2] != 0) state.SkipWithError("the batch did not reject the corrupted signature");
  }
  size_t at = 0, ok = 0;
  for (auto _ : state) {
    vigil::cpu::zip215_verify_batch_var(std::span(inputs).subspan(at, n), verdicts);
    for (uint8_t v : verdicts) ok += v;
    at = (at + n) % (inputs.size() - n);
  }
  if (ok != n * static_cast<size_t>(state.iterations())) state.SkipWithError("a valid signature failed");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

BENCHMARK_CAPTURE(fe51_bench, mul, false)->Name("cpu/ed25519/fe51_mul");
BENCHMARK_CAPTURE(fe51_bench, sqr, true)->Name("cpu/ed25519/fe51_sqr");
BENCHMARK(host51_single)->Name("cpu/ed25519/zip215/single");
BENCHMARK(host51_batch)->Name("cpu/ed25519/zip215/batch")->Arg(2)->Arg(16)->Arg(64)->Arg(128)->Arg(256);

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
