// SHA-512 (FIPS 180-4) as host/device per-thread math: the hash of Ed25519's
// challenge k = SHA-512(R || A || M). Unit-tested on the host against
// OpenSSL's SHA512.
#pragma once

#include <cstdint>

#include "common/hd.hpp"

namespace vigil::sha512 {

// The 80 round constants. On the GPU the rounds are fully unrolled and each
// constant folds into an immediate; on the host (where GCC unrolls less) the
// table is static, not rebuilt on the stack each call.
#define VIGIL_SHA512_ROUND_CONSTANTS \
  0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull, \
  0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull, \
  0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull, \
  0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull, \
  0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull, \
  0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull, \
  0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull, \
  0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull, \
  0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull, \
  0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull, \
  0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull, \
  0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull, \
  0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull, \
  0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull, \
  0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull, \
  0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull, \
  0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull, \
  0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull, \
  0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull, \
  0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull

VIGIL_HD inline uint64_t round_constant(int i) {
#if defined(__CUDA_ARCH__)
  constexpr uint64_t kK[80] = {VIGIL_SHA512_ROUND_CONSTANTS};
#else
  static constexpr uint64_t kK[80] = {VIGIL_SHA512_ROUND_CONSTANTS};
#endif
  return kK[i];
}

VIGIL_HD inline void init_state(uint64_t s[8]) {
  s[0] = 0x6a09e667f3bcc908ull;
  s[1] = 0xbb67ae8584caa73bull;
  s[2] = 0x3c6ef372fe94f82bull;
  s[3] = 0xa54ff53a5f1d36f1ull;
  s[4] = 0x510e527fade682d1ull;
  s[5] = 0x9b05688c2b3e6c1full;
  s[6] = 0x1f83d9abfb41bd6bull;
  s[7] = 0x5be0cd19137e2179ull;
}

VIGIL_HD inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

// One compression of the 16 big-endian words w (overwritten: the schedule
// runs in place, a 16-word ring).
VIGIL_HD inline void compress(uint64_t s[8], uint64_t w[16]) {
  uint64_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
VIGIL_UNROLL
  for (int i = 0; i < 80; ++i) {
    if (i >= 16) {
      const uint64_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
      const uint64_t s0 = rotr64(w15, 1) ^ rotr64(w15, 8) ^ (w15 >> 7);
      const uint64_t s1 = rotr64(w2, 19) ^ rotr64(w2, 61) ^ (w2 >> 6);
      w[i & 15] += s0 + w[(i - 7) & 15] + s1;
    }
    const uint64_t t1 = h + (rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41)) + ((e & f) ^ (~e & g)) +
                        round_constant(i) + w[i & 15];
    const uint64_t t2 = (rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
}

// SHA-512 of prefix (64 bytes) || msg (len bytes): Ed25519's R || A || M.
// msg is read byte by byte, so it needs no alignment (and is not read when
// len is 0). out: the 64-byte digest.
VIGIL_HD inline void digest_prefixed(uint8_t out[64], const uint8_t* prefix, const uint8_t* msg, uint64_t len) {
  uint64_t s[8];
  init_state(s);
  const uint64_t total = 64 + len;
  // Blocks: the message, then 0x80, zeros, and the 128-bit bit length.
  const uint64_t blocks = (total + 16) / 128 + 1;
  for (uint64_t blk = 0; blk < blocks; ++blk) {
    uint64_t w[16];
VIGIL_UNROLL  // constant indices keep w in registers
    for (int j = 0; j < 16; ++j) {
      uint64_t word = 0;
      const uint64_t base = blk * 128 + 8 * j;
      if (blk == 0 && j < 8) {  // the prefix: exactly the first 8 words
VIGIL_UNROLL
        for (int k = 0; k < 8; ++k) word = (word << 8) | prefix[8 * j + k];
      } else if (base + 8 <= total) {  // 8 message bytes
        const uint8_t* q = msg + (base - 64);
VIGIL_UNROLL
        for (int k = 0; k < 8; ++k) word = (word << 8) | q[k];
      } else {  // the message's tail, the 0x80 byte, zeros
        for (int k = 0; k < 8; ++k) {
          const uint64_t pos = base + k;
          const uint8_t byte = pos < total ? msg[pos - 64] : pos == total ? 0x80 : 0;
          word = (word << 8) | byte;
        }
      }
      w[j] = word;
    }
    if (blk + 1 == blocks) {
      w[14] = total >> 61;  // the bit length's high word
      w[15] = total << 3;
    }
    compress(s, w);
  }
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
VIGIL_UNROLL
    for (int k = 0; k < 8; ++k) out[8 * i + k] = static_cast<uint8_t>(s[i] >> (56 - 8 * k));
  }
}

}  // namespace vigil::sha512
