// The CPU's radix-2^51 Ed25519 arithmetic (engine/src/verify/ed25519_fe51,
// ge51, msm), against OpenSSL's BIGNUM and against the GPU kernels' 32-bit
// math (kernels/ed25519, itself tested against BIGNUM and libsodium in
// ed25519_math_test.cpp):
//   field   every operation on edge and random values and on chains of
//           results, BIGNUM mod p; the limb bounds of the contract at their
//           extremes; the constants against the 32-bit field's
//   group   decoding (ZIP-215) of edge and random encodings and every
//           operation, encoding for encoding with the 32-bit group
//   msm     the NAF's shape and value; straus_var against sums of the 32-bit
//           double_scalarmult; the base table against the GPU's
// VIGIL_TEST_SEED replays a run.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "ed25519/b_table.hpp"
#include "ed25519/schemes.hpp"
#include "kernels/bignum_ref.hpp"
#include "verify/ed25519_msm.hpp"

// The field's operations under the names bignum_ref.hpp's shared checks look
// up (by argument-dependent lookup in Fe51's namespace). fe_add carries, so
// that the random chains, which add results to results without bound, stay
// within the inputs the contract allows; the uncarried sum is tested on its
// own (LooseLimbsAtTheBounds).
namespace vigil::cpu::ed51 {
inline Fe51 fe_add(const Fe51& a, const Fe51& b) { return fe51_carry(fe51_add(a, b)); }
inline Fe51 fe_sub(const Fe51& a, const Fe51& b) { return fe51_sub(a, b); }
inline Fe51 fe_mul(const Fe51& a, const Fe51& b) { return fe51_mul(a, b); }
inline Fe51 fe_sqr(const Fe51& a) { return fe51_sqr(a); }
inline Fe51 fe_neg(const Fe51& a) { return fe51_neg(a); }
inline Fe51 fe_inv(const Fe51& a) { return fe51_invert(a); }
inline bool fe_equal(const Fe51& a, const Fe51& b) { return fe51_equal(a, b); }
}  // namespace vigil::cpu::ed51

