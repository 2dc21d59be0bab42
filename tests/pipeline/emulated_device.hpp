// Substitute GPU devices for the Hasher tests on machines without a GPU.
#pragma once

#include <memory>

#include "emulated_hash_device.hpp"
#include "gpu/hash_device.hpp"

namespace vigil::test {

// The library's emulated hashing device (pipeline/emulated_hash_device.hpp):
// the Hasher's GPU path end to end without a GPU.
std::unique_ptr<gpu::HashDevice> make_emulated_device();

// Fails every call with DeviceError after scribbling over its outputs (so a
// fallback that kept any GPU output would be caught). With `sticky`, it also
// reports itself unusable after the first failure, as a GPU does after a
// kernel fault.
std::unique_ptr<gpu::HashDevice> make_failing_device(bool sticky);

using vigil::emulated_merkle_roots;

}  // namespace vigil::test
