#include "bitcoin/reader.hpp"

namespace vigil::bitcoin {

void Reader::fail(const std::string& what) {
  if (error_.empty()) error_ = what + " at byte " + std::to_string(pos_);
}

bool Reader::check(size_t n, const char* what) {
  if (failed()) return false;
  if (n > remaining()) {
    fail(std::string("truncated ") + what + " (need " + std::to_string(n) + " bytes, " +
         std::to_string(remaining()) + " left)");
    return false;
  }
  return true;
}

bool Reader::read_compact_size(uint64_t* v, const char* what) {
  size_t start = pos_;
  uint8_t tag = 0;
  if (!read_u8(&tag, what)) return false;
  uint64_t value = tag;
  uint64_t min = 0;
  if (tag == 253) {
    uint8_t b[2];
    if (!read_bytes(b, 2, what)) return false;
    value = b[0] | uint64_t{b[1]} << 8;
    min = 253;
  } else if (tag == 254) {
    uint32_t x = 0;
    if (!read_u32(&x, what)) return false;
    value = x;
    min = 0x10000;
  } else if (tag == 255) {
    if (!read_u64(&value, what)) return false;
    min = 0x100000000ULL;
  }
  if (value < min) {
    pos_ = start;
    fail(std::string("non-canonical CompactSize for ") + what);
    return false;
  }
  if (value > kMaxCompactSize) {
    pos_ = start;
    fail(std::string("CompactSize too large for ") + what + " (" + std::to_string(value) + ")");
    return false;
  }
  *v = value;
  return true;
}

}  // namespace vigil::bitcoin
