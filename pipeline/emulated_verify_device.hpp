// Stand-ins for a GPU verification device, in the library so that the GPU
// path -- preparation, wire format, message arena, verdict placement,
// fallback -- can be exercised on machines without a GPU, by tests and by a
// node operator through the fault-injection switch (VerifierOptions::
// fault_injection, or the environment variable VIGIL_FAULT_INJECT).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "gpu/verify_device.hpp"

namespace vigil {

// Runs the kernels' per-thread code (kernels/{secp256k1,ed25519}/check.hpp)
// on the host for every check of a call. Named "emulated". It has `lanes`
// lanes: that many calls run at once, as on a GPU's streams.
std::unique_ptr<gpu::VerifyDevice> make_emulated_verify_device(unsigned lanes = 1);

// When and how a device fails, for fault injection. Spelled as
// comma-separated items, e.g. "device=emulated,fail_from=3,fail_count=1,sticky,delay_ms=2":
//   device=emulated  use the emulated device instead of a GPU (any machine)
//   devices=N        with device=emulated: N emulated devices sharing the work
//                    as several GPUs do (the faults below hit the first one)
//   fail_from=N      device calls N, N+1, ... fail (1-based; 0: none)
//   fail_count=K     ... but only K of them (default: all from N on)
//   sticky           after its first injected failure the device reports itself
//                    unusable, as a GPU does after a kernel fault
//   delay_ms=D       every call first sleeps D milliseconds (a slow device)
struct DeviceFaultPlan {
  bool emulate = false;
  uint32_t devices = 1;
  uint64_t fail_from = 0;
  uint64_t fail_count = UINT64_MAX;
  bool sticky = false;
  uint32_t delay_ms = 0;
  bool injects() const { return fail_from != 0 || delay_ms != 0; }
};

// Parses a plan; InvalidArgument (naming the bad item) for anything else.
// The empty string is the empty plan.
Status parse_device_fault_plan(std::string_view spec, DeviceFaultPlan* out);

// Wraps `inner` so that the calls the plan names fail with DeviceError after
// writing wrong verdicts (so a caller that kept them would be caught), and
// every call is delayed as the plan says. Other calls go to `inner`.
std::unique_ptr<gpu::VerifyDevice> with_injected_faults(std::unique_ptr<gpu::VerifyDevice> inner,
                                                        const DeviceFaultPlan& plan);

}  // namespace vigil
