// The start-up measurement of the GPU/CPU crossover: the decision rule on
// modelled timings (deterministic), the signed samples it times, and the
// measurement over substitute devices.
#include "crossover.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "emulated_verify_device.hpp"
#include "pipeline/failing_verify_device.hpp"
#include "verifier_impl.hpp"

namespace vigil::test {
namespace {

const std::vector<size_t> kSizes(crossover_sizes().begin(), crossover_sizes().end());

TEST(Crossover, FixedGpuCostAgainstLinearCpuCost) {
  // GPU: 5 ms whatever the size; CPU: 50 us a check. The CPU wins at 64
  // (3.2 ms), the GPU from 128 (6.4 ms) on.
  const size_t n = find_crossover(kSizes, [](size_t) { return 5e-3; }, [](size_t k) { return 50e-6 * double(k); });
  EXPECT_EQ(n, 128u);
}

TEST(Crossover, NeverFasterIsSizeMax) {
  EXPECT_EQ(find_crossover(kSizes, [](size_t k) { return 1e-3 + 1e-6 * double(k); }, [](size_t k) { return 1e-6 * double(k); }),
            SIZE_MAX);
}

TEST(Crossover, ASingleLuckyWinDoesNotDecide) {
  // Faster at 256 only, then slower at 512, then faster from 2048 on.
  const auto gpu = [](size_t k) { return k == 256 || k >= 2048 ? 1.0 : 3.0; };
  EXPECT_EQ(find_crossover(kSizes, gpu, [](size_t) { return 2.0; }), 2048u);
}

TEST(Crossover, FasterOnlyAtTheLargestSizeTakesIt) {
  EXPECT_EQ(find_crossover(kSizes, [](size_t k) { return k == 16384 ? 1.0 : 3.0; }, [](size_t) { return 2.0; }), 16384u);
}

TEST(Crossover, TheBestOfTheRepeatsCounts) {
  // Every first GPU timing of a size is disturbed (10 s); the best of three is not.
  std::set<size_t> seen;
  const auto gpu = [&](size_t k) { return seen.insert(k).second ? 10.0 : 1.0; };
  EXPECT_EQ(find_crossover(kSizes, gpu, [](size_t) { return 2.0; }), 64u);
}

TEST(Crossover, AFailedCallEndsTheMeasurement) {
  EXPECT_EQ(find_crossover(kSizes, [](size_t k) { return k >= 256 ? -1.0 : 3.0; }, [](size_t) { return 2.0; }), SIZE_MAX);
}

TEST(Crossover, SignedSamplesAreDistinctAndValid) {
  const std::vector<SignedSample> samples = sign_ecdsa_samples(40);
  ASSERT_EQ(samples.size(), 40u);
  std::set<std::string> keys;
  for (const SignedSample& s : samples) {
    keys.insert(to_hex(s.key));
    EXPECT_TRUE(verify_check(Check{Scheme::kEcdsaLowS, s.key, s.digest, s.der, nullptr}));
    Bytes bad = s.digest;
    bad[0] ^= 1;
    EXPECT_FALSE(verify_check(Check{Scheme::kEcdsaLowS, s.key, bad, s.der, nullptr}));
  }
  EXPECT_EQ(keys.size(), samples.size());
}

// A device that answers at once (every check valid): faster than any CPU.
class InstantDevice final : public gpu::VerifyDevice {
 public:
  const std::string& name() const override { return name_; }
  bool usable() const override { return true; }
  Status verify_secp(std::span<const secp::SecpCheck>, ByteView, std::span<uint8_t> verdicts, double*) override {
    ++calls;
    std::fill(verdicts.begin(), verdicts.end(), 1);
    return Status::Ok();
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck>, ByteView, std::span<uint8_t> verdicts, double*) override {
    std::fill(verdicts.begin(), verdicts.end(), 1);
    return Status::Ok();
  }
  int calls = 0;

 private:
  const std::string name_ = "instant";
};

TEST(Crossover, MeasuredOverAnInstantDeviceChoosesTheSmallestSize) {
  auto device = std::make_unique<InstantDevice>();
  InstantDevice* raw = device.get();
  Verifier::Impl m(VerifierOptions{}, std::move(device), "");
  EXPECT_EQ(measure_crossover(m), crossover_sizes().front());
  EXPECT_GE(raw->calls, 6);  // two sizes, three repeats each
  // The measurement's calls are not the caller's work.
  EXPECT_EQ(m.stats.gpu_calls, 0u);
  EXPECT_EQ(m.stats.gpu_checks, 0u);
  EXPECT_EQ(m.stats.cpu_checks, 0u);
}

TEST(Crossover, AFailingDeviceEndsTheMeasurementAndTheFailureIsCounted) {
  Verifier::Impl m(VerifierOptions{}, make_failing_verify_device(/*sticky=*/false), "");
  EXPECT_EQ(measure_crossover(m), SIZE_MAX);
  EXPECT_EQ(m.stats.gpu_fallbacks, 1u);
  EXPECT_NE(m.stats.last_gpu_error.find("injected fault"), std::string::npos) << m.stats.last_gpu_error;
  EXPECT_EQ(m.stats.gpu_calls, 0u);
}

// Create measures only a real device: the emulated one (fault injection)
// gets 0, an explicit value is kept, and the CPU backend has no device.
TEST(Crossover, CreateMeasuresOnlyARealDevice) {
  VerifierOptions o;
  o.backend = Backend::kGpu;
  o.fault_injection = "device=emulated";
  std::unique_ptr<Verifier> v;
  ASSERT_TRUE(Verifier::Create(o, &v).ok());
  EXPECT_EQ(v->gpu_min_checks(), 0u);
  o.gpu_min_checks = 77;
  ASSERT_TRUE(Verifier::Create(o, &v).ok());
  EXPECT_EQ(v->gpu_min_checks(), 77u);
}

}  // namespace
}  // namespace vigil::test
