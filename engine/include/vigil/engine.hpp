// vigil::Engine: many producer threads submit small sets of checks (a block's,
// a transaction's); one collector thread merges them, in arrival order, into
// large batches for a vigil::Verifier (which keeps the GPU busy, or all CPU
// cores); a delivery thread hands each submission its own slice of the
// verdicts, so the next batch is verified while the callbacks run.
//
// The stages form a pipeline: collector -> pipeline_depth verify threads ->
// deliverer, exchanging batches through bounded lock-free queues (a fixed
// set of batch buffers circulates, so nothing is allocated per batch once
// they have grown). With a GPU each verify thread has its own CUDA stream
// and page-locked buffers: one batch's preparation, upload and download
// overlap the next one's kernel. Results are delivered in batch order
// whichever batch finishes first.
//
// A batch is flushed when it is full (max_batch_checks), when its oldest
// submission has waited flush_deadline, when flush() asks, when producers are
// blocked by backpressure (waiting longer cannot fill it), or at shutdown.
// Batches are cut at submission boundaries: a submission is never split, and
// one larger than max_batch_checks is a batch of its own (the Verifier already
// cuts large batches into GPU calls of VerifierOptions::gpu_max_checks).
//
// Hash and Merkle jobs ride the same batches: a batch's hash jobs of one
// kind and tag become one Hasher call, its Merkle jobs one merkle_roots call
// (on the GPU when the Hasher uses one), beside its checks. For batch sizes
// and backpressure a message or a leaf counts as one check.
//
// Backpressure: submit() blocks while accepting the submission would take the
// checks queued, being verified or awaiting delivery past
// max_pending_checks, so memory stays bounded whatever the producers (or slow
// callbacks) do. A submission larger than the bound is accepted
// once nothing else is pending, alone.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/hasher.hpp"
#include "vigil/merkle.hpp"
#include "vigil/status.hpp"
#include "vigil/verifier.hpp"
#include "vigil/verify.hpp"

namespace vigil {

struct EngineOptions {
  VerifierOptions verifier;  // how batches are verified (GPU / CPU)
  HasherOptions hasher;      // how hash and Merkle jobs are computed
  // A batch is flushed once it holds this many checks. Must be > 0.
  size_t max_batch_checks = size_t{1} << 16;
  // ... or once its oldest submission has waited this long. Must be >= 0.
  std::chrono::microseconds flush_deadline{500};
  // submit() blocks while more checks than this would be queued or in flight.
  // Must be > 0.
  size_t max_pending_checks = size_t{1} << 20;
  // Batches verified at once, each by its own thread on its own GPU stream.
  // 0 (default): the Verifier's gpu_lanes() -- VerifierOptions::gpu_streams
  // with a GPU, 1 without (CPU batches share one worker pool).
  unsigned pipeline_depth = 0;
};

struct VerifyResult {
  Status status;                  // not ok: the submission was not verified (shutdown, ...)
  uint64_t owner = 0;             // the caller's tag, as submitted
  std::vector<uint8_t> verdicts;  // verdicts[i] for checks[i] of that submission; 1 = valid
};

// The result of a hash job (hashes) or of a Merkle job (merkle).
struct HashResult {
  Status status;                // not ok: the job was not done (shutdown, a bad tag, ...)
  uint64_t owner = 0;           // the caller's tag, as submitted
  std::vector<Hash256> hashes;  // hash jobs: hashes[i] of messages[i]
  MerkleResult merkle;          // Merkle jobs: the root over the leaves, with its mutation flag
};

struct EngineStats {
  uint64_t submissions = 0;       // accepted submissions, empty ones included
  uint64_t checks = 0;            // checks in them
  uint64_t rejected = 0;          // submissions refused because shutdown had begun
  uint64_t hash_jobs = 0;         // accepted hash jobs (part of submissions)
  uint64_t hash_messages = 0;     // messages in them
  uint64_t merkle_jobs = 0;       // accepted Merkle jobs (part of submissions)
  uint64_t merkle_leaves = 0;     // leaves in them
  uint64_t hasher_calls = 0;      // Hasher calls the batches made
  uint64_t batches = 0;           // Verifier::verify calls
  uint64_t batched_checks = 0;    // checks (and messages and leaves) in those batches (the histogram's sum)
  // batch_sizes[k]: batches of [2^k, 2^(k+1)) checks.
  std::array<uint64_t, 40> batch_sizes{};
  // Why each batch was flushed; the counters add up to `batches`.
  uint64_t flushes_by_size = 0;          // max_batch_checks reached
  uint64_t flushes_by_deadline = 0;      // the oldest submission waited flush_deadline
  uint64_t flushes_by_request = 0;       // flush()
  uint64_t flushes_by_backpressure = 0;  // a producer was blocked in submit()
  uint64_t flushes_at_shutdown = 0;      // the drain of shutdown()
  uint64_t max_pending_checks = 0;       // the most checks queued or in flight at once
  uint64_t blocked_submits = 0;          // submit() calls that had to wait for room
  // Queue depths now (gauges) ...
  uint64_t pending_checks = 0;             // checks queued, being verified or awaiting delivery
  uint64_t queued_submissions = 0;         // accepted, not yet in a batch
  uint64_t batches_awaiting_verify = 0;    // cut, waiting for a verify thread
  uint64_t batches_verifying = 0;          // in a Verifier call
  uint64_t batches_awaiting_delivery = 0;  // verified, callbacks not yet run
  uint32_t pipeline_depth = 0;             // verify threads
  // ... and as seen by each batch: verify_queue_depth[k] counts batches that,
  // when cut, found k batches (the last bucket: k or more) awaiting or in
  // verification ahead of them; delivery_queue_depth[k] those that, once
  // verified, found k batches awaiting delivery.
  std::array<uint64_t, 16> verify_queue_depth{};
  std::array<uint64_t, 16> delivery_queue_depth{};
  // Stage times, in power-of-two buckets of microseconds: [k] counts
  // [2^k, 2^(k+1)) us (bucket 0 also holds 0 and 1 us).
  std::array<uint64_t, 32> queue_wait_us{};       // per submission: accepted -> its batch starts
  std::array<uint64_t, 32> verify_us{};           // per batch: the Verifier call
  std::array<uint64_t, 32> verdict_latency_us{};  // per submission: accepted -> its verdicts known
  VerifierStats verifier;                // the underlying Verifier's counters
  HasherStats hasher;                    // the underlying Hasher's counters
};

// Thread-safe: submit, flush and stats may be called from any thread.
// The stats in the Prometheus text exposition format (version 0.0.4):
// counters, the batch-size histogram and gauges, every name starting with
// `prefix` ("vigil_engine_submissions_total", ...), for a node's /metrics.
std::string prometheus_text(const EngineStats& stats, std::string_view prefix = "vigil_engine");

class Engine {
 public:
  struct Impl;

