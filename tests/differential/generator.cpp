#include "differential/generator.hpp"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <sodium.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "differential/oracle.hpp"

namespace vigil::difftest {
namespace {

// ---- 256-bit big-endian numbers ---------------------------------------------

using U256 = std::array<uint8_t, 32>;

U256 u256(const char* hex) {
  U256 out{};
  for (size_t i = 0; i < 32; ++i) {
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out[i] = static_cast<uint8_t>(nib(hex[2 * i]) << 4 | nib(hex[2 * i + 1]));
  }
  return out;
}

U256 add(const U256& a, const U256& b) {
  U256 out{};
  unsigned carry = 0;
  for (size_t i = 32; i-- > 0;) {
    unsigned v = a[i] + b[i] + carry;
    out[i] = static_cast<uint8_t>(v);
    carry = v >> 8;
  }
  return out;
}

U256 sub(const U256& a, const U256& b) {
  U256 out{};
  int borrow = 0;
  for (size_t i = 32; i-- > 0;) {
    int v = int{a[i]} - int{b[i]} - borrow;
    borrow = v < 0;
    out[i] = static_cast<uint8_t>(v + (borrow ? 256 : 0));
  }
  return out;
}

U256 small(uint64_t v) {
  U256 out{};
  for (size_t i = 0; i < 8; ++i) out[31 - i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}

U256 reversed(const U256& a) {
  U256 out;
  for (size_t i = 0; i < 32; ++i) out[i] = a[31 - i];
  return out;
}

const U256 kZero{};
const U256 kOne = small(1);
const U256 kMax = u256("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
// secp256k1's group order n and field prime p.
const U256 kN = u256("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const U256 kP = u256("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
// Ed25519's group order L, big-endian.
const U256 kL = u256("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed");

// ---- Ed25519 special encodings ------------------------------------------------

// The eight torsion points (small order: 1, 2, 4, 4, 8, 8, 8, 8), canonical.
const char* const kTorsionCanonical[] = {
    "0100000000000000000000000000000000000000000000000000000000000000",  // identity
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = -1, order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  // y = 0, order 4
    "0000000000000000000000000000000000000000000000000000000000000080",  // y = 0, other x, order 4
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  // order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  // order 8
};
// Non-canonical encodings of torsion points: y >= p, or x = 0 with the sign bit set.
const char* const kTorsionNonCanonical[] = {
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p (= 0)
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // y = p, sign bit
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // y = p + 1 (= 1)
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // y = p + 1, sign bit
    "0100000000000000000000000000000000000000000000000000000000000080",  // identity, x = -0
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  // y = -1, x = -0
};

Bytes bytes_of_hex(const char* hex) {
  U256 v = u256(hex);
  return Bytes(v.begin(), v.end());
}

// y = p + k (k < 19), little-endian, with or without the sign bit: y >= p.
Bytes ed_noncanonical_y(unsigned k, bool sign) {
  Bytes out(32, 0xff);
  out[0] = static_cast<uint8_t>(0xed + k);
  out[31] = sign ? 0xff : 0x7f;
  return out;
}

// ---- DER ------------------------------------------------------------------------

// The minimal DER INTEGER body of an unsigned value.
Bytes der_body(const U256& v) {
  size_t i = 0;
  while (i < 31 && v[i] == 0) ++i;
  Bytes out(v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  if (out[0] & 0x80) out.insert(out.begin(), 0x00);
  return out;
}

// A DER signature in pieces, each of which a mutation may replace.
struct Der {
  uint8_t seq_tag = 0x30, r_tag = 0x02, s_tag = 0x02;
  std::optional<Bytes> seq_len;  // default: short form of the content's size
  std::optional<Bytes> r_len, s_len;
  Bytes r, s, trailing;

  Der(const U256& rv, const U256& sv) : r(der_body(rv)), s(der_body(sv)) {}

  Bytes bytes() const {
    Bytes content;
    content.reserve(r.size() + s.size() + 64);
    content.push_back(r_tag);
    const Bytes rl = r_len ? *r_len : Bytes{static_cast<uint8_t>(r.size())};
    content.insert(content.end(), rl.begin(), rl.end());
    content.insert(content.end(), r.begin(), r.end());
    content.push_back(s_tag);
    const Bytes sl = s_len ? *s_len : Bytes{static_cast<uint8_t>(s.size())};
    content.insert(content.end(), sl.begin(), sl.end());
    content.insert(content.end(), s.begin(), s.end());
    Bytes out;
    out.reserve(content.size() + trailing.size() + 16);
    out.push_back(seq_tag);
    if (seq_len) {
      out.insert(out.end(), seq_len->begin(), seq_len->end());
    } else if (content.size() < 0x80) {
      out.push_back(static_cast<uint8_t>(content.size()));
    } else {
      out.push_back(0x81);
      out.push_back(static_cast<uint8_t>(content.size()));
    }
    out.insert(out.end(), content.begin(), content.end());
    out.insert(out.end(), trailing.begin(), trailing.end());
    return out;
  }
};

// ---- names ------------------------------------------------------------------------

constexpr Cls kEcdsaClasses[] = {Cls::kValid,      Cls::kFlipKey,  Cls::kFlipMsg, Cls::kFlipSig,
                                 Cls::kScalarEdge, Cls::kHighS,    Cls::kKeyForms, Cls::kKeyBadX,
                                 Cls::kKeyOffCurve, Cls::kWrongLength, Cls::kDerMutation};
constexpr Cls kSchnorrClasses[] = {Cls::kValid,      Cls::kFlipKey, Cls::kFlipMsg,     Cls::kFlipSig,
                                   Cls::kScalarEdge, Cls::kKeyBadX, Cls::kKeyOffCurve, Cls::kWrongLength};
constexpr Cls kEd25519Classes[] = {Cls::kValid,      Cls::kFlipKey,    Cls::kFlipMsg,      Cls::kFlipSig,
                                   Cls::kScalarEdge, Cls::kSmallOrder, Cls::kNonCanonical, Cls::kWrongLength};

size_t scheme_index(Scheme s) {
  const size_t i = static_cast<size_t>(s);
  if (i >= kSchemeSlots) throw std::logic_error("scheme outside the generator's counters");
  return i;
}

}  // namespace

const char* class_name(Cls cls) {
  switch (cls) {
    case Cls::kValid: return "valid";
    case Cls::kFlipKey: return "flip-key";
    case Cls::kFlipMsg: return "flip-msg";
    case Cls::kFlipSig: return "flip-sig";
    case Cls::kScalarEdge: return "scalar-edge";
    case Cls::kHighS: return "high-s";
    case Cls::kKeyForms: return "key-forms";
    case Cls::kKeyBadX: return "key-bad-x";
    case Cls::kKeyOffCurve: return "key-off-curve";
    case Cls::kWrongLength: return "wrong-length";
    case Cls::kDerMutation: return "der-mutation";
    case Cls::kSmallOrder: return "small-order";
    case Cls::kNonCanonical: return "non-canonical";
  }
  return "?";
}

std::span<const Cls> classes_of(Scheme scheme) {
  switch (scheme) {
    case Scheme::kEcdsa:
    case Scheme::kEcdsaLowS:
    case Scheme::kEcdsaBitcoin:
      return kEcdsaClasses;
    case Scheme::kSchnorr:
      return kSchnorrClasses;
    case Scheme::kEd25519Strict:
    case Scheme::kEd25519:
      return kEd25519Classes;
    case Scheme::kTaprootCommitment:  // not a signature scheme: no classes to generate
      break;
  }
  return {};
}

const char* scheme_label(Scheme scheme) {
  switch (scheme) {
    case Scheme::kEcdsa: return "ecdsa";
    case Scheme::kEcdsaLowS: return "ecdsa-lows";
    case Scheme::kEcdsaBitcoin: return "ecdsa-bitcoin";
    case Scheme::kSchnorr: return "schnorr";
    case Scheme::kEd25519Strict: return "ed25519-strict";
    case Scheme::kEd25519: return "ed25519";
    case Scheme::kTaprootCommitment: return "taproot-commitment";
  }
  return "?";
}

std::optional<Scheme> scheme_from_label(std::string_view label) {
  for (Scheme s : {Scheme::kEcdsa, Scheme::kEcdsaLowS, Scheme::kEcdsaBitcoin, Scheme::kSchnorr,
                   Scheme::kEd25519Strict, Scheme::kEd25519}) {
    if (label == scheme_label(s)) return s;
  }
  return std::nullopt;
}

std::string hex_of(std::span<const uint8_t> bytes, bool dash_for_empty) {
  if (bytes.empty() && dash_for_empty) return "-";
  static const char* digits = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  return out;
}

std::string check_line(const GenCheck& c) {
  std::string line = scheme_label(c.scheme);
  line += ' ';
  line += hex_of(c.key, true);
  line += ' ';
  line += hex_of(c.msg, true);
  line += ' ';
  line += hex_of(c.sig, true);
  return line;
}

size_t diff_n(size_t fallback) {
  if (const char* s = std::getenv("VIGIL_DIFF_N")) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(s, &end, 10);
    if (end != s && v > 0) return static_cast<size_t>(v);
  }
  return fallback;
}

// ---- the generator ----------------------------------------------------------------

struct Generator::Impl {
  struct SecpKey {
    uint8_t sec[32];
    secp256k1_pubkey pub;
    secp256k1_keypair keypair;
    uint8_t compressed[33], uncompressed[65], xonly[32];
  };
  struct EdKey {
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  };

  std::mt19937_64& rng;
  GeneratorOptions options;
  secp256k1_context* ctx;
  std::vector<SecpKey> secp_keys;
  std::vector<EdKey> ed_keys;

  Impl(std::mt19937_64& r, GeneratorOptions o) : rng(r), options(o) {
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (sodium_init() < 0) std::abort();
  }
  ~Impl() { secp256k1_context_destroy(ctx); }

  // ---- randomness ----
  uint64_t below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); }
  bool coin() { return below(2) == 1; }
  void fill(uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng());
  }
  Bytes random_bytes(size_t n) {
    Bytes b(n);
    fill(b.data(), n);
    return b;
  }
  U256 random_u256() {
    U256 v;
    fill(v.data(), 32);
    return v;
  }
  template <class T, size_t K>
  const T& pick(const T (&items)[K]) {
    return items[below(K)];
  }

