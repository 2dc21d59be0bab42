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

}  // namespace vigil::bitcoin
