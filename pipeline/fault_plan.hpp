// Fault injection for the GPU devices: when and how a device fails, so that
// tests and node operators can prove on any machine that a failing or slow
// GPU never costs a verdict or a hash (VerifierOptions::fault_injection,
// HasherOptions::fault_injection, or the environment variable
// VIGIL_FAULT_INJECT).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "vigil/status.hpp"

namespace vigil {

// Spelled as comma-separated items, e.g. "device=emulated,fail_from=3,fail_count=1,sticky,delay_ms=2":
//   device=emulated  use the emulated device instead of a GPU (any machine)
//   devices=N        with device=emulated: N emulated devices sharing the work
//                    as several GPUs do (the faults below hit the first one)
//   fail_from=N      device calls N, N+1, ... fail (1-based; 0: none)
//   fail_count=K     ... but only K of them (default: all from N on)
//   sticky           after its first injected failure the device reports itself
//                    unusable, as a GPU does after a kernel fault
//   delay_ms=D       every call first sleeps D milliseconds (a slow device)
//   at=P             where the chosen calls fail:
//                      before  before the device runs (as a failed upload or
//                              launch); the default
//                      after   once the device has run the call (as a failed
//                              download, or a fault found at synchronization)
//                      alloc   the call's page-locked host buffers cannot be
//                              allocated (verification only); fail_from counts
//                              allocations, not calls
// A failing call writes wrong outputs before it reports its error, so a
// caller that kept any of them would be caught.
struct DeviceFaultPlan {
  enum class At : uint8_t { kBefore, kAfter, kAlloc };
  bool emulate = false;
  uint32_t devices = 1;
  uint64_t fail_from = 0;
  uint64_t fail_count = UINT64_MAX;
  bool sticky = false;
  uint32_t delay_ms = 0;
  At at = At::kBefore;
  bool injects() const { return fail_from != 0 || delay_ms != 0; }
};

// Parses a plan; InvalidArgument (naming the bad item) for anything else.
// The empty string is the empty plan.
Status parse_device_fault_plan(std::string_view spec, DeviceFaultPlan* out);

// The plan of an options field: `spec` if not empty, else VIGIL_FAULT_INJECT
// if set, else none.
Status resolve_device_fault_plan(const std::string& spec, DeviceFaultPlan* out);

// A device's side of a plan, shared by the faulty wrappers: counts the calls
// and says which fail. Thread-safe.
class FaultSchedule {
 public:
  explicit FaultSchedule(const DeviceFaultPlan& plan) : plan_(plan) {}
  // Sleeps the plan's delay, then numbers the call: 0 when it should run,
  // else its (1-based) number, the call that fails. A device made unusable
  // by a sticky fault fails every call (number UINT64_MAX).
  uint64_t next_call();
  bool broken() const;

  // One device call under the plan: `run` when it is not to fail; else
  // `scribble` (which writes wrong outputs on purpose, so that a caller
  // that kept them would be caught) and the DeviceError.
  template <class Run, class Scribble>
  Status call(const Run& run, const Scribble& scribble) {
    if (plan_.at == DeviceFaultPlan::At::kAlloc) return run();  // allocate() counts instead
    const uint64_t n = next_call();
    if (n == 0) return run();
    if (plan_.at == DeviceFaultPlan::At::kAfter && n != UINT64_MAX) {
      const Status ignored = run();  // the device did the work; the call fails anyway
      (void)ignored;
    }
    scribble();
    return injected_error(n);
  }
  // For at=alloc: false when this allocation is to fail.
  bool allocation_allowed() { return plan_.at != DeviceFaultPlan::At::kAlloc || next_call() == 0; }
  static Status injected_error(uint64_t call);

 private:
  const DeviceFaultPlan plan_;
  mutable std::mutex mu_;
  uint64_t calls_ = 0;
  bool broken_ = false;
};

}  // namespace vigil
