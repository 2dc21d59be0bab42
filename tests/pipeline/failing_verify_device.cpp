#include "pipeline/failing_verify_device.hpp"

#include "emulated_verify_device.hpp"

namespace vigil::test {

std::unique_ptr<gpu::VerifyDevice> make_failing_verify_device(bool sticky, int fail_after) {
  DeviceFaultPlan plan;
  plan.fail_from = static_cast<uint64_t>(fail_after) + 1;
  plan.sticky = sticky;
  return with_injected_faults(make_emulated_verify_device(), plan);
}

}  // namespace vigil::test
