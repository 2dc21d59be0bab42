// The secp256k1 verification kernel: a thin __global__ wrapper over the
// per-thread math of check.hpp, one thread per check.
#include "gpu/launch_verify.hpp"

namespace vigil::gpu {
namespace {

__global__ void verify_secp_kernel(const secp::SecpCheck* __restrict__ checks, uint32_t n,
                                   const uint8_t* __restrict__ arena, secp::GTables tables,
                                   uint8_t* __restrict__ verdicts) {
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    verdicts[i] = secp::verify_secp_check(checks[i], arena, tables) ? 1 : 0;
  }
}

}  // namespace

cudaError_t secp_launch_shape(VerifyLaunchShape* out) { return occupancy_shape(verify_secp_kernel, out); }

cudaError_t launch_verify_secp(const secp::SecpCheck* checks, uint32_t n, const uint8_t* arena,
                               const secp::GTables& tables, uint8_t* verdicts, const VerifyLaunchShape& shape,
                               cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  verify_secp_kernel<<<verify_grid_blocks(n, shape), shape.threads, 0, stream>>>(checks, n, arena, tables, verdicts);
  return cudaGetLastError();
}

}  // namespace vigil::gpu
