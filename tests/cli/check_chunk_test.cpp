// Unit tests of vigil::cli::CheckChunk, the parser of `vigil verify` lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "check_lines.hpp"
#include "differential/generator.hpp"
#include "differential/oracle.hpp"
#include "util/test_util.hpp"
#include "vigil/verify.hpp"

namespace vigil::cli {
namespace {

using difftest::check_line;
using difftest::GenCheck;
using difftest::Generator;
using difftest::GeneratorOptions;

Bytes bytes_of(ByteView v) { return Bytes(v.begin(), v.end()); }

const std::string kKey33 = "02" + std::string(64, 'a');
const std::string kDigest = std::string(64, '1');
const std::string kSig = "3006020101020101";

// Adds a line that must be accepted as one check and returns it.
Check add_one(CheckChunk& chunk, const std::string& line) {
  std::string error;
  const size_t before = chunk.size();
  EXPECT_TRUE(chunk.add_line(line, &error)) << line << ": " << error;
  EXPECT_EQ(chunk.size(), before + 1) << line;
  if (chunk.size() != before + 1) return Check{};
  return chunk.checks().back();
}

// Adds a line that must be rejected; returns the error.
std::string add_bad(CheckChunk& chunk, const std::string& line) {
  std::string error;
  const size_t before = chunk.size();
  EXPECT_FALSE(chunk.add_line(line, &error)) << "accepted: " << line;
  EXPECT_EQ(chunk.size(), before) << line;
  EXPECT_FALSE(error.empty()) << line;
  return error;
}

TEST(CheckChunk, FourFieldsSeparatedBySpacesOrTabs) {
  const std::string lines[] = {
      "ecdsa " + kKey33 + " " + kDigest + " " + kSig,
      "ecdsa\t" + kKey33 + "\t" + kDigest + "\t" + kSig,
      "  ecdsa \t " + kKey33 + "   \t\t" + kDigest + "\t \t" + kSig + "  \t",
      "\tecdsa " + kKey33 + " " + kDigest + " " + kSig + "\t",
  };
  for (const auto& line : lines) {
    CheckChunk chunk;
    Check c = add_one(chunk, line);
    EXPECT_EQ(c.scheme, Scheme::kEcdsa) << line;
    EXPECT_EQ(bytes_of(c.public_key), test::hex(kKey33)) << line;
    EXPECT_EQ(bytes_of(c.message), test::hex(kDigest)) << line;
    EXPECT_EQ(bytes_of(c.signature), test::hex(kSig)) << line;
    EXPECT_EQ(c.parsed_key, nullptr);
  }
}

TEST(CheckChunk, EverySchemeName) {
  CheckChunk chunk;
  const std::pair<const char*, Scheme> names[] = {{"ecdsa", Scheme::kEcdsa},
                                                  {"ecdsa-lows", Scheme::kEcdsaLowS},
                                                  {"ecdsa-bitcoin", Scheme::kEcdsaBitcoin},
                                                  {"schnorr", Scheme::kSchnorr},
                                                  {"ed25519-strict", Scheme::kEd25519Strict},
                                                  {"ed25519", Scheme::kEd25519}};
  for (const auto& [name, scheme] : names) {
    Check c = add_one(chunk, std::string(name) + " " + kKey33 + " " + kDigest + " " + kSig);
    EXPECT_EQ(c.scheme, scheme) << name;
  }
}

TEST(CheckChunk, CrLfLineEndings) {
  CheckChunk chunk;
  Check c = add_one(chunk, "schnorr " + std::string(64, 'b') + " 00ff " + std::string(128, 'c') + "\r");
  EXPECT_EQ(bytes_of(c.signature), test::hex(std::string(128, 'c')));
  EXPECT_EQ(bytes_of(c.message), test::hex("00ff"));
  // An empty last field before the CR.
  c = add_one(chunk, "schnorr " + std::string(64, 'b') + " 00ff -\r");
  EXPECT_TRUE(c.signature.empty());
  // A CR-only line is blank.
  std::string error;
  EXPECT_TRUE(chunk.add_line("\r", &error));
  EXPECT_EQ(chunk.size(), 2u);
}

TEST(CheckChunk, DashIsAnEmptyField) {
  CheckChunk chunk;
  Check c = add_one(chunk, "schnorr - - -");
  EXPECT_TRUE(c.public_key.empty());
  EXPECT_TRUE(c.message.empty());
  EXPECT_TRUE(c.signature.empty());
  EXPECT_FALSE(verify_check(c));
  // An Ed25519 signature of the empty message verifies with "-" as the message.
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed);
  GenCheck g;
  do g = gen.valid(Scheme::kEd25519Strict);
  while (!g.msg.empty());
  ASSERT_TRUE(g.oracle);
  const std::string line = check_line(g);
  ASSERT_NE(line.find(" - "), std::string::npos) << line;
  c = add_one(chunk, line);
  EXPECT_TRUE(c.message.empty());
  EXPECT_TRUE(verify_check(c)) << line;
  // "-" is only a whole field: "--" and "-0" are bad hex.
  add_bad(chunk, "schnorr -- - -");
  add_bad(chunk, "schnorr - -0 -");
}

TEST(CheckChunk, CommentsAndBlankLinesAreIgnored) {
  CheckChunk chunk;
  add_one(chunk, "ecdsa " + kKey33 + " " + kDigest + " " + kSig);
  for (const std::string line : {"", " ", "\t", "  \t  ", "#", "# a comment", "#ecdsa x y z", "   # indented",
                                 "\t#tab", "# 1 2 3 4 5 6", "\r"}) {
    std::string error = "untouched";
    EXPECT_TRUE(chunk.add_line(line, &error)) << "'" << line << "'";
    EXPECT_EQ(chunk.size(), 1u) << "'" << line << "'";
  }
  // The earlier check is intact.
  EXPECT_EQ(bytes_of(chunk.checks()[0].signature), test::hex(kSig));
}

TEST(CheckChunk, WrongFieldCount) {
  CheckChunk chunk;
  const std::string fields[] = {"ecdsa", kKey33, kDigest, kSig, "00"};
  for (size_t n : {1u, 2u, 3u, 5u}) {
    std::string line;
    for (size_t i = 0; i < n; ++i) line += (i ? " " : "") + fields[i];
    const std::string error = add_bad(chunk, line);
    EXPECT_NE(error.find(std::to_string(n)), std::string::npos) << error;
    EXPECT_NE(error.find("4 fields"), std::string::npos) << error;
  }
  add_bad(chunk, "ecdsa " + kKey33 + " " + kDigest + " " + kSig + " #trailing comment");
}

TEST(CheckChunk, BadHex) {
  CheckChunk chunk;
  const std::string bad[] = {"zz", "0g", "g0", "0x12", "12 34"};
  for (int field = 1; field <= 3; ++field) {
    for (const std::string& b : bad) {
      if (b.find(' ') != std::string::npos) continue;  // would change the field count
      std::string f[4] = {"ecdsa", kKey33, kDigest, kSig};
      f[field] = field == 2 ? b + std::string(60, '0') : b;
      const std::string error = add_bad(chunk, f[0] + " " + f[1] + " " + f[2] + " " + f[3]);
      const char* name = field == 1 ? "pubkey" : field == 2 ? "message" : "signature";
      EXPECT_NE(error.find(name), std::string::npos) << error;
      EXPECT_NE(error.find("hex"), std::string::npos) << error;
    }
  }
}

TEST(CheckChunk, OddHexLength) {
  CheckChunk chunk;
  for (int field = 1; field <= 3; ++field) {
    std::string f[4] = {"schnorr", std::string(64, 'b'), "00", std::string(128, 'c')};
    f[field] += "a";
    const std::string error = add_bad(chunk, f[0] + " " + f[1] + " " + f[2] + " " + f[3]);
    EXPECT_NE(error.find("odd"), std::string::npos) << error;
  }
}

TEST(CheckChunk, UnknownScheme) {
  CheckChunk chunk;
  for (const std::string s : {"ECDSA", "ecdsa-strict", "ed25519-zip215", "schnorr-bip340", "-", "ecdsa,", "eddsa"}) {
    const std::string error = add_bad(chunk, s + " " + kKey33 + " " + kDigest + " " + kSig);
    EXPECT_NE(error.find("scheme"), std::string::npos) << error;
    EXPECT_NE(error.find(s), std::string::npos) << error;
  }
}

TEST(CheckChunk, EcdsaDigestMustBe32Bytes) {
  CheckChunk chunk;
  for (const char* scheme : {"ecdsa", "ecdsa-lows", "ecdsa-bitcoin"}) {
    for (size_t len : {0u, 1u, 31u, 33u, 64u}) {
      const std::string digest = len ? std::string(2 * len, '5') : "-";
      const std::string error = add_bad(chunk, std::string(scheme) + " " + kKey33 + " " + digest + " " + kSig);
      EXPECT_NE(error.find("32"), std::string::npos) << error;
    }
    add_one(chunk, std::string(scheme) + " " + kKey33 + " " + kDigest + " " + kSig);
  }
  // Other schemes take messages of any length.
  for (const char* scheme : {"schnorr", "ed25519-strict", "ed25519"}) {
    for (size_t len : {0u, 1u, 31u, 33u, 64u, 1000u}) {
      const std::string msg = len ? std::string(2 * len, '5') : "-";
      Check c = add_one(chunk, std::string(scheme) + " " + std::string(64, 'b') + " " + msg + " " + std::string(128, 'c'));
      EXPECT_EQ(c.message.size(), len);
    }
  }
}

TEST(CheckChunk, WrongKeyOrSignatureLengthIsAnInvalidCheck) {
  CheckChunk chunk;
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed, GeneratorOptions{true});
  std::vector<std::string> lines;
  for (Scheme s : kAllSchemes) {
    GenCheck g = gen.valid(s);
    ASSERT_TRUE(g.oracle);
    GenCheck k = g, sg = g;
    k.key.push_back(0x01);  // one byte too many
    sg.sig.pop_back();      // one byte short
    lines.push_back(check_line(k));
    lines.push_back(check_line(sg));
    GenCheck e = g;
    e.key.clear();
    lines.push_back(check_line(e));
    lines.push_back(check_line(g));  // the untouched check
  }
  for (const auto& line : lines) add_one(chunk, line);
  CpuVerifier verifier(CpuVerifierOptions{2});
  std::vector<uint8_t> verdicts(chunk.size(), 0xee);
  ASSERT_TRUE(verifier.verify(chunk.checks(), verdicts).ok());
  for (size_t i = 0; i < verdicts.size(); ++i) {
    const bool untouched = i % 4 == 3;
    EXPECT_EQ(verdicts[i], untouched ? 1 : 0) << lines[i];
    EXPECT_EQ(verify_check(chunk.checks()[i]), untouched) << lines[i];
  }
}