  // The classes Schnorr and Ed25519 treat alike: no corruption, or flipped
  // bits in the key, message or signature (then invalid). False for others.
  bool apply_shared_class(GenCheck& c) {
    switch (c.cls) {
      case Cls::kValid: return true;
      case Cls::kFlipKey: flip_bits(c.key, c.variant, "key"); break;
      case Cls::kFlipMsg: flip_bits(c.msg, c.variant, "message"); break;
      case Cls::kFlipSig: flip_bits(c.sig, c.variant, "signature"); break;
      default: return false;
    }
    c.expect = Expect::kInvalid;
    return true;
  }

  // Flips 1 to 3 distinct bits; an empty field gets a random byte instead.
  void flip_bits(Bytes& b, std::string& variant, const char* what) {
    if (b.empty()) {
      b.push_back(static_cast<uint8_t>(rng()));
      variant = std::string("byte appended to empty ") + what;
      return;
    }
    size_t nbits = b.size() * 8;
    size_t count = 1 + below(std::min<size_t>(3, nbits));
    size_t chosen[3];
    for (size_t k = 0; k < count; ++k) {
      bool dup;
      do {
        chosen[k] = below(nbits);
        dup = false;
        for (size_t j = 0; j < k; ++j) dup |= chosen[j] == chosen[k];
      } while (dup);
      b[chosen[k] / 8] ^= static_cast<uint8_t>(1u << (chosen[k] % 8));
    }
    variant = std::to_string(count) + " bit(s) flipped in " + what;
  }