  // Opens a Verifier with options.verifier and a Hasher with
  // options.hasher, and starts the collector, verify and delivery threads.
  // InvalidArgument for options out of range; the Verifier's error otherwise.
  static Status Create(const EngineOptions& options, std::unique_ptr<Engine>* out);
  explicit Engine(std::unique_ptr<Impl> impl);
  // shutdown(): every accepted submission gets its result before it returns.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Queues a submission; the views in `checks` must stay valid until its
  // result is delivered. `owner` is returned in the result. After shutdown
  // has begun (or while blocked when it begins) the future holds a result
  // with a non-ok Status and no verdicts. An empty submission's future is
  // ready at once.
  std::future<VerifyResult> submit(uint64_t owner, std::vector<Check> checks);

  // Callback form: `done` runs on the engine's delivery thread once the
  // verdicts are known, in batch order (for an empty submission: on the
  // caller's thread, before submit returns). It must not throw. Later batches
  // are verified meanwhile, but their results wait for it, and its checks
  // count as pending until it returns. It may call submit() (which then never
  // blocks on backpressure).
  // A non-ok return means the submission was refused and `done` never runs.
  Status submit(uint64_t owner, std::vector<Check> checks, std::function<void(VerifyResult)> done);

  // Hash job: result.hashes[i] = the `kind` hash of messages[i] (`tag`: the
  // BIP340 tag of kTagged, empty otherwise). The messages must stay valid
  // until the result is delivered. InvalidArgument (and `done` never runs)
  // for a tag with another kind or a message of 2^32 bytes or more.
  // Otherwise as submit(): the same order, threads and shutdown rules.
  Status submit_hashes(uint64_t owner, HashKind kind, std::vector<ByteView> messages,
                       std::function<void(HashResult)> done, std::string tag = {});
  std::future<HashResult> submit_hashes(uint64_t owner, HashKind kind, std::vector<ByteView> messages,
                                        std::string tag = {});
  // Merkle job: result.merkle = merkle_root(leaves) (Bitcoin's tree and its
  // mutation flag; all-zero for no leaves).
  Status submit_merkle(uint64_t owner, std::vector<Hash256> leaves, std::function<void(HashResult)> done);
  std::future<HashResult> submit_merkle(uint64_t owner, std::vector<Hash256> leaves);

  EngineStats stats() const;

  // Flushes whatever is queued now without waiting for the deadline. Returns
  // at once; the results come as usual.
  void flush();

  // Stops accepting, verifies everything accepted, delivers every result and
  // joins the engine's threads. Idempotent; the destructor calls it. From a
  // `done` callback it only stops accepting (the drain goes on; the thread
  // that destroys the engine joins).
  void shutdown();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
