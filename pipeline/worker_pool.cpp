#include "vigil/worker_pool.hpp"

#include <algorithm>

namespace vigil {

WorkerPool::WorkerPool(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_main(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
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
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    work_on_current_job();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_.notify_one();
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
    active_ = static_cast<unsigned>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  work_on_current_job();
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return active_ == 0; });
}

}  // namespace vigil
