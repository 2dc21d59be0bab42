#include "vigil/transaction.hpp"

#include <algorithm>

#include "bitcoin/reader.hpp"

namespace vigil {
namespace {

using bitcoin::Reader;

bool read_var_bytes(Reader& r, ByteView data, ByteView* out, const char* what) {
  uint64_t len = 0;
  if (!r.read_compact_size(&len, what)) return false;
  const size_t at = r.offset();
  if (!r.skip(len, what)) return false;
  *out = data.subspan(at, static_cast<size_t>(len));
  return true;
}

bool read_hash(Reader& r, Hash256* h, const char* what) { return r.read_bytes(h->bytes.data(), 32, what); }

// A count that the remaining bytes can back (each element needs at least
// `min_bytes`), so a hostile count cannot make us reserve memory.
size_t bounded_reserve(uint64_t count, const Reader& r, size_t min_bytes) {
  return static_cast<size_t>(std::min<uint64_t>(count, r.remaining() / min_bytes));
}

// Reads a transaction whose extent, witness flag and offsets `span` already
// established (parse_block or parse_tx_span checked every length), with
// views into `data`.
Status read_with_span(ByteView data, const TxSpan& span, Transaction* out) {
  Reader r(data.first(span.end));
  r.skip(span.begin, "transaction start");
  uint32_t version = 0;
  r.read_u32(&version, "tx version");
  out->version = static_cast<int32_t>(version);
  r.skip(span.inputs_begin - span.begin - 4, "segwit marker");
  uint64_t n_in = 0;
  r.read_compact_size(&n_in, "input count");
  out->inputs.clear();
  out->inputs.reserve(bounded_reserve(n_in, r, 41));
  for (uint64_t i = 0; i < n_in && !r.failed(); ++i) {
    TxIn in;
    read_hash(r, &in.prevout.txid, "input prevout");
    r.read_u32(&in.prevout.index, "input prevout index");
    read_var_bytes(r, data, &in.script_sig, "input script");
    r.read_u32(&in.sequence, "input sequence");
    out->inputs.push_back(std::move(in));
  }
  uint64_t n_out = 0;
  r.read_compact_size(&n_out, "output count");
  out->outputs.clear();
  out->outputs.reserve(bounded_reserve(n_out, r, 9));
  for (uint64_t i = 0; i < n_out && !r.failed(); ++i) {
    TxOut o;
    uint64_t value = 0;
    r.read_u64(&value, "output value");
    o.value = static_cast<int64_t>(value);
    read_var_bytes(r, data, &o.script_pubkey, "output script");
    out->outputs.push_back(o);
  }
  if (span.has_witness) {
    for (TxIn& in : out->inputs) {
      uint64_t items = 0;
      if (!r.read_compact_size(&items, "witness item count")) break;
      in.witness.reserve(bounded_reserve(items, r, 1));
      for (uint64_t j = 0; j < items; ++j) {
        ByteView item;
        if (!read_var_bytes(r, data, &item, "witness item")) break;
        in.witness.push_back(item);
      }
    }
  }
  r.read_u32(&out->locktime, "tx locktime");
  if (r.failed()) return Status::Corruption(r.error());
  if (r.offset() != span.end) return Status::Internal("transaction reader disagrees with the block parser");
  out->has_witness = span.has_witness;
  out->bytes = data.subspan(span.begin, span.end - span.begin);
  out->base_size = tx_base_size(span);
  return Status::Ok();
}

}  // namespace

// block.cpp's transaction scanner, for one standalone transaction.
Status parse_tx_span(ByteView bytes, TxSpan* span);

Status parse_transaction(ByteView bytes, Transaction* out) {
  TxSpan span;
  if (Status s = parse_tx_span(bytes, &span); !s.ok()) return s;
  return read_with_span(bytes, span, out);
}

Status read_transaction(ByteView block, const TxSpan& span, Transaction* out) {
  if (span.end > block.size() || span.begin > span.inputs_begin || span.outputs_end > span.end)
    return Status::InvalidArgument("read_transaction: the span lies outside the block");
  return read_with_span(block, span, out);
}

Status read_block_transactions(ByteView block, const ParsedBlock& parsed, std::vector<Transaction>* out) {
  out->resize(parsed.txs.size());
  for (size_t i = 0; i < parsed.txs.size(); ++i) {
    if (Status s = read_transaction(block, parsed.txs[i], &(*out)[i]); !s.ok())
      return Status::Corruption("transaction " + std::to_string(i) + ": " + s.message());
  }
  return Status::Ok();
}

}  // namespace vigil
