// The CPU's ZIP-215 path (engine/src/verify/ed25519_zip215): single checks
// against the GPU kernel's code run on the host (kernels/ed25519
// verify_zip215, the previous CPU path), and batch verdicts against single
// verdicts, on fresh random signatures (libsodium's, valid, then corrupted in
// the key, R, S or the message, or given a small-order or non-canonical
// encoding) mixed with the published ZIP-215 vectors (speccheck's edge cases
// and ed25519consensus's 196 small-order signatures, all but three valid).
// Batches of 0, 1, 2, 31, 32, 33, 64, 100 and across the group limit, with
// none, one, several or all invalid, at random positions; also through
// CpuVerifier. VIGIL_TEST_SEED replays a run.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "ed25519/b_table.hpp"
#include "ed25519/schemes.hpp"
#include "vectors/zip215_vector_files.hpp"
#include "verify/ed25519_zip215.hpp"
#include "vigil/verify.hpp"

namespace vigil::test::zip215 {
namespace {

// The previous CPU path: the kernel's per-thread code compiled for the host.
bool kernel_verify(const Zip215Case& c) {
  return c.key.size() == 32 && c.sig.size() == 64 &&
         ed25519::verify_zip215(c.key.data(), c.sig.data(), c.msg.data(), c.msg.size(),
                                ed25519::host_b_table().data());
}

bool new_verify(const Zip215Case& c) {
  return c.key.size() == 32 && cpu::zip215_verify_var(c.key.data(), c.msg, c.sig);
}

Check check_of(const Zip215Case& c) { return Check{Scheme::kEd25519, c.key, c.msg, c.sig, nullptr}; }

// A fresh valid signature by a fresh key over a random message.
Zip215Case fresh(std::mt19937_64& rng, size_t n) {
  Zip215Case c;
  c.id = "fresh " + std::to_string(n);
  uint8_t pk[32], sk[64], sig[64];
  crypto_sign_keypair(pk, sk);
  c.msg.resize(rng() % 100);
  for (auto& b : c.msg) b = static_cast<uint8_t>(rng());
  crypto_sign_detached(sig, nullptr, c.msg.data(), c.msg.size(), sk);
  c.key.assign(pk, pk + 32);
  c.sig.assign(sig, sig + 64);
  c.zip215 = true;
  return c;
}

// S + L (below 2^254 for S < L): the same scalar, not canonical.
void add_l_to_s(Bytes& sig) {
  static const uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                 0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  unsigned c = 0;
  for (int i = 0; i < 32; ++i) {
    c += unsigned{sig[32 + i]} + kL[i];
    sig[32 + i] = static_cast<uint8_t>(c);
    c >>= 8;
  }
}

// One of several corruptions of c; the result may still be valid (a small-
// order key from the vectors with a signature of S = 0 is), so every verdict
// is compared with the single check's, never assumed.
Zip215Case corrupt(Zip215Case c, std::mt19937_64& rng, const std::vector<Zip215Case>& small) {
  const Zip215Case& s = small[rng() % small.size()];
  switch (rng() % 7) {
    case 0:
      c.sig[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));  // R
      break;
    case 1:
      c.sig[32 + rng() % 31] ^= static_cast<uint8_t>(1u << (rng() % 8));  // S (still < 2^253)
      break;
    case 2:
      c.key[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 3:
      c.msg.push_back(static_cast<uint8_t>(rng()));
      break;
    case 4:
      add_l_to_s(c.sig);  // S >= L: rejected before any arithmetic
      break;
    case 5:
      std::copy(s.sig.begin(), s.sig.begin() + 32, c.sig.begin());  // a small-order R, maybe non-canonical
      break;
    default:
      c.key = s.key;  // a small-order key, maybe non-canonical
      break;
  }
  c.id += " corrupted";
  return c;
}

class Zip215Batch : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    vectors_ = load_speccheck();
    small_ = load_zip215_small_order();
    ASSERT_EQ(small_.size(), 196u);
    vectors_.insert(vectors_.end(), small_.begin(), small_.end());
  }
  std::vector<Zip215Case> vectors_, small_;
};

TEST_F(Zip215Batch, SingleEqualsTheKernelPathOnVectorsAndRandom) {
  std::mt19937_64 rng(test_seed());
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(test_seed()));
  for (const Zip215Case& c : vectors_) {
    EXPECT_EQ(new_verify(c), kernel_verify(c)) << c.id;
    EXPECT_EQ(new_verify(c), c.zip215) << c.id;
  }
  size_t valid = 0;
  for (size_t i = 0; i < 1500; ++i) {
    Zip215Case c = fresh(rng, i);
    if (i % 2) c = corrupt(c, rng, small_);
    const bool v = new_verify(c);
    EXPECT_EQ(v, kernel_verify(c)) << c.id;
    valid += v;
  }
  EXPECT_GT(valid, 700u);
}

