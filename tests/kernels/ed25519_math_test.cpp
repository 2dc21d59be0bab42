// The Ed25519 kernels' math (kernels/ed25519 and kernels/sha512, compiled for
// the host), one layer at a time, against independent references, on edge
// values and random ones:
//   field   (field.hpp)      OpenSSL BIGNUM mod p = 2^255 - 19, operands over
//                            the whole weak range [0, 2^256), results fed back
//                            unreduced; the constants from their definitions
//   scalar  (scalar.hpp)     BIGNUM mod L and libsodium's scalar_reduce; the
//                            Barrett constants
//   sha512  (sha512_core)    OpenSSL's SHA-512 over every padding boundary
//   wnaf    (ecmult.hpp)     the recoding's invariants, checked with BIGNUM
//   group   (group.hpp)      libsodium 1.0.18's point API: crypto_core_ed25519_add
//                            and _sub (which decode as ZIP-215 does: y taken mod
//                            p, x = 0 with the sign bit set accepted, small order
//                            accepted), is_valid_point; BIGNUM for the curve
//                            equation and the eight torsion points
//   ecmult  (ecmult.hpp,     libsodium's scalarmult (main subgroup) and additions
//            b_table.hpp)    of torsion points; a double-and-add of our own
//   schemes (schemes.hpp,    crypto_sign_verify_detached for the strict rules; a
//            check.hpp)      ZIP-215 oracle made of libsodium's point operations
// VIGIL_DIFF_N sets the number of random signatures of the scheme test (default
// 3000); VIGIL_TEST_SEED replays a run.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ed25519/b_table.hpp"
#include "ed25519/check.hpp"
#include "ed25519/schemes.hpp"
#include "kernels/bignum_ref.hpp"
#include "sha512/sha512_core.hpp"
#include "util/test_util.hpp"
#include "vigil/bytes.hpp"

namespace vigil::test {
namespace {

namespace ed = vigil::ed25519;
using ed::Fe;
using ed::GeCached;
using ed::GeNiels;
using ed::GeP1P1;
using ed::GeP2;
using ed::GeP3;
using ed::Scalar;

// ---- helpers: little-endian byte strings, BIGNUM (bignum_ref.hpp) ---------------

constexpr ByteOrder kLittle = ByteOrder::little;  // as Ed25519 encodes everything

using B64 = std::array<uint8_t, 64>;

// The value in big-endian hex (as one reads a number).
std::string hexv(const uint8_t* le, size_t n) {
  std::vector<uint8_t> be(le, le + n);
  std::reverse(be.begin(), be.end());
  return "0x" + to_hex(ByteView(be.data(), be.size()));
}
std::string hexv(const U256& v) { return hexv(v.data(), 32); }
std::string hexv(const B64& v) { return hexv(v.data(), 64); }
// The bytes as they lie (an encoding).
std::string hexb(const uint8_t* p, size_t n) { return to_hex(ByteView(p, n)); }
std::string hexb(const U256& v) { return hexb(v.data(), 32); }

// libsodium picks its implementations at initialization.
const bool kSodiumReady = sodium_init() >= 0;

size_t diff_n(size_t fallback) {
  if (const char* s = std::getenv("VIGIL_DIFF_N")) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s, &end, 10);
    if (end != s && v > 0) return static_cast<size_t>(v);
  }
  return fallback;
}

Bn bn_le(const uint8_t* p, size_t n) { return bn_from_bytes(p, n, kLittle); }
Bn bn_of(const U256& v) { return bn_from(v, kLittle); }
Bn bn_of(const B64& v) { return bn_from(v, kLittle); }
// Requires 0 <= v < 2^256 (2^512 for b64_of).
U256 u256_of(const BIGNUM* v) { return bytes_of<32>(v, kLittle); }
U256 u256_of(const Bn& v) { return u256_of(v.get()); }
B64 b64_of(const Bn& v) { return bytes_of<64>(v.get(), kLittle); }
U256 u256_word(uint64_t w) { return u256_of(bn_word(w)); }
U256 u256_hex(const char* h) { return u256_of(bn_hex(h)); }

const char* const kP = "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED";
const char* const kL = "1000000000000000000000000000000014DEF9DEA2F79CD65812631A5CF5D3ED";

// BIGNUM mod p and mod L: the references for the field and the scalars.
const ModRef& F() {
  static const ModRef r(kP, kLittle);
  return r;
}
U256 p_plus(int64_t k) { return u256_of(bn_add_i(F().m(), k)); }
const ModRef& N() {
  static const ModRef r(kL, kLittle);
  return r;
}
U256 l_plus(int64_t k) { return u256_of(bn_add_i(N().m(), k)); }

// ---- field ---------------------------------------------------------------------

// The raw value of an element (no normalization): its limbs as 32 bytes.
U256 fe_raw(const Fe& a) {
  U256 out;
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < 4; ++k) out[4 * i + k] = static_cast<uint8_t>(a.n[i] >> (8 * k));
  return out;
}
// All 256 bits as limbs (fe_from_bytes drops bit 255; weak operands need it).
Fe fe_of(const U256& v) {
  Fe f;
  for (int i = 0; i < 8; ++i)
    f.n[i] = uint32_t{v[4 * i]} | (uint32_t{v[4 * i + 1]} << 8) | (uint32_t{v[4 * i + 2]} << 16) |
             (uint32_t{v[4 * i + 3]} << 24);
  return f;
}
// The element's value in [0, p), through fe_to_bytes.
U256 fe_val(const Fe& a) {
  U256 out;
  ed::fe_to_bytes(out.data(), a);
  return out;
}

// d = -121665 / 121666 and sqrt(-1) = 2^((p-1)/4), from their definitions.
U256 d_ref() { return F().mul(F().neg(u256_word(121665)), F().inv(u256_word(121666))); }
U256 sqrtm1_ref() {
  Bn e = bn_rshift(bn_add_i(F().m(), -1).get(), 2);
  return F().exp(u256_word(2), e.get());
}

// Edge operands: small values, values around p and 2p, the weak range up to
// 2^256 - 1, powers of two, limb patterns that carry, the curve's constants.
std::vector<U256> field_edges() {
  const BIGNUM* p = F().m();
  std::vector<U256> v;
  for (uint64_t w : {0ull, 1ull, 2ull, 3ull, 18ull, 19ull, 37ull, 38ull, 39ull, 121665ull, 121666ull, 0xFFFFFFFFull,
                     0x100000000ull, 0xFFFFFFFFFFFFFFFFull})
    v.push_back(u256_word(w));
  // p-3 .. p+2, p+18 = 2^255 - 1, p+19 = 2^255, 2^255 + 18, 2^255 + 19.
  for (int64_t k : {-3, -2, -1, 0, 1, 2, 18, 19, 37, 38}) v.push_back(u256_of(bn_add_i(p, k)));
  Bn p2 = bn_add(p, p);
  // 2p - 1, 2p, 2p + 1, 2p + 18, 2p + 19, 2p + 36, 2p + 37 = 2^256 - 1.
  for (int64_t k : {-1, 0, 1, 18, 19, 36, 37}) v.push_back(u256_of(bn_add_i(p2.get(), k)));
  v.push_back(u256_of(bn_sub(bn_pow2(256).get(), bn_word(39).get())));
  v.push_back(u256_of(bn_rshift(bn_add_i(p, -1).get(), 1)));  // (p-1)/2
  v.push_back(u256_of(bn_rshift(bn_add_i(p, 1).get(), 1)));   // (p+1)/2
  v.push_back(u256_of(bn_pow2(128)));
  v.push_back(u256_of(bn_add_i(bn_pow2(128).get(), -1)));
  v.push_back(u256_hex("FFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFE"));
  v.push_back(u256_hex("FFFFFFFF00000000FFFFFFFF00000000FFFFFFFF00000000FFFFFFFF00000000"));
  v.push_back(u256_hex("00000000FFFFFFFF00000000FFFFFFFF00000000FFFFFFFF00000000FFFFFFFF"));
  v.push_back(u256_hex("8000000080000000800000008000000080000000800000008000000080000000"));
  v.push_back(u256_hex("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEC"));
  v.push_back(d_ref());
  v.push_back(F().add(d_ref(), d_ref()));
  v.push_back(sqrtm1_ref());
  v.push_back(fe_raw(ed::ge_base().X));
  v.push_back(fe_raw(ed::ge_base().Y));
  return v;
}

// Random operands from a mixture over [0, 2^256): uniform, the weak range above
// p, around p, 2p and 2^256, small values, and carry-prone limb patterns.
U256 random_field_input(std::mt19937_64& rng) {
  const BIGNUM* p = F().m();
  switch (rng() % 10) {
    case 0: {  // [p, 2^256) (practically) uniformly: the non-canonical representatives
      const std::array<uint8_t, 64> wide = random_bytes<64>(rng);
      Bn span = bn_sub(bn_pow2(256).get(), p), r = bn_new();
      EXPECT_EQ(BN_nnmod(r.get(), bn_le(wide.data(), wide.size()).get(), span.get(), bn_ctx()), 1);
      return u256_of(bn_add(p, r.get()));
    }
    case 1:  // [p, 2^255): the non-canonical values an encoding can hold
      return p_plus(static_cast<int64_t>(rng() % 19));
    case 2:  // 2p + [0, 38) up to 2^256 - 1
      return u256_of(bn_add_i(bn_add(p, p).get(), static_cast<int64_t>(rng() % 38)));
    case 3:  // p - [1, 2^40]
      return p_plus(-1 - static_cast<int64_t>(rng() % (1ull << 40)));
    case 4:
      return u256_word(rng() % (1ull << 40));
    case 5:  // 2^256 - [1, 2^40]
      return u256_of(bn_sub(bn_pow2(256).get(), bn_word(1 + rng() % (1ull << 40)).get()));
    case 6: {
      static constexpr uint32_t kLimbs[] = {
          0u, 1u, 19u, 38u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0x80000000u, 0x7FFFFFFFu, 0xFFFFFFEDu, 0xFFFFFFECu, 0xFFFFFFDAu};
      return fe_raw(random_limbs<Fe>(rng, kLimbs));
    }
    default:
      return random_u256(rng);
  }
}

// fe_sqr_n(x, 3): the field's own operation in the chains, and its reference.
Fe sqr3(const Fe& a) { return ed::fe_sqr_n(a, 3); }
U256 sqr3_ref(const ModRef& P, const U256& a) { return P.sqr(P.sqr(P.sqr(a))); }

// The field under test for the shared checks (bignum_ref.hpp).
const FieldUnderTest<Fe>& field() {
  static const FieldUnderTest<Fe> f{&F(), fe_of, fe_val, hexv, sqr3, sqr3_ref};
  return f;
}

