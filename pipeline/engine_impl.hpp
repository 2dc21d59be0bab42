// vigil::Engine's internals, shared with the tests, which build engines over a
// Verifier with a substitute device (emulated, failing, slow or gated).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vigil/engine.hpp"

namespace vigil {

struct Engine::Impl {
  using Clock = std::chrono::steady_clock;
  struct Submission {
    uint64_t owner = 0;
    uint64_t seq = 0;  // arrival number, for flush()
    std::vector<Check> checks;
    std::function<void(VerifyResult)> done;
    Clock::time_point enqueued;
  };
  enum class Flush { kSize, kDeadline, kRequest, kBackpressure, kShutdown };

  // Starts the collector thread.
  Impl(const EngineOptions& options, std::unique_ptr<Verifier> verifier);

  // submit()'s body: queues, blocks for room, or refuses (shutdown).
  Status enqueue(uint64_t owner, std::vector<Check> checks, std::function<void(VerifyResult)> done);
  void stop_and_join();

  const EngineOptions options;
  const std::unique_ptr<Verifier> verifier;

  // Everything below is guarded by mu. One mutex is enough: producers hold it
  // only to append, the collector only to cut a batch; verification and the
  // callbacks run outside it.
  mutable std::mutex mu;
  std::condition_variable work_cv;  // collector: new work, flush, blocked producer, stop
  std::condition_variable room_cv;  // producers: pending checks fell, stop
  std::deque<Submission> queue;
  size_t queued_checks = 0;   // checks in `queue`
  size_t pending_checks = 0;  // queued or being verified: what backpressure bounds
  size_t blocked = 0;         // producers waiting for room
  uint64_t next_seq = 0;
  uint64_t flush_before = 0;  // flush(): submissions with seq below this go now
  bool stopping = false;
  std::thread::id deliverer_id;     // the thread that runs the callbacks
  // Verified batches waiting for their callbacks, in batch order. Their
  // checks still count in pending_checks: backpressure covers slow callbacks.
  struct Delivery {
    std::vector<Submission> batch;
    std::vector<uint8_t> verdicts;  // the merged batch's
    Status status;
    size_t checks = 0;
  };
  std::deque<Delivery> deliveries;
  std::condition_variable delivery_cv;  // deliverer: a batch verified, or the collector finished
  bool collector_done = false;
  EngineStats stats;  // verifier stats are copied in after each batch, so
                      // stats() never waits for a verification in progress

  std::mutex join_mu;  // one shutdown() joins
  std::thread collector;  // cuts batches and verifies them
  std::thread deliverer;  // runs the callbacks, so the next batch need not wait for them

 private:
  void run();
  void deliver();
  bool wait_for_batch(std::unique_lock<std::mutex>& lock, Flush* why);
  size_t take_batch(std::vector<Submission>* batch, Flush why);
};

// Checks the options' ranges (InvalidArgument naming the field).
Status validate_engine_options(const EngineOptions& options);

// An engine over a ready verifier (the tests' substitute devices).
Status make_engine(const EngineOptions& options, std::unique_ptr<Verifier> verifier, std::unique_ptr<Engine>* out);

}  // namespace vigil
