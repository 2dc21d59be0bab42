// The reference oracle for the differential tests: each scheme's verdict
// computed by calling its library directly (ZIP-215, which no installed
// library implements, by the slow reference in ed25519_ref.hpp).
//
// Written independently of engine/src and kernels/: nothing here calls a
// vigil function (only vigil's Scheme enum and std::span are used, as plain
// types), so a bug in the engine's dispatching, length checks, lax DER parser
// or Ed25519 arithmetic cannot hide by being shared with the oracle.
#pragma once

#include <secp256k1.h>

#include <cstdint>
#include <span>

#include "vigil/verify.hpp"

namespace vigil::difftest {

using Span = std::span<const uint8_t>;

// The verdict of one check:
//   ecdsa          ec_pubkey_parse, ecdsa_signature_parse_der, normalize, ecdsa_verify
//   ecdsa-lows     the same without normalize
//   ecdsa-bitcoin  Bitcoin Core's CPubKey::Verify: ec_pubkey_parse, the lax DER
//                  parser below, normalize, ecdsa_verify
//   schnorr        xonly_pubkey_parse (32-byte key), schnorrsig_verify (64-byte sig)
//   ed25519-strict crypto_sign_verify_detached (32-byte key, 64-byte sig)
//   ed25519        ZIP-215: zip215_reference_verify (differential/ed25519_ref.hpp),
//                  a slow reference written from the ZIP with OpenSSL BIGNUM,
//                  since no library installed here implements ZIP-215
// The ecdsa schemes need a 32-byte digest as the message.
bool oracle_verify(Scheme scheme, Span key, Span msg, Span sig);

// Whether the scheme's library accepts `key` as a public key encoding:
// ec_pubkey_parse, xonly_pubkey_parse, or (both Ed25519 rule sets, which
// decode the key inside verification) a length of 32 bytes.
bool oracle_key_parses(Scheme scheme, Span key);

// Bitcoin Core's lax DER signature parser (ecdsa_signature_parse_der_lax in
// its src/pubkey.cpp), reimplemented from its documented behaviour. Returns
// false only for a structurally unreadable input; *out is then (0, 0). An r or
// s of more than 32 significant bytes, or >= n, gives (0, 0) and true.
bool oracle_parse_der_lax(Span input, secp256k1_ecdsa_signature* out);

// The verification context the oracle uses (libsecp256k1's static context).
const secp256k1_context* oracle_context();

}  // namespace vigil::difftest
