#include "pipeline/emulated_device.hpp"

namespace vigil::test {

std::unique_ptr<gpu::HashDevice> make_emulated_device() { return make_emulated_hash_device(); }

std::unique_ptr<gpu::HashDevice> make_failing_device(bool sticky) {
  DeviceFaultPlan plan;
  plan.fail_from = 1;  // every call
  plan.sticky = sticky;
  return with_injected_hash_faults(make_emulated_hash_device(), plan);
}

}  // namespace vigil::test
