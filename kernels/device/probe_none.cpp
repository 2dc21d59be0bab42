// GPU discovery in a CPU-only build.
#include "vigil/device.hpp"

namespace vigil {

bool built_with_cuda() { return false; }

Status probe_gpus(std::vector<GpuDeviceInfo>* out) {
  out->clear();
  return Status::NotSupported("no usable GPU: this build of vigil has no CUDA kernels (configured with VIGIL_CUDA=OFF or without a CUDA toolkit)");
}

}  // namespace vigil
