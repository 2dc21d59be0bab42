#include "differential/ed25519_ref.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace vigil::difftest {
namespace {

// ---- BIGNUM plumbing ----------------------------------------------------------
// Any OpenSSL failure here is an allocation failure or a bug in this file:
// the reference must never turn one into a verdict, so it aborts.

void ok(int r) {
  if (r != 1) std::abort();
}
template <class T>
T* ok(T* p) {
  if (p == nullptr) std::abort();
  return p;
}

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
Bn bn() { return Bn(ok(BN_new())); }
Bn bn_word(unsigned long w) {
  Bn b = bn();
  ok(BN_set_word(b.get(), w));
  return b;
}
Bn bn_copy(const BIGNUM* a) { return Bn(ok(BN_dup(a))); }

struct CtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Ctx = std::unique_ptr<BN_CTX, CtxFree>;
Ctx new_ctx() { return Ctx(ok(BN_CTX_new())); }

// Temporaries from a BN_CTX frame, released when the frame goes out of scope.
class Frame {
 public:
  explicit Frame(BN_CTX* ctx) : ctx_(ctx) { BN_CTX_start(ctx_); }
  ~Frame() { BN_CTX_end(ctx_); }
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  BIGNUM* get() { return ok(BN_CTX_get(ctx_)); }

