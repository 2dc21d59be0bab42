#include "ed25519_prepare.hpp"

#include <cstring>
#include <vector>

#include "ed25519/b_table.hpp"

namespace vigil {

bool ed25519_kernel_scheme(Scheme scheme) { return scheme == Scheme::kEd25519 || scheme == Scheme::kEd25519Strict; }

void prepare_ed_check(const Check& check, ed25519::EdCheck* out, uint8_t* arena, uint64_t arena_offset) {
  std::memset(out, 0, sizeof *out);  // CheckKind::kInvalid
  if (!ed25519_kernel_scheme(check.scheme) || check.signature.size() != 64 || check.message.size() > UINT32_MAX) return;
  if (check.parsed_key) {
    if (check.parsed_key->family != ParsedPublicKey::Family::kEd25519) return;
    std::memcpy(out->key, check.parsed_key->data, 32);
  } else {
    if (check.public_key.size() != 32) return;
    std::memcpy(out->key, check.public_key.data(), 32);
  }
  std::memcpy(out->sig, check.signature.data(), 64);
  out->msg_offset = arena_offset;
  out->msg_len = static_cast<uint32_t>(check.message.size());
  if (!check.message.empty()) std::memcpy(arena + arena_offset, check.message.data(), check.message.size());
  out->kind = check.scheme == Scheme::kEd25519 ? ed25519::CheckKind::kZip215 : ed25519::CheckKind::kStrict;
}

bool verify_ed25519_on_host(const Check& check) {
  std::vector<uint8_t> arena(ed25519_arena_bytes(check));
  ed25519::EdCheck c;
  prepare_ed_check(check, &c, arena.data(), 0);
  return ed25519::verify_ed_check(c, arena.data(), ed25519::host_b_table().data());
}

}  // namespace vigil
