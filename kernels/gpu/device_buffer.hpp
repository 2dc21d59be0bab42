// Device memory for the CUDA devices' workspaces. Internal; CUDA builds only.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>

#include "gpu/cuda_check.hpp"

namespace vigil::gpu {

// Device memory that only grows: a call reserves what it needs before it
// launches anything, so no kernel waits on an allocation mid-call.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { cudaFree(ptr_); }

  Status reserve(size_t bytes) {
    if (bytes <= capacity_) return Status::Ok();
    cudaFree(ptr_);
    ptr_ = nullptr;
    capacity_ = 0;
    size_t want = std::max(bytes, size_t{1} << 16);
    VIGIL_CUDA_TRY(cudaMalloc(&ptr_, want));
    capacity_ = want;
    return Status::Ok();
  }
  template <class T>
  T* as() const { return static_cast<T*>(ptr_); }

 private:
  void* ptr_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace vigil::gpu