 private:
  BN_CTX* ctx_;
};

Bn from_le(const uint8_t* bytes, size_t n) { return Bn(ok(BN_lebin2bn(bytes, static_cast<int>(n), nullptr))); }

Bytes32 to_le32(const BIGNUM* a) {
  Bytes32 out{};
  if (BN_bn2lebinpad(a, out.data(), 32) != 32) std::abort();  // every value here is < 2^256
  return out;
}

// ---- the constants ----------------------------------------------------------------

struct Proj {  // (X : Y : Z) with x = X/Z, y = Y/Z; Z != 0
  Bn X, Y, Z;
};

struct Consts {
  Bn p, l, d;
  Bn p_minus_1_half;  // (p - 1) / 2, for Euler's criterion
  Proj base;
};

const Consts& consts();

// Field operations mod p. Every result is reduced to [0, p).
void fmul(BIGNUM* r, const BIGNUM* a, const BIGNUM* b, BN_CTX* ctx) { ok(BN_mod_mul(r, a, b, consts().p.get(), ctx)); }
void fadd(BIGNUM* r, const BIGNUM* a, const BIGNUM* b, BN_CTX* ctx) { ok(BN_mod_add(r, a, b, consts().p.get(), ctx)); }
void fsub(BIGNUM* r, const BIGNUM* a, const BIGNUM* b, BN_CTX* ctx) { ok(BN_mod_sub(r, a, b, consts().p.get(), ctx)); }
void finv(BIGNUM* r, const BIGNUM* a, BN_CTX* ctx) { ok(BN_mod_inverse(r, a, consts().p.get(), ctx)); }

// x for a given y and sign bit, as dalek's decompress computes it: the
// nonnegative (even) root of (y^2 - 1) / (d y^2 + 1), negated when `sign`.
// False when that ratio is not a square. `y` must be reduced mod p.
bool recover_x(BIGNUM* x, const BIGNUM* y, bool sign, const BIGNUM* p, const BIGNUM* d,
               const BIGNUM* p_minus_1_half, BN_CTX* ctx) {
  Frame f(ctx);
  BIGNUM *yy = f.get(), *u = f.get(), *v = f.get(), *w = f.get(), *one = f.get(), *t = f.get();
  ok(BN_one(one));
  ok(BN_mod_sqr(yy, y, p, ctx));
  ok(BN_mod_sub(u, yy, one, p, ctx));  // u = y^2 - 1
  ok(BN_mod_mul(v, d, yy, p, ctx));
  ok(BN_mod_add(v, v, one, p, ctx));   // v = d y^2 + 1, never 0: -1/d is not a square
  if (BN_is_zero(v)) std::abort();
  ok(BN_mod_inverse(w, v, p, ctx));
  ok(BN_mod_mul(w, u, w, p, ctx));     // w = u / v = x^2
  if (BN_is_zero(w)) {
    BN_zero(x);  // y = +-1: x = 0 whatever the sign bit says
    return true;
  }
  // Euler's criterion: w is a square iff w^((p-1)/2) = 1. Asked first so that
  // BN_mod_sqrt is only called on squares (it leaves an error queued otherwise).
  ok(BN_mod_exp(t, w, p_minus_1_half, p, ctx));
  if (!BN_is_one(t)) return false;
  ok(BN_mod_sqrt(x, w, p, ctx));
  ok(BN_mod_sqr(t, x, p, ctx));
  if (BN_cmp(t, w) != 0) std::abort();  // BN_mod_sqrt must have found a root
  if (BN_is_odd(x)) ok(BN_sub(x, p, x));           // the nonnegative (even) root
  if (sign && !BN_is_zero(x)) ok(BN_sub(x, p, x));  // negated; -0 = 0
  return true;
}

const Consts& consts() {
  static const Consts c = [] {
    Consts k;
    Ctx ctx = new_ctx();
    k.p = bn();
    ok(BN_set_bit(k.p.get(), 255));
    ok(BN_sub_word(k.p.get(), 19));
    k.l = bn();
    BIGNUM* tail = nullptr;
    if (BN_dec2bn(&tail, "27742317777372353535851937790883648493") == 0) std::abort();
    Bn tail_owner(tail);
    ok(BN_set_bit(k.l.get(), 252));
    ok(BN_add(k.l.get(), k.l.get(), tail));
    // d = -121665 / 121666 mod p
    k.d = bn();
    Bn num = bn_word(121665), den = bn_word(121666);
    ok(BN_mod_inverse(den.get(), den.get(), k.p.get(), ctx.get()));
    ok(BN_mod_mul(k.d.get(), num.get(), den.get(), k.p.get(), ctx.get()));
    ok(BN_sub(k.d.get(), k.p.get(), k.d.get()));
    k.p_minus_1_half = bn_copy(k.p.get());
    ok(BN_sub_word(k.p_minus_1_half.get(), 1));
    ok(BN_rshift1(k.p_minus_1_half.get(), k.p_minus_1_half.get()));
    // B: y = 4/5, x the even root (RFC 8032 section 5.1: "x is positive").
    Bn y = bn_word(5), four = bn_word(4);
    ok(BN_mod_inverse(y.get(), y.get(), k.p.get(), ctx.get()));
    ok(BN_mod_mul(y.get(), y.get(), four.get(), k.p.get(), ctx.get()));
    Bn x = bn();
    if (!recover_x(x.get(), y.get(), false, k.p.get(), k.d.get(), k.p_minus_1_half.get(), ctx.get())) std::abort();
    k.base = Proj{std::move(x), std::move(y), bn_word(1)};
    return k;
  }();
  return c;
}

// ---- points -------------------------------------------------------------------------

Proj proj_identity() { return Proj{bn_word(0), bn_word(1), bn_word(1)}; }

Proj proj_of(const RefPoint& p) { return Proj{from_le(p.x.data(), 32), from_le(p.y.data(), 32), bn_word(1)}; }

// out = a + b (out may be a or b). The affine law on -x^2 + y^2 = 1 + d x^2 y^2,
//   x3 = (x1 y2 + y1 x2) / (1 + d x1 x2 y1 y2),  y3 = (y1 y2 + x1 x2) / (1 - d x1 x2 y1 y2),
// with x = X/Z, y = Y/Z and both fractions brought to the common denominator
// Z3 = F G: with A = Z1 Z2, B = A^2, C = X1 X2, D = Y1 Y2, E = d C D,
// F = B - E, G = B + E, one has x3 = A F (X1 Y2 + Y1 X2) / (F G) and
// y3 = A G (Y1 Y2 + X1 X2) / (F G) (divide by B = Z1^2 Z2^2 to see the affine
// law). Complete: -1 is a square mod p and d is not, so 1 +- d x1 x2 y1 y2 is
// never 0 for points on the curve; the same formula doubles (a = b).
void proj_add(Proj& out, const Proj& a, const Proj& b, BN_CTX* ctx) {
  Frame f(ctx);
  BIGNUM *A = f.get(), *B = f.get(), *C = f.get(), *D = f.get(), *E = f.get(), *F = f.get(), *G = f.get();
  BIGNUM *cross = f.get(), *t = f.get(), *X3 = f.get(), *Y3 = f.get(), *Z3 = f.get();
  fmul(A, a.Z.get(), b.Z.get(), ctx);
  fmul(B, A, A, ctx);
  fmul(C, a.X.get(), b.X.get(), ctx);
  fmul(D, a.Y.get(), b.Y.get(), ctx);
  fmul(E, consts().d.get(), C, ctx);
  fmul(E, E, D, ctx);
  fsub(F, B, E, ctx);
  fadd(G, B, E, ctx);
  fmul(cross, a.X.get(), b.Y.get(), ctx);
  fmul(t, a.Y.get(), b.X.get(), ctx);
  fadd(cross, cross, t, ctx);  // X1 Y2 + Y1 X2
  fadd(t, D, C, ctx);          // Y1 Y2 + X1 X2 (a = -1)
  fmul(X3, A, F, ctx);
  fmul(X3, X3, cross, ctx);
  fmul(Y3, A, G, ctx);
  fmul(Y3, Y3, t, ctx);
  fmul(Z3, F, G, ctx);
  if (BN_is_zero(Z3)) std::abort();  // impossible for points on the curve (see above)
  ok(BN_copy(out.X.get(), X3));
  ok(BN_copy(out.Y.get(), Y3));
  ok(BN_copy(out.Z.get(), Z3));
}

void proj_negate(Proj& p, BN_CTX* ctx) {
  Frame f(ctx);
  BIGNUM* zero = f.get();
  BN_zero(zero);
  fsub(p.X.get(), zero, p.X.get(), ctx);
}

// [n]P, most significant bit first: double, then add P where the bit is set.
Proj proj_mul(const BIGNUM* n, const Proj& p, BN_CTX* ctx) {
  Proj q = proj_identity();
  for (int i = BN_num_bits(n) - 1; i >= 0; --i) {
    proj_add(q, q, q, ctx);
    if (BN_is_bit_set(n, i)) proj_add(q, q, p, ctx);
  }
  return q;
}

// The identity is (0 : Z : Z).
bool proj_is_identity(const Proj& p) { return BN_is_zero(p.X.get()) && BN_cmp(p.Y.get(), p.Z.get()) == 0; }

RefPoint affine(const Proj& p, BN_CTX* ctx) {
  Frame f(ctx);
  BIGNUM *zinv = f.get(), *x = f.get(), *y = f.get();
  finv(zinv, p.Z.get(), ctx);
  fmul(x, p.X.get(), zinv, ctx);
  fmul(y, p.Y.get(), zinv, ctx);
  return RefPoint{to_le32(x), to_le32(y)};
}

std::optional<Proj> decode(const uint8_t* enc, BN_CTX* ctx) {
  const Consts& k = consts();
  Bn y = from_le(enc, 32);
  const bool sign = (enc[31] >> 7) != 0;
  if (BN_is_bit_set(y.get(), 255)) ok(BN_clear_bit(y.get(), 255));  // bit 255 is the sign of x
  ok(BN_nnmod(y.get(), y.get(), k.p.get(), ctx));  // y >= p is accepted: reduced here
  Bn x = bn();
  if (!recover_x(x.get(), y.get(), sign, k.p.get(), k.d.get(), k.p_minus_1_half.get(), ctx)) return std::nullopt;
  return Proj{std::move(x), std::move(y), bn_word(1)};
}

void sha512(uint8_t out[64], Span a, Span b, Span c) {
  struct MdFree {
    void operator()(EVP_MD_CTX* m) const { EVP_MD_CTX_free(m); }
  };
  std::unique_ptr<EVP_MD_CTX, MdFree> md(ok(EVP_MD_CTX_new()));
  ok(EVP_DigestInit_ex(md.get(), EVP_sha512(), nullptr));
  for (Span part : {a, b, c}) {
    if (!part.empty()) ok(EVP_DigestUpdate(md.get(), part.data(), part.size()));
  }
  unsigned int len = 0;
  ok(EVP_DigestFinal_ex(md.get(), out, &len));
  if (len != 64) std::abort();
}

Bn challenge(Span r_bytes, Span a_bytes, Span msg, BN_CTX* ctx) {
  uint8_t h[64];
  sha512(h, r_bytes, a_bytes, msg);
  Bn k = from_le(h, 64);  // the digest as a 512-bit little-endian integer
  ok(BN_nnmod(k.get(), k.get(), consts().l.get(), ctx));
  return k;
}

}  // namespace

