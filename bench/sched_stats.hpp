// Linux scheduler statistics (/proc/.../schedstat): how long threads ran and
// how long they were runnable but waited for a CPU. On a shared machine the
// wait time shows when another process took a core from a multi-threaded
// benchmark, which a wall-clock rate cannot tell from the code idling.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>

namespace vigil_bench {

struct SchedSample {
  uint64_t run_ns = 0;   // on a CPU
  uint64_t wait_ns = 0;  // runnable, waiting on a run queue
  SchedSample& operator+=(const SchedSample& o) {
    run_ns += o.run_ns;
    wait_ns += o.wait_ns;
    return *this;
  }
  SchedSample operator-(const SchedSample& o) const { return {run_ns - o.run_ns, wait_ns - o.wait_ns}; }
};

inline SchedSample read_schedstat(const std::filesystem::path& file) {
  SchedSample s;
  std::ifstream in(file);
  in >> s.run_ns >> s.wait_ns;
  return in ? s : SchedSample{};
}

// This thread.
inline SchedSample thread_sched() { return read_schedstat("/proc/thread-self/schedstat"); }

// All live threads of this process (compare two samples only while the same
// threads live, e.g. around a loop on a persistent pool).
inline SchedSample process_sched() {
  SchedSample total;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec))
    total += read_schedstat(task.path() / "schedstat");
  return total;
}

}  // namespace vigil_bench
