// CPU-only build: there is no GPU to hash on.
#include "gpu/hash_device.hpp"

namespace vigil::gpu {

Status open_cuda_hash_device(int, std::unique_ptr<HashDevice>*) {
  return Status::NotSupported("this build of vigil has no GPU kernels (built without CUDA)");
}

}  // namespace vigil::gpu
