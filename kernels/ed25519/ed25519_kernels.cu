// The Ed25519 verification kernel (both rule sets): a thin __global__
// wrapper over the per-thread math of check.hpp, one thread per check.
#include "gpu/launch_verify.hpp"

namespace vigil::gpu {
namespace {

__global__ void verify_ed25519_kernel(const ed25519::EdCheck* __restrict__ checks, uint32_t n,
                                      const uint8_t* __restrict__ arena, const ed25519::GeNiels* __restrict__ table_b,
                                      uint8_t* __restrict__ verdicts) {
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    verdicts[i] = ed25519::verify_ed_check(checks[i], arena, table_b) ? 1 : 0;
  }
}

}  // namespace

cudaError_t ed25519_launch_shape(VerifyLaunchShape* out) { return occupancy_shape(verify_ed25519_kernel, out); }

cudaError_t launch_verify_ed25519(const ed25519::EdCheck* checks, uint32_t n, const uint8_t* arena,
                                  const ed25519::GeNiels* table_b, uint8_t* verdicts, const VerifyLaunchShape& shape,
                                  cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  verify_ed25519_kernel<<<verify_grid_blocks(n, shape), shape.threads, 0, stream>>>(checks, n, arena, table_b, verdicts);
  return cudaGetLastError();
}

}  // namespace vigil::gpu
