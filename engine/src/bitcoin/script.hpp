// Walking the opcodes of a script with offsets (Bitcoin Core's GetScriptOp),
// for the signature hashes' script-code handling and the signet solution.
// Internal.
#pragma once

#include <cstdint>

#include "script/opcodes.hpp"
#include "vigil/bytes.hpp"

namespace vigil::bitcoin {

// The opcodes are the interpreter's (script/opcodes.hpp): one table.
using enum script::Op;

// The script's largest element.
inline constexpr size_t kMaxScriptElementSize = 520;

// One step of a script: its opcode and, for a push, the pushed bytes.
struct ScriptOp {
  uint8_t opcode = 0;
  ByteView push;   // the data of a push opcode (empty for OP_0 and non-pushes)
  size_t begin = 0;  // offset of the opcode in the script
  size_t end = 0;    // one past the op (and its data)
};

// Walks a script op by op, with each op's offsets, over the interpreter's op
// reader (script::get_op, Core's GetScriptOp). next() is false at the end or
// at a malformed push (a push running past the end): then malformed() tells which.
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
inline int small_int(uint8_t opcode) { return script::decode_op_n(opcode); }

// Sigop counting, P2SH and push-only tests: vigil/script.hpp (the interpreter's layer).

}  // namespace vigil::bitcoin
