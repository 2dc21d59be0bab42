// Stand-ins for a GPU hashing device, in the library so that the Hasher's
// GPU path -- batch building, digest placement, tree layout, result assembly,
// fallback -- runs on machines without a GPU, for tests and for a node
// operator through the fault-injection switch (fault_plan.hpp).
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "fault_plan.hpp"
#include "gpu/hash_device.hpp"

namespace vigil {

// Runs the kernels' own per-thread code (sha256_core, merkle_agent and the
// pass plan) on the host, one emulated thread after another. Named "emulated".
std::unique_ptr<gpu::HashDevice> make_emulated_hash_device();

// Merkle roots of consecutive trees by emulated launches of the pass kernel.
std::vector<MerkleResult> emulated_merkle_roots(std::span<const sha::DigestWords> leaves,
                                                std::span<const uint32_t> tree_sizes);

// Wraps `inner` so that the calls the plan names fail with DeviceError after
// scribbling over their outputs (so a caller that kept them would be
// caught), and every call is delayed as the plan says.
std::unique_ptr<gpu::HashDevice> with_injected_hash_faults(std::unique_ptr<gpu::HashDevice> inner,
                                                           const DeviceFaultPlan& plan);

}  // namespace vigil
