// The verification schemes on top of ecmult, as host/device per-thread math,
// each with libsecp256k1's exact acceptance rules:
//   pubkey_parse    secp256k1_ec_pubkey_parse (compressed, uncompressed, hybrid)
//   xonly_parse     secp256k1_xonly_pubkey_parse
//   ecdsa_verify    secp256k1_ecdsa_verify's core (secp256k1_ecdsa_sig_verify),
//                   with the low-S rule as an option
//   schnorr_verify  secp256k1_schnorrsig_verify (BIP340)
#pragma once

#include <cstdint>

#include "secp256k1/ecmult.hpp"
#include "sha256/sha256_core.hpp"

namespace vigil::secp {

// An encoded public key: 33 bytes 02/03 || x, or 65 bytes 04 || x || y
// (uncompressed) or 06/07 || x || y (hybrid: the tag's low bit must be y's
// parity). Coordinates must be below p and the point on the curve.
VIGIL_HD VIGIL_FORCE_INLINE bool pubkey_parse(Ge& out, const uint8_t* in, uint32_t len) {
  if (len == 33 && (in[0] == 0x02 || in[0] == 0x03)) {
    Fe x;
    return fe_from_b32_limit(x, in + 1) && ge_set_xo(out, x, in[0] == 0x03);
  }
  if (len == 65 && (in[0] == 0x04 || in[0] == 0x06 || in[0] == 0x07)) {
    if (!fe_from_b32_limit(out.x, in + 1) || !fe_from_b32_limit(out.y, in + 33)) return false;
    out.infinity = false;
    if (in[0] != 0x04 && (out.y.n[0] & 1) != (in[0] & 1u)) return false;
    return ge_is_valid(out);
  }
  return false;
}

// A BIP340 x-only key: x below p with a point on the curve; y is the even root.
VIGIL_HD VIGIL_FORCE_INLINE bool xonly_parse(Ge& out, const uint8_t* in32) {
  Fe x;
  return fe_from_b32_limit(x, in32) && ge_set_xo(out, x, false);
}

// p - n: an x-coordinate below it has a second residue x + n < p that also
// reduces to the same r.
VIGIL_HD constexpr uint32_t p_minus_order_limb(int i) {
  constexpr uint32_t k[8] = {0x2FC9BAEEu, 0x402DA172u, 0x50B75FC4u, 0x45512319u, 1u, 0, 0, 0};
  return k[i];
}

// The scalars of the one double multiplication a verification needs:
// R = na * key + ng * G.
struct EcmultInput {
  Scalar na, ng;
};

// ECDSA: r, s are the signature's integers (each must be in [1, n-1]; values
// >= n are rejected), `digest32` the message hash (reduced mod n), q the key.
// Valid when the x-coordinate of (m/s) * G + (r/s) * Q, taken mod n, is r.
// With `require_low_s`, an s above n/2 is rejected first (libsecp256k1's
// secp256k1_ecdsa_verify); without it either s is accepted, and s and n - s
// give the same verdict.
//
// The part before the multiplication: false when r or s alone rejects the
// signature, else in = (r/s, m/s). `scratch` (128 words) serves the inversion.
VIGIL_HD VIGIL_FORCE_INLINE bool ecdsa_prepare(EcmultInput& in, const uint8_t r32[32], const uint8_t s32[32],
                                               const uint8_t digest32[32], bool require_low_s,
                                               const ThreadColumn& scratch) {
  bool overflow_r, overflow_s;
  const Scalar r = scalar_from_b32(r32, &overflow_r);
  const Scalar s = scalar_from_b32(s32, &overflow_s);
  if (overflow_r || overflow_s || scalar_is_zero(r) || scalar_is_zero(s)) return false;
  if (require_low_s && scalar_is_high(s)) return false;
  const Scalar m = scalar_from_b32(digest32);
  const Scalar sn = scalar_inv(s, scratch);
  in.na = scalar_mul(sn, r);
  in.ng = scalar_mul(sn, m);
  return true;
}

// The part after: the verdict for pr = (r/s) * Q + (m/s) * G.
VIGIL_HD VIGIL_FORCE_INLINE bool ecdsa_finish(const Gej& pr, const uint8_t r32[32]) {
  if (pr.infinity) return false;
  // Compare x(pr) with r and, when r + n is still a field element, with r + n.
  Fe xr = fe_from_b32_raw(r32);  // r < n < p
  if (gej_x_equals(pr, xr)) return true;
  for (int i = 7; i >= 0; --i) {
    if (xr.n[i] != p_minus_order_limb(i)) {
      if (xr.n[i] > p_minus_order_limb(i)) return false;
      break;
    }
    if (i == 0) return false;  // xr == p - n
  }
  uint64_t c = 0;
  for (int i = 0; i < 8; ++i) {
    c += uint64_t{xr.n[i]} + order_limb(i);
    xr.n[i] = static_cast<uint32_t>(c);
    c >>= 32;
  }
  return gej_x_equals(pr, xr);
}

// The whole ECDSA verification; `scratch` is ecmult's table space.
VIGIL_HD inline bool ecdsa_verify(const Ge& q, const uint8_t r32[32], const uint8_t s32[32], const uint8_t digest32[32],
                                  bool require_low_s, const GTables& tables, const OddTable& scratch) {
  EcmultInput in;
  return ecdsa_prepare(in, r32, s32, digest32, require_low_s, scratch) &&
         ecdsa_finish(ecmult(q, in.na, in.ng, tables, scratch), r32);
}

// SHA256("BIP0340/challenge"), the tag of the challenge hash, as digest words.
VIGIL_HD constexpr sha::DigestWords challenge_tag_hash() {
  return sha::DigestWords{{0x7bb52d7au, 0x9fef5832u, 0x3eb1bf7au, 0x407db382u,
                           0xd2f3f2d8u, 0x1bb1224fu, 0x49fe518fu, 0x6d48d37cu}};
}

// e = tagged_hash("BIP0340/challenge", r32 || pk32 || msg) as a scalar (reduced mod n).
template <class Reader>
VIGIL_HD inline Scalar bip340_challenge(const uint8_t r32[32], const uint8_t pk32[32], Reader& msg, uint64_t msg_len) {
  sha::Midstate m = sha::tagged_midstate(challenge_tag_hash());
  uint32_t w[16];
  sha::ContiguousReader rr{r32}, pr{pk32};
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    w[i] = rr.word();
    w[8 + i] = pr.word();
  }
  sha::compress(m.h, w);  // r || pk is exactly one block
  sha::finish_message(msg, msg_len, 128, m.h);
  sha::DigestWords d;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) d.w[i] = m.h[i];
  uint8_t e32[32];
  sha::digest_words_to_bytes(d, e32);
  return scalar_from_b32(e32);
}

