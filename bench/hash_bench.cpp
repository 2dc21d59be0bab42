// Hashing benchmarks:
//
//   sha256/vigil/<bytes>                  vigil::sha256, one message
//   sha256/openssl_evp/<bytes>            EVP_Digest(..., EVP_sha256()): OpenSSL's one-shot
//   sha256/openssl_evp_prefetched/<bytes> EVP_Digest with an EVP_MD fetched once
//   sha256_batch/64B/{serial,pool}        vigil::sha256_batch over kBatch 64-byte messages
//   sha256d_64/<pairs>                    vigil::sha256d_64; items are Merkle nodes
//   merkle_root/{serial,pool}/<log2 leaves>
//   block413567/txids_merkle/{serial,pool}  parse_block + block_txids + merkle_root
//   block413567/parse_block, block413567/block_txids/{serial,pool}: its parts
//
// The pool variants use a WorkerPool with one thread per core. Everything
// that may run on a pool is timed in real (wall-clock) time, serial variants
// included, so the two compare directly.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "counters.hpp"
#include "vigil/block.hpp"
#include "vigil/hash.hpp"
#include "vigil/merkle.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil_bench {
namespace {

constexpr size_t kBatch = 16384;

vigil::WorkerPool& shared_pool() {
  static vigil::WorkerPool pool(0);
  return pool;
}

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

std::vector<vigil::Hash256> random_hashes(size_t n, uint64_t seed) {
  auto bytes = random_bytes(32 * n, seed);
  std::vector<vigil::Hash256> out(n);
  for (size_t i = 0; i < n; ++i) std::copy_n(bytes.data() + 32 * i, 32, out[i].bytes.begin());
  return out;
}

void sha256_vigil(benchmark::State& state) {
  auto msg = random_bytes(static_cast<size_t>(state.range(0)), 1);
  const SchedProbe probe;
  for (auto _ : state) {
    vigil::Hash256 h = vigil::sha256(msg);
    benchmark::DoNotOptimize(h);
  }
  set_sched_counters(state, 1, probe);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * msg.size()));
}

void sha256_evp(benchmark::State& state, bool prefetched) {
  auto msg = random_bytes(static_cast<size_t>(state.range(0)), 1);
  EVP_MD* fetched = prefetched ? EVP_MD_fetch(nullptr, "SHA256", nullptr) : nullptr;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  bool ok = true;
  const SchedProbe probe;
  for (auto _ : state) {
    ok &= EVP_Digest(msg.data(), msg.size(), out, &len, prefetched ? fetched : EVP_sha256(), nullptr) == 1;
    benchmark::DoNotOptimize(out);
  }
  set_sched_counters(state, 1, probe);
  EVP_MD_free(fetched);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * msg.size()));
  // The two implementations must agree.
  vigil::Hash256 evp;
  std::copy_n(out, 32, evp.bytes.begin());
  if (!ok || evp != vigil::sha256(msg)) state.SkipWithError("EVP_Digest disagrees with vigil::sha256");
}

void sha256_batch(benchmark::State& state, bool pool) {
  auto data = random_bytes(64 * kBatch, 2);
  std::vector<vigil::ByteView> msgs(kBatch);
  for (size_t i = 0; i < kBatch; ++i) msgs[i] = vigil::ByteView(data.data() + 64 * i, 64);
  std::vector<vigil::Hash256> out(kBatch);
  vigil::WorkerPool* p = pool ? &shared_pool() : nullptr;
  const SchedProbe probe;
  bool ok = true;
  for (auto _ : state) {
    ok &= vigil::sha256_batch(msgs, out, p).ok();
    benchmark::ClobberMemory();
  }
  set_sched_counters(state, p ? p->threads() : 1, probe);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBatch * 64));
  state.counters["hash_threads"] = p ? p->threads() : 1;
  if (!ok || out[kBatch - 1] != vigil::sha256(msgs[kBatch - 1])) state.SkipWithError("sha256_batch failed");
}

void sha256d_64(benchmark::State& state) {
  const size_t pairs = static_cast<size_t>(state.range(0));
  auto in = random_hashes(2 * pairs, 3);
  std::vector<vigil::Hash256> out(pairs);
  const SchedProbe probe;
  for (auto _ : state) {
    vigil::sha256d_64(in.data(), out.data(), pairs);
    benchmark::ClobberMemory();
  }
  set_sched_counters(state, 1, probe);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pairs));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * pairs * 64));
}

void merkle(benchmark::State& state, bool pool) {
  const size_t leaves = size_t{1} << state.range(0);
  auto hashes = random_hashes(leaves, 4);
  vigil::WorkerPool* p = pool ? &shared_pool() : nullptr;
  vigil::MerkleResult r;
  const SchedProbe probe;
  for (auto _ : state) {
    r = vigil::merkle_root(hashes, p);
    benchmark::DoNotOptimize(r);
  }
  set_sched_counters(state, p ? p->threads() : 1, probe);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * leaves));
  state.counters["hash_threads"] = p ? p->threads() : 1;
  if (r.root != vigil::merkle_root(hashes).root) state.SkipWithError("pool and serial roots differ");
}

