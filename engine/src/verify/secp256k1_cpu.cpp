#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "verify/backends.hpp"

namespace vigil::cpu {

const secp256k1_context* secp_context() {
  static const secp256k1_context* ctx = [] {
    secp256k1_selftest();  // aborts on a miscompiled library
    return secp256k1_context_static;
  }();
  return ctx;
}

// libsecp256k1 treats a null input pointer as an illegal argument and aborts
// (through the static context's callback), even with length 0; an empty view
// may well have a null data pointer. So empty inputs are rejected here first.

bool parse_ecdsa_key(ByteView encoded, secp256k1_pubkey* out) {
  if (encoded.empty()) return false;
  return secp256k1_ec_pubkey_parse(secp_context(), out, encoded.data(), encoded.size()) == 1;
}

bool parse_xonly_key(ByteView encoded, secp256k1_xonly_pubkey* out) {
  return encoded.size() == 32 && secp256k1_xonly_pubkey_parse(secp_context(), out, encoded.data()) == 1;
}

bool ecdsa_verify(Scheme rules, const secp256k1_pubkey& key, const uint8_t* digest32, ByteView der_signature) {
  const secp256k1_context* ctx = secp_context();
  secp256k1_ecdsa_signature sig;
  if (rules == Scheme::kEcdsaBitcoin) {
    if (!parse_der_lax(der_signature, &sig)) return false;
  } else if (der_signature.empty() || !secp256k1_ecdsa_signature_parse_der(ctx, &sig, der_signature.data(), der_signature.size())) {
    return false;
  }
  // secp256k1_ecdsa_verify rejects high S; the X9.62 and Bitcoin rule sets
  // accept either S, so they verify the normalized (low) twin instead.
  if (rules != Scheme::kEcdsaLowS) secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
  return secp256k1_ecdsa_verify(ctx, &sig, digest32, &key) == 1;
}

bool schnorr_verify(const secp256k1_xonly_pubkey& key, ByteView message, ByteView signature) {
  if (signature.size() != 64) return false;
  return secp256k1_schnorrsig_verify(secp_context(), signature.data(), message.data(), message.size(), &key) == 1;
}

bool taproot_commitment_verify(const secp256k1_xonly_pubkey& internal, const uint8_t* tweak32, ByteView output) {
  if (output.size() != 33 || output[32] > 1) return false;
  return secp256k1_xonly_pubkey_tweak_add_check(secp_context(), output.data(), output[32], &internal, tweak32) == 1;
}

}  // namespace vigil::cpu
