// vigil::Verifier's dispatch on a machine without a GPU: the GPU path through
// an emulated device that runs the kernel code on the host, fallbacks through
// devices that fail on purpose, and the CPU path.
#include <gtest/gtest.h>

#include "differential/generator.hpp"
#include "emulated_verify_device.hpp"
#include "pipeline/failing_verify_device.hpp"
#include "pipeline/verifier_conformance.hpp"
#include "util/test_util.hpp"
#include "verifier_impl.hpp"

namespace vigil::test {
namespace {

VerifierOptions emulated_options() {
  VerifierOptions o;
  o.gpu_min_checks = 0;
  o.gpu_max_checks = 300;  // several device calls per large batch
  return o;
}

TEST(VerifierEmulated, CorruptedChecksAreExactlyTheFailingOnes) {
  auto v = make_verifier(emulated_options(), make_emulated_verify_device());
  check_corruptions_found(*v, test_seed(), {0, 1, 31, 32, 33, 1000});
  const VerifierStats st = v->stats();
  EXPECT_GE(st.gpu_calls, 5u);
  EXPECT_EQ(st.gpu_fallbacks, 0u);
  EXPECT_EQ(st.cpu_checks, 0u);  // every check was of a scheme with a kernel
}

TEST(VerifierEmulated, GeneratedChecksOfAllSchemesMatchTheOracle) {
  auto v = make_verifier(emulated_options(), make_emulated_verify_device());
  check_generated(*v, test_seed(), 400);
  const VerifierStats st = v->stats();
  EXPECT_EQ(st.gpu_checks, std::size(kAllSchemes) * 400u);  // every scheme has a kernel
  EXPECT_EQ(st.cpu_checks, 0u);
}

TEST(VerifierEmulated, ParsedKeys) {
  auto v = make_verifier(emulated_options(), make_emulated_verify_device());
  check_parsed_keys(*v, test_seed());
  EXPECT_GT(v->stats().gpu_checks, 0u);
}

TEST(VerifierEmulated, SmallBatchesStayOnTheCpu) {
  VerifierOptions o = emulated_options();
  o.gpu_min_checks = 100;
  auto v = make_verifier(o, make_emulated_verify_device());
  check_corruptions_found(*v, test_seed(), {99});
  EXPECT_EQ(v->stats().gpu_calls, 0u);
  EXPECT_EQ(v->stats().cpu_checks, 99u);
  check_corruptions_found(*v, test_seed(), {100});
  EXPECT_EQ(v->stats().gpu_checks, 100u);
}

TEST(VerifierFallback, FailedCallsAreRedoneOnTheCpu) {
  auto v = make_verifier(emulated_options(), make_failing_verify_device(/*sticky=*/false));
  std::vector<BatchMix> mixes;
  check_corruptions_found(*v, test_seed(), {1, 33, 1000}, &mixes);
  const VerifierStats st = v->stats();
  EXPECT_EQ(st.gpu_calls, 0u);
  // Every call failed: one per family part of at most 300 checks.
  size_t calls = 0;
  for (const BatchMix& m : mixes) calls += gpu_call_sizes(m, 300).size();
  EXPECT_EQ(st.gpu_fallbacks, calls);
  EXPECT_EQ(st.cpu_checks, 1034u);
  EXPECT_NE(st.last_gpu_error.find("injected fault"), std::string::npos);
  EXPECT_TRUE(v->on_gpu());  // not sticky: the device stays in use
}

TEST(VerifierFallback, AStickyFaultMidBatchMovesTheRestToTheCpu) {
  // The first two calls succeed, the third faults and the device is gone.
  auto v = make_verifier(emulated_options(), make_failing_verify_device(/*sticky=*/true, /*fail_after=*/2));
  std::vector<BatchMix> mixes;
  check_corruptions_found(*v, test_seed(), {1000}, &mixes);
  const VerifierStats st = v->stats();
  const std::vector<size_t> calls = gpu_call_sizes(mixes.at(0), 300);
  ASSERT_GE(calls.size(), 4u);
  EXPECT_EQ(st.gpu_calls, 2u);
  EXPECT_EQ(st.gpu_fallbacks, 1u);
  EXPECT_EQ(st.gpu_checks, calls[0] + calls[1]);
  EXPECT_EQ(st.cpu_checks, 1000u - calls[0] - calls[1]);  // the failed call and all after it
  EXPECT_FALSE(v->on_gpu());
  EXPECT_NE(v->description().find("failed"), std::string::npos) << v->description();
  check_generated(*v, test_seed(), 50);  // later batches: CPU only, still right
}

TEST(VerifierCpu, CpuBackend) {
  VerifierOptions o;
  o.backend = Backend::kCpu;
  std::unique_ptr<Verifier> v;
  ASSERT_TRUE(Verifier::Create(o, &v).ok());
  EXPECT_FALSE(v->on_gpu());
  EXPECT_EQ(v->description(), "cpu");
  check_corruptions_found(*v, test_seed(), {0, 1, 33});
  EXPECT_EQ(v->stats().gpu_calls, 0u);
}

TEST(VerifierCpu, SizeMismatchIsAnErrorAndWritesNothing) {
  auto v = make_verifier(emulated_options(), make_emulated_verify_device());
  std::vector<Check> checks(3);
  std::vector<uint8_t> verdicts(2, 7);
  EXPECT_EQ(v->verify(checks, verdicts).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(verdicts, std::vector<uint8_t>(2, 7));
}

TEST(VerifierCpu, GpuBackendWithoutAGpuFailsOrWorks) {
  VerifierOptions o;
  o.backend = Backend::kGpu;
  std::unique_ptr<Verifier> v;
  Status s = Verifier::Create(o, &v);
  if (s.ok()) {
    EXPECT_TRUE(v->on_gpu());  // a machine with a GPU
  } else {
    EXPECT_TRUE(s.code() == Status::Code::kDeviceError || s.code() == Status::Code::kNotSupported) << s.ToString();
    o.backend = Backend::kAuto;
    ASSERT_TRUE(Verifier::Create(o, &v).ok());
    EXPECT_NE(v->description().find("auto:"), std::string::npos) << v->description();
  }
}

// Verifier::Create on the GPU backend with a fault-injection spec; null
// (and a test failure) if Create fails.
std::unique_ptr<Verifier> create_with_faults(const char* spec) {
  VerifierOptions o = emulated_options();
  o.backend = Backend::kGpu;
  o.fault_injection = spec;
  std::unique_ptr<Verifier> v;
  const Status s = Verifier::Create(o, &v);
  EXPECT_TRUE(s.ok()) << spec << ": " << s.ToString();
  return v;
}

// The fault-injection switch through Verifier::Create, on any machine: the
// emulated device stands in for the GPU, and the named calls fail.
TEST(VerifierFaultInjection, ATransientFaultIsRedoneOnTheCpu) {
  std::unique_ptr<Verifier> v = create_with_faults("device=emulated,fail_from=2,fail_count=1");
  ASSERT_TRUE(v);
  EXPECT_NE(v->description().find("emulated (fault injection)"), std::string::npos) << v->description();
  std::vector<BatchMix> mixes;
  check_corruptions_found(*v, test_seed(), {1000}, &mixes);
  const VerifierStats st = v->stats();
  EXPECT_EQ(st.gpu_fallbacks, 1u);
  EXPECT_EQ(st.gpu_calls, gpu_call_sizes(mixes.at(0), 300).size() - 1);
  EXPECT_NE(st.last_gpu_error.find("injected fault in device call 2"), std::string::npos) << st.last_gpu_error;
  EXPECT_TRUE(v->on_gpu());
}

TEST(VerifierFaultInjection, AStickyFaultMovesEverythingAfterItToTheCpu) {
  std::unique_ptr<Verifier> v = create_with_faults("device=emulated,fail_from=1,sticky");
  ASSERT_TRUE(v);
  check_corruptions_found(*v, test_seed(), {1000});
  EXPECT_EQ(v->stats().gpu_calls, 0u);
  EXPECT_EQ(v->stats().gpu_fallbacks, 1u);
  EXPECT_EQ(v->stats().cpu_checks, 1000u);
  EXPECT_FALSE(v->on_gpu());
}

TEST(VerifierFaultInjection, TheEnvironmentVariableIsTheDefault) {
  ASSERT_EQ(setenv("VIGIL_FAULT_INJECT", "device=emulated,delay_ms=1", 1), 0);
  VerifierOptions o = emulated_options();
  o.backend = Backend::kGpu;
  std::unique_ptr<Verifier> v;
  const Status s = Verifier::Create(o, &v);
  unsetenv("VIGIL_FAULT_INJECT");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(v->description().find("emulated"), std::string::npos) << v->description();
  check_corruptions_found(*v, test_seed(), {40});
  EXPECT_EQ(v->stats().gpu_fallbacks, 0u);
  EXPECT_GE(v->stats().gpu_calls, 1u);
}

// Several GPUs share each call: three emulated devices.
TEST(VerifierMultiGpu, EmulatedDevicesShareEachCall) {
  std::unique_ptr<Verifier> v = create_with_faults("device=emulated,devices=3");
  ASSERT_TRUE(v);
  EXPECT_NE(v->description().find("3 GPUs: emulated, emulated, emulated"), std::string::npos) << v->description();
  check_corruptions_found(*v, test_seed(), {0, 1, 2, 3, 31, 1000});
  const VerifierStats st = v->stats();
  EXPECT_EQ(st.gpu_fallbacks, 0u) << st.last_gpu_error;
  EXPECT_EQ(st.cpu_checks, 0u);
  EXPECT_EQ(st.gpu_checks, 0u + 1 + 2 + 3 + 31 + 1000);
}

// One of three GPUs faults for good in its second call: that call is redone
// on the CPU, and the two others carry on.
TEST(VerifierMultiGpu, AStickyFaultOnOneGpuLeavesTheOthers) {
  std::unique_ptr<Verifier> v = create_with_faults("device=emulated,devices=3,fail_from=2,sticky");
  ASSERT_TRUE(v);
  std::vector<BatchMix> mixes;
  check_corruptions_found(*v, test_seed(), {1000, 1000}, &mixes);
  std::vector<size_t> calls;
  for (const BatchMix& m : mixes) {
    const std::vector<size_t> c = gpu_call_sizes(m, 300);
    calls.insert(calls.end(), c.begin(), c.end());
  }
  const VerifierStats st = v->stats();
  EXPECT_EQ(st.gpu_fallbacks, 1u);
  EXPECT_NE(st.last_gpu_error.find("injected fault"), std::string::npos) << st.last_gpu_error;
  EXPECT_EQ(st.gpu_calls, calls.size() - 1);  // all but the second, the later ones on the two left
  EXPECT_EQ(st.cpu_checks, calls.at(1));
  EXPECT_EQ(st.gpu_checks, 2000u - calls.at(1));
  EXPECT_TRUE(v->on_gpu());
}

// Each point a plan can fail at, through Create with the emulated device:
// the chosen calls (or allocations) fail, are redone on the CPU, and every
// verdict is the oracle's.
TEST(VerifierFaultInjection, EveryPointFailsTheChosenCallsAndTheCpuRedoesThem) {
  const uint64_t seed = test_seed();
  for (const char* spec : {"device=emulated,fail_from=2,fail_count=1", "device=emulated,fail_from=2,fail_count=1,at=after",
                           "device=emulated,fail_from=2,fail_count=1,at=alloc"}) {
    SCOPED_TRACE(spec);
    VerifierOptions o;
    o.fault_injection = spec;
    o.gpu_max_checks = 64;
    std::unique_ptr<Verifier> v;
    ASSERT_TRUE(Verifier::Create(o, &v).ok());
    difftest::Generator gen(seed);
    for (int call = 0; call < 4; ++call) {
      std::vector<difftest::GenCheck> gens;
      for (int i = 0; i < 40; ++i) gens.push_back(gen.next(Scheme::kEcdsaLowS));
      std::vector<Check> checks;
      for (const auto& g : gens) checks.push_back(Check{g.scheme, g.key, g.msg, g.sig, nullptr});
      std::vector<uint8_t> verdicts(checks.size(), 7);
      ASSERT_TRUE(v->verify(checks, verdicts).ok());
      for (size_t i = 0; i < gens.size(); ++i) EXPECT_EQ(verdicts[i], gens[i].oracle ? 1 : 0) << "call " << call;
    }
    const VerifierStats st = v->stats();
    EXPECT_EQ(st.gpu_fallbacks, 1u) << st.last_gpu_error;
    EXPECT_EQ(st.gpu_calls, 3u);
    EXPECT_EQ(st.cpu_checks, 40u);
    EXPECT_TRUE(v->on_gpu());
  }
}

TEST(VerifierFaultInjection, PlansParseAndBadItemsAreNamed) {
  DeviceFaultPlan p;
  ASSERT_TRUE(parse_device_fault_plan("device=emulated,fail_from=3,fail_count=2,sticky,delay_ms=5", &p).ok());
  EXPECT_TRUE(p.emulate);
  EXPECT_EQ(p.fail_from, 3u);
  EXPECT_EQ(p.fail_count, 2u);
  EXPECT_TRUE(p.sticky);
  EXPECT_EQ(p.delay_ms, 5u);
  EXPECT_EQ(p.at, DeviceFaultPlan::At::kBefore);
  ASSERT_TRUE(parse_device_fault_plan("fail_from=1,at=after", &p).ok());
  EXPECT_EQ(p.at, DeviceFaultPlan::At::kAfter);
  ASSERT_TRUE(parse_device_fault_plan("at=alloc,fail_from=2", &p).ok());
  EXPECT_EQ(p.at, DeviceFaultPlan::At::kAlloc);
  ASSERT_TRUE(parse_device_fault_plan("", &p).ok());
  EXPECT_FALSE(p.emulate || p.injects());
  for (const char* bad : {"device=cuda", "devices=0", "devices=65", "fail_from=x", "fail_from=", "fail_count=0", "sticky=1", "delay_ms=99999999",
                          "bogus", "fail_from=1,,", "at=middle", "at"}) {
    const Status s = parse_device_fault_plan(bad, &p);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
  }
  VerifierOptions o;
  o.fault_injection = "fail_from=two";
  std::unique_ptr<Verifier> v;
  const Status s = Verifier::Create(o, &v);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("fail_from=two"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vigil::test