const std::vector<uint8_t>* block_bytes() {
  static const std::vector<uint8_t> bytes = [] {
    const char* env = std::getenv("VIGIL_BENCH_BLOCK");
    std::ifstream f(env ? env : VIGIL_BENCH_BLOCK_FILE, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
  }();
  return bytes.empty() ? nullptr : &bytes;
}

void block_txids_merkle(benchmark::State& state, bool pool) {
  const std::vector<uint8_t>* block = block_bytes();
  if (!block) {
    state.SkipWithError("block file not found: " VIGIL_BENCH_BLOCK_FILE " (or $VIGIL_BENCH_BLOCK)");
    return;
  }
  vigil::WorkerPool* p = pool ? &shared_pool() : nullptr;
  vigil::ParsedBlock parsed;
  vigil::MerkleResult r;
  bool parse_ok = true;
  const SchedProbe probe;
  for (auto _ : state) {
    parse_ok &= vigil::parse_block(*block, &parsed).ok();
    auto txids = vigil::block_txids(*block, parsed, p);
    r = vigil::merkle_root(txids, p);
    benchmark::DoNotOptimize(r);
  }
  set_sched_counters(state, p ? p->threads() : 1, probe);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * parsed.txs.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block->size()));
  state.counters["txs"] = static_cast<double>(parsed.txs.size());
  state.counters["hash_threads"] = p ? p->threads() : 1;
  if (!parse_ok) state.SkipWithError("parse_block failed");
  else if (r.root != parsed.header.merkle_root || r.mutated) state.SkipWithError("Merkle root mismatch");
}

// The pieces of the above, to see which part does not scale.
void block_parse(benchmark::State& state) {
  const std::vector<uint8_t>* block = block_bytes();
  if (!block) return state.SkipWithError("block file not found");
  vigil::ParsedBlock parsed;
  bool ok = true;
  const SchedProbe probe;
  for (auto _ : state) {
    ok &= vigil::parse_block(*block, &parsed).ok();
    benchmark::DoNotOptimize(parsed);
  }
  set_sched_counters(state, 1, probe);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * parsed.txs.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block->size()));
  if (!ok) state.SkipWithError("parse_block failed");
}

void block_txids_only(benchmark::State& state, bool pool) {
  const std::vector<uint8_t>* block = block_bytes();
  vigil::ParsedBlock parsed;
  if (!block || !vigil::parse_block(*block, &parsed).ok()) return state.SkipWithError("block not available");
  vigil::WorkerPool* p = pool ? &shared_pool() : nullptr;
  const SchedProbe probe;
  for (auto _ : state) {
    auto txids = vigil::block_txids(*block, parsed, p);
    benchmark::DoNotOptimize(txids.data());
  }
  set_sched_counters(state, p ? p->threads() : 1, probe);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * parsed.txs.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block->size()));
  state.counters["hash_threads"] = p ? p->threads() : 1;
}

}  // namespace

void register_hash_benchmarks() {
  const auto sizes = {64, 256, 1024, 1 << 20};
  auto* b = benchmark::RegisterBenchmark("sha256/vigil", sha256_vigil);
  for (int size : sizes) b->Arg(size);
  b = benchmark::RegisterBenchmark("sha256/openssl_evp", sha256_evp, false);
  for (int size : sizes) b->Arg(size);
  b = benchmark::RegisterBenchmark("sha256/openssl_evp_prefetched", sha256_evp, true);
  for (int size : sizes) b->Arg(size);
  benchmark::RegisterBenchmark("sha256_batch/64B/serial", sha256_batch, false)->UseRealTime();
  benchmark::RegisterBenchmark("sha256_batch/64B/pool", sha256_batch, true)->UseRealTime();
  benchmark::RegisterBenchmark("sha256d_64", sha256d_64)->Arg(1024);
  benchmark::RegisterBenchmark("merkle_root/serial", merkle, false)->Arg(10)->Arg(16)->Arg(20)->UseRealTime();
  benchmark::RegisterBenchmark("merkle_root/pool", merkle, true)->Arg(10)->Arg(16)->Arg(20)->UseRealTime();
  benchmark::RegisterBenchmark("block413567/txids_merkle/serial", block_txids_merkle, false)->UseRealTime();
  benchmark::RegisterBenchmark("block413567/txids_merkle/pool", block_txids_merkle, true)->UseRealTime();
  benchmark::RegisterBenchmark("block413567/parse_block", block_parse)->UseRealTime();
  benchmark::RegisterBenchmark("block413567/block_txids/serial", block_txids_only, false)->UseRealTime();
  benchmark::RegisterBenchmark("block413567/block_txids/pool", block_txids_only, true)->UseRealTime();
}

}  // namespace vigil_bench
