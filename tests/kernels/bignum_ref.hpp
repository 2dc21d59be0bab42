// Test support for the kernels' math tests (secp256k1_math_test.cpp,
// ed25519_math_test.cpp): OpenSSL BIGNUM as the reference for arithmetic on
// 256-bit values, those values as 32 bytes in either byte order, a collector
// of mismatches for loops of checks, and the checks both fields share.
//
// An OpenSSL failure inside these helpers is reported as a test failure
// (EXPECT_*) of the calling test; the helper still returns, so a loop goes on.
// Not thread-safe: one BN_CTX serves the whole process.
#pragma once

#include <gtest/gtest.h>
#include <openssl/bn.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "util/test_util.hpp"

namespace vigil::test {

// ---- BIGNUM --------------------------------------------------------------------

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

// The process's BN_CTX, for the BN_ functions that take one.
BN_CTX* bn_ctx();

Bn bn_new();               // 0
Bn bn_hex(const char* h);  // h: hexadecimal digits, most significant first
Bn bn_word(uint64_t w);
Bn bn_pow2(int k);  // 2^k, k >= 0
Bn bn_copy(const BIGNUM* a);
Bn bn_add(const BIGNUM* a, const BIGNUM* b);
Bn bn_sub(const BIGNUM* a, const BIGNUM* b);  // negative when b > a
Bn bn_mul(const BIGNUM* a, const BIGNUM* b);
Bn bn_add_i(const BIGNUM* a, int64_t k);  // a + k, k of either sign
Bn bn_rshift(const BIGNUM* a, int k);     // floor(a / 2^k) for a >= 0

// ---- values as bytes -------------------------------------------------------------

// A value below 2^256 as 32 bytes; which byte order is the user's (secp256k1
// writes numbers big-endian, Ed25519 little-endian).
using U256 = std::array<uint8_t, 32>;

enum class ByteOrder { big, little };

// The value of n bytes (any n; never negative).
Bn bn_from_bytes(const uint8_t* p, size_t n, ByteOrder order);
template <size_t N>
Bn bn_from(const std::array<uint8_t, N>& v, ByteOrder order) {
  return bn_from_bytes(v.data(), N, order);
}
// v as n bytes. Requires 0 <= v < 2^(8n): otherwise a test failure (and the
// bytes are unspecified).
void bn_to_bytes(const BIGNUM* v, uint8_t* out, size_t n, ByteOrder order);
template <size_t N>
std::array<uint8_t, N> bytes_of(const BIGNUM* v, ByteOrder order) {
  std::array<uint8_t, N> out{};
  bn_to_bytes(v, out.data(), N, order);
  return out;
}

// N random bytes, one draw of rng each (so a seed replays the same values).
template <size_t N>
std::array<uint8_t, N> random_bytes(std::mt19937_64& rng) {
  std::array<uint8_t, N> v;
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}
inline U256 random_u256(std::mt19937_64& rng) { return random_bytes<32>(rng); }

// ---- seeded randomness ---------------------------------------------------------

// A generator seeded by test_seed() (util/test_util.hpp) that, while it lives,
// adds "VIGIL_TEST_SEED=<seed>" to the trace of every failure, so that a
// failing run can be replayed. Declare one at the top of a test.
class SeededRng : public std::mt19937_64 {
 public:
  SeededRng() : SeededRng(test_seed()) {}

 private:
  explicit SeededRng(uint64_t seed)
      : std::mt19937_64(seed), trace_(__FILE__, __LINE__, "VIGIL_TEST_SEED=" + std::to_string(seed)) {}
  ::testing::ScopedTrace trace_;
};

// ---- arithmetic mod a prime ------------------------------------------------------

// Arithmetic mod a prime m with BIGNUM, on values given as bytes in one byte
// order: the reference for a field (p) and for the scalars (the group order).
// Operands may be any value of their width (they are reduced first); every
// result is in [0, m).
class ModRef {
 public:
  ModRef(const char* modulus_hex, ByteOrder order);
  const BIGNUM* m() const { return m_.get(); }
  ByteOrder order() const { return order_; }