bool zip215_reference_verify(Span key, Span msg, Span sig) {
  if (key.size() != 32 || sig.size() != 64) return false;
  const Consts& k = consts();
  Ctx ctx = new_ctx();
  std::optional<Proj> a = decode(key.data(), ctx.get());
  if (!a) return false;
  std::optional<Proj> r = decode(sig.data(), ctx.get());
  if (!r) return false;
  Bn s = from_le(sig.data() + 32, 32);
  if (BN_cmp(s.get(), k.l.get()) >= 0) return false;  // S must be < L
  Bn h = challenge(sig.first(32), key, msg, ctx.get());

  // [S]B - R - [k]A, then [8] of it.
  Proj sum = proj_mul(s.get(), k.base, ctx.get());
  proj_negate(*r, ctx.get());
  proj_add(sum, sum, *r, ctx.get());
  Proj ka = proj_mul(h.get(), *a, ctx.get());
  proj_negate(ka, ctx.get());
  proj_add(sum, sum, ka, ctx.get());
  for (int i = 0; i < 3; ++i) proj_add(sum, sum, sum, ctx.get());
  return proj_is_identity(sum);
}

std::optional<RefPoint> zip215_reference_decode(Span encoding) {
  if (encoding.size() != 32) return std::nullopt;
  Ctx ctx = new_ctx();
  std::optional<Proj> p = decode(encoding.data(), ctx.get());
  if (!p) return std::nullopt;
  return affine(*p, ctx.get());
}

