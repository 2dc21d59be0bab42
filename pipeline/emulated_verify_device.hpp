// Stand-ins for a GPU verification device, in the library so that the GPU
// path -- preparation, wire format, message arena, verdict placement,
// fallback -- can be exercised on machines without a GPU, by tests and by a
// node operator through the fault-injection switch (fault_plan.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "fault_plan.hpp"
#include "gpu/verify_device.hpp"

namespace vigil {

// Runs the kernels' per-thread code (kernels/{secp256k1,ed25519}/check.hpp)
// on the host for every check of a call. Named "emulated". It has `lanes`
// lanes: that many calls run at once, as on a GPU's streams.
std::unique_ptr<gpu::VerifyDevice> make_emulated_verify_device(unsigned lanes = 1);

// Wraps `inner` so that the calls the plan names fail with DeviceError after
// writing wrong verdicts (so a caller that kept them would be caught), and
// every call is delayed as the plan says. Other calls go to `inner`.
std::unique_ptr<gpu::VerifyDevice> with_injected_faults(std::unique_ptr<gpu::VerifyDevice> inner,
                                                        const DeviceFaultPlan& plan);

}  // namespace vigil
