// Context-free block validity, as Bitcoin Core's CheckBlock, plus the witness
// commitment and weight rules of its ContextualCheckBlock (with segwit
// active): everything that needs the block alone. Invalidity is a value
// with Bitcoin Core's reject reason; infrastructure errors stay Statuses.
// What needs the chain (BIP34 height, timestamps, difficulty, finality,
// spent outputs) is judged elsewhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/block.hpp"
#include "vigil/hasher.hpp"
#include "vigil/transaction.hpp"

namespace vigil {

inline constexpr uint64_t kMaxBlockWeight = 4'000'000;     // MAX_BLOCK_WEIGHT
inline constexpr uint64_t kWitnessScaleFactor = 4;         // WITNESS_SCALE_FACTOR
inline constexpr uint64_t kMaxBlockSigopsCost = 80'000;    // MAX_BLOCK_SIGOPS_COST

// A consensus verdict: valid, or invalid with the reason Bitcoin Core gives
// ("bad-txnmrklroot", "high-hash", ...) and what exactly failed.
struct Validity {
  bool valid = true;
  std::string reason;  // empty when valid
  std::string debug;   // the transaction, the values; for people

  static Validity Valid() { return {}; }
  static Validity Invalid(std::string reason, std::string debug = {}) {
    return Validity{false, std::move(reason), std::move(debug)};
  }
};

struct CheckBlockOptions {
  Network network = Network::kMainnet;  // whose proof-of-work limit applies
  bool check_pow = true;                // false: everything but the proof of work (TestBlockValidity)
  bool check_merkle_root = true;
  bool segwit = true;                   // the witness commitment rules (active on mainnet from 481,824)
  // false: the witness and weight rules are left out, for the caller to run
  // check_block_witness where Core's ContextualCheckBlock has them (after
  // the finality and BIP34 rules).
  bool witness_rules = true;
};

// The proof-of-work limit of a network, as a 256-bit number in Hash256's
// byte order (little-endian).
Hash256 pow_limit(Network network);

// Bitcoin Core's arith_uint256::SetCompact of nBits; false when the target
// is negative, zero, overflows or exceeds `limit` (what CheckProofOfWork
// rejects before comparing).
bool target_from_bits(uint32_t bits, const Hash256& limit, Hash256* target);

// CheckProofOfWork: `hash` (a block hash, little-endian) at or below the
// target of `bits`, which must itself be valid for `network`.
bool check_proof_of_work(const Hash256& hash, uint32_t bits, Network network);

// CheckTransaction: the rules one transaction must meet on its own.
Validity check_transaction(const Transaction& tx);

// CheckBlock (and the commitment and weight rules): `txs` are the block's
// transactions (read_block_transactions) and `hashes` its txids and Merkle
// roots (Hasher::block_hashes, on the GPU when there is one).
Validity check_block(ByteView block, const ParsedBlock& parsed, const std::vector<Transaction>& txs,
                     const BlockHashes& hashes, const CheckBlockOptions& options = {});

// ContextualCheckBlock's witness rules, then its weight rule: with `segwit`
// a witness commitment in the coinbase must match ("bad-witness-nonce-size",
// "bad-witness-merkle-match"); without a matching one no transaction may
// carry witness data ("unexpected-witness"); "bad-blk-weight". Part of
// check_block unless its options say otherwise.
Validity check_block_witness(ByteView block, const ParsedBlock& parsed, const std::vector<Transaction>& txs,
                             const BlockHashes& hashes, bool segwit);

// ---- rules that need the block's place in the chain (ContextualCheckBlock*) --

// BIP34: the script the coinbase's scriptSig must begin with at `height`
// (Bitcoin Core's CScript() << height: OP_0, OP_1 .. OP_16, or a minimal
// number push).
Bytes bip34_height_script(uint32_t height);

// The height a coinbase's scriptSig begins with, when it begins with one
// as BIP34 writes it (bip34_height_script: OP_0, OP_1 .. OP_16, or a
// minimal push of a non-negative number of up to 4 bytes); nullopt
// otherwise. Before BIP34 a coinbase may begin with anything that looks
// like it (a timestamp, nBits): only BIP34's rule makes it the height.
std::optional<uint32_t> coinbase_height_push(const Transaction& coinbase);

// Which soft-fork rules apply to a block (vigil/consensus.hpp decides them
// from the chain parameters).
struct BlockRules {
  bool bip34 = false, bip66 = false, bip65 = false, csv = false;
};

// ContextualCheckBlockHeader's version rule: "bad-version(0x...)" for a
// version below 2 under BIP34, below 3 under BIP66, below 4 under BIP65.
Validity check_block_version(const BlockHeader& header, const BlockRules& rules);

// ContextualCheckBlockHeader's version rule and ContextualCheckBlock's
// finality and BIP34 rules: "bad-version(0x...)", "bad-txns-nonfinal",
// "bad-cb-height". `parent_mtp` is the median time past of the parent
// (BIP113's lock-time cutoff once CSV is active; the block's time before).
Validity check_block_context(const ParsedBlock& parsed, const std::vector<Transaction>& txs, uint32_t height,
                             uint32_t parent_mtp, const BlockRules& rules);

// IsFinalTx: a lock time below the height (or the cutoff time), or every
// input's sequence final.
bool is_final_tx(const Transaction& tx, uint32_t height, int64_t cutoff_time);

}  // namespace vigil
