#include "pipeline/verifier_conformance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "differential/generator.hpp"

namespace vigil::test {
namespace {

using difftest::Bytes;
using difftest::GenCheck;

struct OwnedCheck {
  Scheme scheme;
  Bytes key, msg, sig;
  Check view() const {
    Check c;
    c.scheme = scheme;
    c.public_key = ByteView(key.data(), key.size());
    c.message = ByteView(msg.data(), msg.size());
    c.signature = ByteView(sig.data(), sig.size());
    return c;
  }
};

// The schemes the GPU kernels verify.
constexpr Scheme kKernelSchemes[] = {Scheme::kEcdsa,   Scheme::kEcdsaLowS,      Scheme::kEcdsaBitcoin,
                                     Scheme::kSchnorr, Scheme::kEd25519Strict, Scheme::kEd25519};

// Flips one bit where it surely breaks the signature: the message, the key's
// coordinate, or the signature's last value byte (s for ECDSA's DER, any
// byte of a 64-byte BIP340 or Ed25519 signature). For Ed25519 under ZIP-215
// too: a random key or R is not one of the 19 values with a second encoding.
void corrupt(OwnedCheck& c, std::mt19937_64& rng) {
  const uint8_t bit = static_cast<uint8_t>(1u << (rng() % 8));
  switch (rng() % 3) {
    case 0:
      if (!c.msg.empty()) {
        c.msg[rng() % c.msg.size()] ^= bit;
        return;
      }
      c.msg.push_back(0);
      return;
    case 1: {
      const size_t first = scheme_takes_digest(c.scheme) ? 1 : 0;  // skip the ECDSA prefix byte
      c.key[first + rng() % 32] ^= bit;
      return;
    }
    default:
      if (!scheme_takes_digest(c.scheme)) {
        c.sig[rng() % 64] ^= bit;
      } else {
        c.sig.back() ^= bit;
      }
  }
}

std::vector<uint8_t> reference(std::span<const Check> checks) {
  std::vector<uint8_t> out(checks.size());
  CpuVerifier cpu;
  EXPECT_TRUE(cpu.verify(checks, out).ok());
  return out;
}

}  // namespace

std::vector<size_t> gpu_call_sizes(const BatchMix& mix, size_t per_call) {
  std::vector<size_t> out;
  for (size_t n : {mix.secp256k1, mix.ed25519}) {
    for (size_t begin = 0; begin < n; begin += per_call) out.push_back(std::min(per_call, n - begin));
  }
  return out;
}

void check_corruptions_found(Verifier& verifier, uint64_t seed, const std::vector<size_t>& sizes,
                             std::vector<BatchMix>* mixes) {
  difftest::Generator gen(seed);
  std::mt19937_64& rng = gen.rng();
  // A pool of valid checks, tiled into the batches.
  std::vector<OwnedCheck> pool;
  for (int i = 0; i < 600; ++i) {
    const Scheme scheme = kKernelSchemes[i % std::size(kKernelSchemes)];
    const GenCheck g = gen.valid(scheme);
    ASSERT_TRUE(g.oracle) << "the generator's valid check is invalid";
    pool.push_back(OwnedCheck{scheme, g.key, g.msg, g.sig});
  }
  for (size_t n : sizes) {
    std::vector<OwnedCheck> owned(n);
    std::set<size_t> corrupted;
    for (size_t i = 0; i < n; ++i) {
      owned[i] = pool[rng() % pool.size()];
      if (rng() % 8 == 0) {
        corrupt(owned[i], rng);
        corrupted.insert(i);
      }
    }
    std::vector<Check> checks(n);
    BatchMix mix;
    for (size_t i = 0; i < n; ++i) {
      checks[i] = owned[i].view();
      (scheme_takes_digest(checks[i].scheme) || checks[i].scheme == Scheme::kSchnorr ? mix.secp256k1 : mix.ed25519)++;
    }
    if (mixes) mixes->push_back(mix);
    std::vector<uint8_t> verdicts(n, 2);
    ASSERT_TRUE(verifier.verify(checks, verdicts).ok()) << "batch of " << n;
    std::set<size_t> failing;
    for (size_t i = 0; i < n; ++i) {
      ASSERT_LE(verdicts[i], 1) << "no verdict written at " << i << " of " << n;
      if (!verdicts[i]) failing.insert(i);
    }
    EXPECT_EQ(failing, corrupted) << "batch of " << n;
    EXPECT_EQ(verdicts, reference(checks)) << "batch of " << n;
  }
}

void check_generated(Verifier& verifier, uint64_t seed, size_t n_per_scheme) {
  difftest::Generator gen(seed);
  std::vector<GenCheck> gens;
  for (Scheme s : kAllSchemes)
    for (size_t i = 0; i < n_per_scheme; ++i) gens.push_back(gen.next(s));
  std::shuffle(gens.begin(), gens.end(), gen.rng());
  std::vector<Check> checks(gens.size());
  size_t valid = 0;
  for (size_t i = 0; i < gens.size(); ++i) {
    checks[i].scheme = gens[i].scheme;
    checks[i].public_key = ByteView(gens[i].key.data(), gens[i].key.size());
    checks[i].message = ByteView(gens[i].msg.data(), gens[i].msg.size());
    checks[i].signature = ByteView(gens[i].sig.data(), gens[i].sig.size());
    valid += gens[i].oracle;
  }
  ASSERT_GT(valid, gens.size() / 10);
  ASSERT_LT(valid, gens.size() - gens.size() / 10);
  std::vector<uint8_t> verdicts(checks.size(), 2);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  size_t mismatches = 0;
  for (size_t i = 0; i < gens.size(); ++i) {
    if (verdicts[i] != (gens[i].oracle ? 1 : 0) && ++mismatches <= 10)
      ADD_FAILURE() << "check " << i << " (" << scheme_name(gens[i].scheme) << ", "
                    << difftest::class_name(gens[i].cls) << " " << gens[i].variant << "): verifier "
                    << int{verdicts[i]} << ", oracle " << gens[i].oracle << "\n  " << difftest::check_line(gens[i]);
  }
  EXPECT_EQ(mismatches, 0u);
}

void check_parsed_keys(Verifier& verifier, uint64_t seed) {
  difftest::Generator gen(seed);
  std::vector<OwnedCheck> owned;
  std::vector<ParsedPublicKey> keys;
  for (int i = 0; i < 96; ++i) {
    const Scheme scheme = kKernelSchemes[i % std::size(kKernelSchemes)];
    const GenCheck g = gen.next(scheme);
    owned.push_back(OwnedCheck{scheme, g.key, g.msg, g.sig});
  }
  keys.resize(owned.size());
  std::vector<Check> checks;
  for (size_t i = 0; i < owned.size(); ++i) {
    Check c = owned[i].view();
    if (parse_public_key(owned[i].scheme, c.public_key, &keys[i])) c.parsed_key = &keys[i];
    checks.push_back(c);
    // The same check with a key of another family: invalid.
    Check wrong = c;
    const size_t other = (i + 3) % owned.size();
    if (keys[other].family != ParsedPublicKey::Family::kNone && keys[other].family != keys[i].family) {
      wrong.parsed_key = &keys[other];
      checks.push_back(wrong);
    }
  }
  std::vector<uint8_t> verdicts(checks.size(), 2);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  for (size_t i = 0; i < checks.size(); ++i)
    EXPECT_EQ(verdicts[i], verify_check(checks[i]) ? 1 : 0) << "check " << i << " " << scheme_name(checks[i].scheme);
}

}  // namespace vigil::test
