// Checks of a vigil::Verifier against the single-check CPU reference, shared
// by the emulated-device tests and the GPU tests.
#pragma once

#include <cstdint>
#include <vector>

#include "vigil/verifier.hpp"

namespace vigil::test {

// Batches of each size (random mixes of every scheme with a GPU kernel:
// ecdsa, ecdsa-lows, ecdsa-bitcoin, schnorr, ed25519-strict and ed25519;
// valid signatures tiled from a pool), with random checks corrupted
// (one bit flipped in key, message or signature): the failing indices must be
// exactly the corrupted ones. `mixes`, if given, receives each batch's mix:
// how many of its checks are secp256k1 and how many Ed25519 (the GPU calls
// they make).
struct BatchMix {
  size_t secp256k1 = 0, ed25519 = 0;
};
void check_corruptions_found(Verifier& verifier, uint64_t seed, const std::vector<size_t>& sizes,
                             std::vector<BatchMix>* mixes = nullptr);

// The sizes of the GPU calls a batch of that mix makes, in order, with calls
// of at most `per_call` checks: the secp256k1 part's, then the Ed25519 part's.
std::vector<size_t> gpu_call_sizes(const BatchMix& mix, size_t per_call);

// `n` random and hostile checks per scheme from the differential generator
// (all five schemes, shuffled into one batch): every verdict must be the
// oracle's (libsecp256k1 / libsodium called directly).
void check_generated(Verifier& verifier, uint64_t seed, size_t n_per_scheme);

// Pre-parsed keys (parse_public_key) for ecdsa and schnorr checks, and keys
// of the wrong family, in one batch: verdicts equal verify_check's.
void check_parsed_keys(Verifier& verifier, uint64_t seed);

}  // namespace vigil::test
