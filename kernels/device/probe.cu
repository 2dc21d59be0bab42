// GPU discovery: a device counts as usable only once a kernel built into this
// library has run on it, so a driver that is too old or an architecture the
// build does not include is reported here, not at the first real batch.
#include <cuda_runtime.h>

#include <string>

#include "vigil/device.hpp"

namespace vigil {
namespace {

__global__ void self_test_kernel(unsigned* out) { *out = 0x5167u + threadIdx.x; }

std::string cuda_error_text(cudaError_t e) { return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")"; }

// Runs the self-test kernel on `device`; an empty string on success.
std::string self_test(int device) {
  if (cudaError_t e = cudaSetDevice(device); e != cudaSuccess) return "cudaSetDevice: " + cuda_error_text(e);
  unsigned* d = nullptr;
  if (cudaError_t e = cudaMalloc(&d, sizeof(unsigned)); e != cudaSuccess) return "cudaMalloc: " + cuda_error_text(e);
  self_test_kernel<<<1, 1>>>(d);
  cudaError_t e = cudaGetLastError();
  unsigned h = 0;
  if (e == cudaSuccess) e = cudaMemcpy(&h, d, sizeof h, cudaMemcpyDeviceToHost);
  cudaFree(d);
  if (e != cudaSuccess) return "self-test kernel: " + cuda_error_text(e);
  if (h != 0x5167u) return "self-test kernel returned a wrong value";
  return {};
}

}  // namespace

bool built_with_cuda() { return true; }

Status probe_gpus(std::vector<GpuDeviceInfo>* out) {
  out->clear();
  int driver = 0;
  if (cudaDriverGetVersion(&driver) != cudaSuccess || driver == 0)
    return Status::DeviceError("no usable GPU: no NVIDIA driver found (libcuda is not installed or not loadable)");
  int count = 0;
  if (cudaError_t e = cudaGetDeviceCount(&count); e != cudaSuccess)
    return Status::DeviceError("no usable GPU: " + cuda_error_text(e));
  if (count == 0) return Status::DeviceError("no usable GPU: the CUDA runtime found no device");
  std::string failures;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaError_t e = cudaGetDeviceProperties(&prop, i); e != cudaSuccess) {
      failures += "; GPU " + std::to_string(i) + ": " + cuda_error_text(e);
      continue;
    }
    if (std::string err = self_test(i); !err.empty()) {
      failures += "; GPU " + std::to_string(i) + " (" + prop.name + "): " + err;
      continue;
    }
    out->push_back(GpuDeviceInfo{i, prop.name, prop.major, prop.minor, prop.totalGlobalMem, prop.multiProcessorCount});
  }
  if (out->empty()) return Status::DeviceError("no usable GPU" + failures);
  return Status::Ok();
}

}  // namespace vigil
