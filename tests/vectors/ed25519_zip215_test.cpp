// The published ZIP-215 vectors (ed25519-speccheck's 12 cases, ed25519-zebra's
// 196 small-order cases; see vectors/zip215_vector_files.hpp) through both
// Ed25519 rule sets:
//   "ed25519"         must give each file's ZIP-215 verdict;
//   "ed25519-strict"  must give libsodium 1.0.18's verdict, computed here by
//                     calling crypto_sign_verify_detached.
// Plus variants whose ZIP-215 verdict follows from the equation alone: the
// 196 small-order signatures stay valid over any other message (k is
// multiplied by a point of small order, which [8] removes), and become
// invalid with S = 2^i (then [8][S]B is not the identity).
#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "vectors/zip215_vector_files.hpp"
#include "vigil/verify.hpp"

namespace vigil::test::zip215 {
namespace {

bool sodium_verify(const Zip215Case& c) {
  return c.key.size() == crypto_sign_PUBLICKEYBYTES && c.sig.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(c.sig.data(), c.msg.data(), c.msg.size(), c.key.data()) == 0;
}

Check check_of(Scheme scheme, const Zip215Case& c, const ParsedPublicKey* parsed = nullptr) {
  return Check{scheme, c.key, c.msg, c.sig, parsed};
}

// Both schemes on every case, directly and through a pre-parsed key.
void check_cases(const std::vector<Zip215Case>& cases) {
  for (const Zip215Case& c : cases) {
    EXPECT_EQ(verify_check(check_of(Scheme::kEd25519, c)), c.zip215) << c.id << ": ed25519 vs the file's ZIP-215 verdict";
    const bool sodium = sodium_verify(c);
    EXPECT_EQ(verify_check(check_of(Scheme::kEd25519Strict, c)), sodium) << c.id << ": ed25519-strict vs libsodium";
    if (sodium) {
      EXPECT_TRUE(c.zip215) << c.id << ": libsodium accepts what the file says ZIP-215 rejects";
    }
    for (Scheme scheme : {Scheme::kEd25519, Scheme::kEd25519Strict}) {
      ParsedPublicKey parsed;
      ASSERT_TRUE(parse_public_key(scheme, c.key, &parsed)) << c.id;
      EXPECT_EQ(verify_check(check_of(scheme, c, &parsed)), scheme == Scheme::kEd25519 ? c.zip215 : sodium)
          << c.id << " with a pre-parsed key, " << scheme_name(scheme);
    }
  }
}

class Ed25519Zip215Vectors : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(Ed25519Zip215Vectors, Speccheck) {
  std::vector<Zip215Case> cases = load_speccheck();
  ASSERT_EQ(cases.size(), 12u);
  size_t zip215_valid = 0, sodium_valid = 0;
  for (const Zip215Case& c : cases) {
    zip215_valid += c.zip215;
    sodium_valid += sodium_verify(c);
    // The table's LibSodium row is what libsodium 1.0.18 answers here.
    ASSERT_TRUE(c.libsodium_published.has_value()) << c.id;
    EXPECT_EQ(sodium_verify(c), *c.libsodium_published) << c.id;
  }
  EXPECT_EQ(zip215_valid, 9u);
  EXPECT_EQ(sodium_valid, 1u);  // only case 3 (mixed A and R, k T = 0)
  check_cases(cases);
}

TEST_F(Ed25519Zip215Vectors, ZebraSmallOrder) {
  std::vector<Zip215Case> cases = load_zip215_small_order();
  ASSERT_EQ(cases.size(), 196u);
  size_t sodium_valid = 0;
  for (const Zip215Case& c : cases) sodium_valid += sodium_verify(c);
  EXPECT_EQ(sodium_valid, 0u);  // every key is of small order: libsodium blocks them all
  check_cases(cases);
}

TEST_F(Ed25519Zip215Vectors, ZebraSmallOrderOverOtherMessages) {
  std::vector<Zip215Case> cases = load_zip215_small_order();
  ASSERT_EQ(cases.size(), 196u);
  const std::vector<std::string> messages = {"", "Zcash!", "zcash", std::string(1000, 'Z')};
  for (Zip215Case c : cases) {
    for (const std::string& m : messages) {
      c.msg.assign(m.begin(), m.end());
      EXPECT_TRUE(verify_check(check_of(Scheme::kEd25519, c))) << c.id << " over a message of " << m.size() << " bytes";
      EXPECT_FALSE(verify_check(check_of(Scheme::kEd25519Strict, c))) << c.id;
    }
  }
}

TEST_F(Ed25519Zip215Vectors, ZebraSmallOrderWithNonzeroS) {
  std::vector<Zip215Case> cases = load_zip215_small_order();
  ASSERT_EQ(cases.size(), 196u);
  for (size_t i = 0; i < cases.size(); ++i) {
    Zip215Case c = cases[i];
    const size_t bit = (i * 37) % 252;  // S = 2^bit < L
    ASSERT_EQ(c.sig[32 + bit / 8], 0) << c.id << ": S is expected to be 0";
    c.sig[32 + bit / 8] = static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(verify_check(check_of(Scheme::kEd25519, c))) << c.id << " with S = 2^" << bit;
    EXPECT_FALSE(verify_check(check_of(Scheme::kEd25519Strict, c))) << c.id << " with S = 2^" << bit;
  }
}

// All cases of both files, under both schemes, in one CpuVerifier batch.
TEST_F(Ed25519Zip215Vectors, OneCpuVerifierBatch) {
  std::vector<Zip215Case> cases = load_speccheck();
  std::vector<Zip215Case> more = load_zip215_small_order();
  cases.insert(cases.end(), more.begin(), more.end());
  std::vector<Check> checks;
  std::vector<uint8_t> expected;
  for (const Zip215Case& c : cases) {
    checks.push_back(check_of(Scheme::kEd25519, c));
    expected.push_back(c.zip215);
    checks.push_back(check_of(Scheme::kEd25519Strict, c));
    expected.push_back(sodium_verify(c));
  }
  CpuVerifier verifier(CpuVerifierOptions{3});
  std::vector<uint8_t> verdicts(checks.size(), 0xEE);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  for (size_t i = 0; i < checks.size(); ++i) {
    EXPECT_EQ(verdicts[i], expected[i]) << cases[i / 2].id << ", " << scheme_name(checks[i].scheme) << ", batch index " << i;
  }
}

}  // namespace
}  // namespace vigil::test::zip215
