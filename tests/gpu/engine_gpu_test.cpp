// vigil::Engine over a real GPU: many producers, every owner gets the
// oracle's verdicts for its own checks. Skipped where there is no usable GPU.
#include <gtest/gtest.h>

#include <future>
#include <random>
#include <thread>
#include <vector>

#include "differential/generator.hpp"
#include "util/test_util.hpp"
#include "vigil/engine.hpp"

namespace vigil::test {
namespace {

TEST(EngineGpu, ManyProducersGetTheOraclesVerdicts) {
  EngineOptions o;
  o.verifier.backend = Backend::kGpu;
  o.verifier.gpu_min_checks = 0;
  o.max_batch_checks = 8192;
  std::unique_ptr<Engine> engine;
  const Status s = Engine::Create(o, &engine);
  if (!s.ok()) GTEST_SKIP() << "no usable GPU: " << s.ToString();

  difftest::Generator gen(test_seed());
  std::vector<difftest::GenCheck> gens;
  for (int i = 0; i < 3000; ++i) gens.push_back(gen.next(kAllSchemes[i % std::size(kAllSchemes)]));
  std::vector<Check> checks(gens.size());
  for (size_t i = 0; i < gens.size(); ++i) {
    checks[i] = Check{gens[i].scheme, gens[i].key, gens[i].msg, gens[i].sig, nullptr};
  }
  constexpr int kProducers = 6;
  std::vector<std::thread> producers;
  for (int t = 0; t < kProducers; ++t) {
    producers.emplace_back([&, t] {
      std::mt19937_64 rng(test_seed() + t);
      struct Pending {
        std::future<VerifyResult> result;
        std::vector<size_t> idx;
      };
      std::vector<Pending> pending;
      for (uint64_t owner = 0; owner < 200; ++owner) {
        Pending p;
        const size_t n = rng() % 300;
        std::vector<Check> mine;
        for (size_t i = 0; i < n; ++i) {
          p.idx.push_back(rng() % checks.size());
          mine.push_back(checks[p.idx.back()]);
        }
        p.result = engine->submit(uint64_t(t) << 32 | owner, std::move(mine));
        pending.push_back(std::move(p));
      }
      for (size_t k = 0; k < pending.size(); ++k) {
        const VerifyResult r = pending[k].result.get();
        ASSERT_TRUE(r.status.ok()) << r.status.ToString();
        EXPECT_EQ(r.owner, uint64_t(t) << 32 | k);
        ASSERT_EQ(r.verdicts.size(), pending[k].idx.size());
        for (size_t i = 0; i < r.verdicts.size(); ++i)
          EXPECT_EQ(r.verdicts[i], gens[pending[k].idx[i]].oracle ? 1 : 0) << "owner " << r.owner << " check " << i;
      }
    });
  }
  for (auto& p : producers) p.join();
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.verifier.gpu_fallbacks, 0u) << st.verifier.last_gpu_error;
  EXPECT_GT(st.verifier.gpu_checks, 0u);
}

}  // namespace
}  // namespace vigil::test
