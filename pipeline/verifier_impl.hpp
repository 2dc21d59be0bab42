// vigil::Verifier's internals, shared with the tests, which build verifiers
// over a substitute device (one that runs the kernel code on the host, or one
// that fails on purpose).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gpu/verify_device.hpp"
#include "vigil/verifier.hpp"

namespace vigil {

// What one GPU-bound verify() call works in, kept between calls: the
// batch's partition by kernel family and the buffers the device reads and
// writes, in the device's host memory (page-locked on a CUDA device), filled
// by the preparation in place. One per device lane.
struct GpuWorkspace {
  explicit GpuWorkspace(gpu::HostAllocator* alloc)
      : secp_wire(alloc), ed_wire(alloc), arena(alloc), verdicts(alloc) {}
  Status reserve(size_t checks, size_t arena_bytes);

  std::vector<uint32_t> secp_idx, ed_idx, cpu_idx;  // batch positions per family
  std::vector<uint64_t> arena_offset;               // message offsets of one device call
  gpu::StagingArray<secp::SecpCheck> secp_wire;
  gpu::StagingArray<ed25519::EdCheck> ed_wire;
  gpu::StagingArray<uint8_t> arena, verdicts;
};

struct Verifier::Impl {
  Impl(const VerifierOptions& options, std::unique_ptr<gpu::VerifyDevice> device, std::string cpu_reason);

  // Takes a free workspace (waiting for one while all are in use); the
  // lease gives it back.
  struct WorkspaceLease {
    Impl* m;
    GpuWorkspace* ws;
    ~WorkspaceLease() { m->release(ws); }
    GpuWorkspace& operator*() const { return *ws; }
  };
  WorkspaceLease acquire();
  void release(GpuWorkspace* ws);

  const VerifierOptions options;
  size_t gpu_min_checks;  // options.gpu_min_checks, or the measured crossover
  std::unique_ptr<gpu::VerifyDevice> device;  // null: CPU only
  std::string cpu_reason;                     // why there is no device, for description()
  CpuVerifier cpu;                            // the CPU path, the fallback, and its pool prepares GPU batches
  mutable std::mutex mu;                      // guards stats
  VerifierStats stats;
  // One workspace per device lane (declared after the device, whose memory
  // they hold, so that they are freed first).
  std::vector<std::unique_ptr<GpuWorkspace>> workspaces;
  std::mutex workspace_mu;
  std::condition_variable workspace_cv;
  std::vector<GpuWorkspace*> free_workspaces;
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
