// Bitcoin Core's CheckBlock / CheckTransaction (validation.cpp,
// consensus/tx_check.cpp) and the witness part of ContextualCheckBlock, in
// the same order, with the same reject reasons.
#include "vigil/block_check.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "bitcoin/script.hpp"
#include "vigil/script.hpp"
#include "vigil/hash.hpp"

namespace vigil {
namespace {

// Most significant byte first: Hash256 holds the number little-endian.
int compare_u256(const Hash256& a, const Hash256& b) {
  for (int i = 31; i >= 0; --i) {
    if (a.bytes[i] != b.bytes[i]) return a.bytes[i] < b.bytes[i] ? -1 : 1;
  }
  return 0;
}

Hash256 from_display_hex(const char* hex) {
  Hash256 h;
  for (int i = 0; i < 32; ++i) {
    unsigned v = 0;
    for (int k = 0; k < 2; ++k) {
      const char c = hex[2 * i + k];
      v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    h.bytes[31 - i] = static_cast<uint8_t>(v);
  }
  return h;
}

bool money_range(int64_t v) { return v >= 0 && v <= kMaxMoney; }

}  // namespace

Hash256 pow_limit(Network network) {
  switch (network) {
    case Network::kRegtest: return from_display_hex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    case Network::kSignet: return from_display_hex("00000377ae000000000000000000000000000000000000000000000000000000");
    case Network::kMainnet:
    case Network::kTestnet3:
    case Network::kTestnet4: break;
  }
  return from_display_hex("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
}

bool target_from_bits(uint32_t bits, const Hash256& limit, Hash256* target) {
  const uint32_t size = bits >> 24;
  uint32_t word = bits & 0x007fffff;
  *target = Hash256{};
  if (size <= 3) {
    word >>= 8 * (3 - size);
    for (int i = 0; i < 3; ++i) target->bytes[i] = static_cast<uint8_t>(word >> (8 * i));
  } else {
    // word << 8 * (size - 3): its bytes land at positions size-3 .. size-1;
    // those past 31 are the overflow caught below.
    for (uint32_t i = 0; i < 3; ++i) {
      const uint32_t at = size - 3 + i;
      if (at < 32) target->bytes[at] = static_cast<uint8_t>(word >> (8 * i));
    }
  }
  const bool negative = word != 0 && (bits & 0x00800000) != 0;
  const bool overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  if (negative || overflow || *target == Hash256{}) return false;
  return compare_u256(*target, limit) <= 0;
}

bool check_proof_of_work(const Hash256& hash, uint32_t bits, Network network) {
  Hash256 target;
  if (!target_from_bits(bits, pow_limit(network), &target)) return false;
  return compare_u256(hash, target) <= 0;
}

Validity check_transaction(const Transaction& tx) {
  if (tx.inputs.empty()) return Validity::Invalid("bad-txns-vin-empty");
  if (tx.outputs.empty()) return Validity::Invalid("bad-txns-vout-empty");
  if (uint64_t{tx.base_size} * kWitnessScaleFactor > kMaxBlockWeight)
    return Validity::Invalid("bad-txns-oversize", std::to_string(tx.base_size) + " bytes without witness");
  int64_t total = 0;
  for (size_t i = 0; i < tx.outputs.size(); ++i) {
    const int64_t v = tx.outputs[i].value;
    if (v < 0) return Validity::Invalid("bad-txns-vout-negative", "output " + std::to_string(i));
    if (v > kMaxMoney) return Validity::Invalid("bad-txns-vout-toolarge", "output " + std::to_string(i));
    total += v;  // both at most MAX_MONEY: no overflow
    if (!money_range(total)) return Validity::Invalid("bad-txns-txouttotal-toolarge", "after output " + std::to_string(i));
  }
  // CVE-2018-17144: the same outpoint spent twice within one transaction.
  if (tx.inputs.size() > 1) {
    std::vector<OutPoint> prevouts;
    prevouts.reserve(tx.inputs.size());
    for (const TxIn& in : tx.inputs) prevouts.push_back(in.prevout);
    std::sort(prevouts.begin(), prevouts.end());
    if (std::adjacent_find(prevouts.begin(), prevouts.end()) != prevouts.end())
      return Validity::Invalid("bad-txns-inputs-duplicate");
  }
  if (tx.is_coinbase()) {
    const size_t n = tx.inputs[0].script_sig.size();
    if (n < 2 || n > 100) return Validity::Invalid("bad-cb-length", std::to_string(n) + "-byte coinbase script");
  } else {
    for (size_t i = 0; i < tx.inputs.size(); ++i)
      if (tx.inputs[i].prevout.is_null()) return Validity::Invalid("bad-txns-prevout-null", "input " + std::to_string(i));
  }
  return Validity::Valid();
}

Validity check_block(ByteView block, const ParsedBlock& parsed, const std::vector<Transaction>& txs,
                     const BlockHashes& hashes, const CheckBlockOptions& options) {
  // CheckBlockHeader.
  if (options.check_pow && !check_proof_of_work(parsed.hash, parsed.header.bits, options.network))
    return Validity::Invalid("high-hash", "proof of work failed");
  if (options.check_merkle_root) {
    if (hashes.merkle.root != parsed.header.merkle_root) return Validity::Invalid("bad-txnmrklroot", "hashMerkleRoot mismatch");
    // CVE-2012-2459: a tree with a duplicated tail has the same root.
    if (hashes.merkle.mutated) return Validity::Invalid("bad-txns-duplicate", "duplicate transaction");
  }
  // Size limits: the count, and the size without witness data.
  uint64_t base_size = block.size();
  for (const Transaction& tx : txs) base_size -= tx.bytes.size() - tx.base_size;
  if (txs.empty() || txs.size() * kWitnessScaleFactor > kMaxBlockWeight ||
      base_size * kWitnessScaleFactor > kMaxBlockWeight)
    return Validity::Invalid("bad-blk-length", "size limits failed");
  if (!txs[0].is_coinbase()) return Validity::Invalid("bad-cb-missing", "first tx is not coinbase");
  for (size_t i = 1; i < txs.size(); ++i)
    if (txs[i].is_coinbase()) return Validity::Invalid("bad-cb-multiple", "more than one coinbase (tx " + std::to_string(i) + ")");
  for (size_t i = 0; i < txs.size(); ++i) {
    Validity v = check_transaction(txs[i]);
    if (!v.valid) {
      v.debug = "Transaction check failed (tx " + std::to_string(i) + ", txid " + to_display_hex(hashes.txids.at(i)) +
                ")" + (v.debug.empty() ? "" : ": " + v.debug);
      return v;
    }
  }
  uint64_t sigops = 0;
  for (const Transaction& tx : txs) {
    for (const TxIn& in : tx.inputs) sigops += script::legacy_sigop_count(in.script_sig, false);
    for (const TxOut& out : tx.outputs) sigops += script::legacy_sigop_count(out.script_pubkey, false);
  }
  if (sigops * kWitnessScaleFactor > kMaxBlockSigopsCost)
    return Validity::Invalid("bad-blk-sigops", std::to_string(sigops) + " legacy sigops");
  if (!options.witness_rules) return Validity::Valid();
  return check_block_witness(block, parsed, txs, hashes, options.segwit);
}

Validity check_block_witness(ByteView block, const ParsedBlock& parsed, const std::vector<Transaction>& txs,
                             const BlockHashes& hashes, bool segwit) {
  uint64_t base_size = block.size();
  for (const Transaction& tx : txs) base_size -= tx.bytes.size() - tx.base_size;
  // ContextualCheckBlock's witness rules. Without segwit no block commits
  // to witness data, so any witness is unexpected (Core checks this either way).
  bool have_witness = false;
  if (segwit) {
    CoinbaseWitness cw;
    if (Status s = coinbase_witness(block, parsed, &cw); !s.ok()) return Validity::Invalid("bad-cb-missing", s.message());
    if (cw.commitment) {
      if (!cw.reserved_value)
        return Validity::Invalid("bad-witness-nonce-size", "the coinbase witness is not one 32-byte item");
      if (witness_commitment(hashes.witness_merkle.root, *cw.reserved_value) != *cw.commitment)
        return Validity::Invalid("bad-witness-merkle-match", "witness merkle commitment mismatch");
      have_witness = true;
    }
  }
  if (!have_witness) {
    for (size_t i = 0; i < txs.size(); ++i)
      if (txs[i].has_witness) return Validity::Invalid("unexpected-witness", "tx " + std::to_string(i) + " has witness data");
  }
  // GetBlockWeight: the size without witness data * 3 + the total size.
  const uint64_t block_weight = base_size * 3 + block.size();
  if (block_weight > kMaxBlockWeight)
    return Validity::Invalid("bad-blk-weight", "weight " + std::to_string(block_weight));
  return Validity::Valid();
}

}  // namespace vigil

namespace vigil {

Bytes bip34_height_script(uint32_t height) {
  if (height == 0) return {0x00};
  if (height <= 16) return {static_cast<uint8_t>(0x50 + height)};
  Bytes num;  // CScriptNum: little-endian, a sign byte when the top bit is set
  for (uint32_t v = height; v; v >>= 8) num.push_back(static_cast<uint8_t>(v));
  if (num.back() & 0x80) num.push_back(0);
  Bytes s{static_cast<uint8_t>(num.size())};
  s.insert(s.end(), num.begin(), num.end());
  return s;
}

std::optional<uint32_t> coinbase_height_push(const Transaction& coinbase) {
  if (coinbase.inputs.empty()) return std::nullopt;
  const ByteView sig = coinbase.inputs[0].script_sig;
  if (sig.empty()) return std::nullopt;
  const uint8_t op = sig[0];
  uint32_t height = 0;
  if (op == 0x00) {
    height = 0;
  } else if (op >= 0x51 && op <= 0x60) {
    height = op - 0x50u;
  } else if (op >= 1 && op <= 4 && sig.size() >= 1u + op) {
    if (sig[op] & 0x80) return std::nullopt;  // negative
    for (int i = op; i >= 1; --i) height = height << 8 | sig[i];
  } else {
    return std::nullopt;
  }
  // Minimal, as BIP34 writes it: the same bytes back.
  const Bytes expect = bip34_height_script(height);
  if (sig.size() < expect.size() || !std::equal(expect.begin(), expect.end(), sig.begin())) return std::nullopt;
  return height;
}

bool is_final_tx(const Transaction& tx, uint32_t height, int64_t cutoff_time) {
  constexpr uint32_t kLocktimeThreshold = 500'000'000;  // below: a height; from it: a time
  if (tx.locktime == 0) return true;
  if (static_cast<int64_t>(tx.locktime) < (tx.locktime < kLocktimeThreshold ? static_cast<int64_t>(height) : cutoff_time))
    return true;
  for (const TxIn& in : tx.inputs)
    if (in.sequence != 0xffffffff) return false;
  return true;
}

Validity check_block_version(const BlockHeader& header, const BlockRules& rules) {
  const int32_t version = header.version;  // signed, as Core compares it
  if ((version < 2 && rules.bip34) || (version < 3 && rules.bip66) || (version < 4 && rules.bip65)) {
    char reason[32];
    std::snprintf(reason, sizeof reason, "bad-version(0x%08x)", static_cast<uint32_t>(version));
    return Validity::Invalid(reason, "rejected nVersion block");
  }
  return Validity::Valid();
}

Validity check_block_context(const ParsedBlock& parsed, const std::vector<Transaction>& txs, uint32_t height,
                             uint32_t parent_mtp, const BlockRules& rules) {
  if (Validity v = check_block_version(parsed.header, rules); !v.valid) return v;
  const int64_t cutoff = rules.csv ? parent_mtp : parsed.header.time;
  for (size_t t = 0; t < txs.size(); ++t)
    if (!is_final_tx(txs[t], height, cutoff))
      return Validity::Invalid("bad-txns-nonfinal", "non-final transaction " + std::to_string(t));
  if (rules.bip34 && !txs.empty() && !txs[0].inputs.empty()) {
    const Bytes expect = bip34_height_script(height);
    const ByteView sig = txs[0].inputs[0].script_sig;
    if (sig.size() < expect.size() || !std::equal(expect.begin(), expect.end(), sig.begin()))
      return Validity::Invalid("bad-cb-height", "block height mismatch in coinbase");
  }
  return Validity::Valid();
}

}  // namespace vigil
