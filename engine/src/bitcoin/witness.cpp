// BIP141 witness commitment: where the coinbase carries it.
#include <algorithm>

#include "bitcoin/reader.hpp"
#include "vigil/block.hpp"
#include "vigil/hash.hpp"

namespace vigil {
namespace {

using bitcoin::Reader;

// OP_RETURN, push of 36 bytes, then the commitment header aa21a9ed.
constexpr uint8_t kCommitmentHeader[6] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
constexpr size_t kMinCommitmentScript = 38;

bool skip_inputs(Reader& r, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len = 0;
    if (!r.skip(36, "input prevout") || !r.read_compact_size(&len, "input script length") ||
        !r.skip(len, "input script") || !r.skip(4, "input sequence"))
      return false;
  }
  return true;
}

}  // namespace

Status coinbase_witness(ByteView block, const ParsedBlock& parsed, CoinbaseWitness* out) {
  *out = CoinbaseWitness{};
  if (parsed.txs.empty()) return Status::Corruption("block has no coinbase transaction");
  const TxSpan& cb = parsed.txs[0];
  // The block parser has already checked every length, so these reads fail
  // only if `parsed` does not belong to `block`.
  Reader r(block.subspan(cb.inputs_begin, cb.end - cb.inputs_begin));
  uint64_t n_inputs = 0, n_outputs = 0;
  if (!r.read_compact_size(&n_inputs, "input count") || !skip_inputs(r, n_inputs) ||
      !r.read_compact_size(&n_outputs, "output count"))
    return Status::Corruption("coinbase: " + r.error());
  for (uint64_t o = 0; o < n_outputs; ++o) {
    uint64_t len = 0;
    if (!r.skip(8, "output value") || !r.read_compact_size(&len, "output script length"))
      return Status::Corruption("coinbase: " + r.error());
    const size_t at = cb.inputs_begin + r.offset();
    if (!r.skip(len, "output script")) return Status::Corruption("coinbase: " + r.error());
    const uint8_t* script = block.data() + at;
    if (len >= kMinCommitmentScript && std::equal(kCommitmentHeader, kCommitmentHeader + 6, script)) {
      Hash256 c;
      std::copy(script + 6, script + 38, c.bytes.begin());
      out->commitment = c;  // the last one counts
    }
  }
  if (cb.has_witness && n_inputs == 1) {
    uint64_t items = 0, len = 0;
    if (r.read_compact_size(&items, "witness item count") && items == 1 &&
        r.read_compact_size(&len, "witness item length") && len == 32) {
      Hash256 v;
      if (r.read_bytes(v.bytes.data(), 32, "witness reserved value")) out->reserved_value = v;
    }
  }
  return Status::Ok();
}

Hash256 witness_commitment(const Hash256& witness_root, const Hash256& reserved_value) {
  uint8_t buf[64];
  std::copy(witness_root.bytes.begin(), witness_root.bytes.end(), buf);
  std::copy(reserved_value.bytes.begin(), reserved_value.bytes.end(), buf + 32);
  return sha256d(ByteView(buf, 64));
}

}  // namespace vigil