  // ---- keys: a small pool, half the time refreshed ----
  SecpKey& secp_key() {
    if (secp_keys.size() < 8 || coin()) {
      SecpKey k;
      do fill(k.sec, 32);
      while (!secp256k1_ec_seckey_verify(ctx, k.sec));
      if (!secp256k1_ec_pubkey_create(ctx, &k.pub, k.sec) || !secp256k1_keypair_create(ctx, &k.keypair, k.sec))
        throw std::runtime_error("secp256k1 key creation failed");
      size_t len = 33;
      secp256k1_ec_pubkey_serialize(ctx, k.compressed, &len, &k.pub, SECP256K1_EC_COMPRESSED);
      len = 65;
      secp256k1_ec_pubkey_serialize(ctx, k.uncompressed, &len, &k.pub, SECP256K1_EC_UNCOMPRESSED);
      secp256k1_xonly_pubkey xonly;
      if (!secp256k1_keypair_xonly_pub(ctx, &xonly, nullptr, &k.keypair)) throw std::runtime_error("xonly");
      secp256k1_xonly_pubkey_serialize(ctx, k.xonly, &xonly);
      return remember(secp_keys, k);
    }
    return secp_keys[below(secp_keys.size())];
  }

  // Keeps a new key in a cache of up to 8, replacing a random one when full.
  template <class Key>
  Key& remember(std::vector<Key>& cache, const Key& k) {
    if (cache.size() < 8) {
      cache.push_back(k);
      return cache.back();
    }
    Key& slot = cache[below(cache.size())];
    slot = k;
    return slot;
  }

  EdKey& ed_key() {
    if (ed_keys.size() < 8 || coin()) {
      EdKey k;
      uint8_t seed[crypto_sign_SEEDBYTES];
      fill(seed, sizeof seed);
      crypto_sign_seed_keypair(k.pk, k.sk, seed);
      return remember(ed_keys, k);
    }
    return ed_keys[below(ed_keys.size())];
  }

  // ---- ECDSA ----
  void ecdsa(GenCheck& c) {
    const Scheme scheme = c.scheme;
    SecpKey& k = secp_key();
    U256 digest = random_u256();
    secp256k1_ecdsa_signature sig;
    if (!secp256k1_ecdsa_sign(ctx, &sig, digest.data(), k.sec, nullptr, nullptr))
      throw std::runtime_error("secp256k1_ecdsa_sign failed");
    uint8_t compact[64];
    secp256k1_ecdsa_signature_serialize_compact(ctx, compact, &sig);
    U256 r, s;
    std::memcpy(r.data(), compact, 32);
    std::memcpy(s.data(), compact + 32, 32);

    const bool compressed = coin();
    c.key.assign(compressed ? k.compressed : k.uncompressed, compressed ? k.compressed + 33 : k.uncompressed + 65);
    c.msg.assign(digest.begin(), digest.end());
    c.sig = Der(r, s).bytes();
    c.expect = Expect::kValid;
    c.variant = compressed ? "compressed key" : "uncompressed key";
    const bool lax = scheme == Scheme::kEcdsaBitcoin;
    const bool lows = scheme == Scheme::kEcdsaLowS;
    const uint8_t y_odd = k.uncompressed[64] & 1;

    switch (c.cls) {
      case Cls::kValid:
        break;
      case Cls::kFlipKey:
        flip_bits(c.key, c.variant, "key");
        c.expect = Expect::kAny;  // 04 -> 06/07 or 02 <-> 03 may still parse
        break;
      case Cls::kFlipMsg:
        flip_bits(c.msg, c.variant, "digest");
        c.expect = Expect::kInvalid;
        break;
      case Cls::kFlipSig:
        flip_bits(c.sig, c.variant, "signature");
        c.expect = lax ? Expect::kAny : Expect::kInvalid;  // the lax parser ignores the sequence length
        break;
      case Cls::kScalarEdge: {
        struct Edge { const char* name; U256 v; };
        const Edge edges[] = {{"0", kZero},         {"1", kOne},       {"n-1", sub(kN, kOne)},
                              {"n", kN},            {"n+1", add(kN, kOne)}, {"p", kP},
                              {"2^256-1", kMax},    {"2^256-1-k", sub(kMax, small(rng()))}};
        const Edge& e = pick(edges);
        switch (below(3)) {
          case 0: r = e.v; c.variant = std::string("r = ") + e.name; break;
          case 1: s = e.v; c.variant = std::string("s = ") + e.name; break;
          default: r = s = e.v; c.variant = std::string("r = s = ") + e.name; break;
        }
        c.sig = Der(r, s).bytes();
        c.expect = Expect::kInvalid;
        break;
      }
      case Cls::kHighS:
        // The high-S twin (valid but under ecdsa-lows), or a broken one.
        c.expect = Expect::kInvalid;
        switch (coin() ? 0 : 1 + below(3)) {
          case 0:
            c.sig = Der(r, sub(kN, s)).bytes();
            c.variant = "s = n - s";
            c.expect = lows ? Expect::kInvalid : Expect::kValid;
            break;
          case 1:
            c.sig = Der(r, sub(kN, s)).bytes();
            flip_bits(c.msg, c.variant, "digest");
            c.variant = "s = n - s, " + c.variant;
            break;
          case 2:
            c.sig = Der(r, add(sub(kN, s), kOne)).bytes();
            c.variant = "s = n - s + 1";
            break;
          default:
            c.sig = Der(sub(kN, r), sub(kN, s)).bytes();
            c.variant = "s = n - s, r = n - r";
            break;
        }
        break;
      case Cls::kKeyForms:
        ecdsa_key_forms(c, k, y_odd);
        break;
      case Cls::kKeyBadX:
        ecdsa_key_bad_x(c, k);
        break;
      case Cls::kKeyOffCurve:
        ecdsa_key_off_curve(c, k);
        break;
      case Cls::kWrongLength:
        ecdsa_wrong_length(c, k, r, s);
        break;
      case Cls::kDerMutation:
        der_mutation(c, r, s);
        break;
      default:
        throw std::logic_error("class not made for ECDSA");
    }
  }

