#include "vigil/merkle.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

#include "vigil/hash.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

// Output nodes per chunk when a level is hashed on a pool; a level of fewer
// than two chunks is hashed on the calling thread.
constexpr size_t kNodesPerChunk = 256;

// Hashes the parents [begin, end) of a level of `m` nodes at `in` into `out`.
// Parent i is sha256d(in[2i] || in[2i+1]); for odd m the last parent pairs the
// last node with itself. Returns true when a real pair (not the padding) has
// two equal nodes: Bitcoin Core's mutation condition.
bool hash_parents(const Hash256* in, size_t m, Hash256* out, size_t begin, size_t end) {
  size_t full_pairs = m / 2;
  size_t full_end = std::min(end, full_pairs);
  bool mutated = false;
  for (size_t i = begin; i < full_end; ++i) mutated |= in[2 * i] == in[2 * i + 1];
  if (full_end > begin) sha256d_64(in + 2 * begin, out + begin, full_end - begin);
  if (end > full_pairs) {
    const Hash256 padded[2] = {in[m - 1], in[m - 1]};
    sha256d_64(padded, out + full_pairs, 1);
  }
  return mutated;
}

}  // namespace

MerkleResult merkle_root(std::span<const Hash256> leaves, WorkerPool* pool) {
  MerkleResult result;
  if (leaves.empty()) return result;  // Bitcoin Core returns the zero hash
  if (leaves.size() == 1) {
    result.root = leaves[0];
    return result;
  }
  // The first level is read from the leaves in place; later levels alternate
  // between two buffers allocated once (a chunk's outputs must not overwrite
  // another chunk's inputs, so no level is hashed in place).
  size_t first = (leaves.size() + 1) / 2;
  std::unique_ptr<Hash256[]> buf_a(new Hash256[first]);
  std::unique_ptr<Hash256[]> buf_b(new Hash256[(first + 1) / 2]);
  const Hash256* in = leaves.data();
  Hash256* out = buf_a.get();
  Hash256* spare = buf_b.get();
  size_t m = leaves.size();
  std::atomic<bool> mutated{false};
  while (m > 1) {
    size_t parents = (m + 1) / 2;
    if (pool && parents >= 2 * kNodesPerChunk) {
      pool->parallel_for(parents, kNodesPerChunk, [&](size_t b, size_t e) {
        if (hash_parents(in, m, out, b, e)) mutated.store(true, std::memory_order_relaxed);
      });
    } else if (hash_parents(in, m, out, 0, parents)) {
      mutated.store(true, std::memory_order_relaxed);
    }
    in = out;
    std::swap(out, spare);
    m = parents;
  }
  result.root = in[0];
  result.mutated = mutated.load();
  return result;
}

}  // namespace vigil
