// Batched hashing: SHA-256, double SHA-256, BIP340 tagged hashes, Merkle nodes,
// Merkle trees and whole blocks' txids and roots, on the GPU when one is usable
// and on the CPU otherwise. A GPU call that fails (launch failure, out of
// memory, a lost device) is redone on the CPU and counted: an answer is never
// wrong or missing because of the GPU.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/backend.hpp"
#include "vigil/block.hpp"
#include "vigil/bytes.hpp"
#include "vigil/merkle.hpp"
#include "vigil/status.hpp"

namespace vigil {

struct HasherOptions {
  // kAuto: the GPU when one passes its self-test, else the CPU. kGpu: Create
  // fails (DeviceError / NotSupported) without a usable GPU. kCpu: never the GPU.
  Backend backend = Backend::kAuto;
  int gpu_device = -1;       // CUDA device index; -1 (default): the first usable GPU
  unsigned cpu_threads = 0;  // threads of the CPU path and the fallback; 0: all hardware threads
  // Calls with fewer items (messages, node pairs, leaves, transactions) run on
  // the CPU even when a GPU is in use: below this the transfers and launch
  // cost more than the hashing. 0 sends everything to the GPU.
  size_t gpu_min_items = 1024;
  // Fault injection, as VerifierOptions::fault_injection: "device=emulated"
  // (the kernels' code run on the host stands in for the GPU), fail_from=N,
  // fail_count=K, sticky, delay_ms=D, at=before|after. Empty (default): the environment
  // variable VIGIL_FAULT_INJECT if set, else none. Answers stay right
  // whatever is injected: failed calls are redone on the CPU.
  std::string fault_injection;
};

struct HasherStats {
  uint64_t gpu_calls = 0;      // calls answered by the GPU
  uint64_t cpu_calls = 0;      // calls answered by the CPU, fallbacks included
  uint64_t gpu_fallbacks = 0;  // GPU calls that failed and were redone on the CPU
  std::string last_gpu_error;  // why the most recent of those failed
  // Device time of the kernels of the successful GPU calls (CUDA events
  // around the launches, so transfers excluded), in seconds.
  double gpu_kernel_seconds = 0;
};

enum class HashKind {
  kSha256,   // SHA-256(m)
  kSha256d,  // SHA-256(SHA-256(m)): txids, block hashes, Merkle nodes
  kTagged,   // BIP340: SHA-256(SHA-256(tag) || SHA-256(tag) || m)
};

// A piece of a gathered message: `length` bytes at `offset` of a base buffer.
struct ByteRange {
  uint64_t offset = 0;
  uint32_t length = 0;
};

// The hashes of one block.
struct BlockHashes {
  std::vector<Hash256> txids;
  MerkleResult merkle;  // over the txids; compare with the header's root
  // BIP141: true when some transaction has witness data; then witness_merkle
  // is the tree over the wtxids with the coinbase's taken as zero.
  bool has_witness = false;
  MerkleResult witness_merkle;
};

// Safe to call from several threads; calls are answered one at a time.
class Hasher {
 public:
  struct Impl;

  // Creates a hasher. With kAuto and no usable GPU it runs on the CPU and
  // description() says why.
  static Status Create(const HasherOptions& options, std::unique_ptr<Hasher>* out);
  explicit Hasher(std::unique_ptr<Impl> impl);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  bool on_gpu() const;  // whether large calls go to the GPU now
  // What runs the work and why: "gpu (NVIDIA H100 80GB HBM3)", "cpu",
  // "cpu (auto: no usable GPU: ...)".
  std::string description() const;
  HasherStats stats() const;

  // out[i] = the `kind` hash of messages[i]. `tag` is the BIP340 tag for
  // kTagged and must be empty otherwise. InvalidArgument, with nothing
  // written, when the sizes differ.
  Status hash(HashKind kind, std::span<const ByteView> messages, std::span<Hash256> out, std::string_view tag = {});

  // Gathered messages: message i is the concatenation of
  // ranges[starts[i]] .. ranges[starts[i+1] - 1] of `base` (so starts has
  // out.size() + 1 entries, starts[0] == 0, non-decreasing, ending at
  // ranges.size()). Every range must lie inside `base`.
  Status hash_gathered(HashKind kind, ByteView base, std::span<const ByteRange> ranges,
                       std::span<const uint32_t> starts, std::span<Hash256> out, std::string_view tag = {});

  // Merkle nodes: out[i] = sha256d(in[2i] || in[2i+1]); in.size() == 2 * out.size().
  Status hash_nodes(std::span<const Hash256> in, std::span<Hash256> out);

  // Bitcoin Merkle roots (merkle.hpp) of consecutive trees over `leaves`:
  // tree t has tree_sizes[t] leaves, starting where tree t-1 ends; the sizes
  // must add up to leaves.size().
  Status merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes,
                      std::span<MerkleResult> out);

  // Txids, Merkle root and witness root of whole blocks; parsed[i] must be
  // parse_block(blocks[i]). On the GPU the txids feed the trees without a
  // round trip to the host.
  Status block_hashes(std::span<const ByteView> blocks, std::span<const ParsedBlock> parsed,
                      std::span<BlockHashes> out);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
