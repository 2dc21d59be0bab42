// Batch against single verification, Firedancer style: batches of valid
// checks of every scheme with random positions corrupted; the failing
// indices must be exactly the corrupted ones, for every batch size and
// thread count. Also: parsed keys of the wrong family, mismatched spans.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <set>

#include "differential/generator.hpp"
#include "differential/oracle.hpp"
#include "util/test_util.hpp"
#include "vigil/verify.hpp"

namespace vigil::difftest {
namespace {

Check as_check(const GenCheck& c) { return Check{c.scheme, c.key, c.msg, c.sig, nullptr}; }

// Valid checks of every scheme, and checks of every scheme the oracle
// rejects (of every hostile class).
struct Pools {
  std::vector<GenCheck> valid, invalid;
  explicit Pools(Generator& gen, size_t per_scheme) {
    for (Scheme s : kAllSchemes) {
      for (size_t i = 0; i < per_scheme; ++i) {
        valid.push_back(gen.valid(s));
        GenCheck bad;
        do bad = gen.next(s);
        while (bad.oracle);
        invalid.push_back(std::move(bad));
      }
    }
  }
};

TEST(BatchVsSingle, FailingIndicesAreExactlyTheCorruptedOnes) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed);
  std::mt19937_64& rng = gen.rng();
  Pools pools(gen, 60);
  for (const GenCheck& c : pools.valid) ASSERT_TRUE(c.oracle) << check_line(c);

  std::vector<size_t> sizes = {0, 1, 2, 31, 32, 33, 63, 64, 65, 1000};
  for (int i = 0; i < 4; ++i) sizes.push_back(rng() % 1500);
  const size_t kGuard = 16;

  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    CpuVerifier verifier(CpuVerifierOptions{threads});
    ASSERT_EQ(verifier.threads(), threads);
    for (size_t size : sizes) {
      for (int pattern = 0; pattern < 3; ++pattern) {
        SCOPED_TRACE(::testing::Message() << threads << " threads, batch of " << size << ", pattern " << pattern);
        // Which positions are corrupted: none, a few (ends included), or a random density.
        std::set<size_t> corrupted;
        if (size > 0 && pattern == 1) {
          corrupted.insert(0);
          corrupted.insert(size - 1);
          for (size_t k = rng() % 4; k > 0; --k) corrupted.insert(rng() % size);
        } else if (size > 0 && pattern == 2) {
          const uint64_t per_mille = 1 + rng() % 999;
          for (size_t i = 0; i < size; ++i)
            if (rng() % 1000 < per_mille) corrupted.insert(i);
        }
        std::vector<Check> checks(size);
        for (size_t i = 0; i < size; ++i) {
          const auto& pool = corrupted.count(i) ? pools.invalid : pools.valid;
          checks[i] = as_check(pool[rng() % pool.size()]);
        }
        // Verdicts land in the middle of a buffer whose guard bytes must survive.
        std::vector<uint8_t> buffer(size + 2 * kGuard, 0x77);
        std::span<uint8_t> verdicts(buffer.data() + kGuard, size);
        ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
        std::set<size_t> failing;
        for (size_t i = 0; i < size; ++i) {
          ASSERT_LE(verdicts[i], 1) << "index " << i;
          if (verdicts[i] == 0) failing.insert(i);
          EXPECT_EQ(verdicts[i] == 1, verify_check(checks[i])) << "batch and single differ at " << i;
        }
        EXPECT_EQ(failing, corrupted);
        for (size_t g = 0; g < kGuard; ++g) {
          EXPECT_EQ(buffer[g], 0x77);
          EXPECT_EQ(buffer[kGuard + size + g], 0x77);
        }
      }
    }
  }
}

