// The `vigil verify` input format: one check per line,
//   <scheme> <pubkey-hex> <msg-hex> <sig-hex>
// fields separated by spaces or tabs; "-" stands for an empty field; blank
// lines and lines starting with '#' are ignored. For the ecdsa schemes the
// message is the 32-byte digest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/verify.hpp"

namespace vigil::cli {

// A chunk of parsed lines whose bytes live in one arena, reused chunk after
// chunk so that a long input needs no memory in proportion to its length.
class CheckChunk {
 public:
  void clear();
  size_t size() const { return schemes_.size(); }
  // The checks, valid until the next add or clear.
  const std::vector<Check>& checks();

  // Parses one line. Returns true and appends a check, returns true and
  // appends nothing for a blank or comment line, or returns false with
  // `error` set to the reason the line is malformed.
  bool add_line(std::string_view line, std::string* error);

 private:
  struct Span { uint32_t offset, size; };
  bool add_hex_field(std::string_view field, const char* name, Span* span, std::string* error);

  std::vector<uint8_t> arena_;
  std::vector<Scheme> schemes_;
  std::vector<Span> spans_;  // three per check: key, message, signature
  std::vector<Check> checks_;
  bool checks_stale_ = true;
};

}  // namespace vigil::cli
