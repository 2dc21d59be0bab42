// vigil::cpu::parse_der_lax against the oracle's own lax DER parser: return
// value and the compact serialization of the result must be identical, on
// random byte strings, structured random DER-like strings and mutated real
// signatures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "differential/generator.hpp"
#include "differential/oracle.hpp"
#include "util/test_util.hpp"
#include "verify/backends.hpp"

namespace vigil::difftest {
namespace {

struct LaxStats {
  uint64_t cases = 0, mismatches = 0, failed = 0, zero = 0, nonzero = 0;
};

void compare(const Bytes& input, LaxStats& st) {
  secp256k1_ecdsa_signature a, b;
  std::memset(&a, 0x5a, sizeof a);  // both must overwrite whatever was there
  std::memset(&b, 0xa5, sizeof b);
  const bool ra = cpu::parse_der_lax(ByteView(input), &a);
  const bool rb = oracle_parse_der_lax(input, &b);
  uint8_t ca[64], cb[64];
  secp256k1_ecdsa_signature_serialize_compact(oracle_context(), ca, &a);
  secp256k1_ecdsa_signature_serialize_compact(oracle_context(), cb, &b);
  ++st.cases;
  if (ra != rb || std::memcmp(ca, cb, 64) != 0) {
    if (++st.mismatches <= 10)
      ADD_FAILURE() << "input (" << input.size() << " bytes) "
                    << hex_of(std::span<const uint8_t>(input.data(), std::min<size_t>(input.size(), 120)))
                    << (input.size() > 120 ? "..." : "") << ": vigil " << ra << " " << hex_of(ca) << ", oracle " << rb << " "
                    << hex_of(cb);
  }
  static const uint8_t zero[64] = {};
  if (!rb) {
    ++st.failed;
  } else if (std::memcmp(cb, zero, 64) == 0) {
    ++st.zero;
  } else {
    ++st.nonzero;
  }
}

// A DER-like string: each piece usually well-formed, sometimes not.
Bytes structured(std::mt19937_64& rng) {
  auto below = [&](uint64_t n) { return static_cast<size_t>(rng() % n); };
  auto byte = [&] { return static_cast<uint8_t>(rng()); };
  Bytes out;
  out.push_back(below(10) ? 0x30 : byte());
  switch (below(4)) {
    case 0: out.push_back(static_cast<uint8_t>(below(0x80))); break;
    case 1: {
      size_t k = below(6);
      out.push_back(static_cast<uint8_t>(0x80 + k));
      for (size_t i = 0; i < k; ++i) out.push_back(byte());
      break;
    }
    case 2: out.push_back(byte()); break;
    default: out.push_back(static_cast<uint8_t>(0x44)); break;
  }
  for (int which = 0; which < 2; ++which) {
    out.push_back(below(10) ? 0x02 : byte());
    size_t len = below(8) ? below(36) : below(80);
    switch (below(5)) {
      case 0:
      case 1: out.push_back(static_cast<uint8_t>(len & 0x7f)); break;
      case 2: {  // long form with leading zeros
        size_t zeros = below(4);
        out.push_back(static_cast<uint8_t>(0x80 + zeros + 1));
        out.insert(out.end(), zeros, 0);
        out.push_back(static_cast<uint8_t>(len));
        break;
      }
      case 3: {  // long form of 1 to 5 random significant bytes
        size_t k = 1 + below(5);
        out.push_back(static_cast<uint8_t>(0x80 + k));
        for (size_t i = 0; i + 1 < k; ++i) out.push_back(below(2) ? 0 : byte());
        out.push_back(static_cast<uint8_t>(len));
        break;
      }
      default: out.push_back(static_cast<uint8_t>(0x80 + below(0x80))); break;
    }
    // The value: zero padding, high bit, all 0xff (>= n), random.
    size_t actual = below(6) ? len : below(40);
    Bytes v(actual);
    for (auto& x : v) x = byte();
    if (actual && below(4) == 0) std::fill(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(below(actual)), 0);
    if (actual && below(6) == 0) std::fill(v.begin(), v.end(), 0xff);
    out.insert(out.end(), v.begin(), v.end());
  }
  if (below(4) == 0) {
    size_t k = below(5);
    for (size_t i = 0; i < k; ++i) out.push_back(byte());
  }
  if (below(8) == 0 && !out.empty()) out.resize(below(out.size()));
  return out;
}

void mutate(Bytes& b, std::mt19937_64& rng) {
  auto below = [&](uint64_t n) { return static_cast<size_t>(rng() % n); };
  switch (below(5)) {
    case 0:
      if (!b.empty()) b[below(b.size())] ^= static_cast<uint8_t>(1u << below(8));
      break;
    case 1:
      if (!b.empty()) b[below(b.size())] = static_cast<uint8_t>(rng());
      break;
    case 2:
      if (!b.empty()) b.resize(below(b.size()));
      break;
    case 3:
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), static_cast<uint8_t>(rng()));
      break;
    default:
      if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(below(b.size())));
      break;
  }
}

