// The engine's pipeline: several batches in verification at once (one per
// device lane), results still delivered in batch order and to the right
// owners, faults in any of the concurrent calls redone on the CPU, and the
// queue-depth metrics adding up. Like the other engine tests, no assertion
// depends on the machine's speed: gates order the device calls.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "pipeline/engine_harness.hpp"
#include "pipeline/failing_verify_device.hpp"

namespace vigil::test {
namespace {

// Counts the calls inside it at once and holds the first call until `release_first_after` later calls
// have completed: a GPU whose first batch is the slowest.
class StaggeredDevice final : public gpu::VerifyDevice {
 public:
  StaggeredDevice(unsigned lanes, int release_first_after)
      : inner_(make_emulated_verify_device(lanes)), release_after_(release_first_after) {}
  const std::string& name() const override { return inner_->name(); }
  bool usable() const override { return true; }
  unsigned lanes() const override { return inner_->lanes(); }
  Status verify_secp(std::span<const secp::SecpCheck> c, ByteView a, std::span<uint8_t> v, double* t) override {
    return around([&] { return inner_->verify_secp(c, a, v, t); });
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck> c, ByteView a, std::span<uint8_t> v, double* t) override {
    return around([&] { return inner_->verify_ed25519(c, a, v, t); });
  }

  std::atomic<int> inside{0}, most_inside{0}, completed{0}, first_held{0};

 private:
  template <class Run>
  Status around(const Run& run) {
    const int now = ++inside;
    for (int m = most_inside.load(); now > m && !most_inside.compare_exchange_weak(m, now);) {
    }
    if (calls_.fetch_add(1) == 0) {
      // The first call finishes only after later ones have: impossible
      // unless calls run concurrently (then `eventually` gives up).
      first_held = eventually([&] { return completed.load() >= release_after_; }) ? 1 : -1;
    }
    Status s = run();
    --inside;
    ++completed;
    return s;
  }
  std::unique_ptr<gpu::VerifyDevice> inner_;
  const int release_after_;
  std::atomic<int> calls_{0};
};

EngineOptions pipeline_options(unsigned depth) {
  EngineOptions o;
  o.pipeline_depth = depth;
  o.max_batch_checks = 64;
  o.flush_deadline = std::chrono::microseconds(100);
  return o;
}

// Three batches: the first is held in the device until the two after it
// have been verified. Their callbacks still run in batch order, with each
// owner's own verdicts.
TEST(EnginePipeline, LaterBatchesFinishFirstYetResultsKeepBatchOrder) {
  std::mt19937_64 rng(test_seed());
  auto device = std::make_unique<StaggeredDevice>(3, /*release_first_after=*/2);
  StaggeredDevice* dev = device.get();
  EngineOptions o = pipeline_options(3);
  o.flush_deadline = kNever;  // batches are cut by size only: one submission each
  auto engine = engine_over(o, std::move(device));
  std::vector<Sub> subs;
  for (uint64_t i = 0; i < 3; ++i) subs.push_back(make_sub(i, 64, rng));
  std::mutex order_mu;
  std::vector<uint64_t> order;
  std::vector<std::promise<VerifyResult>> results(3);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(engine
                    ->submit(subs[i].owner, subs[i].checks,
                             [&, i](VerifyResult r) {
                               {
                                 std::lock_guard l(order_mu);
                                 order.push_back(r.owner);
                               }
                               results[i].set_value(std::move(r));
                             })
                    .ok());
  }
  for (size_t i = 0; i < 3; ++i) {
    auto f = results[i].get_future();
    VerifyResult r = get(f);
    expect_result(r, subs[i]);
  }
  EXPECT_EQ(dev->first_held.load(), 1) << "the later batches waited for the first: no overlap";
  EXPECT_GE(dev->most_inside.load(), 2);
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 1, 2}));
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.pipeline_depth, 3u);
  EXPECT_EQ(st.batches, 3u);
}

// Depth 1 is the serial engine: never two calls in the device at once.
TEST(EnginePipeline, DepthOneVerifiesOneBatchAtATime) {
  const uint64_t seed = test_seed();
  auto device = std::make_unique<StaggeredDevice>(4, /*release_first_after=*/0);
  StaggeredDevice* dev = device.get();
  auto engine = engine_over(pipeline_options(1), std::move(device));
  run_stream(*engine, 4, {1, 33, 64, 65, 200}, seed);
  EXPECT_EQ(dev->most_inside.load(), 1);
  EXPECT_EQ(engine->stats().pipeline_depth, 1u);
}

// The default depth is the verifier's lane count.
TEST(EnginePipeline, DefaultDepthIsTheDevicesLaneCount) {
  EngineOptions o;
  auto engine = engine_over(o, make_emulated_verify_device(5));
  EXPECT_EQ(engine->stats().pipeline_depth, 5u);
  EngineOptions cpu;
  cpu.verifier.backend = Backend::kCpu;
  std::unique_ptr<Engine> e;
  ASSERT_TRUE(Engine::Create(cpu, &e).ok());
  EXPECT_EQ(e->stats().pipeline_depth, 1u);
  cpu.pipeline_depth = 65;
  EXPECT_EQ(Engine::Create(cpu, &e).code(), Status::Code::kInvalidArgument);
}