TEST(BatchVsSingle, ParsedKeyOfTheWrongFamilyIsInvalid) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed);
  CpuVerifier verifier(CpuVerifierOptions{2});
  auto family_of = [](Scheme s) {
    return s == Scheme::kSchnorr ? 1 : s == Scheme::kEd25519Strict || s == Scheme::kEd25519 ? 2 : 0;
  };
  // One valid check and one parsed key per scheme.
  std::vector<GenCheck> valid;
  std::vector<ParsedPublicKey> keys(std::size(kAllSchemes));
  for (Scheme s : kAllSchemes) {
    valid.push_back(gen.valid(s));
    ASSERT_TRUE(parse_public_key(s, valid.back().key, &keys[static_cast<size_t>(s)]));
  }
  std::deque<ParsedPublicKey> sibling_keys;  // stable addresses
  const ParsedPublicKey none;                // family kNone, as a failed parse leaves it
  std::vector<Check> checks;
  std::vector<bool> expected;
  for (Scheme s : kAllSchemes) {
    const GenCheck& c = valid[static_cast<size_t>(s)];
    // Every scheme's key on this check: valid only for its own key. Keys of
    // another family are invalid, and so is another key of the same family.
    for (Scheme k : kAllSchemes) {
      Check check = as_check(c);
      check.parsed_key = &keys[static_cast<size_t>(k)];
      checks.push_back(check);
      expected.push_back(k == s);
    }
    // The signer's ECDSA key parsed under each ECDSA scheme serves them all.
    if (family_of(s) == 0) {
      for (Scheme sib : {Scheme::kEcdsa, Scheme::kEcdsaLowS, Scheme::kEcdsaBitcoin}) {
        ParsedPublicKey& pk = sibling_keys.emplace_back();
        ASSERT_TRUE(parse_public_key(sib, c.key, &pk));
        Check check = as_check(c);
        check.parsed_key = &pk;
        checks.push_back(check);
        expected.push_back(true);
      }
    }
    // The x-only key of the same secp256k1 point on an ECDSA check, and the
    // ECDSA key of that point on a schnorr check: wrong family, invalid.
    if (family_of(s) == 0) {
      Bytes xonly(c.key.begin() + 1, c.key.begin() + 33);
      ParsedPublicKey& pk = sibling_keys.emplace_back();
      if (parse_public_key(Scheme::kSchnorr, xonly, &pk)) {
        Check check = as_check(c);
        check.parsed_key = &pk;
        checks.push_back(check);
        expected.push_back(false);
      }
    }
    Check check = as_check(c);
    check.parsed_key = &none;
    checks.push_back(check);
    expected.push_back(false);
  }
  std::vector<uint8_t> verdicts(checks.size(), 0xee);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  size_t n_valid = 0, n_invalid = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    EXPECT_EQ(verify_check(checks[i]), expected[i]) << "check " << i << " scheme " << scheme_label(checks[i].scheme);
    EXPECT_EQ(verdicts[i], expected[i] ? 1 : 0) << "check " << i << " scheme " << scheme_label(checks[i].scheme);
    (expected[i] ? n_valid : n_invalid)++;
  }
  EXPECT_GT(n_valid, 5u);
  EXPECT_GT(n_invalid, 15u);

  // Parsing a key for a scheme of another family fails and leaves kNone.
  ParsedPublicKey k;
  k.family = ParsedPublicKey::Family::kEd25519;
  EXPECT_FALSE(parse_public_key(Scheme::kSchnorr, valid[0].key, &k));  // a 33/65-byte ECDSA key
  EXPECT_EQ(k.family, ParsedPublicKey::Family::kNone);
}

TEST(BatchVsSingle, MismatchedSpanSizesWriteNothing) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed);
  CpuVerifier verifier(CpuVerifierOptions{3});
  std::vector<GenCheck> gc;
  for (Scheme s : kAllSchemes) gc.push_back(gen.valid(s));
  std::vector<Check> checks;
  for (const auto& c : gc) checks.push_back(as_check(c));
  const size_t n = checks.size();
  for (size_t slots : {size_t{0}, size_t{1}, n - 1, n + 1, size_t{100}}) {
    std::vector<uint8_t> verdicts(slots, 0x5c);
    Status st = verifier.verify(checks, verdicts);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << slots << " slots";
    for (uint8_t v : verdicts) EXPECT_EQ(v, 0x5c) << slots << " slots";
  }
  std::vector<uint8_t> one(1, 0x5c);
  EXPECT_EQ(verifier.verify(std::span<const Check>(), one).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(one[0], 0x5c);
  // The same checks with the right number of slots all verify.
  std::vector<uint8_t> verdicts(checks.size(), 0x5c);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  for (uint8_t v : verdicts) EXPECT_EQ(v, 1);
}

// Empty fields given as default-constructed views (data() == nullptr, as
// from an empty std::vector): an invalid check, never a crash. Each case runs
// in a child process so that a crash fails only its own assertion.
TEST(BatchVsSingle, EmptyViewsWithoutDataAreInvalidChecks) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed);
  const char* field_names[] = {"public_key", "message", "signature"};
  for (Scheme s : kAllSchemes) {
    const GenCheck c = gen.valid(s);
    for (int field = 0; field < 3; ++field) {
      Check check = as_check(c);
      if (field == 0) check.public_key = ByteView{};
      if (field == 1) check.message = ByteView{};
      if (field == 2) check.signature = ByteView{};
      // An empty message is legal for schnorr and ed25519, but not the one signed.
      const bool want = field == 1 && c.msg.empty();
      EXPECT_EXIT(
          {
            CpuVerifier verifier(CpuVerifierOptions{1});
            uint8_t verdict = 0xee;
            const bool single = verify_check(check);
            const bool ok = verifier.verify(std::span<const Check>(&check, 1), std::span<uint8_t>(&verdict, 1)).ok();
            std::exit(ok && single == want && verdict == (want ? 1 : 0) ? 0 : 3);
          },
          ::testing::ExitedWithCode(0), "")
          << scheme_label(s) << " check with an empty " << field_names[field] << " view whose data() is nullptr";
    }
    EXPECT_EXIT(
        {
          ParsedPublicKey k;
          std::exit(!parse_public_key(s, ByteView{}, &k) && k.family == ParsedPublicKey::Family::kNone ? 0 : 3);
        },
        ::testing::ExitedWithCode(0), "")
        << "parse_public_key(" << scheme_label(s) << ", ByteView{})";
  }
}

}  // namespace
}  // namespace vigil::difftest
