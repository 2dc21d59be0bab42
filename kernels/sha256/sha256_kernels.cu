// Batch SHA-256 kernels: thin __global__ wrappers over the per-thread math of
// sha256_core.hpp, one thread per message (or per Merkle node).
#include "gpu/launch.hpp"

namespace vigil::gpu {
namespace {

constexpr int kMessageThreads = 128;

__device__ inline void store_digest(const sha::DigestWords& d, bool bytes_out, sha::DigestWords* dst) {
  sha::DigestWords v = d;
  if (bytes_out) {
VIGIL_UNROLL
    for (int i = 0; i < 8; ++i) v.w[i] = sha::bswap32(v.w[i]);
  }
  *dst = v;
}

// One thread per message: gathered messages walk their slices; contiguous
// ones (one slice each) read straight through.
template <bool kContiguous>
__global__ void __launch_bounds__(kMessageThreads) hash_messages_kernel(
    const uint8_t* __restrict__ base, const sha::Slice* __restrict__ slices,
    const MessageRef* __restrict__ messages, uint32_t n, sha::Mode mode, sha::Midstate prefix, bool bytes_out,
    sha::DigestWords* __restrict__ out) {
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    const MessageRef m = messages[i];
    sha::DigestWords d;
    if constexpr (kContiguous) {
      sha::ContiguousReader r{base + slices[m.first_slice].offset};
      d = sha::digest(r, m.length, mode, prefix);
    } else {
      sha::GatherReader r(base, slices + m.first_slice);
      d = sha::digest(r, m.length, mode, prefix);
    }
    store_digest(d, bytes_out, out + m.out_index);
  }
}

// 64-byte messages: Merkle nodes, in and out as digest bytes.
__global__ void __launch_bounds__(kMessageThreads) hash_nodes_kernel(const uint4* __restrict__ in,
                                                                      uint4* __restrict__ out, uint64_t n_pairs) {
  for (uint64_t i = blockIdx.x * uint64_t{blockDim.x} + threadIdx.x; i < n_pairs;
       i += uint64_t{gridDim.x} * blockDim.x) {
    sha::DigestWords l, r;
    const uint4* src = in + 4 * i;
    uint4 q0 = src[0], q1 = src[1], q2 = src[2], q3 = src[3];  // four loads in flight
    l.w[0] = sha::bswap32(q0.x); l.w[1] = sha::bswap32(q0.y); l.w[2] = sha::bswap32(q0.z); l.w[3] = sha::bswap32(q0.w);
    l.w[4] = sha::bswap32(q1.x); l.w[5] = sha::bswap32(q1.y); l.w[6] = sha::bswap32(q1.z); l.w[7] = sha::bswap32(q1.w);
    r.w[0] = sha::bswap32(q2.x); r.w[1] = sha::bswap32(q2.y); r.w[2] = sha::bswap32(q2.z); r.w[3] = sha::bswap32(q2.w);
    r.w[4] = sha::bswap32(q3.x); r.w[5] = sha::bswap32(q3.y); r.w[6] = sha::bswap32(q3.z); r.w[7] = sha::bswap32(q3.w);
    sha::DigestWords d = sha::hash_node(l, r);
    out[2 * i] = make_uint4(sha::bswap32(d.w[0]), sha::bswap32(d.w[1]), sha::bswap32(d.w[2]), sha::bswap32(d.w[3]));
    out[2 * i + 1] = make_uint4(sha::bswap32(d.w[4]), sha::bswap32(d.w[5]), sha::bswap32(d.w[6]), sha::bswap32(d.w[7]));
  }
}

__global__ void swap_words_kernel(uint32_t* words, uint64_t n) {
  for (uint64_t i = blockIdx.x * uint64_t{blockDim.x} + threadIdx.x; i < n; i += uint64_t{gridDim.x} * blockDim.x)
    words[i] = sha::bswap32(words[i]);
}

// Enough blocks to cover `n` items, capped (grid-stride loops do the rest).
unsigned grid_for(uint64_t n, int threads) {
  uint64_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned>(blocks < 65535 * 16 ? (blocks ? blocks : 1) : 65535 * 16);
}

}  // namespace

cudaError_t launch_hash_messages(const uint8_t* base, const sha::Slice* slices, const MessageRef* messages,
                                 uint32_t n, sha::Mode mode, const sha::Midstate& prefix, bool contiguous,
                                 bool bytes_out, sha::DigestWords* out, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  unsigned grid = grid_for(n, kMessageThreads);
  if (contiguous) {
    hash_messages_kernel<true><<<grid, kMessageThreads, 0, stream>>>(base, slices, messages, n, mode, prefix,
                                                                      bytes_out, out);
  } else {
    hash_messages_kernel<false><<<grid, kMessageThreads, 0, stream>>>(base, slices, messages, n, mode, prefix,
                                                                       bytes_out, out);
  }
  return cudaGetLastError();
}

cudaError_t launch_hash_nodes(const uint8_t* in, uint8_t* out, uint64_t n_pairs, cudaStream_t stream) {
  if (n_pairs == 0) return cudaSuccess;
  hash_nodes_kernel<<<grid_for(n_pairs, kMessageThreads), kMessageThreads, 0, stream>>>(
      reinterpret_cast<const uint4*>(in), reinterpret_cast<uint4*>(out), n_pairs);
  return cudaGetLastError();
}

cudaError_t launch_swap_words(uint32_t* words, uint64_t n, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  swap_words_kernel<<<grid_for(n, 256), 256, 0, stream>>>(words, n);
  return cudaGetLastError();
}

}  // namespace vigil::gpu
