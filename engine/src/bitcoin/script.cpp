#include "bitcoin/script.hpp"

namespace vigil::bitcoin {

bool ScriptCursor::next(ScriptOp* op) {
  if (pos_ >= script_.size()) return false;
  size_t pc = pos_;
  if (!script::get_op(script_, &pc, &op->opcode, &op->push)) {
    malformed_ = true;
    return false;
  }
  op->begin = pos_;
  op->end = pos_ = pc;
  return true;
}

}  // namespace vigil::bitcoin
