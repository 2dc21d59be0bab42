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

#define VIGIL_CUDA_TRY(call)                                        \
  do {                                                              \
    if (::vigil::Status s_ = ::vigil::gpu::cuda_status((call), #call); !s_.ok()) return s_; \
  } while (0)

}  // namespace vigil::gpu
