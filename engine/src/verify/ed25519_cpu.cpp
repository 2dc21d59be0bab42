#include <sodium.h>

#include <cstdlib>

#include "verify/backends.hpp"

namespace vigil::cpu {

void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) std::abort();  // no usable randomness source: libsodium cannot run
    return true;
  }();
  (void)ready;
}

bool ed25519_strict_verify(const uint8_t* key32, ByteView message, ByteView signature) {
  if (signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key32) == 0;
}

}  // namespace vigil::cpu
