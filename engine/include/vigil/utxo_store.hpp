// The UTXO set in RocksDB (an embedded database in a data directory). Each
// block's changes, its undo data and the best-block marker are written in one
// atomic, synced batch: after a crash the store is exactly as after the last
// complete block, and disconnecting a block restores the state before it.
//
// The UTXO digest makes two stores comparable whatever order they were built
// in: the sum, modulo 2^256 (bytes read little-endian), of SHA-256 over each
// coin's key and value as stored:
//   key   'c' || txid (32 bytes, internal order) || output index (4 bytes, big-endian)
//   value amount (8 bytes LE) || height * 2 + coinbase (4 bytes LE) || scriptPubKey
// It is kept up to date with every block (added for created coins,
// subtracted for spent ones) and can be recomputed from the coins.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/bytes.hpp"
#include "vigil/status.hpp"
#include "vigil/transaction.hpp"

namespace vigil {

struct Coin {
  int64_t amount = 0;
  Bytes script_pubkey;
  uint32_t height = 0;    // of the block that created it
  bool coinbase = false;  // created by a coinbase (spendable after 100 blocks)
  friend bool operator==(const Coin&, const Coin&) = default;
};

struct ChainTip {
  Hash256 hash;
  uint32_t height = 0;
  Hash256 utxo_digest;
  uint64_t coins = 0;
};

// What a block changes, enough to undo it.
struct BlockChanges {
  Hash256 hash, prev_hash;
  uint32_t height = 0;
  std::vector<std::pair<OutPoint, Coin>> created;
  std::vector<std::pair<OutPoint, Coin>> spent;  // the coins as they were
  // Coins that `created` replaces at the same outpoint, as they were: only
  // where BIP30 is not checked (its two exception blocks, whose coinbases
  // repeat earlier unspent ones, and BIP30 implied by BIP34). They leave the
  // set and its digest; the undo record keeps them, and disconnecting the
  // block puts them back (Bitcoin Core's undo data does not: disconnecting
  // such a block there loses the earlier coin).
  std::vector<std::pair<OutPoint, Coin>> overwritten;
  // The block's 80-byte header and its consensus module's state after it:
  // the context the next block is judged in (difficulty, timestamps,
  // validator sets). Stored by height with the block, removed with it.
  Bytes header;
  Bytes module_state;
};

// One connected block's header and module state (UtxoStore::read_headers).
struct StoredHeader {
  Bytes header;
  Bytes module_state;
};

struct UtxoStoreOptions {
  std::string path;               // the data directory (created if missing)
  bool sync = true;               // fsync each block's batch (false: faster, for tests and benchmarks)
  size_t cache_bytes = 64 << 20;  // RocksDB's block cache
};

class UtxoStore {
 public:
  // IoError (with RocksDB's message) if the directory cannot be opened;
  // Corruption if it holds something else.
  static Status Open(const UtxoStoreOptions& options, std::unique_ptr<UtxoStore>* out);
  ~UtxoStore();
  UtxoStore(const UtxoStore&) = delete;
  UtxoStore& operator=(const UtxoStore&) = delete;

  // The last connected block; nullopt for an empty store.
  std::optional<ChainTip> tip() const;

  // The coin at `p`, or nullopt when there is none (spent or never created).
  Status get(const OutPoint& p, std::optional<Coin>* out) const;

  // Applies `changes` on top of the tip (its prev_hash must be the tip's
  // hash, or the store empty): one atomic batch with the undo record and the
  // new tip. InvalidArgument if it does not follow the tip, or if it spends
  // or overwrites a coin that is not there as given. A created coin is not
  // looked up: one that replaces a stored coin must be listed in `overwritten`.
  Status connect(const BlockChanges& changes);

  // Undoes the tip from its undo record; `undone` (if given) receives it.
  Status disconnect_tip(BlockChanges* undone = nullptr);

  // The headers and module states of heights 0 .. tip, in order; Corruption
  // when one is missing (a store written before they were kept).
  Status read_headers(std::vector<StoredHeader>* out) const;

  // Small named records kept beside the chain (the activation schedule).
  // get: nullopt when absent. put: one synced write.
  Status get_meta(const std::string& name, std::optional<std::string>* out) const;
  Status put_meta(const std::string& name, const std::string& value);

  // The digest recomputed from every coin (a full scan), for checks.
  Status recompute_digest(Hash256* digest, uint64_t* coins) const;

 private:
  struct Impl;
  explicit UtxoStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The digest term of one coin (what the store adds or subtracts).
Hash256 coin_digest_term(const OutPoint& p, const Coin& c);

}  // namespace vigil
