// libFuzzer: arbitrary bytes as a transaction (the first bytes choose a
// script code length, input index and hash type), through parsing and every
// signature hash, FindAndDelete included.
#include <cstddef>
#include <cstdint>

#include "vigil/sighash.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  if (size < 4) return 0;
  const size_t code_len = data[0] % 64, input = data[1], hash_type = data[2] | (data[3] & 0x80);
  data += 4, size -= 4;
  if (code_len > size) return 0;
  const ByteView code(data, code_len);
  Transaction tx;
  if (!parse_transaction(ByteView(data + code_len, size - code_len), &tx).ok()) return 0;
  (void)legacy_sighash(tx, input, code, static_cast<int32_t>(hash_type));
  (void)find_and_delete(code, ByteView(data, code_len / 2));
  if (input < tx.inputs.size()) {
    const SegwitV0Hashes v0(tx);
    (void)segwit_v0_sighash(tx, input, code, 1000, static_cast<int32_t>(hash_type), v0);
    std::vector<SpentOutput> spent(tx.inputs.size(), SpentOutput{1000, code});
    const TaprootHashes tr(tx, spent);
    Hash256 h;
    (void)taproot_sighash(tx, input, spent, static_cast<uint8_t>(hash_type), tr, std::nullopt, nullptr, &h);
    const TapscriptExt ext{h, 7};
    (void)taproot_sighash(tx, input, spent, static_cast<uint8_t>(hash_type), tr, code, &ext, &h);
  }
  return 0;
}
