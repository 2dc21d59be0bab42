#include "vigil/bytes.hpp"

#include <algorithm>

namespace vigil {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// -1 for a character that is not a hex digit.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool Hash256::is_zero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

std::string to_hex(ByteView bytes) {
  std::string s(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    s[2 * i] = kHexDigits[bytes[i] >> 4];
    s[2 * i + 1] = kHexDigits[bytes[i] & 15];
  }
  return s;
}

std::string to_hex(const Hash256& h) { return to_hex(ByteView(h.bytes)); }

std::string to_display_hex(const Hash256& h) {
  Hash256 r = h;
  std::reverse(r.bytes.begin(), r.bytes.end());
  return to_hex(r);
}

bool from_hex(std::string_view hex, Bytes& out) {
  if (hex.size() % 2 != 0) return false;
  out.resize(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

std::optional<Hash256> hash_from_hex(std::string_view hex) {
  Bytes b;
  if (hex.size() != 64 || !from_hex(hex, b)) return std::nullopt;
  Hash256 h;
  std::copy(b.begin(), b.end(), h.bytes.begin());
  return h;
}

std::optional<Hash256> hash_from_display_hex(std::string_view hex) {
  auto h = hash_from_hex(hex);
  if (h) std::reverse(h->bytes.begin(), h->bytes.end());
  return h;
}

}  // namespace vigil
