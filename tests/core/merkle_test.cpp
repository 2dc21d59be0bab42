// The Merkle root and mutation flag against a plain restatement of Bitcoin
// Core's ComputeMerkleRoot, on every size up to 300 and larger random ones.
#include <gtest/gtest.h>

#include <random>

#include "util/test_util.hpp"
#include "vigil/hash.hpp"
#include "vigil/merkle.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

// The reference: level by level with the one-shot sha256d on 64-byte pairs.
MerkleResult reference_root(std::vector<Hash256> level) {
  MerkleResult r;
  if (level.empty()) return r;
  while (level.size() > 1) {
    for (size_t i = 0; i + 1 < level.size(); i += 2) r.mutated |= level[i] == level[i + 1];
    if (level.size() % 2) level.push_back(level.back());
    std::vector<Hash256> next;
    for (size_t i = 0; i < level.size(); i += 2) {
      Bytes pair(level[i].bytes.begin(), level[i].bytes.end());
      pair.insert(pair.end(), level[i + 1].bytes.begin(), level[i + 1].bytes.end());
      next.push_back(sha256d(pair));
    }
    level = std::move(next);
  }
  r.root = level[0];
  return r;
}

std::vector<Hash256> random_leaves(std::mt19937_64& rng, size_t n) {
  std::vector<Hash256> v(n);
  for (auto& h : v)
    for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
  return v;
}

TEST(Merkle, EmptyIsZeroAndOneLeafIsItself) {
  MerkleResult empty = merkle_root({});
  EXPECT_TRUE(empty.root.is_zero());
  EXPECT_FALSE(empty.mutated);
  Hash256 leaf;
  leaf.bytes[0] = 7;
  std::vector<Hash256> one{leaf};
  EXPECT_EQ(merkle_root(one).root, leaf);
}

TEST(Merkle, MatchesReferenceOnEverySizeUpTo300) {
  uint64_t seed = test::test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (size_t n = 0; n <= 300; ++n) {
    auto leaves = random_leaves(rng, n);
    MerkleResult got = merkle_root(leaves), want = reference_root(leaves);
    ASSERT_EQ(got.root, want.root) << n;
    ASSERT_EQ(got.mutated, want.mutated) << n;
    ASSERT_FALSE(got.mutated) << n;  // random leaves never collide
  }
}

TEST(Merkle, PoolGivesTheSameRootOnLargeTrees) {
  uint64_t seed = test::test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  WorkerPool pool(3);
  for (size_t n : {4095u, 4096u, 4097u, 65537u, static_cast<unsigned>(70000 + rng() % 10000)}) {
    auto leaves = random_leaves(rng, n);
    EXPECT_EQ(merkle_root(leaves, &pool).root, merkle_root(leaves).root) << n;
  }
  auto leaves = random_leaves(rng, 5000);
  EXPECT_EQ(merkle_root(leaves, &pool).root, reference_root(leaves).root);
}

TEST(Merkle, MutationFlagFollowsBitcoinCore) {
  uint64_t seed = test::test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 200; ++trial) {
    size_t n = 2 + rng() % 100;
    auto leaves = random_leaves(rng, n);
    // Duplicate a random neighbour pair, or a random pair of positions.
    size_t i = rng() % (n - 1);
    if (trial % 2) {
      leaves[i + 1] = leaves[i];
    } else {
      leaves[rng() % n] = leaves[rng() % n];
    }
    MerkleResult got = merkle_root(leaves), want = reference_root(leaves);
    ASSERT_EQ(got.root, want.root);
    ASSERT_EQ(got.mutated, want.mutated) << "n " << n << " i " << i;
  }
  // The canonical CVE-2012-2459 case: [a b c] and [a b c c] share a root.
  auto three = random_leaves(rng, 3);
  auto four = three;
  four.push_back(three[2]);
  EXPECT_EQ(merkle_root(three).root, merkle_root(four).root);
  EXPECT_FALSE(merkle_root(three).mutated);
  EXPECT_TRUE(merkle_root(four).mutated);
  // Equal hashes that are not a pair (positions 1 and 2) do not flag.
  auto apart = random_leaves(rng, 4);
  apart[2] = apart[1];
  EXPECT_FALSE(merkle_root(apart).mutated);
}

}  // namespace
}  // namespace vigil
