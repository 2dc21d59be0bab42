// Batched hashing through vigil::Hasher, GPU beside CPU (all cores) on the
// same host in the same run. Times include the host<->device transfers; for
// the GPU, the counter kernel_items_per_s divides by the kernels' own device
// time (CUDA events around the launches: transfers excluded).
//
//   hasher/sha256/{cpu,gpu}/<bytes>       a batch of messages of that size: bytes/s
//   hasher/nodes/{cpu,gpu}                2^20 Merkle nodes (64-byte sha256d): items = nodes
//   hasher/merkle/{cpu,gpu}/<log2 leaves> one tree of 2^10..2^24 leaves: items = nodes hashed
//   hasher/blocks100/{cpu,gpu}            txids + Merkle + witness roots of 100 real blocks
//
// Without a usable GPU the gpu variants report an error and are skipped.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "vigil/block.hpp"
#include "vigil/hasher.hpp"

namespace vigil_bench {
namespace {

using vigil::Backend;

vigil::Hasher* hasher_for(Backend b, benchmark::State& state) {
  static std::unique_ptr<vigil::Hasher> cpu, gpu;
  static std::string gpu_error;
  static bool tried = false;
  if (b == Backend::kCpu) {
    if (!cpu) {
      vigil::HasherOptions o;
      o.backend = Backend::kCpu;
      (void)vigil::Hasher::Create(o, &cpu);
    }
    return cpu.get();
  }
  if (!tried) {
    tried = true;
    vigil::HasherOptions o;
    o.backend = Backend::kGpu;
    o.gpu_min_items = 0;
    vigil::Status s = vigil::Hasher::Create(o, &gpu);
    if (!s.ok()) gpu_error = s.ToString();
  }
  if (!gpu) state.SkipWithError(("no usable GPU: " + gpu_error).c_str());
  return gpu.get();
}

// Call before the timed loop; label() after it adds the kernel-only rate.
double kernel_seconds(vigil::Hasher& h) { return h.stats().gpu_kernel_seconds; }

void label(benchmark::State& state, vigil::Hasher& h, double kernel_s0 = -1, double items = 0) {
  state.SetLabel(h.description());
  const double ks = h.stats().gpu_kernel_seconds - kernel_s0;
  if (kernel_s0 >= 0 && ks > 0 && h.on_gpu()) state.counters["kernel_items_per_s"] = items / ks;
  if (h.stats().gpu_fallbacks) state.SkipWithError(("GPU call failed: " + h.stats().last_gpu_error).c_str());
}

std::vector<vigil::Hash256> random_hashes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<vigil::Hash256> v(n);
  for (auto& h : v)
    for (size_t i = 0; i < 32; i += 8) {
      uint64_t x = rng();
      for (int k = 0; k < 8; ++k) h.bytes[i + k] = static_cast<uint8_t>(x >> (8 * k));
    }
  return v;
}

void sha256_batch(benchmark::State& state, Backend b) {
  vigil::Hasher* h = hasher_for(b, state);
  if (!h) return;
  const size_t size = static_cast<size_t>(state.range(0));
  const size_t n = std::max<size_t>(256, (size_t{256} << 20) / size);  // 256 MiB per call
  std::vector<uint8_t> data(n * size);
  std::mt19937_64 rng(1);
  for (auto& x : data) x = static_cast<uint8_t>(rng());
  std::vector<vigil::ByteView> msgs(n);
  for (size_t i = 0; i < n; ++i) msgs[i] = vigil::ByteView(data.data() + i * size, size);
  std::vector<vigil::Hash256> out(n);
  const double k0 = kernel_seconds(*h);
  for (auto _ : state) {
    if (!h->hash(vigil::HashKind::kSha256, msgs, out).ok()) state.SkipWithError("hash failed");
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * size));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  label(state, *h, k0, static_cast<double>(state.iterations() * n));
}

void nodes(benchmark::State& state, Backend b) {
  vigil::Hasher* h = hasher_for(b, state);
  if (!h) return;
  const size_t pairs = size_t{1} << 20;
  auto in = random_hashes(2 * pairs, 2);
  std::vector<vigil::Hash256> out(pairs);
  const double k0 = kernel_seconds(*h);
  for (auto _ : state) {
    if (!h->hash_nodes(in, out).ok()) state.SkipWithError("hash_nodes failed");
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * pairs));
  label(state, *h, k0, static_cast<double>(state.iterations() * pairs));
}

