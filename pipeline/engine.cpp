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

Status make_engine(const EngineOptions& options, std::unique_ptr<Verifier> verifier, std::unique_ptr<Engine>* out) {
  Status s = validate_engine_options(options);
  if (!s.ok()) return s;
  if (!verifier) return Status::InvalidArgument("make_engine: no verifier");
  *out = std::make_unique<Engine>(std::make_unique<Engine::Impl>(options, std::move(verifier)));
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
  s = verifier->reserve(options.max_batch_checks);
  if (!s.ok()) return s;
  return make_engine(options, std::move(verifier), out);
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() { shutdown(); }

std::future<VerifyResult> Engine::submit(uint64_t owner, std::vector<Check> checks) {
  // shared_ptr: std::function needs a copyable callable, std::promise is move-only.
  auto promise = std::make_shared<std::promise<VerifyResult>>();
  std::future<VerifyResult> result = promise->get_future();
  Status s = impl_->enqueue(owner, std::move(checks),
                            [promise](VerifyResult r) { promise->set_value(std::move(r)); });
  if (!s.ok()) promise->set_value(VerifyResult{std::move(s), owner, {}});
  return result;
}

Status Engine::submit(uint64_t owner, std::vector<Check> checks, std::function<void(VerifyResult)> done) {
  return impl_->enqueue(owner, std::move(checks), std::move(done));
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

Engine::Impl::Impl(const EngineOptions& opts, std::unique_ptr<Verifier> v)
    : options(opts),
      verifier(std::move(v)),
      depth(opts.pipeline_depth ? opts.pipeline_depth : std::max(1u, verifier->gpu_lanes())),
      free_batches(batch_count(depth)),
      to_verify(batch_count(depth)) {
  stats.verifier = verifier->stats();
  stats.pipeline_depth = depth;
  for (size_t i = 0; i < batch_count(depth); ++i) {
    batches.push_back(std::make_unique<Batch>());
    free_batches.bounded_push(batches.back().get());
  }
  for (unsigned i = 0; i < depth; ++i)
    verified.push_back(std::make_unique<boost::lockfree::spsc_queue<Batch*>>(batch_count(depth) + 1));
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

Status Engine::Impl::enqueue(uint64_t owner, std::vector<Check> checks, std::function<void(VerifyResult)> done) {
  const size_t n = checks.size();
  std::unique_lock lock(mu);
  if (stopping) {
    ++stats.rejected;
    return refused();
  }
  if (n == 0) {  // nothing to verify: answer now, without waking the collector
    ++stats.submissions;
    lock.unlock();
    done(VerifyResult{Status::Ok(), owner, {}});
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
  queue.push_back(Submission{owner, next_seq++, std::move(checks), std::move(done), Clock::now()});
  queued_checks += n;
  pending_checks += n;
  ++stats.submissions;
  stats.checks += n;
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
    n += queue.front().checks.size();
    batch->push_back(std::move(queue.front()));
    queue.pop_front();
  } while (!queue.empty() && n + queue.front().checks.size() <= options.max_batch_checks);
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
    if (!wait_for_batch(lock, &why)) {
      free_batches.bounded_push(b);
      break;
    }
    b->subs.clear();
    b->checks = take_batch(&b->subs, why);
    b->seq = stats.batches - 1;
    const uint64_t ahead = stats.batches_awaiting_verify + stats.batches_verifying;
    ++stats.verify_queue_depth[std::min<uint64_t>(ahead, stats.verify_queue_depth.size() - 1)];
    ++stats.batches_awaiting_verify;
    lock.unlock();
    to_verify.bounded_push(b);  // cannot fail: it holds every batch
    verify_bell.ring();
  }
  collector_done.store(true, std::memory_order_release);
  verify_bell.ring();
}

void Engine::Impl::verify_stage(unsigned index) {
  for (;;) {
    const uint32_t seen = verify_bell.snapshot();
    Batch* b = nullptr;
    if (!to_verify.pop(b)) {
      // The collector pushes everything before it says it is done.
      if (collector_done.load(std::memory_order_acquire)) {
        if (!to_verify.pop(b)) break;
      } else {
        verify_bell.wait(seen);
        continue;
      }
    }
    verify_batch(*b);
    verified[index]->push(b);  // cannot fail: it holds every batch
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
  b.merged.clear();
  for (const Submission& s : b.subs) b.merged.insert(b.merged.end(), s.checks.begin(), s.checks.end());
  b.verdicts.assign(b.checks, 0);
  b.status = verifier->verify(b.merged, b.verdicts);
  const VerifierStats vstats = verifier->stats();
  const Clock::time_point verified_at = Clock::now();

  std::lock_guard lock(mu);
  // Concurrent batches finish in any order: keep the newest counters.
  if (vstats.gpu_calls + vstats.gpu_fallbacks + vstats.cpu_checks >=
      stats.verifier.gpu_calls + stats.verifier.gpu_fallbacks + stats.verifier.cpu_checks)
    stats.verifier = vstats;
  --stats.batches_verifying;
  ++stats.delivery_queue_depth[std::min<uint64_t>(stats.batches_awaiting_delivery, stats.delivery_queue_depth.size() - 1)];
  ++stats.batches_awaiting_delivery;
  ++stats.verify_us[us_bucket(verified_at - started)];
  for (const Submission& s : b.subs) ++stats.verdict_latency_us[us_bucket(verified_at - s.enqueued)];
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
      free_batches.bounded_push(b);  // cannot fail: it holds every batch
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
  // Submission k's verdicts are merged[offset_k, offset_k + size_k): the
  // batch is the submissions' checks concatenated in order.
  size_t offset = 0;
  for (Submission& s : b.subs) {
    const size_t size = s.checks.size();
    VerifyResult result{b.status, s.owner, {}};
    if (b.status.ok()) result.verdicts.assign(b.verdicts.begin() + offset, b.verdicts.begin() + offset + size);
    offset += size;
    s.done(std::move(result));
  }
  b.subs.clear();  // the callers' checks and callbacks are not kept
  std::lock_guard lock(mu);
  // Room is made once the results are out: memory stays bounded even when
  // the callbacks are slower than the verification.
  pending_checks -= b.checks;
  room_cv.notify_all();
}

}  // namespace vigil
