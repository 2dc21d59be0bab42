// Every CUDA call's error becomes a Status naming the call.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "vigil/status.hpp"

namespace vigil::gpu {

inline Status cuda_status(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return Status::Ok();
  return Status::DeviceError(std::string(what) + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
}

// The name of CUDA device `index`: DeviceError when the runtime finds no
// device, InvalidArgument when there is no such index.
inline Status cuda_device_name(int index, std::string* name) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    cudaGetLastError();
    return Status::DeviceError("no usable GPU: the CUDA runtime found no device");
  }
  if (index < 0 || index >= count)
    return Status::InvalidArgument("GPU " + std::to_string(index) + " does not exist (" + std::to_string(count) +
                                   " found)");
  cudaDeviceProp prop{};
  if (Status s = cuda_status(cudaGetDeviceProperties(&prop, index), "cudaGetDeviceProperties"); !s.ok()) return s;
  *name = prop.name;
  return Status::Ok();
}

#define VIGIL_CUDA_TRY(call)                                        \
  do {                                                              \
    if (::vigil::Status s_ = ::vigil::gpu::cuda_status((call), #call); !s_.ok()) return s_; \
  } while (0)

}  // namespace vigil::gpu
