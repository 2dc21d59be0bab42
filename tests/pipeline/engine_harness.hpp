// What the engine tests share: a pool of generated checks with their oracle
// verdicts, submissions drawn from it, substitute devices (gated, slow) and
// a stream of many producers whose every result is checked.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "differential/generator.hpp"
#include "emulated_verify_device.hpp"
#include "engine_impl.hpp"
#include "util/test_util.hpp"
#include "verifier_impl.hpp"

namespace vigil::test {

using namespace std::chrono_literals;
inline constexpr auto kHang = 120s;  // a wait this long means the engine lost something
inline constexpr auto kNever = std::chrono::hours(1);  // a deadline no test reaches

// Generated checks of every scheme with their oracle verdicts. Submissions
// draw indices into it (with repeats), so each knows its expected verdicts.
struct Pool {
  std::vector<difftest::GenCheck> gens;
  std::vector<Check> checks;
};

inline const Pool& pool() {
  static const Pool* p = [] {
    auto* pool = new Pool;
    difftest::Generator gen(test_seed());
    for (int i = 0; i < 100; ++i)
      for (Scheme s : kAllSchemes) pool->gens.push_back(gen.next(s));
    for (const difftest::GenCheck& g : pool->gens) {
      Check c;
      c.scheme = g.scheme;
      c.public_key = ByteView(g.key.data(), g.key.size());
      c.message = ByteView(g.msg.data(), g.msg.size());
      c.signature = ByteView(g.sig.data(), g.sig.size());
      pool->checks.push_back(c);
    }
    return pool;
  }();
  return *p;
}

// A submission: pool indices, its checks and the verdicts it must get.
struct Sub {
  uint64_t owner = 0;
  std::vector<Check> checks;
  std::vector<uint8_t> expected;
};

inline Sub make_sub(uint64_t owner, size_t n, std::mt19937_64& rng) {
  const Pool& p = pool();
  Sub s;
  s.owner = owner;
  for (size_t i = 0; i < n; ++i) {
    const size_t k = rng() % p.checks.size();
    s.checks.push_back(p.checks[k]);
    s.expected.push_back(p.gens[k].oracle ? 1 : 0);
  }
  return s;
}

inline void expect_result(const VerifyResult& r, const Sub& s) {
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.owner, s.owner);
  ASSERT_EQ(r.verdicts.size(), s.expected.size()) << "owner " << s.owner;
  size_t wrong = 0;
  for (size_t i = 0; i < s.expected.size(); ++i) wrong += r.verdicts[i] != s.expected[i];
  EXPECT_EQ(wrong, 0u) << "owner " << s.owner << ": " << wrong << " of " << s.expected.size() << " verdicts wrong";
}

inline VerifyResult get(std::future<VerifyResult>& f) {
  if (f.wait_for(kHang) != std::future_status::ready) {
    ADD_FAILURE() << "a result never came";
    return VerifyResult{Status::Internal("timeout"), 0, {}};
  }
  return f.get();
}

template <class Pred>
inline bool eventually(Pred pred) {
  for (auto until = std::chrono::steady_clock::now() + kHang; std::chrono::steady_clock::now() < until;) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

// Holds every device call until opened, then sleeps `delay` per call: a GPU
// that is busy (gate closed) or slow.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = true;
  std::chrono::microseconds delay{0};
  void set_open(bool o) {
    { std::lock_guard l(mu); open = o; }
    cv.notify_all();
  }
  void pass() {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return open; });
    l.unlock();
    std::this_thread::sleep_for(delay);
  }
};

class GatedDevice final : public gpu::VerifyDevice {
 public:
  GatedDevice(std::unique_ptr<gpu::VerifyDevice> inner, std::shared_ptr<Gate> gate)
      : inner_(std::move(inner)), gate_(std::move(gate)) {}
  const std::string& name() const override { return inner_->name(); }
  bool usable() const override { return inner_->usable(); }
  unsigned lanes() const override { return inner_->lanes(); }
  Status verify_secp(std::span<const secp::SecpCheck> c, ByteView a, std::span<uint8_t> v, double* t) override {
    gate_->pass();
    return inner_->verify_secp(c, a, v, t);
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck> c, ByteView a, std::span<uint8_t> v, double* t) override {
    gate_->pass();
    return inner_->verify_ed25519(c, a, v, t);
  }

