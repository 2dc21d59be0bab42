// Signature verification: the schemes, one check, and the CPU batch verifier.
//
// Every scheme's verdict is defined by a reference library, and the CPU path
// wraps exactly that library, so it is both the fallback for machines without
// a GPU and the oracle the GPU kernels are tested against:
//
//   ecdsa          strict DER signature (libsecp256k1's DER parser), any S:
//                  plain X9.62 semantics. Digest: 32 bytes.
//   ecdsa-lows     strict DER, high S rejected: exactly secp256k1_ecdsa_verify.
//   ecdsa-bitcoin  Bitcoin consensus (Bitcoin Core's CPubKey::Verify): the lax
//                  DER parser Bitcoin Core uses, S normalized, then verified.
//   schnorr        BIP340 (secp256k1_schnorrsig_verify), messages of any length,
//                  32-byte x-only public key, 64-byte signature.
//   ed25519-strict libsodium's crypto_sign_verify_detached (1.0.18): 32-byte
//                  key, 64-byte signature, messages of any length; canonical
//                  S, A and R, small-order A and R rejected, cofactorless.
//   ed25519        ZIP-215 (Zcash, CometBFT): S < L; A and R may be
//                  non-canonical (y >= p, x = 0 with the sign bit set) and of
//                  small order; valid iff [8][S]B = [8]R + [8][k]A. No Debian
//                  library implements it: its CPU path is vigil's own radix-2^51
//                  code (engine/src/verify/ed25519_zip215.hpp; batches by a
//                  random linear combination), tested against the GPU kernel's
//                  code (kernels/ed25519), an independent reference and the
//                  published ZIP-215 vectors.
//
// The ecdsa schemes take public keys as libsecp256k1's secp256k1_ec_pubkey_parse
// does: compressed (33 bytes), uncompressed or hybrid (65 bytes).
// A key, digest or signature of the wrong length or a bad encoding is an
// invalid check (verdict 0), never an error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "vigil/bytes.hpp"
#include "vigil/status.hpp"

namespace vigil {

enum class Scheme : uint8_t {
  kEcdsa = 0,
  kEcdsaLowS = 1,
  kEcdsaBitcoin = 2,
  kSchnorr = 3,
  kEd25519Strict = 4,
  kEd25519 = 5,
  // Not a signature: BIP341's commitment of a taproot output key to its
  // script tree, Q == P + tG with Q's parity (libsecp256k1's
  // secp256k1_xonly_pubkey_tweak_add_check). public_key: the internal key P
  // (32-byte x-only); message: the tweak t (32 bytes, TapTweak(P || root));
  // signature: Q's 32 x-only bytes then its parity byte (0 or 1). An elliptic
  // curve operation as costly as a signature, so the script interpreter
  // defers it into the block's batch with the signatures.
  kTaprootCommitment = 6,
};
// The signature schemes (kTaprootCommitment is not one).
inline constexpr Scheme kAllSchemes[] = {Scheme::kEcdsa, Scheme::kEcdsaLowS, Scheme::kEcdsaBitcoin,
                                         Scheme::kSchnorr, Scheme::kEd25519Strict, Scheme::kEd25519};

// "ecdsa", "ecdsa-lows", "ecdsa-bitcoin", "schnorr", "ed25519-strict",
// "ed25519", "taproot-commitment".
std::string_view scheme_name(Scheme scheme);
std::optional<Scheme> scheme_from_name(std::string_view name);
// True for the ecdsa schemes, whose message is a 32-byte digest.
bool scheme_takes_digest(Scheme scheme);

// A public key parsed once and reused by many checks (a key that signs many
// inputs, a validator key). Opaque; made by parse_public_key.
struct ParsedPublicKey {
  enum class Family : uint8_t { kNone, kSecp256k1Ecdsa, kSecp256k1XOnly, kEd25519 };
  Family family = Family::kNone;
  alignas(8) uint8_t data[64] = {};
};

// Parses `encoded` as a public key for `scheme`. Returns false (and leaves
// `out->family == kNone`) for a key the scheme would reject.
bool parse_public_key(Scheme scheme, ByteView encoded, ParsedPublicKey* out);

// One signature check. The views must stay valid until the verification that
// reads them returns.
struct Check {
  Scheme scheme = Scheme::kEcdsa;
  ByteView public_key;  // encoded key; ignored when parsed_key is set
  ByteView message;     // 32-byte digest for the ecdsa schemes, any length otherwise
  ByteView signature;   // DER for the ecdsa schemes, 64 bytes otherwise
  // Optional pre-parsed key. It must have been made by parse_public_key for a
  // scheme of the same family; a key of another family makes the check invalid.
  const ParsedPublicKey* parsed_key = nullptr;
};

// The reference verdict of one check, on this thread.
bool verify_check(const Check& check);

class WorkerPool;

struct CpuVerifierOptions {
  // Threads that verify, the calling thread included. 0: one per hardware
  // thread (std::thread::hardware_concurrency()).
  unsigned threads = 0;
};

// Verifies batches of checks of mixed schemes on all cores.
//
// A batch is cut into chunks that the calling thread and the pool's workers
// claim until none is left (Bitcoin Core's check queue, without a queue: the
// batch is already in memory). The `ed25519` checks of a chunk are verified
// together by the batch equation, with the single-check verdicts. Nothing is
// allocated per check or per batch (the ed25519 batch's per-thread workspaces
// grow once).
// Calls from several threads are serialized.
class CpuVerifier {
 public:
  explicit CpuVerifier(CpuVerifierOptions options = {});
  ~CpuVerifier();
  CpuVerifier(const CpuVerifier&) = delete;
  CpuVerifier& operator=(const CpuVerifier&) = delete;

  // verdicts[i] = 1 if checks[i] is valid, 0 if not. InvalidArgument if the
  // spans' sizes differ (then no verdict is written).
  Status verify(std::span<const Check> checks, std::span<uint8_t> verdicts);

  unsigned threads() const;
  WorkerPool& pool();

 private:
  std::unique_ptr<WorkerPool> pool_;
};

}  // namespace vigil
