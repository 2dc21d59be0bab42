// Bitcoin blocks and transactions: just enough parsing for txids, wtxids and
// the Merkle root, with every length and count bounds-checked. (Full block
// validation is built on top of this.)
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vigil/bytes.hpp"
#include "vigil/merkle.hpp"
#include "vigil/status.hpp"

namespace vigil {

inline constexpr size_t kBlockHeaderSize = 80;

struct BlockHeader {
  int32_t version = 0;
  Hash256 prev_block;
  Hash256 merkle_root;
  uint32_t time = 0;
  uint32_t bits = 0;
  uint32_t nonce = 0;
};

// Where one transaction lies inside a block's bytes. The txid hashes the
// serialization without witness: [begin, inputs_begin - marker) is the version,
// then [inputs_begin, outputs_end) the inputs and outputs, then the 4-byte
// locktime at [end - 4, end). For a transaction without witness the pieces are
// contiguous and equal [begin, end).
struct TxSpan {
  uint32_t begin = 0;         // offset of the version
  uint32_t inputs_begin = 0;  // offset of the input count (after marker/flag)
  uint32_t outputs_end = 0;   // end of the last output (start of witness or locktime)
  uint32_t end = 0;           // one past the locktime
  bool has_witness = false;
};

struct ParsedBlock {
  BlockHeader header;
  Hash256 hash;  // sha256d of the 80-byte header
  std::vector<TxSpan> txs;
};

// Parses a serialized block (header, transaction count, transactions) the way
// Bitcoin Core deserializes one: canonical CompactSize, witness flag rules,
// size limits. The whole of `block` must be consumed. Errors say what and at
// which byte offset.
Status parse_block(ByteView block, ParsedBlock* out);
Status parse_block_header(ByteView bytes, BlockHeader* out);

// txid (witness stripped) and wtxid (whole serialization) of a parsed tx.
Hash256 txid_of(ByteView block, const TxSpan& tx);
Hash256 wtxid_of(ByteView block, const TxSpan& tx);

// The txids of all transactions, on the pool's threads when one is given.
std::vector<Hash256> block_txids(ByteView block, const ParsedBlock& parsed, WorkerPool* pool = nullptr);

// BIP141's witness commitment, as the coinbase carries it.
struct CoinbaseWitness {
  // The last coinbase output whose script starts OP_RETURN 0x24 aa21a9ed
  // (Bitcoin Core's GetWitnessCommitmentIndex), bytes 6..38 of that script.
  std::optional<Hash256> commitment;
  // The coinbase input's witness, when it is exactly one 32-byte item (the
  // "witness reserved value"); nullopt for any other shape.
  std::optional<Hash256> reserved_value;
};
// Reads the coinbase (the first transaction) of a parsed block. Corruption if
// the block has no transaction.
Status coinbase_witness(ByteView block, const ParsedBlock& parsed, CoinbaseWitness* out);
// The commitment a block with witness Merkle root `witness_root` must carry:
// sha256d(witness_root || reserved_value).
Hash256 witness_commitment(const Hash256& witness_root, const Hash256& reserved_value);

// Network magic bytes of blk*.dat framing.
enum class Network : uint8_t { kMainnet, kTestnet3, kTestnet4, kSignet, kRegtest };
std::optional<Network> network_from_magic(ByteView four_bytes);
std::string_view network_name(Network network);

// A block found in a file, and where.
struct BlockRecord {
  uint64_t offset = 0;  // of the block's first byte in the file
  Bytes bytes;
  std::optional<Network> network;  // the framing's magic; nullopt for a raw block
};

// Reads blocks from file contents: blk*.dat framing (magic, u32le length,
// block; zero padding at the end is allowed, as Bitcoin Core preallocates),
// one raw block, or hex-encoded blocks separated by whitespace (one a line).
Status split_block_file(ByteView contents, std::vector<BlockRecord>* out);

}  // namespace vigil
