#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "commands.hpp"
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

}  // namespace

int run_hash(const HashOptions& options) {
  std::vector<std::string> inputs = options.inputs;
  if (inputs.empty()) inputs.push_back("-");
  int rc = 0;
  for (const auto& path : inputs) {
    Hash256 h;
    std::string error;
    if (!hash_stream(path, &h, &error)) {
      std::fprintf(stderr, "vigil hash: %s\n", error.c_str());
      rc = 2;
      continue;
    }
    if (options.double_sha) h = sha256(ByteView(h.bytes));
    std::printf("%s  %s\n", (options.reverse ? to_display_hex(h) : to_hex(h)).c_str(), path.c_str());
  }
  return rc;
}

}  // namespace vigil::cli
