// Runs a program and captures its exit status, stdout and stderr, for the
// end-to-end tests of the `vigil` executable.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vigil::clitest {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or -1 when killed by a signal
  int signal = 0;      // the signal that ended it, if any
  std::string out, err;
};

// Runs argv[0] (a path) with `argv`, stdin read from `stdin_path` (empty:
// /dev/null), stdout and stderr captured through files in `scratch`.
// With kill_after_ms > 0 the process gets SIGKILL once it has run that long
// (a crash at an arbitrary point); result.signal then says so.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_path,
                          const std::filesystem::path& scratch, int kill_after_ms = 0);

// A fresh directory for one test, removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void write_file(const std::string& path, const std::string& contents);
std::string slurp(const std::string& path);

}  // namespace vigil::clitest
