// vigil::Engine over Verifiers with substitute devices (emulated, failing,
// gated, slow) and over the CPU: every submission's verdicts are the oracle's
// for exactly its own checks, batches are flushed for the stated reasons,
// backpressure bounds what is pending, and shutdown delivers or refuses
// everything. No assertion depends on how fast the machine is: waits are
// bounded only to turn a hang into a failure.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <numeric>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <random>
#include <thread>

#include "pipeline/engine_harness.hpp"
#include "pipeline/failing_verify_device.hpp"

namespace vigil::test {
namespace {

using namespace std::chrono_literals;

TEST(EngineStream, ManyProducersEachGetTheOraclesVerdictsForTheirOwnChecks) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  EngineOptions o;
  o.max_batch_checks = 2048;  // 2100 is larger: a batch of its own
  o.flush_deadline = 200us;
  o.max_pending_checks = 8192;
  auto engine = engine_over(o, make_emulated_verify_device());
  const size_t total = run_stream(*engine, 8, kStreamSizes, seed);
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.submissions, 8 * kStreamSizes.size());
  EXPECT_EQ(st.checks, total);
  EXPECT_EQ(st.rejected, 0u);
  EXPECT_LE(st.max_pending_checks, o.max_pending_checks);
  EXPECT_EQ(st.verifier.gpu_checks, total);  // all through the emulated device
  EXPECT_EQ(st.verifier.gpu_fallbacks, 0u);
  EXPECT_GE(st.batches, total / 2100);
  expect_consistent(st);
}

TEST(EngineStream, CpuBackendThroughCreate) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  EngineOptions o;
  o.verifier.backend = Backend::kCpu;
  o.max_batch_checks = 1000;
  std::unique_ptr<Engine> engine;
  ASSERT_TRUE(Engine::Create(o, &engine).ok());
  const size_t total = run_stream(*engine, 4, {0, 1, 33, 64, 500, 1001}, seed);
  EXPECT_EQ(engine->stats().verifier.cpu_checks, total);
  expect_consistent(engine->stats());
}

