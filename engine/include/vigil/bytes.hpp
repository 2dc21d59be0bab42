// Byte views, 256-bit hashes and hex conversion.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

using ByteView = std::span<const uint8_t>;
using Bytes = std::vector<uint8_t>;

// A SHA-256 output in the byte order the hash function produced it ("internal"
// order). Bitcoin displays txids and block hashes byte-reversed; use
// to_display_hex() / from_display_hex() for that.
struct Hash256 {
  std::array<uint8_t, 32> bytes{};

  const uint8_t* data() const { return bytes.data(); }
  uint8_t* data() { return bytes.data(); }
  static constexpr size_t size() { return 32; }
  bool is_zero() const;
  friend bool operator==(const Hash256&, const Hash256&) = default;
  friend auto operator<=>(const Hash256&, const Hash256&) = default;
};

// Lower-case hex of the bytes as they are.
std::string to_hex(ByteView bytes);
std::string to_hex(const Hash256& h);
// Lower-case hex of the bytes reversed (Bitcoin's display order for hashes).
std::string to_display_hex(const Hash256& h);

// Decodes hex (either case, even length, no prefix or separators). Returns
// false on any other input; `out` is then unspecified.
bool from_hex(std::string_view hex, Bytes& out);
std::optional<Hash256> hash_from_hex(std::string_view hex);          // internal order
std::optional<Hash256> hash_from_display_hex(std::string_view hex);  // reversed order

}  // namespace vigil
