#include "vigil/worker_pool.hpp"

#include <algorithm>
#include <chrono>

namespace vigil {
namespace {

// How long a thread polls for its next event before it sleeps. A sleeping
// thread costs tens of microseconds to wake (much more on a virtual CPU that
// halts), which is more than one signature check; polling this long keeps a
// stream of batches from paying it, and an idle pool goes to sleep soon.
constexpr std::chrono::microseconds kSpinTime{50};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Polls `done` for up to kSpinTime; true as soon as it holds.
template <class Pred>
bool spin_until(Pred done) {
  auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  for (unsigned i = 1;; ++i) {
    if (done()) return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() > deadline) return false;
  }
}

}  // namespace

WorkerPool::WorkerPool(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_main(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void WorkerPool::work_on_current_job() {
  // Claims chunks until the range is exhausted. job_* are stable while any
  // thread is inside the job: run() waits for all workers before returning.
  for (;;) {
    size_t begin = next_.fetch_add(job_grain_, std::memory_order_relaxed);
    if (begin >= job_n_) return;
    size_t end = std::min(job_n_, begin + job_grain_);
    job_fn_(job_ctx_, begin, end);
  }
}

void WorkerPool::worker_main() {
  size_t seen = 0;
  auto has_news = [&] {
    return stop_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen;
  };
  for (;;) {
    if (!spin_until(has_news)) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, has_news);
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = generation_.load(std::memory_order_acquire);
    work_on_current_job();
    if (active_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Taking the lock orders this notify after run() checked active_ and
      // went to sleep, if it did.
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

void WorkerPool::run(size_t n, size_t grain, void* ctx, Trampoline fn) {
  if (n == 0) return;
  if (grain == 0) grain = std::max<size_t>(1, n / (size_t{threads()} * 8));
  std::lock_guard<std::mutex> submit(submit_mutex_);
  if (workers_.empty() || n <= grain) {
    // Not worth waking anyone: run the ranges here, still at most `grain` long.
    for (size_t begin = 0; begin < n; begin += grain) fn(ctx, begin, std::min(n, begin + grain));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_n_ = n;
    job_grain_ = grain;
    job_ctx_ = ctx;
    job_fn_ = fn;
    next_.store(0, std::memory_order_relaxed);
    active_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  work_on_current_job();
  auto all_done = [&] { return active_.load(std::memory_order_acquire) == 0; };
  if (!spin_until(all_done)) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, all_done);
  }
}

}  // namespace vigil
