// vigil_bench_cpu: CPU benchmarks of signature verification and hashing.
//
// Build (benchmarks are on by default; VIGIL_BUILD_BENCH=OFF turns them off):
//   cmake -S . -B build-bench -G Ninja -DVIGIL_CUDA=OFF -DVIGIL_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release
//   ninja -C build-bench vigil_bench_cpu
// Run, keeping the JSON, then summarize it:
//   build-bench/bench/vigil_bench_cpu --benchmark_out=bench-cpu.json --benchmark_out_format=json
//   python3 bench/report.py bench-cpu.json
// On a shared machine, rounds started when it is idle, merged into one JSON:
//   bench/run_cpu.sh build-bench/bench/vigil_bench_cpu bench-cpu.json 7
// One family only: --benchmark_filter='^sig/' (verification), '^(sha256|merkle|block)' (hashing),
// '^diag/' (CpuVerifier chunk size and batch size).
//
// The benchmarks are in verify_bench.cpp (signatures), paired_bench.cpp
// (single-core and all-core rates timed alternately), hash_bench.cpp
// (SHA-256, Merkle, block 413567) and pool_diag_bench.cpp (diagnostics);
// sig_fixtures.* makes the signature pools.
// See bench/README.md for what each name measures.
#include <benchmark/benchmark.h>
#include <openssl/crypto.h>
#include <sodium.h>

#include <string>
#include <thread>

#include "vigil/version.hpp"

namespace vigil_bench {
void register_verify_benchmarks();
void register_paired_benchmarks();
void register_hash_benchmarks();
void register_diag_benchmarks();
}  // namespace vigil_bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("vigil_version", VIGIL_VERSION_STRING);
  benchmark::AddCustomContext("hardware_concurrency", std::to_string(std::thread::hardware_concurrency()));
  benchmark::AddCustomContext("openssl", OpenSSL_version(OPENSSL_VERSION));
  benchmark::AddCustomContext("libsodium", sodium_version_string());
  benchmark::AddCustomContext("libsecp256k1", VIGIL_BENCH_SECP256K1_VERSION);
  vigil_bench::register_verify_benchmarks();
  vigil_bench::register_paired_benchmarks();
  vigil_bench::register_hash_benchmarks();
  vigil_bench::register_diag_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
