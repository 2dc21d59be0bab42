// vigil::Hasher on a real GPU against the single-item CPU reference. Skipped
// where there is no usable GPU.
#include <gtest/gtest.h>

#include "pipeline/hasher_conformance.hpp"
#include "util/test_util.hpp"
#include "vigil/hash.hpp"
#include "vigil/hasher.hpp"

namespace vigil::test {
namespace {

class HasherGpu : public ::testing::Test {
 protected:
  void SetUp() override {
    HasherOptions o;
    o.backend = Backend::kGpu;
    o.gpu_min_items = 0;
    Status s = Hasher::Create(o, &hasher_);
    if (!s.ok()) GTEST_SKIP() << "no usable GPU: " << s.ToString();
  }
  void TearDown() override {
    if (!hasher_) return;
    HasherStats st = hasher_->stats();
    EXPECT_EQ(st.gpu_fallbacks, 0u) << "a GPU call failed: " << st.last_gpu_error;
    EXPECT_GT(st.gpu_calls, 0u);
  }
  std::unique_ptr<Hasher> hasher_;
};

TEST_F(HasherGpu, HashKinds) { check_hash_kinds(*hasher_, test_seed()); }
TEST_F(HasherGpu, Gathered) { check_gathered(*hasher_, test_seed()); }
TEST_F(HasherGpu, Nodes) { check_nodes(*hasher_, test_seed()); }
TEST_F(HasherGpu, MerkleUpTo2To20Leaves) { check_merkle(*hasher_, test_seed(), (1u << 20) + 1); }
TEST_F(HasherGpu, RealBlocks) { check_real_blocks(*hasher_); }

TEST_F(HasherGpu, LargeMessages) {
  // 1 MB messages and a batch past the 256 MiB packing limit.
  std::vector<Bytes> store(300, Bytes(1 << 20));
  for (size_t i = 0; i < store.size(); ++i)
    for (size_t j = 0; j < store[i].size(); j += 997) store[i][j] = static_cast<uint8_t>(i + j);
  std::vector<ByteView> views(store.begin(), store.end());
  std::vector<Hash256> out(views.size());
  ASSERT_TRUE(hasher_->hash(HashKind::kSha256, views, out).ok());
  for (size_t i = 0; i < views.size(); ++i) ASSERT_EQ(out[i], sha256(views[i])) << i;
}

}  // namespace
}  // namespace vigil::test