  void ecdsa_key_forms(GenCheck& c, const SecpKey& k, uint8_t y_odd) {
    Bytes comp(k.compressed, k.compressed + 33), unc(k.uncompressed, k.uncompressed + 65);
    c.expect = Expect::kInvalid;
    switch (below(8)) {
      case 0: c.key = comp; c.variant = "compressed"; c.expect = Expect::kValid; break;
      case 1: c.key = unc; c.variant = "uncompressed"; c.expect = Expect::kValid; break;
      case 2:
        c.key = unc;
        c.key[0] = static_cast<uint8_t>(0x06 | y_odd);
        c.variant = "hybrid, right parity";
        c.expect = Expect::kValid;
        break;
      case 3:
        c.key = unc;
        c.key[0] = static_cast<uint8_t>(0x06 | (y_odd ^ 1));
        c.variant = "hybrid, wrong parity";
        break;
      case 4:
        c.key = comp;
        c.key[0] ^= 1;
        c.variant = "compressed, prefix parity flipped (the negated point)";
        break;
      case 5: c.key = comp; c.key[0] = 0x04; c.variant = "33 bytes with prefix 04"; break;
      case 6:
        c.key = unc;
        c.key[0] = static_cast<uint8_t>(0x02 | y_odd);
        c.variant = "65 bytes with prefix 02/03";
        break;
      default: {
        const uint8_t prefixes[] = {0x00, 0x01, 0x05, 0x08, 0xff};
        c.key = coin() ? comp : unc;
        c.key[0] = pick(prefixes);
        c.variant = "bad prefix " + hex_of(Bytes{c.key[0]});
        break;
      }
    }
  }

  U256 bad_x(std::string& name) {
    switch (below(5)) {
      case 0: name = "x = p"; return kP;
      case 1: name = "x = p+1"; return add(kP, kOne);
      case 2: name = "x = p+k"; return add(kP, small(1 + below(0xfffffffe)));
      case 3: name = "x = 2^256-1"; return kMax;
      default: name = "x = p-1"; return sub(kP, kOne);
    }
  }

  void ecdsa_key_bad_x(GenCheck& c, const SecpKey& k) {
    std::string name;
    U256 x = bad_x(name);
    c.expect = Expect::kInvalid;
    switch (below(4)) {
      case 0:
        c.key = {static_cast<uint8_t>(0x02 | below(2))};
        c.key.insert(c.key.end(), x.begin(), x.end());
        c.variant = "compressed, " + name;
        break;
      case 1:
      case 2: {
        const bool hybrid = coin();
        c.key.assign(k.uncompressed, k.uncompressed + 65);
        std::memcpy(c.key.data() + 1, x.data(), 32);
        if (hybrid) c.key[0] = static_cast<uint8_t>(0x06 | (c.key[64] & 1));
        c.variant = std::string(hybrid ? "hybrid, " : "uncompressed, ") + name;
        break;
      }
      default: {
        c.key.assign(k.uncompressed, k.uncompressed + 65);
        U256 y = coin() ? add(kP, small(below(0x3d0))) : kMax;  // p + k stays below 2^256 for k < 0x3d1
        std::memcpy(c.key.data() + 33, y.data(), 32);
        c.variant = "uncompressed, y >= p";
        break;
      }
    }
  }

  void ecdsa_key_off_curve(GenCheck& c, const SecpKey& k) {
    c.expect = Expect::kInvalid;
    switch (below(4)) {
      case 0:
        c.key.assign(k.uncompressed, k.uncompressed + 65);
        c.key[64] ^= 1;  // y + 1 or y - 1: neither y nor p - y
        c.variant = "uncompressed, y off by one";
        break;
      case 1:
        c.key.assign(k.uncompressed, k.uncompressed + 65);
        c.key[64] ^= 1;
        c.key[0] = static_cast<uint8_t>(0x06 | (c.key[64] & 1));
        c.variant = "hybrid, y off by one";
        break;
      case 2:
        c.key = {0x04};
        {
          Bytes xy = random_bytes(64);
          c.key.insert(c.key.end(), xy.begin(), xy.end());
        }
        c.variant = "uncompressed, random x and y";
        break;
      default:
        c.key = {static_cast<uint8_t>(0x02 | below(2))};
        {
          Bytes x = random_bytes(32);
          c.key.insert(c.key.end(), x.begin(), x.end());
        }
        c.variant = "compressed, random x (off the curve or another key)";
        break;
    }
  }

  void ecdsa_wrong_length(GenCheck& c, const SecpKey& k, const U256& r, const U256& s) {
    c.expect = Expect::kInvalid;
    const size_t variants = options.cli_compatible ? 9 : 13;
    switch (below(variants)) {
      case 0: c.key.clear(); c.variant = "empty key"; break;
      case 1: c.key.assign(k.compressed + 1, k.compressed + 33); c.variant = "32-byte key (x only)"; break;
      case 2: c.key.assign(k.compressed, k.compressed + 33); c.key.push_back(0); c.variant = "34-byte key"; break;
      case 3: c.key.assign(k.uncompressed + 1, k.uncompressed + 65); c.variant = "64-byte key (no prefix)"; break;
      case 4: c.key.assign(k.uncompressed, k.uncompressed + 65); c.key.push_back(0); c.variant = "66-byte key"; break;
      case 5: c.key.assign(k.uncompressed, k.uncompressed + 33); c.variant = "uncompressed key cut to 33 bytes"; break;
      case 6: c.sig.clear(); c.variant = "empty signature"; break;
      case 7: c.sig = {0x30}; c.variant = "1-byte signature"; break;
      case 8:
        c.sig.assign(r.begin(), r.end());
        c.sig.insert(c.sig.end(), s.begin(), s.end());
        c.variant = "64-byte compact signature instead of DER";
        break;
      case 9: c.msg.clear(); c.variant = "empty digest"; break;
      case 10: c.msg.pop_back(); c.variant = "31-byte digest"; break;
      case 11: c.msg.push_back(0); c.variant = "33-byte digest"; break;
      default: c.msg.insert(c.msg.end(), c.msg.begin(), c.msg.end()); c.variant = "64-byte digest"; break;
    }
  }

  // Long-form length bytes for `len`: 0x80+k, then k-1 zero bytes and len.
  static Bytes long_len(size_t len, size_t k) {
    Bytes out{static_cast<uint8_t>(0x80 + k)};
    for (size_t i = 1; i < k; ++i) out.push_back(0);
    out.push_back(static_cast<uint8_t>(len));
    return out;
  }

