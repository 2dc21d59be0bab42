// Substitute GPU devices for the Hasher tests on machines without a GPU.
#pragma once

#include <memory>

#include "gpu/hash_device.hpp"

namespace vigil::test {

// Runs the kernels' own per-thread code (sha256_core, merkle_agent and the
// pass plan) on the host, one emulated thread after another: the Hasher's GPU
// path end to end — batch building, digest placement, tree layout, result
// assembly — without a GPU.
std::unique_ptr<gpu::HashDevice> make_emulated_device();

// Fails every call with DeviceError after scribbling over its outputs (so a
// fallback that kept any GPU output would be caught). With `sticky`, it also
// reports itself unusable after the first failure, as a GPU does after a
// kernel fault.
std::unique_ptr<gpu::HashDevice> make_failing_device(bool sticky);

// Merkle roots of consecutive trees by emulated launches of the pass kernel.
std::vector<MerkleResult> emulated_merkle_roots(std::span<const sha::DigestWords> leaves,
                                                std::span<const uint32_t> tree_sizes);

}  // namespace vigil::test
