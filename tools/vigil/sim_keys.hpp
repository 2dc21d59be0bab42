// Keys and signatures for the chain simulator and the generated script test
// cases: secp256k1 keys derived from a seed, ECDSA (DER, low S) and BIP340
// signatures with the BIP341 tweaks, made by libsecp256k1 over the signature
// hashes of vigil/sighash.hpp. Deterministic: ECDSA nonces are RFC 6979's,
// BIP340's auxiliary randomness is the caller's.
#pragma once

#include <secp256k1.h>

#include <array>
#include <cstdint>
#include <optional>

#include "vigil/bytes.hpp"

namespace vigil::cli::sim {

class Signer {
 public:
  Signer();
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  struct Key {
    std::array<uint8_t, 32> secret{};
    Bytes compressed;                     // 33-byte public key
    std::array<uint8_t, 32> xonly{};      // its x coordinate (BIP340)
    std::array<uint8_t, 32> output_key{}; // BIP341: the key-path output key (no script tree)
    std::array<uint8_t, 32> tweaked{};    // the secret for the output key
  };
  // Key number `index` of `seed` (SHA-256 of both, retried until valid).
  Key derive(uint64_t seed, uint64_t index) const;
  // DER signature (low S) of `digest`, with `hash_type` appended.
  Bytes ecdsa(const Key& key, const Hash256& digest, uint8_t hash_type) const;
  // BIP340 signature of `digest` by the tweaked output key (64 bytes: SIGHASH_DEFAULT).
  Bytes schnorr_keypath(const Key& key, const Hash256& digest, uint64_t aux) const;
  // BIP340 signature of `digest` by `secret` itself (a tapscript key), 64 bytes.
  Bytes schnorr(const std::array<uint8_t, 32>& secret, const Hash256& digest, uint64_t aux) const;

  // BIP341's output key for internal key `key`: Q = P + hashTapTweak(P || root)G,
  // or hashTapTweak(P) without a script tree; with Q's y parity (the control
  // block's low bit) and the secret that signs for Q on the key path.
  struct TaprootOutput {
    std::array<uint8_t, 32> output_key{};
    bool odd_y = false;
    std::array<uint8_t, 32> secret{};
  };
  TaprootOutput taproot_output(const Key& key, const std::optional<Hash256>& merkle_root) const;

 private:
  secp256k1_context* ctx_;
};

}  // namespace vigil::cli::sim
