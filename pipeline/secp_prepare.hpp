// Turns vigil::Checks into the GPU's secp256k1 wire format (SecpCheck): the
// work that stays on the CPU. Internal.
//
// What is decided here, with libsecp256k1's own parsers so that nothing can
// drift from the reference: the ECDSA DER encoding (strict, or Bitcoin's lax
// rules) into r and s, lengths, and pre-parsed keys (serialized back to
// bytes). Everything else -- key parsing and decompression, the challenge
// hash, the curve arithmetic -- is the kernel's (kernels/secp256k1/check.hpp).
#pragma once

#include <cstdint>
#include <vector>

#include "secp256k1/check.hpp"
#include "vigil/verify.hpp"

namespace vigil {

// True for the schemes the secp256k1 kernels verify.
bool secp_kernel_scheme(Scheme scheme);

// The message-arena bytes check needs: its message for a Schnorr check, else 0.
inline size_t secp_arena_bytes(const Check& check) {
  return check.scheme == Scheme::kSchnorr ? check.message.size() : 0;
}

// Fills `out` for a check of a secp_kernel_scheme. A Schnorr message is
// copied to arena[arena_offset ..] (secp_arena_bytes(check) bytes reserved
// there by the caller) and out->msg_offset points at it. A check that is
// invalid whatever the curve says (a bad length or DER encoding, a pre-parsed
// key of another family) gets CheckKind::kInvalid. Thread-safe.
void prepare_secp_check(const Check& check, secp::SecpCheck* out, uint8_t* arena, uint64_t arena_offset);

// The verdict of one check through the kernels' math on this CPU thread:
// prepare_secp_check, then verify_secp_check with the host's G tables.
// For tests and for the emulated device.
bool verify_secp_on_host(const Check& check);

}  // namespace vigil
