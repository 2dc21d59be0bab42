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
#include "secp256k1/check.hpp"
#include "vigil/bytes.hpp"
#include "vigil/status.hpp"

namespace vigil::gpu {

class VerifyDevice {
 public:
  virtual ~VerifyDevice() = default;
  virtual const std::string& name() const = 0;
  // False after an error that leaves the device unable to run more work.
  virtual bool usable() const = 0;
  // Device time of the last successful call's kernels (transfers excluded),
  // in seconds; 0 where it is not measured.
  virtual double last_kernel_seconds() const { return 0; }

  // verdicts[i] = 1 if checks[i] verifies, else 0. `arena` holds the Schnorr
  // messages the checks point into. On an error the verdicts are unspecified:
  // the caller redoes the batch.
  virtual Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts) = 0;
  // The same for Ed25519 checks (both rule sets); `arena` holds their messages.
  virtual Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena,
                                std::span<uint8_t> verdicts) = 0;
};

// Opens CUDA device `index` for verification (uploads the secp256k1 G tables
// and the Ed25519 B table).
// NotSupported in a CPU-only build, DeviceError when there is no such usable device.
Status open_cuda_verify_device(int index, std::unique_ptr<VerifyDevice>* out);

}  // namespace vigil::gpu