namespace vigil::test {
namespace {

namespace ed = vigil::ed25519;
namespace h = vigil::cpu::ed51;
using h::Fe51;

constexpr ByteOrder kLittle = ByteOrder::little;
const char* const kP = "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED";

const ModRef& F() {
  static const ModRef r(kP, kLittle);
  return r;
}
U256 u256_of(const Bn& v) { return bytes_of<32>(v.get(), kLittle); }
U256 u256_word(uint64_t w) { return u256_of(bn_word(w)); }
U256 p_plus(int64_t k) { return u256_of(bn_add_i(F().m(), k)); }
std::string hexv(const U256& v) {
  U256 be = v;
  std::reverse(be.begin(), be.end());
  return "0x" + to_hex(ByteView(be.data(), be.size()));
}

// All 256 bits into limbs (the top limb takes 52), unreduced.
Fe51 load(const U256& v) {
  uint64_t w[4];
  std::memcpy(w, v.data(), 32);
  return Fe51{{w[0] & h::kMask51, ((w[0] >> 51) | (w[1] << 13)) & h::kMask51, ((w[1] >> 38) | (w[2] << 26)) & h::kMask51,
               ((w[2] >> 25) | (w[3] << 39)) & h::kMask51, w[3] >> 12}};
}
U256 value(const Fe51& a) {
  U256 out;
  h::fe51_to_bytes(out.data(), a);
  return out;
}
// The value of arbitrary limbs, sum v[i] 2^(51 i), mod p.
U256 limbs_value(const Fe51& a) {
  Bn sum = bn_new();
  for (int i = 4; i >= 0; --i) {
    Bn shifted = bn_new();
    EXPECT_EQ(BN_lshift(shifted.get(), sum.get(), 51), 1);
    sum = bn_add(shifted.get(), bn_word(a.v[i]).get());
  }
  return u256_of(F().mod(sum.get()));
}
// The 32-bit field's element of the same value.
ed::Fe kernel_fe(const U256& v) {
  ed::Fe f;
  std::memcpy(f.n, v.data(), 32);
  return f;
}
U256 kernel_value(const ed::Fe& a) {
  U256 out;
  ed::fe_to_bytes(out.data(), a);
  return out;
}

Fe51 sqr3(const Fe51& a) { return h::fe51_sqr_n(a, 3); }
U256 sqr3_ref(const ModRef& P, const U256& a) { return P.sqr(P.sqr(P.sqr(a))); }

const FieldUnderTest<Fe51>& field51() {
  static const FieldUnderTest<Fe51> f{&F(), load, value, hexv, sqr3, sqr3_ref};
  return f;
}

// The named values: 0, 1, 2, 19, p - 1, p, p + 1, p + 18 = 2^255 - 1, 2^255,
// 2p, 2^256 - 1, limb boundaries of radix 2^51, the curve's constants.
std::vector<U256> edges51() {
  std::vector<U256> v;
  for (uint64_t w : {0ull, 1ull, 2ull, 19ull, 38ull, (1ull << 51) - 1, 1ull << 51, (1ull << 52) - 1, ~0ull})
    v.push_back(u256_word(w));
  for (int64_t k : {-2, -1, 0, 1, 2, 18, 19, 37}) v.push_back(p_plus(k));
  const Bn p2 = bn_add(F().m(), F().m());
  for (int64_t k : {-1, 0, 1, 37}) v.push_back(u256_of(bn_add_i(p2.get(), k)));  // 2p + 37 = 2^256 - 1
  for (int k : {102, 153, 204, 254}) {
    v.push_back(u256_of(bn_pow2(k)));
    v.push_back(u256_of(bn_add_i(bn_pow2(k).get(), -1)));
  }
  v.push_back(value(h::fe51_d()));
  v.push_back(value(h::fe51_sqrtm1()));
  return v;
}

// Mixture: uniform over [0, 2^256), values just above p and 2p, small
// values, and limbs near their 51-bit boundary.
U256 random_input(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0:
      return p_plus(static_cast<int64_t>(rng() % 40) - 20);
    case 1:
      return u256_of(bn_add_i(bn_add(F().m(), F().m()).get(), static_cast<int64_t>(rng() % 38)));
    case 2:
      return u256_word(rng() % 1000);
    case 3: {
      Fe51 a;
      for (auto& l : a.v) l = (rng() % 2 ? h::kMask51 - rng() % 4 : rng() % 4);
      return value(a);
    }
    default:
      return random_u256(rng);
  }
}

void check_single(Mismatches& bad, const U256& a) {
  const ModRef& P = F();
  const Fe51 fa = load(a);
  const U256 ra = P.reduce(a);
  auto what = [&](const char* op) { return [&, op] { return std::string(op) + "(" + hexv(a) + ")"; }; };
  bad.check(value(fa) == ra, what("fe51_to_bytes"));
  bad.check(h::fe51_is_zero(fa) == (ra == U256{}), what("fe51_is_zero"));
  bad.check(h::fe51_is_negative(fa) == ((ra[0] & 1) != 0), what("fe51_is_negative"));
  bad.check(value(h::fe51_neg(fa)) == P.neg(a), what("fe51_neg"));
  bad.check(value(h::fe51_sqr(fa)) == P.sqr(a), what("fe51_sqr"));
  bad.check(value(h::fe51_invert(fa)) == P.inv(a), what("fe51_invert"));
  static const Bn e22523 = bn_sub(bn_pow2(252).get(), bn_word(3).get());
  bad.check(value(h::fe51_pow22523(fa)) == P.exp(a, e22523.get()), what("fe51_pow22523"));
  // The same operations in the 32-bit field.
  const ed::Fe ka = kernel_fe(a);
  bad.check(value(h::fe51_sqr(fa)) == kernel_value(ed::fe_sqr(ka)), what("fe51_sqr vs fe_sqr"));
  bad.check(value(h::fe51_invert(fa)) == kernel_value(ed::fe_inv(ka)), what("fe51_invert vs fe_inv"));
}

TEST(Fe51, ConstantsEqualTheKernelField) {
  EXPECT_EQ(value(h::fe51_d()), kernel_value(ed::fe_d()));
  EXPECT_EQ(value(h::fe51_d2()), kernel_value(ed::fe_d2()));
  EXPECT_EQ(value(h::fe51_sqrtm1()), kernel_value(ed::fe_sqrtm1()));
  // And their definitions: d * 121666 = -121665, sqrt(-1)^2 = -1.
  EXPECT_EQ(value(h::fe51_mul(h::fe51_d(), load(u256_word(121666)))), F().neg(u256_word(121665)));
  EXPECT_EQ(value(h::fe51_sqr(h::fe51_sqrtm1())), p_plus(-1));
  // The stored constants are reduced limbs.
  for (const Fe51& c : {h::fe51_d(), h::fe51_d2(), h::fe51_sqrtm1()})
    for (uint64_t l : c.v) EXPECT_LE(l, h::kMask51);
}

TEST(Fe51, EdgeValuesAgainstBignum) {
  const std::vector<U256> edges = edges51();
  expect_field_edges(field51(), edges, check_single);
  EXPECT_TRUE(h::fe51_is_zero(load(p_plus(0))));
  EXPECT_TRUE(h::fe51_equal(load(p_plus(1)), h::fe51_one()));
  EXPECT_TRUE(h::fe51_is_zero(h::fe51_invert(h::fe51_zero())));
}

TEST(Fe51, RandomAgainstBignumAndTheKernelField) {
  SeededRng rng;
  Mismatches bad;
  for (int i = 0; i < 3000; ++i) {
    const U256 a = random_input(rng), b = random_input(rng);
    check_field_pair(bad, field51(), a, b);
    if (i % 4 == 0) check_single(bad, a);
    bad.check(value(h::fe51_mul(load(a), load(b))) == kernel_value(ed::fe_mul(kernel_fe(a), kernel_fe(b))),
              [&] { return "fe51_mul vs fe_mul (" + hexv(a) + ", " + hexv(b) + ")"; });
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(Fe51, ChainedResults) {
  SeededRng rng;
  expect_field_chains(field51(), random_input, rng);
}

// The contract's extremes: products of limbs up to 2^54 - 1 (the sum of four
// reduced elements, unreduced), a subtraction of limbs 2^55 - 304 from limbs
// 2^54 - 1, and fe51_add of two reduced elements at their bound.
TEST(Fe51, LooseLimbsAtTheBounds) {
  SeededRng rng;
  Mismatches bad;
  const ModRef& P = F();
  const uint64_t top_mul = (1ull << 54) - 1, top_sub = (1ull << 55) - 304, top_reduced = (1ull << 51) + (1ull << 17) - 1;
  for (int i = 0; i < 2000; ++i) {
    Fe51 a, b, c, d;
    for (int k = 0; k < 5; ++k) {
      a.v[k] = i == 0 ? top_mul : top_mul - rng() % (1ull << (rng() % 54));
      b.v[k] = i == 0 ? top_mul : top_mul - rng() % (1ull << (rng() % 54));
      c.v[k] = i == 0 ? top_sub : top_sub - rng() % (1ull << (rng() % 55));
      d.v[k] = i == 0 ? top_reduced : top_reduced - rng() % (1ull << (rng() % 51));
    }
    const U256 va = limbs_value(a), vb = limbs_value(b), vc = limbs_value(c), vd = limbs_value(d);
    auto what = [&](const char* op) { return [op] { return std::string(op) + " at the limb bounds"; }; };
    const Fe51 products[] = {h::fe51_mul(a, b), h::fe51_sqr(a), h::fe51_sub(a, c)};
    bad.check(limbs_value(products[0]) == P.mul(va, vb), what("fe51_mul"));
    bad.check(limbs_value(products[1]) == P.sqr(va), what("fe51_sqr"));
    bad.check(limbs_value(products[2]) == P.sub(va, vc), what("fe51_sub"));
    bad.check(value(h::fe51_sub(a, c)) == P.sub(va, vc), what("fe51_to_bytes of fe51_sub"));
    const Fe51 sum = h::fe51_add(h::fe51_add(d, d), h::fe51_add(d, d));  // four reduced: below 2^54
    bad.check(value(h::fe51_mul(sum, sum)) == P.sqr(P.add(P.add(vd, vd), P.add(vd, vd))), what("fe51_mul of sums"));
    // Results are reduced.
    for (const Fe51& r : products)
      for (uint64_t l : r.v) bad.check(l <= top_reduced, what("reduced output"));
  }
  EXPECT_EQ(bad.count(), 0u);
}

// from_bytes: the low 255 bits as they are (bit 255 ignored), so the
// non-canonical y in [p, 2^255) keep their value mod p; to_bytes is canonical.
TEST(Fe51, BytesOfNonCanonicalEncodings) {
  for (int64_t k : {-1, 0, 1, 2, 18}) {
    U256 e = p_plus(k);  // p - 1 .. 2^255 - 1
    const U256 want = F().reduce(e);
    EXPECT_EQ(value(h::fe51_from_bytes(e.data())), want) << "p + " << k;
    e[31] |= 0x80;  // the sign bit does not count
    EXPECT_EQ(value(h::fe51_from_bytes(e.data())), want) << "p + " << k << " with bit 255";
  }
  SeededRng rng;
  for (int i = 0; i < 500; ++i) {
    U256 e = random_u256(rng);
    U256 low = e;
    low[31] &= 0x7f;
    EXPECT_EQ(value(h::fe51_from_bytes(e.data())), F().reduce(low)) << hexv(e);
  }
}

// ---- group -------------------------------------------------------------------

using Enc = std::array<uint8_t, 32>;

Enc enc51(const h::Point& p) {
  Enc out;
  h::encode(out.data(), p);
  return out;
}
Enc enc32(const ed::GeP3& p) {
  Enc out;
  ed::ge_to_bytes(out.data(), ed::ge_p3_to_p2(p));
  return out;
}

// Encodings that stress decoding: y in {0, 1, p - 1, p, p + 1, 2^255 - 1}
// and the order-8 y values, each with and without the sign bit; then random.
std::vector<Enc> hostile_encodings(std::mt19937_64& rng, int random_count) {
  std::vector<Enc> out;
  std::vector<U256> ys = {u256_word(0), u256_word(1), p_plus(-1), p_plus(0), p_plus(1), p_plus(18)};
  ys.push_back(value(h::fe51_sqrtm1()));
  for (const U256& y : ys) {
    out.push_back(y);
    Enc s = y;
    s[31] |= 0x80;
    out.push_back(s);
  }
  for (int i = 0; i < random_count; ++i) out.push_back(random_u256(rng));
  return out;
}

TEST(Ge51, DecodeMatchesTheKernelGroup) {
  SeededRng rng;
  Mismatches bad;
  size_t decoded = 0;
  for (const Enc& s : hostile_encodings(rng, 3000)) {
    ed::GeP3 k;
    h::Point p;
    const bool ok32 = ed::ge_decode(k, s.data()), ok51 = h::decode_zip215_var(p, s.data());
    auto what = [&] { return "decode " + to_hex(ByteView(s.data(), 32)); };
    if (!bad.check(ok32 == ok51, what) || !ok51) continue;
    ++decoded;
    bad.check(enc51(p) == enc32(k), what);
  }
  EXPECT_EQ(bad.count(), 0u);
  EXPECT_GT(decoded, 1000u);  // about half of random y are points
}

// Random points of the curve (decoded random encodings, some of small or
// mixed order from the hostile list).
std::vector<Enc> random_points(std::mt19937_64& rng, size_t n) {
  std::vector<Enc> out;
  for (const Enc& s : hostile_encodings(rng, static_cast<int>(4 * n))) {
    h::Point p;
    if (out.size() < n && h::decode_zip215_var(p, s.data())) out.push_back(s);
  }
  return out;
}

TEST(Ge51, OperationsMatchTheKernelGroup) {
  SeededRng rng;
  Mismatches bad;
  const std::vector<Enc> pts = random_points(rng, 60);
  ASSERT_EQ(pts.size(), 60u);
  const ed::GeNiels* kb = ed::host_b_table().data();
  for (size_t i = 0; i < pts.size(); ++i) {
    const Enc& s = pts[i];
    const Enc& t = pts[(i * 7 + 3) % pts.size()];
    ed::GeP3 ka, kb3;
    h::Point a, b;
    ASSERT_TRUE(ed::ge_decode(ka, s.data()) && ed::ge_decode(kb3, t.data()));
    ASSERT_TRUE(h::decode_zip215_var(a, s.data()) && h::decode_zip215_var(b, t.data()));
    auto what = [&](const char* op) { return [&, op] { return std::string(op) + " on " + std::to_string(i); }; };
    const ed::GeCached kc = ed::ge_p3_to_cached(kb3);
    bad.check(enc51(h::to_point(h::add(a, h::to_cached(b)))) == enc32(ed::ge_p1p1_to_p3(ed::ge_add(ka, kc))), what("add"));
    bad.check(enc51(h::to_point(h::sub(a, h::to_cached(b)))) == enc32(ed::ge_p1p1_to_p3(ed::ge_sub(ka, kc))), what("sub"));
    bad.check(enc51(h::to_point(h::add(a, h::to_cached(a)))) == enc32(ed::ge_p1p1_to_p3(ed::ge_dbl(ed::ge_p3_to_p2(ka)))),
              what("add(a, a)"));
    bad.check(enc51(h::to_point(h::dbl(h::to_proj(a)))) == enc32(ed::ge_p1p1_to_p3(ed::ge_dbl(ed::ge_p3_to_p2(ka)))),
              what("dbl"));
    bad.check(enc51(h::neg(a)) == enc32(ed::ge_neg(ka)), what("neg"));
    const int e = static_cast<int>(i % h::kTableB);
    bad.check(enc51(h::to_point(h::madd(a, h::base_table()[e]))) == enc32(ed::ge_p1p1_to_p3(ed::ge_madd(ka, kb[e]))),
              what("madd"));
    bad.check(enc51(h::to_point(h::msub(a, h::base_table()[e]))) == enc32(ed::ge_p1p1_to_p3(ed::ge_msub(ka, kb[e]))),
              what("msub"));
    // Small order: [8]a is the identity exactly when the kernel finds so.
    ed::GeP2 q = ed::ge_p3_to_p2(ka);
    for (int k = 0; k < 3; ++k) q = ed::ge_p1p1_to_p2(ed::ge_dbl(q));
    bad.check(h::is_small_order_var(a) == ed::ge_is_identity(q), what("is_small_order_var"));
  }
  EXPECT_EQ(bad.count(), 0u);
}

TEST(Ge51, BaseTableIsTheKernels) {
  EXPECT_EQ(enc51(h::base_point()), enc32(ed::ge_base()));
  const ed::GeNiels* kb = ed::host_b_table().data();
  for (int i = 0; i < h::kTableB; ++i) {
    const h::Niels& n = h::base_table()[i];
    EXPECT_EQ(value(n.yplusx), kernel_value(kb[i].yplusx)) << i;
    EXPECT_EQ(value(n.yminusx), kernel_value(kb[i].yminusx)) << i;
    EXPECT_EQ(value(n.xy2d), kernel_value(kb[i].xy2d)) << i;
  }
}

// ---- multi-scalar multiplication ----------------------------------------------

h::Scalar32 random_scalar(std::mt19937_64& rng, int bits) {
  h::Scalar32 s{};
  for (int i = 0; i < bits / 8; ++i) s.b[i] = static_cast<uint8_t>(rng());
  return s;
}

TEST(Msm, NafDigitsReconstructAndAreSparse) {
  SeededRng rng;
  for (int i = 0; i < 2000; ++i) {
    h::Scalar32 s = random_scalar(rng, 256);
    s.b[31] &= i % 3 == 0 ? 0x7f : 0x1f;  // below 2^255, or below 2^253
    if (i == 0) std::memset(s.b, 0xff, 32), s.b[31] = 0x7f;
    if (i == 1) s = h::Scalar32{};
    for (int w : {h::kWindowP, h::kWindowB}) {
      int8_t naf[h::kNafDigits];
      h::naf_var(naf, s, w);
      int16_t wide[h::kNafDigits];
      std::copy(naf, naf + h::kNafDigits, wide);
      const WnafReading r = read_wnaf(wide, h::kNafDigits, w);
      EXPECT_TRUE(r.shape_ok) << "w = " << w;
      EXPECT_EQ(BN_cmp(r.value.get(), bn_from_bytes(s.b, 32, kLittle).get()), 0) << "w = " << w;
    }
  }
}

// straus_var(points, scalars, b) = [b]B + sum [s_j]P_j, against the kernel's
// double_scalarmult term by term, for 0 to 9 points of any order and scalars
// of 0, 128 and 253 bits.
TEST(Msm, StrausMatchesKernelSums) {
  SeededRng rng;
  const ed::GeNiels* kb = ed::host_b_table().data();
  for (int round = 0; round < 40; ++round) {
    const size_t n = round % 10;
    const std::vector<Enc> encs = random_points(rng, n);
    std::vector<h::Point> pts(n);
    std::vector<h::Scalar32> sc(n);
    ed::Scalar zero{};
    const h::Scalar32 b = random_scalar(rng, round % 4 == 0 ? 0 : 248);
    ed::Scalar kb_scalar;
    std::memcpy(kb_scalar.n, b.b, 32);
    ed::GeP3 want = ed::double_scalarmult(ed::ge_identity(), zero, kb_scalar, kb);
    for (size_t j = 0; j < n; ++j) {
      ASSERT_TRUE(h::decode_zip215_var(pts[j], encs[j].data()));
      sc[j] = random_scalar(rng, j % 3 == 0 ? 128 : j % 3 == 1 ? 248 : 0);
      ed::GeP3 kp;
      ASSERT_TRUE(ed::ge_decode(kp, encs[j].data()));
      ed::Scalar ks;
      std::memcpy(ks.n, sc[j].b, 32);
      want = ed::ge_p1p1_to_p3(ed::ge_add(want, ed::ge_p3_to_cached(ed::double_scalarmult(kp, ks, zero, kb))));
    }
    EXPECT_EQ(enc51(h::straus_var(pts, sc, b)), enc32(want)) << "round " << round << ", " << n << " points";
  }
}

}  // namespace
}  // namespace vigil::test