  void der_mutation(GenCheck& c, const U256& r, const U256& s) {
    const bool lax = c.scheme == Scheme::kEcdsaBitcoin;
    // What a mutation the lax parser reads as the same signature gives.
    const Expect lax_only = lax ? Expect::kValid : Expect::kInvalid;
    Der d(r, s);
    c.expect = Expect::kInvalid;
    switch (below(12)) {
      case 0: {  // negative integer: the 0x00 pad of a high-bit value dropped
        if (d.r.size() > 1 && d.r[0] == 0) {
          d.r.erase(d.r.begin());
          c.variant = "negative r (pad dropped)";
        } else {
          d = Der(r, sub(kN, s));  // high S: its top bit is set
          if (d.s.size() > 1 && d.s[0] == 0) d.s.erase(d.s.begin());
          c.variant = "high s written as a negative integer";
        }
        c.expect = lax_only;
        break;
      }
      case 1: {  // excess zero padding
        const size_t pads[] = {1, 2, 5, 33};
        size_t k = pick(pads);
        const int which = static_cast<int>(below(3));
        if (which != 1) d.r.insert(d.r.begin(), k, 0);
        if (which != 0) d.s.insert(d.s.begin(), k, 0);
        c.variant = std::to_string(k) + " excess zero byte(s) in " + (which == 0 ? "r" : which == 1 ? "s" : "r and s");
        c.expect = lax_only;
        break;
      }
      case 2: {  // long-form integer length with leading zero bytes
        const size_t ks[] = {1, 2, 3, 4, 8, 20};
        size_t k = pick(ks);
        if (coin()) {
          d.r_len = long_len(d.r.size(), k);
          c.variant = "long-form r length, " + std::to_string(k) + " byte(s)";
        } else {
          d.s_len = long_len(d.s.size(), k);
          c.variant = "long-form s length, " + std::to_string(k) + " byte(s)";
        }
        c.expect = lax_only;
        break;
      }
      case 3: {  // long-form sequence length (skipped unread by the lax parser)
        size_t k = below(5);
        Bytes len{static_cast<uint8_t>(0x80 + k)};
        Bytes junk = random_bytes(k);
        len.insert(len.end(), junk.begin(), junk.end());
        d.seq_len = len;
        c.variant = "long-form sequence length, " + std::to_string(k) + " random byte(s)";
        c.expect = lax_only;
        break;
      }
      case 4: {  // wrong short-form sequence length (ignored by the lax parser)
        size_t truth = d.bytes()[1];
        size_t v;
        do v = below(0x80);
        while (v == truth);
        d.seq_len = Bytes{static_cast<uint8_t>(v)};
        c.variant = "sequence length " + std::to_string(v) + " instead of " + std::to_string(truth);
        c.expect = lax_only;
        break;
      }
      case 5:
        d.trailing = random_bytes(1 + below(8));
        c.variant = std::to_string(d.trailing.size()) + " trailing byte(s)";
        c.expect = lax_only;
        break;
      case 6: {  // truncated: S's bytes no longer fit
        Bytes full = d.bytes();
        c.sig.assign(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(below(full.size())));
        c.variant = "truncated to " + std::to_string(c.sig.size()) + " bytes";
        return;
      }
      case 7: {  // wrong tags
        const uint8_t seq_tags[] = {0x31, 0x10, 0x00, 0x20, 0xff, 0x32};
        const uint8_t int_tags[] = {0x03, 0x00, 0x22, 0x82, 0x12, 0x01};
        switch (below(3)) {
          case 0: d.seq_tag = pick(seq_tags); c.variant = "sequence tag " + hex_of(Bytes{d.seq_tag}); break;
          case 1: d.r_tag = pick(int_tags); c.variant = "r tag " + hex_of(Bytes{d.r_tag}); break;
          default: d.s_tag = pick(int_tags); c.variant = "s tag " + hex_of(Bytes{d.s_tag}); break;
        }
        break;
      }
      case 8:  // unreadable long forms: a length of 2^24 or more, or more length bytes than input
        switch (below(3)) {
          case 0: d.r_len = Bytes{0x84, 0x01, 0x00, 0x00, static_cast<uint8_t>(d.r.size())}; c.variant = "r length with 4 significant bytes"; break;
          case 1: d.s_len = Bytes{0x84, 0x01, 0x00, 0x00, static_cast<uint8_t>(d.s.size())}; c.variant = "s length with 4 significant bytes"; break;
          default: d.seq_len = Bytes{0xff}; c.variant = "sequence length says 127 length bytes follow"; break;
        }
        break;
      case 9:  // 33 significant bytes
        if (coin()) {
          d.r.insert(d.r.begin(), static_cast<uint8_t>(1 + below(0x7f)));
          c.variant = "r of 33 significant bytes";
        } else {
          d.s.insert(d.s.begin(), static_cast<uint8_t>(1 + below(0x7f)));
          c.variant = "s of 33 significant bytes";
        }
        break;
      case 10: {  // an integer length off by one
        const bool up = coin();
        const size_t rl = d.r.size() + (up ? 1 : 0) - (up ? 0 : 1);
        d.r_len = Bytes{static_cast<uint8_t>(rl)};
        c.variant = std::string("r length ") + (up ? "+1" : "-1");
        c.expect = Expect::kAny;
        break;
      }
      default:  // zero-length integer
        if (coin()) {
          d.r.clear();
          c.variant = "empty r";
        } else {
          d.s.clear();
          c.variant = "empty s";
        }
        break;
    }
    c.sig = d.bytes();
  }

