// Ed25519 under ZIP-215 (the `ed25519` scheme) on the CPU, in the radix-2^51
// host arithmetic (ed25519_fe51/ge51/msm): one check, and many at once by a
// random linear combination. Internal.
//
// The rules are those of kernels/ed25519/schemes.hpp (verify_zip215), which
// the GPU runs and the tests hold this code to: S < L; A and R decoded as
// ZIP-215 says (non-canonical y and x = 0 with the sign bit set accepted,
// small order accepted); k = SHA-512(R || A || M) mod L; valid iff
// [8]([S]B - R - [k]A) is the identity.
//
// Batch (ed25519-dalek's and ed25519consensus's method): with a fresh secure
// random 128-bit z_i per signature (libsodium's randombytes_buf), all n are
// valid iff, with overwhelming probability,
//   [8]([sum z_i S_i mod L] B - sum [z_i] R_i - sum [z_i k_i mod L] A_i) = 0,
// one multi-scalar multiplication of 2n + 1 points. Reducing the scalars mod
// L changes each term by a multiple of L A_i, a point of small order, which
// the [8] removes. If every check is valid each [S_i]B - R_i - [k_i]A_i is of
// small order, and so is the sum: the batch always passes. If one is not, the
// sum's prime-order part is a nonzero linear form in the z_i, which a random
// choice zeroes with probability at most 2^-128 (z_i < 2^128 < L); then the
// batch fails and every check is verified on its own, so the verdicts are
// those of the single check (barring that 2^-128 event).
#pragma once

#include <cstdint>
#include <span>

#include "vigil/bytes.hpp"
#include "vigil/verify.hpp"

namespace vigil::cpu {

// One ZIP-215 check. key_ok false: the check had no usable 32-byte key
// (invalid whatever the signature).
struct Zip215Input {
  uint8_t key[32];
  bool key_ok = false;
  ByteView message;
  ByteView signature;  // any length; not 64 bytes is invalid
};

// A check of the `ed25519` scheme as an input: its key resolved as
// verify_check resolves it (the pre-parsed key if any, of the Ed25519 family,
// else the 32 bytes). Defined in schemes.cpp, beside that resolution.
Zip215Input zip215_input_of(const Check& check);

// The verdict of one check. `key32` is 32 bytes.
bool zip215_verify_var(const uint8_t* key32, ByteView message, ByteView signature);

// verdicts[i] = 1 if inputs[i] is valid, else 0 (spans of equal size), by
// the batch equation over groups of at most kZip215MaxBatch, each group that
// fails checked one by one. Uses per-thread workspaces (no allocation once
// warm).
inline constexpr size_t kZip215MaxBatch = 128;
void zip215_verify_batch_var(std::span<const Zip215Input> inputs, std::span<uint8_t> verdicts);

}  // namespace vigil::cpu
