// The Merkle pass kernel: one thread block per subtree (merkle_agent.hpp).
#include "gpu/launch.hpp"

namespace vigil::gpu {
namespace {

// merkle_agent's thread group on the device: each thread runs its own tid.
struct BlockGroup {
  template <class F>
  __device__ void each(F f) { f(threadIdx.x); }
  __device__ void sync() { __syncthreads(); }
  __device__ void flag(uint32_t* p) { atomicOr(p, 1u); }
};

__global__ void __launch_bounds__(merkle::kThreads) merkle_pass_kernel(const merkle::PassTree* __restrict__ trees,
                                                                       uint32_t n_trees,
                                                                       const sha::DigestWords* __restrict__ in,
                                                                       sha::DigestWords* __restrict__ out,
                                                                       uint32_t* mutated) {
  __shared__ merkle::PassShared sh;
  BlockGroup g;
  merkle::pass_block(g, trees, n_trees, blockIdx.x, in, out, mutated, sh);
}

}  // namespace

cudaError_t launch_merkle_pass(const merkle::PassTree* trees, uint32_t n_trees, uint32_t blocks,
                               const sha::DigestWords* in, sha::DigestWords* out, uint32_t* mutated,
                               cudaStream_t stream) {
  if (blocks == 0) return cudaSuccess;
  merkle_pass_kernel<<<blocks, merkle::kThreads, 0, stream>>>(trees, n_trees, in, out, mutated);
  return cudaGetLastError();
}

}  // namespace vigil::gpu