void check_field_single(Mismatches& bad, const U256& a, bool with_inv) {
  const ModRef& P = F();
  const Fe fa = fe_of(a);
  auto what = [&](const char* op) { return [&, op] { return std::string(op) + "(" + hexv(a) + ")"; }; };
  const U256 ra = P.reduce(a);
  bad.check(fe_raw(ed::fe_normalized(fa)) == ra, what("fe_normalized"));
  Fe in_place = fa;
  ed::fe_normalize(in_place);
  bad.check(fe_raw(in_place) == ra, what("fe_normalize"));
  bad.check(fe_val(fa) == ra, what("fe_to_bytes"));
  bad.check(ed::fe_is_zero(fa) == (ra == U256{}), what("fe_is_zero"));
  bad.check(ed::fe_is_negative(fa) == ((ra[0] & 1) != 0), what("fe_is_negative"));
  bad.check(ed::fe_equal(fa, fe_of(ra)), what("fe_equal(a, a mod p)"));
  bad.check(!ed::fe_equal(fa, fe_of(P.add(ra, u256_word(1)))), what("fe_equal(a, a + 1)"));
  bad.check(fe_val(ed::fe_neg(fa)) == P.neg(a), what("fe_neg"));
  bad.check(fe_val(ed::fe_sqr(fa)) == P.sqr(a), what("fe_sqr"));
  if (!with_inv) return;
  bad.check(fe_val(ed::fe_inv(fa)) == P.inv(a), what("fe_inv"));
  static const Bn e22523 = bn_sub(bn_pow2(252).get(), bn_word(3).get());  // (p - 5) / 8
  bad.check(fe_val(ed::fe_pow22523(fa)) == P.exp(a, e22523.get()), what("fe_pow22523"));
}

TEST(EdField, Constants) {
  ASSERT_TRUE(kSodiumReady);
  const ModRef& P = F();
  // The constants are fully reduced and equal their definitions.
  EXPECT_EQ(fe_raw(ed::fe_d()), d_ref()) << hexv(fe_raw(ed::fe_d()));
  EXPECT_EQ(fe_raw(ed::fe_d2()), P.add(d_ref(), d_ref()));
  EXPECT_EQ(fe_raw(ed::fe_sqrtm1()), sqrtm1_ref());
  EXPECT_EQ(fe_raw(ed::fe_zero()), U256{});
  EXPECT_EQ(fe_raw(ed::fe_one()), u256_word(1));
  // Through the field's own arithmetic: d * 121666 = -121665, sqrt(-1)^2 = -1.
  EXPECT_EQ(fe_val(ed::fe_mul(ed::fe_d(), fe_of(u256_word(121666)))), P.neg(u256_word(121665)));
  EXPECT_EQ(fe_val(ed::fe_sqr(ed::fe_sqrtm1())), p_plus(-1));
  EXPECT_EQ(fe_val(ed::fe_sub(ed::fe_d2(), ed::fe_add(ed::fe_d(), ed::fe_d()))), U256{});
  // The fold constant is 2^256 mod p.
  EXPECT_EQ(u256_word(ed::kFold), u256_of(P.mod(bn_pow2(256).get())));
}

TEST(EdField, EdgeValuesAgainstBignum) {
  const std::vector<U256> edges = field_edges();
  ASSERT_GE(edges.size(), 45u);
  expect_field_edges(field(), edges, [](Mismatches& bad, const U256& a) { check_field_single(bad, a, true); });
  // The identities the weak range is about.
  EXPECT_TRUE(ed::fe_is_zero(fe_of(p_plus(0))));
  EXPECT_TRUE(ed::fe_is_zero(fe_of(u256_of(bn_add(F().m(), F().m())))));
  EXPECT_TRUE(ed::fe_equal(fe_of(p_plus(1)), ed::fe_one()));
  EXPECT_TRUE(ed::fe_is_zero(ed::fe_inv(ed::fe_zero())));
  EXPECT_TRUE(ed::fe_is_zero(ed::fe_inv(fe_of(p_plus(0)))));
}

TEST(EdField, RandomAgainstBignum) {
  SeededRng rng;
  Mismatches bad;
  for (int i = 0; i < 4000; ++i) {
    const U256 a = random_field_input(rng), b = random_field_input(rng);
    check_field_pair(bad, field(), a, b);
    check_field_single(bad, a, i % 4 == 0);
  }
  EXPECT_EQ(bad.count(), 0u);
}

// Results in weak form fed back as operands: random chains of operations,
// with the reference value carried along in BIGNUM.
TEST(EdField, ChainedWeakResults) {
  SeededRng rng;
  expect_field_chains(field(), random_field_input, rng);
}

// normalize / to_bytes over the whole weak range, and from_bytes: the low 255
// bits as they are (bit 255 ignored, values in [p, 2^255) kept unreduced).
TEST(EdField, NormalizeAndBytesOverTheWeakRange) {
  SeededRng rng;
  const ModRef& P = F();
  const BIGNUM* p = P.m();
  // The named values, as limbs.
  struct Named {
    const char* name;
    U256 v;
    U256 reduced;  // its value mod p
  };
  const Bn p2 = bn_add(p, p);
  const std::vector<Named> named = {
      {"0", u256_word(0), u256_word(0)},
      {"p-1", p_plus(-1), p_plus(-1)},
      {"p", p_plus(0), u256_word(0)},
      {"p+1", p_plus(1), u256_word(1)},
      {"p+18 = 2^255-1", p_plus(18), u256_word(18)},
      {"p+19 = 2^255", p_plus(19), u256_word(19)},
      {"2p-1", u256_of(bn_add_i(p2.get(), -1)), p_plus(-1)},
      {"2p", u256_of(p2), u256_word(0)},
      {"2p+1", u256_of(bn_add_i(p2.get(), 1)), u256_word(1)},
      {"2^256-1", u256_of(bn_sub(bn_pow2(256).get(), bn_word(1).get())), u256_word(37)},
  };
  for (const Named& n : named) {
    SCOPED_TRACE(n.name);
    EXPECT_EQ(P.reduce(n.v), n.reduced);
    EXPECT_EQ(fe_raw(ed::fe_normalized(fe_of(n.v))), n.reduced);
    EXPECT_EQ(fe_val(fe_of(n.v)), n.reduced);
    EXPECT_EQ(ed::fe_is_zero(fe_of(n.v)), n.reduced == U256{});
    EXPECT_EQ(ed::fe_is_negative(fe_of(n.v)), (n.reduced[0] & 1) != 0);
  }
  std::vector<U256> values = field_edges();
  for (int i = 0; i < 3000; ++i) values.push_back(random_field_input(rng));
  for (int i = 0; i < 300; ++i) values.push_back(random_u256(rng));
  Mismatches bad;
  for (const U256& v : values) {
    const U256 r = P.reduce(v);
    bad.check(fe_raw(ed::fe_normalized(fe_of(v))) == r, [&] { return "fe_normalized " + hexv(v); });
    U256 bytes;
    ed::fe_to_bytes(bytes.data(), fe_of(v));
    bad.check(bytes == r && (bytes[31] & 0x80) == 0, [&] { return "fe_to_bytes " + hexv(v); });
    // from_bytes: bit 255 dropped, the rest kept as it is.
    U256 low = v;
    low[31] &= 0x7f;
    bad.check(fe_raw(ed::fe_from_bytes(v.data())) == low, [&] { return "fe_from_bytes " + hexb(v); });
    U256 flipped = v;
    flipped[31] ^= 0x80;
    bad.check(fe_raw(ed::fe_from_bytes(flipped.data())) == low, [&] { return "fe_from_bytes sign " + hexb(v); });
    bad.check(fe_val(ed::fe_from_bytes(v.data())) == P.reduce(low), [&] { return "fe_from_bytes value " + hexb(v); });
  }
  EXPECT_EQ(bad.count(), 0u);
}

// fe_bytes_canonical: low 255 bits below p, exactly.
TEST(EdField, BytesCanonicalExactlyBelowP) {
  SeededRng rng;
  auto canon = [](U256 v, bool sign) {
    if (sign) v[31] |= 0x80;
    return ed::fe_bytes_canonical(v.data());
  };
  for (bool sign : {false, true}) {
    SCOPED_TRACE(sign ? "sign bit set" : "sign bit clear");
    EXPECT_TRUE(canon(p_plus(-1), sign));
    EXPECT_FALSE(canon(p_plus(0), sign));
    EXPECT_FALSE(canon(p_plus(1), sign));
    EXPECT_FALSE(canon(p_plus(18), sign));  // 2^255 - 1, the largest 255-bit value
    EXPECT_TRUE(canon(U256{}, sign));
    for (int64_t k = -300; k <= 18; ++k) EXPECT_EQ(canon(p_plus(k), sign), k < 0) << k;
  }
  Mismatches bad;
  for (int i = 0; i < 5000; ++i) {
    U256 v = i % 2 ? random_u256(rng) : p_plus(static_cast<int64_t>(rng() % 64) - 40);
    if (i % 3 == 0) v[31] |= 0x80;
    // Random limbs equal to p's from the top down, then one that differs.
    if (i % 5 == 0) {
      v = p_plus(0);
      const int limb = static_cast<int>(rng() % 8);
      v[4 * limb + rng() % 4] = static_cast<uint8_t>(rng());
      if (rng() % 2) v[31] ^= 0x80;
    }
    U256 low = v;
    low[31] &= 0x7f;
    bad.check(ed::fe_bytes_canonical(v.data()) == F().less(low), [&] { return "fe_bytes_canonical " + hexb(v); });
  }
  EXPECT_EQ(bad.count(), 0u);
}

// fe_sqrt_ratio(x, u, v): true exactly when u/v is a square, and then v x^2 = u.
TEST(EdField, SqrtRatioExactlyForSquares) {
  SeededRng rng;
  const ModRef& P = F();
  static const Bn e22523 = bn_sub(bn_pow2(252).get(), bn_word(3).get());
  Mismatches bad;
  size_t squares = 0, first_root = 0, times_sqrtm1 = 0;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    U256 u = random_field_input(rng), v = random_field_input(rng);
    if (P.reduce(v) == U256{}) continue;  // v = 0 is outside the contract
    switch (i % 5) {
      case 1: {  // a square by construction: u = v w^2
        const U256 w = random_field_input(rng);
        u = P.mul(v, P.sqr(w));
        break;
      }
      case 2: {  // a non-square by construction: 2 is not a square (p = 5 mod 8)
        const U256 w = random_field_input(rng);
        u = P.mul(P.mul(v, P.sqr(w)), u256_word(2));
        if (P.reduce(w) == U256{}) u = P.mul(v, u256_word(2));
        break;
      }
      case 3:
        if (i % 30 == 3) u = U256{};
        break;
      default:
        break;
    }
    const U256 ratio = P.mul(u, P.inv(v));
    const bool is_sq = P.is_square(ratio);
    // Which branch the RFC 8032 formula takes: x0 = u v^3 (u v^7)^((p-5)/8).
    const U256 v3 = P.mul(P.sqr(v), v);
    const U256 x0 = P.mul(P.mul(u, v3), P.exp(P.mul(P.mul(P.sqr(v3), v), u), e22523.get()));
    const U256 vx0 = P.mul(v, P.sqr(x0));
    if (vx0 == P.reduce(u))
      ++first_root;
    else if (vx0 == P.neg(u))
      ++times_sqrtm1;
    // Weak forms of the same inputs.
    Fe fu = fe_of(u), fv = fe_of(v);
    if (rng() % 2 && P.less(u) && BN_num_bits(bn_add(bn_of(u).get(), P.m()).get()) <= 256)
      fu = fe_of(u256_of(bn_add(bn_of(u).get(), P.m())));
    Fe x{};
    const bool got = ed::fe_sqrt_ratio(x, fu, fv);
    squares += is_sq;
    auto what = [&] { return "fe_sqrt_ratio(" + hexv(u) + ", " + hexv(v) + ")"; };
    if (!bad.check(got == is_sq, what)) continue;
    if (got) {
      bad.check(P.mul(v, P.sqr(fe_val(x))) == P.reduce(u), what);
      U256 root{};
      bad.check(P.sqrt(ratio, &root) && (fe_val(x) == root || fe_val(x) == P.neg(root)), what);
    }
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(squares, n / 4u);
  EXPECT_LT(squares, 3u * n / 4u);
  // Both branches of the square root occurred.
  EXPECT_GT(first_root, n / 10u);
  EXPECT_GT(times_sqrtm1, n / 10u);
  // u = 0: x = 0.
  Fe x = ed::fe_one();
  ASSERT_TRUE(ed::fe_sqrt_ratio(x, ed::fe_zero(), ed::fe_one()));
  EXPECT_TRUE(ed::fe_is_zero(x));
  // -1 = sqrt(-1)^2 is a square here (p = 1 mod 4), 2 is not.
  ASSERT_TRUE(ed::fe_sqrt_ratio(x, fe_of(p_plus(-1)), ed::fe_one()));
  EXPECT_EQ(fe_val(ed::fe_sqr(x)), p_plus(-1));
  EXPECT_FALSE(ed::fe_sqrt_ratio(x, fe_of(u256_word(2)), ed::fe_one()));
}

