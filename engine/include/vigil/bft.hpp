// The bft consensus module's block format: a stake-weighted validator set
// signs every block; validator-set changes ride in blocks.
//
// Both travel as pushes in the coinbase output that holds the witness
// commitment (the last coinbase output whose script is at least 38 bytes and
// starts 6a 24 aa 21 a9 ed), after the commitment, the way signet (BIP325)
// carries its solution. A push is recognised by the first 4 bytes of its data:
//
//   certificate  "VBFC" (56 42 46 43) || compact-size n
//                || n * (32-byte Ed25519 public key || 64-byte signature)
//   set change   "VBFS" (56 42 46 53) || compact-size n
//                || n * (32-byte Ed25519 public key || u64le stake)
//
// Compact sizes are Bitcoin's and must be canonical; the data must end
// exactly after the last entry. At most one push of each kind per block.
// Other pushes and opcodes after the commitment are ignored (but signed);
// a push that runs past the end of the script makes the certificate
// malformed, since a certificate could hide in it.
//
// What is signed: every signer signs bft_signing_message(chain id, height,
// bft_unsigned_block_hash(block)), the unsigned hash being the block hash
// with the Merkle root recomputed after removing the certificate push from
// the coinbase (signet's block_data; a set change stays in, so it is signed).
// The witness commitment does not change: the coinbase's wtxid counts as zero.
//
// The rules (engine/src/consensus/bft_module.cpp):
//   - signers are named by key and must belong to the set active at the
//     block's height, each at most once, and hold MORE than 2/3 of its
//     stake: 3 * signed > 2 * total, computed without overflow;
//   - signatures are Scheme::kEd25519Strict (libsodium's verdict, which is
//     what signs): canonical S, R and A, so that no third party can
//     re-encode a signature into another valid one. Third parties can still
//     drop or reorder signers above the threshold, which changes the block's
//     hash but not what was signed; a certified block is final, so the first
//     copy connected is the one kept;
//   - a set change must be non-empty, every stake nonzero, the total within
//     64 bits, keys distinct. One carried by block h is the active set from
//     height h + 2 on (a change in h + 1 applies at h + 3, after it);
//   - the header needs no proof of work; its time must be above the median
//     time past of its parent. Every block adds work 1; a connected block is final.
//
// Reasons: "time-too-old" (check_header_context); "bft-cert-missing" (no
// commitment output or no certificate push), "bft-cert-malformed",
// "bft-cert-unknown-signer", "bft-cert-duplicate-signer",
// "bft-cert-insufficient-stake" (debug "signed/total") from declare_work;
// "bft-cert-bad-signature" (debug names the first failing signature's
// position, validator index and key) and "bft-valset-malformed" from judge,
// in that order. Not verdicts on the block but the only channel the
// interface has: "bft-params-invalid", "bft-state-corrupt", and
// "bft-work-mismatch" (judge given a work or verdicts it did not declare).
//
// The module's state (BlockContext::module_state): the active set, then the
// queued changes, each u32le height || set; a set is compact n || n * (key || u64le stake).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/bytes.hpp"
#include "vigil/consensus.hpp"
#include "vigil/status.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil {

inline constexpr std::array<uint8_t, 4> kBftCertificateHeader = {0x56, 0x42, 0x46, 0x43};  // "VBFC"
inline constexpr std::array<uint8_t, 4> kBftValidatorSetHeader = {0x56, 0x42, 0x46, 0x53};  // "VBFS"
inline constexpr std::string_view kBftMessageTag = "vigil-bft/v1";

// One entry of a certificate.
struct BftSignature {
  std::array<uint8_t, 32> public_key{};
  std::array<uint8_t, 64> signature{};
  friend bool operator==(const BftSignature&, const BftSignature&) = default;
};

// An Ed25519 key pair in libsodium's layout (the secret key is the 32-byte
// seed followed by the public key). For simulators and tests: the secret
// sits in ordinary memory.
struct BftKey {
  std::array<uint8_t, 32> public_key{};
  std::array<uint8_t, 64> secret_key{};
};

// ---- encodings ------------------------------------------------------------

// The data of a certificate push, header included.
Bytes encode_bft_certificate(std::span<const BftSignature> signatures);
// The data of a validator-set change push, header included.
Bytes encode_bft_validator_set(std::span<const Validator> validators);

// Parse push data (header included). False for a wrong header, a
// non-canonical or oversized count, a truncated entry or trailing bytes;
// *out is then unspecified. Syntax only: see bft_validator_set_problem.
bool decode_bft_certificate(ByteView data, std::vector<BftSignature>* out);
bool decode_bft_validator_set(ByteView data, std::vector<Validator>* out);

// Why `validators` cannot be a validator set (empty, a zero stake, a total
// above 2^64 - 1, a key twice), for people; empty when it can.
std::string bft_validator_set_problem(std::span<const Validator> validators);

// ---- what is signed ---------------------------------------------------------

// sha256d of the 80-byte header with its Merkle root recomputed from the
// transactions, the certificate push removed from the coinbase's commitment
// output. For a parsed block: block.hashes->txids are used when set.
Hash256 bft_unsigned_block_hash(const BlockView& block);
Hash256 bft_unsigned_block_hash(const OwnedBlock& block);

// "vigil-bft/v1" || u8 len(chain_id) || chain_id || u32le height || unsigned_hash.
// chain_id must be at most 255 bytes (the module rejects longer ones; here
// they are cut to 255 to stay well defined).
Bytes bft_signing_message(std::string_view chain_id, uint32_t height, const Hash256& unsigned_hash);

// ---- signing (libsodium) ----------------------------------------------------

// The key pair of a 32-byte seed (crypto_sign_seed_keypair).
BftKey bft_key_from_seed(const std::array<uint8_t, 32>& seed);
// A detached Ed25519 signature of `message`.
std::array<uint8_t, 64> bft_sign(const BftKey& key, ByteView message);

// ---- building blocks ----------------------------------------------------------

// Appends a push of `data` to the coinbase's commitment output, then fixes
// the Merkle root. InvalidArgument when the block has no coinbase with a
// commitment output. (Tests use it for malformed pushes.)
Status bft_append_push(OwnedBlock& block, ByteView data);
// Adds the certificate, replacing the certificate pushes already there.
Status bft_attach_certificate(OwnedBlock& block, std::span<const BftSignature> signatures);
// Adds a validator-set change (before signing: the change is signed).
Status bft_attach_validator_set(OwnedBlock& block, std::span<const Validator> validators);
// Signs the block at `height` of chain `chain_id` with every key, in order,
// and attaches the certificate.
Status bft_sign_block(OwnedBlock& block, std::span<const BftKey> signers, std::string_view chain_id,
                      uint32_t height);

// ---- the module's state -----------------------------------------------------

// The validator set active for the block ctx describes (from ctx.module_state,
// or ctx.params->bft_validators at the module's first block). Invalid with
// "bft-state-corrupt" when the stored state does not parse, "bft-params-invalid"
// when the parameters' set or chain id cannot be used.
Validity bft_active_set(const BlockContext& ctx, std::vector<Validator>* out);

}  // namespace vigil
