// Batched signature verification on the GPU when one is usable and the batch
// is large enough, and on all CPU cores otherwise. Verdicts are identical
// either way: the GPU kernels implement the rules of each scheme's reference
// (libsecp256k1, libsodium, ZIP-215) and are tested against it. A GPU call that fails (launch failure, out of memory, a lost
// device) is redone on the CPU and counted; a GPU fault never becomes an
// "invalid" verdict.
//
// What runs where: every scheme has a GPU kernel -- ecdsa, ecdsa-lows,
// ecdsa-bitcoin and schnorr (DER parsing stays on the CPU), ed25519 and
// ed25519-strict. Each family's checks go to the device in their own calls.
// A check whose message is 2^32 bytes or longer stays on the CPU.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "vigil/backend.hpp"
#include "vigil/status.hpp"
#include "vigil/verify.hpp"

namespace vigil {

struct VerifierOptions {
  // kAuto: the GPU when one opens, else the CPU. kGpu: Create fails
  // (DeviceError / NotSupported) without a usable GPU. kCpu: never the GPU.
  Backend backend = Backend::kAuto;
  // CUDA device index; -1 (default): every usable GPU, sharing each batch.
  int gpu_device = -1;
  unsigned cpu_threads = 0;  // threads of the CPU path and the fallback; 0: all hardware threads
  // Batches with fewer GPU-capable checks than this are verified on the CPU
  // even when a GPU is in use (transfers and launch cost more than they
  // save). kMeasureCrossover (the default): Create measures it on the device
  // it opens -- the smallest batch of 64 .. 16384 ECDSA checks that the GPU
  // verifies faster than the CPU pool, taking well under a second -- and
  // gpu_min_checks() reports it; under fault injection (below) it is 0. 0
  // sends every GPU-capable check to the GPU.
  static constexpr size_t kMeasureCrossover = ~size_t{0};
  size_t gpu_min_checks = kMeasureCrossover;
  // The most checks per GPU call (192 bytes each on the device for
  // secp256k1, 112 for Ed25519, plus the messages); larger batches are cut
  // into calls of this size.
  size_t gpu_max_checks = size_t{1} << 20;
  // CUDA streams per GPU, each with its own device workspace and page-locked
  // host buffers: that many verify() calls use the GPU at once, one's
  // uploads and downloads overlapping another's kernels. Must be >= 1.
  unsigned gpu_streams = 3;
  // Fault injection, to test how a node copes with a failing or slow GPU --
  // on any machine, with "device=emulated" (the kernels' code run on the
  // host stands in for the GPU). Comma-separated items: device=emulated,
  // devices=N (N emulated GPUs), fail_from=N (device calls N, N+1, ... fail;
  // of the first GPU when there are several), fail_count=K, sticky (the
  // device is unusable after its first fault), delay_ms=D, at=before|after|
  // alloc (fail before the device runs, once it has run, or in allocating
  // the page-locked buffers). Empty (default): the environment variable
  // VIGIL_FAULT_INJECT if set, else none. Verdicts stay right whatever is
  // injected: failed calls are redone on the CPU.
  std::string fault_injection;
};

struct VerifierStats {
  uint64_t gpu_calls = 0;      // GPU calls that succeeded
  uint64_t gpu_checks = 0;     // checks those calls verified
  uint64_t cpu_checks = 0;     // checks verified on the CPU, fallbacks included
  uint64_t gpu_fallbacks = 0;  // GPU calls that failed and were redone on the CPU
  std::string last_gpu_error;  // why the most recent of those failed
  double gpu_kernel_seconds = 0;  // kernel time of the successful GPU calls (transfers excluded)
};

// Safe to call from several threads. Calls run concurrently: up to
// gpu_lanes() of them on the GPU at once (each with its own stream and
// workspace; more wait for one), and the CPU work of concurrent calls shares
// one worker pool, whose loops run one after another.
class Verifier {
 public:
  struct Impl;

  static Status Create(const VerifierOptions& options, std::unique_ptr<Verifier>* out);
  explicit Verifier(std::unique_ptr<Impl> impl);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  bool on_gpu() const;  // whether large batches go to the GPU now
  // "gpu (NVIDIA H100 80GB HBM3)", "cpu", "cpu (auto: no usable GPU: ...)".
  std::string description() const;
  VerifierStats stats() const;
  unsigned cpu_threads() const;
  // The batch size from which checks go to the GPU (the measured crossover
  // when options.gpu_min_checks was kMeasureCrossover; SIZE_MAX: the GPU was
  // never faster, so it is not used).
  size_t gpu_min_checks() const;
  // How many calls can use the GPU at once: VerifierOptions::gpu_streams
  // with a GPU, 1 without (the CPU pool runs one loop at a time anyway).
  unsigned gpu_lanes() const;
  // Sizes the GPU path's workspaces (page-locked host buffers and device
  // memory, for every lane) for batches of up to `checks` checks with 32-byte
  // messages now, so that such batches allocate nothing later. A no-op
  // without a GPU. DeviceError if the memory cannot be had.
  Status reserve(size_t checks);

  // verdicts[i] = 1 if checks[i] is valid, 0 if not: the verdict of
  // verify_check(checks[i]). InvalidArgument, with nothing written, if the
  // sizes differ.
  Status verify(std::span<const Check> checks, std::span<uint8_t> verdicts);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
