// Host-side wrappers that run the kernels' per-thread SHA-256 math on Hash256
// values, for the CPU tests of that math.
#pragma once

#include <vector>

#include "sha256/sha256_core.hpp"
#include "vigil/bytes.hpp"

namespace vigil::test {

inline Hash256 to_hash(const sha::DigestWords& d) {
  Hash256 h;
  sha::digest_words_to_bytes(d, h.bytes.data());
  return h;
}
inline sha::DigestWords to_words(const Hash256& h) { return sha::digest_words_from_bytes(h.bytes.data()); }

// The kernel's digest of a contiguous message.
inline Hash256 core_digest(ByteView m, sha::Mode mode = sha::Mode::kSingle, const sha::Midstate& prefix = {}) {
  static const uint8_t kNothing[1] = {0};
  sha::ContiguousReader r{m.empty() ? kNothing : m.data()};
  return to_hash(sha::digest(r, m.size(), mode, prefix));
}

// The kernel's digest of a message given as slices of `base`.
inline Hash256 core_gather_digest(ByteView base, const std::vector<sha::Slice>& slices,
                                  sha::Mode mode = sha::Mode::kSingle, const sha::Midstate& prefix = {}) {
  uint64_t len = 0;
  for (const auto& s : slices) len += s.length;
  sha::GatherReader r(base.data(), slices.data());
  return to_hash(sha::digest(r, len, mode, prefix));
}

}  // namespace vigil::test
