// The secp256k1 verification kernel: a thin __global__ wrapper over the
// per-thread math of check.hpp, one thread per check.
#include <algorithm>

#include "gpu/launch_secp.hpp"

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

cudaError_t secp_launch_shape(SecpLaunchShape* out) {
  int min_grid = 0, threads = 0;
  cudaError_t e = cudaOccupancyMaxPotentialBlockSize(&min_grid, &threads, verify_secp_kernel, 0, 0);
  if (e != cudaSuccess) return e;
  out->threads = threads;
  out->resident_blocks = min_grid;  // the grid that fills the device at that block size
  return cudaSuccess;
}

cudaError_t launch_verify_secp(const secp::SecpCheck* checks, uint32_t n, const uint8_t* arena,
                               const secp::GTables& tables, uint8_t* verdicts, const SecpLaunchShape& shape,
                               cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  // One thread per check up to a device-full grid; beyond it, threads stride.
  const uint32_t blocks_needed = (n + shape.threads - 1) / shape.threads;
  const uint32_t blocks = std::min<uint32_t>(blocks_needed, std::max(1, shape.resident_blocks) * 4u);
  verify_secp_kernel<<<blocks, shape.threads, 0, stream>>>(checks, n, arena, tables, verdicts);
  return cudaGetLastError();
}

}  // namespace vigil::gpu