void merkle(benchmark::State& state, Backend b) {
  vigil::Hasher* h = hasher_for(b, state);
  if (!h) return;
  const uint32_t leaves = 1u << state.range(0);
  auto in = random_hashes(leaves, 3);
  const uint32_t sizes[1] = {leaves};
  std::vector<vigil::MerkleResult> out(1);
  const double k0 = kernel_seconds(*h);
  for (auto _ : state) {
    if (!h->merkle_roots(in, sizes, out).ok()) state.SkipWithError("merkle_roots failed");
    benchmark::ClobberMemory();
  }
  // Nodes hashed: a tree of 2^k leaves has 2^k - 1 inner nodes.
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * (leaves - 1)));
  state.counters["leaves"] = leaves;
  label(state, *h, k0, static_cast<double>(state.iterations() * (leaves - 1)));
}

// 100 blocks: the bundled real blocks, repeated in turn.
struct Blocks {
  std::vector<vigil::Bytes> bytes;
  std::vector<vigil::ByteView> views;
  std::vector<vigil::ParsedBlock> parsed;
  size_t txs = 0;
};

const Blocks& hundred_blocks() {
  static Blocks b = [] {
    Blocks r;
    const char* files[] = {"bitcoin-core/block413567.raw", "btcd/mainnet-574200.blk", "bitcoinj/block481829.dat",
                           "bitcoinj/block363703.dat", "bitcoinj/block370661.dat"};
    std::vector<vigil::Bytes> distinct;
    for (const char* f : files) {
      std::string path = std::string(VIGIL_BENCH_DATA_DIR) + "/" + f;
      FILE* fp = std::fopen(path.c_str(), "rb");
      if (!fp) continue;
      vigil::Bytes contents;
      uint8_t buf[1 << 16];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) contents.insert(contents.end(), buf, buf + n);
      std::fclose(fp);
      std::vector<vigil::BlockRecord> recs;
      if (vigil::split_block_file(contents, &recs).ok() && recs.size() == 1) distinct.push_back(recs[0].bytes);
    }
    if (distinct.empty()) return r;
    for (size_t i = 0; i < 100; ++i) r.bytes.push_back(distinct[i % distinct.size()]);
    r.parsed.resize(r.bytes.size());
    for (size_t i = 0; i < r.bytes.size(); ++i) {
      r.views.emplace_back(r.bytes[i]);
      (void)vigil::parse_block(r.bytes[i], &r.parsed[i]);
      r.txs += r.parsed[i].txs.size();
    }
    return r;
  }();
  return b;
}

void blocks100(benchmark::State& state, Backend b) {
  vigil::Hasher* h = hasher_for(b, state);
  if (!h) return;
  const Blocks& blocks = hundred_blocks();
  if (blocks.views.size() != 100) {
    state.SkipWithError("bundled blocks not found");
    return;
  }
  std::vector<vigil::BlockHashes> out(100);
  const double k0 = kernel_seconds(*h);
  for (auto _ : state) {
    if (!h->block_hashes(blocks.views, blocks.parsed, out).ok()) state.SkipWithError("block_hashes failed");
    benchmark::ClobberMemory();
  }
  for (size_t i = 0; i < 100; ++i)
    if (out[i].merkle.root != blocks.parsed[i].header.merkle_root) state.SkipWithError("a root differs from its header");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * blocks.txs));  // transactions
  state.counters["blocks_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * 100),
                                                      benchmark::Counter::kIsRate);
  label(state, *h, k0, static_cast<double>(state.iterations() * blocks.txs));
}

void register_all() {
  for (Backend b : {Backend::kCpu, Backend::kGpu}) {
    const std::string tag = b == Backend::kCpu ? "cpu" : "gpu";
    for (int64_t size : {64, 256, 1024, 1 << 20})
      benchmark::RegisterBenchmark(("hasher/sha256/" + tag).c_str(), sha256_batch, b)->Arg(size)->UseRealTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("hasher/nodes/" + tag).c_str(), nodes, b)->UseRealTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("hasher/merkle/" + tag).c_str(), merkle, b)->DenseRange(10, 24, 2)->UseRealTime()->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("hasher/blocks100/" + tag).c_str(), blocks100, b)->UseRealTime()->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace vigil_bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  vigil_bench::register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
