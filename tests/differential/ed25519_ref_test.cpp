// Tests of the ZIP-215 reference (differential/ed25519_ref.hpp), which decides
// the `ed25519` scheme's differential tests. It is checked against what can
// be computed without it: libsodium's point arithmetic and decoder, libsodium
// signatures (ZIP-215 accepts every signature libsodium 1.0.18 accepts),
// signatures built with libsodium's scalar arithmetic to be valid only under
// the cofactored equation, and the published ZIP-215 verdicts of the
// ed25519-speccheck and ed25519-zebra small-order vectors.
#include "differential/ed25519_ref.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "differential/generator.hpp"
#include "differential/oracle.hpp"
#include "util/test_util.hpp"
#include "vectors/zip215_vector_files.hpp"

namespace vigil::difftest {
namespace {

// Little-endian bytes of a big-endian hex constant.
Bytes32 le_of_be_hex(const std::string& h) {
  Bytes be = test::hex(h);
  Bytes32 out{};
  if (be.size() != 32) {
    ADD_FAILURE() << "not 32 bytes: " << h;
    return out;
  }
  for (size_t i = 0; i < 32; ++i) out[i] = be[31 - i];
  return out;
}

Bytes32 b32(const Bytes& b) {
  Bytes32 out{};
  EXPECT_EQ(b.size(), 32u);
  std::copy_n(b.begin(), std::min<size_t>(32, b.size()), out.begin());
  return out;
}

bool sodium_verify(const Bytes& key, const Bytes& msg, const Bytes& sig) {
  return key.size() == 32 && sig.size() == 64 &&
         crypto_sign_verify_detached(sig.data(), msg.data(), msg.size(), key.data()) == 0;
}

// The canonical encodings of the eight points of order dividing 8, and the
// six non-canonical encodings of small-order points (y >= p, or x = 0 with
// bit 255 set), each with the canonical encoding of the point it decodes to.
const char* const kTorsion[] = {
    "0100000000000000000000000000000000000000000000000000000000000000",  // order 1
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  // order 4
    "0000000000000000000000000000000000000000000000000000000000000080",  // order 4
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  // order 8
};
const int kTorsionOrder[] = {1, 2, 4, 4, 8, 8, 8, 8};
struct NonCanonical {
  const char* encoding;
  const char* decodes_as;
};
const NonCanonical kNonCanonicalTorsion[] = {
    {"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", kTorsion[2]},  // y = p = 0
    {"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", kTorsion[3]},  // y = p, odd x
    {"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", kTorsion[0]},  // y = p + 1 = 1
    {"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", kTorsion[0]},  // ... x = -0
    {"0100000000000000000000000000000000000000000000000000000000000080", kTorsion[0]},  // y = 1, x = -0
    {"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", kTorsion[1]},  // y = -1, x = -0
};

// libsodium's view of a 32-byte string as a point: crypto_core_ed25519_add
// decodes both operands with ge25519_frombytes (no canonicity or order check,
// y taken mod p, x = 0 with the sign bit set accepted) and returns the sum's
// canonical encoding; adding the identity re-encodes the point.
std::optional<Bytes32> sodium_reencode(const Bytes32& enc) {
  static const Bytes32 identity = [] {
    Bytes32 id{};
    id[0] = 1;
    return id;
  }();
  Bytes32 out{};
  if (crypto_core_ed25519_add(out.data(), enc.data(), identity.data()) != 0) return std::nullopt;
  return out;
}

class Ed25519Reference : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    seed_ = test::test_seed();
    rng_.seed(seed_);
  }
  Bytes random_bytes(size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(rng_());
    return b;
  }
  // A libsodium key pair from a seed drawn from rng_ (reproducible).
  void keypair(uint8_t pk[32], uint8_t sk[64]) {
    Bytes seed = random_bytes(32);
    ASSERT_EQ(crypto_sign_seed_keypair(pk, sk, seed.data()), 0);
  }
  uint64_t seed_ = 0;
  std::mt19937_64 rng_;
};