// The Prometheus text of a stream's stats: each metric has HELP and TYPE, every
// sample line is "name{labels} value" with a number, the histogram's buckets
// are cumulative and end at its count, and the values are the stats'.
TEST(EngineMetrics, PrometheusTextCarriesTheStats) {
  EngineOptions o;
  o.max_batch_checks = 300;
  auto engine = engine_over(o, make_emulated_verify_device());
  run_stream(*engine, 2, {0, 1, 33, 250, 700}, test_seed());
  const EngineStats st = engine->stats();
  const std::string text = prometheus_text(st, "node_vigil");
  std::map<std::string, double> samples;
  std::set<std::string> typed;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      typed.insert(line.substr(7, line.find(' ', 7) - 7));
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    const size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    ASSERT_EQ(line.rfind("node_vigil_", 0), 0u) << line;
    size_t used = 0;
    double value = 0;
    try {
      value = std::stod(line.substr(space + 1), &used);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a number: '" << line << "' (" << e.what() << ")";
    }
    EXPECT_EQ(used, line.size() - space - 1) << line;
    samples[line.substr(0, space)] = value;
  }
  for (const auto& [name, value] : samples) {
    std::string family = name.substr(0, name.find('{'));
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (typed.count(family)) break;
      const std::string sfx(suffix);
      if (family.size() > sfx.size() && family.compare(family.size() - sfx.size(), sfx.size(), sfx) == 0)
        family.resize(family.size() - sfx.size());
    }
    EXPECT_TRUE(typed.count(family)) << name << ": no # TYPE line";
  }
  EXPECT_EQ(samples["node_vigil_submissions_total"], static_cast<double>(st.submissions));
  EXPECT_EQ(samples["node_vigil_checks_total"], static_cast<double>(st.checks));
  EXPECT_EQ(samples["node_vigil_gpu_checks_total"], static_cast<double>(st.verifier.gpu_checks));
  EXPECT_EQ(samples["node_vigil_batch_checks_count"], static_cast<double>(st.batches));
  EXPECT_EQ(samples["node_vigil_batch_checks_sum"], static_cast<double>(st.batched_checks));
  EXPECT_EQ(samples["node_vigil_batch_checks_bucket{le=\"+Inf\"}"], static_cast<double>(st.batches));
  double previous = 0, by_reason = 0;
  for (size_t k = 0; k < st.batch_sizes.size(); ++k) {
    const double b = samples["node_vigil_batch_checks_bucket{le=\"" + std::to_string((uint64_t{2} << k) - 1) + "\"}"];
    EXPECT_GE(b, previous) << k;
    previous = b;
  }
  EXPECT_EQ(previous, static_cast<double>(st.batches));
  for (const char* reason : {"size", "deadline", "request", "backpressure", "shutdown"})
    by_reason += samples[std::string("node_vigil_flushes_total{reason=\"") + reason + "\"}"];
  EXPECT_EQ(by_reason, static_cast<double>(st.batches));
  EXPECT_GT(st.batches, 1u);
  // Stage times: every queued (non-empty) submission waited and got verdicts
  // once, every batch had one Verifier call; the histograms' counts say so.
  const auto total = [](const std::array<uint64_t, 32>& b) { return std::accumulate(b.begin(), b.end(), uint64_t{0}); };
  const uint64_t queued = 2 * 4;  // two producers, four non-empty sizes each
  EXPECT_EQ(total(st.queue_wait_us), queued);
  EXPECT_EQ(total(st.verdict_latency_us), queued);
  EXPECT_EQ(total(st.verify_us), st.batches);
  EXPECT_EQ(samples["node_vigil_queue_wait_seconds_count"], static_cast<double>(queued));
  EXPECT_EQ(samples["node_vigil_verify_seconds_bucket{le=\"+Inf\"}"], static_cast<double>(st.batches));
  EXPECT_GT(samples["node_vigil_verdict_latency_seconds_sum"], 0.0);
  // Queue depths: one sample per batch in each histogram; the gauges are the stats'.
  EXPECT_EQ(samples["node_vigil_verify_queue_depth_count"], static_cast<double>(st.batches));
  EXPECT_EQ(samples["node_vigil_delivery_queue_depth_bucket{le=\"+Inf\"}"], static_cast<double>(st.batches));
  EXPECT_EQ(samples["node_vigil_verify_queue_depth_bucket{le=\"0\"}"], static_cast<double>(st.verify_queue_depth[0]));
  EXPECT_EQ(samples["node_vigil_pipeline_depth"], static_cast<double>(st.pipeline_depth));
  EXPECT_EQ(samples["node_vigil_stage_batches{stage=\"verifying\"}"], static_cast<double>(st.batches_verifying));
  EXPECT_EQ(samples.count("node_vigil_stage_batches{stage=\"awaiting_delivery\"}"), 1u);
  EXPECT_EQ(samples["node_vigil_pending_checks"], static_cast<double>(st.pending_checks));
}

TEST(EngineOptions, OutOfRangeOptionsAreRefused) {
  std::unique_ptr<Engine> engine;
  EngineOptions o;
  o.verifier.backend = Backend::kCpu;
  o.max_batch_checks = 0;
  EXPECT_EQ(Engine::Create(o, &engine).code(), Status::Code::kInvalidArgument);
  o = {};
  o.max_pending_checks = 0;
  EXPECT_EQ(Engine::Create(o, &engine).code(), Status::Code::kInvalidArgument);
  o = {};
  o.flush_deadline = -1us;
  EXPECT_EQ(Engine::Create(o, &engine).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(engine, nullptr);
}

TEST(EngineFlush, AnEmptySubmissionCompletesAtOnce) {
  EngineOptions o;
  o.flush_deadline = kNever;
  auto engine = engine_over(o, make_emulated_verify_device());
  std::future<VerifyResult> f = engine->submit(7, {});
  ASSERT_EQ(f.wait_for(0s), std::future_status::ready);
  VerifyResult r = f.get();
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.owner, 7u);
  EXPECT_TRUE(r.verdicts.empty());
  bool called = false;
  EXPECT_TRUE(engine->submit(8, {}, [&](VerifyResult res) { called = res.status.ok() && res.owner == 8; }).ok());
  EXPECT_TRUE(called);  // on this thread, before submit returned
  EXPECT_EQ(engine->stats().batches, 0u);
}

