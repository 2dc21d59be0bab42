// Fork choice over every known header: the tree of blocks (any order of
// arrival), each branch's cumulative work as the modules scheduled for its
// heights count it, and the best tip -- the most work among blocks not known
// invalid, never one that would disconnect a final block. A node feeds it
// headers, asks for the best chain, connects toward it with ChainState, and
// marks the blocks that turn out invalid (then asks again).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/consensus.hpp"

namespace vigil {

class BlockTree {
 public:
  // `modules`: one per params.modules entry, in order (ModuleRegistry::find).
  BlockTree(const ChainParams& params, std::vector<std::shared_ptr<const ConsensusModule>> modules);

  struct Node {
    BlockHeader header;
    Hash256 hash;
    uint64_t tag = 0;       // the caller's: where the block's bytes are
    uint64_t order = 0;     // arrival order: ties in work go to the first
    uint32_t height = 0;    // valid once connected to the genesis block
    U256 work;              // cumulative, from the genesis block
    bool linked = false;    // its ancestry reaches the genesis block
    bool invalid = false;   // it, or an ancestor, failed validation
  };

  // Adds a header (a duplicate is ignored: false). A header whose parent is
  // unknown waits, unlinked, until the parent arrives. The first header with
  // a zero parent is the genesis block; another one is ignored (false).
  bool add(const BlockHeader& header, const Hash256& hash, uint64_t tag);

  const Node* find(const Hash256& hash) const;
  // Headers that never linked to the genesis block (orphans).
  size_t unlinked() const;

  // Marks `hash` and every block built on it invalid.
  void mark_invalid(const Hash256& hash);

  // The best chain, genesis first: the tip with the most work among linked,
  // not-invalid blocks that descend from `final_block` (when given: the
  // connected chain's last final block, which fork choice never reverts);
  // ties go to the tip that arrived first. Empty when there is none.
  std::vector<const Node*> best_chain(const std::optional<Hash256>& final_block = std::nullopt) const;

 private:
  struct Key {
    size_t operator()(const Hash256& h) const;
  };
  void link_from(Node* parent);
  const ConsensusModule& module_at(uint32_t height) const;

  ChainParams params_;
  std::vector<std::shared_ptr<const ConsensusModule>> modules_;
  std::unordered_map<Hash256, std::unique_ptr<Node>, Key> nodes_;
  std::unordered_multimap<Hash256, Node*, Key> children_;  // by parent hash
  Node* genesis_ = nullptr;
  uint64_t next_order_ = 0;
};

}  // namespace vigil
