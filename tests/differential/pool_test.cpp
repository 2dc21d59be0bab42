// WorkerPool::parallel_for under stress: exact coverage of [0, n) for many n,
// grains and thread counts, many loops in a row, several submitting threads,
// and destruction right after use.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <random>
#include <thread>
#include <vector>

#include "util/test_util.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

// Runs one loop and records: how often each index was visited, ranges that
// are empty or leave [0, n), and ranges longer than `grain` (when given).
struct LoopCheck {
  std::vector<std::atomic<uint32_t>> hits;
  std::atomic<uint64_t> bad_ranges{0}, oversized{0}, ranges{0};

  void run(WorkerPool& pool, size_t n, size_t grain) {
    hits = std::vector<std::atomic<uint32_t>>(n);
    bad_ranges = 0;
    oversized = 0;
    ranges = 0;
    pool.parallel_for(n, grain, [&](size_t b, size_t e) {
      ranges.fetch_add(1);
      if (b >= e || e > n) {
        bad_ranges.fetch_add(1);
        return;
      }
      if (grain != 0 && e - b > grain) oversized.fetch_add(1);
      for (size_t i = b; i < e; ++i) hits[i].fetch_add(1, std::memory_order_relaxed);
    });
  }
  // Indices not visited exactly once.
  size_t wrong() const {
    size_t w = 0;
    for (const auto& h : hits) w += h.load() != 1;
    return w;
  }
};

std::vector<size_t> sizes_to_try(std::mt19937_64& rng) {
  std::vector<size_t> ns = {0, 1, 2, 3, 7, 8, 15, 16, 17, 63, 64, 65, 127, 1000, 4096, 4097, 100003};
  for (int i = 0; i < 8; ++i) ns.push_back(rng() % 20000);
  return ns;
}

std::vector<size_t> grains_to_try(std::mt19937_64& rng, size_t n) {
  std::vector<size_t> grains = {0, 1, 2, 3, 7, 64, 1000, n, n + 1, size_t{1} << 40, SIZE_MAX};
  grains.push_back(1 + rng() % (n + 1));
  return grains;
}

TEST(WorkerPoolStress, CoversEveryIndexExactlyOnce) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::vector<size_t> ns = sizes_to_try(rng);
  for (unsigned threads : {1u, 2u, 3u, 4u, 8u}) {
    WorkerPool pool(threads);
    ASSERT_EQ(pool.threads(), threads);
    LoopCheck lc;
    for (size_t n : ns) {
      for (size_t grain : grains_to_try(rng, n)) {
        lc.run(pool, n, grain);
        ASSERT_EQ(lc.bad_ranges.load(), 0u) << threads << " threads, n " << n << ", grain " << grain;
        ASSERT_EQ(lc.wrong(), 0u) << threads << " threads, n " << n << ", grain " << grain;
        if (n == 0) {
          EXPECT_EQ(lc.ranges.load(), 0u) << "no call for an empty range";
        }
      }
    }
  }
}

// "each at most `grain` long": for every pool size, the one-thread pool included.
TEST(WorkerPoolStress, RangesAreAtMostGrainLong) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  std::mt19937_64 rng(seed);
  const std::vector<size_t> ns = sizes_to_try(rng);
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    WorkerPool pool(threads);
    LoopCheck lc;
    std::vector<std::string> violations;
    for (size_t n : ns) {
      for (size_t grain : grains_to_try(rng, n)) {
        if (grain == 0) continue;  // the pool chooses
        lc.run(pool, n, grain);
        if (lc.oversized.load() != 0)
          violations.push_back("n " + std::to_string(n) + ", grain " + std::to_string(grain) + ": " +
                               std::to_string(lc.ranges.load()) + " range(s)");
      }
    }
    std::string first;
    for (size_t i = 0; i < std::min<size_t>(3, violations.size()); ++i) first += "\n  " + violations[i];
    EXPECT_EQ(violations.size(), 0u) << "loops with a range longer than the grain on a pool of " << threads
                                     << " thread(s), e.g." << first;
  }
}

TEST(WorkerPoolStress, HardwareThreadCountByDefault) {
  WorkerPool pool(0);
  EXPECT_EQ(pool.threads(), std::max(1u, std::thread::hardware_concurrency()));
  LoopCheck lc;
  lc.run(pool, 5000, 0);
  EXPECT_EQ(lc.wrong(), 0u);
}