  // ---- BIP340 ----
  void schnorr(GenCheck& c) {
    SecpKey& k = secp_key();
    c.msg = random_bytes(below(301));
    uint8_t sig[64];
    int ok;
    if (c.msg.size() == 32) {
      uint8_t aux[32];
      fill(aux, 32);
      ok = secp256k1_schnorrsig_sign32(ctx, sig, c.msg.data(), &k.keypair, aux);
    } else {
      ok = secp256k1_schnorrsig_sign_custom(ctx, sig, c.msg.data(), c.msg.size(), &k.keypair, nullptr);
    }
    if (!ok) throw std::runtime_error("schnorrsig signing failed");
    c.key.assign(k.xonly, k.xonly + 32);
    c.sig.assign(sig, sig + 64);
    c.expect = Expect::kValid;
    c.variant = "message of " + std::to_string(c.msg.size()) + " bytes";
    if (apply_shared_class(c)) return;
    switch (c.cls) {
      case Cls::kScalarEdge: {
        struct Edge { const char* name; U256 v; };
        const Edge rx[] = {{"0", kZero}, {"1", kOne}, {"p-1", sub(kP, kOne)}, {"p", kP}, {"p+1", add(kP, kOne)},
                           {"2^256-1", kMax}};
        const Edge sv[] = {{"0", kZero},           {"n-1", sub(kN, kOne)}, {"n", kN}, {"n+1", add(kN, kOne)},
                           {"2^256-1", kMax},      {"2^256-1-k", sub(kMax, small(rng()))}};
        if (coin()) {
          const Edge& e = pick(rx);
          std::memcpy(c.sig.data(), e.v.data(), 32);
          c.variant = std::string("R.x = ") + e.name;
        } else {
          const Edge& e = pick(sv);
          std::memcpy(c.sig.data() + 32, e.v.data(), 32);
          c.variant = std::string("s = ") + e.name;
        }
        c.expect = Expect::kInvalid;
        break;
      }
      case Cls::kKeyBadX: {
        std::string name;
        U256 x = bad_x(name);
        c.key.assign(x.begin(), x.end());
        c.variant = "x-only, " + name;
        c.expect = Expect::kInvalid;
        break;
      }
      case Cls::kKeyOffCurve:
        c.key = random_bytes(32);
        c.variant = "random x (off the curve or another key)";
        c.expect = Expect::kInvalid;
        break;
      case Cls::kWrongLength:
        c.expect = Expect::kInvalid;
        switch (below(9)) {
          case 0: c.key.clear(); c.variant = "empty key"; break;
          case 1: c.key.pop_back(); c.variant = "31-byte key"; break;
          case 2: c.key.assign(k.compressed, k.compressed + 33); c.variant = "33-byte key (compressed form)"; break;
          case 3: c.key.insert(c.key.end(), c.key.begin(), c.key.end()); c.variant = "64-byte key"; break;
          case 4: c.key.assign(k.uncompressed, k.uncompressed + 65); c.variant = "65-byte key (uncompressed form)"; break;
          case 5: c.sig.clear(); c.variant = "empty signature"; break;
          case 6: c.sig.pop_back(); c.variant = "63-byte signature"; break;
          case 7: c.sig.push_back(0); c.variant = "65-byte signature"; break;
          default: c.sig.insert(c.sig.end(), c.sig.begin(), c.sig.end()); c.variant = "128-byte signature"; break;
        }
        break;
      default:
        throw std::logic_error("class not made for schnorr");
    }
  }

  // ---- Ed25519 ----
  size_t ed_message_length() {
    switch (below(4)) {
      case 0:
      case 1: return below(65);
      case 2: return below(513);
      default: return below(4097);
    }
  }

  // ---- Ed25519: signatures built with libsodium's arithmetic ----
  //
  // The small-order and non-canonical classes need signatures that only some
  // rule sets accept. They are built from libsodium's scalar and point
  // operations and its signing (never from the ZIP-215 reference, which
  // decides them): ZIP-215 ("ed25519") accepts [8]([S]B - R - [k]A) = 0 with
  // A and R decoded whatever their encoding; libsodium ("ed25519-strict")
  // rejects small-order or non-canonical A and R and checks R = [S]B - [k]A.
  using Ed32 = std::array<uint8_t, 32>;  // little-endian

  Ed32 ed_reduce(const uint8_t wide[64]) {
    Ed32 out{};
    uint8_t copy[64];
    std::memcpy(copy, wide, 64);
    crypto_core_ed25519_scalar_reduce(out.data(), copy);
    return out;
  }
  // A scalar below L from the generator's own randomness (reproducible).
  Ed32 ed_random_scalar() {
    uint8_t wide[64];
    fill(wide, 64);
    return ed_reduce(wide);
  }
  // The clamped secret scalar a of a key (A = [a]B), mod L.
  Ed32 ed_secret_scalar(const EdKey& k) {
    uint8_t h[64];
    crypto_hash_sha512(h, k.sk, 32);
    h[0] &= 248;
    h[31] &= 127;
    h[31] |= 64;
    std::memset(h + 32, 0, 32);
    return ed_reduce(h);
  }
  // k = SHA-512(R || A || M) mod L over the bytes as given.
  Ed32 ed_challenge(const uint8_t* r, const uint8_t* a, const Bytes& msg) {
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, r, 32);
    crypto_hash_sha512_update(&st, a, 32);
    crypto_hash_sha512_update(&st, msg.data(), msg.size());
    uint8_t h[64];
    crypto_hash_sha512_final(&st, h);
    return ed_reduce(h);
  }
  Ed32 ed_base_mul(const Ed32& n) {
    Ed32 out{};
    if (crypto_scalarmult_ed25519_base_noclamp(out.data(), n.data()) != 0) throw std::runtime_error("[n]B failed");
    return out;
  }
  Ed32 ed_add(const uint8_t* p, const uint8_t* q) {
    Ed32 out{};
    if (crypto_core_ed25519_add(out.data(), p, q) != 0) throw std::runtime_error("point addition failed");
    return out;
  }
  Ed32 ed_mul_add(const Ed32& x, const Ed32& y, const Ed32& z) {  // x y + z mod L
    Ed32 xy{}, out{};
    crypto_core_ed25519_scalar_mul(xy.data(), x.data(), y.data());
    crypto_core_ed25519_scalar_add(out.data(), xy.data(), z.data());
    return out;
  }

  // One of the 14 small-order encodings: the 8 canonical ones (and their
  // orders), or the 6 non-canonical ones.
  enum class TorsionPick { kAny, kCanonical, kNonCanonical, kCanonicalNotIdentity };
  Bytes ed_torsion(TorsionPick pick, std::string& name, int* order = nullptr) {
    static const int kOrders[] = {1, 2, 4, 4, 8, 8, 8, 8};
    const size_t nc = std::size(kTorsionCanonical), nn = std::size(kTorsionNonCanonical);
    size_t i;
    switch (pick) {
      case TorsionPick::kAny: i = below(nc + nn); break;
      case TorsionPick::kCanonical: i = below(nc); break;
      case TorsionPick::kNonCanonical: i = nc + below(nn); break;
      default: i = 1 + below(nc - 1); break;
    }
    if (i < nc) {
      name = "torsion point #" + std::to_string(i) + " (order " + std::to_string(kOrders[i]) + ")";
      if (order) *order = kOrders[i];
      return bytes_of_hex(kTorsionCanonical[i]);
    }
    name = "torsion point, non-canonical encoding #" + std::to_string(i - nc);
    if (order) *order = 0;  // not asked for by the callers that need it
    return bytes_of_hex(kTorsionNonCanonical[i - nc]);
  }

