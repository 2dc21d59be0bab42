// Turns vigil::Checks into the GPU's Ed25519 wire format (EdCheck): the work
// that stays on the CPU is only lengths, the rule set and copying; decoding,
// hashing and the curve arithmetic are the kernel's
// (kernels/ed25519/check.hpp). Internal.
#pragma once

#include <cstdint>

#include "ed25519/check.hpp"
#include "vigil/verify.hpp"

namespace vigil {

// True for the schemes the Ed25519 kernels verify (both rule sets).
bool ed25519_kernel_scheme(Scheme scheme);

// The message-arena bytes an Ed25519 check needs: its message.
inline size_t ed25519_arena_bytes(const Check& check) { return check.message.size(); }

// Fills `out` for a check of an ed25519_kernel_scheme; its message is copied
// to arena[arena_offset ..] (ed25519_arena_bytes(check) bytes reserved there
// by the caller). A check that is invalid whatever the curve says (a key or
// signature of the wrong length, a pre-parsed key of another family) gets
// CheckKind::kInvalid. The message must be shorter than 2^32 bytes (the
// dispatcher keeps longer ones on the CPU). Thread-safe.
void prepare_ed_check(const Check& check, ed25519::EdCheck* out, uint8_t* arena, uint64_t arena_offset);

// The verdict of one check through the kernels' math on this CPU thread:
// prepare_ed_check, then verify_ed_check with the host's table of B.
// For tests and for the emulated device.
bool verify_ed25519_on_host(const Check& check);

}  // namespace vigil
