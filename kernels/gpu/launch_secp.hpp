// Launchers of the secp256k1 verification kernel. Device pointers only.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "secp256k1/check.hpp"

namespace vigil::gpu {

// The launch shape the kernel runs best at on the current device: threads
// per block from the occupancy calculator (registers and local memory of this
// build), and how many blocks fill every multiprocessor once.
struct SecpLaunchShape {
  int threads = 0;
  int resident_blocks = 0;  // blocks resident on the whole device at once
};
cudaError_t secp_launch_shape(SecpLaunchShape* out);

// verdicts[i] = verify_secp_check(checks[i], arena, tables) for i < n.
cudaError_t launch_verify_secp(const secp::SecpCheck* checks, uint32_t n, const uint8_t* arena,
                               const secp::GTables& tables, uint8_t* verdicts, const SecpLaunchShape& shape,
                               cudaStream_t stream);

}  // namespace vigil::gpu