TEST_F(Ed25519Reference, Constants) {
  EXPECT_EQ(zip215_reference_p(), le_of_be_hex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed"));
  EXPECT_EQ(zip215_reference_l(), le_of_be_hex("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"));
  EXPECT_EQ(zip215_reference_d(), le_of_be_hex("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3"));
  const RefPoint b = zip215_reference_base();
  // RFC 8032 section 5.1: B's x = 15112221349535400772501151409588531511454012693041857206046113283949847762202.
  EXPECT_EQ(b.x, le_of_be_hex("216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a"));
  EXPECT_EQ(hex_of(zip215_reference_encode(b)), "5866666666666666666666666666666666666666666666666666666666666666");
  EXPECT_TRUE(zip215_reference_on_curve(b));
  EXPECT_TRUE(zip215_reference_torsion_free(b));
  EXPECT_EQ(zip215_reference_small_order(b), 0);
  const Bytes32 l = zip215_reference_l();
  EXPECT_EQ(zip215_reference_mul(l, b), zip215_reference_identity());
  Bytes32 l_minus_1 = l;
  l_minus_1[0] -= 1;  // L ends in 0xed: no borrow
  EXPECT_EQ(zip215_reference_mul(l_minus_1, b), zip215_reference_negate(b));
  EXPECT_EQ(zip215_reference_add(b, zip215_reference_negate(b)), zip215_reference_identity());
  EXPECT_TRUE(zip215_reference_on_curve(zip215_reference_identity()));
  RefPoint off = b;
  off.y[0] ^= 1;
  EXPECT_FALSE(zip215_reference_on_curve(off));
}

// [n]B, [n]P and P + Q against libsodium's arithmetic, on random scalars and
// points and on sums with the torsion points.
TEST_F(Ed25519Reference, ArithmeticMatchesLibsodium) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed_));
  const RefPoint base = zip215_reference_base();
  for (int i = 0; i < 24; ++i) {
    Bytes32 n{}, m{}, nb{}, mb{}, nmb{}, sum{};
    crypto_core_ed25519_scalar_random(n.data());
    crypto_core_ed25519_scalar_random(m.data());
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(nb.data(), n.data()), 0);
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(mb.data(), m.data()), 0);
    EXPECT_EQ(zip215_reference_encode(zip215_reference_mul(n, base)), nb) << "[n]B";
    // [n]([m]B)
    ASSERT_EQ(crypto_scalarmult_ed25519_noclamp(nmb.data(), n.data(), mb.data()), 0);
    std::optional<RefPoint> mp = zip215_reference_decode(mb);
    ASSERT_TRUE(mp.has_value());
    EXPECT_EQ(zip215_reference_encode(zip215_reference_mul(n, *mp)), nmb) << "[n]P";
    // [n]B + [m]B
    ASSERT_EQ(crypto_core_ed25519_add(sum.data(), nb.data(), mb.data()), 0);
    std::optional<RefPoint> np = zip215_reference_decode(nb);
    ASSERT_TRUE(np.has_value());
    EXPECT_EQ(zip215_reference_encode(zip215_reference_add(*np, *mp)), sum) << "P + Q";
    // [n]B + T for a torsion point T (libsodium adds points of any order)
    Bytes32 t = b32(test::hex(kTorsion[i % 8]));
    ASSERT_EQ(crypto_core_ed25519_add(sum.data(), nb.data(), t.data()), 0);
    std::optional<RefPoint> tp = zip215_reference_decode(t);
    ASSERT_TRUE(tp.has_value());
    const RefPoint mixed = zip215_reference_add(*np, *tp);
    EXPECT_EQ(zip215_reference_encode(mixed), sum) << "P + T";
    EXPECT_TRUE(zip215_reference_on_curve(mixed));
    EXPECT_EQ(zip215_reference_torsion_free(mixed), i % 8 == 0) << "P + T with T of order " << kTorsionOrder[i % 8];
  }
}

