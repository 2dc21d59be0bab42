#include "verify/ed25519_zip215.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "ed25519/schemes.hpp"
#include "verify/backends.hpp"
#include "verify/ed25519_msm.hpp"

namespace vigil::cpu {
namespace {

using namespace ed51;

// ---- scalars mod L (little-endian 64-bit words) ------------------------------

constexpr uint64_t kL[4] = {0x5812631A5CF5D3EDull, 0x14DEF9DEA2F79CD6ull, 0, 0x1000000000000000ull};

Scalar32 scalar_of(const ed25519::Scalar& s) {
  Scalar32 r;
  std::memcpy(r.b, s.n, 32);  // eight little-endian 32-bit limbs: the bytes on a little-endian host
  return r;
}

// z k mod L for a 128-bit z: the schoolbook product (below 2^384) as a
// 512-bit value, reduced by the GPU scalar code's Barrett reduction.
Scalar32 mul_mod_l(const uint64_t z[2], const Scalar32& k) {
  uint64_t kw[4], prod[8] = {};
  std::memcpy(kw, k.b, 32);
  for (int i = 0; i < 2; ++i) {
    unsigned __int128 c = 0;
    for (int j = 0; j < 4; ++j) {
      c += static_cast<unsigned __int128>(z[i]) * kw[j] + prod[i + j];
      prod[i + j] = static_cast<uint64_t>(c);
      c >>= 64;
    }
    prod[i + 4] = static_cast<uint64_t>(c);
  }
  uint8_t wide[64];
  std::memcpy(wide, prod, 64);
  return scalar_of(ed25519::sc_reduce512(wide));
}

// a + b mod L for a, b < L: the sum is below 2L < 2^254, so one conditional
// subtraction of L (kept when it does not borrow) finishes.
Scalar32 add_mod_l(const Scalar32& a, const Scalar32& b) {
  uint64_t x[4], y[4], d[4];
  std::memcpy(x, a.b, 32);
  std::memcpy(y, b.b, 32);
  unsigned __int128 c = 0;
  for (int i = 0; i < 4; ++i) {
    c += static_cast<unsigned __int128>(x[i]) + y[i];
    x[i] = static_cast<uint64_t>(c);
    c >>= 64;
  }
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned __int128 t = static_cast<unsigned __int128>(x[i]) - kL[i] - borrow;
    d[i] = static_cast<uint64_t>(t);
    borrow = static_cast<uint64_t>(t >> 64) & 1;
  }
  Scalar32 r;
  std::memcpy(r.b, borrow ? x : d, 32);
  return r;
}

// ---- one check, decoded -----------------------------------------------------

// What the equation needs of a check: -A, -R, k and S.
struct Prepared {
  Point neg_a, neg_r;
  Scalar32 k, s;
};

// The checks that fail before any curve arithmetic (signature length, S >= L,
// A or R not a point) return false; otherwise fills p.
bool prepare_var(Prepared& p, const uint8_t* key32, ByteView message, ByteView signature) {
  if (signature.size() != 64) return false;
  const uint8_t* sig = signature.data();
  if (!ed25519::sc_bytes_canonical(sig + 32)) return false;
  Point a, r;
  if (!decode_zip215_var(a, key32) || !decode_zip215_var(r, sig)) return false;
  p.neg_a = neg(a);
  p.neg_r = neg(r);
  p.k = scalar_of(ed25519::challenge(sig, key32, message.data(), message.size()));
  std::memcpy(p.s.b, sig + 32, 32);
  return true;
}

// [8]([S]B - [k]A - R) = 0: one double-base multiplication, then -R added.
bool check_prepared_var(const Prepared& p) {
  const Point q = straus_var(std::span(&p.neg_a, 1), std::span(&p.k, 1), p.s);
  return is_small_order_var(to_point(add(q, to_cached(p.neg_r))));
}

struct BatchWorkspace {
  std::vector<Prepared> prepared;
  std::vector<size_t> index;  // prepared[j] is inputs[index[j]]
  std::vector<Point> points;
  std::vector<Scalar32> scalars;
};

// One group of at most kZip215MaxBatch (the contract of zip215_verify_batch_var).
void verify_group_var(std::span<const Zip215Input> inputs, std::span<uint8_t> verdicts) {
  thread_local BatchWorkspace ws;
  const size_t n = inputs.size();
  ws.prepared.resize(std::max(ws.prepared.size(), n));
  ws.index.resize(std::max(ws.index.size(), n));
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    const Zip215Input& in = inputs[i];
    verdicts[i] = 0;
    if (in.key_ok && prepare_var(ws.prepared[m], in.key, in.message, in.signature)) ws.index[m++] = i;
  }
  if (m <= 1) {
    if (m == 1) verdicts[ws.index[0]] = check_prepared_var(ws.prepared[0]) ? 1 : 0;
    return;
  }

  // Points -A_j with z_j k_j, then -R_j with z_j; B with sum z_j S_j.
  uint64_t z[kZip215MaxBatch][2];
  ensure_sodium();
  randombytes_buf(z, sizeof(z[0]) * m);
  ws.points.resize(std::max(ws.points.size(), 2 * m));
  ws.scalars.resize(std::max(ws.scalars.size(), 2 * m));
  Scalar32 b{};
  for (size_t j = 0; j < m; ++j) {
    const Prepared& p = ws.prepared[j];
    ws.points[j] = p.neg_a;
    ws.scalars[j] = mul_mod_l(z[j], p.k);
    ws.points[m + j] = p.neg_r;
    Scalar32& zj = ws.scalars[m + j];
    std::memset(zj.b, 0, 32);
    std::memcpy(zj.b, z[j], 16);
    b = add_mod_l(b, mul_mod_l(z[j], p.s));
  }
  const bool all_valid =
      is_small_order_var(straus_var(std::span(ws.points.data(), 2 * m), std::span(ws.scalars.data(), 2 * m), b));
  for (size_t j = 0; j < m; ++j) verdicts[ws.index[j]] = all_valid || check_prepared_var(ws.prepared[j]) ? 1 : 0;
}

}  // namespace

bool zip215_verify_var(const uint8_t* key32, ByteView message, ByteView signature) {
  Prepared p;
  return prepare_var(p, key32, message, signature) && check_prepared_var(p);
}

void zip215_verify_batch_var(std::span<const Zip215Input> inputs, std::span<uint8_t> verdicts) {
  // Groups of equal size (within one), none above the maximum.
  const size_t n = inputs.size(), groups = (n + kZip215MaxBatch - 1) / kZip215MaxBatch;
  const size_t per = groups ? (n + groups - 1) / groups : 0;
  for (size_t at = 0; at < n; at += per) {
    const size_t len = std::min(per, n - at);
    verify_group_var(inputs.subspan(at, len), verdicts.subspan(at, len));
  }
}

}  // namespace vigil::cpu
