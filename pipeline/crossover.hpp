// The batch size from which the GPU beats the CPU pool: measured once when a
// Verifier opens a device (VerifierOptions::kMeasureCrossover), since it
// depends on the GPU, the host's cores and the build. Internal.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "vigil/bytes.hpp"

namespace vigil {

// The candidate batch sizes, ascending: 64 .. 16384 in powers of two.
std::span<const size_t> crossover_sizes();

// The smallest n of `sizes` (ascending) for which the GPU is faster than the
// CPU at n and at the next size too (one lucky timing does not decide), each
// side timed as the best of `repeats` calls; SIZE_MAX when the GPU never is.
// The timers return seconds, or a negative value for a failed call (which
// ends the measurement: SIZE_MAX).
size_t find_crossover(std::span<const size_t> sizes, const std::function<double(size_t)>& gpu_seconds,
                      const std::function<double(size_t)>& cpu_seconds, int repeats = 3);

// A valid ECDSA check's parts: compressed key, digest, strict-DER low-S signature.
struct SignedSample {
  Bytes key, digest, der;
};

// n distinct samples from fixed keys and digests, signed with libsecp256k1
// (empty if signing fails, which it does not).
std::vector<SignedSample> sign_ecdsa_samples(size_t n);

}  // namespace vigil