TEST(LaxDerDiff, MatchesTheOracleParser) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed);
  std::mt19937_64& rng = gen.rng();
  const size_t n = std::max<size_t>(10 * diff_n(), 2000);
  LaxStats random_st, structured_st, mutated_st, template_st;

  // The empty input, with and without a data pointer.
  compare(Bytes{}, random_st);
  {
    secp256k1_ecdsa_signature sig;
    EXPECT_FALSE(cpu::parse_der_lax(ByteView{}, &sig));
  }
  for (size_t i = 0; i < n / 4; ++i) {
    Bytes b(rng() % 90);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (!b.empty() && rng() % 2) b[0] = 0x30;
    if (b.size() > 2 && rng() % 2) b[2] = 0x02;
    compare(b, random_st);
  }
  for (size_t i = 0; i < n / 2; ++i) compare(structured(rng), structured_st);
  // Real signatures, DER-mutated by the generator, then mutated again.
  for (size_t i = 0; i < n / 8; ++i) {
    const Scheme s = i % 2 ? Scheme::kEcdsaBitcoin : Scheme::kEcdsa;
    GenCheck c = gen.make(s, i % 3 ? Cls::kDerMutation : Cls::kValid);
    compare(c.sig, mutated_st);
    const int rounds = static_cast<int>(rng() % 4);
    for (int k = 0; k < rounds; ++k) mutate(c.sig, rng);
    compare(c.sig, mutated_st);
  }
  // Every sequence-length byte against every r-length byte.
  {
    GenCheck c = gen.make(Scheme::kEcdsa, Cls::kValid);
    ASSERT_GE(c.sig.size(), 8u);
    for (int seq = 0; seq < 256; ++seq) {
      for (int rl = 0; rl < 256; ++rl) {
        Bytes b = c.sig;
        b[1] = static_cast<uint8_t>(seq);
        b[3] = static_cast<uint8_t>(rl);
        compare(b, template_st);
      }
    }
  }

  // Lengths on both sides of 2^24, the first one that needs 4 significant
  // length bytes, in inputs long enough to hold them.
  LaxStats huge_st;
  for (const bool four_bytes : {false, true}) {
    for (const bool in_s : {false, true}) {
      const size_t len = four_bytes ? size_t{1} << 24 : (size_t{1} << 24) - 1;
      const Bytes len_bytes = four_bytes ? Bytes{0x84, 0x01, 0x00, 0x00, 0x00} : Bytes{0x83, 0xff, 0xff, 0xff};
      Bytes b = {0x30, 0x80};
      if (in_s) b.insert(b.end(), {0x02, 0x01, 0x01});
      b.push_back(0x02);
      b.insert(b.end(), len_bytes.begin(), len_bytes.end());
      b.resize(b.size() + len, 0x00);
      b.back() = 0x07;  // the value is 7, after (2^24 - 2) leading zeros
      if (!in_s) b.insert(b.end(), {0x02, 0x01, 0x01});
      compare(b, huge_st);
    }
  }
  EXPECT_EQ(huge_st.failed, 2u) << "a length of 2^24 is unreadable";
  EXPECT_EQ(huge_st.nonzero, 2u) << "a length of 2^24 - 1 is read";

  for (const LaxStats* st : {&random_st, &structured_st, &mutated_st, &template_st, &huge_st})
    EXPECT_EQ(st->mismatches, 0u);
  // Each kind of outcome occurred: unreadable, (0, 0), and a real signature.
  const LaxStats* all[] = {&structured_st, &mutated_st, &template_st};
  for (const LaxStats* st : all) {
    EXPECT_GT(st->failed, 0u);
    EXPECT_GT(st->nonzero, 0u);
  }
  EXPECT_GT(structured_st.zero, 0u);
  EXPECT_GT(mutated_st.zero, 0u);
  EXPECT_GT(random_st.failed, 0u);
}

}  // namespace
}  // namespace vigil::difftest
