// The GPU side of hashing, as the dispatch layer (pipeline/hasher) sees it:
// an interface with no CUDA types, so CPU-only builds compile against it and
// tests can substitute a device that fails on purpose.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "sha256/sha256_core.hpp"
#include "vigil/bytes.hpp"
#include "vigil/merkle.hpp"
#include "vigil/status.hpp"

namespace vigil::gpu {

// One message of a gathered batch: the concatenation of `slice_count` slices
// starting at `first_slice`, `length` bytes in all, whose digest goes to
// position `out_index` of the output.
struct MessageRef {
  uint64_t length;
  uint32_t first_slice;
  uint32_t out_index;
};

// A batch of messages, all slices of one base buffer.
struct MessageBatch {
  ByteView base;
  std::span<const sha::Slice> slices;
  std::span<const MessageRef> messages;
  sha::Mode mode = sha::Mode::kSingle;
  sha::Midstate prefix{};  // for Mode::kTagged
  bool contiguous = false;    // every message is exactly one slice (the faster kernel)
};

class HashDevice {
 public:
  virtual ~HashDevice() = default;
  virtual const std::string& name() const = 0;
  // False after an error that leaves the device unable to run more work
  // (a sticky CUDA error); the dispatch layer then stops offering it work.
  virtual bool usable() const = 0;
  // Device time of the last successful call's kernels (transfers excluded),
  // in seconds; 0 where it is not measured.
  virtual double last_kernel_seconds() const { return 0; }

  // out[m.out_index] = digest of each message m. Positions no message names
  // are left as they are.
  virtual Status hash_messages(const MessageBatch& batch, std::span<Hash256> out) = 0;
  // out[i] = sha256d(in[2i] || in[2i+1]).
  virtual Status hash_nodes(std::span<const Hash256> in, std::span<Hash256> out) = 0;
  // Merkle roots of consecutive trees over `leaves`: tree t has tree_sizes[t]
  // leaves, starting where tree t-1 ends.
  virtual Status merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes,
                              std::span<MerkleResult> roots) = 0;
  // The batch's digests become the leaves (all-zero where no message writes)
  // and the trees are built on the device without a round trip; `leaves`
  // receives the leaves too.
  virtual Status hashed_merkle_roots(const MessageBatch& batch, std::span<const uint32_t> tree_sizes,
                                     std::span<Hash256> leaves, std::span<MerkleResult> roots) = 0;
};

// Opens CUDA device `index` for hashing. NotSupported in a CPU-only build,
// DeviceError when there is no such usable device.
Status open_cuda_hash_device(int index, std::unique_ptr<HashDevice>* out);

}  // namespace vigil::gpu