TEST(EngineFlush, ALoneSmallSubmissionGoesAtTheDeadline) {
  std::mt19937_64 rng(test_seed());
  EngineOptions o;
  o.flush_deadline = 2ms;  // the batch (2^16) is far from full
  auto engine = engine_over(o, make_emulated_verify_device());
  Sub s = make_sub(1, 5, rng);
  std::future<VerifyResult> f = engine->submit(s.owner, s.checks);
  expect_result(get(f), s);
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.batches, 1u);
  EXPECT_EQ(st.flushes_by_deadline, 1u);
  EXPECT_EQ(st.batch_sizes[2], 1u);  // 5 checks: [4, 8)
  expect_consistent(st);
}

TEST(EngineFlush, FullBatchesGoAtOnceAndFlushTakesTheRest) {
  std::mt19937_64 rng(test_seed());
  EngineOptions o;
  o.max_batch_checks = 64;
  o.flush_deadline = kNever;  // only size and flush() can send a batch
  auto engine = engine_over(o, make_emulated_verify_device());

  Sub a = make_sub(1, 32, rng), b = make_sub(2, 32, rng);
  auto fa = engine->submit(a.owner, a.checks);
  auto fb = engine->submit(b.owner, b.checks);
  expect_result(get(fa), a);
  expect_result(get(fb), b);
  EXPECT_EQ(engine->stats().flushes_by_size, 1u);
  EXPECT_EQ(engine->stats().batch_sizes[6], 1u);  // one batch of 64

  // 30 + 30 + 30: the third fills the queue past 64; a batch is cut at a
  // submission boundary (60), and the third waits for flush().
  Sub c = make_sub(3, 30, rng), d = make_sub(4, 30, rng), e = make_sub(5, 30, rng);
  auto fc = engine->submit(c.owner, c.checks);
  auto fd = engine->submit(d.owner, d.checks);
  auto fe = engine->submit(e.owner, e.checks);
  expect_result(get(fc), c);
  expect_result(get(fd), d);
  EXPECT_EQ(engine->stats().flushes_by_size, 2u);
  EXPECT_NE(fe.wait_for(20ms), std::future_status::ready);  // the deadline is an hour away
  engine->flush();
  expect_result(get(fe), e);
  EXPECT_EQ(engine->stats().flushes_by_request, 1u);

  // Larger than a batch: a batch of its own, not split.
  Sub big = make_sub(6, 100, rng);
  auto fbig = engine->submit(big.owner, big.checks);
  expect_result(get(fbig), big);
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.flushes_by_size, 3u);
  EXPECT_EQ(st.batch_sizes[6], 2u);  // 64 and 100
  EXPECT_EQ(st.batch_sizes[5], 1u);  // 60
  EXPECT_EQ(st.batch_sizes[4], 1u);  // 30
  EXPECT_EQ(st.flushes_by_deadline, 0u);
  expect_consistent(st);
}

TEST(EngineBackpressure, SubmitBlocksWhileTheBoundIsReached) {
  std::mt19937_64 rng(test_seed());
  auto gate = std::make_shared<Gate>();
  gate->set_open(false);  // the device is busy until the test says so
  EngineOptions o;
  o.max_batch_checks = 50;
  o.max_pending_checks = 100;
  o.flush_deadline = kNever;
  auto engine = gated_engine(o, gate);

  Sub a = make_sub(1, 50, rng), b = make_sub(2, 50, rng), c = make_sub(3, 10, rng);
  auto fa = engine->submit(a.owner, a.checks);  // full: in flight, held at the gate
  auto fb = engine->submit(b.owner, b.checks);  // queued: 100 pending
  std::atomic<bool> c_returned{false};
  std::future<VerifyResult> fc;
  std::thread producer([&] {
    fc = engine->submit(c.owner, c.checks);  // 110 > 100: must wait
    c_returned = true;
  });
  // EXPECT, not ASSERT: the producer thread must be joined whatever happens.
  EXPECT_TRUE(eventually([&] { return engine->stats().blocked_submits == 1; }));
  EXPECT_FALSE(c_returned);  // nothing has left: it cannot have got in
  gate->set_open(true);
  producer.join();
  engine->flush();  // c alone is far from a full batch
  expect_result(get(fa), a);
  expect_result(get(fb), b);
  expect_result(get(fc), c);
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.max_pending_checks, 100u);
  EXPECT_EQ(st.blocked_submits, 1u);
  expect_consistent(st);
}

