#include "bitcoin/script.hpp"

namespace vigil::bitcoin {

bool ScriptCursor::next(ScriptOp* op) {
  if (pos_ >= script_.size()) return false;
  op->begin = pos_;
  op->opcode = script_[pos_++];
  op->push = {};
  if (op->opcode <= OP_PUSHDATA4) {
    size_t len = 0;
    size_t header = 0;
    if (op->opcode < OP_PUSHDATA1) {
      len = op->opcode;
    } else {
      header = op->opcode == OP_PUSHDATA1 ? 1 : op->opcode == OP_PUSHDATA2 ? 2 : 4;
      if (script_.size() - pos_ < header) {
        malformed_ = true;
        return false;
      }
      for (size_t i = 0; i < header; ++i) len |= size_t{script_[pos_ + i]} << (8 * i);
      pos_ += header;
    }
    if (script_.size() - pos_ < len) {
      malformed_ = true;
      return false;
    }
    op->push = script_.subspan(pos_, len);
    pos_ += len;
  }
  op->end = pos_;
  return true;
}

unsigned sigop_count(ByteView script, bool accurate) {
  unsigned n = 0;
  uint8_t last = 0xff;  // OP_INVALIDOPCODE
  ScriptCursor c(script);
  ScriptOp op;
  while (c.next(&op)) {
    if (op.opcode == OP_CHECKSIG || op.opcode == OP_CHECKSIGVERIFY) {
      ++n;
    } else if (op.opcode == OP_CHECKMULTISIG || op.opcode == OP_CHECKMULTISIGVERIFY) {
      const int keys = small_int(last);
      n += accurate && keys >= 1 ? static_cast<unsigned>(keys) : kMaxPubkeysPerMultisig;
    }
    last = op.opcode;
  }
  return n;
}

bool is_p2sh(ByteView s) { return s.size() == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL; }

bool is_push_only(ByteView script) {
  ScriptCursor c(script);
  ScriptOp op;
  while (c.next(&op))
    if (op.opcode > OP_16) return false;
  return !c.malformed();
}

}  // namespace vigil::bitcoin
