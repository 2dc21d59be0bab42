// Launchers of the signature verification kernels. Device pointers only.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "ed25519/check.hpp"
#include "secp256k1/check.hpp"

namespace vigil::gpu {

// The launch shape a kernel runs best at on the current device: threads per
// block from the occupancy calculator (registers and local memory of this
// build), and how many blocks fill every multiprocessor once.
struct VerifyLaunchShape {
  int threads = 0;
  int resident_blocks = 0;  // blocks resident on the whole device at once
};
cudaError_t secp_launch_shape(VerifyLaunchShape* out);
cudaError_t ed25519_launch_shape(VerifyLaunchShape* out);

// The shape of one kernel, from the occupancy calculator.
template <class Kernel>
inline cudaError_t occupancy_shape(Kernel kernel, VerifyLaunchShape* out) {
  int min_grid = 0, threads = 0;
  const cudaError_t e = cudaOccupancyMaxPotentialBlockSize(&min_grid, &threads, kernel, 0, 0);
  if (e != cudaSuccess) return e;
  out->threads = threads;
  out->resident_blocks = min_grid;  // the grid that fills the device at that block size
  return cudaSuccess;
}

// The shape of a kernel that must run at a fixed block size (one that sizes
// a static shared-memory array by it): `threads` per block, and as many
// blocks as the occupancy calculator fits on each multiprocessor.
template <class Kernel>
inline cudaError_t fixed_block_shape(Kernel kernel, int threads, VerifyLaunchShape* out) {
  int device = 0, sms = 0, per_sm = 0;
  cudaError_t e = cudaGetDevice(&device);
  if (e == cudaSuccess) e = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  if (e == cudaSuccess) e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, threads, 0);
  if (e != cudaSuccess) return e;
  out->threads = threads;
  out->resident_blocks = sms * per_sm;
  return cudaSuccess;
}

// The grid for n one-thread items: one thread per item up to a device-full
// grid (four waves); beyond it, threads stride.
inline uint32_t verify_grid_blocks(uint32_t n, const VerifyLaunchShape& shape) {
  const uint32_t needed = (n + shape.threads - 1) / shape.threads;
  const uint32_t full = static_cast<uint32_t>(shape.resident_blocks > 0 ? shape.resident_blocks : 1) * 4u;
  return needed < full ? needed : full;
}

// verdicts[i] = verify_secp_check(checks[i], arena, tables) for i < n.
cudaError_t launch_verify_secp(const secp::SecpCheck* checks, uint32_t n, const uint8_t* arena,
                               const secp::GTables& tables, uint8_t* verdicts, const VerifyLaunchShape& shape,
                               cudaStream_t stream);

// verdicts[i] = verify_ed_check(checks[i], arena, table_b) for i < n.
cudaError_t launch_verify_ed25519(const ed25519::EdCheck* checks, uint32_t n, const uint8_t* arena,
                                  const ed25519::GeNiels* table_b, uint8_t* verdicts, const VerifyLaunchShape& shape,
                                  cudaStream_t stream);

}  // namespace vigil::gpu