TEST(CheckChunk, UpperCaseHex) {
  CheckChunk chunk;
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed, GeneratorOptions{true});
  for (Scheme s : kAllSchemes) {
    GenCheck g = gen.valid(s);
    std::string line = check_line(g);
    const size_t sp = line.find(' ');
    std::transform(line.begin() + static_cast<std::ptrdiff_t>(sp), line.end(), line.begin() + static_cast<std::ptrdiff_t>(sp),
                   [](char ch) { return static_cast<char>(std::toupper(static_cast<unsigned char>(ch))); });
    Check c = add_one(chunk, line);
    EXPECT_EQ(bytes_of(c.public_key), g.key);
    EXPECT_TRUE(verify_check(c)) << line;
  }
}

// A rejected line leaves the chunk as it was: the checks before it keep
// their bytes, and later lines parse normally.
TEST(CheckChunk, RejectedLineLeavesTheChunkIntact) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed, GeneratorOptions{true});
  CheckChunk chunk;
  std::vector<GenCheck> accepted;
  const std::string bad_lines[] = {
      "ecdsa " + kKey33 + " " + kDigest + " 30zz",                    // bad hex in the last field
      "ecdsa " + kKey33 + " " + std::string(62, '1') + " " + kSig,    // 31-byte digest after the key was stored
      "schnorr " + std::string(64, 'b') + " 0011 abc",                // odd signature
      "schnorr " + std::string(64, 'b') + " 0011",                    // 3 fields
      "nope " + kKey33 + " " + kDigest + " " + kSig,                  // unknown scheme
  };
  for (int round = 0; round < 200; ++round) {
    GenCheck g = gen.next(kAllSchemes[static_cast<size_t>(round) % std::size(kAllSchemes)]);
    add_one(chunk, check_line(g));
    accepted.push_back(std::move(g));
    add_bad(chunk, bad_lines[static_cast<size_t>(round) % std::size(bad_lines)]);
  }
  ASSERT_EQ(chunk.size(), accepted.size());
  const auto& checks = chunk.checks();
  std::vector<uint8_t> verdicts(checks.size());
  CpuVerifier verifier(CpuVerifierOptions{2});
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  for (size_t i = 0; i < accepted.size(); ++i) {
    EXPECT_EQ(checks[i].scheme, accepted[i].scheme) << i;
    EXPECT_EQ(bytes_of(checks[i].public_key), accepted[i].key) << i;
    EXPECT_EQ(bytes_of(checks[i].message), accepted[i].msg) << i;
    EXPECT_EQ(bytes_of(checks[i].signature), accepted[i].sig) << i;
    EXPECT_EQ(verdicts[i] == 1, accepted[i].oracle) << check_line(accepted[i]);
  }
}

