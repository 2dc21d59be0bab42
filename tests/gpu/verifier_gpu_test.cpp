// vigil::Verifier on a real GPU against the CPU reference and the
// differential oracle. Skipped where there is no usable GPU.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "differential/generator.hpp"
#include "pipeline/verifier_conformance.hpp"
#include "util/test_util.hpp"

namespace vigil::test {
namespace {

class VerifierGpu : public ::testing::Test {
 protected:
  void SetUp() override {
    VerifierOptions o;
    o.backend = Backend::kGpu;
    o.gpu_min_checks = 0;
    Status s = Verifier::Create(o, &verifier_);
    if (!s.ok()) GTEST_SKIP() << "no usable GPU: " << s.ToString();
  }
  void TearDown() override {
    if (!verifier_) return;
    const VerifierStats st = verifier_->stats();
    EXPECT_EQ(st.gpu_fallbacks, 0u) << "a GPU call failed: " << st.last_gpu_error;
    EXPECT_GT(st.gpu_calls, 0u);
  }
  std::unique_ptr<Verifier> verifier_;
};

TEST_F(VerifierGpu, CorruptedChecksAreExactlyTheFailingOnes) {
  check_corruptions_found(*verifier_, test_seed(), {0, 1, 31, 32, 33, 1000, size_t{1} << 20});
}

TEST_F(VerifierGpu, RandomBatchSizes) {
  const uint64_t seed = test_seed();
  std::mt19937_64 rng(seed);
  std::vector<size_t> sizes;
  for (int i = 0; i < 8; ++i) sizes.push_back(rng() % (size_t{1} << (4 + 2 * (i % 7))));
  check_corruptions_found(*verifier_, seed, sizes);
}

TEST_F(VerifierGpu, GeneratedChecksOfAllSchemesMatchTheOracle) {
  check_generated(*verifier_, test_seed(), difftest::diff_n(20000));
}

TEST_F(VerifierGpu, ParsedKeys) { check_parsed_keys(*verifier_, test_seed()); }

// The default options measure the crossover on the device at Create.
TEST(VerifierGpuCrossover, MeasuredAtCreate) {
  VerifierOptions o;
  o.backend = Backend::kGpu;
  std::unique_ptr<Verifier> v;
  const Status s = Verifier::Create(o, &v);
  if (!s.ok()) GTEST_SKIP() << "no usable GPU: " << s.ToString();
  const size_t n = v->gpu_min_checks();
  if (std::getenv("VIGIL_FAULT_INJECT")) {
    // An emulated or fault-injected device (the GPU suite's practice run):
    // nothing is measured, every batch goes to the device.
    EXPECT_EQ(n, 0u);
    return;
  }
  const bool a_candidate = n == SIZE_MAX || (n >= 64 && n <= 16384 && (n & (n - 1)) == 0);
  EXPECT_TRUE(a_candidate) << n;
  EXPECT_EQ(v->stats().gpu_fallbacks, 0u) << v->stats().last_gpu_error;
  EXPECT_EQ(v->stats().gpu_calls, 0u);  // the measurement's calls are not counted
  std::printf("measured GPU/CPU crossover: %zu checks\n", n);
}

}  // namespace
}  // namespace vigil::test
