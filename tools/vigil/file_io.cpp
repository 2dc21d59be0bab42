#include "file_io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vigil::cli {

Status read_all(const std::string& path, Bytes* out) {
  out->clear();
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (failed) return Status::IoError("error reading " + path);
  return Status::Ok();
}

}  // namespace vigil::cli
