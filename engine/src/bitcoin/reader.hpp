// A bounds-checked cursor over serialized Bitcoin data. Every read checks the
// remaining length first; a failed read records what was being read and at
// which offset, and every later read fails too.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "vigil/bytes.hpp"

namespace vigil::bitcoin {

// Bitcoin Core's MAX_SIZE: the largest CompactSize a length or count may have.
inline constexpr uint64_t kMaxCompactSize = 0x02000000;

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  bool skip(size_t n, const char* what) {
    if (!check(n, what)) return false;
    pos_ += n;
    return true;
  }
  bool read_bytes(void* out, size_t n, const char* what) {
    if (!check(n, what)) return false;
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool read_u8(uint8_t* v, const char* what) { return read_le(v, what); }
  bool read_u32(uint32_t* v, const char* what) { return read_le(v, what); }
  bool read_u64(uint64_t* v, const char* what) { return read_le(v, what); }

  // Bitcoin's CompactSize, canonical only (as Bitcoin Core's ReadCompactSize),
  // and at most kMaxCompactSize.
  bool read_compact_size(uint64_t* v, const char* what);

  // Records an error at the current offset (the first error is kept).
  void fail(const std::string& what);

 private:
  template <class T>
  bool read_le(T* v, const char* what) {
    if (!check(sizeof(T), what)) return false;
    T x = 0;
    for (size_t i = 0; i < sizeof(T); ++i) x |= static_cast<T>(static_cast<T>(data_[pos_ + i]) << (8 * i));
    *v = x;
    pos_ += sizeof(T);
    return true;
  }
  bool check(size_t n, const char* what);

  ByteView data_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace vigil::bitcoin
