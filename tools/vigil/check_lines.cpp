#include "check_lines.hpp"

namespace vigil::cli {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits on runs of spaces/tabs. Returns the number of fields found; at most
// `max` are stored.
size_t split_fields(std::string_view line, std::string_view* fields, size_t max) {
  size_t n = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() && !is_blank(line[i])) ++i;
    if (n < max) fields[n] = line.substr(start, i - start);
    ++n;
  }
  return n;
}

}  // namespace

void CheckChunk::clear() {
  arena_.clear();
  schemes_.clear();
  spans_.clear();
  checks_.clear();
  checks_stale_ = true;
}

bool CheckChunk::add_hex_field(std::string_view field, const char* name, Span* span, std::string* error) {
  span->offset = static_cast<uint32_t>(arena_.size());
  span->size = 0;
  if (field == "-") return true;
  if (field.size() % 2 != 0) {
    *error = std::string("odd number of hex digits in ") + name;
    return false;
  }
  size_t n = field.size() / 2;
  arena_.resize(arena_.size() + n);
  uint8_t* out = arena_.data() + span->offset;
  for (size_t i = 0; i < n; ++i) {
    int hi = hex_digit(field[2 * i]), lo = hex_digit(field[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      arena_.resize(span->offset);
      *error = std::string("bad hex digit in ") + name;
      return false;
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  span->size = static_cast<uint32_t>(n);
  return true;
}

bool CheckChunk::add_line(std::string_view line, std::string* error) {
  std::string_view f[4];
  size_t n = split_fields(line, f, 4);
  if (n == 0 || f[0][0] == '#') return true;
  if (n != 4) {
    *error = "expected 4 fields (<scheme> <pubkey-hex> <msg-hex> <sig-hex>), found " + std::to_string(n);
    return false;
  }
  auto scheme = scheme_from_name(f[0]);
  if (!scheme) {
    *error = "unknown scheme '" + std::string(f[0]) + "'";
    return false;
  }
  size_t arena_before = arena_.size();
  Span s[3];
  if (!add_hex_field(f[1], "pubkey", &s[0], error) || !add_hex_field(f[2], "message", &s[1], error) ||
      !add_hex_field(f[3], "signature", &s[2], error)) {
    arena_.resize(arena_before);
    return false;
  }
  if (scheme_takes_digest(*scheme) && s[1].size != 32) {
    arena_.resize(arena_before);
    *error = std::string(scheme_name(*scheme)) + " takes a 32-byte digest as its message, got " +
             std::to_string(s[1].size) + " bytes";
    return false;
  }
  schemes_.push_back(*scheme);
  spans_.insert(spans_.end(), s, s + 3);
  checks_stale_ = true;
  return true;
}

const std::vector<Check>& CheckChunk::checks() {
  if (checks_stale_) {
    // Built only once the arena has stopped growing: views into it are stable.
    checks_.resize(schemes_.size());
    const uint8_t* base = arena_.data();
    for (size_t i = 0; i < schemes_.size(); ++i) {
      const Span* s = &spans_[3 * i];
      checks_[i] = Check{schemes_[i], ByteView(base + s[0].offset, s[0].size), ByteView(base + s[1].offset, s[1].size),
                         ByteView(base + s[2].offset, s[2].size), nullptr};
    }
    checks_stale_ = false;
  }
  return checks_;
}

}  // namespace vigil::cli
