// Signature hashes: Bitcoin Core's CTransactionSignatureSerializer (legacy),
// BIP143 and BIP341, serialized straight into SHA-256 streams.
#include "vigil/sighash.hpp"

#include <algorithm>
#include <string_view>

#include "bitcoin/script.hpp"
#include "vigil/hash.hpp"

namespace vigil {
namespace {

// Serialization helpers writing into a SHA-256 stream.
class Writer {
 public:
  explicit Writer(Sha256Stream& s) : s_(s) {}
  void bytes(ByteView b) { s_.update(b); }
  void u8(uint8_t v) { bytes(ByteView(&v, 1)); }
  void u32(uint32_t v) {
    uint8_t b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    bytes(ByteView(b, 4));
  }
  void u64(uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    bytes(ByteView(b, 8));
  }
  void compact(uint64_t n) {
    if (n < 253) {
      u8(static_cast<uint8_t>(n));
    } else if (n <= 0xffff) {
      u8(253);
      const uint8_t b[2] = {static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8)};
      bytes(ByteView(b, 2));
    } else if (n <= 0xffffffff) {
      u8(254);
      u32(static_cast<uint32_t>(n));
    } else {
      u8(255);
      u64(n);
    }
  }
  void var_bytes(ByteView b) {
    compact(b.size());
    bytes(b);
  }
  void hash(const Hash256& h) { bytes(ByteView(h.bytes.data(), 32)); }
  void outpoint(const OutPoint& p) {
    hash(p.txid);
    u32(p.index);
  }
  void output(const TxOut& o) {
    u64(static_cast<uint64_t>(o.value));
    var_bytes(o.script_pubkey);
  }

 private:
  Sha256Stream& s_;
};

Hash256 double_of(Sha256Stream& s) {
  const Hash256 first = s.finish();
  return sha256(ByteView(first.bytes.data(), 32));
}

// CompactSize length and bytes, appended.
void append_var_bytes(Bytes& out, ByteView b) {
  const uint64_t n = b.size();
  if (n < 253) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xffff) {
    out.insert(out.end(), {253, static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8)});
  } else {
    out.push_back(254);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  }
  out.insert(out.end(), b.begin(), b.end());
}

// The hash "1": uint256 with value one.
Hash256 one() {
  Hash256 h{};
  h.bytes[0] = 1;
  return h;
}

// CTransactionSignatureSerializer::SerializeScriptCode: the script without
// its OP_CODESEPARATORs, up to where GetOp stops.
void script_code_without_separators(Writer& w, ByteView script) {
  size_t separators = 0;
  {
    bitcoin::ScriptCursor c(script);
    bitcoin::ScriptOp op;
    while (c.next(&op)) separators += op.opcode == bitcoin::OP_CODESEPARATOR;
  }
  w.compact(script.size() - separators);
  bitcoin::ScriptCursor c(script);
  bitcoin::ScriptOp op;
  size_t begin = 0;
  while (c.next(&op)) {
    if (op.opcode == bitcoin::OP_CODESEPARATOR) {
      w.bytes(script.subspan(begin, op.begin - begin));
      begin = op.end;
    }
  }
  // GetOp leaves the cursor where it stopped: past a malformed push's
  // opcode and length bytes, short of the script's end.
  if (begin != script.size()) w.bytes(script.subspan(begin, c.offset() - begin));
}

}  // namespace

Hash256 tapleaf_hash(uint8_t leaf_version, ByteView script) {
  Bytes data{leaf_version};
  append_var_bytes(data, script);
  return tagged_hash("TapLeaf", data);
}