// ---- scalars -------------------------------------------------------------------

U256 sc_raw(const Scalar& s) { return fe_raw(Fe{{s.n[0], s.n[1], s.n[2], s.n[3], s.n[4], s.n[5], s.n[6], s.n[7]}}); }
Scalar sc_of(const U256& v) { return ed::sc_from_bytes_raw(v.data()); }

// A (practically) uniform scalar in [0, L): 512 random bits mod L.
U256 random_scalar(std::mt19937_64& rng) { return N().reduce(random_bytes<64>(rng)); }

// libsodium's reduction of 64 bytes mod L.
U256 sodium_reduce(const B64& h) {
  U256 out{};
  crypto_core_ed25519_scalar_reduce(out.data(), h.data());
  return out;
}

TEST(EdScalar, Constants) {
  // L from its limbs.
  U256 l{};
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < 4; ++k) l[4 * i + k] = static_cast<uint8_t>(ed::order_limb(i) >> (8 * k));
  EXPECT_EQ(l, l_plus(0));
  EXPECT_EQ(BN_cmp(bn_of(l).get(), bn_add(bn_pow2(252).get(), bn_hex("14DEF9DEA2F79CD65812631A5CF5D3ED").get()).get()),
            0);
  // Barrett's mu = floor(2^512 / L), 9 limbs.
  std::array<uint8_t, 36> mu{};
  for (int i = 0; i < 9; ++i)
    for (int k = 0; k < 4; ++k) mu[4 * i + k] = static_cast<uint8_t>(ed::barrett_mu_limb(i) >> (8 * k));
  Bn want = bn_new(), rem = bn_new();
  ASSERT_EQ(BN_div(want.get(), rem.get(), bn_pow2(512).get(), N().m(), bn_ctx()), 1);
  EXPECT_EQ(BN_cmp(bn_le(mu.data(), mu.size()).get(), want.get()), 0) << hexv(mu.data(), mu.size());
}

TEST(EdScalar, BytesCanonicalExactlyBelowL) {
  SeededRng rng;
  const BIGNUM* l = N().m();
  EXPECT_TRUE(ed::sc_bytes_canonical(l_plus(-1).data()));
  EXPECT_FALSE(ed::sc_bytes_canonical(l_plus(0).data()));
  EXPECT_FALSE(ed::sc_bytes_canonical(l_plus(1).data()));
  EXPECT_FALSE(ed::sc_bytes_canonical(u256_of(bn_sub(bn_pow2(256).get(), bn_word(1).get())).data()));
  EXPECT_TRUE(ed::sc_bytes_canonical(U256{}.data()));
  EXPECT_TRUE(ed::sc_bytes_canonical(u256_of(bn_pow2(252)).data()));
  EXPECT_FALSE(ed::sc_bytes_canonical(u256_of(bn_pow2(253)).data()));
  std::vector<U256> values;
  for (int64_t k = -40; k <= 40; ++k) values.push_back(l_plus(k));
  // L +- 2^(32 i + j): the comparison decided at each limb, both ways.
  for (int bit = 0; bit < 253; ++bit) {
    values.push_back(u256_of(bn_add(l, bn_pow2(bit).get())));
    values.push_back(u256_of(bn_sub(l, bn_pow2(bit).get())));
  }
  for (int i = 0; i < 3000; ++i) {
    values.push_back(random_u256(rng));
    values.push_back(random_scalar(rng));
    U256 v = l_plus(0);  // L with one byte changed
    v[rng() % 32] = static_cast<uint8_t>(rng());
    values.push_back(v);
    U256 w = random_u256(rng);  // 253-bit values
    w[31] &= 0x1f;
    values.push_back(w);
  }
  Mismatches bad;
  size_t below = 0;
  for (const U256& v : values) {
    const bool want = N().less(v);
    below += want;
    bad.check(ed::sc_bytes_canonical(v.data()) == want, [&] { return "sc_bytes_canonical " + hexv(v); });
    bad.check(sc_raw(sc_of(v)) == v, [&] { return "sc_from_bytes_raw " + hexv(v); });
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(below, values.size() / 4);
  EXPECT_LT(below, 3 * values.size() / 4);
}

// How many final subtractions of L Barrett's estimate leaves for x (the
// quotient estimate of HAC 14.42 computed in BIGNUM).
int barrett_subtractions(const B64& x) {
  static const Bn mu = [] {
    Bn q = bn_new(), r = bn_new();
    EXPECT_EQ(BN_div(q.get(), r.get(), bn_pow2(512).get(), N().m(), bn_ctx()), 1);
    return q;
  }();
  Bn q1 = bn_rshift(bn_of(x).get(), 224);
  Bn q3 = bn_rshift(bn_mul(q1.get(), mu.get()).get(), 288);
  Bn r = bn_sub(bn_of(x).get(), bn_mul(q3.get(), N().m()).get());
  Bn k = bn_new(), rem = bn_new();
  EXPECT_EQ(BN_div(k.get(), rem.get(), r.get(), N().m(), bn_ctx()), 1);
  return static_cast<int>(BN_get_word(k.get()));
}

void check_reduce(Mismatches& bad, const B64& x, int* subtractions = nullptr) {
  const U256 want = N().reduce(x);
  const U256 got = sc_raw(ed::sc_reduce512(x.data()));
  bad.check(got == want, [&] { return "sc_reduce512(" + hexv(x) + ") = " + hexv(got) + ", want " + hexv(want); });
  bad.check(sodium_reduce(x) == want, [&] { return "libsodium scalar_reduce disagrees with BIGNUM " + hexv(x); });
  if (subtractions) ++subtractions[barrett_subtractions(x)];
}

std::vector<B64> reduce_edges() {
  const BIGNUM* l = N().m();
  std::vector<B64> v;
  const Bn top = bn_sub(bn_pow2(512).get(), bn_word(1).get());  // 2^512 - 1
  Bn kmax = bn_new(), rem = bn_new();
  EXPECT_EQ(BN_div(kmax.get(), rem.get(), top.get(), l, bn_ctx()), 1);
  for (uint64_t w : {0ull, 1ull, 2ull}) v.push_back(b64_of(bn_word(w)));
  for (int64_t k : {-1, 0, 1}) {
    v.push_back(b64_of(bn_add_i(l, k)));
    v.push_back(b64_of(bn_add_i(bn_add(l, l).get(), k)));
  }
  // k L + {-1, 0, 1, L - 1} for k from 3 to the largest multiple below 2^512.
  std::vector<Bn> ks;
  for (uint64_t k : {3ull, 7ull, 8ull, 0xFFFFFFFFull, 0x100000000ull}) ks.push_back(bn_word(k));
  for (int e : {64, 128, 200, 224, 256, 259}) {
    ks.push_back(bn_pow2(e));
    ks.push_back(bn_add_i(bn_pow2(e).get(), -1));
  }
  ks.push_back(bn_add_i(kmax.get(), -1));
  ks.push_back(bn_add_i(kmax.get(), 0));
  for (const Bn& k : ks) {
    const Bn kl = bn_mul(k.get(), l);
    for (int64_t d : {-1, 0, 1}) {
      Bn x = bn_add_i(kl.get(), d);
      if (BN_num_bits(x.get()) <= 512) v.push_back(b64_of(x));
    }
    Bn x = bn_add(kl.get(), bn_add_i(l, -1).get());
    if (BN_num_bits(x.get()) <= 512) v.push_back(b64_of(x));
  }
  v.push_back(b64_of(top));
  v.push_back(b64_of(bn_sub(top.get(), rem.get())));  // the largest multiple of L
  for (int e : {252, 253, 255, 256, 288, 300, 448, 480, 511}) {
    v.push_back(b64_of(bn_pow2(e)));
    v.push_back(b64_of(bn_add_i(bn_pow2(e).get(), -1)));
  }
  // Limb patterns.
  B64 x;
  x.fill(0xff);
  for (int i = 0; i < 28; ++i) x[i] = 0;
  v.push_back(x);  // the high limbs all ones, the low 7 zero
  x.fill(0);
  for (int i = 0; i < 28; ++i) x[i] = 0xff;
  v.push_back(x);  // only the limbs Barrett's q1 drops
  x.fill(0xff);
  x[63] = 0x7f;
  v.push_back(x);
  return v;
}

TEST(EdScalar, Reduce512EdgesAgainstBignumAndLibsodium) {
  Mismatches bad;
  int subtractions[4] = {};
  const std::vector<B64> edges = reduce_edges();
  ASSERT_GE(edges.size(), 80u);
  for (const B64& x : edges) check_reduce(bad, x, subtractions);
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(subtractions[1], 0);
}

TEST(EdScalar, Reduce512RandomAgainstBignumAndLibsodium) {
  SeededRng rng;
  Mismatches bad;
  int subtractions[4] = {};
  for (int i = 0; i < 20000; ++i) {
    B64 x = random_bytes<64>(rng);
    switch (i % 4) {
      case 1:  // the low limbs Barrett drops all ones
        for (int k = 0; k < 28; ++k) x[k] = 0xff;
        break;
      case 2: {  // k L + (L - 1 - small) with k random: just below a multiple of L
        Bn k = bn_le(x.data(), 32);
        Bn y = bn_sub(bn_mul(bn_add_i(k.get(), 1).get(), N().m()).get(), bn_word(1 + rng() % 1000).get());
        x = b64_of(y);
        break;
      }
      case 3:  // 256-bit values
        for (int k = 32; k < 64; ++k) x[k] = 0;
        break;
      default:
        break;
    }
    check_reduce(bad, x, subtractions);
  }
  EXPECT_EQ(bad.count(), 0u);
  // The estimate is exact or one short (two short is possible in general but
  // not for L: mu's fraction 2^512/L - mu is about 0.22, so the error stays below 2).
  EXPECT_GT(subtractions[0], 1000);
  EXPECT_GT(subtractions[1], 1000);
}

TEST(EdScalar, BitsAndBit) {
  SeededRng rng;
  Mismatches bad;
  for (int t = 0; t < 200; ++t) {
    U256 v = random_u256(rng);
    if (t == 0) v.fill(0xff);
    if (t == 1) v.fill(0);
    if (t == 2) v = l_plus(-1);
    const Scalar s = sc_of(v);
    const Bn b = bn_of(v);
    for (int i = 0; i < 256; ++i) {
      const uint32_t want = BN_is_bit_set(b.get(), i) ? 1u : 0u;
      bad.check(ed::sc_bit(s, i) == want, [&] { return "sc_bit(" + hexv(v) + ", " + std::to_string(i) + ")"; });
      for (int count = 1; count <= 16 && i + count <= 256; ++count) {
        uint32_t w = 0;
        for (int k = count - 1; k >= 0; --k) w = (w << 1) | (BN_is_bit_set(b.get(), i + k) ? 1u : 0u);
        bad.check(ed::sc_bits(s, i, count) == w,
                  [&] { return "sc_bits(" + hexv(v) + ", " + std::to_string(i) + ", " + std::to_string(count) + ")"; });
      }
    }
  }
  EXPECT_EQ(bad.count(), 0u);
}

// ---- SHA-512 -------------------------------------------------------------------

B64 openssl_sha512(const std::vector<uint8_t>& data) {
  B64 out{};
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha512(), nullptr), 1);
  EXPECT_EQ(len, 64u);
  return out;
}

