// SHA-256 on the CPU (OpenSSL, which uses the SHA extensions where the
// processor has them), single and batched.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "vigil/bytes.hpp"
#include "vigil/status.hpp"

namespace vigil {

class WorkerPool;

Hash256 sha256(ByteView data);
// SHA-256(SHA-256(data)): Bitcoin's txid, block hash and Merkle node hash.
Hash256 sha256d(ByteView data);

// RIPEMD-160(SHA-256(data)): Bitcoin's key and script hash (P2PKH, P2SH, P2WPKH).
std::array<uint8_t, 20> hash160(ByteView data);

// Incremental SHA-256, for data that arrives in pieces (a file, a gather list).
class Sha256Stream {
 public:
  Sha256Stream();
  Sha256Stream& update(ByteView data);
  Hash256 finish();  // the stream is reset afterwards
 private:
  alignas(8) unsigned char state_[112];  // OpenSSL's SHA256_CTX, kept opaque
};

// out[i] = sha256(messages[i]). InvalidArgument, with nothing written, when
// `out.size()` differs from `messages.size()`. With a pool the messages are
// spread over its threads; without, it runs on the calling thread.
Status sha256_batch(std::span<const ByteView> messages, std::span<Hash256> out, WorkerPool* pool = nullptr);
Status sha256d_batch(std::span<const ByteView> messages, std::span<Hash256> out, WorkerPool* pool = nullptr);

// Merkle node hashing: out[i] = sha256d(in[2i] || in[2i+1]) for i < n_pairs.
// `out` may alias `in` (out[i] is written after in[2i], in[2i+1] are read).
void sha256d_64(const Hash256* in, Hash256* out, size_t n_pairs);

}  // namespace vigil
