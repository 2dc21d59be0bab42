// Random and hostile signature checks for the differential tests, each with
// the oracle's verdict.
//
// Every check starts from a valid signature made with the scheme's own
// library (libsecp256k1 signing, libsodium's crypto_sign_detached), then is
// left alone (class kValid) or corrupted according to its class. The
// generator also states what it meant to build (Expect): a corruption that
// must break the signature says kInvalid, an alternative encoding that must
// still verify says kValid, a random one says kAny; the tests check the
// oracle against that intent too. The two Ed25519 rule sets share the
// classes (libsodium signs for both) but not every intent: a signature made
// for a small-order or non-canonical A or R, or for a mixed-order key, is
// valid under ZIP-215 ("ed25519") and invalid under libsodium's rules
// ("ed25519-strict"); the generator states the intent of the scheme asked for.
#pragma once

#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/verify.hpp"

namespace vigil::difftest {

enum class Expect : uint8_t { kValid, kInvalid, kAny };

enum class Cls : uint8_t {
  kValid,         // a fresh valid signature
  kFlipKey,       // 1-3 random bits flipped in the key
  kFlipMsg,       // ... in the message (or a byte appended to an empty one)
  kFlipSig,       // ... in the signature
  kScalarEdge,    // r / s / R.x / S set to 0, 1, n-1, n, n+1, p, 2^256-1, S+L, ...
  kHighS,         // ECDSA: s replaced by n - s
  kKeyForms,      // ECDSA: compressed, uncompressed, hybrid (right and wrong parity), bad prefixes
  kKeyBadX,       // x >= p, x = p - 1 (compressed, uncompressed, hybrid, x-only); y >= p
  kKeyOffCurve,   // points off the curve
  kWrongLength,   // keys, signatures (and, outside the CLI, digests) of the wrong length
  kDerMutation,   // ECDSA: negative integers, zero padding, long-form lengths, trailing bytes, ...
  kSmallOrder,    // Ed25519: A or R one of the 14 small-order encodings (8 canonical, 6 not),
                  // signatures made for them, mixed-order keys (A + T), R + T
  kNonCanonical,  // Ed25519: A or R with y >= p (or x = 0 with the sign bit set), arbitrary or
                  // signed for (ZIP-215 accepts the latter, the strict rules reject both)
};
inline constexpr size_t kClassCount = 13;
// Per-scheme counters: one slot per Scheme value (0 .. kSchemeSlots - 1).
inline constexpr size_t kSchemeSlots = std::size(kAllSchemes);

const char* class_name(Cls cls);
// The classes the generator makes for `scheme` (kValid first).
std::span<const Cls> classes_of(Scheme scheme);

// The scheme names of the `vigil verify` format, spelled out here rather
// than taken from the library under test.
const char* scheme_label(Scheme scheme);
std::optional<Scheme> scheme_from_label(std::string_view label);

using Bytes = std::vector<uint8_t>;

struct GenCheck {
  Scheme scheme = Scheme::kEcdsa;
  Cls cls = Cls::kValid;
  std::string variant;       // which corruption within the class, for messages
  Expect expect = Expect::kAny;
  bool oracle = false;       // the oracle's verdict
  Bytes key, msg, sig;
};

struct GeneratorOptions {
  // Only checks that `vigil verify` accepts as lines: ECDSA digests are
  // always 32 bytes (a digest of another length is a malformed line there).
  bool cli_compatible = false;
};

class Generator {
 public:
  explicit Generator(uint64_t seed, GeneratorOptions options = {});
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  // The next check for `scheme`: its classes in turn; every fourth check of a
  // corruption class is that class's uncorrupted control (expect kValid), so
  // that each class holds both verdicts.
  GenCheck next(Scheme scheme);
  // One check of the given class (never a control).
  GenCheck make(Scheme scheme, Cls cls);
  GenCheck valid(Scheme scheme) { return make(scheme, Cls::kValid); }

  std::mt19937_64& rng() { return rng_; }

 private:
  struct Impl;
  std::mt19937_64 rng_;
  GeneratorOptions options_;
  std::unique_ptr<Impl> impl_;
  uint64_t counters_[kSchemeSlots][kClassCount] = {};
  size_t next_class_[kSchemeSlots] = {};
};

// Lower-case hex; "-" for an empty field when `dash_for_empty`.
std::string hex_of(std::span<const uint8_t> bytes, bool dash_for_empty = false);
// "<scheme> <key-hex> <msg-hex> <sig-hex>", "-" for empty fields.
std::string check_line(const GenCheck& check);

// VIGIL_DIFF_N if set to a positive number, else `fallback`.
size_t diff_n(size_t fallback = 20000);

}  // namespace vigil::difftest