  Bn mod(const BIGNUM* a) const;  // a mod m in [0, m), a of either sign
  // a (N bytes in this byte order) mod m.
  template <size_t N>
  U256 reduce(const std::array<uint8_t, N>& a) const {
    return bytes(mod(bn_from(a, order_).get()).get());
  }
  U256 add(const U256& a, const U256& b) const;
  U256 sub(const U256& a, const U256& b) const;
  U256 mul(const U256& a, const U256& b) const;
  U256 sqr(const U256& a) const;
  U256 neg(const U256& a) const;
  U256 inv(const U256& a) const;                   // 1/a, and 0 for a = 0 (mod m)
  U256 exp(const U256& a, const BIGNUM* e) const;  // a^e, e >= 0
  bool is_square(const U256& a) const;             // Euler's criterion; 0 is a square
  // A square root (either of the two) by BN_mod_sqrt; false for a non-square.
  bool sqrt(const U256& a, U256* out) const;
  bool less(const U256& a) const;  // a < m, a unreduced

 private:
  using Op = int (*)(BIGNUM*, const BIGNUM*, const BIGNUM*, const BIGNUM*, BN_CTX*);
  U256 op(Op f, const U256& a, const U256& b) const;  // f(a mod m, b mod m) mod m
  U256 bytes(const BIGNUM* v) const { return bytes_of<32>(v, order_); }
  Bn in(const U256& a) const { return mod(bn_from(a, order_).get()); }  // a mod m
  Bn m_;
  ByteOrder order_;
};

// ---- mismatch reports ------------------------------------------------------------

// Reports the first 12 mismatches of a loop of checks as test failures and
// counts them all (the test then expects count() == 0).
class Mismatches {
 public:
  // True if ok; otherwise counts a mismatch and, for the first few, records a
  // failure with msg() (msg is called only then).
  template <class Msg>
  bool check(bool ok, Msg&& msg) {
    if (ok) return true;
    if (++count_ <= 12) ADD_FAILURE() << msg();
    return false;
  }
  size_t count() const { return count_; }

