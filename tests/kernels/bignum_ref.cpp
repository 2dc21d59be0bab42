#include "kernels/bignum_ref.hpp"

#include <openssl/err.h>

namespace vigil::test {

namespace {
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
}  // namespace

BN_CTX* bn_ctx() {
  static std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  return ctx.get();
}

Bn bn_new() { return Bn(BN_new()); }

Bn bn_hex(const char* h) {
  BIGNUM* b = nullptr;
  EXPECT_GT(BN_hex2bn(&b, h), 0) << h;
  return Bn(b);
}

Bn bn_word(uint64_t w) {
  Bn b = bn_new();
  EXPECT_EQ(BN_set_word(b.get(), w), 1);
  return b;
}

Bn bn_pow2(int k) {
  Bn b = bn_new();
  BN_zero(b.get());
  EXPECT_EQ(BN_set_bit(b.get(), k), 1);
  return b;
}

Bn bn_copy(const BIGNUM* a) { return Bn(BN_dup(a)); }

Bn bn_add(const BIGNUM* a, const BIGNUM* b) {
  Bn r = bn_new();
  EXPECT_EQ(BN_add(r.get(), a, b), 1);
  return r;
}

Bn bn_sub(const BIGNUM* a, const BIGNUM* b) {
  Bn r = bn_new();
  EXPECT_EQ(BN_sub(r.get(), a, b), 1);
  return r;
}

Bn bn_mul(const BIGNUM* a, const BIGNUM* b) {
  Bn r = bn_new();
  EXPECT_EQ(BN_mul(r.get(), a, b, bn_ctx()), 1);
  return r;
}

Bn bn_add_i(const BIGNUM* a, int64_t k) {
  Bn w = bn_word(static_cast<uint64_t>(k < 0 ? -k : k));
  return k < 0 ? bn_sub(a, w.get()) : bn_add(a, w.get());
}

Bn bn_rshift(const BIGNUM* a, int k) {
  Bn r = bn_new();
  EXPECT_EQ(BN_rshift(r.get(), a, k), 1);
  return r;
}

Bn bn_from_bytes(const uint8_t* p, size_t n, ByteOrder order) {
  const int len = static_cast<int>(n);
  return Bn(order == ByteOrder::big ? BN_bin2bn(p, len, nullptr) : BN_lebin2bn(p, len, nullptr));
}

void bn_to_bytes(const BIGNUM* v, uint8_t* out, size_t n, ByteOrder order) {
  const int len = static_cast<int>(n);
  EXPECT_FALSE(BN_is_negative(v));
  EXPECT_LE(BN_num_bits(v), 8 * len);
  EXPECT_EQ(order == ByteOrder::big ? BN_bn2binpad(v, out, len) : BN_bn2lebinpad(v, out, len), len);
}

// ---- ModRef ----------------------------------------------------------------------

ModRef::ModRef(const char* modulus_hex, ByteOrder order) : m_(bn_hex(modulus_hex)), order_(order) {}

Bn ModRef::mod(const BIGNUM* a) const {
  Bn r = bn_new();
  EXPECT_EQ(BN_nnmod(r.get(), a, m(), bn_ctx()), 1);
  return r;
}

U256 ModRef::op(Op f, const U256& a, const U256& b) const {
  Bn r = bn_new();
  EXPECT_EQ(f(r.get(), in(a).get(), in(b).get(), m(), bn_ctx()), 1);
  return bytes(r.get());
}

U256 ModRef::add(const U256& a, const U256& b) const { return op(BN_mod_add, a, b); }
U256 ModRef::sub(const U256& a, const U256& b) const { return op(BN_mod_sub, a, b); }
U256 ModRef::mul(const U256& a, const U256& b) const { return op(BN_mod_mul, a, b); }

U256 ModRef::sqr(const U256& a) const {
  Bn r = bn_new();
  EXPECT_EQ(BN_mod_sqr(r.get(), in(a).get(), m(), bn_ctx()), 1);
  return bytes(r.get());
}

U256 ModRef::neg(const U256& a) const { return sub(U256{}, a); }

U256 ModRef::inv(const U256& a) const {
  Bn x = in(a);
  if (BN_is_zero(x.get())) return U256{};
  Bn r = bn_new();
  EXPECT_NE(BN_mod_inverse(r.get(), x.get(), m(), bn_ctx()), nullptr);
  return bytes(r.get());
}

U256 ModRef::exp(const U256& a, const BIGNUM* e) const {
  Bn r = bn_new();
  EXPECT_EQ(BN_mod_exp(r.get(), in(a).get(), e, m(), bn_ctx()), 1);
  return bytes(r.get());
}

bool ModRef::is_square(const U256& a) const {
  Bn x = in(a);
  if (BN_is_zero(x.get())) return true;
  Bn e = bn_rshift(bn_add_i(m(), -1).get(), 1);  // (m - 1) / 2
  Bn r = bn_new();
  EXPECT_EQ(BN_mod_exp(r.get(), x.get(), e.get(), m(), bn_ctx()), 1);
  return BN_is_one(r.get());
}

bool ModRef::sqrt(const U256& a, U256* out) const {
  Bn x = in(a);
  Bn r = bn_new();
  if (BN_mod_sqrt(r.get(), x.get(), m(), bn_ctx()) == nullptr) {
    ERR_clear_error();  // "not a square" is queued as an error
    return false;
  }
  *out = bytes(r.get());
  return true;
}

bool ModRef::less(const U256& a) const { return BN_cmp(bn_from(a, order_).get(), m()) < 0; }

// ---- wNAF ------------------------------------------------------------------------

WnafReading read_wnaf(const int16_t* d, int n, int w) {
  WnafReading r;
  r.value = bn_new();
  BN_zero(r.value.get());
  int prev = -1000;
  for (int i = 0; i < n; ++i) {
    const int di = d[i];
    if (di == 0) continue;
    const int mag = di < 0 ? -di : di;
    if ((mag & 1) == 0 || mag >= (1 << (w - 1)) || i - prev < w) r.shape_ok = false;
    prev = r.last = i;
    Bn term = bn_word(static_cast<uint64_t>(mag));
    EXPECT_EQ(BN_lshift(term.get(), term.get(), i), 1);
    r.value = di > 0 ? bn_add(r.value.get(), term.get()) : bn_sub(r.value.get(), term.get());
  }
  return r;
}

}  // namespace vigil::test
