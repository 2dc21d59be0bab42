// CPU-only build: there is no GPU to verify on.
#include "gpu/verify_device.hpp"

namespace vigil::gpu {

Status open_cuda_verify_device(int, unsigned, std::unique_ptr<VerifyDevice>*) {
  return Status::NotSupported("this build of vigil has no GPU kernels (built without CUDA)");
}

}  // namespace vigil::gpu