// BIP340: sig64 = r || s, r a field element (< p), s a scalar (< n); pk the
// key's x-only bytes, already parsed into p. Valid when R = s*G - e*P is not
// infinity, has even y, and x(R) = r.
//
// The part before the multiplication: false when r or s is out of range,
// else in = (-e, s).
template <class Reader>
VIGIL_HD VIGIL_FORCE_INLINE bool schnorr_prepare(EcmultInput& in, const uint8_t pk32[32], const uint8_t sig64[64],
                                                 Reader& msg, uint64_t msg_len) {
  Fe rx;
  if (!fe_from_b32_limit(rx, sig64)) return false;
  bool overflow;
  in.ng = scalar_from_b32(sig64 + 32, &overflow);
  if (overflow) return false;
  in.na = scalar_neg(bip340_challenge(sig64, pk32, msg, msg_len));
  return true;
}

// The part after: the verdict for rj = s*G - e*P (r already known below p).
VIGIL_HD VIGIL_FORCE_INLINE bool schnorr_finish(const Gej& rj, const uint8_t sig64[64]) {
  if (rj.infinity) return false;
  const Ge r = ge_from_gej(rj);
  return !fe_is_odd(r.y) && fe_equal(r.x, fe_from_b32_raw(sig64));
}

// The whole BIP340 verification; `scratch` is ecmult's table space.
template <class Reader>
VIGIL_HD inline bool schnorr_verify(const Ge& p, const uint8_t pk32[32], const uint8_t sig64[64], Reader& msg,
                                    uint64_t msg_len, const GTables& tables, const OddTable& scratch) {
  EcmultInput in;
  return schnorr_prepare(in, pk32, sig64, msg, msg_len) &&
         schnorr_finish(ecmult(p, in.na, in.ng, tables, scratch), sig64);
}

}  // namespace vigil::secp
