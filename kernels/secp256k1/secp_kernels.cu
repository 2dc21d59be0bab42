// The secp256k1 verification kernel: a thin __global__ wrapper over the
// per-thread math of check.hpp, one thread per check.
#include "gpu/launch_verify.hpp"

namespace vigil::gpu {
namespace {

// Threads per block, fixed: the block's shared memory holds one table of odd
// multiples per thread (512 bytes each, 32 KiB for the block).
constexpr int kSecpThreads = 64;

// Each thread's table is a column of `tables_smem`: word k of it at
// tables_smem[k * blockDim.x + threadIdx.x], so the 32 threads of a warp
// touch 32 consecutive words (32 banks) on every table access.
__global__ void __launch_bounds__(kSecpThreads)
    verify_secp_kernel(const secp::SecpCheck* __restrict__ checks, uint32_t n, const uint8_t* __restrict__ arena,
                       secp::GTables tables, uint8_t* __restrict__ verdicts) {
  __shared__ uint32_t tables_smem[secp::kOddTableWords * kSecpThreads];
  const secp::OddTable scratch{tables_smem + threadIdx.x, blockDim.x};
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    verdicts[i] = secp::verify_secp_check(checks[i], arena, tables, scratch) ? 1 : 0;
  }
}

}  // namespace

cudaError_t secp_launch_shape(VerifyLaunchShape* out) {
  return fixed_block_shape(verify_secp_kernel, kSecpThreads, out);
}

cudaError_t launch_verify_secp(const secp::SecpCheck* checks, uint32_t n, const uint8_t* arena,
                               const secp::GTables& tables, uint8_t* verdicts, const VerifyLaunchShape& shape,
                               cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  verify_secp_kernel<<<verify_grid_blocks(n, shape), shape.threads, 0, stream>>>(checks, n, arena, tables, verdicts);
  return cudaGetLastError();
}

}  // namespace vigil::gpu
