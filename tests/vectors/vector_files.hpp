// Readers for the published test-vector files under tests/data, shared by the
// vector tests. Header-only: each test file of vigil_vector_tests includes it.
#pragma once

#include <gtest/gtest.h>
#include <secp256k1.h>
#include <zlib.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/test_util.hpp"
#include "vigil/bytes.hpp"

namespace vigil::test::vectors {

// A view whose data pointer is never null, even when empty. libsecp256k1's
// functions reject a null input pointer through the illegal-argument callback
// (which aborts), so the reference calls are always made with such a view.
inline ByteView nonnull(const Bytes& b) {
  static const uint8_t kNothing[1] = {0};
  return b.empty() ? ByteView(kNothing, 0) : ByteView(b.data(), b.size());
}

inline std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The file's lines, with a trailing '\r' removed (the NIST files use CRLF).
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = nl + 1;
  }
  return lines;
}

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    size_t at = s.find(sep, pos);
    if (at == std::string::npos) {
      out.push_back(s.substr(pos));
      return out;
    }
    out.push_back(s.substr(pos, at - pos));
    pos = at + 1;
  }
}

// One "KEY = VALUE" block of a NIST .rsp or a ring test file. Blocks are
// separated by blank lines; '#' comment lines and "[...]" section headers are
// skipped. A value written "" (ring's notation for an empty input) is empty.
struct Record {
  size_t line = 0;  // 1-based line of the block's first field, for messages
  std::map<std::string, std::string> fields;

  bool has(const std::string& key) const { return fields.count(key) != 0; }
  const std::string& at(const std::string& key) const {
    static const std::string kMissing;
    auto it = fields.find(key);
    if (it == fields.end()) {
      ADD_FAILURE() << "record at line " << line << " has no field " << key;
      return kMissing;
    }
    return it->second;
  }
};

inline std::vector<Record> parse_records(const std::string& text) {
  std::vector<Record> records;
  Record current;
  auto flush = [&] {
    if (!current.fields.empty()) records.push_back(std::move(current));
    current = Record{};
  };
  std::vector<std::string> lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = trim(lines[i]);
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#' || line[0] == '[') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) {
      ADD_FAILURE() << "unreadable line " << i + 1 << ": " << line;
      continue;
    }
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (value == "\"\"") value.clear();
    if (current.fields.empty()) current.line = i + 1;
    EXPECT_TRUE(current.fields.emplace(key, value).second) << "duplicate " << key << " at line " << i + 1;
  }
  flush();
  return records;
}

// The whole decompressed contents of a gzip file (zlib's gzopen/gzread).
inline std::string read_gzip(const std::string& path) {
  std::string out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    ADD_FAILURE() << "cannot open " << path;
    return out;
  }
  char buf[1 << 16];
  for (;;) {
    int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int errnum = 0;
      ADD_FAILURE() << "gzread " << path << ": " << gzerror(f, &errnum);
      break;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  gzclose(f);
  return out;
}

// A libsecp256k1 context of our own for the reference calls (and for signing,
// which the static context cannot do).
struct SecpContextDeleter {
  void operator()(secp256k1_context* c) const { secp256k1_context_destroy(c); }
};
using SecpContext = std::unique_ptr<secp256k1_context, SecpContextDeleter>;
inline SecpContext make_secp_context() { return SecpContext(secp256k1_context_create(SECP256K1_CONTEXT_NONE)); }

}  // namespace vigil::test::vectors
