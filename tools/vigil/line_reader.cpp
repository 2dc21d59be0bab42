#include "line_reader.hpp"

#include <cstdlib>

namespace vigil::cli {

LineReader::LineReader(const std::string& path) {
  if (path == "-") {
    file_ = stdin;
  } else {
    file_ = std::fopen(path.c_str(), "rb");
    owned_ = true;
  }
  if (file_) std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

LineReader::~LineReader() {
  if (owned_ && file_) std::fclose(file_);
  std::free(buf_);
}

bool LineReader::next(std::string_view* line) {
  if (!file_) return false;
  ssize_t n = ::getline(&buf_, &cap_, file_);
  if (n < 0) {
    error_ = std::ferror(file_) != 0;
    return false;
  }
  size_t len = static_cast<size_t>(n);
  if (len > 0 && buf_[len - 1] == '\n') --len;
  *line = std::string_view(buf_, len);
  return true;
}

}  // namespace vigil::cli
