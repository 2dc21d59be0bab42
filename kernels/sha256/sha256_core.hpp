// SHA-256 (FIPS 180-4) as per-thread math shared by the GPU kernels and the
// host: one source, compiled by nvcc for the device and by the host compiler
// for the CPU unit tests, which compare it with OpenSSL.
//
// Layers: compression (sha256_compress) -> message readers (where the bytes
// come from) -> whole digests (sha256_digest, the double and tagged forms,
// and the 64-byte Merkle node).
//
// Digests are kept as "digest words": the eight state words, word i holding
// digest bytes 4i..4i+3 big-endian. A digest that is hashed again (double
// SHA-256, a Merkle level) is then already in message-word form, so nothing
// is byte-swapped between levels; bytes are produced only at the end
// (digest_words_to_bytes).
#pragma once

#include <cstdint>

#include "common/hd.hpp"

namespace vigil::sha {

// 16-byte aligned so the GPU moves a digest with two 128-bit accesses.
struct alignas(16) DigestWords {
  uint32_t w[8];
};

// The state after the first 64*k bytes of a message: what a tagged hash
// starts from (BIP340: the state after SHA256(tag) || SHA256(tag)).
struct Midstate {
  uint32_t h[8];
  uint64_t bytes;  // message bytes already compressed (a multiple of 64)
};

VIGIL_HD inline uint32_t rotr(uint32_t x, unsigned n) {
#if defined(__CUDA_ARCH__)
  return __funnelshift_r(x, x, n);
#else
  return (x >> n) | (x << (32 - n));
#endif
}

VIGIL_HD inline uint32_t bswap32(uint32_t x) {
#if defined(__CUDA_ARCH__)
  return __byte_perm(x, 0, 0x0123);
#else
  return __builtin_bswap32(x);
#endif
}

VIGIL_HD inline void init_state(uint32_t s[8]) {
  s[0] = 0x6a09e667u; s[1] = 0xbb67ae85u; s[2] = 0x3c6ef372u; s[3] = 0xa54ff53au;
  s[4] = 0x510e527fu; s[5] = 0x9b05688cu; s[6] = 0x1f83d9abu; s[7] = 0x5be0cd19u;
}

// One round. The working variables are renamed instead of moved: round i
// passes them rotated by one, so the unrolled code does no register copies.
#define VIGIL_SHA256_ROUND(a, b, c, d, e, f, g, h, k, wi)                                          \
  do {                                                                                            \
    uint32_t t1_ = (h) + (rotr((e), 6) ^ rotr((e), 11) ^ rotr((e), 25)) + (((e) & (f)) ^ (~(e) & (g))) + \
                   (k) + (wi);                                                                    \
    uint32_t t2_ = (rotr((a), 2) ^ rotr((a), 13) ^ rotr((a), 22)) + (((a) & (b)) ^ ((a) & (c)) ^ ((b) & (c))); \
    (d) += t1_;                                                                                   \
    (h) = t1_ + t2_;                                                                              \
  } while (0)

// Message schedule in a rolling window of 16 words: w[i & 15] becomes W[i].
#define VIGIL_SHA256_SCHEDULE(w, i)                                                              \
  ((w)[(i) & 15] += (rotr((w)[((i) - 2) & 15], 17) ^ rotr((w)[((i) - 2) & 15], 19) ^ ((w)[((i) - 2) & 15] >> 10)) + \
                    (w)[((i) - 7) & 15] +                                                        \
                    (rotr((w)[((i) - 15) & 15], 7) ^ rotr((w)[((i) - 15) & 15], 18) ^ ((w)[((i) - 15) & 15] >> 3)))

#define VIGIL_SHA256_8ROUNDS(base, k0, k1, k2, k3, k4, k5, k6, k7, SCHED)      \
  do {                                                                        \
    SCHED(base + 0); VIGIL_SHA256_ROUND(a, b, c, d, e, f, g, h, k0, w[(base + 0) & 15]); \
    SCHED(base + 1); VIGIL_SHA256_ROUND(h, a, b, c, d, e, f, g, k1, w[(base + 1) & 15]); \
    SCHED(base + 2); VIGIL_SHA256_ROUND(g, h, a, b, c, d, e, f, k2, w[(base + 2) & 15]); \
    SCHED(base + 3); VIGIL_SHA256_ROUND(f, g, h, a, b, c, d, e, k3, w[(base + 3) & 15]); \
    SCHED(base + 4); VIGIL_SHA256_ROUND(e, f, g, h, a, b, c, d, k4, w[(base + 4) & 15]); \
    SCHED(base + 5); VIGIL_SHA256_ROUND(d, e, f, g, h, a, b, c, k5, w[(base + 5) & 15]); \
    SCHED(base + 6); VIGIL_SHA256_ROUND(c, d, e, f, g, h, a, b, k6, w[(base + 6) & 15]); \
    SCHED(base + 7); VIGIL_SHA256_ROUND(b, c, d, e, f, g, h, a, k7, w[(base + 7) & 15]); \
  } while (0)

#define VIGIL_SHA256_NO_SCHEDULE(i) ((void)0)
#define VIGIL_SHA256_DO_SCHEDULE(i) VIGIL_SHA256_SCHEDULE(w, i)

// Compresses one 64-byte block, given as 16 big-endian message words, into
// the state. `w` is consumed (it holds the last 16 schedule words after).
// The round constants are immediates in the unrolled code: no constant-memory
// loads on the GPU, and a block whose words are compile-time constants (the
// padding block of a 64-byte message) has its schedule folded away.
VIGIL_HD inline void compress(uint32_t s[8], uint32_t w[16]) {
  uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
  VIGIL_SHA256_8ROUNDS(0, 0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
                       0x923f82a4u, 0xab1c5ed5u, VIGIL_SHA256_NO_SCHEDULE);
  VIGIL_SHA256_8ROUNDS(8, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
                       0x9bdc06a7u, 0xc19bf174u, VIGIL_SHA256_NO_SCHEDULE);
  VIGIL_SHA256_8ROUNDS(16, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau,
                       0x5cb0a9dcu, 0x76f988dau, VIGIL_SHA256_DO_SCHEDULE);
  VIGIL_SHA256_8ROUNDS(24, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
                       0x06ca6351u, 0x14292967u, VIGIL_SHA256_DO_SCHEDULE);
  VIGIL_SHA256_8ROUNDS(32, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu,
                       0x81c2c92eu, 0x92722c85u, VIGIL_SHA256_DO_SCHEDULE);
  VIGIL_SHA256_8ROUNDS(40, 0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u,
                       0xf40e3585u, 0x106aa070u, VIGIL_SHA256_DO_SCHEDULE);
  VIGIL_SHA256_8ROUNDS(48, 0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
                       0x5b9cca4fu, 0x682e6ff3u, VIGIL_SHA256_DO_SCHEDULE);
  VIGIL_SHA256_8ROUNDS(56, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu,
                       0xbef9a3f7u, 0xc67178f2u, VIGIL_SHA256_DO_SCHEDULE);
  s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
}

// ---- message readers ---------------------------------------------------------
// A reader hands out a message's bytes in order: word() the next four as a
// big-endian word, byte() the next one. The digest loop asks for exactly the
// message's length, so readers need no bounds of their own.

// A message that lies in one piece of memory.
struct ContiguousReader {
  const uint8_t* p;
  VIGIL_HD uint32_t word() {
    uint32_t v;
    if ((reinterpret_cast<uintptr_t>(p) & 3) == 0) {
      v = bswap32(*reinterpret_cast<const uint32_t*>(p));  // one aligned load
    } else {
      v = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    p += 4;
    return v;
  }
  VIGIL_HD uint8_t byte() { return *p++; }
};

// One piece of a gathered message: `length` bytes at `offset` of a base buffer.
struct Slice {
  uint64_t offset;
  uint32_t length;
  uint32_t reserved_ = 0;  // keeps the struct 16 bytes on host and device
};

// A message that is the concatenation of slices of one base buffer (a segwit
// txid hashes version | inputs and outputs | locktime, three slices of the
// block). Empty slices are allowed.
struct GatherReader {
  const uint8_t* base;
  const Slice* slice;  // the current slice
  const uint8_t* p;    // next byte of the current slice
  uint32_t left;       // bytes left in the current slice

