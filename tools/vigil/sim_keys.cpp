#include "sim_keys.hpp"

#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <cstring>
#include <stdexcept>

#include "vigil/hash.hpp"
#include "vigil/sighash.hpp"

namespace vigil::cli::sim {

Signer::Signer() : ctx_(secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY)) {}
Signer::~Signer() { secp256k1_context_destroy(ctx_); }

Signer::Key Signer::derive(uint64_t seed, uint64_t index) const {
  Key k;
  uint8_t material[24];
  for (uint64_t attempt = 0;; ++attempt) {
    for (int i = 0; i < 8; ++i) {
      material[i] = static_cast<uint8_t>(seed >> (8 * i));
      material[8 + i] = static_cast<uint8_t>(index >> (8 * i));
      material[16 + i] = static_cast<uint8_t>(attempt >> (8 * i));
    }
    const Hash256 h = sha256(ByteView(material, sizeof material));
    std::memcpy(k.secret.data(), h.bytes.data(), 32);
    if (secp256k1_ec_seckey_verify(ctx_, k.secret.data())) break;
  }
  secp256k1_pubkey pub;
  if (!secp256k1_ec_pubkey_create(ctx_, &pub, k.secret.data())) throw std::runtime_error("pubkey_create");
  k.compressed.resize(33);
  size_t len = 33;
  secp256k1_ec_pubkey_serialize(ctx_, k.compressed.data(), &len, &pub, SECP256K1_EC_COMPRESSED);
  secp256k1_keypair pair;
  secp256k1_xonly_pubkey x;
  if (!secp256k1_keypair_create(ctx_, &pair, k.secret.data()) || !secp256k1_keypair_xonly_pub(ctx_, &x, nullptr, &pair))
    throw std::runtime_error("keypair");
  secp256k1_xonly_pubkey_serialize(ctx_, k.xonly.data(), &x);
  // BIP341 without a script tree: t = hashTapTweak(P), Q = P + tG.
  const TaprootOutput out = taproot_output(k, std::nullopt);
  k.output_key = out.output_key;
  k.tweaked = out.secret;
  return k;
}

Signer::TaprootOutput Signer::taproot_output(const Key& key, const std::optional<Hash256>& merkle_root) const {
  secp256k1_keypair pair;
  if (!secp256k1_keypair_create(ctx_, &pair, key.secret.data())) throw std::runtime_error("keypair");
  Bytes msg(key.xonly.begin(), key.xonly.end());
  if (merkle_root) msg.insert(msg.end(), merkle_root->bytes.begin(), merkle_root->bytes.end());
  const Hash256 tweak = tagged_hash("TapTweak", msg);
  if (!secp256k1_keypair_xonly_tweak_add(ctx_, &pair, tweak.bytes.data())) throw std::runtime_error("tweak");
  TaprootOutput out;
  secp256k1_xonly_pubkey q;
  int parity = 0;
  secp256k1_keypair_xonly_pub(ctx_, &q, &parity, &pair);
  secp256k1_xonly_pubkey_serialize(ctx_, out.output_key.data(), &q);
  out.odd_y = parity != 0;
  secp256k1_keypair_sec(ctx_, out.secret.data(), &pair);
  return out;
}

Bytes Signer::ecdsa(const Key& key, const Hash256& digest, uint8_t hash_type) const {
  secp256k1_ecdsa_signature sig;
  if (!secp256k1_ecdsa_sign(ctx_, &sig, digest.bytes.data(), key.secret.data(), nullptr, nullptr))
    throw std::runtime_error("ecdsa_sign");
  Bytes der(72);
  size_t len = der.size();
  secp256k1_ecdsa_signature_serialize_der(ctx_, der.data(), &len, &sig);
  der.resize(len);
  der.push_back(hash_type);
  return der;
}

Bytes Signer::schnorr_keypath(const Key& key, const Hash256& digest, uint64_t aux) const {
  return schnorr(key.tweaked, digest, aux);
}

Bytes Signer::schnorr(const std::array<uint8_t, 32>& secret, const Hash256& digest, uint64_t aux) const {
  secp256k1_keypair pair;
  if (!secp256k1_keypair_create(ctx_, &pair, secret.data())) throw std::runtime_error("keypair");
  uint8_t aux32[32] = {};
  for (int i = 0; i < 8; ++i) aux32[i] = static_cast<uint8_t>(aux >> (8 * i));
  Bytes sig(64);
  if (!secp256k1_schnorrsig_sign32(ctx_, sig.data(), digest.bytes.data(), &pair, aux32))
    throw std::runtime_error("schnorrsig_sign32");
  return sig;
}

}  // namespace vigil::cli::sim