// A batch of n: fresh valid signatures and vectors, `bad` of them corrupted,
// at random positions.
std::vector<Zip215Case> make_batch(std::mt19937_64& rng, size_t n, size_t bad, const std::vector<Zip215Case>& vectors,
                                   const std::vector<Zip215Case>& small) {
  std::vector<Zip215Case> batch;
  for (size_t i = 0; i < n; ++i) batch.push_back(rng() % 4 == 0 ? vectors[rng() % vectors.size()] : fresh(rng, i));
  std::vector<size_t> pos(n);
  for (size_t i = 0; i < n; ++i) pos[i] = i;
  std::shuffle(pos.begin(), pos.end(), rng);
  for (size_t i = 0; i < bad; ++i) batch[pos[i]] = corrupt(batch[pos[i]], rng, small);
  return batch;
}

TEST_F(Zip215Batch, BatchVerdictsEqualSingleVerdicts) {
  std::mt19937_64 rng(test_seed());
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(test_seed()));
  CpuVerifier one(CpuVerifierOptions{1}), three(CpuVerifierOptions{3});
  size_t batches = 0, valid = 0, invalid = 0;
  for (size_t n : {0, 1, 2, 31, 32, 33, 64, 100, 129, 300}) {
    for (int pattern = 0; pattern < 4; ++pattern) {
      // none, one, several, all corrupted
      const size_t bad = pattern == 0 ? 0 : pattern == 1 ? std::min<size_t>(1, n)
                         : pattern == 2 ? std::min<size_t>(n, 2 + rng() % (n / 4 + 1))
                                        : n;
      const std::vector<Zip215Case> batch = make_batch(rng, n, bad, vectors_, small_);
      std::vector<cpu::Zip215Input> inputs;
      std::vector<Check> checks;
      for (const Zip215Case& c : batch) {
        checks.push_back(check_of(c));
        inputs.push_back(cpu::zip215_input_of(checks.back()));
      }
      std::vector<uint8_t> got(n, 0xEE), via_one(n, 0xEE), via_three(n, 0xEE);
      cpu::zip215_verify_batch_var(inputs, got);
      ASSERT_TRUE(one.verify(checks, via_one).ok());
      ASSERT_TRUE(three.verify(checks, via_three).ok());
      ++batches;
      for (size_t i = 0; i < n; ++i) {
        const uint8_t single = kernel_verify(batch[i]) ? 1 : 0;
        EXPECT_EQ(got[i], single) << batch[i].id << " at " << i << " of " << n << ", " << bad << " corrupted";
        EXPECT_EQ(via_one[i], single) << batch[i].id << " at " << i << " of " << n << " (CpuVerifier, 1 thread)";
        EXPECT_EQ(via_three[i], single) << batch[i].id << " at " << i << " of " << n << " (CpuVerifier, 3 threads)";
        (single ? valid : invalid)++;
      }
    }
  }
  EXPECT_EQ(batches, 40u);
  EXPECT_GT(valid, 500u);
  EXPECT_GT(invalid, 500u);
}

// The 196 small-order signatures (and speccheck's cases) in one batch with
// valid fresh signatures: the torsion parts of the points do not break the
// cofactored batch equation, and speccheck's invalid cases are found.
TEST_F(Zip215Batch, VectorsInsideValidBatches) {
  std::mt19937_64 rng(test_seed());
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(test_seed()));
  std::vector<Zip215Case> batch = vectors_;
  for (size_t i = 0; i < 100; ++i) batch.push_back(fresh(rng, i));
  std::shuffle(batch.begin(), batch.end(), rng);
  std::vector<Check> checks;
  for (const Zip215Case& c : batch) checks.push_back(check_of(c));
  for (size_t len : {size_t{64}, size_t{128}, batch.size()}) {
    std::vector<cpu::Zip215Input> inputs;
    for (size_t i = 0; i < len; ++i) inputs.push_back(cpu::zip215_input_of(checks[i]));
    std::vector<uint8_t> got(len, 0xEE);
    cpu::zip215_verify_batch_var(inputs, got);
    for (size_t i = 0; i < len; ++i) EXPECT_EQ(got[i], batch[i].zip215 ? 1 : 0) << batch[i].id << " in a batch of " << len;
  }
}

}  // namespace
}  // namespace vigil::test::zip215