// Decoding against libsodium's ge25519_frombytes (through crypto_core_ed25519_add):
// the same strings decode, to the same points. The strings: every y < 19 and
// y = p + k (k < 19) with both sign bits, 2^255 - 1 and its neighbours, the
// torsion encodings, and random strings.
TEST_F(Ed25519Reference, DecodingMatchesLibsodium) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed_));
  std::vector<Bytes32> inputs;
  for (unsigned k = 0; k < 19; ++k) {
    for (int sign = 0; sign < 2; ++sign) {
      Bytes32 small{};
      small[0] = static_cast<uint8_t>(k);
      small[31] = static_cast<uint8_t>(sign << 7);
      inputs.push_back(small);
      Bytes32 big;
      big.fill(0xff);
      big[0] = static_cast<uint8_t>(0xed + k);
      big[31] = sign ? 0xff : 0x7f;
      inputs.push_back(big);
    }
  }
  for (const char* t : kTorsion) inputs.push_back(b32(test::hex(t)));
  for (const NonCanonical& t : kNonCanonicalTorsion) inputs.push_back(b32(test::hex(t.encoding)));
  for (int i = 0; i < 400; ++i) {
    Bytes r = random_bytes(32);
    inputs.push_back(b32(r));
  }
  size_t decoded = 0, rejected = 0;
  for (const Bytes32& in : inputs) {
    const std::string name = hex_of(in);
    std::optional<RefPoint> p = zip215_reference_decode(in);
    std::optional<Bytes32> s = sodium_reencode(in);
    ASSERT_EQ(p.has_value(), s.has_value()) << name;
    if (!p) {
      ++rejected;
      continue;
    }
    ++decoded;
    EXPECT_TRUE(zip215_reference_on_curve(*p)) << name;
    EXPECT_EQ(zip215_reference_encode(*p), *s) << name;
    // The sign bit picks the odd x, the cleared bit the even one, except for x = 0.
    const bool x_zero = p->x == Bytes32{};
    if (!x_zero) {
      EXPECT_EQ(p->x[0] & 1, in[31] >> 7) << name;
    }
  }
  EXPECT_GT(decoded, 100u);
  EXPECT_GT(rejected, 100u);
  // Wrong lengths never decode.
  const uint8_t short_one[31] = {};
  EXPECT_FALSE(zip215_reference_decode(Span(short_one, 31)).has_value());
}

// The small-order encodings: the eight canonical ones have orders 1, 2, 4, 4,
// 8, 8, 8, 8; the six non-canonical ones decode to the canonical points.
TEST_F(Ed25519Reference, SmallOrderEncodings) {
  for (size_t i = 0; i < 8; ++i) {
    std::optional<RefPoint> p = zip215_reference_decode(test::hex(kTorsion[i]));
    ASSERT_TRUE(p.has_value()) << kTorsion[i];
    EXPECT_EQ(zip215_reference_small_order(*p), kTorsionOrder[i]) << kTorsion[i];
    EXPECT_EQ(hex_of(zip215_reference_encode(*p)), kTorsion[i]) << "canonical encodings re-encode unchanged";
  }
  for (const NonCanonical& t : kNonCanonicalTorsion) {
    std::optional<RefPoint> p = zip215_reference_decode(test::hex(t.encoding));
    ASSERT_TRUE(p.has_value()) << t.encoding << ": non-canonical encodings are accepted";
    EXPECT_EQ(hex_of(zip215_reference_encode(*p)), t.decodes_as) << t.encoding;
  }
  // y = p + 2 is not a y-coordinate; y = p + 3 is, of a point of large
  // order (ed25519-zebra's tests/util lists it among its "non-canonical
  // point encodings" right after the five small-order ones).
  EXPECT_FALSE(zip215_reference_decode(test::hex("efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")));
  std::optional<RefPoint> y3 = zip215_reference_decode(test::hex("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  ASSERT_TRUE(y3.has_value());
  EXPECT_EQ(zip215_reference_small_order(*y3), 0);
}

// Every libsodium signature is ZIP-215 valid (cofactorless validity implies
// cofactored validity, and libsodium's encodings are canonical).
TEST_F(Ed25519Reference, AcceptsLibsodiumSignatures) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed_));
  const size_t n = 2000;
  size_t accepted = 0;
  uint8_t pk[32], sk[64];
  for (size_t i = 0; i < n; ++i) {
    if (i % 8 == 0) keypair(pk, sk);
    Bytes msg = random_bytes(std::uniform_int_distribution<size_t>(0, 300)(rng_));
    Bytes sig(64);
    crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk);
    Bytes key(pk, pk + 32);
    ASSERT_TRUE(sodium_verify(key, msg, sig));
    const bool ok = zip215_reference_verify(key, msg, sig);
    EXPECT_TRUE(ok) << "key " << hex_of(key) << " msg " << hex_of(msg) << " sig " << hex_of(sig);
    accepted += ok;
  }
  EXPECT_EQ(accepted, n);
}

