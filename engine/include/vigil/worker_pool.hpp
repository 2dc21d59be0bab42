// A fixed pool of worker threads for data-parallel loops.
//
// Modelled on Bitcoin Core's check queue: the thread that submits work joins
// in, and all threads claim chunks of the index range from one atomic counter
// until it is exhausted, so a slow chunk never idles the other threads. One
// loop runs at a time (callers are serialized); nothing is allocated per loop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace vigil {

class WorkerPool {
 public:
  // `threads` counts the caller: a pool of 1 runs everything on the caller.
  // 0 means one per hardware thread.
  explicit WorkerPool(unsigned threads = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // Calls body(begin, end) over disjoint ranges covering [0, n), each at most
  // `grain` long (grain 0: chosen from n and the thread count), on the pool's
  // threads and the caller's. Returns when every range is done. Loops from
  // several callers run one after another, never interleaved. The body must
  // not throw, nor start a loop on the same pool (that would deadlock).
  template <class Body>
  void parallel_for(size_t n, size_t grain, Body&& body) {
    using Fn = std::remove_reference_t<Body>;
    run(n, grain, const_cast<void*>(static_cast<const void*>(&body)),
        [](void* ctx, size_t b, size_t e) { (*static_cast<Fn*>(ctx))(b, e); });
  }

 private:
  using Trampoline = void (*)(void*, size_t, size_t);
  void run(size_t n, size_t grain, void* ctx, Trampoline fn);
  void worker_main();
  void work_on_current_job();

  std::vector<std::thread> workers_;
  std::mutex submit_mutex_;  // one loop at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  // The current job: its fields are written under mutex_, then published by
  // incrementing generation_ (release), which idle workers also poll briefly
  // before sleeping so that back-to-back loops do not pay a wake-up each.
  std::atomic<size_t> generation_{0};
  size_t job_n_ = 0, job_grain_ = 1;
  void* job_ctx_ = nullptr;
  Trampoline job_fn_ = nullptr;
  alignas(64) std::atomic<size_t> next_{0};
  alignas(64) std::atomic<unsigned> active_{0};  // workers still inside the current job
  std::atomic<bool> stop_{false};
};

}  // namespace vigil
