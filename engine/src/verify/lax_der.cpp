// Bitcoin's pre-BIP66 signature encoding rules. Before BIP66, OpenSSL's BER
// parser decided which signatures were valid; Bitcoin Core reproduces the
// subset of violations found in the chain with a lax parser whose behaviour is
// consensus: this is our own implementation of exactly that behaviour.
#include <cstring>

#include "verify/backends.hpp"

namespace vigil::cpu {
namespace {

class LaxCursor {
 public:
  explicit LaxCursor(ByteView in) : in_(in) {}
  size_t pos() const { return pos_; }
  size_t left() const { return in_.size() - pos_; }
  const uint8_t* here() const { return in_.data() + pos_; }

  bool expect(uint8_t tag) {
    if (left() == 0 || in_[pos_] != tag) return false;
    ++pos_;
    return true;
  }

  // The sequence's length: short form ignored, long form skipped unread.
  bool skip_sequence_length() {
    if (left() == 0) return false;
    uint8_t lenbyte = in_[pos_++];
    if (lenbyte & 0x80) {
      size_t n = lenbyte - 0x80u;
      if (n > left()) return false;
      pos_ += n;
    }
    return true;
  }

  // An integer's length. Long form: leading zero bytes are skipped and at most
  // three significant bytes are allowed. The value must fit in what is left.
  bool read_integer_length(size_t* len) {
    if (left() == 0) return false;
    uint8_t lenbyte = in_[pos_++];
    size_t value = lenbyte;
    if (lenbyte & 0x80) {
      size_t n = lenbyte - 0x80u;
      if (n > left()) return false;
      while (n > 0 && in_[pos_] == 0) {
        ++pos_;
        --n;
      }
      if (n >= 4) return false;
      value = 0;
      for (; n > 0; --n) value = value << 8 | in_[pos_++];
    }
    if (value > left()) return false;
    *len = value;
    return true;
  }

  void advance(size_t n) { pos_ += n; }

 private:
  ByteView in_;
  size_t pos_ = 0;
};

// Copies a big-endian integer, leading zeros dropped, right-aligned into
// out32. False when more than 32 significant bytes remain.
bool copy_integer(const uint8_t* p, size_t len, uint8_t* out32) {
  while (len > 0 && *p == 0) {
    ++p;
    --len;
  }
  if (len > 32) return false;
  std::memcpy(out32 + 32 - len, p, len);
  return true;
}

}  // namespace

bool parse_der_lax(ByteView input, secp256k1_ecdsa_signature* out) {
  const secp256k1_context* ctx = secp_context();
  uint8_t compact[64] = {0};
  // Whatever happens, *out holds a well-formed signature.
  secp256k1_ecdsa_signature_parse_compact(ctx, out, compact);

  LaxCursor c(input);
  if (!c.expect(0x30) || !c.skip_sequence_length()) return false;

  size_t r_len = 0, s_len = 0;
  if (!c.expect(0x02) || !c.read_integer_length(&r_len)) return false;
  const uint8_t* r = c.here();
  c.advance(r_len);
  if (!c.expect(0x02) || !c.read_integer_length(&s_len)) return false;
  const uint8_t* s = c.here();
  // Anything after S is ignored.

  bool fits = copy_integer(r, r_len, compact) && copy_integer(s, s_len, compact + 32);
  // parse_compact rejects r or s >= n; both failures leave the signature (0, 0),
  // which parses but never verifies.
  if (!fits || !secp256k1_ecdsa_signature_parse_compact(ctx, out, compact)) {
    std::memset(compact, 0, sizeof compact);
    secp256k1_ecdsa_signature_parse_compact(ctx, out, compact);
  }
  return true;
}

}  // namespace vigil::cpu
