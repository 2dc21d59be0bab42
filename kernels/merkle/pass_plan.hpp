// The host's half of the segmented Merkle kernel: which passes to launch, and
// which trees each block of each pass works on. Sizes alone decide the plan,
// so it is made up front and uploaded once.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "merkle/merkle_agent.hpp"

namespace vigil::merkle {

struct PassPlan {
  std::vector<uint32_t> active;       // trees with at least one leaf, in order
  std::vector<PassTree> trees;        // every pass's trees, pass after pass
  std::vector<size_t> pass_begin;     // pass p's trees: [pass_begin[p], pass_begin[p + 1])
  std::vector<uint32_t> pass_blocks;  // thread blocks of pass p
  uint64_t max_pass_output = 0;       // nodes written by the largest pass (the first)

  size_t passes() const { return pass_blocks.size(); }
};

// Plans the passes for consecutive trees over one leaf array (tree t's leaves
// follow tree t-1's). Every non-empty tree takes part in every pass, so after
// the last pass active tree a's root is node a of that pass's output. There is
// at least one pass when any tree is non-empty.
inline PassPlan plan_passes(std::span<const uint32_t> tree_sizes) {
  PassPlan plan;
  std::vector<uint64_t> where;  // first node of each active tree's current level
  std::vector<uint32_t> count;
  uint64_t offset = 0;
  for (uint32_t t = 0; t < tree_sizes.size(); ++t) {
    if (tree_sizes[t] > 0) {
      plan.active.push_back(t);
      where.push_back(offset);
      count.push_back(tree_sizes[t]);
    }
    offset += tree_sizes[t];
  }
  plan.pass_begin.push_back(0);
  bool more = !plan.active.empty();
  while (more) {
    uint32_t blocks = 0;
    more = false;
    for (size_t a = 0; a < plan.active.size(); ++a) {
      const uint32_t nb = pass_blocks(count[a]);
      plan.trees.push_back(PassTree{where[a], blocks, count[a], blocks, plan.active[a]});
      where[a] = blocks;
      count[a] = nb;
      blocks += nb;
      more |= nb > 1;
    }
    if (plan.pass_blocks.empty()) plan.max_pass_output = blocks;
    plan.pass_blocks.push_back(blocks);
    plan.pass_begin.push_back(plan.trees.size());
  }
  return plan;
}

}  // namespace vigil::merkle