// Corruptions that must break a signature under both rule sets: a flipped
// bit of the message, of R, of the key, and a changed S still below L.
// S >= L (S + L, the same residue) is rejected by ZIP-215 too.
TEST_F(Ed25519Reference, RejectsCorruptedSignatures) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed_));
  const Bytes32 l = zip215_reference_l();
  uint8_t pk[32], sk[64];
  size_t checked = 0;
  for (int i = 0; i < 300; ++i) {
    if (i % 8 == 0) keypair(pk, sk);
    Bytes msg = random_bytes(1 + std::uniform_int_distribution<size_t>(0, 299)(rng_));
    Bytes sig(64);
    crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk);
    const Bytes key(pk, pk + 32);
    auto bit = [&](size_t bits) { return std::uniform_int_distribution<size_t>(0, bits - 1)(rng_); };

    std::vector<std::pair<std::string, Bytes>> msgs, keys, sigs;
    Bytes m2 = msg;
    size_t b = bit(m2.size() * 8);
    m2[b / 8] ^= static_cast<uint8_t>(1u << (b % 8));
    msgs.emplace_back("message bit " + std::to_string(b), m2);
    Bytes k2 = key;
    b = bit(256);
    k2[b / 8] ^= static_cast<uint8_t>(1u << (b % 8));
    keys.emplace_back("key bit " + std::to_string(b), k2);
    Bytes r2 = sig;
    b = bit(256);
    r2[b / 8] ^= static_cast<uint8_t>(1u << (b % 8));
    sigs.emplace_back("R bit " + std::to_string(b), r2);
    // S with one of its low 252 bits flipped: another scalar below L.
    Bytes s2 = sig;
    b = bit(252);
    s2[32 + b / 8] ^= static_cast<uint8_t>(1u << (b % 8));
    if (std::lexicographical_compare(s2.rbegin(), s2.rbegin() + 32, l.rbegin(), l.rend())) {
      sigs.emplace_back("S bit " + std::to_string(b) + " (still < L)", s2);
    }
    // S + L: the same residue, but not below L.
    Bytes s3 = sig;
    unsigned carry = 0;
    for (size_t j = 0; j < 32; ++j) {
      unsigned v = s3[32 + j] + l[j] + carry;
      s3[32 + j] = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
    sigs.emplace_back("S + L", s3);

    auto expect_both_reject = [&](const std::string& what, const Bytes& k, const Bytes& m, const Bytes& s) {
      EXPECT_FALSE(sodium_verify(k, m, s)) << what;
      EXPECT_FALSE(zip215_reference_verify(k, m, s)) << what << ": key " << hex_of(k) << " msg " << hex_of(m)
                                                     << " sig " << hex_of(s);
      ++checked;
    };
    for (auto& [what, m] : msgs) expect_both_reject(what, key, m, sig);
    for (auto& [what, k] : keys) expect_both_reject(what, k, msg, sig);
    for (auto& [what, s] : sigs) expect_both_reject(what, key, msg, s);
    // And the original still verifies: the rejections are the corruptions'.
    EXPECT_TRUE(zip215_reference_verify(key, msg, sig));
  }
  EXPECT_GT(checked, 1400u);
  // Wrong lengths.
  keypair(pk, sk);
  Bytes msg = random_bytes(10), sig(64);
  crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk);
  const Bytes key(pk, pk + 32);
  EXPECT_TRUE(zip215_reference_verify(key, msg, sig));
  EXPECT_FALSE(zip215_reference_verify(Bytes(key.begin(), key.end() - 1), msg, sig));
  Bytes key33 = key;
  key33.push_back(0);
  EXPECT_FALSE(zip215_reference_verify(key33, msg, sig));
  EXPECT_FALSE(zip215_reference_verify(key, msg, Bytes(sig.begin(), sig.end() - 1)));
  Bytes sig65 = sig;
  sig65.push_back(0);
  EXPECT_FALSE(zip215_reference_verify(key, msg, sig65));
}

