#include "cli/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

extern char** environ;

namespace vigil::clitest {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& contents) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  f.close();
  if (!f) ADD_FAILURE() << "cannot write " << path;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_path,
                          const std::filesystem::path& scratch, int kill_after_ms) {
  static std::atomic<int> serial{0};
  const int id = serial++;
  const std::string out_path = (scratch / ("stdout." + std::to_string(id))).string();
  const std::string err_path = (scratch / ("stderr." + std::to_string(id))).string();
  const std::string in_path = stdin_path.empty() ? "/dev/null" : stdin_path;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  ProcessResult result;
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot run " << argv[0] << ": " << std::strerror(rc);
    return result;
  }
  int status = 0;
  if (kill_after_ms > 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kill_after_ms);
    pid_t done = 0;
    while ((done = waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (done == 0) kill(pid, SIGKILL);
    if (done == pid) goto finished;
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
finished:
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

TempDir::TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "vigil_cli_";
  if (info) name += std::string(info->test_suite_name()) + "_" + info->name() + "_";
  for (char& c : name)
    if (c == '/') c = '_';
  name += std::to_string(::getpid());
  path_ = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace vigil::clitest