Hash256 tagged_hash(std::string_view tag, ByteView data) {
  const Hash256 t = sha256(ByteView(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
  Sha256Stream s;
  s.update(ByteView(t.bytes.data(), 32)).update(ByteView(t.bytes.data(), 32)).update(data);
  return s.finish();
}

Hash256 legacy_sighash(const Transaction& tx, size_t input, ByteView script_code, int32_t hash_type) {
  if (input >= tx.inputs.size()) return one();
  const int base = hash_type & 0x1f;
  const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
  const bool none = base == kSighashNone, single = base == kSighashSingle;
  if (single && input >= tx.outputs.size()) return one();  // the SIGHASH_SINGLE bug
  Sha256Stream s;
  Writer w(s);
  w.u32(static_cast<uint32_t>(tx.version));
  const size_t n_inputs = anyone_can_pay ? 1 : tx.inputs.size();
  w.compact(n_inputs);
  for (size_t k = 0; k < n_inputs; ++k) {
    const size_t i = anyone_can_pay ? input : k;
    const TxIn& in = tx.inputs[i];
    w.outpoint(in.prevout);
    if (i == input) {
      script_code_without_separators(w, script_code);
    } else {
      w.compact(0);
    }
    w.u32(i != input && (none || single) ? 0 : in.sequence);
  }
  const size_t n_outputs = none ? 0 : single ? input + 1 : tx.outputs.size();
  w.compact(n_outputs);
  for (size_t i = 0; i < n_outputs; ++i) {
    if (single && i != input) {
      w.u64(~uint64_t{0});  // CTxOut(): value -1, empty script
      w.compact(0);
    } else {
      w.output(tx.outputs[i]);
    }
  }
  w.u32(tx.locktime);
  w.u32(static_cast<uint32_t>(hash_type));
  return double_of(s);
}

Bytes push_of(ByteView sig) {
  Bytes pattern;
  if (sig.size() < bitcoin::OP_PUSHDATA1) {
    pattern.push_back(static_cast<uint8_t>(sig.size()));
  } else if (sig.size() <= 0xff) {
    pattern = {bitcoin::OP_PUSHDATA1, static_cast<uint8_t>(sig.size())};
  } else if (sig.size() <= 0xffff) {
    pattern = {bitcoin::OP_PUSHDATA2, static_cast<uint8_t>(sig.size()), static_cast<uint8_t>(sig.size() >> 8)};
  } else {
    pattern = {bitcoin::OP_PUSHDATA4};
    for (int i = 0; i < 4; ++i) pattern.push_back(static_cast<uint8_t>(sig.size() >> (8 * i)));
  }
  pattern.insert(pattern.end(), sig.begin(), sig.end());
  return pattern;
}

Bytes find_and_delete(ByteView script, ByteView pattern) {
  if (pattern.empty()) return Bytes(script.begin(), script.end());
  // As Core: at each op boundary, skip every copy of the pattern that
  // starts there, then step over one op from where the skipping ended; at
  // the first op GetOp cannot read, keep the rest as it is.
  Bytes out;
  out.reserve(script.size());
  size_t pc = 0, kept_from = 0;
  for (;;) {
    out.insert(out.end(), script.begin() + static_cast<std::ptrdiff_t>(kept_from),
               script.begin() + static_cast<std::ptrdiff_t>(pc));
    while (script.size() - pc >= pattern.size() &&
           std::equal(pattern.begin(), pattern.end(), script.begin() + static_cast<std::ptrdiff_t>(pc)))
      pc += pattern.size();
    kept_from = pc;
    bitcoin::ScriptCursor c(script, pc);
    bitcoin::ScriptOp op;
    if (!c.next(&op)) break;
    pc = op.end;
  }
  out.insert(out.end(), script.begin() + static_cast<std::ptrdiff_t>(kept_from), script.end());
  return out;
}

SegwitV0Hashes::SegwitV0Hashes(const Transaction& tx) {
  Sha256Stream p, q, o;
  Writer wp(p), wq(q), wo(o);
  for (const TxIn& in : tx.inputs) {
    wp.outpoint(in.prevout);
    wq.u32(in.sequence);
  }
  for (const TxOut& out : tx.outputs) wo.output(out);
  prevouts = double_of(p);
  sequences = double_of(q);
  outputs = double_of(o);
}

Hash256 segwit_v0_sighash(const Transaction& tx, size_t input, ByteView script_code, int64_t amount, int32_t hash_type,
                          const SegwitV0Hashes& hashes) {
  const int base = hash_type & 0x1f;
  const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
  const bool none = base == kSighashNone, single = base == kSighashSingle;
  Hash256 zero{}, hash_outputs{};
  if (!single && !none) {
    hash_outputs = hashes.outputs;
  } else if (single && input < tx.outputs.size()) {
    Sha256Stream o;
    Writer(o).output(tx.outputs[input]);
    hash_outputs = double_of(o);
  }
  Sha256Stream s;
  Writer w(s);
  w.u32(static_cast<uint32_t>(tx.version));
  w.hash(anyone_can_pay ? zero : hashes.prevouts);
  w.hash(anyone_can_pay || single || none ? zero : hashes.sequences);
  w.outpoint(tx.inputs[input].prevout);
  w.var_bytes(script_code);
  w.u64(static_cast<uint64_t>(amount));
  w.u32(tx.inputs[input].sequence);
  w.hash(hash_outputs);
  w.u32(tx.locktime);
  w.u32(static_cast<uint32_t>(hash_type));
  return double_of(s);
}

TaprootHashes::TaprootHashes(const Transaction& tx, std::span<const SpentOutput> spent) {
  Sha256Stream p, a, k, q, o;
  Writer wp(p), wa(a), wk(k), wq(q), wo(o);
  for (const TxIn& in : tx.inputs) {
    wp.outpoint(in.prevout);
    wq.u32(in.sequence);
  }
  for (const SpentOutput& s : spent) {
    wa.u64(static_cast<uint64_t>(s.amount));
    wk.var_bytes(s.script_pubkey);
  }
  for (const TxOut& out : tx.outputs) wo.output(out);
  prevouts = p.finish();
  amounts = a.finish();
  script_pubkeys = k.finish();
  sequences = q.finish();
  outputs = o.finish();
}

bool taproot_sighash(const Transaction& tx, size_t input, std::span<const SpentOutput> spent, uint8_t hash_type,
                     const TaprootHashes& hashes, std::optional<ByteView> annex, const TapscriptExt* ext,
                     Hash256* out, Bytes* message) {
  if (input >= tx.inputs.size() || spent.size() != tx.inputs.size()) return false;
  // The hash types BIP341 defines: 0x00-0x03, 0x81-0x83.
  if (!(hash_type <= 0x03 || (hash_type >= 0x81 && hash_type <= 0x83))) return false;
  const uint8_t output_type = hash_type == kSighashDefault ? kSighashAll : (hash_type & 0x03);
  const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
  if (output_type == kSighashSingle && input >= tx.outputs.size()) return false;

  // The signature message, collected so that tests can compare it.
  Bytes msg;
  auto put = [&](ByteView b) { msg.insert(msg.end(), b.begin(), b.end()); };
  auto put_u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) msg.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  auto put_u64 = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) msg.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  auto put_hash = [&](const Hash256& h) { put(ByteView(h.bytes.data(), 32)); };
  auto put_var = [&](ByteView b) { append_var_bytes(msg, b); };

  msg.push_back(0x00);  // the epoch
  msg.push_back(hash_type);
  put_u32(static_cast<uint32_t>(tx.version));
  put_u32(tx.locktime);
  if (!anyone_can_pay) {
    put_hash(hashes.prevouts);
    put_hash(hashes.amounts);
    put_hash(hashes.script_pubkeys);
    put_hash(hashes.sequences);
  }
  if (output_type != kSighashNone && output_type != kSighashSingle) put_hash(hashes.outputs);
  msg.push_back(static_cast<uint8_t>((ext ? 2 : 0) + (annex ? 1 : 0)));
  if (anyone_can_pay) {
    const TxIn& in = tx.inputs[input];
    put_hash(in.prevout.txid);
    put_u32(in.prevout.index);
    put_u64(static_cast<uint64_t>(spent[input].amount));
    put_var(spent[input].script_pubkey);
    put_u32(in.sequence);
  } else {
    put_u32(static_cast<uint32_t>(input));
  }
  if (annex) {
    Bytes with_size;
    append_var_bytes(with_size, *annex);
    put_hash(sha256(ByteView(with_size.data(), with_size.size())));
  }
  if (output_type == kSighashSingle) {
    Sha256Stream o;
    Writer(o).output(tx.outputs[input]);
    put_hash(o.finish());
  }
  if (ext) {
    put_hash(ext->tapleaf_hash);
    msg.push_back(0x00);  // key_version
    put_u32(ext->codesep_pos);
  }
  *out = tagged_hash("TapSighash", ByteView(msg.data(), msg.size()));
  if (message) *message = std::move(msg);
  return true;
}

}  // namespace vigil
