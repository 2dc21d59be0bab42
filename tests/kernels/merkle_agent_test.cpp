// The segmented Merkle kernel's own code (pass planning and the per-block
// agent), run on the host by an emulated launch, against vigil::merkle_root:
// tree sizes around every power of two a pass boundary can meet, many trees
// per launch (empty ones too), and mutated trees.
#include <gtest/gtest.h>

#include <random>

#include "kernels/core_ref.hpp"
#include "merkle/pass_plan.hpp"
#include "pipeline/emulated_device.hpp"
#include "util/test_util.hpp"
#include "vigil/merkle.hpp"

namespace vigil::test {
namespace {

// What CudaHashDevice::build_trees does, with the launches emulated.
std::vector<MerkleResult> emulated_roots(const std::vector<Hash256>& leaves, const std::vector<uint32_t>& sizes) {
  std::vector<sha::DigestWords> words(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) words[i] = to_words(leaves[i]);
  return emulated_merkle_roots(words, sizes);
}

void expect_matches_reference(const std::vector<Hash256>& leaves, const std::vector<uint32_t>& sizes) {
  std::vector<MerkleResult> got = emulated_roots(leaves, sizes);
  size_t offset = 0;
  for (size_t t = 0; t < sizes.size(); ++t) {
    MerkleResult want = merkle_root(std::span(leaves).subspan(offset, sizes[t]));
    EXPECT_EQ(got[t].root, want.root) << "tree " << t << " of " << sizes[t] << " leaves";
    EXPECT_EQ(got[t].mutated, want.mutated) << "tree " << t << " of " << sizes[t] << " leaves";
    offset += sizes[t];
  }
}

TEST(MerkleAgent, SingleTreesOfBoundarySizes) {
  std::mt19937_64 rng(test_seed());
  std::vector<uint32_t> sizes = {0, 1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025,
                                 2047, 2049, 4095, 4097, 262143, 262144, 262145};
  for (uint32_t n : sizes) {
    SCOPED_TRACE("leaves " + std::to_string(n));
    std::vector<Hash256> leaves = random_hashes(rng, n);
    expect_matches_reference(leaves, {n});
  }
}

TEST(MerkleAgent, ManyTreesInOneLaunch) {
  uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> sizes;
  size_t total = 0;
  for (int t = 0; t < 150; ++t) {
    uint32_t n = t % 10 == 0 ? 0 : static_cast<uint32_t>(rng() % (t % 3 == 0 ? 5000 : 40));
    sizes.push_back(n);
    total += n;
  }
  sizes.push_back(600000);  // one big tree forces a third pass for all
  total += sizes.back();
  expect_matches_reference(random_hashes(rng, total), sizes);
}

// CVE-2012-2459: duplicating the tail of a level gives the same root; the
// mutation flag must be raised wherever the duplicate pair falls, including
// inside a subtree, across pass boundaries, and only in the tree that has it.
TEST(MerkleAgent, MutatedTreesAreFlagged) {
  std::mt19937_64 rng(test_seed());
  for (uint32_t n : {2u, 3u, 6u, 513u, 1026u, 5000u, 300000u}) {
    SCOPED_TRACE("leaves " + std::to_string(n));
    std::vector<Hash256> leaves = random_hashes(rng, n);
    leaves[n - 1] = leaves[n - 2];  // last pair equal (n even), or a pair mid-tree (n odd)
    std::vector<Hash256> all = random_hashes(rng, 7);
    all.insert(all.end(), leaves.begin(), leaves.end());
    std::vector<Hash256> tail = random_hashes(rng, 9);
    all.insert(all.end(), tail.begin(), tail.end());
    std::vector<MerkleResult> got = emulated_roots(all, {7, n, 9});
    MerkleResult want = merkle_root(leaves);
    EXPECT_EQ(want.mutated, n % 2 == 0) << "the reference's view of this tree";
    EXPECT_EQ(got[1].root, want.root);
    EXPECT_EQ(got[1].mutated, want.mutated);
    EXPECT_FALSE(got[0].mutated);
    EXPECT_FALSE(got[2].mutated);
  }
  // A duplicate pair that appears only at a higher level: leaves a,b,a,b make
  // level 1 = (ab, ab).
  std::vector<Hash256> l = random_hashes(rng, 2);
  std::vector<Hash256> leaves = {l[0], l[1], l[0], l[1]};
  std::vector<MerkleResult> got = emulated_roots(leaves, {4});
  EXPECT_TRUE(got[0].mutated);
  EXPECT_TRUE(merkle_root(leaves).mutated);
}

TEST(MerkleAgent, PlanShapes) {
  std::vector<uint32_t> sizes = {0, 1, 512, 513, 262145};
  merkle::PassPlan plan = merkle::plan_passes(sizes);
  EXPECT_EQ(plan.active, (std::vector<uint32_t>{1, 2, 3, 4}));
  ASSERT_EQ(plan.passes(), 3u);  // 262145 -> 513 -> 2 -> 1
  EXPECT_EQ(plan.pass_blocks[0], 1u + 1u + 2u + 513u);
  EXPECT_EQ(plan.pass_blocks[2], 4u);
  EXPECT_EQ(plan.trees[0].in_offset, 0u);
  EXPECT_EQ(plan.trees[3].in_offset, 1u + 512u + 513u);
  EXPECT_TRUE(merkle::plan_passes(std::vector<uint32_t>{0, 0}).trees.empty());
  EXPECT_EQ(merkle::plan_passes(std::vector<uint32_t>{1}).passes(), 1u);
}

}  // namespace
}  // namespace vigil::test
