// Signature and public key encoding rules (Core's CheckSignatureEncoding,
// CheckPubKeyEncoding and the BIP66 DER check). Internal.
#pragma once

#include <cstdint>

#include "vigil/script.hpp"

namespace vigil::script {

// CHECKMULTISIG tells a batching oracle every pairing a signature may meet
// when signatures * (keys - signatures + 1) is at most this (a 2-of-3 asks
// 4 checks ahead, a 1-of-20 twenty); larger multisigs are re-executed in
// rounds when a pairing fails.
inline constexpr int kMultisigPrefetchLimit = 20;

// BIP66's strict DER with the hash-type byte: IsValidSignatureEncoding.
bool is_valid_signature_encoding(ByteView sig);

// CheckSignatureEncoding: DER under DERSIG/LOW_S/STRICTENC, low S under
// LOW_S, a defined hash type under STRICTENC. The empty signature passes.
bool check_signature_encoding(ByteView sig, uint32_t flags, Error* error);
// CheckPubKeyEncoding: compressed or uncompressed under STRICTENC; in
// witness v0 compressed only under WITNESS_PUBKEYTYPE.
bool check_pubkey_encoding(ByteView key, uint32_t flags, SigVersion version, Error* error);

inline bool check_signature_encoding_quiet(ByteView sig, uint32_t flags) {
  Error e;
  return check_signature_encoding(sig, flags, &e);
}
inline bool check_pubkey_encoding_quiet(ByteView key, uint32_t flags, SigVersion version) {
  Error e;
  return check_pubkey_encoding(key, flags, version, &e);
}

}  // namespace vigil::script
