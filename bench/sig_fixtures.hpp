// Pools of valid signatures for the verification benchmarks, and the direct
// library calls that each scheme's wrapper is compared against.
#pragma once

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <cstddef>
#include <vector>

#include "vigil/bytes.hpp"
#include "vigil/verify.hpp"

namespace vigil_bench {

// Distinct keys, messages and signatures per scheme.
inline constexpr size_t kPoolSize = 4096;

struct SigSample {
  vigil::Bytes key;  // encoded: 33-byte compressed (ecdsa), 32-byte x-only (schnorr), 32-byte (ed25519)
  vigil::Bytes msg;  // 32 bytes for every scheme
  vigil::Bytes sig;  // low-S strict DER (ecdsa), 64 bytes otherwise
};

// A key as the library itself keeps it once parsed.
struct LibKey {
  secp256k1_pubkey ecdsa;
  secp256k1_xonly_pubkey xonly;
};

struct SigPool {
  vigil::Scheme scheme;
  std::vector<SigSample> samples;                // kPoolSize, all valid
  std::vector<LibKey> lib_keys;                  // samples[i].key parsed by the library
  std::vector<vigil::ParsedPublicKey> parsed;    // samples[i].key through vigil::parse_public_key
  std::vector<vigil::Check> checks;              // encoded keys
  std::vector<vigil::Check> parsed_checks;       // the same checks with parsed_key set
};

// Built on first use (fixed seeds, so every run verifies the same data). The
// three ecdsa schemes share keys, messages and signatures.
const SigPool& sig_pool(vigil::Scheme scheme);

// The library call the scheme's wrapper makes, straight from the encoded
// inputs: key parse, signature parse (+ normalize where the scheme allows high
// S), verify. For ecdsa-bitcoin libsecp256k1 has no public lax DER parser, so
// this is the strict parser; the signatures are strict DER, so the work is the same.
bool library_verify(vigil::Scheme scheme, const SigSample& s);
// The same with the key already parsed by the library.
bool library_verify_preparsed(vigil::Scheme scheme, const LibKey& key, const SigSample& s);

}  // namespace vigil_bench
