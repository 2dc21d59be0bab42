// Owned, editable transactions and blocks: build them (the chain simulator),
// or read a real block, change one thing and serialize it back (the
// consensus tests), recomputing the Merkle root and the witness commitment
// where asked. Serialization is Bitcoin's, witness data included when an
// input has any.
#pragma once

#include <cstdint>
#include <vector>

#include "vigil/block.hpp"
#include "vigil/hash.hpp"
#include "vigil/merkle.hpp"
#include "vigil/transaction.hpp"

namespace vigil {

struct OwnedIn {
  OutPoint prevout;
  Bytes script_sig;
  uint32_t sequence = 0xffffffff;
  std::vector<Bytes> witness;
};
struct OwnedOut {
  int64_t value = 0;
  Bytes script;
};
struct OwnedTx {
  int32_t version = 1;
  std::vector<OwnedIn> inputs;
  std::vector<OwnedOut> outputs;
  uint32_t locktime = 0;
};

inline OwnedTx own(const Transaction& tx) {
  OwnedTx o{tx.version, {}, {}, tx.locktime};
  for (const TxIn& in : tx.inputs) {
    OwnedIn i{in.prevout, Bytes(in.script_sig.begin(), in.script_sig.end()), in.sequence, {}};
    for (ByteView w : in.witness) i.witness.emplace_back(w.begin(), w.end());
    o.inputs.push_back(std::move(i));
  }
  for (const TxOut& out : tx.outputs) o.outputs.push_back({out.value, Bytes(out.script_pubkey.begin(), out.script_pubkey.end())});
  return o;
}

inline void put_u32(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void put_u64(Bytes& b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void put_compact(Bytes& b, uint64_t n) {
  if (n < 253) {
    b.push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xffff) {
    b.push_back(253);
    b.push_back(static_cast<uint8_t>(n));
    b.push_back(static_cast<uint8_t>(n >> 8));
  } else {
    b.push_back(254);
    put_u32(b, static_cast<uint32_t>(n));
  }
}
inline void put_bytes(Bytes& b, const Bytes& v) {
  put_compact(b, v.size());
  b.insert(b.end(), v.begin(), v.end());
}

inline bool has_witness(const OwnedTx& tx) {
  for (const OwnedIn& in : tx.inputs)
    if (!in.witness.empty()) return true;
  return false;
}

// Bitcoin's serialization; with_witness adds the marker, flag and witnesses
// when some input has any.
inline Bytes serialize(const OwnedTx& tx, bool with_witness = true) {
  const bool w = with_witness && has_witness(tx);
  Bytes b;
  put_u32(b, static_cast<uint32_t>(tx.version));
  if (w) b.insert(b.end(), {0x00, 0x01});
  put_compact(b, tx.inputs.size());
  for (const OwnedIn& in : tx.inputs) {
    b.insert(b.end(), in.prevout.txid.bytes.begin(), in.prevout.txid.bytes.end());
    put_u32(b, in.prevout.index);
    put_bytes(b, in.script_sig);
    put_u32(b, in.sequence);
  }
  put_compact(b, tx.outputs.size());
  for (const OwnedOut& out : tx.outputs) {
    put_u64(b, static_cast<uint64_t>(out.value));
    put_bytes(b, out.script);
  }
  if (w) {
    for (const OwnedIn& in : tx.inputs) {
      put_compact(b, in.witness.size());
      for (const Bytes& item : in.witness) put_bytes(b, item);
    }
  }
  put_u32(b, tx.locktime);
  return b;
}

inline Hash256 txid(const OwnedTx& tx) { return sha256d(serialize(tx, false)); }
inline Hash256 wtxid(const OwnedTx& tx) { return sha256d(serialize(tx, true)); }

struct OwnedBlock {
  Bytes header;  // 80 bytes
  std::vector<OwnedTx> txs;
};

inline OwnedBlock own_block(ByteView block) {
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  OwnedBlock b;
  if (!parse_block(block, &parsed).ok() || !read_block_transactions(block, parsed, &txs).ok()) return b;
  b.header.assign(block.begin(), block.begin() + kBlockHeaderSize);
  for (const Transaction& tx : txs) b.txs.push_back(own(tx));
  return b;
}

// Writes the Merkle root of the transactions into the header.
inline void fix_merkle_root(OwnedBlock& b) {
  std::vector<Hash256> ids;
  for (const OwnedTx& tx : b.txs) ids.push_back(txid(tx));
  const Hash256 root = merkle_root(ids).root;
  std::copy(root.bytes.begin(), root.bytes.end(), b.header.begin() + 36);
}

// Rewrites the coinbase's witness commitment (its last commitment output)
// for the current wtxids, then the Merkle root.
inline void fix_witness_commitment(OwnedBlock& b) {
  std::vector<Hash256> ids{Hash256{}};  // the coinbase's wtxid counts as zero
  for (size_t i = 1; i < b.txs.size(); ++i) ids.push_back(wtxid(b.txs[i]));
  const Hash256 root = merkle_root(ids).root;
  Hash256 reserved{};
  const auto& cb_witness = b.txs[0].inputs[0].witness;
  if (cb_witness.size() == 1 && cb_witness[0].size() == 32) std::copy(cb_witness[0].begin(), cb_witness[0].end(), reserved.bytes.begin());
  const Hash256 commitment = witness_commitment(root, reserved);
  for (auto it = b.txs[0].outputs.rbegin(); it != b.txs[0].outputs.rend(); ++it) {
    Bytes& s = it->script;
    if (s.size() >= 38 && s[0] == 0x6a && s[1] == 0x24 && s[2] == 0xaa && s[3] == 0x21 && s[4] == 0xa9 && s[5] == 0xed) {
      std::copy(commitment.bytes.begin(), commitment.bytes.end(), s.begin() + 6);
      break;
    }
  }
  fix_merkle_root(b);
}

inline Bytes serialize(const OwnedBlock& b) {
  Bytes out = b.header;
  put_compact(out, b.txs.size());
  for (const OwnedTx& tx : b.txs) {
    const Bytes t = serialize(tx);
    out.insert(out.end(), t.begin(), t.end());
  }
  return out;
}

}  // namespace vigil