// libsodium's scalar arithmetic, for signatures built by hand.
Bytes32 sc_reduce64(const uint8_t wide[64]) {
  Bytes32 out{};
  uint8_t copy[64];
  std::memcpy(copy, wide, 64);
  crypto_core_ed25519_scalar_reduce(out.data(), copy);
  return out;
}
// The clamped secret scalar of a libsodium secret key (seed || pk), mod L.
Bytes32 secret_scalar(const uint8_t sk[64]) {
  uint8_t h[64];
  crypto_hash_sha512(h, sk, 32);
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
  std::memset(h + 32, 0, 32);
  return sc_reduce64(h);
}
// SHA-512(R || A || M) mod L.
Bytes32 sodium_challenge(const uint8_t r[32], const uint8_t a[32], const Bytes& msg) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, r, 32);
  crypto_hash_sha512_update(&st, a, 32);
  crypto_hash_sha512_update(&st, msg.data(), msg.size());
  uint8_t h[64];
  crypto_hash_sha512_final(&st, h);
  return sc_reduce64(h);
}

// The cofactored equation accepts what the cofactorless one rejects, in the
// two classic forms, built with libsodium alone:
//   R' = [r]B + T with S = r + H(R' || A || M) a: [S]B - R' - [k]A = -T;
//   A' = A + T signed by libsodium for A' (its secret key carries A' as the
//   public half): [S]B - R - [k]A' = -[k]T, zero iff k = 0 mod order(T).
TEST_F(Ed25519Reference, CofactoredAcceptsWhatCofactorlessRejects) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed_));
  uint8_t pk[32], sk[64];
  size_t both = 0, zip215_only = 0;
  for (int i = 0; i < 48; ++i) {
    keypair(pk, sk);
    const Bytes key(pk, pk + 32);
    const Bytes32 t = b32(test::hex(kTorsion[i % 8]));
    Bytes msg = random_bytes(1 + static_cast<size_t>(i));

    // R' = [r]B + T.
    Bytes32 r{}, rb{}, r_prime{}, s{}, ka{};
    crypto_core_ed25519_scalar_random(r.data());
    ASSERT_EQ(crypto_scalarmult_ed25519_base_noclamp(rb.data(), r.data()), 0);
    ASSERT_EQ(crypto_core_ed25519_add(r_prime.data(), rb.data(), t.data()), 0);
    const Bytes32 k = sodium_challenge(r_prime.data(), pk, msg);
    crypto_core_ed25519_scalar_mul(ka.data(), k.data(), secret_scalar(sk).data());
    crypto_core_ed25519_scalar_add(s.data(), r.data(), ka.data());
    Bytes sig(r_prime.begin(), r_prime.end());
    sig.insert(sig.end(), s.begin(), s.end());
    const bool plain = i % 8 == 0;  // T = identity: an ordinary signature
    EXPECT_EQ(sodium_verify(key, msg, sig), plain) << "R + T, T order " << kTorsionOrder[i % 8];
    EXPECT_TRUE(zip215_reference_verify(key, msg, sig)) << "R + T, T order " << kTorsionOrder[i % 8];

    // A' = A + T, signed by libsodium.
    Bytes32 mixed{};
    ASSERT_EQ(crypto_core_ed25519_add(mixed.data(), pk, t.data()), 0);
    uint8_t sk2[64];
    std::memcpy(sk2, sk, 32);
    std::memcpy(sk2 + 32, mixed.data(), 32);
    Bytes sig2(64);
    crypto_sign_detached(sig2.data(), nullptr, msg.data(), msg.size(), sk2);
    const Bytes key2(mixed.begin(), mixed.end());
    const Bytes32 k2 = sodium_challenge(sig2.data(), mixed.data(), msg);
    const bool kt_zero = k2[0] % kTorsionOrder[i % 8] == 0;  // k mod order(T), order | 8
    EXPECT_EQ(sodium_verify(key2, msg, sig2), kt_zero) << "A + T, T order " << kTorsionOrder[i % 8];
    EXPECT_TRUE(zip215_reference_verify(key2, msg, sig2)) << "A + T, T order " << kTorsionOrder[i % 8];
    (kt_zero ? both : zip215_only)++;

    // A wrong S breaks both forms under ZIP-215 as well.
    sig[32] ^= 1;
    sig2[32] ^= 1;
    EXPECT_FALSE(zip215_reference_verify(key, msg, sig));
    EXPECT_FALSE(zip215_reference_verify(key2, msg, sig2));
  }
  EXPECT_GT(both, 0u);
  EXPECT_GT(zip215_only, 0u);
}