  void set_r(GenCheck& c, const uint8_t* r) { std::memcpy(c.sig.data(), r, 32); }
  void set_s(GenCheck& c, const Ed32& s) { std::memcpy(c.sig.data() + 32, s.data(), 32); }

  // S = [k]a for a small-order R: [S]B - R - [k]A = -R, killed by the cofactor.
  void ed_torsion_r_signed(GenCheck& c, const EdKey& k, const Bytes& r) {
    set_r(c, r.data());
    set_s(c, ed_mul_add(ed_challenge(r.data(), k.pk, c.msg), ed_secret_scalar(k), Ed32{}));
  }
  // A small-order key with R = [r]B and S = r: [S]B - R - [k]A = -[k]A, killed
  // by the cofactor.
  void ed_torsion_a_signed(GenCheck& c, const Bytes& a) {
    c.key = a;
    const Ed32 r = ed_random_scalar();
    const Ed32 rb = ed_base_mul(r);
    set_r(c, rb.data());
    set_s(c, r);
  }

  // A or R among the 14 small-order encodings. Valid under ZIP-215 only when
  // the signature was made for it (S = 0 with both, S = k a with R, S = r
  // with A); valid under the strict rules only for mixed-order keys (A + T,
  // not of small order) whose k T is the identity.
  void ed_small_order(GenCheck& c, const EdKey& k) {
    const bool zip215 = c.scheme == Scheme::kEd25519;
    const Expect zip215_only = zip215 ? Expect::kValid : Expect::kInvalid;
    std::string name, name2;
    c.expect = Expect::kInvalid;
    switch (below(9)) {
      case 0:  // someone else's signature under a small-order key
        c.key = ed_torsion(TorsionPick::kAny, name);
        c.variant = "A = " + name + ", R and S of a signature by another key";
        break;
      case 1:  // R replaced by a small-order point, S unchanged
        set_r(c, ed_torsion(TorsionPick::kAny, name).data());
        c.variant = "R = " + name + ", S of the original signature";
        break;
      case 2:  // both replaced, S unchanged: [8][S]B remains
        c.key = ed_torsion(TorsionPick::kAny, name);
        set_r(c, ed_torsion(TorsionPick::kAny, name2).data());
        c.variant = "A = " + name + ", R = " + name2 + ", S of the original signature";
        break;
      case 3:  // the "signature" that verifies any message under a small-order key
        c.key = ed_torsion(TorsionPick::kAny, name);
        set_r(c, ed_torsion(TorsionPick::kAny, name2).data());
        set_s(c, Ed32{});
        c.variant = "A = " + name + ", R = " + name2 + ", S = 0";
        c.expect = zip215_only;
        break;
      case 4:
        ed_torsion_r_signed(c, k, ed_torsion(TorsionPick::kAny, name));
        c.variant = "R = " + name + ", S = k a";
        c.expect = zip215_only;
        break;
      case 5:
        ed_torsion_a_signed(c, ed_torsion(TorsionPick::kAny, name));
        c.variant = "A = " + name + ", R = [r]B, S = r";
        c.expect = zip215_only;
        break;
      case 6:
      case 7: {  // mixed-order key A + T, signed by libsodium for that key
        int order = 0;
        const Bytes t = ed_torsion(TorsionPick::kCanonicalNotIdentity, name, &order);
        const Ed32 mixed = ed_add(k.pk, t.data());
        uint8_t sk[crypto_sign_SECRETKEYBYTES];
        std::memcpy(sk, k.sk, 32);
        std::memcpy(sk + 32, mixed.data(), 32);  // libsodium hashes this half as A
        // [S]B - R - [k](A + T) = -[k]T: zero iff k = 0 mod order(T). Draw
        // messages until k is (both rule sets accept) or is not (only the
        // cofactored equation accepts).
        const bool want_kt_zero = below(2) == 0;
        uint8_t sig[crypto_sign_BYTES];
        for (int tries = 0;; ++tries) {
          if (tries == 1000) throw std::runtime_error("no message found for a mixed-order key");
          crypto_sign_detached(sig, nullptr, c.msg.data(), c.msg.size(), sk);
          const Ed32 ch = ed_challenge(sig, mixed.data(), c.msg);
          if ((ch[0] % order == 0) == want_kt_zero) break;  // order | 8: k mod order from the low byte
          c.msg = random_bytes(ed_message_length());
        }
        c.key.assign(mixed.begin(), mixed.end());
        c.sig.assign(sig, sig + 64);
        c.variant = "A + " + name + " (mixed order) signed by libsodium, message of " +
                    std::to_string(c.msg.size()) + " bytes, k T " + (want_kt_zero ? "= 0" : "!= 0");
        c.expect = want_kt_zero ? Expect::kValid : zip215_only;
        break;
      }
      default: {  // R + T with S recomputed for it: only [8] removes the T
        const Bytes t = ed_torsion(TorsionPick::kCanonicalNotIdentity, name);
        const Ed32 r = ed_random_scalar();
        const Ed32 rb = ed_base_mul(r);
        const Ed32 r_prime = ed_add(rb.data(), t.data());
        set_r(c, r_prime.data());
        set_s(c, ed_mul_add(ed_challenge(r_prime.data(), k.pk, c.msg), ed_secret_scalar(k), r));
        c.variant = "R = [r]B + " + name + ", S = r + k a";
        c.expect = zip215_only;
        break;
      }
    }
  }

