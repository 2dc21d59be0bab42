// Every opcode of Bitcoin script (Core's opcodetype), the op reader and the
// predicates the interpreter needs. Internal.
#pragma once

#include <cstdint>

#include "vigil/bytes.hpp"

namespace vigil::script {

enum Op : uint8_t {
  // push value
  OP_0 = 0x00, OP_PUSHDATA1 = 0x4c, OP_PUSHDATA2 = 0x4d, OP_PUSHDATA4 = 0x4e, OP_1NEGATE = 0x4f,
  OP_RESERVED = 0x50, OP_1 = 0x51, OP_2, OP_3, OP_4, OP_5, OP_6, OP_7, OP_8, OP_9, OP_10, OP_11, OP_12, OP_13,
  OP_14, OP_15, OP_16 = 0x60,
  // control
  OP_NOP = 0x61, OP_VER = 0x62, OP_IF = 0x63, OP_NOTIF = 0x64, OP_VERIF = 0x65, OP_VERNOTIF = 0x66,
  OP_ELSE = 0x67, OP_ENDIF = 0x68, OP_VERIFY = 0x69, OP_RETURN = 0x6a,
  // stack ops
  OP_TOALTSTACK = 0x6b, OP_FROMALTSTACK, OP_2DROP, OP_2DUP, OP_3DUP, OP_2OVER, OP_2ROT, OP_2SWAP, OP_IFDUP,
  OP_DEPTH, OP_DROP, OP_DUP, OP_NIP, OP_OVER, OP_PICK, OP_ROLL, OP_ROT, OP_SWAP, OP_TUCK = 0x7d,
  // splice ops
  OP_CAT = 0x7e, OP_SUBSTR, OP_LEFT, OP_RIGHT, OP_SIZE = 0x82,
  // bit logic
  OP_INVERT = 0x83, OP_AND, OP_OR, OP_XOR, OP_EQUAL = 0x87, OP_EQUALVERIFY, OP_RESERVED1, OP_RESERVED2 = 0x8a,
  // numeric
  OP_1ADD = 0x8b, OP_1SUB, OP_2MUL, OP_2DIV, OP_NEGATE, OP_ABS, OP_NOT, OP_0NOTEQUAL = 0x92, OP_ADD = 0x93, OP_SUB,
  OP_MUL, OP_DIV, OP_MOD, OP_LSHIFT, OP_RSHIFT, OP_BOOLAND = 0x9a, OP_BOOLOR, OP_NUMEQUAL, OP_NUMEQUALVERIFY,
  OP_NUMNOTEQUAL, OP_LESSTHAN, OP_GREATERTHAN, OP_LESSTHANOREQUAL, OP_GREATERTHANOREQUAL, OP_MIN, OP_MAX,
  OP_WITHIN = 0xa5,
  // crypto
  OP_RIPEMD160 = 0xa6, OP_SHA1, OP_SHA256, OP_HASH160, OP_HASH256, OP_CODESEPARATOR = 0xab, OP_CHECKSIG,
  OP_CHECKSIGVERIFY, OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY = 0xaf,
  // expansion
  OP_NOP1 = 0xb0, OP_CHECKLOCKTIMEVERIFY = 0xb1, OP_CHECKSEQUENCEVERIFY = 0xb2, OP_NOP4 = 0xb3, OP_NOP5, OP_NOP6,
  OP_NOP7, OP_NOP8, OP_NOP9, OP_NOP10 = 0xb9,
  // tapscript
  OP_CHECKSIGADD = 0xba,
  OP_INVALIDOPCODE = 0xff,
};

// Core's GetScriptOp: reads the op at `*pc`, advancing it. False at the end
// or when a push runs past the end (then *pc is left where reading stopped).
// `push` receives the pushed bytes (empty for non-push ops).
inline bool get_op(ByteView script, size_t* pc, uint8_t* opcode, ByteView* push) {
  *opcode = OP_INVALIDOPCODE;
  *push = {};
  if (*pc >= script.size()) return false;
  const uint8_t op = script[(*pc)++];
  if (op <= OP_PUSHDATA4) {
    size_t n = 0;
    if (op < OP_PUSHDATA1) {
      n = op;
    } else {
      const size_t header = op == OP_PUSHDATA1 ? 1 : op == OP_PUSHDATA2 ? 2 : 4;
      if (script.size() - *pc < header) return false;
      for (size_t i = 0; i < header; ++i) n |= size_t{script[*pc + i]} << (8 * i);
      *pc += header;
    }
    if (script.size() - *pc < n) return false;
    *push = script.subspan(*pc, n);
    *pc += n;
  }
  *opcode = op;
  return true;
}

// BIP342's OP_SUCCESSx.
inline bool is_op_success(uint8_t op) {
  return op == 80 || op == 98 || (op >= 126 && op <= 129) || (op >= 131 && op <= 134) || (op >= 137 && op <= 138) ||
         (op >= 141 && op <= 142) || (op >= 149 && op <= 153) || (op >= 187 && op <= 254);
}

// OP_0 / OP_1 .. OP_16 as a number (Core's DecodeOP_N); -1 for other ops.
inline int decode_op_n(uint8_t op) {
  if (op == OP_0) return 0;
  if (op >= OP_1 && op <= OP_16) return op - (OP_1 - 1);
  return -1;
}

// Core's CScript::IsPushOnly: every op at most OP_16 (OP_RESERVED included),
// and every push well formed.
inline bool is_push_only(ByteView script) {
  size_t pc = 0;
  uint8_t op;
  ByteView push;
  while (pc < script.size()) {
    if (!get_op(script, &pc, &op, &push)) return false;
    if (op > OP_16) return false;
  }
  return true;
}

inline bool is_pay_to_script_hash(ByteView s) {
  return s.size() == 23 && s[0] == OP_HASH160 && s[1] == 0x14 && s[22] == OP_EQUAL;
}

// BIP141: a version op and one direct push of 2 to 40 bytes.
inline bool is_witness_program(ByteView s, int* version, ByteView* program) {
  if (s.size() < 4 || s.size() > 42) return false;
  if (s[0] != OP_0 && (s[0] < OP_1 || s[0] > OP_16)) return false;
  if (size_t{s[1]} + 2 != s.size()) return false;
  *version = decode_op_n(s[0]);
  *program = s.subspan(2);
  return true;
}

}  // namespace vigil::script
