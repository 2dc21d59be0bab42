// bitcoinj's BIP66 lists (sig_canonical.json, sig_noncanonical.json; data from
// Bitcoin Core): DER signatures, each followed by a one-byte sighash type.
// Checked through libsecp256k1's strict DER parser (secp256k1_ecdsa_signature_parse_der,
// called directly) and our lax parser (vigil::cpu::parse_der_lax, Bitcoin Core's
// ecdsa_signature_parse_der_lax semantics).
#include <gtest/gtest.h>
#include <secp256k1.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "vectors/vector_files.hpp"
#include "verify/backends.hpp"

namespace vigil::test::vectors {
namespace {

struct Parsed {
  bool ok = false;
  std::string compact;  // hex of the 64-byte (r, s), when ok
};

Parsed strict_parse(const secp256k1_context* ctx, const Bytes& der) {
  secp256k1_ecdsa_signature sig;
  Parsed p;
  p.ok = secp256k1_ecdsa_signature_parse_der(ctx, &sig, nonnull(der).data(), der.size()) == 1;
  if (p.ok) {
    uint8_t rs[64];
    EXPECT_EQ(secp256k1_ecdsa_signature_serialize_compact(ctx, rs, &sig), 1);
    p.compact = to_hex(ByteView(rs, 64));
  }
  return p;
}

Parsed lax_parse(const secp256k1_context* ctx, const Bytes& der) {
  secp256k1_ecdsa_signature sig;
  Parsed p;
  p.ok = cpu::parse_der_lax(nonnull(der), &sig);
  if (p.ok) {
    uint8_t rs[64];
    EXPECT_EQ(secp256k1_ecdsa_signature_serialize_compact(ctx, rs, &sig), 1);
    p.compact = to_hex(ByteView(rs, 64));
  }
  return p;
}

// The file's strings that are hex, in order, each with the non-hex label
// before it ("non-hex strings are ignored" by bitcoinj: they are labels).
std::vector<std::pair<std::string, Bytes>> load(const std::string& name) {
  std::vector<std::pair<std::string, Bytes>> out;
  auto j = nlohmann::json::parse(read_text(data_path("bitcoinj/" + name)));
  std::string label;
  for (const auto& item : j) {
    std::string s = item.get<std::string>();
    Bytes b;
    if (from_hex(s, b)) {
      EXPECT_GE(b.size(), 2u) << name << ": " << s;
      out.emplace_back(label, std::move(b));
    } else {
      label = s;
    }
  }
  return out;
}

// Without the trailing sighash byte: what the DER parsers see.
Bytes der_part(const Bytes& with_sighash) { return Bytes(with_sighash.begin(), with_sighash.end() - 1); }

TEST(DerBip66, CanonicalSignatures) {
  SecpContext ctx = make_secp_context();
  auto sigs = load("sig_canonical.json");
  ASSERT_EQ(sigs.size(), 5u);
  for (size_t i = 0; i < sigs.size(); ++i) {
    std::string id = "sig_canonical.json #" + std::to_string(i) + " " + to_hex(sigs[i].second);
    Bytes der = der_part(sigs[i].second);
    Parsed strict = strict_parse(ctx.get(), der);
    Parsed lax = lax_parse(ctx.get(), der);
    EXPECT_TRUE(strict.ok) << id << ": strict parser rejects a canonical signature";
    EXPECT_TRUE(lax.ok) << id << ": lax parser rejects a canonical signature";
    EXPECT_EQ(lax.compact, strict.compact) << id << ": lax vs strict (r, s)";
    // With the sighash byte still attached: the strict parser rejects the
    // trailing byte; the lax one ignores what follows S.
    EXPECT_FALSE(strict_parse(ctx.get(), sigs[i].second).ok) << id << " with its sighash byte";
    Parsed lax_tail = lax_parse(ctx.get(), sigs[i].second);
    EXPECT_TRUE(lax_tail.ok) << id << " with its sighash byte";
    EXPECT_EQ(lax_tail.compact, strict.compact) << id << " with its sighash byte";
  }
}

// r and s of the non-canonical examples, read off the file: every example is a
// variation of one signature (R0, S0), whose correct encoding is the
// "hashtype:" example.
const std::string kR0 = "5990e0584b2b238e1dfaad8d6ed69ecc1a4a13ac85fc0b31d0df395eb1ba6105";
const std::string kS0 = "2d5876262c288beb511d061691bf26777344b702b00f8fe28621fe4e566695ed";
// "R<0:" and "S<0:" set the top bit of the first byte (0x59 -> 0x89, 0x2d -> 0xfd):
// negative DER integers, which the lax parser reads as unsigned magnitudes.
const std::string kRneg = "8990e0584b2b238e1dfaad8d6ed69ecc1a4a13ac85fc0b31d0df395eb1ba6105";
const std::string kSneg = "fd5876262c288beb511d061691bf26777344b702b00f8fe28621fe4e566695ed";
const std::string kZero = std::string(64, '0');
const std::string kFF = std::string(62, '0') + "ff";

// Why BIP66 rejects an example.
enum class Why {
  kDer,         // the bytes are not a DER SEQUENCE of two INTEGERs: the strict parser must reject
  kNegative,    // valid DER, but an INTEGER is negative (BIP66: "Negative numbers are not allowed")
  kOutsideDer,  // the DER part is canonical; only the sighash byte is wrong
};

struct Expectation {
  Why why;
  // libsecp256k1's strict parser. It accepts any well-formed DER encoding and
  // maps an integer that is negative or >= n to 0 (a signature that cannot
  // verify), so the negative examples parse.
  bool strict_ok;
  std::string strict_compact;
  // Our lax parser (Bitcoin Core's rules: sequence length ignored, padding and
  // negative integers allowed, trailing bytes ignored, empty integers are 0).
  bool lax_ok;
  std::string lax_compact;
};

const std::map<std::string, Expectation> kNonCanonical = {
    // 30 05 02 01 ff 02 00: S has no content octets (X.690 requires one). BIP66
    // also rejects it for its total length (8 bytes with the sighash < 9).
    {"too short:", {Why::kDer, false, "", true, kFF + kZero}},
    // 74 bytes with the sighash (BIP66: > 73), and both R (00 59..) and S
    // (00 00 2d..) carry excess zero padding, which DER forbids.
    {"too long:", {Why::kDer, false, "", true, kR0 + kS0}},
    // Correct DER; the sighash byte 0x11 is not a defined hash type (rejected
    // by bitcoinj's isEncodingCanonical and Bitcoin Core's STRICTENC, not by
    // the DER rules).
    {"hashtype:", {Why::kOutsideDer, true, kR0 + kS0, true, kR0 + kS0}},
    // Tag 0x31 (SET) instead of 0x30 (SEQUENCE).
    {"type:", {Why::kDer, false, "", false, ""}},
    // Sequence length 0x45 but 0x44 bytes follow.
    {"total length:", {Why::kDer, false, "", true, kR0 + kS0}},
    // Truncated, and the first INTEGER has tag 0x01: neither parser can read it.
    {"S len oob:", {Why::kDer, false, "", false, ""}},
    // An extra 0x00 after S, inside the sequence (its length counts it).
    {"R+S:", {Why::kDer, false, "", true, kR0 + kS0}},
    // R with tag 0x01.
    {"R type:", {Why::kDer, false, "", false, ""}},
    // R with no content octets; the lax parser reads it as 0.
    {"R len = 0:", {Why::kDer, false, "", true, kZero + kS0}},
    {"R<0:", {Why::kNegative, true, kZero + kS0, true, kRneg + kS0}},
    // 02 21 00 59..: a zero byte before a byte below 0x80.
    {"R padded:", {Why::kDer, false, "", true, kR0 + kS0}},
    // S with tag 0x01.
    {"S type:", {Why::kDer, false, "", false, ""}},
    {"S len = 0:", {Why::kDer, false, "", true, kR0 + kZero}},
    {"S<0:", {Why::kNegative, true, kR0 + kZero, true, kR0 + kSneg}},
    {"S padded:", {Why::kDer, false, "", true, kR0 + kS0}},
};

TEST(DerBip66, NonCanonicalSignatures) {
  SecpContext ctx = make_secp_context();
  auto sigs = load("sig_noncanonical.json");
  ASSERT_EQ(sigs.size(), kNonCanonical.size());
  std::set<std::string> seen;
  for (const auto& [label, with_sighash] : sigs) {
    std::string id = "sig_noncanonical.json \"" + label + "\" " + to_hex(with_sighash);
    auto it = kNonCanonical.find(label);
    ASSERT_NE(it, kNonCanonical.end()) << id << ": no expectation for this label";
    EXPECT_TRUE(seen.insert(label).second) << id << ": label appears twice";
    const Expectation& e = it->second;
    Bytes der = der_part(with_sighash);

    Parsed strict = strict_parse(ctx.get(), der);
    EXPECT_EQ(strict.ok, e.strict_ok) << id << ": strict parser";
    if (e.why == Why::kDer) {
      EXPECT_FALSE(strict.ok) << id << ": the strict parser accepts a DER violation";
    }
    if (strict.ok) {
      EXPECT_EQ(strict.compact, e.strict_compact) << id << ": strict parser's (r, s)";
    }

    Parsed lax = lax_parse(ctx.get(), der);
    EXPECT_EQ(lax.ok, e.lax_ok) << id << ": lax parser";
    if (lax.ok) {
      EXPECT_EQ(lax.compact, e.lax_compact) << id << ": lax parser's (r, s)";
    }
  }
  EXPECT_EQ(seen.size(), kNonCanonical.size());
}

}  // namespace
}  // namespace vigil::test::vectors