TEST(EngineBackpressure, ABlockedProducerFlushesThePartialBatch) {
  std::mt19937_64 rng(test_seed());
  EngineOptions o;
  o.max_batch_checks = 1000;  // never full here
  o.max_pending_checks = 100;
  o.flush_deadline = kNever;
  auto engine = engine_over(o, make_emulated_verify_device());
  Sub a = make_sub(1, 60, rng), b = make_sub(2, 60, rng);
  auto fa = engine->submit(a.owner, a.checks);
  auto fb = engine->submit(b.owner, b.checks);  // 120 > 100: blocks, and that sends a's batch
  expect_result(get(fa), a);
  EXPECT_EQ(engine->stats().flushes_by_backpressure, 1u);
  engine->flush();
  expect_result(get(fb), b);
  EXPECT_EQ(engine->stats().max_pending_checks, 60u);
}

TEST(EngineBackpressure, ManyProducersOverASlowDeviceStayWithinTheBound) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  auto gate = std::make_shared<Gate>();
  gate->delay = 2ms;
  EngineOptions o;
  o.max_batch_checks = 128;
  o.max_pending_checks = 256;
  o.flush_deadline = 100us;
  auto engine = gated_engine(o, gate);
  const size_t total = run_stream(*engine, 8, {0, 1, 7, 31, 32, 33, 64, 100, 127, 128, 129, 200, 256}, seed);
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.checks, total);
  EXPECT_LE(st.max_pending_checks, o.max_pending_checks);
  expect_consistent(st);
}

TEST(EngineFallback, AFailingDeviceMidStreamStillGivesTheOraclesVerdicts) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  for (bool sticky : {false, true}) {
    SCOPED_TRACE(sticky ? "sticky" : "transient");
    EngineOptions o;
    o.max_batch_checks = 256;
    o.flush_deadline = 100us;
    // The first 3 device calls succeed, the later ones fail.
    auto engine = engine_over(o, make_failing_verify_device(sticky, /*fail_after=*/3));
    const std::vector<size_t> sizes = {0, 1, 31, 32, 33, 100, 255, 256, 257};
    const size_t total = run_stream(*engine, 4, sizes, seed);
    // Batches hold at most 257 checks, so there are at least 4 device calls.
    ASSERT_GT(total, 3u * 257u);
    const EngineStats st = engine->stats();
    EXPECT_GE(st.verifier.gpu_fallbacks, 1u);
    EXPECT_EQ(st.verifier.gpu_checks + st.verifier.cpu_checks, total);
  }
}

// Callbacks run beside the verification: while the first batch's callback
// is held, the second batch is verified anyway.
TEST(EngineOverlap, TheNextBatchIsVerifiedWhileACallbackRuns) {
  EngineOptions o;
  o.max_batch_checks = 4;
  auto engine = engine_over(o, make_emulated_verify_device());
  std::mt19937_64 rng(test_seed());
  Sub a = make_sub(1, 4, rng), b = make_sub(2, 4, rng);
  std::atomic<bool> saw_second_batch{false};
  std::promise<VerifyResult> first;
  ASSERT_TRUE(engine
                  ->submit(a.owner, a.checks,
                           [&](VerifyResult r) {
                             // Held until the engine has verified the next batch (or the cap).
                             saw_second_batch = eventually([&] { return engine->stats().batches >= 2; });
                             first.set_value(std::move(r));
                           })
                  .ok());
  auto second = engine->submit(b.owner, b.checks);
  auto first_result = first.get_future();
  VerifyResult ra = get(first_result), rb = get(second);
  EXPECT_TRUE(saw_second_batch) << "the second batch waited for the first batch's callback";
  expect_result(ra, a);
  expect_result(rb, b);
}