  VIGIL_HD GatherReader(const uint8_t* base_, const Slice* first)
      : base(base_), slice(first), p(base_ + first->offset), left(first->length) {}
  VIGIL_HD uint8_t byte() {
    while (left == 0) {  // the digest loop never reads past the last slice
      ++slice;
      p = base + slice->offset;
      left = slice->length;
    }
    --left;
    return *p++;
  }
  VIGIL_HD uint32_t word() {
    if (left >= 4) {  // the common case: the word lies inside one slice
      ContiguousReader r{p};
      uint32_t v = r.word();
      p += 4;
      left -= 4;
      return v;
    }
    uint32_t v = uint32_t{byte()} << 24;
    v |= uint32_t{byte()} << 16;
    v |= uint32_t{byte()} << 8;
    return v | byte();
  }
};

// ---- digests -----------------------------------------------------------------

// Hashes the `len` bytes that `r` hands out, starting from state `s` after
// `prefix_bytes` bytes (0 for plain SHA-256, 64 for a BIP340 tagged hash),
// and leaves the digest words in `s`.
template <class Reader>
VIGIL_HD inline void finish_message(Reader& r, uint64_t len, uint64_t prefix_bytes, uint32_t s[8]) {
  uint32_t w[16];
  for (uint64_t full = len / 64; full > 0; --full) {
VIGIL_UNROLL
    for (int i = 0; i < 16; ++i) w[i] = r.word();
    compress(s, w);
  }
  // The tail: the last len % 64 bytes, the 0x80 marker, zeros, and the bit
  // length in the last 8 bytes of the final block (a second block when the
  // tail leaves fewer than 9 bytes free). The loops are unrolled so `w` is
  // indexed with constants only and stays in registers on the GPU.
  const uint32_t rem = static_cast<uint32_t>(len % 64);
VIGIL_UNROLL
  for (uint32_t i = 0; i < 16; ++i) {
    uint32_t v = 0;
VIGIL_UNROLL
    for (uint32_t j = 0; j < 4; ++j) {
      uint32_t pos = 4 * i + j;
      uint32_t byte = pos < rem ? r.byte() : (pos == rem ? 0x80u : 0u);
      v = (v << 8) | byte;
    }
    w[i] = v;
  }
  const uint64_t bits = (len + prefix_bytes) * 8;
  if (rem >= 56) {
    compress(s, w);
VIGIL_UNROLL
    for (int i = 0; i < 14; ++i) w[i] = 0;
  }
  w[14] = static_cast<uint32_t>(bits >> 32);
  w[15] = static_cast<uint32_t>(bits);
  compress(s, w);
}

// SHA-256 of the 32 bytes a digest holds: one block with constant padding.
VIGIL_HD inline DigestWords hash_digest(const DigestWords& in) {
  uint32_t w[16];
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) w[i] = in.w[i];
  w[8] = 0x80000000u;
VIGIL_UNROLL
  for (int i = 9; i < 15; ++i) w[i] = 0;
  w[15] = 256;
  DigestWords out;
  init_state(out.w);
  compress(out.w, w);
  return out;
}

// A Merkle node: sha256d(left || right) of two 32-byte digests. Three
// compressions; the second block (all padding) is a constant.
VIGIL_HD inline DigestWords hash_node(const DigestWords& left, const DigestWords& right) {
  uint32_t s[8], w[16];
  init_state(s);
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    w[i] = left.w[i];
    w[8 + i] = right.w[i];
  }
  compress(s, w);
  w[0] = 0x80000000u;
VIGIL_UNROLL
  for (int i = 1; i < 15; ++i) w[i] = 0;
  w[15] = 512;
  compress(s, w);
  DigestWords first;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) first.w[i] = s[i];
  return hash_digest(first);
}

