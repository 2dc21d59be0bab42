#include "sig_fixtures.hpp"

#include <secp256k1_schnorrsig.h>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>

namespace vigil_bench {
namespace {

using vigil::Bytes;
using vigil::Scheme;

const secp256k1_context* verify_ctx() { return secp256k1_context_static; }

// A signing context, randomized once; only setup uses it.
secp256k1_context* sign_ctx() {
  static secp256k1_context* ctx = [] {
    secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    std::array<uint8_t, 32> seed{};
    seed.fill(0x5a);
    if (!secp256k1_context_randomize(c, seed.data())) std::abort();
    return c;
  }();
  return ctx;
}

void fill(std::mt19937_64& rng, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(rng());
}

Bytes random_bytes(std::mt19937_64& rng, size_t n) {
  Bytes b(n);
  fill(rng, b.data(), n);
  return b;
}

std::array<uint8_t, 32> secp_seckey(std::mt19937_64& rng) {
  std::array<uint8_t, 32> k{};
  do {
    fill(rng, k.data(), k.size());
  } while (!secp256k1_ec_seckey_verify(sign_ctx(), k.data()));
  return k;
}

SigSample make_ecdsa(std::mt19937_64& rng) {
  SigSample s;
  auto sk = secp_seckey(rng);
  s.msg = random_bytes(rng, 32);
  secp256k1_pubkey pk;
  secp256k1_ecdsa_signature sig;
  if (!secp256k1_ec_pubkey_create(sign_ctx(), &pk, sk.data()) ||
      !secp256k1_ecdsa_sign(sign_ctx(), &sig, s.msg.data(), sk.data(), nullptr, nullptr))
    std::abort();
  s.key.resize(33);
  size_t len = s.key.size();
  secp256k1_ec_pubkey_serialize(sign_ctx(), s.key.data(), &len, &pk, SECP256K1_EC_COMPRESSED);
  s.sig.resize(72);
  len = s.sig.size();
  secp256k1_ecdsa_signature_serialize_der(sign_ctx(), s.sig.data(), &len, &sig);
  s.sig.resize(len);
  return s;
}

SigSample make_schnorr(std::mt19937_64& rng) {
  SigSample s;
  auto sk = secp_seckey(rng);
  s.msg = random_bytes(rng, 32);
  auto aux = random_bytes(rng, 32);
  secp256k1_keypair kp;
  secp256k1_xonly_pubkey xpk;
  s.key.resize(32);
  s.sig.resize(64);
  if (!secp256k1_keypair_create(sign_ctx(), &kp, sk.data()) ||
      !secp256k1_keypair_xonly_pub(sign_ctx(), &xpk, nullptr, &kp) ||
      !secp256k1_xonly_pubkey_serialize(sign_ctx(), s.key.data(), &xpk) ||
      !secp256k1_schnorrsig_sign32(sign_ctx(), s.sig.data(), s.msg.data(), &kp, aux.data()))
    std::abort();
  return s;
}

SigSample make_ed25519(std::mt19937_64& rng) {
  SigSample s;
  auto seed = random_bytes(rng, crypto_sign_SEEDBYTES);
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  s.key.resize(crypto_sign_PUBLICKEYBYTES);
  s.msg = random_bytes(rng, 32);
  s.sig.resize(crypto_sign_BYTES);
  crypto_sign_seed_keypair(s.key.data(), sk.data(), seed.data());
  crypto_sign_detached(s.sig.data(), nullptr, s.msg.data(), s.msg.size(), sk.data());
  return s;
}

std::unique_ptr<SigPool> build_pool(Scheme scheme) {
  if (sodium_init() < 0) std::abort();
  auto pool = std::make_unique<SigPool>();
  pool->scheme = scheme;
  const bool ecdsa = vigil::scheme_takes_digest(scheme);
  // One seed per family: the three ecdsa schemes verify identical data.
  std::mt19937_64 rng(ecdsa ? 0xECD5A : scheme == Scheme::kSchnorr ? 0x5C4 : 0xED25519);
  pool->samples.reserve(kPoolSize);
  for (size_t i = 0; i < kPoolSize; ++i) {
    pool->samples.push_back(ecdsa ? make_ecdsa(rng) : scheme == Scheme::kSchnorr ? make_schnorr(rng) : make_ed25519(rng));
  }
  pool->lib_keys.resize(kPoolSize);
  pool->parsed.resize(kPoolSize);
  pool->checks.resize(kPoolSize);
  pool->parsed_checks.resize(kPoolSize);
  for (size_t i = 0; i < kPoolSize; ++i) {
    const SigSample& s = pool->samples[i];
    LibKey& lk = pool->lib_keys[i];
    if (ecdsa) {
      if (!secp256k1_ec_pubkey_parse(verify_ctx(), &lk.ecdsa, s.key.data(), s.key.size())) std::abort();
    } else if (scheme == Scheme::kSchnorr) {
      if (!secp256k1_xonly_pubkey_parse(verify_ctx(), &lk.xonly, s.key.data())) std::abort();
    }
    if (!vigil::parse_public_key(scheme, s.key, &pool->parsed[i])) std::abort();
    pool->checks[i] = vigil::Check{scheme, s.key, s.msg, s.sig, nullptr};
    pool->parsed_checks[i] = vigil::Check{scheme, s.key, s.msg, s.sig, &pool->parsed[i]};
    // Every sample must be valid both ways, or the benchmarks would time rejections.
    if (!library_verify(scheme, s) || !library_verify_preparsed(scheme, lk, s) ||
        !vigil::verify_check(pool->checks[i]) || !vigil::verify_check(pool->parsed_checks[i])) {
      std::fprintf(stderr, "sig_fixtures: sample %zu of %s does not verify\n", i,
                   std::string(vigil::scheme_name(scheme)).c_str());
      std::abort();
    }
  }
  return pool;
}

bool ecdsa_with_key(Scheme scheme, const secp256k1_pubkey& key, const SigSample& s) {
  secp256k1_ecdsa_signature sig;
  if (!secp256k1_ecdsa_signature_parse_der(verify_ctx(), &sig, s.sig.data(), s.sig.size())) return false;
  if (scheme != Scheme::kEcdsaLowS) secp256k1_ecdsa_signature_normalize(verify_ctx(), &sig, &sig);
  return secp256k1_ecdsa_verify(verify_ctx(), &sig, s.msg.data(), &key) == 1;
}

bool schnorr_with_key(const secp256k1_xonly_pubkey& key, const SigSample& s) {
  return secp256k1_schnorrsig_verify(verify_ctx(), s.sig.data(), s.msg.data(), s.msg.size(), &key) == 1;
}

bool ed25519(const SigSample& s) {
  return crypto_sign_verify_detached(s.sig.data(), s.msg.data(), s.msg.size(), s.key.data()) == 0;
}

}  // namespace

const SigPool& sig_pool(Scheme scheme) {
  static std::mutex mutex;
  static std::unique_ptr<SigPool> pools[std::size(vigil::kAllSchemes)];
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = pools[static_cast<size_t>(scheme)];
  if (!slot) slot = build_pool(scheme);
  return *slot;
}

bool library_verify(Scheme scheme, const SigSample& s) {
  switch (scheme) {
    case Scheme::kEcdsa:
    case Scheme::kEcdsaLowS:
    case Scheme::kEcdsaBitcoin: {
      secp256k1_pubkey key;
      if (!secp256k1_ec_pubkey_parse(verify_ctx(), &key, s.key.data(), s.key.size())) return false;
      return ecdsa_with_key(scheme, key, s);
    }
    case Scheme::kSchnorr: {
      secp256k1_xonly_pubkey key;
      if (s.key.size() != 32 || !secp256k1_xonly_pubkey_parse(verify_ctx(), &key, s.key.data())) return false;
      return schnorr_with_key(key, s);
    }
    case Scheme::kEd25519Strict:
    case Scheme::kEd25519:  // no library implements ZIP-215; on valid signatures libsodium agrees
      return ed25519(s);
    case Scheme::kTaprootCommitment:  // not a signature scheme: no fixture holds one
      break;
  }
  return false;
}

bool library_verify_preparsed(Scheme scheme, const LibKey& key, const SigSample& s) {
  switch (scheme) {
    case Scheme::kEcdsa:
    case Scheme::kEcdsaLowS:
    case Scheme::kEcdsaBitcoin:
      return ecdsa_with_key(scheme, key.ecdsa, s);
    case Scheme::kSchnorr:
      return schnorr_with_key(key.xonly, s);
    case Scheme::kEd25519Strict:
    case Scheme::kEd25519:
      return ed25519(s);  // libsodium has no parsed-key form
    case Scheme::kTaprootCommitment:  // not a signature scheme: no fixture holds one
      break;
  }
  return false;
}

}  // namespace vigil_bench
