// A wake-up signal for threads that poll lock-free queues: a consumer takes
// a snapshot, tries its queue, and waits only while nothing has rung since
// the snapshot, so a push that races with the wait is never missed.
//
//   for (;;) {
//     const uint32_t seen = bell.snapshot();
//     if (queue.pop(item)) break;
//     bell.wait(seen);
//   }
//
// Producers push first, then ring(). Built on C++20 atomic wait/notify
// (a futex on Linux; no syscall while nobody waits).
#pragma once

#include <atomic>
#include <cstdint>

namespace vigil {

class Doorbell {
 public:
  uint32_t snapshot() const { return rings_.load(std::memory_order_acquire); }
  // Returns once ring() has been called since `seen` was taken (at once if it already was).
  void wait(uint32_t seen) const { rings_.wait(seen, std::memory_order_acquire); }
  void ring() {
    rings_.fetch_add(1, std::memory_order_release);
    rings_.notify_all();
  }

 private:
  std::atomic<uint32_t> rings_{0};
};

}  // namespace vigil
