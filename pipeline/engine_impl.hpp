// vigil::Engine's internals, shared with the tests, which build engines over a
// Verifier with a substitute device (emulated, failing, slow or gated).
#pragma once

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "doorbell.hpp"
#include "vigil/engine.hpp"

namespace vigil {

struct Engine::Impl {
  using Clock = std::chrono::steady_clock;
  struct Submission {
    enum class Work : uint8_t { kChecks, kHashes, kMerkle };
    Work work = Work::kChecks;
    uint64_t owner = 0;
    uint64_t seq = 0;  // arrival number, for flush()
    std::vector<Check> checks;                   // kChecks
    std::function<void(VerifyResult)> done;      // kChecks
    HashKind kind = HashKind::kSha256;           // kHashes
    std::string tag;                             // kHashes
    std::vector<ByteView> messages;              // kHashes
    std::vector<Hash256> leaves;                 // kMerkle
    std::function<void(HashResult)> hash_done;   // kHashes, kMerkle
    Clock::time_point enqueued;
    // What it weighs in a batch and against the backpressure bound.
    size_t items() const {
      return work == Work::kChecks ? checks.size() : work == Work::kHashes ? messages.size() : leaves.size();
    }
  };
  enum class Flush { kSize, kDeadline, kRequest, kBackpressure, kShutdown };

  // One batch on its way through the stages. A fixed set circulates
  // (free -> collector -> verify thread -> deliverer -> free); the vectors
  // keep their capacity from one trip to the next.
  struct Batch {
    uint64_t seq = 0;  // cut order: results are delivered in it
    std::vector<Submission> subs;
    std::vector<Check> merged;      // the check submissions' checks concatenated
    std::vector<uint8_t> verdicts;  // merged's
    Status status;                  // the Verifier call's
    size_t checks = 0;              // items of all kinds: what the batch weighs
    // Hash and Merkle work. out_offset[k]: where submission k's output starts
    // (in verdicts, hashes or merkle); hash_status[k]: its Hasher call's status.
    std::vector<size_t> out_offset;
    std::vector<Status> hash_status;
    std::vector<ByteView> messages;  // one Hasher call's, reused per kind and tag
    std::vector<Hash256> hashes;     // every hash job's output
    std::vector<Hash256> leaves;     // the Merkle jobs' leaves concatenated
    std::vector<uint32_t> tree_sizes;
    std::vector<MerkleResult> merkle;
    std::vector<bool> grouped;        // hash jobs already in a call
    std::vector<size_t> group;        // one call's jobs
    std::vector<Hash256> group_out;   // one call's hashes
  };

  // Starts the collector, verify and delivery threads.
  Impl(const EngineOptions& options, std::unique_ptr<Verifier> verifier, std::unique_ptr<Hasher> hasher);

  // The submit functions' body: queues, blocks for room, or refuses (shutdown).
  Status enqueue(Submission s);
  void stop_and_join();

  const EngineOptions options;
  const std::unique_ptr<Verifier> verifier;
  const std::unique_ptr<Hasher> hasher;
  const unsigned depth;  // verify threads

  // Guarded by mu: the submission queue, the backpressure count and the
  // stats. Producers hold it only to append, the collector to cut a batch,
  // the other stages for a few counter updates; verification and the
  // callbacks run outside it.
  mutable std::mutex mu;
  std::condition_variable work_cv;  // collector: new work, flush, blocked producer, stop
  std::condition_variable room_cv;  // producers: pending checks fell, stop
  std::deque<Submission> queue;
  size_t queued_checks = 0;   // checks in `queue`
  size_t pending_checks = 0;  // queued, being verified or awaiting delivery: what backpressure bounds
  size_t blocked = 0;         // producers waiting for room
  uint64_t next_seq = 0;
  uint64_t flush_before = 0;  // flush(): submissions with seq below this go now
  bool stopping = false;
  EngineStats stats;  // verifier stats are copied in after each batch, so
                      // stats() never waits for a verification in progress

  // The stages' hand-offs: single-producer single-consumer lock-free
  // queues, each large enough for every batch, so a push never fails.
  using BatchQueue = boost::lockfree::spsc_queue<Batch*>;
  std::vector<std::unique_ptr<Batch>> batches;  // all of them
  BatchQueue free_batches;                      // deliverer -> collector
  // Per verify thread: collector -> it, and it -> deliverer (in increasing
  // seq, the order it took them), with the batches it holds (queued or being
  // verified), so the collector gives the next batch to the least loaded.
  std::vector<std::unique_ptr<BatchQueue>> to_verify, verified;
  std::unique_ptr<std::atomic<uint32_t>[]> held;
  Doorbell free_bell, verify_bell, deliver_bell;
  std::atomic<bool> collector_done{false};
  std::atomic<unsigned> verifiers_done{0};
  std::atomic<std::thread::id> deliverer_id{};  // the thread that runs the callbacks

  std::mutex join_mu;  // one shutdown() joins
  std::thread collector;               // cuts batches
  std::vector<std::thread> verifiers;  // verify them, `depth` at once
  std::thread deliverer;               // runs the callbacks in batch order

 private:
  void collect();
  void verify_stage(unsigned index);
  void deliver();
  void verify_batch(Batch& b);
  void run_batch(Batch& b);
  void hash_batch(Batch& b);
  void deliver_batch(Batch& b);
  bool wait_for_batch(std::unique_lock<std::mutex>& lock, Flush* why);
  size_t take_batch(std::vector<Submission>* batch, Flush why);
};

// Checks the options' ranges (InvalidArgument naming the field).
Status validate_engine_options(const EngineOptions& options);

// An engine over a ready verifier (the tests' substitute devices) and a
// hasher (null: one is created from options.hasher).
Status make_engine(const EngineOptions& options, std::unique_ptr<Verifier> verifier, std::unique_ptr<Engine>* out,
                   std::unique_ptr<Hasher> hasher = nullptr);

}  // namespace vigil
