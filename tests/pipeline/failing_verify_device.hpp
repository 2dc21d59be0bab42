// A device that fails on purpose, for the Verifier and Engine tests: the
// emulated device behind the library's fault injection.
#pragma once

#include <memory>

#include "gpu/verify_device.hpp"

namespace vigil::test {

// Fails every call with DeviceError after writing wrong verdicts (so a
// fallback that kept any GPU output would be caught). With `sticky`, it
// reports itself unusable after the first failure, as a GPU does after a
// kernel fault. With `fail_after`, the first `fail_after` calls succeed
// (emulated) and the later ones fail: a GPU that fails mid-batch.
std::unique_ptr<gpu::VerifyDevice> make_failing_verify_device(bool sticky, int fail_after = 0);

}  // namespace vigil::test