TEST(EngineShutdown, TheDestructorDeliversEverythingAccepted) {
  std::mt19937_64 rng(test_seed());
  auto gate = std::make_shared<Gate>();
  gate->delay = 1ms;
  EngineOptions o;
  o.max_batch_checks = 100;  // some batches are in flight, the rest queued
  o.flush_deadline = kNever;
  auto engine = gated_engine(o, gate);
  std::vector<Sub> subs;
  for (uint64_t i = 0; i < 40; ++i) subs.push_back(make_sub(i, rng() % 61, rng));
  std::vector<std::future<VerifyResult>> futures;
  std::vector<VerifyResult> via_callback(subs.size());
  for (size_t i = 0; i < subs.size(); ++i) {
    if (i % 2 == 0) {
      futures.push_back(engine->submit(subs[i].owner, subs[i].checks));
    } else {
      ASSERT_TRUE(engine->submit(subs[i].owner, subs[i].checks, [&, i](VerifyResult r) { via_callback[i] = std::move(r); }).ok());
    }
  }
  engine.reset();
  for (size_t i = 0; i < subs.size(); ++i) {
    if (i % 2 == 0) {
      ASSERT_EQ(futures[i / 2].wait_for(0s), std::future_status::ready) << "submission " << i;
      expect_result(futures[i / 2].get(), subs[i]);
    } else {
      expect_result(via_callback[i], subs[i]);
    }
  }
}

TEST(EngineShutdown, SubmitAfterShutdownIsRefused) {
  std::mt19937_64 rng(test_seed());
  EngineOptions o;
  auto engine = engine_over(o, make_emulated_verify_device());
  engine->shutdown();
  Sub s = make_sub(9, 3, rng);
  std::future<VerifyResult> f = engine->submit(s.owner, s.checks);
  ASSERT_EQ(f.wait_for(0s), std::future_status::ready);
  VerifyResult r = f.get();
  EXPECT_FALSE(r.status.ok());
  EXPECT_EQ(r.owner, 9u);
  EXPECT_TRUE(r.verdicts.empty());
  bool called = false;
  EXPECT_FALSE(engine->submit(s.owner, s.checks, [&](VerifyResult) { called = true; }).ok());
  EXPECT_FALSE(called);
  EXPECT_FALSE(engine->submit(10, {}).get().status.ok());  // empty ones too
  EXPECT_EQ(engine->stats().rejected, 3u);
  engine->shutdown();  // again: nothing happens
}

TEST(EngineShutdown, ACallbackThatSubmitsDuringTheDrainIsRefused) {
  std::mt19937_64 rng(test_seed());
  EngineOptions o;
  o.flush_deadline = kNever;  // only the drain sends it
  auto engine = engine_over(o, make_emulated_verify_device());
  Engine* raw = engine.get();
  Sub s = make_sub(1, 4, rng);
  std::optional<Status> resubmit;
  VerifyResult first;
  ASSERT_TRUE(raw->submit(s.owner, s.checks, [&](VerifyResult r) {
                   first = std::move(r);
                   resubmit = raw->submit(2, s.checks, [](VerifyResult) {});
                 }).ok());
  engine.reset();
  expect_result(first, s);
  ASSERT_TRUE(resubmit.has_value());
  EXPECT_FALSE(resubmit->ok());
}

TEST(EngineShutdown, AProducerBlockedWhenShutdownBeginsIsRefused) {
  std::mt19937_64 rng(test_seed());
  auto gate = std::make_shared<Gate>();
  gate->set_open(false);
  EngineOptions o;
  o.max_batch_checks = 50;
  o.max_pending_checks = 50;
  o.flush_deadline = kNever;
  auto engine = gated_engine(o, gate);
  Sub a = make_sub(1, 50, rng), b = make_sub(2, 10, rng);
  auto fa = engine->submit(a.owner, a.checks);  // in flight, held at the gate
  std::future<VerifyResult> fb;
  std::promise<void> returned;
  std::thread producer([&] {
    fb = engine->submit(b.owner, b.checks);
    returned.set_value();
  });
  EXPECT_TRUE(eventually([&] { return engine->stats().blocked_submits == 1; }));
  std::thread stopper([&] { engine->shutdown(); });
  // Woken by the shutdown, not by room: the gate is still shut.
  EXPECT_EQ(returned.get_future().wait_for(kHang), std::future_status::ready) << "shutdown left a producer blocked";
  gate->set_open(true);
  producer.join();
  stopper.join();
  VerifyResult rb = get(fb);
  EXPECT_FALSE(rb.status.ok());
  EXPECT_EQ(rb.owner, 2u);
  expect_result(get(fa), a);
  EXPECT_EQ(engine->stats().rejected, 1u);
}

}  // namespace
}  // namespace vigil::test