// Every check the generator makes for ed25519-strict (random and hostile) that
// libsodium accepts, the reference accepts: strict is a subset of ZIP-215.
TEST_F(Ed25519Reference, StrictIsASubsetOfZip215) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed_));
  Generator gen(seed_);
  size_t strict_valid = 0, zip215_valid = 0;
  for (Cls cls : classes_of(Scheme::kEd25519Strict)) {
    for (int i = 0; i < 40; ++i) {
      GenCheck c = gen.make(Scheme::kEd25519Strict, cls);
      const bool zip = zip215_reference_verify(c.key, c.msg, c.sig);
      if (c.oracle) {
        EXPECT_TRUE(zip) << class_name(cls) << ": " << c.variant << "\n" << check_line(c);
      }
      strict_valid += c.oracle;
      zip215_valid += zip;
    }
  }
  EXPECT_GT(strict_valid, 0u);
  EXPECT_GE(zip215_valid, strict_valid);
}

// ed25519-speccheck: the reference gives the "Zebra" row of the published
// table (ed25519-zebra implements ZIP-215), and libsodium 1.0.18, called
// here, gives its "LibSodium" row.
TEST_F(Ed25519Reference, SpeccheckVectors) {
  std::vector<test::zip215::Zip215Case> cases = test::zip215::load_speccheck();
  ASSERT_EQ(cases.size(), 12u);
  size_t valid = 0;
  for (const auto& c : cases) {
    EXPECT_EQ(zip215_reference_verify(c.key, c.msg, c.sig), c.zip215) << c.id;
    ASSERT_TRUE(c.libsodium_published.has_value()) << c.id;
    EXPECT_EQ(sodium_verify(c.key, c.msg, c.sig), *c.libsodium_published) << c.id << ": libsodium vs its published row";
    valid += c.zip215;
  }
  EXPECT_EQ(valid, 9u);  // the table: all but 6, 7 (S >= L) and 8 (R hashed in its reduced form)
}

// ed25519-zebra's 196 small-order cases: every one is ZIP-215 valid; every
// key is of small order, so libsodium (which blocks those keys) rejects all.
TEST_F(Ed25519Reference, Zip215SmallOrderVectors) {
  std::vector<test::zip215::Zip215Case> cases = test::zip215::load_zip215_small_order();
  ASSERT_EQ(cases.size(), 196u);
  size_t accepted = 0, sodium_accepted = 0;
  std::vector<Bytes> keys;
  for (const auto& c : cases) {
    const bool ok = zip215_reference_verify(c.key, c.msg, c.sig);
    EXPECT_EQ(ok, c.zip215) << c.id << ": key " << hex_of(c.key) << " sig " << hex_of(c.sig);
    accepted += ok;
    sodium_accepted += sodium_verify(c.key, c.msg, c.sig);
    if (std::find(keys.begin(), keys.end(), c.key) == keys.end()) keys.push_back(c.key);
  }
  EXPECT_EQ(accepted, 196u);
  EXPECT_EQ(sodium_accepted, 0u);
  // The 14 encodings: all of small order, 6 of them non-canonical.
  ASSERT_EQ(keys.size(), 14u);
  size_t non_canonical = 0;
  for (const Bytes& k : keys) {
    std::optional<RefPoint> p = zip215_reference_decode(k);
    ASSERT_TRUE(p.has_value()) << hex_of(k);
    EXPECT_NE(zip215_reference_small_order(*p), 0) << hex_of(k);
    const Bytes32 canon = zip215_reference_encode(*p);
    non_canonical += !std::equal(canon.begin(), canon.end(), k.begin());
  }
  EXPECT_EQ(non_canonical, 6u);
}

}  // namespace
}  // namespace vigil::difftest
