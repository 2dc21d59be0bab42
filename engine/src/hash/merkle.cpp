#include "vigil/merkle.hpp"

#include "vigil/hash.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

// Pairs per chunk when a level is hashed on a pool; levels smaller than this
// are hashed on the calling thread.
constexpr size_t kPairsPerChunk = 1024;

}  // namespace

MerkleResult merkle_root(std::span<const Hash256> leaves, WorkerPool* pool) {
  MerkleResult result;
  if (leaves.empty()) return result;  // Bitcoin Core returns the zero hash
  // One level buffer, one slot larger for the duplicated odd node.
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  level.reserve(leaves.size() + 1);
  while (level.size() > 1) {
    // Mutation check before padding: it compares only real pairs.
    for (size_t pos = 0; pos + 1 < level.size(); pos += 2) {
      if (level[pos] == level[pos + 1]) result.mutated = true;
    }
    if (level.size() & 1) level.push_back(level.back());
    size_t pairs = level.size() / 2;
    if (pool && pairs >= 2 * kPairsPerChunk) {
      // Not in place: a chunk's outputs would overwrite another chunk's inputs.
      std::vector<Hash256> next(pairs);
      pool->parallel_for(pairs, kPairsPerChunk, [&](size_t b, size_t e) {
        sha256d_64(level.data() + 2 * b, next.data() + b, e - b);
      });
      level.swap(next);
    } else {
      sha256d_64(level.data(), level.data(), pairs);
      level.resize(pairs);
    }
  }
  result.root = level[0];
  return result;
}

}  // namespace vigil
