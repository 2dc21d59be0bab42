// vigil::Engine over a real GPU: many producers, every owner gets the
// oracle's verdicts for its own checks and the reference hashes and Merkle
// roots for its own jobs, with batches verified on several streams at once,
// and with injected faults redone on the CPU. Skipped where there is no
// usable GPU.
#include <gtest/gtest.h>

#include <future>
#include <random>
#include <thread>
#include <vector>

#include "differential/generator.hpp"
#include "util/test_util.hpp"
#include "vigil/engine.hpp"
#include "vigil/hash.hpp"

namespace vigil::test {
namespace {

struct Corpus {
  std::vector<difftest::GenCheck> gens;
  std::vector<Check> checks;
};

const Corpus& corpus() {
  static const Corpus* c = [] {
    auto* c = new Corpus;
    difftest::Generator gen(test_seed());
    for (int i = 0; i < 3000; ++i) c->gens.push_back(gen.next(kAllSchemes[i % std::size(kAllSchemes)]));
    for (const auto& g : c->gens) c->checks.push_back(Check{g.scheme, g.key, g.msg, g.sig, nullptr});
    return c;
  }();
  return *c;
}

// kProducers threads, 200 owners each: a check submission of 0..299 checks,
// a sha256d job over those checks' messages and a Merkle job over their
// hashes; every result is compared with the oracle and the CPU functions.
void run_stream(Engine& engine, uint64_t seed) {
  constexpr int kProducers = 6;
  const Corpus& c = corpus();
  std::vector<std::thread> producers;
  for (int t = 0; t < kProducers; ++t) {
    producers.emplace_back([&, t] {
      std::mt19937_64 rng(seed + t);
      struct Pending {
        std::future<VerifyResult> verdicts;
        std::future<HashResult> hashes, root;
        std::vector<size_t> idx;
        std::vector<Hash256> leaves;
      };
      std::vector<Pending> pending;
      for (uint64_t owner = 0; owner < 200; ++owner) {
        Pending p;
        const size_t n = rng() % 300;
        std::vector<Check> mine;
        std::vector<ByteView> messages;
        for (size_t i = 0; i < n; ++i) {
          p.idx.push_back(rng() % c.checks.size());
          mine.push_back(c.checks[p.idx.back()]);
          messages.push_back(mine.back().message);
          p.leaves.push_back(sha256d(mine.back().message));
        }
        const uint64_t id = uint64_t(t) << 32 | owner;
        p.verdicts = engine.submit(id, std::move(mine));
        p.hashes = engine.submit_hashes(id, HashKind::kSha256d, std::move(messages));
        p.root = engine.submit_merkle(id, p.leaves);
        pending.push_back(std::move(p));
      }
      for (size_t k = 0; k < pending.size(); ++k) {
        const uint64_t id = uint64_t(t) << 32 | k;
        const VerifyResult r = pending[k].verdicts.get();
        ASSERT_TRUE(r.status.ok()) << r.status.ToString();
        EXPECT_EQ(r.owner, id);
        ASSERT_EQ(r.verdicts.size(), pending[k].idx.size());
        for (size_t i = 0; i < r.verdicts.size(); ++i)
          EXPECT_EQ(r.verdicts[i], c.gens[pending[k].idx[i]].oracle ? 1 : 0) << "owner " << r.owner << " check " << i;
        const HashResult h = pending[k].hashes.get();
        ASSERT_TRUE(h.status.ok()) << h.status.ToString();
        EXPECT_EQ(h.owner, id);
        EXPECT_EQ(h.hashes, pending[k].leaves) << "owner " << id;
        const HashResult m = pending[k].root.get();
        ASSERT_TRUE(m.status.ok()) << m.status.ToString();
        const MerkleResult want = merkle_root(pending[k].leaves);
        EXPECT_EQ(m.merkle.root, want.root) << "owner " << id;
        EXPECT_EQ(m.merkle.mutated, want.mutated) << "owner " << id;
      }
    });
  }
  for (auto& p : producers) p.join();
}

EngineOptions gpu_options() {
  EngineOptions o;
  o.verifier.backend = Backend::kGpu;
  o.verifier.gpu_min_checks = 0;
  o.hasher.backend = Backend::kGpu;
  o.hasher.gpu_min_items = 0;
  o.max_batch_checks = 8192;
  return o;
}

TEST(EngineGpu, ManyProducersGetTheOraclesVerdictsAndTheReferenceHashes) {
  std::unique_ptr<Engine> engine;
  const Status s = Engine::Create(gpu_options(), &engine);
  if (!s.ok()) GTEST_SKIP() << "no usable GPU: " << s.ToString();
  run_stream(*engine, test_seed());
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.pipeline_depth, VerifierOptions{}.gpu_streams);
  EXPECT_EQ(st.verifier.gpu_fallbacks, 0u) << st.verifier.last_gpu_error;
  EXPECT_GT(st.verifier.gpu_checks, 0u);
  EXPECT_EQ(st.hasher.gpu_fallbacks, 0u) << st.hasher.last_gpu_error;
  EXPECT_GT(st.hasher.gpu_calls, 0u);
}

// The real devices behind the fault-injection wrapper: the chosen calls fail
// (with wrong outputs written), are redone on the CPU, and nothing is lost.
TEST(EngineGpu, InjectedFaultsOnTheRealDevicesAreRedoneOnTheCpu) {
  EngineOptions o = gpu_options();
  o.verifier.fault_injection = "fail_from=3,fail_count=2";
  o.hasher.fault_injection = "fail_from=2,fail_count=1";
  std::unique_ptr<Engine> engine;
  const Status s = Engine::Create(o, &engine);
  if (!s.ok()) GTEST_SKIP() << "no usable GPU: " << s.ToString();
  run_stream(*engine, test_seed() + 100);
  const EngineStats st = engine->stats();
  EXPECT_EQ(st.verifier.gpu_fallbacks, 2u) << st.verifier.last_gpu_error;
  EXPECT_EQ(st.hasher.gpu_fallbacks, 1u) << st.hasher.last_gpu_error;
  EXPECT_GT(st.verifier.gpu_checks, 0u);
}

}  // namespace
}  // namespace vigil::test