// Many lines (the arena reallocates many times), checks() read between adds,
// then clear() and reuse.
TEST(CheckChunk, ManyLinesClearAndReuse) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed, GeneratorOptions{true});
  CheckChunk chunk;
  CpuVerifier verifier(CpuVerifierOptions{0});
  for (int round = 0; round < 3; ++round) {
    std::vector<GenCheck> gs;
    const size_t n = 500 + gen.rng()() % 1500;
    for (size_t i = 0; i < n; ++i) {
      gs.push_back(gen.next(kAllSchemes[gen.rng()() % std::size(kAllSchemes)]));
      add_one(chunk, check_line(gs.back()));
      if (i % 97 == 0) {
        ASSERT_EQ(chunk.checks().size(), i + 1);  // read while growing
        EXPECT_EQ(bytes_of(chunk.checks()[i].signature), gs[i].sig);
      }
    }
    ASSERT_EQ(chunk.size(), n);
    const auto& checks = chunk.checks();
    ASSERT_EQ(checks.size(), n);
    std::vector<uint8_t> verdicts(n);
    ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(bytes_of(checks[i].public_key), gs[i].key) << i;
      ASSERT_EQ(bytes_of(checks[i].message), gs[i].msg) << i;
      ASSERT_EQ(bytes_of(checks[i].signature), gs[i].sig) << i;
      EXPECT_EQ(verdicts[i] == 1, gs[i].oracle) << check_line(gs[i]);
    }
    chunk.clear();
    EXPECT_EQ(chunk.size(), 0u);
    EXPECT_TRUE(chunk.checks().empty());
  }
}

}  // namespace
}  // namespace vigil::cli
