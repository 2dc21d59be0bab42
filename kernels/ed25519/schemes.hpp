// Ed25519 verification under the two rule sets, as host/device per-thread
// math. Both hash k = SHA-512(R || A || M) over the bytes as given and
// require S < L; they differ in which encodings they accept and in the
// equation:
//
//   ed25519 (ZIP-215, https://zips.z.cash/zip-0215): A and R decoded as
//     curve25519-dalek decompresses (non-canonical y >= p and x = 0 with the
//     sign bit set accepted; small-order points accepted); valid iff
//     [8]([S]B - [k]A - R) is the identity (the cofactored equation).
//   ed25519-strict (libsodium 1.0.18's crypto_sign_verify_detached): A must
//     encode y < p and neither A nor R may be one of libsodium's small-order
//     encodings; valid iff the canonical encoding of [S]B - [k]A equals the
//     32 bytes of R (the cofactorless equation, which also rejects every
//     non-canonical R).
#pragma once

#include <cstdint>

#include "ed25519/ecmult.hpp"
#include "sha512/sha512_core.hpp"

namespace vigil::ed25519 {

// libsodium's ge25519_has_small_order: whether the low 255 bits of s (the
// sign bit is ignored) are the y of a point of order 1, 2, 4 or 8 -- 0, 1,
// p - 1 and the two y of order 8 -- or p (= 0) or p + 1 (= 1), the only
// non-canonical encodings of those y below 2^255.
VIGIL_HD inline bool has_small_order_encoding(const uint8_t s[32]) {
  // The order-8 y coordinates, little-endian.
  constexpr uint8_t kOrder8a[32] = {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
                                    0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
                                    0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05};
  constexpr uint8_t kOrder8b[32] = {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
                                    0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
                                    0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a};
  bool eq_a = true, eq_b = true;
VIGIL_UNROLL
  for (int i = 0; i < 32; ++i) {
    const uint8_t v = i == 31 ? (s[i] & 0x7f) : s[i];
    eq_a &= v == kOrder8a[i];
    eq_b &= v == kOrder8b[i];
  }
  if (eq_a || eq_b) return true;
  // 0, 1, p - 1, p, p + 1: the low byte free, the middle bytes all 0x00 or
  // all 0xff, the top byte 0x00 or 0x7f (sign bit ignored).
  bool zeros = true, ones = true;
  for (int i = 1; i < 31; ++i) {
    zeros &= s[i] == 0x00;
    ones &= s[i] == 0xff;
  }
  const uint8_t top = s[31] & 0x7f;
  if (zeros && top == 0x00) return s[0] == 0x00 || s[0] == 0x01;
  if (ones && top == 0x7f) return s[0] == 0xec || s[0] == 0xed || s[0] == 0xee;
  return false;
}

// k = SHA-512(R || A || M) mod L.
VIGIL_HD inline Scalar challenge(const uint8_t r[32], const uint8_t key[32], const uint8_t* msg, uint64_t len) {
  uint8_t prefix[64], h[64];
VIGIL_UNROLL
  for (int i = 0; i < 32; ++i) {
    prefix[i] = r[i];
    prefix[32 + i] = key[i];
  }
  sha512::digest_prefixed(h, prefix, msg, len);
  return sc_reduce512(h);
}

// ed25519 under ZIP-215. key: 32 bytes, sig: 64 bytes (R || S).
VIGIL_HD inline bool verify_zip215(const uint8_t key[32], const uint8_t sig[64], const uint8_t* msg, uint64_t len,
                                   const GeNiels* table_b) {
  if (!sc_bytes_canonical(sig + 32)) return false;
  GeP3 a, r;
  if (!ge_decode(a, key) || !ge_decode(r, sig)) return false;
  const Scalar k = challenge(sig, key, msg, len);
  const Scalar s = sc_from_bytes_raw(sig + 32);
  // [S]B - [k]A - R, then times the cofactor 8.
  const GeP3 sb_ka = double_scalarmult(ge_neg(a), k, s, table_b);
  GeP2 q = ge_p1p1_to_p2(ge_sub(sb_ka, ge_p3_to_cached(r)));
  for (int i = 0; i < 3; ++i) q = ge_p1p1_to_p2(ge_dbl(q));
  return ge_is_identity(q);
}

// ed25519-strict: libsodium 1.0.18's crypto_sign_verify_detached.
VIGIL_HD inline bool verify_strict(const uint8_t key[32], const uint8_t sig[64], const uint8_t* msg, uint64_t len,
                                   const GeNiels* table_b) {
  if (!sc_bytes_canonical(sig + 32) || has_small_order_encoding(sig)) return false;
  if (!fe_bytes_canonical(key) || has_small_order_encoding(key)) return false;
  GeP3 a;
  if (!ge_decode(a, key)) return false;
  const Scalar k = challenge(sig, key, msg, len);
  const Scalar s = sc_from_bytes_raw(sig + 32);
  uint8_t check[32];
  ge_to_bytes(check, ge_p3_to_p2(double_scalarmult(ge_neg(a), k, s, table_b)));
  uint8_t diff = 0;
  for (int i = 0; i < 32; ++i) diff |= check[i] ^ sig[i];
  return diff == 0;
}

}  // namespace vigil::ed25519
