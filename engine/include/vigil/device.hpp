// What GPUs this build and this machine offer.
#pragma once

#include <string>
#include <vector>

#include "vigil/status.hpp"

namespace vigil {

struct GpuDeviceInfo {
  int index = 0;
  std::string name;
  int compute_major = 0, compute_minor = 0;
  size_t memory_bytes = 0;
  int multiprocessors = 0;
};

// True when the library was built with the CUDA kernels.
bool built_with_cuda();

// Finds the usable GPUs: each is queried and runs a one-thread self-test
// kernel. Returns NotSupported in a CPU-only build and DeviceError when the
// build has CUDA but no device works (the message says why: no driver, no
// device, a kernel for the wrong architecture, ...).
Status probe_gpus(std::vector<GpuDeviceInfo>* out);

}  // namespace vigil