TEST(EdSha512, DigestPrefixedMatchesOpenSsl) {
  SeededRng rng;
  std::vector<uint64_t> lengths;
  for (uint64_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (uint64_t n : {1000ull, 4096ull, 100000ull}) lengths.push_back(n);
  // 64 + len = 111, 112, 127, 128 (mod 128): the last byte that leaves room for
  // the length in the same block, the first that does not, a full block, and
  // around them, for several block counts.
  for (uint64_t blocks = 0; blocks < 12; ++blocks) {
    for (uint64_t r : {110ull, 111ull, 112ull, 113ull, 126ull, 127ull, 128ull, 129ull}) {
      const uint64_t total = blocks * 128 + r;
      if (total >= 64) lengths.push_back(total - 64);
    }
  }
  std::vector<uint8_t> buf(100000 + 8);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  Mismatches bad;
  for (uint64_t len : lengths) {
    const B64 prefix = random_bytes<64>(rng);
    for (size_t offset : {size_t{0}, size_t{3}}) {  // msg unaligned too
      const uint8_t* msg = buf.data() + offset;
      std::vector<uint8_t> all(prefix.begin(), prefix.end());
      all.insert(all.end(), msg, msg + len);
      B64 got{};
      vigil::sha512::digest_prefixed(got.data(), prefix.data(), len == 0 ? nullptr : msg, len);
      bad.check(got == openssl_sha512(all), [&] { return "digest_prefixed, len " + std::to_string(len); });
    }
  }
  EXPECT_EQ(bad.count(), 0u);
  // A known answer: SHA-512 of 64 zero bytes (prefix) and "abc".
  const B64 zeros{};
  const uint8_t abc[3] = {'a', 'b', 'c'};
  std::vector<uint8_t> all(64, 0);
  all.insert(all.end(), abc, abc + 3);
  B64 got{};
  vigil::sha512::digest_prefixed(got.data(), zeros.data(), abc, 3);
  B64 want{};
  crypto_hash_sha512(want.data(), all.data(), all.size());
  EXPECT_EQ(got, want);
}

// ---- wNAF ----------------------------------------------------------------------

// Scalars below 2^253 that stress the recoding: small, around L and 2^252,
// the largest 253-bit value, long runs of ones and alternating bits.
std::vector<U256> ecmult_scalar_edges() {
  std::vector<U256> v;
  for (uint64_t w : {0ull, 1ull, 2ull, 3ull, 15ull, 16ull, 17ull, 31ull, 0xFFFFull, 0x7FFull, 0x800ull, 0xFFFull})
    v.push_back(u256_word(w));
  for (int64_t k : {-1, -2, -3}) v.push_back(l_plus(k));
  v.push_back(u256_of(bn_pow2(252)));
  v.push_back(u256_of(bn_add_i(bn_pow2(252).get(), -1)));
  v.push_back(u256_of(bn_add_i(bn_pow2(252).get(), 1)));
  v.push_back(u256_of(bn_add_i(bn_pow2(253).get(), -1)));  // 253 ones: above L, allowed by the recoding
  v.push_back(u256_of(bn_add_i(bn_pow2(128).get(), -1)));
  // Runs of ones: bits [lo, hi).
  for (auto [lo, hi] :
       std::vector<std::pair<int, int>>{{0, 64}, {3, 100}, {100, 252}, {200, 253}, {1, 252}, {240, 252}}) {
    Bn x = bn_new();
    BN_zero(x.get());
    for (int i = lo; i < hi; ++i) EXPECT_EQ(BN_set_bit(x.get(), i), 1);
    v.push_back(u256_of(x));
  }
  U256 alt;
  alt.fill(0x55);
  alt[31] = 0x15;
  v.push_back(alt);
  alt.fill(0xAA);
  alt[31] = 0x0A;
  v.push_back(alt);
  U256 pat;  // runs of 11 ones separated by one zero (carries ripple through each window)
  pat.fill(0);
  for (int i = 0; i < 253; ++i)
    if (i % 12 != 11) pat[i / 8] |= static_cast<uint8_t>(1 << (i % 8));
  v.push_back(pat);
  return v;
}

TEST(EdWnaf, DigitsReconstructAndAreSparse) {
  SeededRng rng;
  std::vector<U256> scalars = ecmult_scalar_edges();
  for (int i = 0; i < 600; ++i) {
    scalars.push_back(random_scalar(rng));
    U256 v = random_u256(rng);
    v[31] &= 0x1f;  // below 2^253
    scalars.push_back(v);
  }
  Mismatches bad;
  for (int w : {2, 3, 4, 5, 6, 8, 10, 12, ed::kWindowB, 16}) {
    for (const U256& v : scalars) {
      int16_t d[ed::kWnafBits];
      const int len = ed::wnaf(d, sc_of(v), w);
      auto what = [&](const char* m) {
        return [&, m] { return std::string(m) + ": w " + std::to_string(w) + ", s " + hexv(v); };
      };
      const WnafReading r = read_wnaf(d, ed::kWnafBits, w);
      bad.check(r.shape_ok, what("digits odd, below 2^(w-1) in size, w apart"));
      bad.check(len == r.last + 1, what("returned length"));
      bad.check(BN_cmp(r.value.get(), bn_of(v).get()) == 0, what("digits reconstruct the scalar"));
    }
  }
  EXPECT_EQ(bad.count(), 0u);
}

// ---- group: references ---------------------------------------------------------

struct Aff {  // affine coordinates, canonical
  U256 x, y;
  bool operator==(const Aff&) const = default;
};

bool aff_on_curve(const Aff& a) {
  const ModRef& P = F();
  const U256 xx = P.sqr(a.x), yy = P.sqr(a.y);
  return P.sub(yy, xx) == P.add(u256_word(1), P.mul(d_ref(), P.mul(xx, yy)));
}
U256 aff_encode(const Aff& a) {
  U256 out = a.y;
  out[31] = static_cast<uint8_t>(out[31] | ((a.x[0] & 1) << 7));
  return out;
}
// ZIP-215's decoding in BIGNUM: y is the low 255 bits mod p; x^2 = (y^2 - 1) /
// (d y^2 + 1) must be a square; x is negated when its parity differs from bit
// 255 (-0 = 0).
bool aff_decode(const U256& s, Aff* out) {
  const ModRef& P = F();
  U256 y = s;
  y[31] &= 0x7f;
  y = P.reduce(y);
  const U256 yy = P.sqr(y);
  const U256 u = P.sub(yy, u256_word(1)), v = P.add(P.mul(d_ref(), yy), u256_word(1));
  U256 x;
  if (!P.sqrt(P.mul(u, P.inv(v)), &x)) return false;
  if ((x[0] & 1) != (s[31] >> 7)) x = P.neg(x);
  *out = Aff{x, y};
  return true;
}

Aff aff_xy(const Fe& X, const Fe& Zx, const Fe& Y, const Fe& Zy) {
  const ModRef& P = F();
  const U256 zx = P.reduce(fe_raw(Zx)), zy = P.reduce(fe_raw(Zy));
  EXPECT_NE(zx, U256{});
  EXPECT_NE(zy, U256{});
  return Aff{P.mul(fe_raw(X), P.inv(zx)), P.mul(fe_raw(Y), P.inv(zy))};
}
Aff aff_of(const GeP3& p) { return aff_xy(p.X, p.Z, p.Y, p.Z); }
Aff aff_of(const GeP1P1& p) { return aff_xy(p.X, p.Z, p.Y, p.T); }
// Extended coordinates are consistent: X Y = Z T.
bool ext_ok(const GeP3& p) {
  return F().mul(fe_raw(p.X), fe_raw(p.Y)) == F().mul(fe_raw(p.Z), fe_raw(p.T)) && F().reduce(fe_raw(p.Z)) != U256{};
}
GeP3 ge_of(const Aff& a) { return GeP3{fe_of(a.x), fe_of(a.y), ed::fe_one(), fe_of(F().mul(a.x, a.y))}; }
GeP3 ge_of_enc(const U256& s) {
  Aff a;
  EXPECT_TRUE(aff_decode(s, &a)) << hexb(s);
  return ge_of(a);
}

// A random representative in [0, 2^256) of the class of v.
U256 weak_rep(const U256& v, std::mt19937_64& rng) {
  Bn x = F().mod(bn_of(v).get());
  for (int k = static_cast<int>(rng() % 3); k > 0; --k) {
    Bn y = bn_add(x.get(), F().m());
    if (BN_num_bits(y.get()) > 256) break;
    x = std::move(y);
  }
  return u256_of(x);
}
// The same point with its coordinates times a random z, in weak form.
GeP3 rescaled(const GeP3& p, std::mt19937_64& rng) {
  const ModRef& P = F();
  U256 z;
  do z = random_u256(rng);
  while (P.reduce(z) == U256{});
  auto f = [&](const Fe& c) { return fe_of(weak_rep(P.mul(fe_raw(c), z), rng)); };
  return GeP3{f(p.X), f(p.Y), f(p.Z), f(p.T)};
}

U256 enc(const GeP2& p) {
  U256 out;
  ed::ge_to_bytes(out.data(), p);
  return out;
}
U256 enc(const GeP3& p) { return enc(ed::ge_p3_to_p2(p)); }
U256 enc(const GeP1P1& p) { return enc(ed::ge_p1p1_to_p3(p)); }

// libsodium's point operations. crypto_core_ed25519_add/_sub decode their
// operands as ZIP-215 does (any y mod p, x = 0 with the sign bit set, any order)
// and return canonical encodings.
U256 identity_enc() {
  U256 e{};
  e[0] = 1;
  return e;
}
bool sod_canon(const U256& s, U256* out) {
  return crypto_core_ed25519_add(out->data(), s.data(), identity_enc().data()) == 0;
}
U256 sod_add(const U256& a, const U256& b) {
  U256 r{};
  EXPECT_EQ(crypto_core_ed25519_add(r.data(), a.data(), b.data()), 0) << hexb(a) << " + " << hexb(b);
  return r;
}
U256 sod_sub(const U256& a, const U256& b) {
  U256 r{};
  EXPECT_EQ(crypto_core_ed25519_sub(r.data(), a.data(), b.data()), 0) << hexb(a) << " - " << hexb(b);
  return r;
}
U256 sod_mul8(U256 a) {
  for (int i = 0; i < 3; ++i) a = sod_add(a, a);
  return a;
}
// (s mod L) B for any 256-bit s (libsodium refuses a result at the identity).
U256 sod_base(const U256& s) {
  const U256 r = N().reduce(s);
  if (r == U256{}) return identity_enc();
  U256 out{};
  EXPECT_EQ(crypto_scalarmult_ed25519_base_noclamp(out.data(), r.data()), 0) << hexv(s);
  return out;
}
// (s mod L) Q for Q in the prime-order subgroup.
U256 sod_mul(const U256& q, const U256& s) {
  const U256 r = N().reduce(s);
  if (r == U256{} || q == identity_enc()) return identity_enc();
  U256 out{};
  EXPECT_EQ(crypto_scalarmult_ed25519_noclamp(out.data(), r.data(), q.data()), 0) << hexv(s) << " * " << hexb(q);
  return out;
}

// The eight torsion points, from their equations: on -x^2 + y^2 = 1 + d x^2 y^2,
// order 2 is (0, -1), order 4 (+-sqrt(-1), 0), and order 8 has 2P of order 4,
// i.e. y^2 = -x^2, so d y^4 + 2 y^2 - 1 = 0: y^2 = (-1 +- sqrt(1 + d)) / d.
struct Torsion {
  Aff t8;                // one point of order 8
  std::vector<Aff> all;  // the eight points
  U256 mult[9];          // k t8 for k = 0..8, by libsodium's additions
};
const Torsion& torsion() {
  static const Torsion t = [] {
    Torsion r;
    const ModRef& P = F();
    const U256 d = d_ref(), i = sqrtm1_ref(), one = u256_word(1);
    r.all = {Aff{U256{}, one}, Aff{U256{}, P.neg(one)}, Aff{i, U256{}}, Aff{P.neg(i), U256{}}};
    U256 s{};
    EXPECT_TRUE(P.sqrt(P.add(one, d), &s));
    int found = 0;
    for (const U256& c : {P.mul(P.sub(s, one), P.inv(d)), P.mul(P.neg(P.add(s, one)), P.inv(d))}) {
      U256 y;
      if (!P.sqrt(c, &y)) continue;
      const U256 x = P.mul(y, i);  // x^2 = -y^2
      if (found++ == 0) r.t8 = Aff{x, y};
      for (const U256& xs : {x, P.neg(x)})
        for (const U256& ys : {y, P.neg(y)}) r.all.push_back(Aff{xs, ys});
    }
    EXPECT_EQ(found, 1);
    r.mult[0] = identity_enc();
    for (int k = 1; k <= 8; ++k) r.mult[k] = sod_add(r.mult[k - 1], aff_encode(r.t8));
    return r;
  }();
  return t;
}

// k t8 (k mod 8).
const U256& torsion_enc(uint64_t k) { return torsion().mult[k % 8]; }

// s * A by double-and-add over all 256 bits of s, from ge_dbl and ge_add alone.
GeP3 ref_mul(const GeP3& a, const U256& s) {
  const GeCached ca = ed::ge_p3_to_cached(a);
  GeP3 acc = ed::ge_identity();
  for (int i = 255; i >= 0; --i) {
    acc = ed::ge_p1p1_to_p3(ed::ge_dbl(ed::ge_p3_to_p2(acc)));
    if ((s[i / 8] >> (i % 8)) & 1) acc = ed::ge_p1p1_to_p3(ed::ge_add(acc, ca));
  }
  return acc;
}

// A point m B + t T8 with its parts known, so that any multiple of it can be
// computed by libsodium: s (m B + t T8) = s m B + (s t mod 8) T8.
struct KnownPoint {
  U256 m;
  uint64_t t;
  U256 enc;
};
KnownPoint known_point(const U256& m, uint64_t t) { return KnownPoint{m, t % 8, sod_add(sod_base(m), torsion_enc(t))}; }
KnownPoint random_known_point(std::mt19937_64& rng, bool mixed) {
  return known_point(random_scalar(rng), mixed ? rng() % 8 : 0);
}
U256 known_mul(const KnownPoint& a, const U256& s) {
  return sod_add(sod_mul(sod_base(a.m), s), torsion_enc((s[0] % 8) * a.t));
}

// ---- group ---------------------------------------------------------------------

TEST(EdGroup, BasePointFromItsDefinition) {
  const ModRef& P = F();
  const GeP3 b = ed::ge_base();
  const Aff a = aff_of(b);
  EXPECT_EQ(a.y, P.mul(u256_word(4), P.inv(u256_word(5))));  // y = 4/5
  EXPECT_EQ(a.x[0] & 1, 0);                                  // x even
  EXPECT_TRUE(aff_on_curve(a));
  EXPECT_TRUE(ext_ok(b));
  EXPECT_EQ(enc(b), sod_base(u256_word(1)));
  EXPECT_TRUE(ed::ge_is_identity(ed::ge_p3_to_p2(ed::ge_identity())));
  EXPECT_EQ(enc(ed::ge_identity()), identity_enc());
}

TEST(EdGroup, TorsionPoints) {
  const Torsion& t = torsion();
  ASSERT_EQ(t.all.size(), 8u);
  std::set<U256> encs;
  for (const Aff& a : t.all) {
    EXPECT_TRUE(aff_on_curve(a)) << hexb(aff_encode(a));
    encs.insert(aff_encode(a));
  }
  EXPECT_EQ(encs.size(), 8u);
  // libsodium's multiples of t8: order exactly 8, 4 t8 = (0, -1).
  EXPECT_EQ(t.mult[8], identity_enc());
  EXPECT_EQ(t.mult[4], aff_encode(Aff{U256{}, p_plus(-1)}));
  EXPECT_EQ(std::set<U256>(t.mult, t.mult + 8), encs);
  // Our own multiples: k t8 by repeated ge_add, and every sum, difference and double.
  GeP3 m[8];
  m[0] = ed::ge_identity();
  const GeCached c8 = ed::ge_p3_to_cached(ge_of(t.t8));
  for (int k = 1; k < 8; ++k) m[k] = ed::ge_p1p1_to_p3(ed::ge_add(m[k - 1], c8));
  const GeP3 m8 = ed::ge_p1p1_to_p3(ed::ge_add(m[7], c8));
  EXPECT_TRUE(ed::ge_is_identity(ed::ge_p3_to_p2(m8)));
  EXPECT_TRUE(ed::fe_is_zero(m[4].X));
  EXPECT_TRUE(ed::fe_equal(m[4].Y, ed::fe_neg(m[4].Z)));
  EXPECT_TRUE(ed::fe_is_zero(m[2].Y) && ed::fe_is_zero(m[6].Y));  // order 4: y = 0
  std::mt19937_64 rng(8);
  for (int j = 0; j < 8; ++j) {
    SCOPED_TRACE("j = " + std::to_string(j));
    EXPECT_EQ(enc(m[j]), t.mult[j]);
    EXPECT_TRUE(ext_ok(m[j]));
    EXPECT_EQ(enc(ed::ge_dbl(ed::ge_p3_to_p2(m[j]))), t.mult[(2 * j) % 8]);
    const GeP3 mj = rescaled(m[j], rng);
    for (int k = 0; k < 8; ++k) {
      SCOPED_TRACE("k = " + std::to_string(k));
      const GeP3 mk = rescaled(m[k], rng);
      const GeCached ck = ed::ge_p3_to_cached(mk);
      const GeNiels nk = ed::niels_from_p3(mk);
      EXPECT_EQ(enc(ed::ge_add(mj, ck)), t.mult[(j + k) % 8]);
      EXPECT_EQ(enc(ed::ge_sub(mj, ck)), t.mult[(j + 8 - k) % 8]);
      EXPECT_EQ(enc(ed::ge_madd(mj, nk)), t.mult[(j + k) % 8]);
      EXPECT_EQ(enc(ed::ge_msub(mj, nk)), t.mult[(j + 8 - k) % 8]);
      EXPECT_EQ(sod_add(t.mult[j], t.mult[k]), t.mult[(j + k) % 8]);
    }
  }
}

TEST(EdGroup, DecodeRoundTripsLibsodiumPoints) {
  SeededRng rng;
  Mismatches bad;
  size_t valid = 0;
  for (int i = 0; i < 600; ++i) {
    const uint64_t tors = i % 2 ? rng() % 8 : 0;  // half of them mixed-order
    U256 m = random_scalar(rng);
    if (i == 0) m = u256_word(1);
    if (i == 2) m = l_plus(-1);
    const KnownPoint k = known_point(m, tors);
    GeP3 r;
    auto what = [&] { return "ge_decode " + hexb(k.enc); };
    if (!bad.check(ed::ge_decode(r, k.enc.data()), what)) continue;
    bad.check(enc(r) == k.enc, what);
    bad.check(ext_ok(r), what);
    Aff a;
    bad.check(aff_decode(k.enc, &a) && aff_of(r) == a && aff_on_curve(a), what);
    // libsodium's is_valid_point: canonical, not small order, in the prime-order subgroup.
    const bool is_valid = crypto_core_ed25519_is_valid_point(k.enc.data()) == 1;
    valid += is_valid;
    bad.check(is_valid == (tors == 0), what);
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(valid, 300u);
}

// Arbitrary 32 bytes: ge_decode succeeds exactly when the BIGNUM decoding and
// libsodium's (crypto_core_ed25519_add with the identity) do, to the same point.
TEST(EdGroup, DecodeMatchesReferencesOnArbitraryBytes) {
  SeededRng rng;
  std::vector<U256> inputs;
  for (int i = 0; i < 2000; ++i) inputs.push_back(random_u256(rng));
  for (uint64_t y = 0; y < 64; ++y) {
    for (const uint8_t sign : std::array<uint8_t, 2>{0x00, 0x80}) {
      U256 s = u256_word(y);
      s[31] |= sign;
      inputs.push_back(s);
      s = p_plus(-1 - static_cast<int64_t>(y));
      s[31] |= sign;
      inputs.push_back(s);
      if (y < 19) {
        s = p_plus(static_cast<int64_t>(y));
        s[31] |= sign;
        inputs.push_back(s);
      }
    }
  }
  for (int i = 0; i < 300; ++i) {  // valid points with one bit flipped
    U256 s = random_known_point(rng, i % 2).enc;
    s[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
    inputs.push_back(s);
  }
  for (const Aff& a : torsion().all) {
    inputs.push_back(aff_encode(a));
    U256 s = aff_encode(a);
    s[31] ^= 0x80;
    inputs.push_back(s);
  }
  Mismatches bad;
  size_t decoded = 0, random_decoded = 0, valid = 0, subgroup_checked = 0;
  for (size_t idx = 0; idx < inputs.size(); ++idx) {
    const U256& s = inputs[idx];
    Aff ref;
    const bool ref_ok = aff_decode(s, &ref);
    U256 sod{};
    const bool sod_ok = sod_canon(s, &sod);
    GeP3 r;
    const bool ok = ed::ge_decode(r, s.data());
    auto what = [&](const char* m) { return [&, m] { return std::string(m) + ": " + hexb(s); }; };
    bad.check(ok == ref_ok, what("ge_decode verdict vs BIGNUM"));
    bad.check(ok == sod_ok, what("ge_decode verdict vs libsodium"));
    decoded += ok;
    if (idx < 2000) random_decoded += ok;
    if (ok && ref_ok && sod_ok) {
      bad.check(aff_of(r) == ref, what("decoded point vs BIGNUM"));
      bad.check(enc(r) == sod && enc(r) == aff_encode(ref), what("re-encoding vs libsodium"));
      bad.check(ext_ok(r) && aff_on_curve(aff_of(r)), what("decoded point on the curve, T = XY/Z"));
    }
    // is_valid_point adds canonical y, not small order, prime-order subgroup.
    const bool is_valid = crypto_core_ed25519_is_valid_point(s.data()) == 1;
    valid += is_valid;
    if (is_valid) bad.check(ok, what("libsodium valid, ge_decode fails"));
    if (ok && ed::fe_bytes_canonical(s.data()) && !ed::has_small_order_encoding(s.data())) {
      ++subgroup_checked;
      const bool in_subgroup = ed::ge_is_identity(ed::ge_p3_to_p2(ref_mul(r, l_plus(0))));
      bad.check(is_valid == in_subgroup, what("is_valid_point vs L P = 0"));
    }
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(random_decoded, 700u);  // about half of the random strings
  EXPECT_LT(random_decoded, 1300u);
  EXPECT_GT(valid, 100u);
  EXPECT_GT(subgroup_checked, 1000u);
  EXPECT_GT(decoded, 0u);
}

// ZIP-215: y in [p, 2^255) -- y + p for y in 0..18, all the non-canonical
// encodings -- decodes to the point of y.
TEST(EdGroup, Zip215NonCanonicalY) {
  int on_curve = 0;
  for (int64_t y = 0; y < 19; ++y) {
    for (const uint8_t sign : std::array<uint8_t, 2>{0x00, 0x80}) {
      SCOPED_TRACE("y = " + std::to_string(y) + (sign ? ", sign bit set" : ""));
      U256 canon = u256_word(static_cast<uint64_t>(y)), non = p_plus(y);
      canon[31] |= sign;
      non[31] |= sign;
      EXPECT_FALSE(ed::fe_bytes_canonical(non.data()));
      Aff ref;
      const bool ref_ok = aff_decode(canon, &ref);
      GeP3 rc, rn;
      const bool ok_c = ed::ge_decode(rc, canon.data());
      const bool ok_n = ed::ge_decode(rn, non.data());
      EXPECT_EQ(ok_c, ref_ok);
      EXPECT_EQ(ok_n, ref_ok);
      U256 sod{};
      EXPECT_EQ(sod_canon(non, &sod), ref_ok);
      if (ref_ok && ok_c && ok_n) {
        on_curve += sign == 0;
        EXPECT_EQ(aff_of(rn), ref);
        EXPECT_EQ(aff_of(rc), ref);
        EXPECT_EQ(enc(rn), enc(rc));
        EXPECT_EQ(enc(rn), sod);
        EXPECT_TRUE(ext_ok(rn));
      }
    }
  }
  EXPECT_EQ(on_curve, 12);  // y = 0 (order 4), 1 (the identity), 3, 4, 5, 6, 9, 10, 14, 15, 16, 18
  GeP3 r;
  ASSERT_TRUE(ed::ge_decode(r, p_plus(1).data()));  // p + 1: the identity
  EXPECT_TRUE(ed::ge_is_identity(ed::ge_p3_to_p2(r)));
  ASSERT_TRUE(ed::ge_decode(r, p_plus(0).data()));  // p: y = 0, x = +-sqrt(-1)
  EXPECT_TRUE(ed::fe_is_zero(r.Y));
}

// ZIP-215: x = 0 with the sign bit set decodes to the point with x = 0.
TEST(EdGroup, Zip215NegativeZero) {
  for (const U256& y : {u256_word(1), p_plus(1), p_plus(-1)}) {
    SCOPED_TRACE(hexv(y));
    U256 s = y;
    s[31] |= 0x80;
    GeP3 r;
    ASSERT_TRUE(ed::ge_decode(r, s.data()));
    EXPECT_TRUE(ed::fe_is_zero(r.X));
    EXPECT_TRUE(ext_ok(r));
    U256 plain = F().reduce(y);
    EXPECT_EQ(enc(r), plain);  // re-encoded with the sign bit clear
    U256 sod{};
    ASSERT_TRUE(sod_canon(s, &sod));
    EXPECT_EQ(enc(r), sod);
  }
  U256 id = identity_enc();
  id[31] |= 0x80;
  GeP3 r;
  ASSERT_TRUE(ed::ge_decode(r, id.data()));
  EXPECT_TRUE(ed::ge_is_identity(ed::ge_p3_to_p2(r)));
}

void check_ops(Mismatches& bad, const KnownPoint& p, const KnownPoint& q, std::mt19937_64& rng) {
  const GeP3 gp = rescaled(ge_of_enc(p.enc), rng), gq = rescaled(ge_of_enc(q.enc), rng);
  const GeCached cq = ed::ge_p3_to_cached(gq);
  const GeNiels nq = ed::niels_from_p3(gq);
  const U256 sum = sod_add(p.enc, q.enc), diff = sod_sub(p.enc, q.enc);
  auto what = [&](const char* op) {
    return [&, op] { return std::string(op) + "(" + hexb(p.enc) + ", " + hexb(q.enc) + ")"; };
  };
  const GeP1P1 add = ed::ge_add(gp, cq);
  bad.check(aff_encode(aff_of(add)) == sum, what("ge_add (completed)"));
  bad.check(enc(ed::ge_p1p1_to_p2(add)) == sum, what("ge_add (projective)"));
  const GeP3 add3 = ed::ge_p1p1_to_p3(add);
  bad.check(enc(add3) == sum && ext_ok(add3), what("ge_add (extended)"));
  bad.check(enc(ed::ge_sub(gp, cq)) == diff && ext_ok(ed::ge_p1p1_to_p3(ed::ge_sub(gp, cq))), what("ge_sub"));
  bad.check(enc(ed::ge_madd(gp, nq)) == sum && ext_ok(ed::ge_p1p1_to_p3(ed::ge_madd(gp, nq))), what("ge_madd"));
  bad.check(enc(ed::ge_msub(gp, nq)) == diff && ext_ok(ed::ge_p1p1_to_p3(ed::ge_msub(gp, nq))), what("ge_msub"));
  bad.check(enc(ed::ge_add(gp, ed::ge_cached_neg(cq))) == diff, what("ge_cached_neg"));
  bad.check(enc(ed::ge_madd(gp, ed::ge_niels_neg(nq))) == diff, what("ge_niels_neg"));
  const GeP3 dbl = ed::ge_p1p1_to_p3(ed::ge_dbl(ed::ge_p3_to_p2(gp)));
  bad.check(enc(dbl) == sod_add(p.enc, p.enc) && ext_ok(dbl), what("ge_dbl"));
  bad.check(enc(ed::ge_p1p1_to_p2(ed::ge_dbl(ed::ge_p3_to_p2(gp)))) == sod_add(p.enc, p.enc),
            what("ge_dbl (projective)"));
  const GeP3 neg = ed::ge_neg(gp);
  bad.check(enc(neg) == sod_sub(identity_enc(), p.enc) && ext_ok(neg), what("ge_neg"));
  // The Niels form of q: (y + x, y - x, 2 d x y), fully reduced.
  const Aff a = aff_of(gq);
  const ModRef& P = F();
  bad.check(fe_raw(nq.yplusx) == P.add(a.y, a.x) && fe_raw(nq.yminusx) == P.sub(a.y, a.x) &&
                fe_raw(nq.xy2d) == P.mul(P.mul(a.x, a.y), P.add(d_ref(), d_ref())),
            what("niels_from_p3"));
}

TEST(EdGroup, OperationsMatchLibsodium) {
  SeededRng rng;
  Mismatches bad;
  for (int i = 0; i < 400; ++i) {
    const KnownPoint p = random_known_point(rng, i % 2), q = random_known_point(rng, i % 3 == 0);
    check_ops(bad, p, q, rng);
    check_ops(bad, p, p, rng);                                   // doubling through add
    check_ops(bad, p, known_point(N().neg(p.m), 8 - p.t), rng);  // P + (-P)
    check_ops(bad, p, known_point(U256{}, rng() % 8), rng);      // a torsion point
    check_ops(bad, known_point(U256{}, rng() % 8), known_point(U256{}, rng() % 8), rng);
  }
  EXPECT_EQ(bad.count(), 0u);
}

// The formulas are complete: the identity, P + (-P), P + P through ge_add.
TEST(EdGroup, CompleteOnSpecialPairs) {
  SeededRng rng;
  Mismatches bad;
  for (int i = 0; i < 200; ++i) {
    const KnownPoint kp = random_known_point(rng, i % 2);
    const GeP3 p = rescaled(ge_of_enc(kp.enc), rng), p2 = rescaled(ge_of_enc(kp.enc), rng);
    const GeP3 id = rescaled(ed::ge_identity(), rng);
    auto what = [&](const char* m) { return [&, m] { return std::string(m) + ": " + hexb(kp.enc); }; };
    bad.check(enc(ed::ge_add(p, ed::ge_p3_to_cached(id))) == kp.enc, what("P + 0"));
    bad.check(enc(ed::ge_add(id, ed::ge_p3_to_cached(p))) == kp.enc, what("0 + P"));
    bad.check(enc(ed::ge_madd(id, ed::niels_from_p3(p))) == kp.enc, what("0 + P (madd)"));
    bad.check(enc(ed::ge_madd(p, ed::niels_from_p3(id))) == kp.enc, what("P + 0 (madd)"));
    bad.check(ed::ge_is_identity(ed::ge_p1p1_to_p2(ed::ge_sub(p, ed::ge_p3_to_cached(p2)))), what("P - P"));
    bad.check(ed::ge_is_identity(ed::ge_p1p1_to_p2(ed::ge_add(p, ed::ge_p3_to_cached(ed::ge_neg(p2))))),
              what("P + (-P)"));
    bad.check(ed::ge_is_identity(ed::ge_p1p1_to_p2(ed::ge_msub(p, ed::niels_from_p3(p2)))), what("P - P (msub)"));
    const U256 twice = enc(ed::ge_dbl(ed::ge_p3_to_p2(p)));
    bad.check(enc(ed::ge_add(p, ed::ge_p3_to_cached(p2))) == twice, what("P + P = 2P"));
    bad.check(enc(ed::ge_madd(p, ed::niels_from_p3(p2))) == twice, what("P + P = 2P (madd)"));
    bad.check(!ed::ge_is_identity(ed::ge_p3_to_p2(p)) || kp.enc == identity_enc(), what("ge_is_identity(P)"));
    bad.check(ed::ge_is_identity(ed::ge_p3_to_p2(id)), what("ge_is_identity(0) rescaled"));
    bad.check(ed::ge_is_identity(ed::ge_p1p1_to_p2(ed::ge_dbl(ed::ge_p3_to_p2(id)))), what("2 * 0"));
  }
  EXPECT_EQ(bad.count(), 0u);
  // (0, -1) has X = 0 but is not the identity; (0, 1) with Y != Z is not either.
  EXPECT_FALSE(ed::ge_is_identity(ed::ge_p3_to_p2(ge_of(Aff{U256{}, p_plus(-1)}))));
  EXPECT_FALSE(ed::ge_is_identity(GeP2{ed::fe_zero(), ed::fe_one(), fe_of(u256_word(2))}));
  EXPECT_FALSE(ed::ge_is_identity(GeP2{ed::fe_one(), ed::fe_one(), ed::fe_one()}));
  EXPECT_TRUE(ed::ge_is_identity(GeP2{fe_of(p_plus(0)), fe_of(p_plus(3)), fe_of(u256_word(3))}));
}

// ---- ecmult --------------------------------------------------------------------

TEST(EdEcmult, BaseTableEntriesAreOddMultiplesOfB) {
  const ModRef& P = F();
  const std::vector<GeNiels> table = ed::build_b_table();
  ASSERT_EQ(table.size(), static_cast<size_t>(ed::kTableB));
  ASSERT_EQ(ed::kTableB, 1 << (ed::kWindowB - 2));
  const std::vector<GeNiels>& cached = ed::host_b_table();
  ASSERT_EQ(cached.size(), table.size());
  const U256 half = P.inv(u256_word(2)), d2 = P.add(d_ref(), d_ref());
  Mismatches bad;
  for (size_t i = 0; i < table.size(); ++i) {
    const GeNiels& e = table[i];
    auto what = [&](const char* m) { return [&, m] { return std::string(m) + ": entry " + std::to_string(i); }; };
    const U256 ypx = fe_raw(e.yplusx), ymx = fe_raw(e.yminusx), xy2d = fe_raw(e.xy2d);
    bad.check(P.less(ypx) && P.less(ymx) && P.less(xy2d), what("fully reduced"));
    const Aff a{P.mul(P.sub(ypx, ymx), half), P.mul(P.add(ypx, ymx), half)};
    bad.check(aff_encode(a) == sod_base(u256_word(2 * i + 1)), what("(2i+1) B vs libsodium"));
    bad.check(xy2d == P.mul(P.mul(a.x, a.y), d2), what("2 d x y"));
    bad.check(std::memcmp(&cached[i], &e, sizeof e) == 0, what("host_b_table() = build_b_table()"));
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(EdEcmult, OddMultiplesOfA) {
  SeededRng rng;
  Mismatches bad;
  for (int t = 0; t < 60; ++t) {
    const KnownPoint a = t < 8 ? known_point(U256{}, static_cast<uint64_t>(t)) : random_known_point(rng, t % 2);
    GeCached pre[ed::kTableA];
    ed::odd_multiples(pre, rescaled(ge_of_enc(a.enc), rng));
    for (int i = 0; i < ed::kTableA; ++i) {
      const U256 got = enc(ed::ge_add(ed::ge_identity(), pre[i]));
      bad.check(got == known_mul(a, u256_word(2 * static_cast<uint64_t>(i) + 1)),
                [&] { return "odd_multiples[" + std::to_string(i) + "] of " + hexb(a.enc); });
    }
  }
  EXPECT_EQ(bad.count(), 0u);
}

// a A + b B, against libsodium (and, for A outside the prime-order subgroup,
// also against the double-and-add of ge_add / ge_dbl).
void check_double_scalarmult(Mismatches& bad, const KnownPoint& a_pt, const U256& a, const U256& b,
                             std::mt19937_64& rng, bool with_ref_mul) {
  const GeP3 A = rng() % 2 ? rescaled(ge_of_enc(a_pt.enc), rng) : ge_of_enc(a_pt.enc);
  const GeP3 r = ed::double_scalarmult(A, sc_of(a), sc_of(b), ed::host_b_table().data());
  const U256 want = sod_add(known_mul(a_pt, a), sod_base(b));
  auto what = [&](const char* m) {
    return [&, m] { return std::string(m) + ": A " + hexb(a_pt.enc) + ", a " + hexv(a) + ", b " + hexv(b); };
  };
  bad.check(enc(r) == want, what("double_scalarmult vs libsodium"));
  bad.check(ext_ok(r), what("double_scalarmult result X Y = Z T"));
  if (with_ref_mul) {
    const GeP3 ra = ref_mul(A, a), rb = ref_mul(ed::ge_base(), b);
    bad.check(enc(ed::ge_add(ra, ed::ge_p3_to_cached(rb))) == enc(r), what("double_scalarmult vs double-and-add"));
  }
}

TEST(EdEcmult, DoubleScalarmultMatchesLibsodium) {
  SeededRng rng;
  const std::vector<U256> edges = ecmult_scalar_edges();
  Mismatches bad;
  // Every pair of edge scalars, on a few points of the prime-order subgroup.
  for (size_t i = 0; i < edges.size(); ++i) {
    const KnownPoint a_pt = random_known_point(rng, false);
    for (const U256& b : edges) check_double_scalarmult(bad, a_pt, edges[i], b, rng, false);
  }
  for (int i = 0; i < 400; ++i) {
    const KnownPoint a_pt = random_known_point(rng, false);
    U256 a = random_scalar(rng), b = random_scalar(rng);
    if (i % 4 == 1) a = edges[rng() % edges.size()];
    if (i % 4 == 2) b = edges[rng() % edges.size()];
    check_double_scalarmult(bad, a_pt, a, b, rng, i % 8 == 0);
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(EdEcmult, ZeroScalarsAndIdentity) {
  SeededRng rng;
  Mismatches bad;
  const KnownPoint id = known_point(U256{}, 0);
  for (int i = 0; i < 40; ++i) {
    const KnownPoint a_pt = random_known_point(rng, i % 2);
    const U256 s = random_scalar(rng);
    check_double_scalarmult(bad, a_pt, U256{}, s, rng, true);        // a = 0: b B
    check_double_scalarmult(bad, a_pt, s, U256{}, rng, true);        // b = 0: a A
    check_double_scalarmult(bad, a_pt, U256{}, U256{}, rng, false);  // both: the identity
    check_double_scalarmult(bad, id, s, random_scalar(rng), rng, true);
    check_double_scalarmult(bad, id, s, U256{}, rng, false);
    check_double_scalarmult(bad, a_pt, l_plus(0), l_plus(0), rng, false);  // L A + L B (mixed A: L T)
  }
  EXPECT_EQ(bad.count(), 0u);
  const GeP3 r = ed::double_scalarmult(ed::ge_base(), sc_of(U256{}), sc_of(U256{}), ed::host_b_table().data());
  EXPECT_TRUE(ed::ge_is_identity(ed::ge_p3_to_p2(r)));
  EXPECT_TRUE(ext_ok(r));
}

TEST(EdEcmult, SmallAndMixedOrderA) {
  SeededRng rng;
  const std::vector<U256> edges = ecmult_scalar_edges();
  Mismatches bad;
  for (uint64_t t = 0; t < 8; ++t) {  // the eight torsion points, the identity included
    const KnownPoint a_pt = known_point(U256{}, t);
    for (const U256& a : edges) check_double_scalarmult(bad, a_pt, a, random_scalar(rng), rng, true);
    for (int i = 0; i < 8; ++i) check_double_scalarmult(bad, a_pt, random_scalar(rng), random_scalar(rng), rng, true);
  }
  for (int i = 0; i < 60; ++i) {  // mixed order: m B + t T8
    const KnownPoint a_pt = known_point(random_scalar(rng), 1 + rng() % 7);
    const U256 a = i % 3 == 0 ? edges[rng() % edges.size()] : random_scalar(rng);
    check_double_scalarmult(bad, a_pt, a, random_scalar(rng), rng, true);
  }
  EXPECT_EQ(bad.count(), 0u);
}

// ---- schemes -------------------------------------------------------------------

// The y values libsodium 1.0.18 blocks (ge25519_has_small_order), derived: the
// y of every torsion point, and y + p wherever that is still below 2^255.
std::set<U256> small_order_ys() {
  std::set<U256> ys;
  for (const Aff& a : torsion().all) {
    ys.insert(a.y);
    Bn yp = bn_add(bn_of(a.y).get(), F().m());
    if (BN_num_bits(yp.get()) <= 255) ys.insert(u256_of(yp));
  }
  return ys;
}
bool in_small_order_set(const std::set<U256>& ys, U256 s) {
  s[31] &= 0x7f;
  return ys.count(s) != 0;
}

TEST(EdSchemes, SmallOrderEncodingsAreLibsodiumsSeven) {
  SeededRng rng;
  const std::set<U256> ys = small_order_ys();
  // 0, 1, p - 1, the two order-8 y, p and p + 1.
  ASSERT_EQ(ys.size(), 7u);
  for (const U256& y : {u256_word(0), u256_word(1), p_plus(-1), p_plus(0), p_plus(1)})
    EXPECT_EQ(ys.count(y), 1u) << hexv(y);
  Mismatches bad;
  size_t blocked = 0;
  auto check = [&](const U256& s) {
    const bool want = in_small_order_set(ys, s);
    blocked += want;
    bad.check(ed::has_small_order_encoding(s.data()) == want, [&] { return "has_small_order_encoding " + hexb(s); });
  };
  for (const U256& y : ys) {
    for (const uint8_t sign : std::array<uint8_t, 2>{0x00, 0x80}) {  // the 14 encodings
      U256 s = y;
      s[31] |= sign;
      EXPECT_TRUE(ed::has_small_order_encoding(s.data())) << hexb(s);
      check(s);
      // Near misses: the low byte +-1, and every other single-bit flip.
      for (int delta : {-1, 1}) {
        U256 t = s;
        t[0] = static_cast<uint8_t>(t[0] + delta);
        check(t);
      }
      for (int bit = 0; bit < 256; ++bit) {
        U256 t = s;
        t[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        check(t);
      }
      for (int byte = 1; byte < 32; ++byte) {  // one whole byte replaced
        U256 t = s;
        t[byte] = static_cast<uint8_t>(rng());
        check(t);
      }
    }
  }
  // The shape the check looks at: low byte, middle bytes all 0x00 or all 0xff,
  // and the top byte, in every combination.
  for (int low = 0; low < 256; ++low) {
    for (const uint8_t mid : std::array<uint8_t, 2>{0x00, 0xff}) {
      for (const uint8_t top : std::array<uint8_t, 6>{0x00, 0x7f, 0x80, 0xff, 0x01, 0x7e}) {
        U256 s;
        s.fill(mid);
        s[0] = static_cast<uint8_t>(low);
        s[31] = top;
        check(s);
        s[1 + rng() % 30] ^= 0x10;  // one middle byte off the pattern
        check(s);
      }
    }
  }
  for (int i = 0; i < 5000; ++i) check(random_u256(rng));
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(blocked, 14u + 14u);
}

U256 sha512_mod_l(const uint8_t* r, const uint8_t* key, const std::vector<uint8_t>& msg) {
  std::vector<uint8_t> all(r, r + 32);
  all.insert(all.end(), key, key + 32);
  all.insert(all.end(), msg.begin(), msg.end());
  B64 h{};
  crypto_hash_sha512(h.data(), all.data(), all.size());
  return sodium_reduce(h);
}

TEST(EdSchemes, ChallengeIsSha512ModL) {
  SeededRng rng;
  Mismatches bad;
  for (int i = 0; i < 600; ++i) {
    const U256 r = random_u256(rng), key = random_u256(rng);
    std::vector<uint8_t> msg(i < 300 ? static_cast<size_t>(i) : rng() % 5000);
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    const Scalar k = ed::challenge(r.data(), key.data(), msg.empty() ? nullptr : msg.data(), msg.size());
    bad.check(sc_raw(k) == sha512_mod_l(r.data(), key.data(), msg),
              [&] { return "challenge, len " + std::to_string(msg.size()); });
  }
  EXPECT_EQ(bad.count(), 0u);
}

// ZIP-215's verdict from libsodium's operations alone: S < L, A and R decode
// (crypto_core_ed25519_add decodes as ZIP-215 does), and
// 8 S B - k (8 A) - 8 R is the identity, k = SHA-512(R || A || M) mod L over
// the bytes as given.
bool zip215_oracle(const U256& key, const B64& sig, const std::vector<uint8_t>& msg) {
  U256 r_bytes, s;
  std::memcpy(r_bytes.data(), sig.data(), 32);
  std::memcpy(s.data(), sig.data() + 32, 32);
  if (!N().less(s)) return false;
  U256 a{}, r{};
  if (!sod_canon(key, &a) || !sod_canon(r_bytes, &r)) return false;
  const U256 k = sha512_mod_l(sig.data(), key.data(), msg);
  const U256 q = sod_sub(sod_sub(sod_mul8(sod_base(s)), sod_mul(sod_mul8(a), k)), sod_mul8(r));
  return q == identity_enc();
}

// A signature made by hand: key = a B + ta T8 (or the given key bytes), R = r B
// + tr T8 (or the given R bytes), S = r + k a mod L.
struct Crafted {
  U256 key;
  B64 sig;
};
Crafted craft(const U256& a, uint64_t ta, const U256& r, uint64_t tr, const std::vector<uint8_t>& msg,
              const U256* key_bytes = nullptr, const U256* r_bytes = nullptr) {
  Crafted c;
  c.key = key_bytes ? *key_bytes : sod_add(sod_base(a), torsion_enc(ta));
  const U256 rr = r_bytes ? *r_bytes : sod_add(sod_base(r), torsion_enc(tr));
  std::memcpy(c.sig.data(), rr.data(), 32);
  const U256 k = sha512_mod_l(rr.data(), c.key.data(), msg);
  const U256 s = N().add(r, N().mul(k, a));
  std::memcpy(c.sig.data() + 32, s.data(), 32);
  return c;
}

TEST(EdSchemes, StrictIsLibsodiumAndZip215IsItsOracle) {
  SeededRng rng;
  const size_t n = diff_n(3000);
  const GeNiels* table = ed::host_b_table().data();
  const std::set<U256> ys = small_order_ys();
  std::vector<U256> blocked;  // the 14 encodings
  for (const U256& y : ys)
    for (const uint8_t sign : std::array<uint8_t, 2>{0x00, 0x80}) {
      U256 s = y;
      s[31] |= sign;
      blocked.push_back(s);
    }
  // Non-canonical encodings (y + p) of points that are not of small order.
  std::vector<U256> noncanonical;
  for (int64_t y = 2; y < 19; ++y) {
    Aff a;
    if (aff_decode(u256_word(static_cast<uint64_t>(y)), &a) &&
        !in_small_order_set(ys, u256_word(static_cast<uint64_t>(y))))
      noncanonical.push_back(p_plus(y));
  }
  EXPECT_EQ(noncanonical.size(), 10u);  // y = 3, 4, 5, 6, 9, 10, 14, 15, 16, 18
  constexpr int kModes = 14;
  size_t strict_ok[kModes] = {}, zip_ok[kModes] = {}, count[kModes] = {};
  size_t mismatches = 0;
  for (size_t i = 0; i < n; ++i) {
    const int mode = static_cast<int>(i % kModes);
    std::vector<uint8_t> msg(rng() % 3 == 0 ? rng() % 8 : rng() % 300);
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    U256 key{};
    B64 sig{};
    if (mode <= 8) {  // libsodium's own signature, then one corruption
      const U256 seed_bytes = random_u256(rng);
      std::array<uint8_t, 64> sk{};
      ASSERT_EQ(crypto_sign_seed_keypair(key.data(), sk.data(), seed_bytes.data()), 0);
      ASSERT_EQ(crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk.data()), 0);
      switch (mode) {
        case 4:
          sig[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 5:
          sig[32 + rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 6:
          key[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 7:
          if (msg.empty() || rng() % 4 == 0)
            msg.push_back(static_cast<uint8_t>(rng()));
          else
            msg[rng() % msg.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 8: {  // S + L, S + 2^253 ...: the same S mod L, not canonical
          U256 s;
          std::memcpy(s.data(), sig.data() + 32, 32);
          Bn big = bn_add(bn_of(s).get(), rng() % 2 ? N().m() : bn_pow2(253).get());
          s = u256_of(big);
          std::memcpy(sig.data() + 32, s.data(), 32);
          break;
        }
        default:
          break;
      }
    } else {
      const U256 a = random_scalar(rng), r = random_scalar(rng);
      Crafted c;
      switch (mode) {
        case 9: {  // R one of the 14 small-order encodings, S = k a: ZIP-215 valid
          const U256 rb = blocked[rng() % blocked.size()];
          c = craft(a, 0, U256{}, 0, msg, nullptr, &rb);
          break;
        }
        case 10:  // a mixed-order key: strict valid iff k T = 0
          c = craft(a, 1 + rng() % 7, r, 0, msg);
          break;
        case 11:  // R with a torsion component: cofactored only
          c = craft(a, 0, r, 1 + rng() % 7, msg);
          break;
        case 12: {  // a small-order key (any of its encodings), S = r
          const U256 kb = blocked[rng() % blocked.size()];
          c = craft(U256{}, 0, r, 0, msg, &kb);
          break;
        }
        default: {  // non-canonical keys and R
          if (rng() % 2 && !noncanonical.empty()) {
            const U256 kb = noncanonical[rng() % noncanonical.size()];
            c = craft(a, 0, r, 0, msg, &kb);  // S unrelated to the key: invalid
          } else {
            // A small-order key and R = a small-order encoding, S = 0: 8(0 - k A - R) = 0;
            // or S = L (the same value mod L, not canonical: invalid).
            const U256 kb = blocked[rng() % blocked.size()], rb = blocked[rng() % blocked.size()];
            c = craft(U256{}, 0, U256{}, 0, msg, &kb, &rb);
            if (rng() % 3 == 0) {
              const U256 l = l_plus(0);
              std::memcpy(c.sig.data() + 32, l.data(), 32);
            }
          }
          break;
        }
      }
      key = c.key;
      sig = c.sig;
    }
    const uint8_t* m = msg.empty() ? nullptr : msg.data();
    const bool lib = crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), key.data()) == 0;
    const bool oracle = zip215_oracle(key, sig, msg);
    const bool strict = ed::verify_strict(key.data(), sig.data(), m, msg.size(), table);
    const bool zip = ed::verify_zip215(key.data(), sig.data(), m, msg.size(), table);
    ++count[mode];
    strict_ok[mode] += strict;
    zip_ok[mode] += zip;
    if ((strict != lib || zip != oracle || (lib && !zip)) && ++mismatches <= 10) {
      ADD_FAILURE() << "mode " << mode << ": strict " << strict << " (libsodium " << lib << "), zip215 " << zip
                    << " (oracle " << oracle << ")\n  key " << hexb(key) << "\n  sig " << hexb(sig.data(), 64)
                    << "\n  msg " << hexb(msg.data(), msg.size());
    }
  }
  EXPECT_EQ(mismatches, 0u);
  // Each kind of input gave the verdicts it is there for (when n covers them).
  if (n >= 20 * kModes) {
    EXPECT_EQ(strict_ok[0], count[0]);  // libsodium's signatures
    EXPECT_EQ(zip_ok[0], count[0]);
    EXPECT_EQ(strict_ok[8], 0u);  // S >= L
    EXPECT_EQ(zip_ok[8], 0u);
    EXPECT_EQ(strict_ok[9], 0u);  // small-order R: ZIP-215 only
    EXPECT_EQ(zip_ok[9], count[9]);
    EXPECT_GT(strict_ok[10], 0u);  // mixed-order key: both verdicts under strict
    EXPECT_LT(strict_ok[10], count[10]);
    EXPECT_EQ(zip_ok[10], count[10]);
    EXPECT_EQ(strict_ok[11], 0u);  // torsion in R
    EXPECT_EQ(zip_ok[11], count[11]);
    EXPECT_EQ(strict_ok[12], 0u);  // small-order key
    EXPECT_EQ(zip_ok[12], count[12]);
    EXPECT_GT(zip_ok[13], 0u);
    EXPECT_LT(zip_ok[13], count[13]);
    EXPECT_LT(zip_ok[4] + zip_ok[5] + zip_ok[6] + zip_ok[7], count[4] + count[5] + count[6] + count[7]);
  }
}

TEST(EdSchemes, VerifyEdCheckDispatches) {
  SeededRng rng;
  const GeNiels* table = ed::host_b_table().data();
  std::vector<uint8_t> arena(1000);
  for (auto& b : arena) b = static_cast<uint8_t>(rng());
  for (int i = 0; i < 40; ++i) {
    const uint32_t len = i % 5 == 0 ? 0 : static_cast<uint32_t>(rng() % 200);
    const uint64_t offset = rng() % 700;
    const std::vector<uint8_t> msg(arena.begin() + static_cast<ptrdiff_t>(offset),
                                   arena.begin() + static_cast<ptrdiff_t>(offset + len));
    // Valid under both, ZIP-215 only (torsion in R), or neither (S corrupted).
    Crafted c = craft(random_scalar(rng), 0, random_scalar(rng), i % 3 == 1 ? 1 + rng() % 7 : 0, msg);
    if (i % 3 == 2) c.sig[40] ^= 1;
    ed::EdCheck check{};
    check.msg_len = len;
    check.msg_offset = offset;
    std::memcpy(check.key, c.key.data(), 32);
    std::memcpy(check.sig, c.sig.data(), 64);
    const bool zip = zip215_oracle(c.key, c.sig, msg);
    const bool strict = crypto_sign_verify_detached(c.sig.data(), msg.data(), msg.size(), c.key.data()) == 0;
    EXPECT_EQ(zip, i % 3 != 2);
    check.kind = ed::CheckKind::kZip215;
    EXPECT_EQ(ed::verify_ed_check(check, arena.data(), table), zip) << i;
    check.kind = ed::CheckKind::kStrict;
    EXPECT_EQ(ed::verify_ed_check(check, arena.data(), table), strict) << i;
    check.kind = ed::CheckKind::kInvalid;
    EXPECT_FALSE(ed::verify_ed_check(check, arena.data(), table)) << i;
  }
}

}  // namespace
}  // namespace vigil::test