// How a batch's messages are hashed.
enum class Mode : uint32_t {
  kSingle = 0,  // SHA-256
  kDouble = 1,  // SHA-256(SHA-256(m))
  kTagged = 2,  // SHA-256(prefix || m) from a midstate: BIP340 tagged hashes
};

// The digest of one message read from `r`, in `mode` (`prefix` is used for
// kTagged only).
template <class Reader>
VIGIL_HD inline DigestWords digest(Reader& r, uint64_t len, Mode mode, const Midstate& prefix) {
  DigestWords d;
  uint64_t prefix_bytes = 0;
  if (mode == Mode::kTagged) {
VIGIL_UNROLL
    for (int i = 0; i < 8; ++i) d.w[i] = prefix.h[i];
    prefix_bytes = prefix.bytes;
  } else {
    init_state(d.w);
  }
  finish_message(r, len, prefix_bytes, d.w);
  if (mode == Mode::kDouble) d = hash_digest(d);
  return d;
}

// Digest words <-> the 32 digest bytes (the order SHA-256 outputs them).
VIGIL_HD inline void digest_words_to_bytes(const DigestWords& d, uint8_t out[32]) {
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<uint8_t>(d.w[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(d.w[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(d.w[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(d.w[i]);
  }
}
VIGIL_HD inline DigestWords digest_words_from_bytes(const uint8_t in[32]) {
  DigestWords d;
  ContiguousReader r{in};
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) d.w[i] = r.word();
  return d;
}
// The midstate of a BIP340 tagged hash: the state after compressing the one
// block SHA256(tag) || SHA256(tag), given the tag's digest.
VIGIL_HD inline Midstate tagged_midstate(const DigestWords& tag_hash) {
  Midstate m;
  uint32_t w[16];
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) w[i] = w[8 + i] = tag_hash.w[i];
  init_state(m.h);
  compress(m.h, w);
  m.bytes = 64;
  return m;
}

VIGIL_HD inline bool operator==(const DigestWords& x, const DigestWords& y) {
  uint32_t diff = 0;
VIGIL_UNROLL
  for (int i = 0; i < 8; ++i) diff |= x.w[i] ^ y.w[i];
  return diff == 0;
}

}  // namespace vigil::sha
