// BlockTree: fork choice by the work each height's module counts, ties to
// the first arrival, headers in any order, invalid blocks set aside, and
// never a branch that leaves a final block.
#include <gtest/gtest.h>

#include "vigil/block_tree.hpp"

namespace vigil {
namespace {

class Tree : public ::testing::Test {
 protected:
  explicit Tree(ChainParams params = ChainParams::Regtest()) : params_(std::move(params)) {}

  BlockTree make() {
    std::vector<std::shared_ptr<const ConsensusModule>> mods;
    EXPECT_TRUE(ModuleRegistry::WithBuiltins()->modules_for(params_, &mods).ok());
    return BlockTree(params_, mods);
  }

  // A header on `prev` (its hash made up from a counter: the tree never hashes).
  std::pair<BlockHeader, Hash256> header(const Hash256& prev, uint32_t bits = 0x207fffff) {
    BlockHeader h;
    h.prev_block = prev;
    h.bits = bits;
    Hash256 id;
    ++counter_;
    for (int i = 0; i < 8; ++i) id.bytes[i] = static_cast<uint8_t>(counter_ >> (8 * i));
    id.bytes[31] = 0x77;
    return {h, id};
  }
  // A branch of n headers on `from`, added; their hashes.
  std::vector<Hash256> branch(BlockTree& t, const Hash256& from, int n, uint32_t bits = 0x207fffff) {
    std::vector<Hash256> out;
    Hash256 prev = from;
    for (int i = 0; i < n; ++i) {
      auto [h, id] = header(prev, bits);
      EXPECT_TRUE(t.add(h, id, counter_));
      out.push_back(id);
      prev = id;
    }
    return out;
  }
  static Hash256 tip(const std::vector<const BlockTree::Node*>& chain) { return chain.back()->hash; }

  ChainParams params_;
  uint64_t counter_ = 0;
};

TEST_F(Tree, MostWorkWinsNotTheLongestAndTiesGoToTheFirst) {
  BlockTree t = make();
  const auto g = branch(t, Hash256{}, 1);
  const auto a = branch(t, g[0], 3);              // 3 x 2
  const auto b = branch(t, g[0], 2, 0x1f7fffff);  // 2 x 512
  auto best = t.best_chain();
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(tip(best), b[1]);
  EXPECT_EQ(best[0]->hash, g[0]);
  EXPECT_EQ(t.find(b[1])->work, U256::from_u64(2 + 512 + 512));
  // A third branch with the same work as b arrived later: b stays.
  const auto c = branch(t, g[0], 2, 0x1f7fffff);
  EXPECT_EQ(tip(t.best_chain()), b[1]);
  // One more block on c: c.
  const auto c2 = branch(t, c[1], 1);
  EXPECT_EQ(tip(t.best_chain()), c2[0]);
  (void)a;
}

TEST_F(Tree, HeadersInAnyOrder) {
  BlockTree t = make();
  auto [g, gid] = header(Hash256{});
  auto [h1, id1] = header(gid);
  auto [h2, id2] = header(id1);
  EXPECT_TRUE(t.add(h2, id2, 2));
  EXPECT_TRUE(t.add(h1, id1, 1));
  EXPECT_EQ(t.unlinked(), 2u);
  EXPECT_TRUE(t.best_chain().empty());
  EXPECT_TRUE(t.add(g, gid, 0));
  EXPECT_EQ(t.unlinked(), 0u);
  const auto best = t.best_chain();
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[2]->hash, id2);
  EXPECT_EQ(best[2]->height, 2u);
  EXPECT_EQ(best[2]->tag, 2u);
  EXPECT_FALSE(t.add(h1, id1, 9));  // a duplicate
  auto [other_genesis, ogid] = header(Hash256{});
  EXPECT_FALSE(t.add(other_genesis, ogid, 5));  // a second genesis
}

TEST_F(Tree, InvalidBlocksAndTheirDescendantsAreSetAside) {
  BlockTree t = make();
  const auto g = branch(t, Hash256{}, 1);
  const auto a = branch(t, g[0], 5);
  const auto b = branch(t, g[0], 3);
  EXPECT_EQ(tip(t.best_chain()), a[4]);
  t.mark_invalid(a[2]);
  EXPECT_TRUE(t.find(a[4])->invalid);
  EXPECT_FALSE(t.find(a[1])->invalid);
  EXPECT_EQ(tip(t.best_chain()), b[2]);
  // A block arriving on an invalid one is invalid too.
  const auto late = branch(t, a[4], 5);
  EXPECT_TRUE(t.find(late[4])->invalid);
  EXPECT_EQ(tip(t.best_chain()), b[2]);
  t.mark_invalid(g[0]);
  EXPECT_TRUE(t.best_chain().empty());
}

TEST_F(Tree, NeverLeavesAFinalBlock) {
  BlockTree t = make();
  const auto g = branch(t, Hash256{}, 1);
  const auto a = branch(t, g[0], 3);
  const auto b = branch(t, g[0], 10);  // more work, but forks below a[1]
  EXPECT_EQ(tip(t.best_chain()), b[9]);
  EXPECT_EQ(tip(t.best_chain(a[1])), a[2]);
  const auto a2 = branch(t, a[2], 1);
  EXPECT_EQ(tip(t.best_chain(a[1])), a2[0]);
  EXPECT_EQ(tip(t.best_chain(a[2])), a2[0]);
}

class TreeAcrossASwitch : public Tree {
 protected:
  static ChainParams switching() {
    ChainParams p = ChainParams::Regtest();
    p.modules = {{0, {"pow", 1}}, {3, {"bft", 1}}};
    Validator v;
    v.stake = 1;
    p.bft_validators = {v};
    return p;
  }
  TreeAcrossASwitch() : Tree(switching()) {}
};

TEST_F(TreeAcrossASwitch, WorkIsCountedByEachHeightsModule) {
  BlockTree t = make();
  const auto g = branch(t, Hash256{}, 1);
  // Heights 1, 2 are pow (work from bits); 3 on are bft (1 each, whatever the bits).
  const auto a = branch(t, g[0], 4, 0x1f7fffff);
  EXPECT_EQ(t.find(a[1])->work, U256::from_u64(2 + 512 + 512));
  EXPECT_EQ(t.find(a[3])->work, U256::from_u64(2 + 512 + 512 + 1 + 1));
  const auto b = branch(t, g[0], 5, 0x207fffff);
  EXPECT_EQ(t.find(b[4])->work, U256::from_u64(2 + 2 + 2 + 1 + 1 + 1));
  EXPECT_EQ(tip(t.best_chain()), a[3]);
}

}  // namespace
}  // namespace vigil
