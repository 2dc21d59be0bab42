// A slow reference implementation of Ed25519 verification under ZIP-215, the
// rules of the `ed25519` scheme (Zcash since Canopy, CometBFT):
//
//   - A (the key) and R (the first half of the signature) are decoded the way
//     curve25519-dalek's CompressedEdwardsY::decompress does: y is the low 255
//     bits, little-endian, taken mod p, so y >= p is accepted; x comes from
//     x^2 = (y^2 - 1) / (d y^2 + 1) (no root: invalid), the even root is taken
//     and negated when bit 255 is set, so x = 0 with bit 255 set is accepted
//     (x stays 0). Points of small or mixed order are accepted.
//   - S (the second half, little-endian) must be < L.
//   - k = SHA-512(R bytes || A bytes || M) mod L, over the bytes as given.
//   - valid iff [8]([S]B - R - [k]A) is the identity (cofactored equation).
//   - the key is 32 bytes and the signature 64, else invalid.
//
// Written from ZIP 215 and RFC 8032 with OpenSSL's BIGNUM for the field and
// scalar arithmetic and OpenSSL's SHA-512: the twisted Edwards addition law
// -x^2 + y^2 = 1 + d x^2 y^2 in projective coordinates (one unified formula,
// also used for doubling) and plain double-and-add. No vigil code and no
// libsodium is used, so a bug in the engine or in the GPU kernels' math
// cannot be shared with it. It is slow (a few milliseconds per signature):
// it decides, it is not benchmarked.
//
// Thread-safe: the constants are built once (function-local statics) and
// every call uses its own BN_CTX.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace vigil::difftest {

using Span = std::span<const uint8_t>;
using Bytes32 = std::array<uint8_t, 32>;

// An affine point (x, y) of the curve, each coordinate reduced mod p and
// written as 32 little-endian bytes.
struct RefPoint {
  Bytes32 x{}, y{};
  bool operator==(const RefPoint&) const = default;
};

// The ZIP-215 verdict of one check (see the top of this file).
bool zip215_reference_verify(Span key, Span msg, Span sig);

// Decodes a 32-byte point encoding with the rules above (canonical or not);
// nullopt for another length or when y is not the y-coordinate of a point.
std::optional<RefPoint> zip215_reference_decode(Span encoding);

// The canonical encoding: y < p, little-endian, bit 255 = x mod 2.
Bytes32 zip215_reference_encode(const RefPoint& point);

RefPoint zip215_reference_identity();  // (0, 1)
RefPoint zip215_reference_base();      // B = (x, 4/5) with x even (RFC 8032 section 5.1)
RefPoint zip215_reference_add(const RefPoint& a, const RefPoint& b);
RefPoint zip215_reference_negate(const RefPoint& a);  // (-x, y)
// [n]P for the unsigned little-endian integer n (any length, not reduced).
RefPoint zip215_reference_mul(Span scalar_le, const RefPoint& point);
// Whether -x^2 + y^2 = 1 + d x^2 y^2 holds (for points built by hand in tests).
bool zip215_reference_on_curve(const RefPoint& point);
// The order of a point of small order (1, 2, 4 or 8); 0 when [8]P is not
// the identity (a point of large or mixed order).
int zip215_reference_small_order(const RefPoint& point);
// Whether [L]P is the identity (P is in the prime-order subgroup).
bool zip215_reference_torsion_free(const RefPoint& point);

// k = SHA-512(r_bytes || a_bytes || msg) mod L, 32 bytes little-endian.
Bytes32 zip215_reference_challenge(Span r_bytes, Span a_bytes, Span msg);

// The constants, little-endian: p = 2^255 - 19, L = 2^252 +
// 27742317777372353535851937790883648493, d = -121665/121666 mod p.
Bytes32 zip215_reference_p();
Bytes32 zip215_reference_l();
Bytes32 zip215_reference_d();

}  // namespace vigil::difftest