Bytes32 zip215_reference_encode(const RefPoint& point) {
  Bytes32 out = point.y;
  out[31] = static_cast<uint8_t>((out[31] & 0x7f) | ((point.x[0] & 1) << 7));
  return out;
}

RefPoint zip215_reference_identity() {
  RefPoint p;
  p.y[0] = 1;
  return p;
}

RefPoint zip215_reference_base() {
  Ctx ctx = new_ctx();
  return affine(consts().base, ctx.get());
}

RefPoint zip215_reference_add(const RefPoint& a, const RefPoint& b) {
  Ctx ctx = new_ctx();
  Proj sum = proj_of(a);
  proj_add(sum, sum, proj_of(b), ctx.get());
  return affine(sum, ctx.get());
}

RefPoint zip215_reference_negate(const RefPoint& a) {
  Ctx ctx = new_ctx();
  Proj p = proj_of(a);
  proj_negate(p, ctx.get());
  return affine(p, ctx.get());
}

RefPoint zip215_reference_mul(Span scalar_le, const RefPoint& point) {
  Ctx ctx = new_ctx();
  Bn n = scalar_le.empty() ? bn_word(0) : from_le(scalar_le.data(), scalar_le.size());
  return affine(proj_mul(n.get(), proj_of(point), ctx.get()), ctx.get());
}

bool zip215_reference_on_curve(const RefPoint& point) {
  Ctx ctx = new_ctx();
  Frame f(ctx.get());
  Bn x = from_le(point.x.data(), 32), y = from_le(point.y.data(), 32);
  if (BN_cmp(x.get(), consts().p.get()) >= 0 || BN_cmp(y.get(), consts().p.get()) >= 0) return false;
  BIGNUM *xx = f.get(), *yy = f.get(), *lhs = f.get(), *rhs = f.get(), *one = f.get();
  ok(BN_one(one));
  fmul(xx, x.get(), x.get(), ctx.get());
  fmul(yy, y.get(), y.get(), ctx.get());
  fsub(lhs, yy, xx, ctx.get());  // -x^2 + y^2
  fmul(rhs, xx, yy, ctx.get());
  fmul(rhs, rhs, consts().d.get(), ctx.get());
  fadd(rhs, rhs, one, ctx.get());  // 1 + d x^2 y^2
  return BN_cmp(lhs, rhs) == 0;
}

int zip215_reference_small_order(const RefPoint& point) {
  Ctx ctx = new_ctx();
  Proj p = proj_of(point);
  for (int order = 1; order <= 8; order *= 2) {
    if (proj_is_identity(p)) return order;
    proj_add(p, p, p, ctx.get());
  }
  return 0;
}

bool zip215_reference_torsion_free(const RefPoint& point) {
  Ctx ctx = new_ctx();
  return proj_is_identity(proj_mul(consts().l.get(), proj_of(point), ctx.get()));
}

Bytes32 zip215_reference_challenge(Span r_bytes, Span a_bytes, Span msg) {
  Ctx ctx = new_ctx();
  return to_le32(challenge(r_bytes, a_bytes, msg, ctx.get()).get());
}

Bytes32 zip215_reference_p() { return to_le32(consts().p.get()); }
Bytes32 zip215_reference_l() { return to_le32(consts().l.get()); }
Bytes32 zip215_reference_d() { return to_le32(consts().d.get()); }

}  // namespace vigil::difftest
