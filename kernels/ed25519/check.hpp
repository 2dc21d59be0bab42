// One Ed25519 check as the GPU takes it, and its verdict as per-thread math.
// The CPU side (pipeline/ed25519_prepare) fills these from vigil::Check:
// lengths and the rule set are decided there; decoding, hashing and all the
// curve arithmetic happen here.
#pragma once

#include <cstdint>

#include "ed25519/schemes.hpp"

namespace vigil::ed25519 {

enum class CheckKind : uint8_t {
  kInvalid = 0,  // already decided invalid on the CPU (a key or signature of the wrong length)
  kZip215 = 1,   // the `ed25519` rule set
  kStrict = 2,   // `ed25519-strict`
};

// 112 bytes, 16-byte aligned so a thread loads it with 128-bit accesses.
struct alignas(16) EdCheck {
  CheckKind kind;
  uint8_t reserved[3];
  uint32_t msg_len;     // the message: msg_len bytes at msg_offset of the message arena
  uint64_t msg_offset;
  uint8_t key[32];
  uint8_t sig[64];      // R || S
};
static_assert(sizeof(EdCheck) == 112, "EdCheck is the host/device wire format");

// The verdict of one check. `arena` holds the messages; table_b the base
// point's odd multiples (b_table.hpp).
VIGIL_HD inline bool verify_ed_check(const EdCheck& c, const uint8_t* arena, const GeNiels* table_b) {
  const uint8_t* msg = arena + c.msg_offset;  // not read when msg_len is 0
  switch (c.kind) {
    case CheckKind::kZip215:
      return verify_zip215(c.key, c.sig, msg, c.msg_len, table_b);
    case CheckKind::kStrict:
      return verify_strict(c.key, c.sig, msg, c.msg_len, table_b);
    case CheckKind::kInvalid:
      break;
  }
  return false;
}

}  // namespace vigil::ed25519
