// Reads lines from a file or stdin through one fixed buffer.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace vigil::cli {

class LineReader {
 public:
  // `path` "-" is stdin. ok() is false if the file cannot be opened.
  explicit LineReader(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool ok() const { return file_ != nullptr; }
  // The next line without its '\n'; false at the end of input. A read error
  // also ends input and sets error().
  bool next(std::string_view* line);
  bool error() const { return error_; }

 private:
  FILE* file_ = nullptr;
  bool owned_ = false;
  bool error_ = false;
  char* buf_ = nullptr;
  size_t cap_ = 0;
};

}  // namespace vigil::cli
