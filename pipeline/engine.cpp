// vigil::Engine: producers append submissions to one queue under a mutex; a
// collector thread cuts the queue into batches (arrival order, submission
// boundaries) and hands them through a lock-free queue to `depth` verify
// threads, which call the Verifier concurrently (each on its own GPU lane);
// a deliverer thread takes the verified batches back in cut order and gives
// every submission the verdicts at its offset in the merged batch.
#include "vigil/engine.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "engine_impl.hpp"

namespace vigil {

namespace {

Status refused() { return Status::InvalidArgument("engine: shut down, submission refused"); }

constexpr unsigned kMaxPipelineDepth = 64;

}  // namespace

Status validate_engine_options(const EngineOptions& o) {
  if (o.max_batch_checks == 0) return Status::InvalidArgument("EngineOptions::max_batch_checks must be > 0");
  if (o.max_pending_checks == 0) return Status::InvalidArgument("EngineOptions::max_pending_checks must be > 0");
  if (o.flush_deadline.count() < 0) return Status::InvalidArgument("EngineOptions::flush_deadline must be >= 0");
  if (o.pipeline_depth > kMaxPipelineDepth)
    return Status::InvalidArgument("EngineOptions::pipeline_depth must be <= " + std::to_string(kMaxPipelineDepth));
  return Status::Ok();
}

Status make_engine(const EngineOptions& options, std::unique_ptr<Verifier> verifier, std::unique_ptr<Engine>* out,
                   std::unique_ptr<Hasher> hasher) {
  Status s = validate_engine_options(options);
  if (!s.ok()) return s;
  if (!verifier) return Status::InvalidArgument("make_engine: no verifier");
  if (!hasher) {
    s = Hasher::Create(options.hasher, &hasher);
    if (!s.ok()) return s;
  }
  *out = std::make_unique<Engine>(std::make_unique<Engine::Impl>(options, std::move(verifier), std::move(hasher)));
  return Status::Ok();
}

Status Engine::Create(const EngineOptions& options, std::unique_ptr<Engine>* out) {
  // Validate first: a bad option should not cost opening a GPU.
  Status s = validate_engine_options(options);
  if (!s.ok()) return s;
  std::unique_ptr<Verifier> verifier;
  s = Verifier::Create(options.verifier, &verifier);
  if (!s.ok()) return s;
  // The GPU workspaces are sized for a full batch now, not on the hot path.
  // Not fatal: without the memory now, each GPU call grows its workspace or
  // falls back to the CPU.
  (void)verifier->reserve(options.max_batch_checks);
  return make_engine(options, std::move(verifier), out);
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() { shutdown(); }

namespace {

// The future form of a callback submit: `submit(callback)` enqueues; a
// refusal is the future's result. shared_ptr: std::function needs a copyable
// callable, std::promise is move-only.
template <class Result, class Submit>
std::future<Result> as_future(uint64_t owner, const Submit& submit) {
  auto promise = std::make_shared<std::promise<Result>>();
  std::future<Result> result = promise->get_future();
  Status s = submit([promise](Result r) { promise->set_value(std::move(r)); });
  if (!s.ok()) {
    Result refused;
    refused.status = std::move(s);
    refused.owner = owner;
    promise->set_value(std::move(refused));
  }
  return result;
}

}  // namespace

std::future<VerifyResult> Engine::submit(uint64_t owner, std::vector<Check> checks) {
  return as_future<VerifyResult>(owner, [&](std::function<void(VerifyResult)> done) {
    return submit(owner, std::move(checks), std::move(done));
  });
}

Status Engine::submit(uint64_t owner, std::vector<Check> checks, std::function<void(VerifyResult)> done) {
  Impl::Submission s;
  s.owner = owner;
  s.checks = std::move(checks);
  s.done = std::move(done);
  return impl_->enqueue(std::move(s));
}

Status Engine::submit_hashes(uint64_t owner, HashKind kind, std::vector<ByteView> messages,
                             std::function<void(HashResult)> done, std::string tag) {
  // Checked here, so that one job's bad input never fails the Hasher call it
  // would share with other jobs.
  if (kind != HashKind::kTagged && !tag.empty()) return Status::InvalidArgument("submit_hashes: a tag is only for kTagged");
  for (const ByteView& m : messages)
    if (m.size() > UINT32_MAX) return Status::InvalidArgument("submit_hashes: a message is 4 GiB or larger");
  Impl::Submission s;
  s.work = Impl::Submission::Work::kHashes;
  s.owner = owner;
  s.kind = kind;
  s.tag = std::move(tag);
  s.messages = std::move(messages);
  s.hash_done = std::move(done);
  return impl_->enqueue(std::move(s));
}

std::future<HashResult> Engine::submit_hashes(uint64_t owner, HashKind kind, std::vector<ByteView> messages,
                                              std::string tag) {
  return as_future<HashResult>(owner, [&](std::function<void(HashResult)> done) {
    return submit_hashes(owner, kind, std::move(messages), std::move(done), std::move(tag));
  });
}

Status Engine::submit_merkle(uint64_t owner, std::vector<Hash256> leaves, std::function<void(HashResult)> done) {
  if (leaves.size() > UINT32_MAX) return Status::InvalidArgument("submit_merkle: 2^32 leaves or more");
  Impl::Submission s;
  s.work = Impl::Submission::Work::kMerkle;
  s.owner = owner;
  s.leaves = std::move(leaves);
  s.hash_done = std::move(done);
  return impl_->enqueue(std::move(s));
}

std::future<HashResult> Engine::submit_merkle(uint64_t owner, std::vector<Hash256> leaves) {
  return as_future<HashResult>(owner, [&](std::function<void(HashResult)> done) {
    return submit_merkle(owner, std::move(leaves), std::move(done));
  });
}

EngineStats Engine::stats() const {
  std::lock_guard lock(impl_->mu);
  EngineStats st = impl_->stats;
  st.pending_checks = impl_->pending_checks;
  st.queued_submissions = impl_->queue.size();
  return st;
}

void Engine::flush() {
  std::lock_guard lock(impl_->mu);
  impl_->flush_before = impl_->next_seq;
  impl_->work_cv.notify_one();
}

void Engine::shutdown() { impl_->stop_and_join(); }

namespace {
// The batches in circulation: `depth` being verified, as many cut and
// waiting for them, one being delivered and one being cut.
size_t batch_count(unsigned depth) { return 2 * size_t{depth} + 2; }
}  // namespace

Engine::Impl::Impl(const EngineOptions& opts, std::unique_ptr<Verifier> v, std::unique_ptr<Hasher> h)
    : options(opts),
      verifier(std::move(v)),
      hasher(std::move(h)),
      depth(opts.pipeline_depth ? opts.pipeline_depth : std::max(1u, verifier->gpu_lanes())),
      free_batches(batch_count(depth) + 1),
      held(new std::atomic<uint32_t>[depth]) {
  stats.verifier = verifier->stats();
  stats.hasher = hasher->stats();
  stats.pipeline_depth = depth;
  for (size_t i = 0; i < batch_count(depth); ++i) {
    batches.push_back(std::make_unique<Batch>());
    free_batches.push(batches.back().get());
  }
  for (unsigned i = 0; i < depth; ++i) {
    to_verify.push_back(std::make_unique<BatchQueue>(batch_count(depth) + 1));
    verified.push_back(std::make_unique<BatchQueue>(batch_count(depth) + 1));
    held[i].store(0, std::memory_order_relaxed);
  }
  deliverer = std::thread([this] { deliver(); });
  for (unsigned i = 0; i < depth; ++i) verifiers.emplace_back([this, i] { verify_stage(i); });
  collector = std::thread([this] { collect(); });
}

void Engine::Impl::stop_and_join() {
  {
    std::lock_guard lock(mu);
    stopping = true;
    work_cv.notify_all();
    room_cv.notify_all();
    // From a callback (on the deliverer): it cannot join itself; the threads
    // drain and exit on their own, and the destructor joins.
    if (std::this_thread::get_id() == deliverer_id.load(std::memory_order_relaxed)) return;
  }
  std::lock_guard join(join_mu);
  // Each stage ends once the one before it has ended and its queue is empty.
  if (collector.joinable()) collector.join();
  for (std::thread& t : verifiers)
    if (t.joinable()) t.join();
  if (deliverer.joinable()) deliverer.join();
}

Status Engine::Impl::enqueue(Submission sub) {
  using Work = Submission::Work;
  const size_t n = sub.items();
  std::unique_lock lock(mu);
  if (stopping) {
    ++stats.rejected;
    return refused();
  }
  if (n == 0) {  // nothing to do: answer now, without waking the collector
    ++stats.submissions;
    stats.hash_jobs += sub.work == Work::kHashes;
    stats.merkle_jobs += sub.work == Work::kMerkle;
    lock.unlock();
    if (sub.work == Work::kChecks) {
      sub.done(VerifyResult{Status::Ok(), sub.owner, {}});
    } else {
      HashResult r;  // no hashes; the Merkle root of no leaves is all-zero
      r.owner = sub.owner;
      sub.hash_done(std::move(r));
    }
    return Status::Ok();
  }
  // A submission larger than the bound gets in alone once nothing is pending;
  // otherwise it would wait forever. The deliverer (a callback that submits)
  // never waits: it is the thread that makes room.
  auto fits = [&] { return pending_checks == 0 || pending_checks + n <= options.max_pending_checks; };
  if (!fits() && std::this_thread::get_id() != deliverer_id.load(std::memory_order_relaxed)) {
    ++stats.blocked_submits;
    ++blocked;
    work_cv.notify_one();  // a blocked producer flushes the partial batch
    room_cv.wait(lock, [&] { return stopping || fits(); });
    --blocked;
    if (stopping) {
      ++stats.rejected;
      return refused();
    }
  }
  const bool was_empty = queue.empty();
  ++stats.submissions;
  switch (sub.work) {
    case Work::kChecks: stats.checks += n; break;
    case Work::kHashes: ++stats.hash_jobs, stats.hash_messages += n; break;
    case Work::kMerkle: ++stats.merkle_jobs, stats.merkle_leaves += n; break;
  }
  sub.seq = next_seq++;
  sub.enqueued = Clock::now();
  queue.push_back(std::move(sub));
  queued_checks += n;
  pending_checks += n;
  stats.max_pending_checks = std::max<uint64_t>(stats.max_pending_checks, pending_checks);
  // Wake the collector only when its wait condition changed: a new oldest
  // submission (a new deadline) or a batch that just became full.
  if (was_empty || (queued_checks >= options.max_batch_checks && queued_checks - n < options.max_batch_checks))
    work_cv.notify_one();
  return Status::Ok();
}

// Waits until a batch should go; false when stopping with nothing left.
bool Engine::Impl::wait_for_batch(std::unique_lock<std::mutex>& lock, Flush* why) {
  for (;;) {
    if (queue.empty()) {
      if (stopping) return false;
      work_cv.wait(lock);
      continue;
    }
    if (stopping) *why = Flush::kShutdown;
    else if (queued_checks >= options.max_batch_checks) *why = Flush::kSize;
    else if (queue.front().seq < flush_before) *why = Flush::kRequest;
    else if (blocked > 0) *why = Flush::kBackpressure;  // nothing more can arrive until room is made
    else {
      const Clock::time_point deadline = queue.front().enqueued + options.flush_deadline;
      if (Clock::now() < deadline) {
        work_cv.wait_until(lock, deadline);
        continue;
      }
      *why = Flush::kDeadline;
    }
    return true;
  }
}

// Moves the oldest submissions, up to max_batch_checks (at least one), into
// `batch`; returns their check count.
size_t Engine::Impl::take_batch(std::vector<Submission>* batch, Flush why) {
  size_t n = 0;
  do {
    n += queue.front().items();
    batch->push_back(std::move(queue.front()));
    queue.pop_front();
  } while (!queue.empty() && n + queue.front().items() <= options.max_batch_checks);
  queued_checks -= n;
  ++stats.batches;
  stats.batched_checks += n;
  ++stats.batch_sizes[std::min<size_t>(std::bit_width(n) - 1, stats.batch_sizes.size() - 1)];
  switch (why) {
    case Flush::kSize: ++stats.flushes_by_size; break;
    case Flush::kDeadline: ++stats.flushes_by_deadline; break;
    case Flush::kRequest: ++stats.flushes_by_request; break;
    case Flush::kBackpressure: ++stats.flushes_by_backpressure; break;
    case Flush::kShutdown: ++stats.flushes_at_shutdown; break;
  }
  return n;
}

// The stage-time bucket of a duration: floor(log2(microseconds)), 0 for
// less than 2 us, the last bucket for anything longer.
namespace {
size_t us_bucket(std::chrono::steady_clock::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  if (us < 2) return 0;
  return std::min<size_t>(std::bit_width(static_cast<uint64_t>(us)) - 1, 31);
}
}  // namespace

void Engine::Impl::collect() {
  for (;;) {
    // A free batch first: when every batch is in the later stages, waiting
    // here is what holds producers back (their pending checks stay counted).
    Batch* b = nullptr;
    for (;;) {
      const uint32_t seen = free_bell.snapshot();
      if (free_batches.pop(b)) break;
      free_bell.wait(seen);
    }
    std::unique_lock lock(mu);
    Flush why;
    if (!wait_for_batch(lock, &why)) break;  // `b` stays unused; `batches` owns it
    b->subs.clear();
    b->checks = take_batch(&b->subs, why);
    b->seq = stats.batches - 1;
    const uint64_t ahead = stats.batches_awaiting_verify + stats.batches_verifying;
    ++stats.verify_queue_depth[std::min<uint64_t>(ahead, stats.verify_queue_depth.size() - 1)];
    ++stats.batches_awaiting_verify;
    lock.unlock();
    // To the verify thread holding the fewest batches (the first idle one).
    unsigned to = 0;
    for (unsigned i = 1; i < depth && held[to].load(std::memory_order_acquire) != 0; ++i)
      if (held[i].load(std::memory_order_acquire) < held[to].load(std::memory_order_acquire)) to = i;
    held[to].fetch_add(1, std::memory_order_acq_rel);
    to_verify[to]->push(b);  // cannot fail: it has room for every batch
    verify_bell.ring();
  }
  collector_done.store(true, std::memory_order_release);
  verify_bell.ring();
}

void Engine::Impl::verify_stage(unsigned index) {
  for (;;) {
    const uint32_t seen = verify_bell.snapshot();
    Batch* b = nullptr;
    if (!to_verify[index]->pop(b)) {
      // The collector pushes everything before it says it is done.
      if (collector_done.load(std::memory_order_acquire)) {
        if (!to_verify[index]->pop(b)) break;
      } else {
        verify_bell.wait(seen);
        continue;
      }
    }
    verify_batch(*b);
    held[index].fetch_sub(1, std::memory_order_acq_rel);
    verified[index]->push(b);  // cannot fail: it has room for every batch
    deliver_bell.ring();
  }
  verifiers_done.fetch_add(1, std::memory_order_acq_rel);
  deliver_bell.ring();
}

void Engine::Impl::verify_batch(Batch& b) {
  const Clock::time_point started = Clock::now();
  {
    std::lock_guard lock(mu);
    --stats.batches_awaiting_verify;
    ++stats.batches_verifying;
    for (const Submission& s : b.subs) ++stats.queue_wait_us[us_bucket(started - s.enqueued)];
  }
  try {
    run_batch(b);
  } catch (const std::exception& e) {
    // Out of memory, most likely: the batch's submissions get an error, not
    // a verdict, and the engine goes on.
    b.status = Status::Internal(std::string("engine: batch not verified: ") + e.what());
    b.hash_status.assign(b.subs.size(), b.status);
    b.out_offset.resize(b.subs.size(), 0);
  }
  const VerifierStats vstats = verifier->stats();
  const HasherStats hstats = hasher->stats();
  const Clock::time_point verified_at = Clock::now();

  std::lock_guard lock(mu);
  // Concurrent batches finish in any order: keep the newest counters.
  if (vstats.gpu_calls + vstats.gpu_fallbacks + vstats.cpu_checks >=
      stats.verifier.gpu_calls + stats.verifier.gpu_fallbacks + stats.verifier.cpu_checks)
    stats.verifier = vstats;
  if (hstats.gpu_calls + hstats.cpu_calls >= stats.hasher.gpu_calls + stats.hasher.cpu_calls) stats.hasher = hstats;
  --stats.batches_verifying;
  ++stats.delivery_queue_depth[std::min<uint64_t>(stats.batches_awaiting_delivery, stats.delivery_queue_depth.size() - 1)];
  ++stats.batches_awaiting_delivery;
  ++stats.verify_us[us_bucket(verified_at - started)];
  for (const Submission& s : b.subs) ++stats.verdict_latency_us[us_bucket(verified_at - s.enqueued)];
}

// The batch's work: its checks merged into one Verifier call, its hash and
// Merkle jobs into Hasher calls; every submission's output offset recorded.
void Engine::Impl::run_batch(Batch& b) {
  // Each submission's output offset: check submissions into the merged
  // verdicts, hash jobs into `hashes`, Merkle jobs into `merkle`.
  b.merged.clear();
  b.out_offset.clear();
  size_t hashes = 0, trees = 0;
  bool any_hash_work = false;
  for (const Submission& s : b.subs) {
    switch (s.work) {
      case Submission::Work::kChecks:
        b.out_offset.push_back(b.merged.size());
        b.merged.insert(b.merged.end(), s.checks.begin(), s.checks.end());
        break;
      case Submission::Work::kHashes:
        b.out_offset.push_back(hashes);
        hashes += s.messages.size();
        any_hash_work = true;
        break;
      case Submission::Work::kMerkle:
        b.out_offset.push_back(trees++);
        any_hash_work = true;
        break;
    }
  }
  b.verdicts.assign(b.merged.size(), 0);
  b.status = b.merged.empty() ? Status::Ok() : verifier->verify(b.merged, b.verdicts);
  if (any_hash_work) {
    b.hashes.resize(hashes);
    b.merkle.resize(trees);
    hash_batch(b);
  }
}

// The batch's hash jobs, one Hasher call per kind and tag (a batch rarely
// holds more than a few), and its Merkle jobs in one merkle_roots call.
void Engine::Impl::hash_batch(Batch& b) {
  using Work = Submission::Work;
  b.hash_status.assign(b.subs.size(), Status::Ok());
  uint64_t calls = 0;
  std::vector<bool>& done = b.grouped;
  done.assign(b.subs.size(), false);
  for (size_t first = 0; first < b.subs.size(); ++first) {
    const Submission& key = b.subs[first];
    if (key.work != Work::kHashes || done[first]) continue;
    // Every hash job of this kind and tag, in batch order: its hashes land
    // contiguously in one call's output, then go to their offsets.
    b.messages.clear();
    b.group.clear();
    for (size_t k = first; k < b.subs.size(); ++k) {
      const Submission& s = b.subs[k];
      if (s.work != Work::kHashes || done[k] || s.kind != key.kind || s.tag != key.tag) continue;
      done[k] = true;
      b.group.push_back(k);
      b.messages.insert(b.messages.end(), s.messages.begin(), s.messages.end());
    }
    b.group_out.resize(b.messages.size());
    const Status st = hasher->hash(key.kind, b.messages, b.group_out, key.tag);
    ++calls;
    size_t at = 0;
    for (size_t k : b.group) {
      const size_t n = b.subs[k].messages.size();
      b.hash_status[k] = st;
      std::copy_n(b.group_out.begin() + at, n, b.hashes.begin() + b.out_offset[k]);
      at += n;
    }
  }
  if (!b.merkle.empty()) {
    b.leaves.clear();
    b.tree_sizes.clear();
    for (const Submission& s : b.subs) {
      if (s.work != Work::kMerkle) continue;
      b.leaves.insert(b.leaves.end(), s.leaves.begin(), s.leaves.end());
      b.tree_sizes.push_back(static_cast<uint32_t>(s.leaves.size()));
    }
    const Status st = hasher->merkle_roots(b.leaves, b.tree_sizes, b.merkle);
    ++calls;
    for (size_t k = 0; k < b.subs.size(); ++k)
      if (b.subs[k].work == Work::kMerkle) b.hash_status[k] = st;
  }
  std::lock_guard lock(mu);
  stats.hasher_calls += calls;
}

void Engine::Impl::deliver() {
  deliverer_id.store(std::this_thread::get_id(), std::memory_order_relaxed);
  uint64_t next = 0;  // the seq of the batch to deliver next
  for (;;) {
    const uint32_t seen = deliver_bell.snapshot();
    // Each verify thread's queue is in increasing seq order, so batch `next`,
    // once verified, is at the front of one of them.
    Batch* b = nullptr;
    bool any = false;
    for (const auto& q : verified) {
      if (q->read_available() == 0) continue;
      any = true;
      if (q->front()->seq == next) {
        q->pop(b);
        break;
      }
    }
    if (b) {
      deliver_batch(*b);
      ++next;
      free_batches.push(b);  // cannot fail: it has room for every batch
      free_bell.ring();
      continue;
    }
    if (!any && verifiers_done.load(std::memory_order_acquire) == depth) {
      // Every verify thread has ended, after its last push: nothing is left.
      if (std::all_of(verified.begin(), verified.end(), [](const auto& q) { return q->read_available() == 0; })) return;
      continue;
    }
    deliver_bell.wait(seen);
  }
}

void Engine::Impl::deliver_batch(Batch& b) {
  {
    std::lock_guard lock(mu);
    --stats.batches_awaiting_delivery;
  }
  // Submission k's output starts at out_offset[k]: in the merged verdicts
  // (the check submissions' checks concatenated in order), in the hashes, or
  // in the Merkle roots.
  for (size_t k = 0; k < b.subs.size(); ++k) {
    Submission& s = b.subs[k];
    const size_t at = b.out_offset[k];
    if (s.work == Submission::Work::kChecks) {
      VerifyResult result{b.status, s.owner, {}};
      if (b.status.ok()) result.verdicts.assign(b.verdicts.begin() + at, b.verdicts.begin() + at + s.checks.size());
      s.done(std::move(result));
      continue;
    }
    HashResult result;
    result.status = b.hash_status[k];
    result.owner = s.owner;
    if (result.status.ok()) {
      if (s.work == Submission::Work::kHashes) {
        result.hashes.assign(b.hashes.begin() + at, b.hashes.begin() + at + s.messages.size());
      } else {
        result.merkle = b.merkle[at];
      }
    }
    s.hash_done(std::move(result));
  }
  b.subs.clear();  // the callers' checks and callbacks are not kept
  std::lock_guard lock(mu);
  // Room is made once the results are out: memory stays bounded even when
  // the callbacks are slower than the verification.
  pending_checks -= b.checks;
  room_cv.notify_all();
}

}  // namespace vigil
