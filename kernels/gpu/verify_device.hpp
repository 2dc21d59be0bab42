// The GPU side of signature verification, as the dispatch layer
// (pipeline/verifier) sees it: an interface with no CUDA types, so CPU-only
// builds compile against it and tests can substitute a device that runs the
// kernel code on the host or fails on purpose.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "ed25519/check.hpp"
#include "gpu/host_staging.hpp"
#include "secp256k1/check.hpp"
#include "vigil/bytes.hpp"
#include "vigil/status.hpp"

namespace vigil::gpu {

// Calls are thread-safe. Up to lanes() calls run at once, each on its own
// lane (a CUDA stream with its own device workspace), so one call's upload
// and download overlap another's kernel; further calls wait for a free lane.
class VerifyDevice {
 public:
  virtual ~VerifyDevice() = default;
  virtual const std::string& name() const = 0;
  // False after an error that leaves the device unable to run more work.
  virtual bool usable() const = 0;
  virtual unsigned lanes() const { return 1; }
  // Where callers should keep the checks, arena and verdicts they pass:
  // page-locked memory for a CUDA device (the transfers are then DMA that
  // overlap other lanes' kernels; other memory works, but the copy blocks).
  virtual HostAllocator& host_allocator() { return heap_host_allocator(); }
  // Sizes every lane's device workspace for calls of up to `checks` checks
  // of `wire_bytes` each and `arena_bytes` of messages, so that such calls
  // allocate nothing. Optional: calls grow the workspace as needed.
  virtual Status reserve(size_t checks, size_t wire_bytes, size_t arena_bytes) {
    (void)checks, (void)wire_bytes, (void)arena_bytes;
    return Status::Ok();
  }

  // verdicts[i] = 1 if checks[i] verifies, else 0. `arena` holds the Schnorr
  // messages the checks point into. *kernel_seconds (if not null) receives
  // the call's kernel time on the device, transfers excluded (0 where not
  // measured). On an error the verdicts are unspecified: the caller redoes
  // the batch.
  virtual Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                             double* kernel_seconds) = 0;
  // The same for Ed25519 checks (both rule sets); `arena` holds their messages.
  virtual Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena,
                                std::span<uint8_t> verdicts, double* kernel_seconds) = 0;
};

// Opens CUDA device `index` for verification with `lanes` streams (uploads
// the secp256k1 G tables and the Ed25519 B table).
// NotSupported in a CPU-only build, DeviceError when there is no such usable device.
Status open_cuda_verify_device(int index, unsigned lanes, std::unique_ptr<VerifyDevice>* out);

}  // namespace vigil::gpu
