// One secp256k1 check as the GPU takes it, and its verdict as per-thread
// math. The CPU side (pipeline/secp_batch) fills these from vigil::Check:
// it parses DER (strict or Bitcoin's lax rules) into r and s and resolves
// pre-parsed keys to bytes; key parsing, decompression, hashing and all the
// curve arithmetic happen here.
#pragma once

#include <cstdint>

#include "secp256k1/schemes.hpp"

namespace vigil::secp {

enum class CheckKind : uint8_t {
  kInvalid = 0,    // already decided invalid on the CPU (bad length, bad DER, ...)
  kEcdsa = 1,      // any s
  kEcdsaLowS = 2,  // s above n/2 rejected
  kSchnorr = 3,
};

// 192 bytes, 16-byte aligned so a thread loads it with 128-bit accesses.
struct alignas(16) SecpCheck {
  CheckKind kind;
  uint8_t key_len;     // ecdsa: 33 or 65; schnorr: 32
  uint8_t reserved[2];
  uint32_t msg_len;    // schnorr: message bytes at msg_offset of the message arena
  uint64_t msg_offset;
  uint8_t sig[64];     // ecdsa: r || s (32-byte big-endian each); schnorr: the signature
  uint8_t digest[32];  // ecdsa: the message digest
  uint8_t key[65];
  uint8_t pad[15];
};
static_assert(sizeof(SecpCheck) == 192, "SecpCheck is the host/device wire format");

// The verdict of one check. `arena` holds Schnorr messages; `scratch` is
// the space for the key's table of odd multiples (ecmult). Both schemes
// meet at one ecmult call, so the GPU code holds one copy of it.
VIGIL_HD VIGIL_FORCE_INLINE bool verify_secp_check(const SecpCheck& c, const uint8_t* arena, const GTables& tables,
                                                   const OddTable& scratch) {
  Ge key;
  EcmultInput in;
  bool ok = false;
  switch (c.kind) {
    case CheckKind::kEcdsa:
    case CheckKind::kEcdsaLowS:
      ok = pubkey_parse(key, c.key, c.key_len) &&
           ecdsa_prepare(in, c.sig, c.sig + 32, c.digest, c.kind == CheckKind::kEcdsaLowS, scratch);
      break;
    case CheckKind::kSchnorr: {
      sha::ContiguousReader msg{arena + c.msg_offset};  // not read when msg_len is 0
      ok = c.key_len == 32 && xonly_parse(key, c.key) && schnorr_prepare(in, c.key, c.sig, msg, c.msg_len);
      break;
    }
    case CheckKind::kInvalid:
      break;
  }
  if (!ok) return false;
  const Gej r = ecmult(key, in.na, in.ng, tables, scratch);
  return c.kind == CheckKind::kSchnorr ? schnorr_finish(r, c.sig) : ecdsa_finish(r, c.sig);
}

// The verdict with the table in a local array (the host's form).
VIGIL_HD inline bool verify_secp_check(const SecpCheck& c, const uint8_t* arena, const GTables& tables) {
  uint32_t words[kOddTableWords];
  return verify_secp_check(c, arena, tables, OddTable{words, 1});
}

}  // namespace vigil::secp
