// BlockTree: headers linked by their parent hash, work summed along each
// branch as each height's module counts it, the best tip found by a walk of
// the subtree that fork choice may still choose from.
#include "vigil/block_tree.hpp"

#include <cstring>

namespace vigil {

size_t BlockTree::Key::operator()(const Hash256& h) const {
  size_t v;
  std::memcpy(&v, h.bytes.data(), sizeof v);  // block hashes are uniform
  return v;
}

BlockTree::BlockTree(const ChainParams& params, std::vector<std::shared_ptr<const ConsensusModule>> modules)
    : params_(params), modules_(std::move(modules)) {}

const ConsensusModule& BlockTree::module_at(uint32_t height) const { return *modules_[params_.module_index(height)]; }

bool BlockTree::add(const BlockHeader& header, const Hash256& hash, uint64_t tag) {
  if (nodes_.count(hash)) return false;
  const bool is_genesis = header.prev_block == Hash256{};
  if (is_genesis && genesis_) return false;
  auto node = std::make_unique<Node>();
  node->header = header;
  node->hash = hash;
  node->tag = tag;
  node->order = next_order_++;
  Node* n = node.get();
  nodes_.emplace(hash, std::move(node));
  if (is_genesis) {
    genesis_ = n;
    BlockContext ctx;
    ctx.params = &params_;
    n->work = module_at(0).block_work(header, ctx);
    n->linked = true;
    link_from(n);
    return true;
  }
  children_.emplace(header.prev_block, n);
  if (const auto p = nodes_.find(header.prev_block); p != nodes_.end() && p->second->linked) {
    // Link this one (and anything already waiting on it) below its parent.
    const Node* parent = p->second.get();
    BlockContext ctx;
    ctx.params = &params_;
    n->height = parent->height + 1;
    ctx.height = n->height;
    n->work = parent->work;
    n->work += module_at(n->height).block_work(header, ctx);
    n->linked = true;
    n->invalid = parent->invalid;
    link_from(n);
  }
  return true;
}

void BlockTree::link_from(Node* root) {
  // Iterative: a long run of headers that arrived before their parents.
  std::vector<Node*> todo{root};
  BlockContext ctx;
  ctx.params = &params_;
  while (!todo.empty()) {
    Node* parent = todo.back();
    todo.pop_back();
    auto [lo, hi] = children_.equal_range(parent->hash);
    for (auto it = lo; it != hi; ++it) {
      Node* child = it->second;
      if (child->linked) continue;
      child->height = parent->height + 1;
      ctx.height = child->height;
      child->work = parent->work;
      child->work += module_at(child->height).block_work(child->header, ctx);
      child->linked = true;
      child->invalid = parent->invalid;
      todo.push_back(child);
    }
  }
}

const BlockTree::Node* BlockTree::find(const Hash256& hash) const {
  const auto it = nodes_.find(hash);
  return it == nodes_.end() ? nullptr : it->second.get();
}

size_t BlockTree::unlinked() const {
  size_t n = 0;
  for (const auto& [h, node] : nodes_) n += !node->linked;
  return n;
}

void BlockTree::mark_invalid(const Hash256& hash) {
  const auto it = nodes_.find(hash);
  if (it == nodes_.end()) return;
  std::vector<Node*> todo{it->second.get()};
  while (!todo.empty()) {
    Node* n = todo.back();
    todo.pop_back();
    n->invalid = true;
    auto [lo, hi] = children_.equal_range(n->hash);
    for (auto c = lo; c != hi; ++c) todo.push_back(c->second);
  }
}

std::vector<const BlockTree::Node*> BlockTree::best_chain(const std::optional<Hash256>& final_block) const {
  std::vector<const Node*> path;
  const Node* start = genesis_;
  if (final_block) start = find(*final_block);
  if (!start || !start->linked || start->invalid) return path;
  // Only the subtree below `start` may be chosen; invalid subtrees are skipped.
  const Node* best = start;
  std::vector<const Node*> todo{start};
  while (!todo.empty()) {
    const Node* n = todo.back();
    todo.pop_back();
    if (n->work > best->work || (n->work == best->work && n->order < best->order)) best = n;
    auto [lo, hi] = children_.equal_range(n->hash);
    for (auto it = lo; it != hi; ++it)
      if (!it->second->invalid) todo.push_back(it->second);
  }
  for (const Node* n = best;;) {
    path.push_back(n);
    if (n == genesis_) break;
    n = find(n->header.prev_block);
  }
  return {path.rbegin(), path.rend()};
}

}  // namespace vigil
