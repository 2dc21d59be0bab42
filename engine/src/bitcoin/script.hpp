// Walking the opcodes of a script with offsets (Bitcoin Core's GetScriptOp),
// for the signature hashes' script-code handling and the signet solution.
// Internal.
#pragma once

#include <cstdint>

#include "vigil/bytes.hpp"

namespace vigil::bitcoin {

enum Opcode : uint8_t {
  OP_0 = 0x00,
  OP_PUSHDATA1 = 0x4c,
  OP_PUSHDATA2 = 0x4d,
  OP_PUSHDATA4 = 0x4e,
  OP_1NEGATE = 0x4f,
  OP_1 = 0x51,
  OP_16 = 0x60,
  OP_DUP = 0x76,
  OP_EQUAL = 0x87,
  OP_EQUALVERIFY = 0x88,
  OP_HASH160 = 0xa9,
  OP_CODESEPARATOR = 0xab,
  OP_CHECKSIG = 0xac,
  OP_CHECKSIGVERIFY = 0xad,
  OP_CHECKMULTISIG = 0xae,
  OP_CHECKMULTISIGVERIFY = 0xaf,
  OP_RETURN = 0x6a,
};

// The script's largest element.
inline constexpr size_t kMaxScriptElementSize = 520;

// One step of a script: its opcode and, for a push, the pushed bytes.
struct ScriptOp {
  uint8_t opcode = 0;
  ByteView push;   // the data of a push opcode (empty for OP_0 and non-pushes)
  size_t begin = 0;  // offset of the opcode in the script
  size_t end = 0;    // one past the op (and its data)
};

// Walks a script op by op. next() is false at the end or at a malformed push
// (a push running past the end), as GetScriptOp: then malformed() tells which.
class ScriptCursor {
 public:
  explicit ScriptCursor(ByteView script, size_t start = 0) : script_(script), pos_(start) {}
  bool next(ScriptOp* op);
  bool malformed() const { return malformed_; }
  size_t offset() const { return pos_; }

 private:
  ByteView script_;
  size_t pos_ = 0;
  bool malformed_ = false;
};

// The small integer of OP_0 / OP_1 .. OP_16, or -1.
inline int small_int(uint8_t opcode) {
  if (opcode == OP_0) return 0;
  if (opcode >= OP_1 && opcode <= OP_16) return opcode - OP_1 + 1;
  return -1;
}

// Sigop counting, P2SH and push-only tests: vigil/script.hpp (the interpreter's layer).

}  // namespace vigil::bitcoin