TEST(WorkerPoolStress, OneThreadPoolRunsOnTheCaller) {
  WorkerPool pool(1);
  EXPECT_EQ(pool.threads(), 1u);
  const auto caller = std::this_thread::get_id();
  std::atomic<size_t> foreign{0};
  std::vector<uint32_t> hits(777);  // plain: a single thread touches it
  pool.parallel_for(hits.size(), 5, [&](size_t b, size_t e) {
    if (std::this_thread::get_id() != caller) foreign.fetch_add(1);
    for (size_t i = b; i < e; ++i) ++hits[i];
  });
  EXPECT_EQ(foreign.load(), 0u);
  for (uint32_t h : hits) EXPECT_EQ(h, 1u);
}

TEST(WorkerPoolStress, ManyConsecutiveLoops) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  std::mt19937_64 rng(seed);
  WorkerPool pool(4);
  LoopCheck lc;
  for (int loop = 0; loop < 20000; ++loop) {
    const size_t n = rng() % 300, grain = rng() % 8;
    lc.run(pool, n, grain);
    ASSERT_EQ(lc.bad_ranges.load(), 0u) << "loop " << loop;
    ASSERT_EQ(lc.wrong(), 0u) << "loop " << loop << ", n " << n << ", grain " << grain;
  }
}

// Several threads submit loops to one pool at once. Each loop must be
// complete when its parallel_for returns, and loops are serialized: no body
// of one loop runs while a body of another is running.
void concurrent_callers(unsigned pool_threads, size_t n_min, size_t n_max, size_t grain, bool slow_bodies) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed << ", pool of " << pool_threads << ", n in ["
                                    << n_min << ", " << n_max << "]" << ", grain " << grain);
  WorkerPool pool(pool_threads);
  constexpr int kCallers = 4, kLoops = 300;
  std::atomic<int> inside[kCallers] = {};
  std::atomic<uint64_t> overlaps{0}, incomplete{0};
  std::vector<std::thread> callers;
  for (int id = 0; id < kCallers; ++id) {
    callers.emplace_back([&, id] {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(id));
      for (int loop = 0; loop < kLoops; ++loop) {
        const size_t n = n_min + rng() % (n_max - n_min + 1);
        std::vector<std::atomic<uint32_t>> hits(n);
        pool.parallel_for(n, grain, [&](size_t b, size_t e) {
          inside[id].fetch_add(1);
          for (int other = 0; other < kCallers; ++other)
            if (other != id && inside[other].load() != 0) overlaps.fetch_add(1);
          for (size_t i = b; i < e; ++i) hits[i].fetch_add(1);
          if (slow_bodies) std::this_thread::sleep_for(std::chrono::microseconds(20));
          for (int other = 0; other < kCallers; ++other)
            if (other != id && inside[other].load() != 0) overlaps.fetch_add(1);
          inside[id].fetch_sub(1);
        });
        for (const auto& h : hits) incomplete += h.load() != 1;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(incomplete.load(), 0u);
  EXPECT_EQ(overlaps.load(), 0u) << "bodies of different loops ran at the same time";
}

// Loops longer than their grain: the pool's threads share them.
TEST(WorkerPoolStress, ConcurrentCallersAreSerialized) { concurrent_callers(3, 8, 2000, 7, false); }

TEST(WorkerPoolStress, ConcurrentCallersAreSerializedSlowBodies) { concurrent_callers(4, 3, 64, 2, true); }

// The header promises one loop at a time for every loop, including those
// the pool runs inline: a loop no longer than its grain, and any loop of a
// one-thread pool.
TEST(WorkerPoolStress, ConcurrentCallersAreSerializedInlineLoops) {
  concurrent_callers(3, 1, 16, 16, true);  // n <= grain: run inline by the caller
  concurrent_callers(1, 1, 100, 4, true);   // a one-thread pool runs everything inline
}

TEST(WorkerPoolStress, DestroyedRightAfterUse) {
  for (int round = 0; round < 300; ++round) {
    const unsigned threads = 1 + static_cast<unsigned>(round % 8);
    auto pool = std::make_unique<WorkerPool>(threads);
    LoopCheck lc;
    const size_t n = static_cast<size_t>(round) * 7 + 1;
    lc.run(*pool, n, 1 + static_cast<size_t>(round % 5));
    pool.reset();
    ASSERT_EQ(lc.wrong(), 0u) << "round " << round;
  }
  // Created and destroyed without ever running a loop.
  for (int round = 0; round < 100; ++round) WorkerPool pool(1 + static_cast<unsigned>(round % 6));
}

}  // namespace
}  // namespace vigil
