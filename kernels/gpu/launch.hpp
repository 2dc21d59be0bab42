// Launchers of the hashing kernels: each sizes its grid, launches on `stream`
// and returns the launch error. Device pointers only; the caller owns them.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "gpu/hash_device.hpp"
#include "merkle/merkle_agent.hpp"
#include "sha256/sha256_core.hpp"

namespace vigil::gpu {

// out[messages[i].out_index] = digest of message i, as digest words, or as
// digest bytes (Hash256 layout) when `bytes_out`.
cudaError_t launch_hash_messages(const uint8_t* base, const sha::Slice* slices, const MessageRef* messages,
                                 uint32_t n, sha::Mode mode, const sha::Midstate& prefix, bool contiguous,
                                 bool bytes_out, sha::DigestWords* out, cudaStream_t stream);

// out[i] = sha256d(in[2i] || in[2i+1]), all in digest bytes.
cudaError_t launch_hash_nodes(const uint8_t* in, uint8_t* out, uint64_t n_pairs, cudaStream_t stream);

// Byte-swaps n 32-bit words in place: digest bytes <-> digest words.
cudaError_t launch_swap_words(uint32_t* words, uint64_t n, cudaStream_t stream);

// One Merkle pass (merkle_agent.hpp) of `blocks` thread blocks.
cudaError_t launch_merkle_pass(const merkle::PassTree* trees, uint32_t n_trees, uint32_t blocks,
                               const sha::DigestWords* in, sha::DigestWords* out, uint32_t* mutated,
                               cudaStream_t stream);

}  // namespace vigil::gpu