 private:
  size_t count_ = 0;
};

// ---- wNAF ------------------------------------------------------------------------

// What the digits d[0..n) of a width-w NAF say: their value sum d_i 2^i (of
// either sign); whether every nonzero digit is odd, of size below 2^(w-1) and
// at least w positions above the previous nonzero one (shape_ok); and the
// position of the last nonzero digit (-1 if none).
struct WnafReading {
  Bn value;
  bool shape_ok = true;
  int last = -1;
};
WnafReading read_wnaf(const int16_t* d, int n, int w);

// ---- a field under test ----------------------------------------------------------

// A field's implementation under test, as check_field_pair,
// expect_field_edges and expect_field_chains drive it. Its operations are the kernels' fe_add, fe_sub,
// fe_mul, fe_sqr, fe_neg, fe_inv and fe_equal, found by argument-dependent
// lookup in Fe's namespace (both fields have them, with the same signatures).
// load makes an element from 32 bytes without reducing them and value reads an
// element back as its value in [0, p), both in the byte order of ref, the
// field's reference; hex prints an operand in messages.
template <class Fe>
struct FieldUnderTest {
  const ModRef* ref;
  Fe (*load)(const U256&);
  U256 (*value)(const Fe&);
  std::string (*hex)(const U256&);
  // One more unary operation of the field's own for the chains, and its reference.
  Fe (*extra)(const Fe&);
  U256 (*extra_ref)(const ModRef&, const U256&);
};

// The binary operations on (a, b), loaded unreduced, against the reference:
// add, sub, mul, and equal against equality mod p.
template <class Fe>
void check_field_pair(Mismatches& bad, const FieldUnderTest<Fe>& f, const U256& a, const U256& b) {
  const ModRef& P = *f.ref;
  const Fe fa = f.load(a), fb = f.load(b);
  auto what = [&](const char* op) {
    return [&, op] { return std::string(op) + "(" + f.hex(a) + ", " + f.hex(b) + ")"; };
  };
  bad.check(f.value(fe_add(fa, fb)) == P.add(a, b), what("fe_add"));
  bad.check(f.value(fe_sub(fa, fb)) == P.sub(a, b), what("fe_sub"));
  bad.check(f.value(fe_mul(fa, fb)) == P.mul(a, b), what("fe_mul"));
  bad.check(fe_equal(fa, fb) == (P.reduce(a) == P.reduce(b)), what("fe_equal"));
}

// Every edge operand through single(bad, a) (the field's own one-operand
// checks) and every ordered pair of them through check_field_pair; expects no
// mismatch.
template <class Fe, class Single>
void expect_field_edges(const FieldUnderTest<Fe>& f, const std::vector<U256>& edges, Single&& single) {
  Mismatches bad;
  for (const U256& a : edges) {
    single(bad, a);
    for (const U256& b : edges) check_field_pair(bad, f, a, b);
  }
  EXPECT_EQ(bad.count(), 0u);
}

// Results in weak form fed back as operands: `chains` random chains of up to
// `steps` operations (add, sub, mul, sqr, neg, extra, inv) on four registers
// drawn by input, each result kept unnormalized and checked against the
// reference value carried along; a chain stops at its first mismatch.
// Expects no mismatch.
template <class Fe>
void expect_field_chains(const FieldUnderTest<Fe>& f, U256 (*input)(std::mt19937_64&), std::mt19937_64& rng,
                         int chains = 200, int steps = 40) {
  const ModRef& P = *f.ref;
  Mismatches bad;
  for (int chain = 0; chain < chains; ++chain) {
    Fe x[4];
    U256 v[4];
    for (int i = 0; i < 4; ++i) {
      v[i] = input(rng);
      x[i] = f.load(v[i]);
    }
    for (int step = 0; step < steps; ++step) {
      const int d = static_cast<int>(rng() % 4), s = static_cast<int>(rng() % 4), t = static_cast<int>(rng() % 4);
      const int op = static_cast<int>(rng() % 7);
      Fe r;
      U256 want;
      switch (op) {
        case 0:
          r = fe_add(x[s], x[t]);
          want = P.add(v[s], v[t]);
          break;
        case 1:
          r = fe_sub(x[s], x[t]);
          want = P.sub(v[s], v[t]);
          break;
        case 2:
          r = fe_mul(x[s], x[t]);
          want = P.mul(v[s], v[t]);
          break;
        case 3:
          r = fe_sqr(x[s]);
          want = P.sqr(v[s]);
          break;
        case 4:
          r = fe_neg(x[s]);
          want = P.neg(v[s]);
          break;
        case 5:
          r = f.extra(x[s]);
          want = f.extra_ref(P, v[s]);
          break;
        default:
          r = fe_inv(x[s]);
          want = P.inv(v[s]);
          break;
      }
      if (!bad.check(f.value(r) == want, [&] {
            return "chain " + std::to_string(chain) + " step " + std::to_string(step) + " op " + std::to_string(op);
          }))
        break;
      x[d] = r;  // kept unnormalized
      v[d] = want;
    }
  }
  EXPECT_EQ(bad.count(), 0u);
}

// An element whose limbs (Fe::n, 32 bits each) are carry-prone: each limb is
// uniform with probability 1/3 and otherwise one of patterns.
template <class Fe, size_t K>
Fe random_limbs(std::mt19937_64& rng, const uint32_t (&patterns)[K]) {
  Fe f;
  for (auto& l : f.n) l = rng() % 3 == 0 ? static_cast<uint32_t>(rng()) : patterns[rng() % K];
  return f;
}

}  // namespace vigil::test
