// The secp256k1 kernels' math (kernels/secp256k1, compiled for the host), one
// layer at a time, against reference libraries, on edge values and random ones:
//   field   (field.hpp)   OpenSSL BIGNUM mod p, operands in the redundant range
//                         [p, 2^256) included, and results fed back unreduced
//   scalar  (scalar.hpp)  BIGNUM mod n and libsecp256k1's seckey tweaks; the
//                         GLV split's bounds
//   recode  (recode.hpp)  the odd-digit recoding's invariants, checked with BIGNUM
//   group   (group.hpp)   libsecp256k1's public key API: parse/serialize,
//                         combine, negate, tweak_mul
//   ecmult  (ecmult.hpp)  tweak_mul(A, na) combined with pubkey_create(ng)
//   ecdsa   (schemes.hpp) the edges of ecdsa_verify: r and s range, the x(R) >= n
//                         ("r + n") branch, the low-S boundary, a result at infinity,
//                         each on signatures built to hit it, against secp256k1_ecdsa_verify
// The whole verification against libsecp256k1 is secp256k1_scheme_test.cpp.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/bignum_ref.hpp"
#include "secp256k1/g_tables.hpp"
#include "secp256k1/schemes.hpp"
#include "util/test_util.hpp"
#include "vigil/bytes.hpp"