 private:
  std::unique_ptr<gpu::VerifyDevice> inner_;
  std::shared_ptr<Gate> gate_;
};

inline std::unique_ptr<Engine> engine_over(const EngineOptions& o, std::unique_ptr<gpu::VerifyDevice> device) {
  VerifierOptions vo = o.verifier;
  vo.gpu_min_checks = 0;  // every batch goes through the device
  vo.gpu_max_checks = 300;
  std::unique_ptr<Engine> e;
  Status s = make_engine(o, make_verifier(vo, std::move(device)), &e);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return e;
}

inline std::unique_ptr<Engine> gated_engine(const EngineOptions& o, std::shared_ptr<Gate> gate) {
  return engine_over(o, std::make_unique<GatedDevice>(make_emulated_verify_device(), std::move(gate)));
}

inline void expect_consistent(const EngineStats& st) {
  EXPECT_EQ(st.flushes_by_size + st.flushes_by_deadline + st.flushes_by_request + st.flushes_by_backpressure +
                st.flushes_at_shutdown,
            st.batches);
  EXPECT_EQ(std::accumulate(st.batch_sizes.begin(), st.batch_sizes.end(), uint64_t{0}), st.batches);
  EXPECT_EQ(st.batched_checks, st.checks + st.hash_messages + st.merkle_leaves)
      << "after the stream, every accepted check, message and leaf was in a batch";
  // Every batch was counted once entering verification and once leaving it.
  EXPECT_EQ(std::accumulate(st.verify_queue_depth.begin(), st.verify_queue_depth.end(), uint64_t{0}), st.batches);
  EXPECT_EQ(std::accumulate(st.delivery_queue_depth.begin(), st.delivery_queue_depth.end(), uint64_t{0}), st.batches);
  EXPECT_EQ(st.batches_awaiting_verify, 0u);
  EXPECT_EQ(st.batches_verifying, 0u);
}

// `threads` producers each submit the given sizes (shuffled), half through
// futures and half through callbacks, all at once; every result is checked.
// Returns the total number of checks.
inline size_t run_stream(Engine& engine, int threads, std::vector<size_t> sizes, uint64_t seed) {
  std::vector<std::vector<Sub>> subs(threads);
  std::atomic<size_t> total{0};
  for (int t = 0; t < threads; ++t) {
    std::mt19937_64 rng(seed + t);
    std::shuffle(sizes.begin(), sizes.end(), rng);
    for (size_t i = 0; i < sizes.size(); ++i) {
      subs[t].push_back(make_sub(uint64_t(t) << 32 | i, sizes[i], rng));
      total += sizes[i];
    }
  }
  std::vector<std::thread> producers;
  for (int t = 0; t < threads; ++t) {
    producers.emplace_back([&engine, &mine = subs[t]] {
      std::vector<std::future<VerifyResult>> futures(mine.size());
      std::vector<std::promise<VerifyResult>> via_callback(mine.size());
      for (size_t i = 0; i < mine.size(); ++i) {
        if (i % 2 == 0) {
          futures[i] = engine.submit(mine[i].owner, mine[i].checks);
        } else {
          futures[i] = via_callback[i].get_future();
          Status s = engine.submit(mine[i].owner, mine[i].checks,
                                   [p = &via_callback[i]](VerifyResult r) { p->set_value(std::move(r)); });
          EXPECT_TRUE(s.ok()) << s.ToString();
        }
      }
      for (size_t i = 0; i < mine.size(); ++i) {
        VerifyResult r = get(futures[i]);
        expect_result(r, mine[i]);
      }
    });
  }
  for (std::thread& t : producers) t.join();
  return total;
}

// Sizes around the powers of two and batch edges, up to a few thousand.
inline const std::vector<size_t> kStreamSizes = {0, 1, 2, 31, 32, 33, 63, 64, 65, 255, 256, 257, 700, 1500, 2100};

}  // namespace vigil::test
