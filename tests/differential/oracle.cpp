#include "differential/oracle.hpp"

#include "differential/ed25519_ref.hpp"

#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace vigil::difftest {
namespace {

// libsecp256k1 treats a NULL input pointer as an illegal argument (and
// aborts), whatever the length: empty inputs get a valid pointer.
const uint8_t kNothing[1] = {0};
const uint8_t* ptr(Span s) { return s.data() ? s.data() : kNothing; }

void sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}

bool parse_full_key(Span key, secp256k1_pubkey* out) {
  return secp256k1_ec_pubkey_parse(oracle_context(), out, ptr(key), key.size()) == 1;
}

bool ecdsa_oracle(Scheme scheme, Span key, Span msg, Span sig) {
  const secp256k1_context* ctx = oracle_context();
  if (msg.size() != 32) return false;
  secp256k1_pubkey pubkey;
  if (!parse_full_key(key, &pubkey)) return false;
  secp256k1_ecdsa_signature parsed;
  if (scheme == Scheme::kEcdsaBitcoin) {
    if (!oracle_parse_der_lax(sig, &parsed)) return false;
  } else if (secp256k1_ecdsa_signature_parse_der(ctx, &parsed, ptr(sig), sig.size()) != 1) {
    return false;
  }
  if (scheme != Scheme::kEcdsaLowS) secp256k1_ecdsa_signature_normalize(ctx, &parsed, &parsed);
  return secp256k1_ecdsa_verify(ctx, &parsed, msg.data(), &pubkey) == 1;
}

// BIP341's commitment from libsecp256k1 directly: Q (sig's first 32 bytes,
// parity in its last) == P + tG.
bool taproot_commitment_oracle(Span key, Span tweak, Span output) {
  if (key.size() != 32 || tweak.size() != 32 || output.size() != 33 || output[32] > 1) return false;
  secp256k1_xonly_pubkey internal;
  if (secp256k1_xonly_pubkey_parse(oracle_context(), &internal, key.data()) != 1) return false;
  return secp256k1_xonly_pubkey_tweak_add_check(oracle_context(), output.data(), output[32], &internal, tweak.data()) == 1;
}

bool schnorr_oracle(Span key, Span msg, Span sig) {
  if (key.size() != 32 || sig.size() != 64) return false;
  secp256k1_xonly_pubkey xonly;
  if (secp256k1_xonly_pubkey_parse(oracle_context(), &xonly, key.data()) != 1) return false;
  return secp256k1_schnorrsig_verify(oracle_context(), sig.data(), ptr(msg), msg.size(), &xonly) == 1;
}

bool ed25519_oracle(Span key, Span msg, Span sig) {
  if (key.size() != crypto_sign_PUBLICKEYBYTES || sig.size() != crypto_sign_BYTES) return false;
  sodium_ready();
  return crypto_sign_verify_detached(sig.data(), ptr(msg), msg.size(), key.data()) == 0;
}

}  // namespace

const secp256k1_context* oracle_context() { return secp256k1_context_static; }

bool oracle_verify(Scheme scheme, Span key, Span msg, Span sig) {
  switch (scheme) {
    case Scheme::kEcdsa:
    case Scheme::kEcdsaLowS:
    case Scheme::kEcdsaBitcoin:
      return ecdsa_oracle(scheme, key, msg, sig);
    case Scheme::kSchnorr:
      return schnorr_oracle(key, msg, sig);
    case Scheme::kEd25519Strict:
      return ed25519_oracle(key, msg, sig);
    case Scheme::kEd25519:
      return zip215_reference_verify(key, msg, sig);
    case Scheme::kTaprootCommitment:
      return taproot_commitment_oracle(key, msg, sig);
  }
  return false;
}

bool oracle_key_parses(Scheme scheme, Span key) {
  switch (scheme) {
    case Scheme::kEcdsa:
    case Scheme::kEcdsaLowS:
    case Scheme::kEcdsaBitcoin: {
      secp256k1_pubkey pubkey;
      return parse_full_key(key, &pubkey);
    }
    case Scheme::kSchnorr: {
      secp256k1_xonly_pubkey xonly;
      return key.size() == 32 && secp256k1_xonly_pubkey_parse(oracle_context(), &xonly, key.data()) == 1;
    }
    case Scheme::kEd25519Strict:
    case Scheme::kEd25519:
      return key.size() == crypto_sign_PUBLICKEYBYTES;
    case Scheme::kTaprootCommitment: {
      secp256k1_xonly_pubkey xonly;
      return key.size() == 32 && secp256k1_xonly_pubkey_parse(oracle_context(), &xonly, key.data()) == 1;
    }
  }
  return false;
}

// The lax parser, from its description: a SEQUENCE tag, a length that is
// skipped (long form) or ignored (short form), then two INTEGERs whose
// lengths must fit in the input, anything after the second one ignored.
// Written as a scan that records where each integer's value lies, then a
// separate step that turns the two values into a signature.
bool oracle_parse_der_lax(Span input, secp256k1_ecdsa_signature* out) {
  const secp256k1_context* ctx = oracle_context();
  uint8_t compact[64];
  std::memset(compact, 0, sizeof compact);
  secp256k1_ecdsa_signature_parse_compact(ctx, out, compact);  // (0, 0) whatever happens

  const size_t size = input.size();
  const uint8_t* in = input.data();

  // [0] SEQUENCE tag, [1] its length byte.
  if (size < 2 || in[0] != 0x30) return false;
  size_t at = 2;
  if (in[1] >= 0x80) {
    const size_t skip = in[1] & 0x7fu;  // long form: that many length bytes, never read
    if (size - at < skip) return false;
    at += skip;
  }

  size_t value_at[2] = {0, 0}, value_len[2] = {0, 0};
  for (int which = 0; which < 2; ++which) {
    // INTEGER tag and the first length byte.
    if (size - at < 2 || in[at] != 0x02) return false;
    const uint8_t first = in[at + 1];
    at += 2;
    size_t length = first;
    if (first >= 0x80) {
      size_t digits = first & 0x7fu;  // long form: `digits` big-endian length bytes
      if (size - at < digits) return false;
      const size_t digits_end = at + digits;
      size_t significant = at;
      while (significant < digits_end && in[significant] == 0) ++significant;
      if (digits_end - significant > 3) return false;  // a length of 2^24 or more
      length = 0;
      for (size_t k = significant; k < digits_end; ++k) length = (length << 8) | in[k];
      at = digits_end;
    }
    if (size - at < length) return false;
    value_at[which] = at;
    value_len[which] = length;
    at += length;
  }

  // Both values, big-endian and unsigned, right-aligned into 32 bytes each.
  bool representable = true;
  for (int which = 0; which < 2; ++which) {
    size_t b = value_at[which], e = value_at[which] + value_len[which];
    while (b < e && in[b] == 0) ++b;
    if (e - b > 32) {
      representable = false;
      break;
    }
    uint8_t* slot = compact + 32 * which;
    for (size_t k = 0; k < e - b; ++k) slot[32 - (e - b) + k] = in[b + k];
  }
  if (representable && secp256k1_ecdsa_signature_parse_compact(ctx, out, compact) == 1) return true;
  std::memset(compact, 0, sizeof compact);
  secp256k1_ecdsa_signature_parse_compact(ctx, out, compact);  // r or s overflowed: (0, 0)
  return true;
}

}  // namespace vigil::difftest
