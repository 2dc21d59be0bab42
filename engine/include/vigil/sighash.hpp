// Bitcoin signature hashes, as Bitcoin Core's SignatureHash computes them:
// legacy (with its quirks), BIP143 (segwit v0) and BIP341 (taproot).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "vigil/bytes.hpp"
#include "vigil/transaction.hpp"

namespace vigil {

inline constexpr int kSighashAll = 1;
inline constexpr int kSighashNone = 2;
inline constexpr int kSighashSingle = 3;
inline constexpr int kSighashAnyoneCanPay = 0x80;
inline constexpr uint8_t kSighashDefault = 0;  // BIP341 only: ALL, 64-byte signature

// Legacy (pre-segwit) signature hash of input `input` signing `script_code`
// with `hash_type`. As Bitcoin Core: OP_CODESEPARATORs are removed from the
// script code (what follows a malformed push is dropped, as GetOp stops
// there); SIGHASH_SINGLE with no matching output yields the hash "1" (the
// bug every node must keep); an input index out of range yields it too.
// FindAndDelete of the signature is the caller's step (find_and_delete).
Hash256 legacy_sighash(const Transaction& tx, size_t input, ByteView script_code, int32_t hash_type);

// Bitcoin Core's FindAndDelete(script, pattern): in one pass, removes every
// occurrence of `pattern` that starts at an op boundary (stopping at the
// first op that cannot be read, whose rest is kept). The legacy CHECKSIG and
// CHECKMULTISIG apply it with the push of the signature, push_of(sig), to
// the script code before hashing.
Bytes find_and_delete(ByteView script, ByteView pattern);

// CScript() << data: the minimal push of `data`.
Bytes push_of(ByteView data);

// BIP143's per-transaction hashes, computed once for all of its inputs.
struct SegwitV0Hashes {
  Hash256 prevouts, sequences, outputs;  // sha256d of each list
  explicit SegwitV0Hashes(const Transaction& tx);
};

// BIP143 signature hash of input `input` (spending `amount` satoshis) with
// `script_code` (for P2WPKH the P2PKH script of the key hash; for P2WSH the
// witness script from the last executed OP_CODESEPARATOR).
Hash256 segwit_v0_sighash(const Transaction& tx, size_t input, ByteView script_code, int64_t amount, int32_t hash_type,
                          const SegwitV0Hashes& hashes);

// An output being spent: BIP341 signs every input's amount and script.
struct SpentOutput {
  int64_t amount = 0;
  ByteView script_pubkey;
};

// BIP341's per-transaction hashes (single SHA-256 each).
struct TaprootHashes {
  Hash256 prevouts, amounts, script_pubkeys, sequences, outputs;
  TaprootHashes(const Transaction& tx, std::span<const SpentOutput> spent);
};

// The tapscript extension of BIP342 (script-path spends).
struct TapscriptExt {
  Hash256 tapleaf_hash;
  uint32_t codesep_pos = 0xffffffff;  // of the last executed OP_CODESEPARATOR, or none
};

// BIP341 signature hash ("TapSighash" tagged hash of the signature message).
// False for a hash type BIP341 does not define, for SIGHASH_SINGLE without a
// matching output, or when `spent` does not cover every input. `annex`: the
// witness's annex (starting 0x50) when it has one. `message`, if given,
// receives the hashed message: the epoch byte 0x00 and the signature
// message (as BIP341's test vectors give it).
bool taproot_sighash(const Transaction& tx, size_t input, std::span<const SpentOutput> spent, uint8_t hash_type,
                     const TaprootHashes& hashes, std::optional<ByteView> annex, const TapscriptExt* ext,
                     Hash256* out, Bytes* message = nullptr);

// BIP340's tagged hash: sha256(sha256(tag) || sha256(tag) || data).
Hash256 tagged_hash(std::string_view tag, ByteView data);

// BIP341's leaf hash: TapLeaf(leaf_version || CompactSize(len) || script).
Hash256 tapleaf_hash(uint8_t leaf_version, ByteView script);

}  // namespace vigil
