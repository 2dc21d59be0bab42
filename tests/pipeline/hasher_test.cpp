// vigil::Hasher on every machine: the CPU path, the GPU path over the host
// emulation of the kernels, the fallback when the GPU fails, and argument
// checks.
#include <gtest/gtest.h>

#include <random>

#include "hasher_impl.hpp"
#include "pipeline/emulated_device.hpp"
#include "pipeline/hasher_conformance.hpp"
#include "util/test_util.hpp"
#include "vigil/hash.hpp"

namespace vigil::test {
namespace {

HasherOptions all_to_device() {
  HasherOptions o;
  o.gpu_min_items = 0;
  o.cpu_threads = 2;
  return o;
}

std::unique_ptr<Hasher> cpu_hasher() {
  HasherOptions o;
  o.backend = Backend::kCpu;
  o.cpu_threads = 2;
  std::unique_ptr<Hasher> h;
  EXPECT_TRUE(Hasher::Create(o, &h).ok());
  return h;
}

TEST(HasherCpu, AgreesWithTheSingleItemReference) {
  auto h = cpu_hasher();
  EXPECT_FALSE(h->on_gpu());
  EXPECT_EQ(h->description(), "cpu");
  uint64_t seed = test_seed();
  check_hash_kinds(*h, seed);
  check_gathered(*h, seed);
  check_nodes(*h, seed);
  check_merkle(*h, seed, 1u << 17);
  check_real_blocks(*h);
  EXPECT_EQ(h->stats().gpu_calls, 0u);
  EXPECT_GT(h->stats().cpu_calls, 0u);
}

TEST(HasherEmulatedGpu, AgreesWithTheSingleItemReference) {
  auto h = make_hasher(all_to_device(), make_emulated_device());
  EXPECT_TRUE(h->on_gpu());
  uint64_t seed = test_seed();
  check_hash_kinds(*h, seed);
  check_gathered(*h, seed);
  check_nodes(*h, seed);
  check_merkle(*h, seed, (1u << 15) + 1);
  check_real_blocks(*h);
  HasherStats st = h->stats();
  EXPECT_GT(st.gpu_calls, 0u);
  EXPECT_EQ(st.gpu_fallbacks, 0u);
}

TEST(HasherEmulatedGpu, SmallCallsStayOnTheCpu) {
  HasherOptions o = all_to_device();
  o.gpu_min_items = 100;
  auto h = make_hasher(o, make_emulated_device());
  std::vector<Hash256> in(2 * 99), out(99);
  ASSERT_TRUE(h->hash_nodes(in, out).ok());
  EXPECT_EQ(h->stats().cpu_calls, 1u);
  std::vector<Hash256> in2(2 * 100), out2(100);
  ASSERT_TRUE(h->hash_nodes(in2, out2).ok());
  EXPECT_EQ(h->stats().gpu_calls, 1u);
}

// A GPU failure is redone on the CPU: every answer is right, the failure is
// counted, and the device's scribbles never reach the caller.
TEST(HasherFallback, FailedGpuCallsAreRedoneOnTheCpu) {
  for (bool sticky : {false, true}) {
    SCOPED_TRACE(sticky ? "sticky failure" : "transient failure");
    auto h = make_hasher(all_to_device(), make_failing_device(sticky));
    uint64_t seed = test_seed();
    check_hash_kinds(*h, seed);
    check_nodes(*h, seed);
    check_merkle(*h, seed, 5000);
    check_real_blocks(*h);
    HasherStats st = h->stats();
    EXPECT_EQ(st.gpu_calls, 0u);
    EXPECT_NE(st.last_gpu_error.find("injected fault"), std::string::npos) << st.last_gpu_error;
    if (sticky) {
      EXPECT_EQ(st.gpu_fallbacks, 1u) << "after a sticky failure the device gets no more work";
      EXPECT_FALSE(h->on_gpu());
      EXPECT_NE(h->description().find("failed"), std::string::npos) << h->description();
    } else {
      EXPECT_GT(st.gpu_fallbacks, 10u);
      EXPECT_LE(st.gpu_fallbacks, st.cpu_calls);
      EXPECT_TRUE(h->on_gpu());
    }
  }
}

TEST(HasherFallback, EveryFailedCallIsCountedOnce) {
  auto h = make_hasher(all_to_device(), make_failing_device(/*sticky=*/false));
  std::vector<Hash256> in(8), out(4), none;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(h->hash_nodes(in, out).ok());
  ASSERT_TRUE(h->hash_nodes(none, none).ok());  // no items: the CPU, no device attempt
  HasherStats st = h->stats();
  EXPECT_EQ(st.gpu_fallbacks, 3u);
  EXPECT_EQ(st.cpu_calls, 4u);
  EXPECT_EQ(st.gpu_calls, 0u);
  std::vector<Hash256> want(4);
  sha256d_64(in.data(), want.data(), 4);
  EXPECT_EQ(out, want);
}

// The fault-injection switch of HasherOptions: the emulated device stands in
// for a GPU through Create, the chosen calls fail and are redone on the CPU,
// and a bad spelling is refused.
TEST(HasherFaultInjection, ThroughCreateTheChosenCallsFailAndAreRedone) {
  HasherOptions o;
  o.backend = Backend::kGpu;
  o.gpu_min_items = 0;
  o.fault_injection = "device=emulated,fail_from=2,fail_count=2";
  std::unique_ptr<Hasher> h;
  ASSERT_TRUE(Hasher::Create(o, &h).ok());
  EXPECT_NE(h->description().find("emulated (fault injection)"), std::string::npos) << h->description();
  std::vector<Hash256> in(2 * 50), out(50), want(50);
  for (size_t i = 0; i < in.size(); ++i) in[i].bytes[0] = static_cast<uint8_t>(i);
  sha256d_64(in.data(), want.data(), 50);
  for (int call = 1; call <= 5; ++call) {
    std::fill(out.begin(), out.end(), Hash256{});
    ASSERT_TRUE(h->hash_nodes(in, out).ok());
    EXPECT_EQ(out, want) << "call " << call;
  }
  const HasherStats st = h->stats();
  EXPECT_EQ(st.gpu_fallbacks, 2u);  // calls 2 and 3
  EXPECT_EQ(st.gpu_calls, 3u);
  EXPECT_EQ(st.cpu_calls, 2u);
  o.fault_injection = "device=emulated,fail_from=x";
  EXPECT_EQ(Hasher::Create(o, &h).code(), Status::Code::kInvalidArgument);
  o.fault_injection = "";
  o.gpu_device = -2;
  EXPECT_EQ(Hasher::Create(o, &h).code(), Status::Code::kInvalidArgument);
}

TEST(Hasher, ArgumentErrorsAreStatusesAndWriteNothing) {
  auto h = cpu_hasher();
  Hash256 sentinel;
  sentinel.bytes.fill(0x5a);
  std::vector<Hash256> out(2, sentinel);
  Bytes m = {1, 2, 3};
  std::vector<ByteView> one = {ByteView(m)};
  EXPECT_EQ(h->hash(HashKind::kSha256, one, out).code(), Status::Code::kInvalidArgument);
  std::vector<ByteView> two = {ByteView(m), ByteView(m)};
  EXPECT_EQ(h->hash(HashKind::kSha256, two, out, "tag").code(), Status::Code::kInvalidArgument);
  std::vector<ByteRange> ranges = {{2, 2}};  // runs past the 3-byte base
  std::vector<uint32_t> starts = {0, 1, 1};
  EXPECT_EQ(h->hash_gathered(HashKind::kSha256, m, ranges, starts, out).code(), Status::Code::kInvalidArgument);
  ranges = {{0, 1}};
  std::vector<uint32_t> decreasing = {0, 1, 0};
  EXPECT_EQ(h->hash_gathered(HashKind::kSha256, m, ranges, decreasing, out).code(), Status::Code::kInvalidArgument);
  std::vector<uint32_t> short_starts = {0, 1};
  EXPECT_EQ(h->hash_gathered(HashKind::kSha256, m, ranges, short_starts, out).code(), Status::Code::kInvalidArgument);
  std::vector<Hash256> three(3);
  EXPECT_EQ(h->hash_nodes(three, out).code(), Status::Code::kInvalidArgument);
  std::vector<uint32_t> sizes = {2, 2};
  std::vector<MerkleResult> roots(2);
  EXPECT_EQ(h->merkle_roots(three, sizes, roots).code(), Status::Code::kInvalidArgument);
  for (const auto& o : out) EXPECT_EQ(o, sentinel);
  EXPECT_EQ(h->stats().cpu_calls, 0u);
}

TEST(Hasher, CreateHonoursTheBackend) {
  std::unique_ptr<Hasher> h;
  HasherOptions o;
  o.backend = Backend::kAuto;
  ASSERT_TRUE(Hasher::Create(o, &h).ok());
  if (!h->on_gpu()) {
    // No usable GPU here: auto says why, and gpu refuses rather than run on the CPU.
    EXPECT_NE(h->description().find("cpu (auto: "), std::string::npos) << h->description();
    o.backend = Backend::kGpu;
    std::unique_ptr<Hasher> g;
    Status s = Hasher::Create(o, &g);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(g, nullptr);
  } else {
    EXPECT_EQ(h->description().rfind("gpu (", 0), 0u) << h->description();
  }
  EXPECT_EQ(backend_from_name("gpu"), Backend::kGpu);
  EXPECT_EQ(backend_from_name("GPU"), std::nullopt);
  EXPECT_EQ(backend_name(Backend::kCpu), "cpu");
}

}  // namespace
}  // namespace vigil::test
