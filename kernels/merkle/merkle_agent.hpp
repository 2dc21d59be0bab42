// Bitcoin Merkle trees as per-thread math for the GPU, shared with the host so
// the CPU tests run the kernel's own index arithmetic.
//
// A pass reduces every tree of a batch by up to kPassLevels levels: the tree's
// current level (m nodes) is cut into subtrees of kSubtreeNodes consecutive
// nodes, one thread block each, and each block hashes its subtree down to one
// node in shared memory. Why this is exact: a subtree starts at a multiple of
// a power of two, so its pairs are the tree's pairs, and the only odd-length
// local level is the one holding the tree's last node, where Bitcoin's rule
// (pair the last node with itself) applies locally too. After a pass a tree of
// m nodes has ceil(m / kSubtreeNodes) nodes; a tree already at its root (m = 1)
// is copied through. A mainnet block (2-4k txids) needs two passes, 2^24
// leaves three, and all trees of a batch share each launch.
#pragma once

#include <cstdint>

#include "common/hd.hpp"
#include "sha256/sha256_core.hpp"

namespace vigil::merkle {

using sha::DigestWords;

inline constexpr uint32_t kPassLevels = 9;
inline constexpr uint32_t kSubtreeNodes = 1u << kPassLevels;  // input nodes per block
inline constexpr uint32_t kThreads = kSubtreeNodes / 2;       // one per first-level parent

// One tree of a pass. `first_block` is the prefix sum of the blocks of the
// trees before it, so a block finds its tree by binary search.
struct PassTree {
  uint64_t in_offset;   // its current level: nodes [in_offset, in_offset + count) of the input
  uint64_t out_offset;  // its next level goes to [out_offset, out_offset + blocks) of the output
  uint32_t count;       // nodes in its current level, >= 1
  uint32_t first_block;
  uint32_t tree_index;  // index into the mutation flags
  uint32_t reserved_ = 0;
};

// Blocks (= output nodes) of a tree with `count` nodes in one pass.
VIGIL_HD inline uint32_t pass_blocks(uint32_t count) { return (count + kSubtreeNodes - 1) / kSubtreeNodes; }

// The tree that block `block` works on: the last tree whose first_block is
// <= block. `trees` is sorted by first_block and trees[0].first_block == 0.
VIGIL_HD inline uint32_t find_tree(const PassTree* trees, uint32_t n_trees, uint32_t block) {
  uint32_t lo = 0, hi = n_trees;  // invariant: trees[lo].first_block <= block < trees[hi].first_block
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (trees[mid].first_block <= block) lo = mid; else hi = mid;
  }
  return lo;
}

// Parent `i` of a level of `count` >= 2 nodes; returns true for Bitcoin Core's
// mutation condition (a real pair of equal nodes; the padding pair of an odd
// level does not count).
VIGIL_HD inline bool hash_parent(const DigestWords* level, uint32_t count, uint32_t i, DigestWords* parent) {
  const DigestWords left = level[2 * i];
  const bool has_right = 2 * i + 1 < count;
  const DigestWords right = level[has_right ? 2 * i + 1 : 2 * i];
  *parent = sha::hash_node(left, right);
  return has_right && left == right;
}

// Shared memory of one block: the two levels below the subtree's inputs,
// ping-ponged (a level is read from one and written to the other, so no
// thread overwrites a node another thread has yet to read).
struct PassShared {
  DigestWords a[kSubtreeNodes / 2];
  DigestWords b[kSubtreeNodes / 4];
};

// The work of block `block` of a pass, written against a thread group `G`:
// G::each(f) runs f(tid) for tid in [0, kThreads) (on the GPU, each thread
// runs its own tid; the host emulation loops), G::sync() is the barrier
// between levels, G::flag(p) sets a mutation flag.
template <class G>
VIGIL_HD inline void pass_block(G& g, const PassTree* trees, uint32_t n_trees, uint32_t block, const DigestWords* in,
                                DigestWords* out, uint32_t* mutated, PassShared& sh) {
  const PassTree t = trees[find_tree(trees, n_trees, block)];
  const uint32_t s = block - t.first_block;  // subtree index within the tree
  const DigestWords* src = in + t.in_offset + uint64_t{s} * kSubtreeNodes;
  DigestWords* dst_node = out + t.out_offset + s;
  if (t.count == 1) {  // already the root: carried to the output
    g.each([&](uint32_t tid) {
      if (tid == 0) *dst_node = src[0];
    });
    return;
  }
  // Level sizes: `global` counts the tree's nodes at this level, `local` this
  // subtree's share of them (the subtree's first node is local node 0).
  uint32_t global = t.count;
  uint32_t local = global - s * kSubtreeNodes < kSubtreeNodes ? global - s * kSubtreeNodes : kSubtreeNodes;
  const DigestWords* level = src;
  DigestWords* next = sh.a;
  for (uint32_t j = 0; j < kPassLevels && global > 1; ++j) {
    const uint32_t parents = (local + 1) / 2;
    const DigestWords* rd = level;
    DigestWords* wr = next;
    const uint32_t cnt = local;
    g.each([&](uint32_t tid) {
      if (tid < parents && hash_parent(rd, cnt, tid, &wr[tid])) g.flag(&mutated[t.tree_index]);
    });
    g.sync();
    level = next;
    next = next == sh.a ? sh.b : sh.a;
    global = (global + 1) / 2;
    local = parents;
  }
  g.each([&](uint32_t tid) {
    if (tid == 0) *dst_node = level[0];
  });
}

}  // namespace vigil::merkle
