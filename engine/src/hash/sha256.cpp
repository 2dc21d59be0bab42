// SHA-256 through OpenSSL's low-level interface. The EVP interface would fetch
// and allocate per message; for the short messages of block validation (64-byte
// Merkle nodes, ~250-byte transactions) that overhead exceeds the hashing.
// The low-level functions are deprecated in OpenSSL 3 but still use the same
// assembly (with SHA-NI where present); they are confined to this file.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdexcept>
#include <string>

#include "vigil/hash.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {

static_assert(sizeof(SHA256_CTX) <= 112, "Sha256Stream::state_ is too small for SHA256_CTX");

namespace {

SHA256_CTX* ctx_of(unsigned char* state) { return reinterpret_cast<SHA256_CTX*>(state); }

inline void sha256_raw(const uint8_t* data, size_t len, uint8_t* out) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data, len);
  SHA256_Final(out, &ctx);
}

inline void sha256d_raw(const uint8_t* data, size_t len, uint8_t* out) {
  uint8_t first[32];
  sha256_raw(data, len, first);
  sha256_raw(first, 32, out);
}

// Messages per chunk of a batch: enough to amortize claiming a chunk.
constexpr size_t kHashGrain = 256;

}  // namespace

Hash256 sha256(ByteView data) {
  Hash256 h;
  sha256_raw(data.data(), data.size(), h.data());
  return h;
}

std::array<uint8_t, 20> hash160(ByteView data) {
  const Hash256 inner = sha256(data);
  std::array<uint8_t, 20> out{};
  unsigned int len = 0;
  // RIPEMD-160 is in OpenSSL 3's default provider (since 3.0.7).
  if (EVP_Digest(inner.bytes.data(), 32, out.data(), &len, EVP_ripemd160(), nullptr) != 1 || len != 20)
    throw std::runtime_error("hash160: OpenSSL has no RIPEMD-160");
  return out;
}

Hash256 sha256d(ByteView data) {
  Hash256 h;
  sha256d_raw(data.data(), data.size(), h.data());
  return h;
}

Sha256Stream::Sha256Stream() { SHA256_Init(ctx_of(state_)); }

Sha256Stream& Sha256Stream::update(ByteView data) {
  SHA256_Update(ctx_of(state_), data.data(), data.size());
  return *this;
}

Hash256 Sha256Stream::finish() {
  Hash256 h;
  SHA256_Final(h.data(), ctx_of(state_));
  SHA256_Init(ctx_of(state_));
  return h;
}

template <bool kDouble>
static Status hash_batch(std::span<const ByteView> messages, std::span<Hash256> out, WorkerPool* pool) {
  if (messages.size() != out.size())
    return Status::InvalidArgument("sha256 batch: " + std::to_string(messages.size()) + " messages but " +
                                   std::to_string(out.size()) + " output slots");
  auto body = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if constexpr (kDouble) {
        sha256d_raw(messages[i].data(), messages[i].size(), out[i].data());
      } else {
        sha256_raw(messages[i].data(), messages[i].size(), out[i].data());
      }
    }
  };
  size_t n = messages.size();
  if (pool && n > kHashGrain) {
    pool->parallel_for(n, kHashGrain, body);
  } else {
    body(0, n);
  }
  return Status::Ok();
}

Status sha256_batch(std::span<const ByteView> messages, std::span<Hash256> out, WorkerPool* pool) {
  return hash_batch<false>(messages, out, pool);
}

Status sha256d_batch(std::span<const ByteView> messages, std::span<Hash256> out, WorkerPool* pool) {
  return hash_batch<true>(messages, out, pool);
}

// A pair of neighbouring Hash256 is 64 contiguous bytes: hashed where it lies.
static_assert(sizeof(Hash256) == 32, "Hash256 must have no padding");

void sha256d_64(const Hash256* in, Hash256* out, size_t n_pairs) {
  // sha256d_raw reads all 64 input bytes before it writes out[i], so out may
  // alias in.
  for (size_t i = 0; i < n_pairs; ++i) sha256d_raw(in[2 * i].data(), 64, out[i].data());
}

}  // namespace vigil
