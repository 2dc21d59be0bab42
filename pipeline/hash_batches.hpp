// Turns the Hasher's requests into the GPU's batch form (gpu::MessageBatch):
// messages as slices of one uploaded buffer, with where each digest goes.
#pragma once

#include <span>
#include <vector>

#include "gpu/hash_device.hpp"
#include "vigil/hasher.hpp"

namespace vigil::hash_batches {

// sha::Mode and tag midstate of a kind of hash.
struct ModeAndPrefix {
  sha::Mode mode = sha::Mode::kSingle;
  sha::Midstate prefix{};
};
ModeAndPrefix mode_for(HashKind kind, std::string_view tag);

// A batch and the storage its views point into.
struct OwnedBatch {
  Bytes data;  // empty when the batch points into the caller's buffer
  std::vector<sha::Slice> slices;
  std::vector<gpu::MessageRef> messages;
  gpu::MessageBatch batch;  // views of the above (or of the caller's base)
};

// messages[begin, end) copied into one buffer, one slice each.
void pack_messages(std::span<const ByteView> messages, size_t begin, size_t end, const ModeAndPrefix& mp,
                   OwnedBatch* out);

// Gathered messages over the caller's `base` (not copied).
void gather_messages(ByteView base, std::span<const ByteRange> ranges, std::span<const uint32_t> starts,
                     const ModeAndPrefix& mp, OwnedBatch* out);

// Whole blocks: the txids of every block, then the wtxids of every block that
// has witness data, as one batch whose digests are the leaves of
// consecutive trees (tree_sizes): one txid tree per block, then one witness
// tree per block with witness data (its coinbase leaf is never written, so
// it stays zero).
struct BlockBatch {
  OwnedBatch owned;
  std::vector<uint32_t> tree_sizes;
  std::vector<uint64_t> txid_leaf;     // per block: its first txid leaf
  std::vector<int64_t> witness_tree;   // per block: index of its witness tree, or -1
  uint64_t n_leaves = 0;
};
void block_batch(std::span<const ByteView> blocks, std::span<const ParsedBlock> parsed, BlockBatch* out);

}  // namespace vigil::hash_batches
