// vigil::Verifier's internals, shared with the tests, which build verifiers
// over a substitute device (one that runs the kernel code on the host, or one
// that fails on purpose).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gpu/verify_device.hpp"
#include "vigil/verifier.hpp"

namespace vigil {

struct Verifier::Impl {
  Impl(const VerifierOptions& options, std::unique_ptr<gpu::VerifyDevice> device, std::string cpu_reason);

  const VerifierOptions options;
  size_t gpu_min_checks;  // options.gpu_min_checks, or the measured crossover
  std::unique_ptr<gpu::VerifyDevice> device;  // null: CPU only
  std::string cpu_reason;                     // why there is no device, for description()
  CpuVerifier cpu;                            // the CPU path, the fallback, and its pool prepares GPU batches
  mutable std::mutex mu;                      // serializes calls and guards stats
  VerifierStats stats;
  // Workspace of the GPU path, kept between calls.
  std::vector<uint32_t> gpu_index;  // batch position of each GPU check
  std::vector<uint64_t> arena_offset;
  std::vector<secp::SecpCheck> secp_wire;
  std::vector<ed25519::EdCheck> ed_wire;
  std::vector<uint8_t> arena, gpu_verdicts;
};

// Times m.device against m.cpu on ECDSA checks signed for the purpose (1,024
// distinct ones, tiled) at crossover_sizes(): the gpu_min_checks that
// Create sets. Runs before the first batch; the stats are left as they were,
// except that a failed device call (which ends the measurement: SIZE_MAX,
// never the GPU) is counted in gpu_fallbacks.
size_t measure_crossover(Verifier::Impl& m);

// A verifier over `device` (null for the CPU), whatever the machine has.
std::unique_ptr<Verifier> make_verifier(const VerifierOptions& options, std::unique_ptr<gpu::VerifyDevice> device);

}  // namespace vigil
