// vigil::Engine: producers append submissions to one queue under a mutex; a
// collector thread cuts the queue into batches (arrival order, submission
// boundaries) and verifies each with the Verifier outside the lock; a
// deliverer thread gives every submission the verdicts at its offset in the
// merged batch, so the next batch is verified while callbacks run.
#include "vigil/engine.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "engine_impl.hpp"

namespace vigil {

namespace {

Status refused() { return Status::InvalidArgument("engine: shut down, submission refused"); }

}  // namespace

Status validate_engine_options(const EngineOptions& o) {
  if (o.max_batch_checks == 0) return Status::InvalidArgument("EngineOptions::max_batch_checks must be > 0");
  if (o.max_pending_checks == 0) return Status::InvalidArgument("EngineOptions::max_pending_checks must be > 0");
  if (o.flush_deadline.count() < 0) return Status::InvalidArgument("EngineOptions::flush_deadline must be >= 0");
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
  return impl_->stats;
}

void Engine::flush() {
  std::lock_guard lock(impl_->mu);
  impl_->flush_before = impl_->next_seq;
  impl_->work_cv.notify_one();
}

void Engine::shutdown() { impl_->stop_and_join(); }

Engine::Impl::Impl(const EngineOptions& opts, std::unique_ptr<Verifier> v)
    : options(opts), verifier(std::move(v)) {
  stats.verifier = verifier->stats();
  deliverer = std::thread([this] { deliver(); });
  collector = std::thread([this] { run(); });
}

void Engine::Impl::stop_and_join() {
  {
    std::lock_guard lock(mu);
    stopping = true;
    work_cv.notify_all();
    room_cv.notify_all();
    // From a callback (on the deliverer): it cannot join itself; the threads
    // drain and exit on their own, and the destructor joins.
    if (std::this_thread::get_id() == deliverer_id) return;
  }
  std::lock_guard join(join_mu);
  if (collector.joinable()) collector.join();  // it ends by waking the deliverer
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
  if (!fits() && std::this_thread::get_id() != deliverer_id) {
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

void Engine::Impl::run() {
  std::vector<Check> merged;  // reused between batches
  std::unique_lock lock(mu);
  Flush why;
  while (wait_for_batch(lock, &why)) {
    Delivery d;
    d.checks = take_batch(&d.batch, why);
    const Clock::time_point started = Clock::now();
    for (const Submission& s : d.batch) ++stats.queue_wait_us[us_bucket(started - s.enqueued)];
    lock.unlock();

    merged.clear();
    for (const Submission& s : d.batch) merged.insert(merged.end(), s.checks.begin(), s.checks.end());
    d.verdicts.assign(d.checks, 0);
    d.status = verifier->verify(merged, d.verdicts);
    const VerifierStats vstats = verifier->stats();
    const Clock::time_point verified = Clock::now();

    lock.lock();
    stats.verifier = vstats;
    ++stats.verify_us[us_bucket(verified - started)];
    for (const Submission& s : d.batch) ++stats.verdict_latency_us[us_bucket(verified - s.enqueued)];
    deliveries.push_back(std::move(d));
    delivery_cv.notify_one();
  }
  collector_done = true;
  delivery_cv.notify_one();
}

void Engine::Impl::deliver() {
  std::unique_lock lock(mu);
  deliverer_id = std::this_thread::get_id();
  for (;;) {
    delivery_cv.wait(lock, [&] { return !deliveries.empty() || collector_done; });
    if (deliveries.empty()) return;  // the collector finished and everything is delivered
    Delivery d = std::move(deliveries.front());
    deliveries.pop_front();
    lock.unlock();
    // Submission k's verdicts are merged[offset_k, offset_k + size_k): the
    // batch is the submissions' checks concatenated in order.
    size_t offset = 0;
    for (Submission& s : d.batch) {
      const size_t size = s.checks.size();
      VerifyResult result{d.status, s.owner, {}};
      if (d.status.ok()) result.verdicts.assign(d.verdicts.begin() + offset, d.verdicts.begin() + offset + size);
      offset += size;
      s.done(std::move(result));
    }
    lock.lock();
    // Room is made once the results are out: memory stays bounded even when
    // the callbacks are slower than the verification.
    pending_checks -= d.checks;
    room_cv.notify_all();
  }
}

}  // namespace vigil
