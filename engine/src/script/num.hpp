// Script numbers (Core's CScriptNum) and the stack's truth value. Internal.
//
// Numbers on the stack are little-endian with a sign bit in the last byte.
// Operands are at most 4 bytes (5 for the lock-time operands), so results
// fit in int64_t; results may exceed 4 bytes and are kept as pushed.
#pragma once

#include <cstdint>
#include <limits>

#include "vigil/bytes.hpp"

namespace vigil::script {

// Core's CastToBool: false for any encoding of zero, negative zero included.
inline bool cast_to_bool(ByteView v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != 0) return !(i == v.size() - 1 && v[i] == 0x80);
  }
  return false;
}

// Decodes a number operand. False (Core throws scriptnum_error, which
// EvalScript reports as UNKNOWN_ERROR) when longer than `max_size`, or, with
// `require_minimal`, not minimally encoded.
inline bool decode_num(ByteView v, bool require_minimal, size_t max_size, int64_t* out) {
  if (v.size() > max_size) return false;
  if (require_minimal && !v.empty()) {
    // The last byte holds the sign; it may be 0x00/0x80 only when the byte
    // before needs its top bit for magnitude.
    if ((v.back() & 0x7f) == 0 && (v.size() <= 1 || (v[v.size() - 2] & 0x80) == 0)) return false;
  }
  if (v.empty()) {
    *out = 0;
    return true;
  }
  int64_t r = 0;
  for (size_t i = 0; i < v.size(); ++i) r |= static_cast<int64_t>(v[i]) << (8 * i);
  if (v.back() & 0x80) {
    *out = -(r & ~(int64_t{0x80} << (8 * (v.size() - 1))));
  } else {
    *out = r;
  }
  return true;
}

// CScriptNum::serialize.
inline Bytes encode_num(int64_t value) {
  Bytes out;
  if (value == 0) return out;
  const bool neg = value < 0;
  uint64_t abs = neg ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  while (abs) {
    out.push_back(static_cast<uint8_t>(abs & 0xff));
    abs >>= 8;
  }
  if (out.back() & 0x80) {
    out.push_back(neg ? 0x80 : 0x00);
  } else if (neg) {
    out.back() |= 0x80;
  }
  return out;
}

// CScriptNum::getint: clamped to int32.
inline int num_to_int(int64_t v) {
  if (v > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  if (v < std::numeric_limits<int>::min()) return std::numeric_limits<int>::min();
  return static_cast<int>(v);
}

}  // namespace vigil::script
