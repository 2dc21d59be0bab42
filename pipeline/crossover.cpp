#include "crossover.hpp"

#include <secp256k1.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "vigil/hash.hpp"

namespace vigil {

std::span<const size_t> crossover_sizes() {
  static constexpr size_t kSizes[] = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
  return kSizes;
}

size_t find_crossover(std::span<const size_t> sizes, const std::function<double(size_t)>& gpu_seconds,
                      const std::function<double(size_t)>& cpu_seconds, int repeats) {
  // Best of `repeats`: the least disturbed by other work on the machine.
  const auto best = [repeats](const std::function<double(size_t)>& timer, size_t n) {
    double t = -1;
    for (int r = 0; r < repeats; ++r) {
      const double s = timer(n);
      if (s < 0) return -1.0;
      t = t < 0 ? s : std::min(t, s);
    }
    return t;
  };
  size_t candidate = SIZE_MAX;
  for (size_t n : sizes) {
    const double g = best(gpu_seconds, n), c = best(cpu_seconds, n);
    if (g < 0 || c < 0) return SIZE_MAX;
    if (g < c) {
      if (candidate != SIZE_MAX) return candidate;  // faster at two sizes in a row
      candidate = n;
    } else {
      candidate = SIZE_MAX;
    }
  }
  return candidate;  // faster only at the largest size: take it
}

std::vector<SignedSample> sign_ecdsa_samples(size_t n) {
  struct ContextFree {
    void operator()(secp256k1_context* c) const { secp256k1_context_destroy(c); }
  };
  std::unique_ptr<secp256k1_context, ContextFree> ctx(secp256k1_context_create(SECP256K1_CONTEXT_NONE));
  std::vector<SignedSample> out;
  if (!ctx) return out;
  out.reserve(n);
  for (uint64_t i = 0; out.size() < n; ++i) {
    uint8_t seed[9] = {'k'};
    for (int b = 0; b < 8; ++b) seed[1 + b] = static_cast<uint8_t>(i >> (8 * b));
    const Hash256 sk = sha256(ByteView(seed, sizeof seed));
    seed[0] = 'm';
    const Hash256 digest = sha256(ByteView(seed, sizeof seed));
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature sig;
    SignedSample s;
    s.key.resize(33);
    s.der.resize(72);
    size_t key_len = 33, der_len = 72;
    if (!secp256k1_ec_pubkey_create(ctx.get(), &pk, sk.data())) continue;  // sk outside [1, n): next
    if (!secp256k1_ec_pubkey_serialize(ctx.get(), s.key.data(), &key_len, &pk, SECP256K1_EC_COMPRESSED) ||
        !secp256k1_ecdsa_sign(ctx.get(), &sig, digest.data(), sk.data(), nullptr, nullptr) ||
        !secp256k1_ecdsa_signature_serialize_der(ctx.get(), s.der.data(), &der_len, &sig))
      return {};
    s.der.resize(der_len);
    s.digest.assign(digest.bytes.begin(), digest.bytes.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace vigil
