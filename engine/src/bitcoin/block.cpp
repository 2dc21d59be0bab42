#include "vigil/block.hpp"

#include <algorithm>
#include <limits>

#include "bitcoin/reader.hpp"
#include "vigil/hash.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

using bitcoin::Reader;

// The smallest serialized transaction: version, two empty counts, locktime.
constexpr size_t kMinTxSize = 10;

bool skip_var_bytes(Reader& r, const char* what) {
  uint64_t len = 0;
  return r.read_compact_size(&len, what) && r.skip(len, what);
}

bool read_inputs(Reader& r, uint64_t* n_inputs) {
  if (!r.read_compact_size(n_inputs, "input count")) return false;
  for (uint64_t i = 0; i < *n_inputs; ++i) {
    if (!r.skip(36, "input prevout") || !skip_var_bytes(r, "input script") || !r.skip(4, "input sequence"))
      return false;
  }
  return true;
}

bool read_outputs(Reader& r) {
  uint64_t n = 0;
  if (!r.read_compact_size(&n, "output count")) return false;
  for (uint64_t i = 0; i < n; ++i) {
    if (!r.skip(8, "output value") || !skip_var_bytes(r, "output script")) return false;
  }
  return true;
}

// One transaction, as Bitcoin Core's UnserializeTransaction reads it with
// witness allowed.
bool read_tx(Reader& r, TxSpan* tx) {
  tx->begin = static_cast<uint32_t>(r.offset());
  if (!r.skip(4, "tx version")) return false;
  tx->inputs_begin = static_cast<uint32_t>(r.offset());
  uint64_t n_inputs = 0;
  if (!read_inputs(r, &n_inputs)) return false;
  uint8_t flags = 0;
  if (n_inputs == 0) {
    // An empty input list is the segwit marker; the next byte holds flags.
    if (!r.read_u8(&flags, "tx witness flag")) return false;
    if (flags != 0) {
      tx->inputs_begin = static_cast<uint32_t>(r.offset());
      if (!read_inputs(r, &n_inputs) || !read_outputs(r)) return false;
    }
  } else if (!read_outputs(r)) {
    return false;
  }
  tx->outputs_end = static_cast<uint32_t>(r.offset());
  tx->has_witness = false;
  if (flags & 1) {
    flags ^= 1;
    bool any_witness = false;
    for (uint64_t i = 0; i < n_inputs; ++i) {
      uint64_t items = 0;
      if (!r.read_compact_size(&items, "witness item count")) return false;
      any_witness |= items != 0;
      for (uint64_t j = 0; j < items; ++j) {
        if (!skip_var_bytes(r, "witness item")) return false;
      }
    }
    if (!any_witness) {
      r.fail("superfluous witness record");
      return false;
    }
    tx->has_witness = true;
  }
  if (flags != 0) {
    r.fail("unknown transaction optional data");
    return false;
  }
  if (!r.skip(4, "tx locktime")) return false;
  tx->end = static_cast<uint32_t>(r.offset());
  return true;
}

void read_hash(const uint8_t* p, Hash256* h) { std::copy(p, p + 32, h->bytes.begin()); }

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t{p[3]} << 24; }

}  // namespace

Status parse_block_header(ByteView bytes, BlockHeader* out) {
  if (bytes.size() < kBlockHeaderSize)
    return Status::Corruption("truncated block header (" + std::to_string(bytes.size()) + " of 80 bytes)");
  const uint8_t* p = bytes.data();
  out->version = static_cast<int32_t>(le32(p));
  read_hash(p + 4, &out->prev_block);
  read_hash(p + 36, &out->merkle_root);
  out->time = le32(p + 68);
  out->bits = le32(p + 72);
  out->nonce = le32(p + 76);
  return Status::Ok();
}

Status parse_block(ByteView block, ParsedBlock* out) {
  if (block.size() > std::numeric_limits<uint32_t>::max())
    return Status::Corruption("block of " + std::to_string(block.size()) + " bytes is larger than 4 GiB");
  Status s = parse_block_header(block, &out->header);
  if (!s.ok()) return s;
  out->hash = sha256d(block.first(kBlockHeaderSize));
  Reader r(block);
  r.skip(kBlockHeaderSize, "block header");
  uint64_t n_tx = 0;
  if (!r.read_compact_size(&n_tx, "transaction count")) return Status::Corruption(r.error());
  out->txs.clear();
  // A hostile count must not make us reserve memory the bytes cannot back.
  out->txs.reserve(static_cast<size_t>(std::min<uint64_t>(n_tx, r.remaining() / kMinTxSize)));
  for (uint64_t i = 0; i < n_tx; ++i) {
    TxSpan tx;
    if (!read_tx(r, &tx)) return Status::Corruption("transaction " + std::to_string(i) + ": " + r.error());
    out->txs.push_back(tx);
  }
  if (r.remaining() != 0)
    return Status::Corruption(std::to_string(r.remaining()) + " trailing bytes after the last transaction at byte " +
                              std::to_string(r.offset()));
  return Status::Ok();
}

// One standalone transaction occupying all of `bytes` (transaction.cpp).
Status parse_tx_span(ByteView bytes, TxSpan* span) {
  if (bytes.size() > std::numeric_limits<uint32_t>::max())
    return Status::Corruption("transaction of " + std::to_string(bytes.size()) + " bytes is larger than 4 GiB");
  Reader r(bytes);
  if (!read_tx(r, span)) return Status::Corruption(r.error());
  if (r.remaining() != 0)
    return Status::Corruption(std::to_string(r.remaining()) + " trailing bytes after the transaction at byte " +
                              std::to_string(r.offset()));
  return Status::Ok();
}

Hash256 txid_of(ByteView block, const TxSpan& tx) {
  if (!tx.has_witness) return sha256d(block.subspan(tx.begin, tx.end - tx.begin));
  Sha256Stream inner;
  inner.update(block.subspan(tx.begin, 4));
  inner.update(block.subspan(tx.inputs_begin, tx.outputs_end - tx.inputs_begin));
  inner.update(block.subspan(tx.end - 4, 4));
  Hash256 first = inner.finish();
  return sha256(ByteView(first.bytes));
}

Hash256 wtxid_of(ByteView block, const TxSpan& tx) { return sha256d(block.subspan(tx.begin, tx.end - tx.begin)); }

std::vector<Hash256> block_txids(ByteView block, const ParsedBlock& parsed, WorkerPool* pool) {
  std::vector<Hash256> ids(parsed.txs.size());
  auto body = [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) ids[i] = txid_of(block, parsed.txs[i]);
  };
  if (pool && ids.size() > 256) {
    pool->parallel_for(ids.size(), 128, body);
  } else {
    body(0, ids.size());
  }
  return ids;
}

}  // namespace vigil
