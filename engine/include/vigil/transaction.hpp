// Bitcoin transactions, fully parsed: inputs, outputs, witnesses. The
// structures hold views into the serialized bytes (no copies), so those bytes
// must outlive them. Every length and count is bounds-checked; errors say what
// and at which byte offset.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vigil/block.hpp"
#include "vigil/bytes.hpp"
#include "vigil/status.hpp"

namespace vigil {

inline constexpr int64_t kCoin = 100'000'000;
inline constexpr int64_t kMaxMoney = 21'000'000 * kCoin;  // Bitcoin Core's MAX_MONEY

struct OutPoint {
  Hash256 txid;  // internal byte order
  uint32_t index = 0;
  // The coinbase's prevout: all-zero txid and index 0xffffffff.
  bool is_null() const { return index == 0xffffffff && txid == Hash256{}; }
  friend bool operator==(const OutPoint&, const OutPoint&) = default;
  friend auto operator<=>(const OutPoint&, const OutPoint&) = default;
};

struct TxIn {
  OutPoint prevout;
  ByteView script_sig;
  uint32_t sequence = 0;
  std::vector<ByteView> witness;  // empty without witness data
};

struct TxOut {
  int64_t value = 0;  // satoshis, as serialized (may be negative or too large: CheckTransaction judges)
  ByteView script_pubkey;
};

struct Transaction {
  int32_t version = 0;
  std::vector<TxIn> inputs;
  std::vector<TxOut> outputs;
  uint32_t locktime = 0;
  bool has_witness = false;
  ByteView bytes;       // the whole serialization
  uint32_t base_size = 0;  // serialized without witness (what the txid hashes)

  bool is_coinbase() const { return inputs.size() == 1 && inputs[0].prevout.is_null(); }
  // BIP141 weight: base size * 3 + total size.
  uint64_t weight() const { return uint64_t{base_size} * 3 + bytes.size(); }
};

// Parses exactly one transaction occupying all of `bytes` (witness allowed,
// as Bitcoin Core's UnserializeTransaction).
Status parse_transaction(ByteView bytes, Transaction* out);

// The transaction at `span` of a parsed block.
Status read_transaction(ByteView block, const TxSpan& span, Transaction* out);

// All transactions of a parsed block.
Status read_block_transactions(ByteView block, const ParsedBlock& parsed, std::vector<Transaction>* out);

// Base (no-witness) size of a transaction span: version + inputs/outputs + locktime.
inline uint32_t tx_base_size(const TxSpan& tx) { return 4 + (tx.outputs_end - tx.inputs_begin) + 4; }

}  // namespace vigil
