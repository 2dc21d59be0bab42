#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "commands.hpp"
#include "file_io.hpp"
#include "vigil/hash.hpp"

namespace vigil::cli {
namespace {

// Streams the file through SHA-256: no file is ever held in memory whole.
bool hash_stream(const std::string& path, Hash256* out, std::string* error) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  Sha256Stream stream;
  static uint8_t buf[1 << 20];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) stream.update(ByteView(buf, n));
  bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (failed) {
    *error = "error reading " + path;
    return false;
  }
  *out = stream.finish();
  return true;
}

// Files read whole and hashed as one batch on the Hasher, in groups of at
// most this many bytes.
constexpr size_t kGroupBytes = size_t{256} << 20;

void print_hash(const HashOptions& options, const Hash256& h, const std::string& path) {
  std::printf("%s  %s\n", (options.reverse ? to_display_hex(h) : to_hex(h)).c_str(), path.c_str());
}

}  // namespace

int run_hash(const HashOptions& options) {
  std::unique_ptr<Hasher> hasher;
  if (!make_hasher_or_report("hash", options.backend, &hasher).ok()) return 2;
  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty()) inputs.push_back("-");
  int rc = 0;
  if (!hasher->on_gpu()) {
    // The CPU streams each file: none is ever held in memory whole.
    for (const auto& path : inputs) {
      Hash256 h;
      std::string error;
      if (!hash_stream(path, &h, &error)) {
        std::fprintf(stderr, "vigil hash: %s\n", error.c_str());
        rc = 2;
        continue;
      }
      if (options.double_sha) h = sha256(ByteView(h.bytes));
      print_hash(options, h, path);
    }
    return rc;
  }
  // The GPU hashes many files at once, one thread each.
  const HashKind kind = options.double_sha ? HashKind::kSha256d : HashKind::kSha256;
  for (size_t begin = 0; begin < inputs.size();) {
    std::vector<Bytes> contents;
    std::vector<std::string> names;
    size_t bytes = 0, end = begin;
    for (; end < inputs.size() && (names.empty() || bytes < kGroupBytes); ++end) {
      Bytes data;
      if (Status s = read_all(inputs[end], &data); !s.ok()) {
        std::fprintf(stderr, "vigil hash: %s: %s\n", inputs[end].c_str(), s.ToString().c_str());
        rc = 2;
        continue;
      }
      bytes += data.size();
      contents.push_back(std::move(data));
      names.push_back(inputs[end]);
    }
    std::vector<ByteView> views(contents.begin(), contents.end());
    std::vector<Hash256> out(views.size());
    if (Status s = hasher->hash(kind, views, out); !s.ok()) {
      std::fprintf(stderr, "vigil hash: %s\n", s.ToString().c_str());
      return 2;
    }
    for (size_t i = 0; i < out.size(); ++i) print_hash(options, out[i], names[i]);
    begin = end;
  }
  report_hasher("hash", inputs.size(), "input(s)", *hasher);
  return rc;
}

}  // namespace vigil::cli