// Many producers over 1, 2 and 4 concurrent batches, with the device failing
// at each point the fault plan knows -- before it runs (transient or
// sticky), after it ran, or in the allocation of the page-locked buffers --
// in the middle of the stream: every verdict is the oracle's, every check
// verified exactly once, and the gauges are back to zero once everything is
// delivered.
TEST(EnginePipeline, ManyProducersAtEveryDepthWithFaultsAtEveryPointGetTheOraclesVerdicts) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  const char* const kPlans[] = {"", "fail_from=5,fail_count=3", "fail_from=5,sticky", "fail_from=5,fail_count=3,at=after",
                                "fail_from=2,fail_count=3,at=alloc"};
  for (unsigned depth : {1u, 2u, 4u}) {
    for (const char* spec : kPlans) {
      SCOPED_TRACE("depth " + std::to_string(depth) + ", faults '" + spec + "'");
      DeviceFaultPlan plan;
      ASSERT_TRUE(parse_device_fault_plan(spec, &plan).ok());
      EngineOptions o = pipeline_options(depth);
      o.max_pending_checks = 1024;
      auto engine = engine_over(o, with_injected_faults(make_emulated_verify_device(depth), plan));
      const size_t total = run_stream(*engine, 6, {0, 1, 31, 32, 33, 63, 64, 65, 150}, seed + depth);
      EXPECT_TRUE(eventually([&] { return engine->stats().pending_checks == 0; }));
      const EngineStats st = engine->stats();
      EXPECT_EQ(st.checks, total);
      EXPECT_EQ(st.verifier.gpu_checks + st.verifier.cpu_checks, total) << "a check verified twice or never";
      if (plan.injects()) {
        EXPECT_GE(st.verifier.gpu_fallbacks, 1u);
        EXPECT_NE(st.verifier.last_gpu_error.find(plan.at == DeviceFaultPlan::At::kAlloc ? "host staging" : "injected"),
                  std::string::npos)
            << st.verifier.last_gpu_error;
      } else {
        EXPECT_EQ(st.verifier.gpu_fallbacks, 0u);
      }
      EXPECT_LE(st.max_pending_checks, o.max_pending_checks);
      EXPECT_EQ(st.batches_awaiting_delivery, 0u);
      EXPECT_EQ(st.queued_submissions, 0u);
      expect_consistent(st);
    }
  }
}

// Throws std::bad_alloc from its first call, then works.
class ThrowingOnceDevice final : public gpu::VerifyDevice {
 public:
  const std::string& name() const override { return inner_->name(); }
  bool usable() const override { return true; }
  Status verify_secp(std::span<const secp::SecpCheck> c, ByteView a, std::span<uint8_t> v, double* t) override {
    if (!thrown_.exchange(true)) throw std::bad_alloc();
    return inner_->verify_secp(c, a, v, t);
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck> c, ByteView a, std::span<uint8_t> v, double* t) override {
    if (!thrown_.exchange(true)) throw std::bad_alloc();
    return inner_->verify_ed25519(c, a, v, t);
  }

 private:
  std::unique_ptr<gpu::VerifyDevice> inner_ = make_emulated_verify_device();
  std::atomic<bool> thrown_{false};
};

// An exception in a batch's verification (memory exhausted) gives that
// batch's submissions an error -- never verdicts, never a crash -- and the
// engine goes on with the next batch.
TEST(EnginePipeline, AnExceptionFailsItsBatchWithAnErrorAndTheEngineGoesOn) {
  std::mt19937_64 rng(test_seed());
  EngineOptions o = pipeline_options(1);
  o.flush_deadline = kNever;
  auto engine = engine_over(o, std::make_unique<ThrowingOnceDevice>());
  Sub first = make_sub(1, 64, rng), second = make_sub(2, 64, rng);
  auto a = engine->submit(first.owner, first.checks);
  auto b = engine->submit(second.owner, second.checks);
  VerifyResult ra = get(a), rb = get(b);
  EXPECT_EQ(ra.status.code(), Status::Code::kInternal) << ra.status.ToString();
  EXPECT_NE(ra.status.message().find("not verified"), std::string::npos) << ra.status.ToString();
  EXPECT_TRUE(ra.verdicts.empty());
  EXPECT_EQ(ra.owner, 1u);
  expect_result(rb, second);
}

// Concurrent Verifier calls (the engine's verify threads) never use more
// device lanes than the device has, and each gets its own verdicts.
TEST(VerifierConcurrency, ConcurrentCallsShareTheLanesAndKeepTheirVerdicts) {
  const uint64_t seed = test_seed();
  auto device = std::make_unique<StaggeredDevice>(2, /*release_first_after=*/0);
  StaggeredDevice* dev = device.get();
  VerifierOptions vo;
  vo.gpu_min_checks = 0;
  vo.gpu_max_checks = 50;
  auto verifier = make_verifier(vo, std::move(device));
  EXPECT_EQ(verifier->gpu_lanes(), 2u);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(seed + t);
      for (int round = 0; round < 5; ++round) {
        Sub s = make_sub(t, 1 + rng() % 180, rng);
        std::vector<uint8_t> verdicts(s.checks.size(), 2);
        ASSERT_TRUE(verifier->verify(s.checks, verdicts).ok());
        EXPECT_EQ(verdicts, s.expected) << "thread " << t << " round " << round;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_LE(dev->most_inside.load(), 2);
  EXPECT_GE(dev->most_inside.load(), 1);
}

}  // namespace
}  // namespace vigil::test
