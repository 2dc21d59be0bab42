// Several GPUs as one VerifyDevice: each call's checks are cut into one
// contiguous part per usable device, and the parts run at the same time, one
// host thread per device. Internal.
//
// A part that fails fails the call (the Verifier redoes it on the CPU: no
// verdict is lost or taken from a failed part). A device that becomes
// unusable (a sticky fault) is left out of later calls; the others go on.
#pragma once

#include <memory>
#include <vector>

#include "gpu/verify_device.hpp"

namespace vigil {

// `devices` must hold at least one device. With exactly one, that device is
// returned as it is.
std::unique_ptr<gpu::VerifyDevice> make_multi_verify_device(std::vector<std::unique_ptr<gpu::VerifyDevice>> devices);

}  // namespace vigil
