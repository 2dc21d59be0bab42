#include "secp_prepare.hpp"

#include <cstring>

#include "secp256k1/g_tables.hpp"
#include "verify/backends.hpp"

namespace vigil {

bool secp_kernel_scheme(Scheme scheme) {
  return scheme == Scheme::kEcdsa || scheme == Scheme::kEcdsaLowS || scheme == Scheme::kEcdsaBitcoin ||
         scheme == Scheme::kSchnorr;
}

namespace {

// r || s of a DER signature under the scheme's rules, as libsecp256k1 parses
// it (an r or s that overflows parses as zero, which the kernel rejects).
bool parse_der_rs(Scheme scheme, ByteView der, uint8_t rs[64]) {
  const secp256k1_context* ctx = cpu::secp_context();
  secp256k1_ecdsa_signature sig;
  if (scheme == Scheme::kEcdsaBitcoin) {
    if (!cpu::parse_der_lax(der, &sig)) return false;
  } else if (der.empty() || !secp256k1_ecdsa_signature_parse_der(ctx, &sig, der.data(), der.size())) {
    return false;
  }
  return secp256k1_ecdsa_signature_serialize_compact(ctx, rs, &sig) == 1;
}

bool prepare_ecdsa(const Check& check, secp::SecpCheck* out) {
  if (check.message.size() != 32) return false;
  if (check.parsed_key) {
    if (check.parsed_key->family != ParsedPublicKey::Family::kSecp256k1Ecdsa) return false;
    size_t len = 65;
    secp256k1_ec_pubkey_serialize(cpu::secp_context(), out->key, &len,
                                  reinterpret_cast<const secp256k1_pubkey*>(check.parsed_key->data),
                                  SECP256K1_EC_UNCOMPRESSED);
    out->key_len = static_cast<uint8_t>(len);
  } else {
    if (check.public_key.size() != 33 && check.public_key.size() != 65) return false;
    std::memcpy(out->key, check.public_key.data(), check.public_key.size());
    out->key_len = static_cast<uint8_t>(check.public_key.size());
  }
  if (!parse_der_rs(check.scheme, check.signature, out->sig)) return false;
  std::memcpy(out->digest, check.message.data(), 32);
  out->kind = check.scheme == Scheme::kEcdsaLowS ? secp::CheckKind::kEcdsaLowS : secp::CheckKind::kEcdsa;
  return true;
}

bool prepare_schnorr(const Check& check, secp::SecpCheck* out, uint8_t* arena, uint64_t arena_offset) {
  if (check.signature.size() != 64) return false;
  if (check.parsed_key) {
    if (check.parsed_key->family != ParsedPublicKey::Family::kSecp256k1XOnly) return false;
    secp256k1_xonly_pubkey_serialize(cpu::secp_context(), out->key,
                                     reinterpret_cast<const secp256k1_xonly_pubkey*>(check.parsed_key->data));
  } else {
    if (check.public_key.size() != 32) return false;
    std::memcpy(out->key, check.public_key.data(), 32);
  }
  out->key_len = 32;
  if (check.message.size() > UINT32_MAX) return false;
  std::memcpy(out->sig, check.signature.data(), 64);
  out->msg_offset = arena_offset;
  out->msg_len = static_cast<uint32_t>(check.message.size());
  if (!check.message.empty()) std::memcpy(arena + arena_offset, check.message.data(), check.message.size());
  out->kind = secp::CheckKind::kSchnorr;
  return true;
}

}  // namespace

void prepare_secp_check(const Check& check, secp::SecpCheck* out, uint8_t* arena, uint64_t arena_offset) {
  std::memset(out, 0, sizeof *out);
  bool ok = false;
  if (check.scheme == Scheme::kSchnorr) {
    ok = prepare_schnorr(check, out, arena, arena_offset);
  } else if (secp_kernel_scheme(check.scheme)) {
    ok = prepare_ecdsa(check, out);
  }
  if (!ok) std::memset(out, 0, sizeof *out);  // CheckKind::kInvalid
}

bool verify_secp_on_host(const Check& check) {
  std::vector<uint8_t> arena(secp_arena_bytes(check));
  secp::SecpCheck c;
  prepare_secp_check(check, &c, arena.data(), 0);
  return secp::verify_secp_check(c, arena.data(), secp::host_g_tables().view());
}

}  // namespace vigil
