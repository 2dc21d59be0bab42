// Substitute GPU devices for the Verifier tests on machines without a GPU.
#pragma once

#include <memory>

#include "gpu/verify_device.hpp"

namespace vigil::test {

// Runs the kernels' per-thread code (kernels/{secp256k1,ed25519}/check.hpp) on the
// host for every check of a call: the Verifier's GPU path end to end --
// preparation, wire format, message arena, verdict placement -- without a GPU.
std::unique_ptr<gpu::VerifyDevice> make_emulated_verify_device();

// Fails every call with DeviceError after writing wrong verdicts (so a
// fallback that kept any GPU output would be caught). With `sticky`, it
// reports itself unusable after the first failure, as a GPU does after a
// kernel fault. With `fail_after`, the first `fail_after` calls succeed
// (emulated) and the later ones fail: a GPU that fails mid-batch.
std::unique_ptr<gpu::VerifyDevice> make_failing_verify_device(bool sticky, int fail_after = 0);

}  // namespace vigil::test