  // Encodings with y >= p (or x = 0 with the sign bit set): arbitrary ones
  // in place of A or R (invalid), and signatures made for non-canonical
  // small-order A and R (valid under ZIP-215, which decodes them and hashes
  // the bytes as given; invalid under the strict rules).
  void ed_non_canonical(GenCheck& c, const EdKey& k) {
    const bool zip215 = c.scheme == Scheme::kEd25519;
    const Expect zip215_only = zip215 ? Expect::kValid : Expect::kInvalid;
    std::string name, name2;
    c.expect = Expect::kInvalid;
    switch (below(6)) {
      case 0:
      case 1: {  // y = p + k in place of A or R
        const unsigned kk = static_cast<unsigned>(below(19));
        const bool sign = coin();
        const Bytes enc = ed_noncanonical_y(kk, sign);
        name = "y = p+" + std::to_string(kk) + (sign ? ", sign bit set" : "");
        if (coin()) {
          c.key = enc;
          c.variant = "A with " + name;
        } else {
          set_r(c, enc.data());
          c.variant = "R with " + name;
        }
        break;
      }
      case 2:
        ed_torsion_a_signed(c, ed_torsion(TorsionPick::kNonCanonical, name));
        c.variant = "A = " + name + ", R = [r]B, S = r";
        c.expect = zip215_only;
        break;
      case 3:
        ed_torsion_r_signed(c, k, ed_torsion(TorsionPick::kNonCanonical, name));
        c.variant = "R = " + name + ", S = k a";
        c.expect = zip215_only;
        break;
      case 4:
        c.key = ed_torsion(TorsionPick::kNonCanonical, name);
        set_r(c, ed_torsion(TorsionPick::kNonCanonical, name2).data());
        set_s(c, Ed32{});
        c.variant = "A = " + name + ", R = " + name2 + ", S = 0";
        c.expect = zip215_only;
        break;
      default: {  // k computed over R's canonical re-encoding: wrong under ZIP-215
        const Bytes r = ed_torsion(TorsionPick::kNonCanonical, name);
        const Ed32 canonical = ed_add(r.data(), bytes_of_hex(kTorsionCanonical[0]).data());  // + identity
        set_r(c, r.data());
        set_s(c, ed_mul_add(ed_challenge(canonical.data(), k.pk, c.msg), ed_secret_scalar(k), Ed32{}));
        c.variant = "R = " + name + ", S = k a with k over R's canonical encoding " + hex_of(canonical);
        break;
      }
    }
  }

  void ed25519(GenCheck& c) {
    EdKey& k = ed_key();
    c.msg = random_bytes(ed_message_length());
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, c.msg.data(), c.msg.size(), k.sk);
    c.key.assign(k.pk, k.pk + 32);
    c.sig.assign(sig, sig + 64);
    c.expect = Expect::kValid;
    c.variant = "message of " + std::to_string(c.msg.size()) + " bytes";
    if (apply_shared_class(c)) return;
    switch (c.cls) {
      case Cls::kScalarEdge: {
        U256 s_le;
        std::memcpy(s_le.data(), c.sig.data() + 32, 32);
        const U256 s = reversed(s_le);
        U256 v;
        switch (below(7)) {
          case 0: {
            unsigned m = 1 + static_cast<unsigned>(below(15));  // s + m*L < 2^256 since s < L < 2^253
            v = s;
            for (unsigned i = 0; i < m; ++i) v = add(v, kL);
            c.variant = "S + " + std::to_string(m) + "L";
            break;
          }
          case 1: v = kL; c.variant = "S = L"; break;
          case 2: v = add(kL, kOne); c.variant = "S = L+1"; break;
          case 3: v = kMax; c.variant = "S = 2^256-1"; break;
          case 4: v = s; v[0] |= 0x80; c.variant = "S with bit 255 set"; break;
          case 5: v = kZero; c.variant = "S = 0"; break;
          default: v = sub(kL, kOne); c.variant = "S = L-1"; break;
        }
        U256 le = reversed(v);
        std::memcpy(c.sig.data() + 32, le.data(), 32);
        c.expect = Expect::kInvalid;
        break;
      }
      case Cls::kSmallOrder:
        ed_small_order(c, k);
        break;
      case Cls::kNonCanonical:
        ed_non_canonical(c, k);
        break;
      case Cls::kWrongLength:
        c.expect = Expect::kInvalid;
        switch (below(8)) {
          case 0: c.key.clear(); c.variant = "empty key"; break;
          case 1: c.key.pop_back(); c.variant = "31-byte key"; break;
          case 2: c.key.push_back(0); c.variant = "33-byte key"; break;
          case 3: c.key.insert(c.key.end(), c.key.begin(), c.key.end()); c.key.push_back(0); c.variant = "65-byte key"; break;
          case 4: c.sig.clear(); c.variant = "empty signature"; break;
          case 5: c.sig.pop_back(); c.variant = "63-byte signature"; break;
          case 6: c.sig.push_back(0); c.variant = "65-byte signature"; break;
          default: c.sig.resize(32); c.variant = "32-byte signature (R only)"; break;
        }
        break;
      default:
        throw std::logic_error("class not made for ed25519");
    }
  }
};

Generator::Generator(uint64_t seed, GeneratorOptions options)
    : rng_(seed), options_(options), impl_(std::make_unique<Impl>(rng_, options)) {}

Generator::~Generator() = default;

GenCheck Generator::make(Scheme scheme, Cls cls) {
  GenCheck c;
  c.scheme = scheme;
  c.cls = cls;
  switch (scheme) {
    case Scheme::kEcdsa:
    case Scheme::kEcdsaLowS:
    case Scheme::kEcdsaBitcoin:
      impl_->ecdsa(c);
      break;
    case Scheme::kSchnorr:
      impl_->schnorr(c);
      break;
    case Scheme::kEd25519Strict:
    case Scheme::kEd25519:
      impl_->ed25519(c);
      break;
    case Scheme::kTaprootCommitment:  // not a signature scheme; never asked for
      break;
  }
  c.oracle = oracle_verify(c.scheme, c.key, c.msg, c.sig);
  return c;
}

GenCheck Generator::next(Scheme scheme) {
  const size_t si = scheme_index(scheme);
  std::span<const Cls> classes = classes_of(scheme);
  const Cls cls = classes[next_class_[si]++ % classes.size()];
  const uint64_t k = counters_[si][static_cast<size_t>(cls)]++;
  if (cls != Cls::kValid && k % 4 == 3) {
    GenCheck c = make(scheme, Cls::kValid);
    c.cls = cls;
    c.variant = "control (uncorrupted), " + c.variant;
    return c;
  }
  return make(scheme, cls);
}

}  // namespace vigil::difftest
