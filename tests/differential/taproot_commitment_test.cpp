// Scheme::kTaprootCommitment (BIP341's Q == P + tG, which the script
// interpreter defers into the block's batch) against libsecp256k1 called
// directly (oracle_verify), on fresh random commitments: valid ones, and each
// input corrupted in every way that matters (Q, parity, tweak, internal key,
// a tweak >= n, an internal key off the curve, wrong lengths). Single checks,
// pre-parsed keys, and batches of random sizes through CpuVerifier and the
// Verifier (which keeps these checks on the CPU whatever its backend).
#include <gtest/gtest.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <memory>
#include <random>

#include "differential/oracle.hpp"
#include "util/test_util.hpp"
#include "vigil/verifier.hpp"
#include "vigil/verify.hpp"

namespace vigil::test {
namespace {

struct Commitment {
  Bytes internal, tweak, output;  // P (32), t (32), Q || parity (33)
};

class Maker {
 public:
  explicit Maker(uint64_t seed) : rng_(seed), ctx_(secp256k1_context_create(SECP256K1_CONTEXT_SIGN)) {}
  ~Maker() { secp256k1_context_destroy(ctx_); }

  Bytes random_bytes(size_t n) {
    Bytes b(n);
    for (uint8_t& x : b) x = static_cast<uint8_t>(rng_());
    return b;
  }
  // A valid commitment of a random key pair to a random tweak.
  Commitment valid() {
    for (;;) {
      const Bytes secret = random_bytes(32), tweak = random_bytes(32);
      secp256k1_keypair kp;
      if (!secp256k1_keypair_create(ctx_, &kp, secret.data())) continue;
      secp256k1_xonly_pubkey p, q;
      int parity = 0;
      if (!secp256k1_keypair_xonly_pub(ctx_, &p, nullptr, &kp) ||
          !secp256k1_keypair_xonly_tweak_add(ctx_, &kp, tweak.data()) ||
          !secp256k1_keypair_xonly_pub(ctx_, &q, &parity, &kp))
        continue;
      Commitment c{Bytes(32), tweak, Bytes(33)};
      secp256k1_xonly_pubkey_serialize(ctx_, c.internal.data(), &p);
      secp256k1_xonly_pubkey_serialize(ctx_, c.output.data(), &q);
      c.output[32] = static_cast<uint8_t>(parity);
      return c;
    }
  }
  // A valid one, then (for kind > 0) one thing wrong with it.
  Commitment make(int kind) {
    Commitment c = valid();
    switch (kind) {
      case 1: c.output[rng_() % 32] ^= static_cast<uint8_t>(1 + rng_() % 255); break;  // another Q
      case 2: c.output[32] ^= 1; break;                                                // the other parity
      case 3: c.output[32] = static_cast<uint8_t>(2 + rng_() % 254); break;            // not a parity
      case 4: c.tweak[rng_() % 32] ^= static_cast<uint8_t>(1 + rng_() % 255); break;   // another tweak
      case 5: c.internal = valid().internal; break;                                    // another internal key
      case 6: c.tweak.assign(32, 0xff); break;                                         // t >= n
      case 7: c.internal.assign(32, 0xff); break;                                      // x >= p: no key
      case 8: c.output.pop_back(); break;                                              // 32 bytes, no parity
      case 9: c.tweak.pop_back(); break;                                               // a 31-byte tweak
      case 10: c.internal.push_back(0); break;                                         // a 33-byte key
      default: break;
    }
    return c;
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  secp256k1_context* ctx_;
};
constexpr int kKinds = 11;

Check check_of(const Commitment& c) {
  return Check{Scheme::kTaprootCommitment, ByteView(c.internal), ByteView(c.tweak), ByteView(c.output), nullptr};
}
bool oracle(const Commitment& c) {
  return difftest::oracle_verify(Scheme::kTaprootCommitment, c.internal, c.tweak, c.output);
}

TEST(TaprootCommitment, SingleChecksEqualLibsecp256k1) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  Maker m(seed);
  int valid = 0;
  for (int i = 0; i < 2000; ++i) {
    const int kind = i % kKinds;
    const Commitment c = m.make(kind);
    const bool expected = oracle(c);
    ASSERT_EQ(verify_check(check_of(c)), expected) << "kind " << kind;
    if (kind == 0) {
      ASSERT_TRUE(expected);
    }
    if (kind == 2 || kind == 3 || kind >= 6) {
      ASSERT_FALSE(expected) << "kind " << kind;
    }
    valid += expected;
    ParsedPublicKey parsed;
    if (parse_public_key(Scheme::kTaprootCommitment, c.internal, &parsed)) {
      Check pre = check_of(c);
      pre.parsed_key = &parsed;
      ASSERT_EQ(verify_check(pre), expected) << "pre-parsed, kind " << kind;
    }
  }
  EXPECT_GE(valid, 2000 / kKinds);  // at least every valid one
  EXPECT_EQ(scheme_name(Scheme::kTaprootCommitment), "taproot-commitment");
  EXPECT_EQ(scheme_from_name("taproot-commitment"), Scheme::kTaprootCommitment);
}

TEST(TaprootCommitment, BatchesEqualSingleChecks) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  Maker m(seed);
  CpuVerifier cpu(CpuVerifierOptions{2});
  std::unique_ptr<Verifier> verifier;
  VerifierOptions vo;
  vo.backend = Backend::kAuto;
  ASSERT_TRUE(Verifier::Create(vo, &verifier).ok());
  for (size_t n : {0u, 1u, 2u, 31u, 32u, 33u, 100u, 257u}) {
    std::vector<Commitment> cs;
    std::vector<Check> checks;
    for (size_t i = 0; i < n; ++i) cs.push_back(m.make(m.rng()() % 3 == 0 ? static_cast<int>(m.rng()() % kKinds) : 0));
    for (const Commitment& c : cs) checks.push_back(check_of(c));
    std::vector<uint8_t> expected;
    for (const Commitment& c : cs) expected.push_back(oracle(c));
    std::vector<uint8_t> got(n, 2), got_v(n, 2);
    ASSERT_TRUE(cpu.verify(checks, got).ok());
    ASSERT_TRUE(verifier->verify(checks, got_v).ok());
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(got[i], expected[i]) << "CpuVerifier, batch of " << n << ", check " << i;
      ASSERT_EQ(got_v[i], expected[i]) << "Verifier, batch of " << n << ", check " << i;
    }
  }
}

}  // namespace
}  // namespace vigil::test
