// Signed blocks (BIP325, "signet"): a block is valid only with a solution to
// the chain's challenge script, carried in the coinbase's witness commitment
// output as one push that starts with the 4-byte header ec c7 da a2.
//
// The solution is a scriptSig and a witness that spend a virtual transaction:
//
//   to_spend  version 0, locktime 0; one input (null prevout, sequence 0,
//             scriptSig OP_0 <block data>), one output (0, challenge)
//   to_sign   version 0, locktime 0; one input spending to_spend:0 (sequence
//             0, the solution's scriptSig and witness), one output (0, OP_RETURN)
//
// The block data commits to the whole block but the solution itself: the
// header's version, previous hash and time, and the Merkle root of the
// transactions with the coinbase's solution push cut back to its 4-byte
// header (nonce and real Merkle root left out, so a block can be signed
// before it is ground for proof of work). What follows is Bitcoin Core's
// SignetTxs::Create, re-expressed over vigil's owned transactions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "vigil/block.hpp"
#include "vigil/block_check.hpp"
#include "vigil/sighash.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil {

inline constexpr std::array<uint8_t, 4> kSignetHeader = {0xec, 0xc7, 0xda, 0xa2};
// Every signet invalidity is this reason (Bitcoin Core's).
inline constexpr const char* kBadSignetBlksig = "bad-signet-blksig";

struct SignetSolution {
  Bytes script_sig;
  std::vector<Bytes> witness;
  friend bool operator==(const SignetSolution&, const SignetSolution&) = default;
};

// The solution as the commitment carries it (after the header): the
// scriptSig, then the witness stack, each Bitcoin-serialized.
Bytes encode_signet_solution(const SignetSolution& solution);
// The inverse. False for a truncated or non-canonical encoding, a size
// above Bitcoin's 32 MiB serialization limit, or bytes left over.
bool decode_signet_solution(ByteView bytes, SignetSolution* out);

// Index of the coinbase's witness commitment output: the last output whose
// script is at least 38 bytes and starts 6a 24 aa21a9ed (Bitcoin Core's
// GetWitnessCommitmentIndex). nullopt when there is none.
std::optional<size_t> witness_commitment_output(const OwnedTx& coinbase);

// The solution section of a commitment script.
struct SignetSection {
  bool found = false;     // a push of the header followed by at least one byte
  Bytes solution;         // the bytes after the header (found only)
  Bytes stripped_script;  // the script with that push cut to the header (found only)
};
// Finds the first push that starts with kSignetHeader and holds more. As
// Core, the stripped script re-encodes every push minimally and ends at the
// first push it cannot read.
SignetSection find_signet_section(ByteView commitment_script);

// The 72 bytes to_spend's scriptSig pushes: version, previous block hash,
// `signet_merkle_root`, time.
Bytes signet_block_data(const BlockHeader& header, const Hash256& signet_merkle_root);

struct SignetTxs {
  OwnedTx to_spend;
  OwnedTx to_sign;
};
// The two virtual transactions for `block_data`, `challenge` and `solution`.
SignetTxs make_signet_txs(ByteView block_data, ByteView challenge, const SignetSolution& solution);

// What a block's coinbase says about its solution.
struct SignetBlock {
  bool has_solution = false;  // false: an empty solution (Core runs the challenge on it)
  SignetSolution solution;
  Hash256 signet_merkle_root;
  SignetTxs txs;
};
// The leaves of the signet Merkle tree: `txids` with the coinbase's
// replaced by the txid of the coinbase without its solution push. nullopt
// without txids or a witness commitment output.
std::optional<std::vector<Hash256>> signet_merkle_leaves(const OwnedTx& coinbase, std::span<const Hash256> txids);
// SignetTxs::Create for a block: `txids` are all of its txids (the first,
// the coinbase's, is replaced by the stripped coinbase's). Invalid
// (kBadSignetBlksig) when there is no witness commitment output or the
// solution cannot be decoded; the debug string says which.
// `merkle_root`: the root of signet_merkle_leaves when already computed
// (through the Hasher); else computed here.
Validity signet_block(const BlockHeader& header, const OwnedTx& coinbase, std::span<const Hash256> txids,
                      ByteView challenge, SignetBlock* out, const std::optional<Hash256>& merkle_root = std::nullopt);
// The same for an owned block (header and txids computed from it).
Validity signet_block(const OwnedBlock& block, ByteView challenge, SignetBlock* out);

// ---- for signers (the simulator, tests) -------------------------------------

// Puts `solution` into the coinbase's witness commitment output, replacing
// a solution already there, and rewrites the Merkle root. False (nothing
// changed) when the block has no coinbase with a commitment output.
bool attach_signet_solution(OwnedBlock& block, const SignetSolution& solution);

// The signature hash a signer of `block` signs with `hash_type`, once a
// solution is attached (the solution itself does not change it): legacy for
// a P2PK, P2PKH or bare multisig challenge (script code: the challenge),
// BIP143 for P2WPKH (amount 0). nullopt for any other challenge or a block
// without a commitment output.
std::optional<Hash256> signet_sighash(const OwnedBlock& block, ByteView challenge, int32_t hash_type = kSighashAll);

}  // namespace vigil
