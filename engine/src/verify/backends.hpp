// The CPU verification backends, one per library. Internal.
//
// Each function takes already length-checked inputs where the contract says
// so; verify_check() in schemes.cpp does the dispatching and length checks.
#pragma once

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <cstddef>
#include <cstdint>

#include "vigil/verify.hpp"

namespace vigil::cpu {

// --- secp256k1 (libsecp256k1) ---------------------------------------------

// The shared verification context. libsecp256k1's verification needs no
// precomputed signing tables, so the static context serves every thread.
const secp256k1_context* secp_context();

// secp256k1_ec_pubkey_parse: 33-byte compressed, 65-byte uncompressed/hybrid.
bool parse_ecdsa_key(ByteView encoded, secp256k1_pubkey* out);
// secp256k1_xonly_pubkey_parse: 32 bytes, x < p, on the curve.
bool parse_xonly_key(ByteView encoded, secp256k1_xonly_pubkey* out);

// ECDSA under one of the three rule sets. `digest32` is 32 bytes.
bool ecdsa_verify(Scheme rules, const secp256k1_pubkey& key, const uint8_t* digest32, ByteView der_signature);
// BIP340. `signature` of any length (not 64 is invalid).
bool schnorr_verify(const secp256k1_xonly_pubkey& key, ByteView message, ByteView signature);
// BIP341's commitment: `output` is Q's 32 x-only bytes and its parity byte
// (any other length, or a parity byte other than 0 or 1, is invalid);
// true when Q == internal + tweak32 * G. `tweak32` is 32 bytes.
bool taproot_commitment_verify(const secp256k1_xonly_pubkey& internal, const uint8_t* tweak32, ByteView output);

// Bitcoin Core's lax DER parser (the semantics of its ecdsa_signature_parse_der_lax):
// accepts negative integers, excess padding, overlong length descriptors and
// garbage after the signature. Returns false only for input it cannot read at
// all; an r or s that overflows 32 bytes or is >= n parses as the invalid
// signature (0, 0), as in Bitcoin Core.
bool parse_der_lax(ByteView input, secp256k1_ecdsa_signature* out);

// --- Ed25519 (libsodium; ZIP-215 in ed25519_zip215.hpp) -------------------

// Calls sodium_init() once; safe from any thread.
void ensure_sodium();
// crypto_sign_verify_detached. `key32` is 32 bytes.
bool ed25519_strict_verify(const uint8_t* key32, ByteView message, ByteView signature);

}  // namespace vigil::cpu