namespace vigil::test {
namespace {

using secp::Fe;
using secp::Ge;
using secp::Gej;
using secp::Scalar;

// ---- helpers: 256-bit values (big-endian), BIGNUM (bignum_ref.hpp) -------------

constexpr ByteOrder kBig = ByteOrder::big;  // secp256k1 writes numbers big-endian

std::string hex32(const U256& v) { return to_hex(ByteView(v.data(), v.size())); }

Bn bn_of(const U256& v) { return bn_from(v, kBig); }
// Requires 0 <= v < 2^256.
U256 u256_of(const BIGNUM* v) { return bytes_of<32>(v, kBig); }
U256 u256_hex(const char* h) { return u256_of(bn_hex(h).get()); }
U256 u256_word(uint64_t w) { return u256_of(bn_word(w).get()); }

const char* const kP = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F";
const char* const kN = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141";

// BIGNUM mod p and mod n: the references for the field and the scalars.
const ModRef& field_ref() {
  static const ModRef r(kP, kBig);
  return r;
}
const ModRef& order_ref() {
  static const ModRef r(kN, kBig);
  return r;
}

// ---- field ---------------------------------------------------------------------

// The raw value of an element (no normalization): the limbs as 32 bytes.
U256 fe_raw(const Fe& a) {
  U256 out;
  for (int i = 0; i < 8; ++i) {
    for (int k = 0; k < 4; ++k) out[28 - 4 * i + k] = static_cast<uint8_t>(a.n[i] >> (24 - 8 * k));
  }
  return out;
}
Fe fe_of(const U256& v) { return secp::fe_from_b32_raw(v.data()); }
// The element's value in [0, p), through fe_to_b32 (which normalizes).
U256 fe_val(const Fe& a) {
  U256 out;
  secp::fe_to_b32(out.data(), a);
  return out;
}

// Edge operands: small values, values around p, the redundant range
// [p, 2^256), powers of two, limb patterns that carry, the curve's constants.
std::vector<U256> field_edges() {
  const BIGNUM* p = field_ref().m();
  std::vector<U256> v;
  for (uint64_t w : {0ull, 1ull, 2ull, 3ull, 7ull, 977ull, 0x1000003D0ull, 0x1000003D1ull, 0x100000000ull,
                     0xFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull})
    v.push_back(u256_word(w));
  for (int64_t k : {-3, -2, -1, 0, 1, 2, 977, 978})
    v.push_back(u256_of(bn_add_i(p, k).get()));                          // p-3 .. p+978 (p+977 = 2^256 - 2^32)
  v.push_back(u256_of(bn_add(p, bn_word(0x100000000ull).get()).get()));  // 2^256 - 977
  v.push_back(u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE"));
  v.push_back(u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));
  v.push_back(u256_hex("FFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFEFFFFFFFE"));
  v.push_back(u256_hex("8000000000000000000000000000000000000000000000000000000000000000"));
  v.push_back(u256_hex("100000000000000000000000000000000"));                                 // 2^128
  v.push_back(u256_hex("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF7FFFFE17"));  // (p-1)/2
  v.push_back(u256_hex("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF7FFFFE18"));  // (p+1)/2
  v.push_back(fe_raw(secp::beta()));
  v.push_back(fe_raw(secp::generator().x));
  v.push_back(fe_raw(secp::generator().y));
  return v;
}

// Random operands from a mixture: uniform, the redundant range, just below p,
// small, and limbs drawn from carry-prone patterns.
U256 random_field_input(std::mt19937_64& rng) {
  const BIGNUM* p = field_ref().m();
  switch (rng() % 8) {
    case 4:  // p + [0, 2^32 + 977): the redundant encodings
      return u256_of(bn_add(p, bn_word(rng() % 0x1000003D1ull).get()).get());
    case 5:  // p - [1, 2^40]
      return u256_of(bn_sub(p, bn_word(1 + rng() % (1ull << 40)).get()).get());
    case 6:
      return u256_word(rng() % (1ull << 40));
    case 7: {
      static constexpr uint32_t kLimbs[] = {0u, 1u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0x80000000u, 977u, 0xFFFFFC2Fu};
      return fe_raw(random_limbs<Fe>(rng, kLimbs));
    }
    default:
      return random_u256(rng);
  }
}

// fe_mul_small(x, 3): the field's own operation in the chains, and its reference.
Fe times3(const Fe& a) { return secp::fe_mul_small(a, 3); }
U256 times3_ref(const ModRef& F, const U256& a) { return F.mul(a, u256_word(3)); }

// The field under test for the shared checks (bignum_ref.hpp).
const FieldUnderTest<Fe>& field() {
  static const FieldUnderTest<Fe> f{&field_ref(), fe_of, fe_val, hex32, times3, times3_ref};
  return f;
}

void check_field_single(Mismatches& bad, const U256& a, bool with_inv_sqrt, size_t* squares = nullptr) {
  const ModRef& F = field_ref();
  const Fe fa = fe_of(a);
  auto what = [&](const char* op) { return [&, op] { return std::string(op) + "(" + hex32(a) + ")"; }; };
  const U256 ra = F.reduce(a);
  bad.check(fe_raw(secp::fe_normalized(fa)) == ra, what("fe_normalized"));
  bad.check(fe_val(fa) == ra, what("fe_to_b32"));
  bad.check(secp::fe_is_zero(fa) == (ra == U256{}), what("fe_is_zero"));
  bad.check(secp::fe_is_odd(fa) == ((ra[31] & 1) != 0), what("fe_is_odd"));
  bad.check(fe_val(secp::fe_neg(fa)) == F.neg(a), what("fe_neg"));
  bad.check(fe_val(secp::fe_sqr(fa)) == F.sqr(a), what("fe_sqr"));
  for (uint32_t k : {0u, 1u, 2u, 3u, 7u, 8u, 977u, 0xFFFFu}) {
    bad.check(fe_val(secp::fe_mul_small(fa, k)) == F.mul(a, u256_word(k)),
              [&] { return "fe_mul_small(" + hex32(a) + ", " + std::to_string(k) + ")"; });
  }
  if (!with_inv_sqrt) return;
  bad.check(fe_val(secp::fe_inv(fa)) == F.inv(a), what("fe_inv"));
  Fe root;
  const bool is_sq = F.is_square(a);
  const bool got = secp::fe_sqrt(root, fa);
  if (squares) *squares += is_sq;
  if (!bad.check(got == is_sq, what("fe_sqrt verdict"))) return;
  if (got) {
    const U256 r = fe_val(root);
    bad.check(F.sqr(r) == ra, what("fe_sqrt root squared"));
    U256 ref_root{};
    bad.check(F.sqrt(a, &ref_root) && (r == ref_root || r == F.neg(ref_root)), what("fe_sqrt vs BN_mod_sqrt"));
  }
}

TEST(SecpField, EdgeValuesAgainstBignum) {
  const std::vector<U256> edges = field_edges();
  ASSERT_GE(edges.size(), 30u);
  expect_field_edges(field(), edges, [](Mismatches& bad, const U256& a) { check_field_single(bad, a, true); });
  // The specific identities the redundant range is about.
  const BIGNUM* p = field_ref().m();
  const Fe fp = fe_of(u256_of(p));
  EXPECT_TRUE(secp::fe_is_zero(fp));
  EXPECT_TRUE(secp::fe_equal(fe_of(u256_of(bn_add_i(p, 1).get())), secp::fe_from_int(1)));
  EXPECT_TRUE(secp::fe_is_zero(secp::fe_inv(fp)));
  EXPECT_TRUE(secp::fe_is_zero(secp::fe_inv(Fe{})));
  EXPECT_EQ(fe_raw(secp::fe_inv(Fe{})), U256{});
}

TEST(SecpField, RandomAgainstBignum) {
  SeededRng rng;
  Mismatches bad;
  size_t squares = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const U256 a = random_field_input(rng), b = random_field_input(rng);
    check_field_pair(bad, field(), a, b);
    check_field_single(bad, a, true, &squares);
  }
  EXPECT_EQ(bad.count(), 0u);
  // Both sqrt outcomes occurred (about half each).
  EXPECT_GT(squares, n / 4u);
  EXPECT_LT(squares, 3u * n / 4u);
}

// Results in weak form fed back as operands: random chains of operations,
// with the reference value carried along in BIGNUM.
TEST(SecpField, ChainedWeakResults) {
  SeededRng rng;
  expect_field_chains(field(), random_field_input, rng);
}

TEST(SecpField, FromB32LimitRejectsExactlyFromP) {
  SeededRng rng;
  std::vector<U256> values = field_edges();
  for (int i = 0; i < 4000; ++i) values.push_back(random_field_input(rng));
  size_t rejected = 0;
  Mismatches bad;
  for (const U256& v : values) {
    Fe r;
    const bool ok = secp::fe_from_b32_limit(r, v.data());
    const bool below_p = field_ref().less(v);
    rejected += !ok;
    bad.check(ok == below_p, [&] { return "fe_from_b32_limit(" + hex32(v) + ")"; });
    if (ok) bad.check(fe_raw(r) == v, [&] { return "fe_from_b32_limit value " + hex32(v); });
    bad.check(fe_raw(fe_of(v)) == v, [&] { return "fe_from_b32_raw " + hex32(v); });
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(rejected, 400u);  // the edge values from p up, and the redundant-range draws
  // The boundary itself.
  Fe r;
  EXPECT_TRUE(secp::fe_from_b32_limit(r, u256_of(bn_add_i(field_ref().m(), -1).get()).data()));
  EXPECT_FALSE(secp::fe_from_b32_limit(r, u256_of(field_ref().m()).data()));
}

TEST(SecpField, SqrtExactlyForResidues) {
  const ModRef& F = field_ref();
  Mismatches bad;
  size_t squares = 0;
  // Small values and values just below p (x^3 + 7 for small and large x are what
  // decompression meets).
  for (uint64_t k = 0; k < 300; ++k) {
    check_field_single(bad, u256_word(k), true, &squares);
    check_field_single(bad, u256_of(bn_sub(F.m(), bn_word(k + 1).get()).get()), true, &squares);
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(squares, 200u);
  EXPECT_LT(squares, 400u);
  // -1 is not a square (p = 3 mod 4); 0 is, with root 0.
  Fe root;
  EXPECT_FALSE(secp::fe_sqrt(root, fe_of(u256_of(bn_add_i(F.m(), -1).get()))));
  ASSERT_TRUE(secp::fe_sqrt(root, Fe{}));
  EXPECT_TRUE(secp::fe_is_zero(root));
}

// ---- scalars -------------------------------------------------------------------

const secp256k1_context* ctx() {
  static secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return c;
}

U256 sc_bytes(const Scalar& s) {
  U256 out;
  secp::scalar_to_b32(out.data(), s);
  return out;
}
// The raw limbs as bytes (scalar_to_b32 does not reduce either; both are raw).
U256 sc_raw(const Scalar& s) { return fe_raw(Fe{{s.d[0], s.d[1], s.d[2], s.d[3], s.d[4], s.d[5], s.d[6], s.d[7]}}); }
Scalar sc_of(const U256& v) {
  bool overflow = false;
  Scalar s = secp::scalar_from_b32(v.data(), &overflow);
  EXPECT_FALSE(overflow) << hex32(v);
  return s;
}

U256 n_plus(int64_t k) { return u256_of(bn_add_i(order_ref().m(), k).get()); }
U256 half_n() {
  Bn h = bn_copy(order_ref().m());
  EXPECT_EQ(BN_rshift1(h.get(), h.get()), 1);
  return u256_of(h.get());
}
U256 lambda_bytes() { return sc_bytes(secp::lambda()); }

// Scalars where the GLV split returns its largest halves (libsecp256k1's
// tests.c, scalars_near_split_bounds): a * lambda + (n + b) / 2 for
// a in -2..2, b in {-3, -1, 1, 3}.
std::vector<U256> near_split_bounds() {
  const ModRef& N = order_ref();
  std::vector<U256> out;
  for (int64_t a = -2; a <= 2; ++a) {
    for (int64_t b : {-3, -1, 1, 3}) {
      Bn half = bn_add_i(N.m(), b);
      EXPECT_EQ(BN_rshift1(half.get(), half.get()), 1);
      const U256 am = N.mul(u256_of(N.mod(bn_add_i(N.m(), a).get()).get()), lambda_bytes());
      out.push_back(N.add(am, u256_of(half.get())));
    }
  }
  return out;
}

// Edge scalars, all below n.
std::vector<U256> scalar_edges() {
  const ModRef& N = order_ref();
  std::vector<U256> v;
  for (uint64_t w : {0ull, 1ull, 2ull, 3ull, 0xFFFFFFFFull, 0x100000000ull}) v.push_back(u256_word(w));
  for (int64_t k : {-1, -2, -3}) v.push_back(n_plus(k));
  const U256 h = half_n();
  v.push_back(h);
  v.push_back(N.add(h, u256_word(1)));
  v.push_back(u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));   // 2^128 - 1
  v.push_back(u256_hex("100000000000000000000000000000000"));  // 2^128
  v.push_back(u256_hex("100000000000000000000000000000001"));
  v.push_back(u256_of(bn_sub(N.m(), bn_pow2(128).get()).get()));  // n - 2^128
  v.push_back(u256_hex("8000000000000000000000000000000000000000000000000000000000000000"));
  v.push_back(u256_of(bn_sub(bn_pow2(256).get(), N.m()).get()));  // 2^256 - n
  v.push_back(lambda_bytes());
  v.push_back(N.neg(lambda_bytes()));
  v.push_back(N.mul(lambda_bytes(), lambda_bytes()));
  for (const U256& s : near_split_bounds()) v.push_back(s);
  return v;
}

// A uniform scalar in [0, n).
U256 random_scalar(std::mt19937_64& rng) {
  for (;;) {
    U256 v = random_u256(rng);
    if (order_ref().less(v)) return v;
  }
}
U256 random_nonzero_scalar(std::mt19937_64& rng) {
  for (;;) {
    U256 v = random_scalar(rng);
    if (v != U256{}) return v;
  }
}
// A mixture: uniform, small, near n, near 2^128 and near n/2.
U256 random_scalar_mix(std::mt19937_64& rng) {
  const ModRef& N = order_ref();
  switch (rng() % 6) {
    case 1:
      return u256_word(rng() % 1000);
    case 2:
      return n_plus(-1 - static_cast<int64_t>(rng() % 1000));
    case 3:
      return u256_of(bn_add_i(bn_pow2(128).get(), static_cast<int64_t>(rng() % 2000) - 1000).get());
    case 4:
      return N.add(half_n(), u256_word(rng() % 3));
    default:
      return random_scalar(rng);
  }
}

TEST(SecpScalar, FromB32OverflowExactlyFromN) {
  SeededRng rng;
  const ModRef& N = order_ref();
  std::vector<U256> values = scalar_edges();
  for (int64_t k : {0, 1, 2, 1000}) values.push_back(n_plus(k));
  values.push_back(u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));
  values.push_back(u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE"));
  const Bn nc = bn_sub(bn_pow2(256).get(), N.m());  // 2^256 - n
  for (int i = 0; i < 3000; ++i) {
    values.push_back(random_u256(rng));
    // n + [0, 2^256 - n): the values that overflow, uniformly.
    Bn r = bn_new();
    ASSERT_EQ(BN_rand_range(r.get(), nc.get()), 1);
    values.push_back(u256_of(bn_add(N.m(), r.get()).get()));
  }
  Mismatches bad;
  size_t overflows = 0;
  for (const U256& v : values) {
    bool overflow = false;
    const Scalar s = secp::scalar_from_b32(v.data(), &overflow);
    overflows += overflow;
    bad.check(overflow == !N.less(v), [&] { return "overflow flag of " + hex32(v); });
    bad.check(sc_raw(s) == N.reduce(v), [&] { return "scalar_from_b32 value " + hex32(v); });
    bad.check(sc_bytes(s) == N.reduce(v), [&] { return "scalar_to_b32 " + hex32(v); });
    // libsecp256k1: a secret key is valid exactly when 0 < v < n.
    bad.check((secp256k1_ec_seckey_verify(ctx(), v.data()) == 1) == (!overflow && !secp::scalar_is_zero(s)),
              [&] { return "seckey_verify vs overflow/zero " + hex32(v); });
    const Scalar again = secp::scalar_from_b32(v.data());  // the flag is optional
    bad.check(secp::scalar_equal(again, s), [&] { return "scalar_from_b32 without flag " + hex32(v); });
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(overflows, 3000u);
  EXPECT_LT(overflows, values.size());
}

// add, mul, neg, inv against BIGNUM mod n (all inputs) and libsecp256k1's
// secret key tweaks (where those are defined: nonzero operands).
void check_scalar_pair(Mismatches& bad, const U256& a, const U256& b) {
  const ModRef& N = order_ref();
  const Scalar sa = sc_of(a), sb = sc_of(b);
  auto ctxs = [&](const char* op) {
    return [&, op] { return std::string(op) + "(" + hex32(a) + ", " + hex32(b) + ")"; };
  };
  const U256 sum = sc_bytes(secp::scalar_add(sa, sb)), prod = sc_bytes(secp::scalar_mul(sa, sb));
  bad.check(sum == N.add(a, b), ctxs("scalar_add"));
  bad.check(prod == N.mul(a, b), ctxs("scalar_mul"));
  bad.check(secp::scalar_equal(sa, sb) == (a == b), ctxs("scalar_equal"));
  if (a != U256{} && b != U256{}) {
    U256 k = a;
    const int ok_add = secp256k1_ec_seckey_tweak_add(ctx(), k.data(), b.data());
    // A sum of zero is refused by libsecp256k1.
    bad.check(ok_add == 1 ? k == sum : sum == U256{}, ctxs("seckey_tweak_add"));
    k = a;
    bad.check(secp256k1_ec_seckey_tweak_mul(ctx(), k.data(), b.data()) == 1 && k == prod, ctxs("seckey_tweak_mul"));
  }
}

void check_scalar_single(Mismatches& bad, const U256& a) {
  const ModRef& N = order_ref();
  const Scalar sa = sc_of(a);
  auto ctxs = [&](const char* op) { return [&, op] { return std::string(op) + "(" + hex32(a) + ")"; }; };
  const U256 neg = sc_bytes(secp::scalar_neg(sa));
  bad.check(neg == N.neg(a), ctxs("scalar_neg"));
  bad.check(secp::scalar_is_zero(sa) == (a == U256{}), ctxs("scalar_is_zero"));
  const U256 inv = sc_bytes(secp::scalar_inv(sa));
  bad.check(inv == N.inv(a), ctxs("scalar_inv"));
  bad.check(sc_bytes(secp::scalar_sqr(sa)) == N.sqr(a), ctxs("scalar_sqr"));
  if (a != U256{}) {
    U256 k = a;
    bad.check(secp256k1_ec_seckey_negate(ctx(), k.data()) == 1 && k == neg, ctxs("seckey_negate"));
    bad.check(sc_bytes(secp::scalar_mul(sa, secp::scalar_inv(sa))) == u256_word(1), ctxs("a * inv(a)"));
  }
}

TEST(SecpScalar, ArithmeticAgainstBignumAndLibsecp256k1) {
  SeededRng rng;
  const std::vector<U256> edges = scalar_edges();
  Mismatches bad;
  for (const U256& a : edges) {
    check_scalar_single(bad, a);
    for (const U256& b : edges) check_scalar_pair(bad, a, b);
  }
  for (int i = 0; i < 4000; ++i) {
    const U256 a = random_scalar_mix(rng), b = random_scalar_mix(rng);
    check_scalar_pair(bad, a, b);
    check_scalar_single(bad, a);
  }
  EXPECT_EQ(bad.count(), 0u);
  // The reductions' worst cases: (n-1)^2 = 1, (n-1) + (n-1) = n - 2.
  EXPECT_EQ(sc_bytes(secp::scalar_mul(sc_of(n_plus(-1)), sc_of(n_plus(-1)))), u256_word(1));
  EXPECT_EQ(sc_bytes(secp::scalar_add(sc_of(n_plus(-1)), sc_of(n_plus(-1)))), n_plus(-2));
  EXPECT_EQ(sc_bytes(secp::scalar_add(sc_of(n_plus(-1)), sc_of(u256_word(1)))), U256{});
  EXPECT_TRUE(secp::scalar_is_zero(secp::scalar_inv(Scalar{})));
}

TEST(SecpScalar, IsHighBoundary) {
  SeededRng rng;
  const U256 h = half_n();
  const ModRef& N = order_ref();
  EXPECT_FALSE(secp::scalar_is_high(sc_of(h)));
  EXPECT_TRUE(secp::scalar_is_high(sc_of(N.add(h, u256_word(1)))));
  EXPECT_FALSE(secp::scalar_is_high(sc_of(N.add(h, N.neg(u256_word(1))))));
  EXPECT_FALSE(secp::scalar_is_high(Scalar{}));
  EXPECT_TRUE(secp::scalar_is_high(sc_of(n_plus(-1))));
  EXPECT_FALSE(secp::scalar_is_high(sc_of(u256_word(1))));
  // Against libsecp256k1: secp256k1_ecdsa_signature_normalize reports a high S.
  std::vector<U256> values = scalar_edges();
  for (int i = 0; i < 3000; ++i) values.push_back(random_scalar_mix(rng));
  Mismatches bad;
  size_t high = 0;
  for (const U256& s : values) {
    if (s == U256{}) continue;
    uint8_t compact[64];
    std::memcpy(compact, u256_word(1).data(), 32);
    std::memcpy(compact + 32, s.data(), 32);
    secp256k1_ecdsa_signature sig;
    ASSERT_EQ(secp256k1_ecdsa_signature_parse_compact(ctx(), &sig, compact), 1);
    const bool ref_high = secp256k1_ecdsa_signature_normalize(ctx(), nullptr, &sig) == 1;
    const bool got = secp::scalar_is_high(sc_of(s));
    high += got;
    bad.check(got == ref_high, [&] { return "scalar_is_high(" + hex32(s) + ")"; });
    bad.check(got == (BN_cmp(bn_of(s).get(), bn_of(h).get()) > 0), [&] { return "scalar_is_high vs n/2 " + hex32(s); });
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(high, 500u);
  EXPECT_LT(high, values.size() - 500);
}

// round(a * b / 2^shift) against BIGNUM, for the shifts the GLV split can use.
TEST(SecpScalar, MulShiftRoundsLikeBignum) {
  SeededRng rng;
  Mismatches bad;
  size_t rounded_up = 0;
  for (int i = 0; i < 3000; ++i) {
    const U256 a = random_scalar_mix(rng), b = random_scalar_mix(rng);
    for (int shift : {256, 257, 300, 383, 384, 385, 448, 511}) {
      Bn prod = bn_new();
      ASSERT_EQ(BN_mul(prod.get(), bn_of(a).get(), bn_of(b).get(), bn_ctx()), 1);
      Bn q = bn_new();
      ASSERT_EQ(BN_rshift(q.get(), prod.get(), shift), 1);
      if (BN_is_bit_set(prod.get(), shift - 1)) {
        ++rounded_up;
        ASSERT_EQ(BN_add_word(q.get(), 1), 1);
      }
      bad.check(sc_raw(secp::scalar_mul_shift_(sc_of(a), sc_of(b), shift)) == u256_of(q.get()),
                [&] { return "scalar_mul_shift_(" + hex32(a) + ", " + hex32(b) + ", " + std::to_string(shift) + ")"; });
    }
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(rounded_up, 1000u);
}

// k1 + k2 * lambda = k (mod n), checked with BIGNUM; each half below 2^128 or
// n minus it below 2^128, with bit 255 telling which (what wnaf relies on).
void check_split(Mismatches& bad, const U256& k) {
  const ModRef& N = order_ref();
  const secp::ScalarSplit sp = secp::scalar_split_lambda(sc_of(k));
  const U256 k1 = sc_raw(sp.k1), k2 = sc_raw(sp.k2);
  bad.check(N.less(k1) && N.less(k2), [&] { return "split of " + hex32(k) + ": halves not reduced"; });
  bad.check(N.add(k1, N.mul(k2, lambda_bytes())) == k,
            [&] { return "split of " + hex32(k) + ": k1 + k2*lambda != k"; });
  const Bn two128 = bn_pow2(128);
  for (const U256* part : {&k1, &k2}) {
    const bool negative = ((*part)[0] & 0x80) != 0;
    const Bn mag = bn_of(negative ? N.neg(*part) : *part);
    bad.check(BN_cmp(mag.get(), two128.get()) < 0, [&] {
      return "split of " + hex32(k) + ": half " + hex32(*part) + (negative ? " (negative)" : "") + " not below 2^128";
    });
  }
}

TEST(SecpScalar, SplitLambda) {
  SeededRng rng;
  const ModRef& N = order_ref();
  // lambda is a nontrivial cube root of 1.
  const U256 l = lambda_bytes();
  EXPECT_NE(l, u256_word(1));
  EXPECT_EQ(N.mul(N.mul(l, l), l), u256_word(1));
  Mismatches bad;
  std::vector<U256> values = scalar_edges();
  // k = a + b * lambda for halves a, b around +-2^128.
  for (int64_t da : {-2, -1, 0, 1}) {
    for (int64_t db : {-2, -1, 0, 1}) {
      const U256 a = u256_of(bn_add_i(bn_pow2(128).get(), da).get()),
                 b = u256_of(bn_add_i(bn_pow2(128).get(), db).get());
      values.push_back(N.add(a, N.mul(b, l)));
      values.push_back(N.add(N.neg(a), N.mul(b, l)));
      values.push_back(N.add(a, N.mul(N.neg(b), l)));
    }
  }
  for (const U256& k : values) check_split(bad, k);
  for (int i = 0; i < 20000; ++i) check_split(bad, random_scalar(rng));
  EXPECT_EQ(bad.count(), 0u);
  // lambda itself splits as (0, 1) in value.
  const secp::ScalarSplit sp = secp::scalar_split_lambda(secp::lambda());
  EXPECT_EQ(N.add(sc_raw(sp.k1), N.mul(sc_raw(sp.k2), l)), l);
}

// ---- odd-digit recoding --------------------------------------------------------

// Runs the recoding of s the way ecmult does -- windows of W bits from bit 128
// down, then one of LOW bits at bit 0 if LOW > 0 -- and checks every digit
// odd with |d| <= 2^width - 1 (the top one of the right sign), and
// sum d_j 2^p_j plus the correction equal to s, or to -(n - s) when bit 255
// of s is set.
template <int W, int LOW>
void check_recoding(Mismatches& bad, const U256& v) {
  static_assert((128 - LOW) % W == 0);
  secp::OddRecoder r = secp::recoder_start(sc_of(v));
  auto where = [&] { return "recoding(" + hex32(v) + ", w=" + std::to_string(W) + ")"; };
  const bool negative = (v[0] & 0x80) != 0;
  Bn sum = bn_new();
  BN_zero(sum.get());
  bool shape_ok = true;
  auto add = [&](int d, int pos, int width) {
    const int mag = d < 0 ? -d : d;
    if ((mag & 1) == 0 || mag > (1 << width) - 1) shape_ok = false;
    Bn term = bn_word(static_cast<uint64_t>(mag));
    EXPECT_EQ(BN_lshift(term.get(), term.get(), pos), 1);
    sum = d > 0 ? bn_add(sum.get(), term.get()) : bn_sub(sum.get(), term.get());
  };
  for (int pos = 128 - W; pos >= LOW; pos -= W) {
    const int d = secp::recoder_next<W>(r, pos == 128 - W);
    if (pos == 128 - W && (d > 0) == negative) shape_ok = false;  // the top digit carries the sign
    add(d, pos, W);
  }
  if constexpr (LOW > 0) add(secp::recoder_next<LOW>(r, false), 0, LOW);
  const int fix = secp::recoder_correction(r);
  if (fix != 0) add(fix, 0, 1);
  bad.check(shape_ok, [&] { return where() + ": a digit even or too large, or the top digit of the wrong sign"; });
  Bn want = negative ? bn_sub(bn_of(v).get(), order_ref().m()) : bn_of(v);  // s - n = -(n - s)
  bad.check(BN_cmp(sum.get(), want.get()) == 0, [&] { return where() + ": digits do not sum to the value"; });
}

TEST(SecpRecoding, DigitsReconstructTheScalar) {
  SeededRng rng;
  const ModRef& N = order_ref();
  std::vector<U256> values;
  // Magnitudes below 2^128, each as itself and as its negation n - m.
  std::vector<U256> mags = {U256{},
                            u256_word(1),
                            u256_word(2),
                            u256_word(15),
                            u256_word(16),
                            u256_word(31),
                            u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"),
                            u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFE"),
                            u256_hex("80000000000000000000000000000000"),
                            u256_hex("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"),
                            u256_hex("55555555555555555555555555555555"),
                            u256_hex("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                            u256_hex("F7BDEF7BDEF7BDEF7BDEF7BDEF7BDEF7"),
                            u256_hex("FFF7FFBFFDFFEFFF7FFBFFDFFEFFF7FF")};
  for (int k = 0; k < 128; ++k) {
    mags.push_back(u256_of(bn_pow2(k).get()));
    mags.push_back(u256_of(bn_add_i(bn_pow2(k + 1).get(), -1).get()));
  }
  for (int i = 0; i < 2000; ++i) {
    U256 m = random_u256(rng);
    std::memset(m.data(), 0, 16 + rng() % 16);  // random widths up to 128 bits
    mags.push_back(m);
  }
  for (const U256& m : mags) {
    values.push_back(m);
    if (m != U256{}) values.push_back(N.neg(m));
  }
  // What ecmult feeds it: the halves of GLV splits and the 128-bit halves of ng.
  for (int i = 0; i < 1000; ++i) {
    const secp::ScalarSplit sp = secp::scalar_split_lambda(sc_of(random_scalar(rng)));
    values.push_back(sc_raw(sp.k1));
    values.push_back(sc_raw(sp.k2));
  }
  Mismatches bad;
  for (const U256& v : values) {
    check_recoding<secp::kWindowA, 0>(bad, v);
    check_recoding<secp::kWindowG, secp::kLowWindowG>(bad, v);
    check_recoding<5, 3>(bad, v);
    check_recoding<1, 0>(bad, v);  // digits +-1: every bit of h on its own
  }
  EXPECT_EQ(bad.count(), 0u);
  // 2^128 - 1 (odd): h = 2^127 - 1, every 4-bit window 15 -> digit +15, the top one 2*7 + 1.
  secp::OddRecoder r = secp::recoder_start(sc_of(u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")));
  EXPECT_EQ(secp::recoder_next<4>(r, true), 15);
  EXPECT_EQ(secp::recoder_next<4>(r, false), 15);
  EXPECT_EQ(secp::recoder_correction(r), 0);
  // 0 is recoded as 1 with a correction of -1: the top digit 1, every other -15.
  r = secp::recoder_start(Scalar{});
  EXPECT_EQ(secp::recoder_next<4>(r, true), 1);
  EXPECT_EQ(secp::recoder_next<4>(r, false), -15);
  EXPECT_EQ(secp::recoder_correction(r), -1);
  // n - 2 is -2: recoded as -(2 + 1), corrected by +1.
  r = secp::recoder_start(sc_of(n_plus(-2)));
  EXPECT_EQ(secp::recoder_next<4>(r, true), -1);
  EXPECT_EQ(secp::recoder_correction(r), 1);
}

// ---- group ---------------------------------------------------------------------

Ge ge_of_pubkey(const secp256k1_pubkey& pk) {
  uint8_t out[65];
  size_t len = 65;
  EXPECT_EQ(secp256k1_ec_pubkey_serialize(ctx(), out, &len, &pk, SECP256K1_EC_UNCOMPRESSED), 1);
  Ge g;
  g.x = secp::fe_from_b32_raw(out + 1);
  g.y = secp::fe_from_b32_raw(out + 33);
  g.infinity = false;
  return g;
}
std::string pk_hex(const secp256k1_pubkey& pk) {
  uint8_t out[65];
  size_t len = 65;
  EXPECT_EQ(secp256k1_ec_pubkey_serialize(ctx(), out, &len, &pk, SECP256K1_EC_UNCOMPRESSED), 1);
  return to_hex(ByteView(out, len));
}
std::string ge_hex(const Ge& g) {
  if (g.infinity) return "infinity";
  uint8_t out[65];
  out[0] = 0x04;
  secp::fe_to_b32(out + 1, g.x);
  secp::fe_to_b32(out + 33, g.y);
  return to_hex(ByteView(out, 65));
}
std::string gej_hex(const Gej& g) { return ge_hex(secp::ge_from_gej(g)); }

secp256k1_pubkey pk_create(const U256& k) {
  secp256k1_pubkey pk;
  EXPECT_EQ(secp256k1_ec_pubkey_create(ctx(), &pk, k.data()), 1) << hex32(k);
  return pk;
}
secp256k1_pubkey pk_mul(secp256k1_pubkey pk, const U256& k) {
  EXPECT_EQ(secp256k1_ec_pubkey_tweak_mul(ctx(), &pk, k.data()), 1) << hex32(k);
  return pk;
}
secp256k1_pubkey pk_neg(secp256k1_pubkey pk) {
  EXPECT_EQ(secp256k1_ec_pubkey_negate(ctx(), &pk), 1);
  return pk;
}
// a + b, or "infinity" where combine refuses (the sum is infinity).
std::string pk_sum_hex(const secp256k1_pubkey& a, const secp256k1_pubkey& b) {
  const secp256k1_pubkey* ins[2] = {&a, &b};
  secp256k1_pubkey out;
  if (secp256k1_ec_pubkey_combine(ctx(), &out, ins, 2) != 1) return "infinity";
  return pk_hex(out);
}

// The same point in Jacobian coordinates with a random Z.
Gej random_z(const Ge& a, std::mt19937_64& rng) {
  Fe z;
  do {
    z = fe_of(random_u256(rng));
  } while (secp::fe_is_zero(z));
  const Fe z2 = secp::fe_sqr(z);
  Gej r;
  r.x = secp::fe_mul(a.x, z2);
  r.y = secp::fe_mul(a.y, secp::fe_mul(z2, z));
  r.z = z;
  r.infinity = a.infinity;
  return r;
}

Ge ge_infinity() {
  Ge g{};
  g.infinity = true;
  return g;
}

// Our parse against secp256k1_ec_pubkey_parse: same verdict, and when both
// accept, the same point.
void check_parse(Mismatches& bad, const Bytes& in, size_t* accepted = nullptr) {
  secp256k1_pubkey pk;
  static const uint8_t kNothing[1] = {0};  // libsecp256k1 aborts on a null input
  const bool ref = secp256k1_ec_pubkey_parse(ctx(), &pk, in.empty() ? kNothing : in.data(), in.size()) == 1;
  Ge g{};
  const bool got = secp::pubkey_parse(g, in.data(), static_cast<uint32_t>(in.size()));
  if (accepted) *accepted += ref;
  if (!bad.check(got == ref, [&] {
        return "pubkey_parse(" + to_hex(in) + "): ours " + std::to_string(got) + ", libsecp256k1 " +
               std::to_string(ref);
      }))
    return;
  if (got) {
    bad.check(ge_hex(g) == pk_hex(pk) && secp::ge_is_valid(g),
              [&] { return "pubkey_parse(" + to_hex(in) + "): point"; });
  }
}

Bytes cat(std::initializer_list<uint8_t> prefix, const U256& x) {
  Bytes b(prefix);
  b.insert(b.end(), x.begin(), x.end());
  return b;
}
Bytes cat(std::initializer_list<uint8_t> prefix, const U256& x, const U256& y) {
  Bytes b = cat(prefix, x);
  b.insert(b.end(), y.begin(), y.end());
  return b;
}

TEST(SecpGroup, PubkeyParseMatchesLibsecp256k1) {
  SeededRng rng;
  const ModRef& F = field_ref();
  Mismatches bad;
  size_t accepted = 0, tried = 0;
  auto parse = [&](const Bytes& in) {
    ++tried;
    check_parse(bad, in, &accepted);
  };
  for (int i = 0; i < 300; ++i) {
    const secp256k1_pubkey pk = pk_create(random_nonzero_scalar(rng));
    uint8_t u[65];
    size_t len = 65;
    ASSERT_EQ(secp256k1_ec_pubkey_serialize(ctx(), u, &len, &pk, SECP256K1_EC_UNCOMPRESSED), 1);
    U256 x, y;
    std::memcpy(x.data(), u + 1, 32);
    std::memcpy(y.data(), u + 33, 32);
    const uint8_t odd = y[31] & 1;
    parse(cat({0x04}, x, y));
    parse(cat({static_cast<uint8_t>(0x02 | odd)}, x));
    parse(cat({static_cast<uint8_t>(0x03 ^ odd)}, x));  // the other y: also a valid key
    parse(cat({static_cast<uint8_t>(0x06 | odd)}, x, y));
    parse(cat({static_cast<uint8_t>(0x07 ^ odd)}, x, y));  // hybrid with the wrong parity
    parse(cat({0x04}, x, F.neg(y)));                       // (x, -y): on the curve
    parse(cat({0x04}, x, F.add(y, u256_word(1))));         // off the curve
    parse(cat({0x04}, F.add(x, u256_word(1)), y));
    // Coordinates >= p: x + p or y + p where it fits in 32 bytes, else p + small.
    parse(cat({0x04}, u256_of(bn_add_i(F.m(), static_cast<int64_t>(rng() % 1000)).get()), y));
    parse(cat({0x04}, x, u256_of(bn_add_i(F.m(), static_cast<int64_t>(rng() % 1000)).get())));
    // A random x: about half have a point.
    parse(cat({static_cast<uint8_t>(0x02 + rng() % 2)}, random_u256(rng)));
    // Lengths one off, and a body with the other length's prefix.
    Bytes c = cat({0x02}, x);
    c.push_back(0);
    parse(c);
    c.resize(32);
    parse(c);
    parse(cat({0x04}, x));
    parse(cat({0x02}, x, y));
    Bytes u65 = cat({0x04}, x, y);
    u65.pop_back();
    parse(u65);
    // Every prefix on a valid body of each length.
    if (i < 3) {
      for (int pre = 0; pre < 256; ++pre) {
        parse(cat({static_cast<uint8_t>(pre)}, x));
        parse(cat({static_cast<uint8_t>(pre)}, x, y));
      }
    }
  }
  // x near 0 and near p (large and small coordinates, both parities), x >= p
  // (which a parser reducing mod p would take for x - p).
  for (uint64_t k = 0; k < 64; ++k) {
    for (int pre : {0x02, 0x03}) {
      const uint8_t tag = static_cast<uint8_t>(pre);
      parse(cat({tag}, u256_word(k)));
      parse(cat({tag}, u256_of(bn_sub(F.m(), bn_word(k + 1).get()).get())));
      parse(cat({tag}, u256_of(bn_add_i(F.m(), static_cast<int64_t>(k)).get())));
    }
  }
  // Points with a small coordinate c, also written with c + p (< 2^256): the
  // same field element, an encoding libsecp256k1 refuses, and one a parser
  // that reduced coordinates mod p (no limit check) would accept.
  // Small x: y from decompression. Small y: x = cbrt(y^2 - 7), computed as
  // (y^2 - 7)^((p + 2) / 9) (valid as p = 7 mod 9) where that cubes back;
  // beta * x and beta^2 * x are the other two.
  ASSERT_EQ(BN_mod_word(F.m(), 9), 7u);
  Bn cube_exp = bn_add_i(F.m(), 2);
  ASSERT_EQ(BN_div_word(cube_exp.get(), 9), 0u);
  size_t small_x = 0, small_y = 0;
  // The coordinate and, where it fits in 32 bytes, the coordinate + p.
  auto encodings = [&](const U256& c) {
    std::vector<U256> out = {c};
    Bn cp = bn_add(bn_of(c).get(), F.m());
    if (BN_num_bits(cp.get()) <= 256) out.push_back(u256_of(cp.get()));
    return out;
  };
  auto parse_point = [&](const U256& x, const U256& y) {
    const std::vector<U256> xs = encodings(x), ys = encodings(y);
    for (const U256* xx : {&xs.front(), &xs.back()}) {
      for (const U256* yy : {&ys.front(), &ys.back()}) {
        parse(cat({0x04}, *xx, *yy));
        parse(cat({0x06}, *xx, *yy));
        parse(cat({0x07}, *xx, *yy));
      }
      parse(cat({static_cast<uint8_t>(0x02 | (y[31] & 1))}, *xx));
    }
  };
  for (uint64_t k = 0; k < 64; ++k) {
    secp256k1_pubkey pk;
    if (secp256k1_ec_pubkey_parse(ctx(), &pk, cat({0x02}, u256_word(k)).data(), 33) == 1) {
      uint8_t u[65];
      size_t len = 65;
      ASSERT_EQ(secp256k1_ec_pubkey_serialize(ctx(), u, &len, &pk, SECP256K1_EC_UNCOMPRESSED), 1);
      U256 y;
      std::memcpy(y.data(), u + 33, 32);
      parse_point(u256_word(k), y);
      ++small_x;
    }
    const U256 y = u256_word(k), rhs = F.sub(F.sqr(y), u256_word(7));
    Bn x = bn_new();
    ASSERT_EQ(BN_mod_exp(x.get(), bn_of(rhs).get(), cube_exp.get(), F.m(), bn_ctx()), 1);
    const U256 x0 = u256_of(x.get());
    if (F.mul(F.sqr(x0), x0) == rhs) {
      const U256 b = fe_raw(secp::beta());
      for (const U256& xb : {x0, F.mul(x0, b), F.mul(F.mul(x0, b), b)}) parse_point(xb, y);
      ++small_y;
    }
  }
  EXPECT_GT(small_x, 10u);
  EXPECT_GT(small_y, 10u);
  parse(cat({0x02}, u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")));
  parse(cat({0x04}, U256{}, U256{}));  // the "point at infinity" some encoders write
  for (size_t n = 0; n <= 70; ++n) {
    Bytes b(n, 0);
    if (n > 0) b[0] = 0x02;
    parse(b);
    if (n > 0) b[0] = 0x04;
    parse(b);
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(accepted, 1000u);
  EXPECT_LT(accepted, tried - 1000);
}

TEST(SecpGroup, XonlyParseMatchesLibsecp256k1) {
  SeededRng rng;
  const ModRef& F = field_ref();
  std::vector<U256> xs;
  for (int i = 0; i < 1000; ++i) xs.push_back(random_u256(rng));
  for (uint64_t k = 0; k < 64; ++k) {
    xs.push_back(u256_word(k));
    xs.push_back(u256_of(bn_sub(F.m(), bn_word(k + 1).get()).get()));
    xs.push_back(u256_of(bn_add_i(F.m(), static_cast<int64_t>(k)).get()));
  }
  Mismatches bad;
  size_t accepted = 0;
  for (const U256& x : xs) {
    secp256k1_xonly_pubkey ref;
    const bool ok_ref = secp256k1_xonly_pubkey_parse(ctx(), &ref, x.data()) == 1;
    Ge g{};
    const bool ok = secp::xonly_parse(g, x.data());
    accepted += ok_ref;
    if (!bad.check(ok == ok_ref, [&] { return "xonly_parse(" + hex32(x) + ")"; }) || !ok) continue;
    // The point is (x, even y): libsecp256k1's as a full key is 02 || x.
    secp256k1_pubkey full;
    bool ok_full = secp256k1_ec_pubkey_parse(ctx(), &full, cat({0x02}, x).data(), 33) == 1;
    bad.check(ok_full && ge_hex(g) == pk_hex(full), [&] { return "xonly_parse(" + hex32(x) + "): point"; });
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(accepted, 300u);
  EXPECT_LT(accepted, xs.size() - 300);
}

TEST(SecpGroup, AddMatchesCombine) {
  SeededRng rng;
  Mismatches bad;
  for (int i = 0; i < 1000; ++i) {
    const secp256k1_pubkey p = pk_create(random_nonzero_scalar(rng)), q = pk_create(random_nonzero_scalar(rng));
    const Ge gp = ge_of_pubkey(p), gq = ge_of_pubkey(q);
    const std::string want = pk_sum_hex(p, q);
    auto where = [&](const char* how) {
      return [&, how] { return std::string(how) + " of " + pk_hex(p) + " + " + pk_hex(q); };
    };
    bad.check(gej_hex(secp::gej_add(secp::gej_from_ge(gp), secp::gej_from_ge(gq))) == want, where("gej_add, z = 1"));
    bad.check(gej_hex(secp::gej_add(random_z(gp, rng), random_z(gq, rng))) == want, where("gej_add, random z"));
    bad.check(gej_hex(secp::gej_add_ge(random_z(gp, rng), gq)) == want, where("gej_add_ge, random z"));
    bad.check(gej_hex(secp::gej_add_ge(secp::gej_from_ge(gq), gp)) == want, where("gej_add_ge, swapped"));
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(SecpGroup, AddSpecialCases) {
  SeededRng rng;
  Mismatches bad;
  const Gej inf = secp::gej_infinity();
  const Ge inf_ge = ge_infinity();
  for (int i = 0; i < 200; ++i) {
    const secp256k1_pubkey p = i == 0 ? pk_create(u256_word(1)) : pk_create(random_nonzero_scalar(rng));
    const Ge gp = ge_of_pubkey(p);
    const std::string twice = pk_sum_hex(p, p);  // combine(P, P)
    const std::string w = pk_hex(p);
    // P + P: the doubling branch, in both adds, equal to gej_double and to 2P.
    bad.check(twice == pk_hex(pk_mul(p, u256_word(2))), [&] { return "combine(P, P) vs 2P for " + w; });
    bad.check(gej_hex(secp::gej_add(random_z(gp, rng), random_z(gp, rng))) == twice,
              [&] { return "gej_add P+P " + w; });
    bad.check(gej_hex(secp::gej_add_ge(random_z(gp, rng), gp)) == twice, [&] { return "gej_add_ge P+P " + w; });
    bad.check(gej_hex(secp::gej_double(random_z(gp, rng))) == twice, [&] { return "gej_double " + w; });
    // P + (-P): infinity, and combine refuses.
    const secp256k1_pubkey np = pk_neg(p);
    const Ge gnp = ge_of_pubkey(np);
    bad.check(pk_sum_hex(p, np) == "infinity", [&] { return "combine(P, -P) " + w; });
    bad.check(ge_hex(secp::ge_neg(gp)) == pk_hex(np), [&] { return "ge_neg " + w; });
    const Gej s1 = secp::gej_add(random_z(gp, rng), random_z(gnp, rng));
    const Gej s2 = secp::gej_add_ge(random_z(gp, rng), gnp);
    const Gej s3 = secp::gej_add_ge(random_z(gp, rng), secp::ge_neg(gp));
    bad.check(s1.infinity && s2.infinity && s3.infinity, [&] { return "P + (-P) not infinity " + w; });
    // Infinity on either side, and the sum after it.
    bad.check(gej_hex(secp::gej_add(inf, random_z(gp, rng))) == w, [&] { return "inf + P (gej_add) " + w; });
    bad.check(gej_hex(secp::gej_add(random_z(gp, rng), inf)) == w, [&] { return "P + inf (gej_add) " + w; });
    bad.check(gej_hex(secp::gej_add_ge(inf, gp)) == w, [&] { return "inf + P (gej_add_ge) " + w; });
    bad.check(gej_hex(secp::gej_add_ge(random_z(gp, rng), inf_ge)) == w, [&] { return "P + inf (gej_add_ge) " + w; });
    bad.check(gej_hex(secp::gej_add_ge(s1, gp)) == w, [&] { return "(P + -P) + P " + w; });
  }
  EXPECT_TRUE(secp::gej_add(inf, inf).infinity);
  EXPECT_TRUE(secp::gej_add_ge(inf, inf_ge).infinity);
  EXPECT_TRUE(secp::gej_double(inf).infinity);
  EXPECT_TRUE(secp::ge_from_gej(inf).infinity);
  EXPECT_FALSE(secp::ge_is_valid(inf_ge));
  EXPECT_TRUE(secp::ge_is_valid(secp::generator()));
  EXPECT_EQ(bad.count(), 0u);
}

TEST(SecpGroup, DoubleMatchesTweakMul) {
  SeededRng rng;
  Mismatches bad;
  for (int i = 0; i < 100; ++i) {
    const secp256k1_pubkey p = pk_create(random_nonzero_scalar(rng));
    Gej j = random_z(ge_of_pubkey(p), rng);
    for (int k = 1; k <= 20; ++k) {
      j = secp::gej_double(j);
      const secp256k1_pubkey want = pk_mul(p, u256_of(bn_pow2(k).get()));
      bad.check(gej_hex(j) == pk_hex(want), [&] { return "2^" + std::to_string(k) + " * " + pk_hex(p); });
      Gej jr = random_z(ge_of_pubkey(want), rng);
      bad.check(secp::gej_x_equals(j, secp::fe_normalized(ge_of_pubkey(want).x)) &&
                    !secp::gej_x_equals(jr, secp::fe_add(ge_of_pubkey(want).x, secp::fe_from_int(1))),
                [&] { return "gej_x_equals for 2^" + std::to_string(k) + " * " + pk_hex(p); });
    }
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(SecpGroup, NegAndLambda) {
  SeededRng rng;
  const ModRef& F = field_ref();
  // beta is a nontrivial cube root of 1 mod p.
  const U256 b = fe_raw(secp::beta());
  EXPECT_NE(b, u256_word(1));
  EXPECT_EQ(F.mul(F.mul(b, b), b), u256_word(1));
  Mismatches bad;
  for (int i = 0; i < 300; ++i) {
    const secp256k1_pubkey p = i == 0 ? pk_create(u256_word(1)) : pk_create(random_nonzero_scalar(rng));
    const Ge gp = ge_of_pubkey(p);
    bad.check(ge_hex(secp::ge_mul_lambda(gp)) == pk_hex(pk_mul(p, lambda_bytes())),
              [&] { return "ge_mul_lambda " + pk_hex(p); });
    bad.check(ge_hex(secp::ge_neg(gp)) == pk_hex(pk_neg(p)), [&] { return "ge_neg " + pk_hex(p); });
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(SecpGroup, BatchAffineAndOddMultiples) {
  SeededRng rng;
  Mismatches bad;
  for (int n : {1, 2, 3, 7, 33}) {
    std::vector<Gej> in;
    std::vector<std::string> want;
    for (int i = 0; i < n; ++i) {
      const secp256k1_pubkey p = pk_create(random_nonzero_scalar(rng));
      in.push_back(random_z(ge_of_pubkey(p), rng));
      want.push_back(pk_hex(p));
    }
    std::vector<Ge> out(n);
    std::vector<Fe> scratch(n);
    secp::ge_from_gej_batch(out.data(), in.data(), n, scratch.data());
    for (int i = 0; i < n; ++i) {
      bad.check(ge_hex(out[i]) == want[i],
                [&] { return "ge_from_gej_batch n=" + std::to_string(n) + " i=" + std::to_string(i); });
    }
  }
  for (int t = 0; t < 50; ++t) {
    const secp256k1_pubkey p = t == 0 ? pk_create(u256_word(1)) : pk_create(random_nonzero_scalar(rng));
    // A strided layout, as the GPU's shared memory has, with neighbours' words untouched.
    constexpr uint32_t kStride = 3;
    std::vector<uint32_t> words(secp::kOddTableWords * kStride, 0xA5A5A5A5u);
    const secp::OddTable table{words.data() + 1, kStride};
    secp::odd_multiples(table, ge_of_pubkey(p));
    for (size_t w = 0; w < words.size(); ++w) {
      if (w % kStride != 1) {
        bad.check(words[w] == 0xA5A5A5A5u, [&] { return "odd_multiples wrote outside its column"; });
      }
    }
    for (int i = 0; i < secp::kTableA; ++i) {
      const secp::GeStorage e = secp::odd_table_load(table, i);
      bad.check(ge_hex(Ge{e.x, e.y, false}) == pk_hex(pk_mul(p, u256_word(2 * i + 1))),
                [&] { return "odd_multiples[" + std::to_string(i) + "] of " + pk_hex(p); });
    }
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(SecpGroup, GTables) {
  SeededRng rng;
  const ModRef& N = order_ref();
  const secp::GTableStorage& t = secp::host_g_tables();
  ASSERT_EQ(t.g.size(), static_cast<size_t>(secp::kTableG));
  ASSERT_EQ(t.g128.size(), static_cast<size_t>(secp::kTableG));
  std::vector<int> idx = {0, 1, 2, 3, secp::kTableG - 2, secp::kTableG - 1};
  for (int i = 0; i < 40; ++i) idx.push_back(static_cast<int>(rng() % secp::kTableG));
  const U256 two128 = u256_hex("100000000000000000000000000000000");
  Mismatches bad;
  for (int i : idx) {
    const U256 k = u256_word(2 * static_cast<uint64_t>(i) + 1);
    auto hex_of = [](const secp::GeStorage& e) { return ge_hex(Ge{e.x, e.y, false}); };
    bad.check(hex_of(t.g[i]) == pk_hex(pk_create(k)), [&] { return "g[" + std::to_string(i) + "]"; });
    bad.check(hex_of(t.g128[i]) == pk_hex(pk_create(N.mul(k, two128))),
              [&] { return "g128[" + std::to_string(i) + "]"; });
    // Stored normalized (the device compares limbs).
    bad.check(fe_raw(t.g[i].x) == fe_val(t.g[i].x) && fe_raw(t.g[i].y) == fe_val(t.g[i].y),
              [&] { return "g[" + std::to_string(i) + "] not normalized"; });
  }
  EXPECT_EQ(bad.count(), 0u);
}

// ---- ecmult --------------------------------------------------------------------

// na * A + ng * G by libsecp256k1: tweak_mul and pubkey_create, combined.
std::string ref_ecmult(const secp256k1_pubkey& a, const U256& na, const U256& ng) {
  const bool has_a = na != U256{}, has_g = ng != U256{};
  if (!has_a && !has_g) return "infinity";
  if (!has_g) return pk_hex(pk_mul(a, na));
  if (!has_a) return pk_hex(pk_create(ng));
  return pk_sum_hex(pk_mul(a, na), pk_create(ng));
}

TEST(SecpEcmult, MatchesTweakMulPlusCreate) {
  SeededRng rng;
  const secp::GTables tables = secp::host_g_tables().view();
  Mismatches bad;
  size_t infinities = 0, total = 0;
  auto run = [&](const secp256k1_pubkey& a, const U256& na, const U256& ng) {
    ++total;
    const std::string want = ref_ecmult(a, na, ng);
    infinities += want == "infinity";
    bad.check(gej_hex(secp::ecmult(ge_of_pubkey(a), sc_of(na), sc_of(ng), tables)) == want,
              [&] { return "ecmult(" + pk_hex(a) + ", " + hex32(na) + ", " + hex32(ng) + "): libsecp256k1 " + want; });
  };
  const std::vector<U256> edges = scalar_edges();
  const secp256k1_pubkey g = pk_create(u256_word(1));
  for (int i = 0; i < 12; ++i) {
    const secp256k1_pubkey a = i == 0 ? g : pk_create(random_nonzero_scalar(rng));
    for (const U256& na : edges) run(a, na, random_scalar(rng));
    for (const U256& ng : edges) run(a, random_scalar(rng), ng);
    // na = 0, ng = 0, na = 1, na = n - 1 (-A).
    run(a, U256{}, U256{});
    run(a, u256_word(1), U256{});
    run(a, n_plus(-1), U256{});
    run(a, n_plus(-1), u256_word(1));
  }
  for (const U256& na : edges) {
    for (const U256& ng : edges) run(g, na, ng);  // A = G: sums that meet doubling and cancellation
  }
  for (int i = 0; i < 600; ++i) {
    run(pk_create(random_nonzero_scalar(rng)), random_scalar_mix(rng), random_scalar_mix(rng));
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(infinities, 0u);
  EXPECT_GT(total, 2000u);
}

// Results at infinity: na * A = -ng * G.
TEST(SecpEcmult, InfinityResults) {
  SeededRng rng;
  const ModRef& N = order_ref();
  const secp::GTables tables = secp::host_g_tables().view();
  Mismatches bad;
  for (int i = 0; i < 200; ++i) {
    // A = d * G; na * d + ng = 0.
    const U256 d = i == 0 ? u256_word(1) : random_nonzero_scalar(rng);
    const U256 na = i < 4 ? scalar_edges()[static_cast<size_t>(i) + 1] : random_nonzero_scalar(rng);
    const U256 ng = N.neg(N.mul(na, d));
    const secp256k1_pubkey a = pk_create(d);
    bad.check(ref_ecmult(a, na, ng) == "infinity", [&] { return "reference not infinity"; });
    const Gej r = secp::ecmult(ge_of_pubkey(a), sc_of(na), sc_of(ng), tables);
    bad.check(r.infinity,
              [&] { return "ecmult(" + pk_hex(a) + ", " + hex32(na) + ", " + hex32(ng) + ") not infinity"; });
    // One off is not infinity: ng + 1 gives G.
    const Gej r1 = secp::ecmult(ge_of_pubkey(a), sc_of(na), sc_of(N.add(ng, u256_word(1))), tables);
    bad.check(gej_hex(r1) == pk_hex(pk_create(u256_word(1))), [&] { return "ecmult one past infinity " + hex32(na); });
  }
  EXPECT_EQ(bad.count(), 0u);
}

// ---- constants -----------------------------------------------------------------

// The limbs the code keeps as immediates, against their definitions. (Some
// are unreachable through the API at the last unit: ECDSA's bound p - n
// decides only for an x(R) in {p - 1, p - 2, ..., 0}, and neither x = p - 1,
// p - 2 nor x = 0 is on the curve.)
TEST(SecpConstants, MatchTheirDefinitions) {
  const ModRef& F = field_ref();
  const ModRef& N = order_ref();
  uint32_t n_limbs[8], nc[8], half[8], pn[8];
  const U256 nb = u256_of(N.m()), ncb = u256_of(bn_sub(bn_pow2(256).get(), N.m()).get()), hb = half_n(),
             pnb = u256_of(bn_sub(F.m(), N.m()).get());
  std::memcpy(n_limbs, fe_of(nb).n, sizeof n_limbs);
  std::memcpy(nc, fe_of(ncb).n, sizeof nc);
  std::memcpy(half, fe_of(hb).n, sizeof half);
  std::memcpy(pn, fe_of(pnb).n, sizeof pn);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(secp::order_limb(i), n_limbs[i]) << "n, limb " << i;
    EXPECT_EQ(secp::half_order_limb(i), half[i]) << "n/2, limb " << i;
    EXPECT_EQ(secp::p_minus_order_limb(i), pn[i]) << "p - n, limb " << i;
    if (i < 5) {
      EXPECT_EQ(secp::complement_limb(i), nc[i]) << "2^256 - n, limb " << i;
    }
  }
  for (int i = 5; i < 8; ++i) EXPECT_EQ(nc[i], 0u);  // 2^256 - n has five limbs
  EXPECT_EQ(ge_hex(secp::generator()), pk_hex(pk_create(u256_word(1))));
  EXPECT_EQ(fe_raw(secp::generator().x), fe_val(secp::generator().x));
  // The BIP340 challenge tag's hash.
  const std::string tag = "BIP0340/challenge";
  uint8_t want[32], got[32];
  unsigned len = 0;
  ASSERT_EQ(EVP_Digest(tag.data(), tag.size(), want, &len, EVP_sha256(), nullptr), 1);
  sha::digest_words_to_bytes(secp::challenge_tag_hash(), got);
  EXPECT_EQ(to_hex(ByteView(got, 32)), to_hex(ByteView(want, 32)));
}

// ---- ECDSA edges ---------------------------------------------------------------

// Our ecdsa_verify and secp256k1_ecdsa_verify (which requires low S) on the
// compact (r, s): libsecp256k1 refuses r or s >= n at parsing.
struct EcdsaVerdicts {
  bool ours_any_s, ours_low_s, ref_low_s, ref_any_s;
};
EcdsaVerdicts verify_both(const secp256k1_pubkey& q, const U256& r, const U256& s, const U256& m) {
  const secp::GTables tables = secp::host_g_tables().view();
  EcdsaVerdicts v{};
  const Ge gq = ge_of_pubkey(q);
  uint32_t words[secp::kOddTableWords];
  const secp::OddTable scratch{words, 1};
  v.ours_any_s = secp::ecdsa_verify(gq, r.data(), s.data(), m.data(), false, tables, scratch);
  v.ours_low_s = secp::ecdsa_verify(gq, r.data(), s.data(), m.data(), true, tables, scratch);
  uint8_t compact[64];
  std::memcpy(compact, r.data(), 32);
  std::memcpy(compact + 32, s.data(), 32);
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ecdsa_signature_parse_compact(ctx(), &sig, compact) == 1) {
    v.ref_low_s = secp256k1_ecdsa_verify(ctx(), &sig, m.data(), &q) == 1;
    secp256k1_ecdsa_signature_normalize(ctx(), &sig, &sig);
    v.ref_any_s = secp256k1_ecdsa_verify(ctx(), &sig, m.data(), &q) == 1;
  }
  return v;
}

// The key Q for which (r, s) signs digest m with the nonce point R:
// Q = r^-1 (s R - m G), so that (m/s) G + (r/s) Q = R.
secp256k1_pubkey key_for(const secp256k1_pubkey& R, const U256& r, const U256& s, const U256& m) {
  const ModRef& N = order_ref();
  const secp256k1_pubkey sR = pk_mul(R, s);
  const secp256k1_pubkey mG = pk_neg(pk_create(m));
  const secp256k1_pubkey* ins[2] = {&sR, &mG};
  secp256k1_pubkey t;
  EXPECT_EQ(secp256k1_ec_pubkey_combine(ctx(), &t, ins, 2), 1);
  return pk_mul(t, N.inv(r));
}

// The first point with x = start + k*step, k = 0, 1, ..., and its x.
bool find_point(const BIGNUM* start, int64_t step, secp256k1_pubkey* out, U256* x) {
  for (int64_t k = 0; k < 2000; ++k) {
    *x = u256_of(bn_add_i(start, k * step).get());
    if (secp256k1_ec_pubkey_parse(ctx(), out, cat({0x02}, *x).data(), 33) == 1) return true;
  }
  return false;
}

TEST(SecpEcdsa, RPlusNBranch) {
  SeededRng rng;
  const ModRef& N = order_ref();
  const ModRef& F = field_ref();
  const Bn p_minus_n = bn_sub(F.m(), N.m());
  // x(R) = n + t for the smallest t >= 1 with a point, and for the largest
  // t < p - n (x(R) just below p): the signature's r is t.
  for (int which = 0; which < 2; ++which) {
    SCOPED_TRACE(which == 0 ? "x(R) = n + small" : "x(R) just below p");
    secp256k1_pubkey R;
    U256 x;
    ASSERT_TRUE(which == 0 ? find_point(bn_add_i(N.m(), 1).get(), 1, &R, &x)
                           : find_point(bn_add_i(F.m(), -1).get(), -1, &R, &x));
    const U256 r = u256_of(bn_sub(bn_of(x).get(), N.m()).get());
    ASSERT_LT(BN_cmp(bn_of(r).get(), p_minus_n.get()), 0);
    ASSERT_NE(r, U256{});
    for (int i = 0; i < 8; ++i) {
      // s small (so s + n fits in 32 bytes) or random; m random or >= n.
      const U256 s = i < 4 ? u256_word(1 + rng() % 1000) : random_nonzero_scalar(rng);
      const U256 m = random_nonzero_scalar(rng);
      const secp256k1_pubkey q = key_for(R, r, s, m);
      const EcdsaVerdicts v = verify_both(q, r, s, m);
      EXPECT_TRUE(v.ref_any_s) << "reference: constructed signature invalid, r " << hex32(r);
      EXPECT_TRUE(v.ours_any_s) << "r " << hex32(r) << " s " << hex32(s);
      EXPECT_EQ(v.ours_low_s, v.ref_low_s) << "r " << hex32(r) << " s " << hex32(s);
      // n - s: the same verdict without the low-S rule.
      const EcdsaVerdicts vn = verify_both(q, r, N.neg(s), m);
      EXPECT_TRUE(vn.ref_any_s && vn.ours_any_s) << "r " << hex32(r) << " n - s";
      EXPECT_EQ(vn.ours_low_s, vn.ref_low_s);
      // r + n (same r mod n) is out of range, as is the same s + n.
      const U256 r_plus_n = u256_of(bn_add(bn_of(r).get(), N.m()).get());
      const EcdsaVerdicts vr = verify_both(q, r_plus_n, s, m);
      EXPECT_FALSE(vr.ours_any_s || vr.ours_low_s || vr.ref_any_s) << "r + n accepted";
      if (i < 4) {
        const U256 s_plus_n = u256_of(bn_add(bn_of(s).get(), N.m()).get());
        const EcdsaVerdicts vs = verify_both(q, r, s_plus_n, m);
        EXPECT_FALSE(vs.ours_any_s || vs.ours_low_s || vs.ref_any_s) << "s + n accepted";
      }
      // Zero and out-of-range r or s.
      for (const U256& bad : {U256{}, n_plus(0), n_plus(1),
                              u256_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")}) {
        const EcdsaVerdicts b1 = verify_both(q, bad, s, m), b2 = verify_both(q, r, bad, m);
        EXPECT_FALSE(b1.ours_any_s || b1.ours_low_s || b1.ref_any_s) << "r = " << hex32(bad);
        EXPECT_FALSE(b2.ours_any_s || b2.ours_low_s || b2.ref_any_s) << "s = " << hex32(bad);
      }
    }
  }
  // x(R) = u small and r = u + (p - n): r + n = u + p is congruent to x(R)
  // mod p but is no field element, so the signature is invalid (x(R) mod n =
  // u != r). An implementation that skipped the r < p - n test would accept.
  secp256k1_pubkey R;
  U256 x;
  ASSERT_TRUE(find_point(bn_word(1).get(), 1, &R, &x));
  const U256 r = u256_of(bn_add(bn_of(x).get(), p_minus_n.get()).get());
  ASSERT_TRUE(N.less(r));
  for (int i = 0; i < 4; ++i) {
    const U256 s = random_nonzero_scalar(rng), m = random_nonzero_scalar(rng);
    const secp256k1_pubkey q = key_for(R, r, s, m);
    const EcdsaVerdicts v = verify_both(q, r, s, m);
    EXPECT_FALSE(v.ref_any_s);
    EXPECT_FALSE(v.ours_any_s) << "x(R) = " << hex32(x) << " accepted for r = x + p - n";
    // The honest signature for that R (r = x(R)) is valid.
    const secp256k1_pubkey q2 = key_for(R, x, s, m);
    const EcdsaVerdicts v2 = verify_both(q2, x, s, m);
    EXPECT_TRUE(v2.ref_any_s && v2.ours_any_s) << "x(R) = " << hex32(x);
  }
}

TEST(SecpEcdsa, LowSBoundary) {
  SeededRng rng;
  const ModRef& N = order_ref();
  const U256 h = half_n(), h1 = N.add(half_n(), u256_word(1));  // n - h = h + 1
  ASSERT_EQ(N.neg(h), h1);
  for (int i = 0; i < 20; ++i) {
    const secp256k1_pubkey R = pk_create(random_nonzero_scalar(rng));
    uint8_t ser[33];
    size_t len = 33;
    ASSERT_EQ(secp256k1_ec_pubkey_serialize(ctx(), ser, &len, &R, SECP256K1_EC_COMPRESSED), 1);
    U256 x;
    std::memcpy(x.data(), ser + 1, 32);
    const U256 r = N.reduce(x);
    const U256 m = random_nonzero_scalar(rng);
    // (r, h) and (r, n - h) = (r, h + 1) are both valid for this key.
    const secp256k1_pubkey q = key_for(R, r, h, m);
    const EcdsaVerdicts low = verify_both(q, r, h, m), high = verify_both(q, r, h1, m);
    EXPECT_TRUE(low.ref_low_s && low.ref_any_s && high.ref_any_s);
    EXPECT_FALSE(high.ref_low_s);
    EXPECT_TRUE(low.ours_any_s) << "s = n/2";
    EXPECT_TRUE(low.ours_low_s) << "s = n/2 with the low-S rule";
    EXPECT_TRUE(high.ours_any_s) << "s = n/2 + 1";
    EXPECT_FALSE(high.ours_low_s) << "s = n/2 + 1 with the low-S rule";
    // A wrong digest fails both ways.
    const EcdsaVerdicts wrong = verify_both(q, r, h, N.add(m, u256_word(1)));
    EXPECT_FALSE(wrong.ours_any_s || wrong.ours_low_s || wrong.ref_any_s);
  }
}

TEST(SecpEcdsa, InfinityAndDigestReduction) {
  SeededRng rng;
  const ModRef& N = order_ref();
  const secp256k1_pubkey g = pk_create(u256_word(1));
  for (int i = 0; i < 20; ++i) {
    // Q = G and m = n - r: (m + r)/s G is infinity, whose "x" must not match.
    const U256 r = random_nonzero_scalar(rng), s = random_nonzero_scalar(rng);
    const U256 m = N.neg(r);
    const EcdsaVerdicts v = verify_both(g, r, s, m);
    EXPECT_FALSE(v.ref_any_s);
    EXPECT_FALSE(v.ours_any_s || v.ours_low_s) << "R at infinity accepted, r " << hex32(r);
    // Also with a key d * G and m = -r d.
    const U256 d = random_nonzero_scalar(rng);
    const EcdsaVerdicts v2 = verify_both(pk_create(d), r, s, N.neg(N.mul(r, d)));
    EXPECT_FALSE(v2.ref_any_s || v2.ours_any_s || v2.ours_low_s);
  }
  // A digest >= n is reduced: m and m + n give the same verdict.
  for (int i = 0; i < 20; ++i) {
    const secp256k1_pubkey R = pk_create(random_nonzero_scalar(rng));
    uint8_t ser[33];
    size_t len = 33;
    ASSERT_EQ(secp256k1_ec_pubkey_serialize(ctx(), ser, &len, &R, SECP256K1_EC_COMPRESSED), 1);
    U256 x;
    std::memcpy(x.data(), ser + 1, 32);
    const U256 r = N.reduce(x), s = random_nonzero_scalar(rng);
    const U256 m = u256_word(1 + rng() % 1000);
    const U256 m_plus_n = u256_of(bn_add(bn_of(m).get(), N.m()).get());
    const secp256k1_pubkey q = key_for(R, r, s, m);
    const EcdsaVerdicts a = verify_both(q, r, s, m), b = verify_both(q, r, s, m_plus_n);
    EXPECT_TRUE(a.ref_any_s && a.ours_any_s) << "m " << hex32(m);
    EXPECT_TRUE(b.ref_any_s && b.ours_any_s) << "m + n";
    EXPECT_EQ(b.ours_low_s, b.ref_low_s);
  }
  // A zero digest: the key is r^-1 s R (m = 0).
  const secp256k1_pubkey R = pk_create(random_nonzero_scalar(rng));
  const Ge gr = ge_of_pubkey(R);
  const U256 x = fe_val(gr.x);
  const U256 r = N.reduce(x), s = random_nonzero_scalar(rng);
  const secp256k1_pubkey q = pk_mul(pk_mul(R, s), N.inv(r));
  for (const U256& m : {U256{}, n_plus(0)}) {
    const EcdsaVerdicts v = verify_both(q, r, s, m);
    EXPECT_TRUE(v.ref_any_s && v.ours_any_s) << "digest " << hex32(m);
  }
}

TEST(SecpEcdsa, RandomSignaturesMatchLibsecp256k1) {
  SeededRng rng;
  const ModRef& N = order_ref();
  Mismatches bad;
  size_t accepted = 0, total = 0;
  for (int i = 0; i < 200; ++i) {
    const U256 d = random_nonzero_scalar(rng), m = random_u256(rng);
    const secp256k1_pubkey q = pk_create(d);
    secp256k1_ecdsa_signature sig;
    ASSERT_EQ(secp256k1_ecdsa_sign(ctx(), &sig, m.data(), d.data(), nullptr, nullptr), 1);
    uint8_t compact[64];
    ASSERT_EQ(secp256k1_ecdsa_signature_serialize_compact(ctx(), compact, &sig), 1);
    U256 r, s;
    std::memcpy(r.data(), compact, 32);
    std::memcpy(s.data(), compact + 32, 32);
    U256 m2 = m;
    m2[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
    const struct {
      U256 r, s, m;
    } cases[] = {
        {r, s, m}, {r, N.neg(s), m}, {r, s, m2}, {N.add(r, u256_word(1)), s, m}, {r, N.add(s, u256_word(1)), m}};
    for (const auto& c : cases) {
      const EcdsaVerdicts v = verify_both(q, c.r, c.s, c.m);
      ++total;
      accepted += v.ours_any_s;
      bad.check(v.ours_any_s == v.ref_any_s && v.ours_low_s == v.ref_low_s,
                [&] { return "r " + hex32(c.r) + " s " + hex32(c.s) + " m " + hex32(c.m); });
    }
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_EQ(accepted, 400u);  // the signature and its n - s
  EXPECT_EQ(total, 1000u);
}

}  // namespace
}  // namespace vigil::test
