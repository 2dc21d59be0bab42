// Sanity checks of the oracle itself (it decides every other differential
// test): published vectors, hand-made lax-DER inputs, the Ed25519 torsion
// encodings the generator uses, and the generator's intent.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "differential/generator.hpp"
#include "differential/oracle.hpp"
#include "util/test_util.hpp"

namespace vigil::difftest {
namespace {

Bytes sha256_of(const Bytes& m) {
  Bytes out(32);
  SHA256(m.data(), m.size(), out.data());
  return out;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) out.push_back(f);
  return out;
}

TEST(Oracle, Bip340Vectors) {
  std::stringstream in(test::read_text(test::data_path("bips/bip-0340/test-vectors.csv")));
  std::string line;
  std::getline(in, line);  // header
  size_t n = 0, valid = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto f = split_csv(line);
    ASSERT_GE(f.size(), 7u) << line;
    Bytes key = test::hex(f[2]), msg = test::hex(f[4]), sig = test::hex(f[5]);
    const bool expected = f[6] == "TRUE";
    EXPECT_EQ(oracle_verify(Scheme::kSchnorr, key, msg, sig), expected) << "vector " << f[0];
    ++n;
    valid += expected;
  }
  EXPECT_GE(n, 15u);
  EXPECT_GT(valid, 0u);
  EXPECT_LT(valid, n);
}

TEST(Oracle, WycheproofEcdsaSecp256k1) {
  auto doc = nlohmann::json::parse(test::read_text(test::data_path("wycheproof/ecdsa_secp256k1_sha256_test.json")));
  size_t n = 0, valid = 0;
  for (const auto& group : doc["testGroups"]) {
    Bytes key = test::hex(group["publicKey"]["uncompressed"].get<std::string>());
    for (const auto& t : group["tests"]) {
      const std::string result = t["result"];
      if (result == "acceptable") continue;
      Bytes digest = sha256_of(test::hex(t["msg"].get<std::string>()));
      Bytes sig = test::hex(t["sig"].get<std::string>());
      // X9.62 semantics: any S.
      EXPECT_EQ(oracle_verify(Scheme::kEcdsa, key, digest, sig), result == "valid")
          << "tcId " << t["tcId"] << " " << t["comment"];
      ++n;
      valid += result == "valid";
    }
  }
  EXPECT_GT(n, 400u);
  EXPECT_GT(valid, 100u);
}

TEST(Oracle, WycheproofEd25519) {
  auto doc = nlohmann::json::parse(test::read_text(test::data_path("wycheproof/ed25519_test.json")));
  size_t n = 0, valid = 0;
  for (const auto& group : doc["testGroups"]) {
    Bytes key = test::hex(group["publicKey"]["pk"].get<std::string>());
    for (const auto& t : group["tests"]) {
      const std::string result = t["result"];
      if (result == "acceptable") continue;
      Bytes msg = test::hex(t["msg"].get<std::string>()), sig = test::hex(t["sig"].get<std::string>());
      EXPECT_EQ(oracle_verify(Scheme::kEd25519Strict, key, msg, sig), result == "valid")
          << "tcId " << t["tcId"] << " " << t["comment"];
      ++n;
      valid += result == "valid";
    }
  }
  EXPECT_GT(n, 100u);
  EXPECT_GT(valid, 50u);
}

// The lax parser on inputs whose outcome follows from its definition.
TEST(Oracle, LaxDerHandMade) {
  struct Case {
    const char* hex;
    bool ok;
    const char* compact;  // r||s, or nullptr for (0, 0)
  };
  const std::string r1 = std::string(62, '0') + "01", s2 = std::string(62, '0') + "02";
  const std::string one_two = r1 + s2;
  const Case cases[] = {
      {"", false, nullptr},
      {"30", false, nullptr},
      {"3006", false, nullptr},
      {"3006020101020102", true, "x"},
      {"30ff020101020102", false, nullptr},        // long form: 127 length bytes do not fit
      {"3000020101020102", true, "x"},             // short sequence length ignored
      {"3080020101020102", true, "x"},             // 0x80: no length bytes
      {"308100020101020102", true, "x"},           // one length byte skipped
      {"30060281010102010200", true, "x"},         // long-form r length, trailing byte
      {"3006028400000001010201020000", true, "x"}, // zero length bytes skipped
      {"300602840100000101020102", false, nullptr},// 4 significant length bytes
      {"30060202000102020002", true, "x"},         // zero padding stripped
      {"3006020101020102deadbeef", true, "x"},     // trailing garbage
      {"3006020101030102", false, nullptr},        // wrong s tag
      {"3006030101020102", false, nullptr},        // wrong r tag
      {"3106020101020102", false, nullptr},        // wrong sequence tag
      {"30060201010201", false, nullptr},          // s length byte missing
      {"3006020101020202", false, nullptr},        // s length does not fit
      {"30060205010201020102", false, nullptr},    // r length swallows s
      {"30060200020102", true, "r0"},              // empty r: r = 0 parses (0, 2)
  };
  for (const Case& c : cases) {
    const std::string h = c.hex;
    Bytes in = test::hex(h);
    secp256k1_ecdsa_signature sig;
    std::memset(&sig, 0x5a, sizeof sig);
    const bool ok = oracle_parse_der_lax(in, &sig);
    EXPECT_EQ(ok, c.ok) << h;
    uint8_t compact[64];
    secp256k1_ecdsa_signature_serialize_compact(oracle_context(), compact, &sig);
    std::string want = std::string(128, '0');
    if (c.compact && std::string(c.compact) == "x") want = one_two;
    if (c.compact && std::string(c.compact) == "r0") want = std::string(64, '0') + s2;
    EXPECT_EQ(hex_of(compact), want) << h;
  }
  // Over 32 significant bytes, or r >= n: (0, 0) but parsed.
  Bytes big = test::hex("3026022101" + std::string(64, '1') + "020102");
  secp256k1_ecdsa_signature sig;
  EXPECT_TRUE(oracle_parse_der_lax(big, &sig));
  uint8_t compact[64];
  secp256k1_ecdsa_signature_serialize_compact(oracle_context(), compact, &sig);
  EXPECT_EQ(hex_of(compact), std::string(128, '0'));
  Bytes n_r = test::hex("3026022100fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141020102");
  EXPECT_TRUE(oracle_parse_der_lax(n_r, &sig));
  secp256k1_ecdsa_signature_serialize_compact(oracle_context(), compact, &sig);
  EXPECT_EQ(hex_of(compact), std::string(128, '0'));
  // n - 1 is still a scalar.
  Bytes nm1 = test::hex("3026022100fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140020102");
  EXPECT_TRUE(oracle_parse_der_lax(nm1, &sig));
  secp256k1_ecdsa_signature_serialize_compact(oracle_context(), compact, &sig);
  EXPECT_EQ(hex_of(compact), "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140" + s2);
}

// The torsion encodings the generator uses really are the points of order
// 1, 2, 4, 4, 8, 8, 8, 8 (doubling with libsodium's point addition).
TEST(Oracle, Ed25519TorsionEncodings) {
  ASSERT_GE(sodium_init(), 0);
  const char* canonical[] = {
      "0100000000000000000000000000000000000000000000000000000000000000",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0000000000000000000000000000000000000000000000000000000000000080",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
      "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
      "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
  };
  const int orders[] = {1, 2, 4, 4, 8, 8, 8, 8};
  const Bytes identity = test::hex(canonical[0]);
  for (size_t i = 0; i < 8; ++i) {
    Bytes p = test::hex(canonical[i]);
    int order = 1;
    while (p != identity && order <= 8) {
      Bytes doubled(32);
      ASSERT_EQ(crypto_core_ed25519_add(doubled.data(), p.data(), p.data()), 0) << canonical[i];
      p = doubled;
      order *= 2;
    }
    EXPECT_EQ(order, orders[i]) << canonical[i];
  }
}

// Every intent the generator states is what the oracle computes, and the
// generator's valid signatures are valid.
TEST(Oracle, AgreesWithGeneratorIntent) {
  const uint64_t seed = test::test_seed();
  SCOPED_TRACE(::testing::Message() << "VIGIL_TEST_SEED=" << seed);
  Generator gen(seed);
  for (Scheme scheme : kAllSchemes) {
    for (Cls cls : classes_of(scheme)) {
      size_t valid = 0, invalid = 0;
      for (int i = 0; i < 60; ++i) {
        GenCheck c = gen.make(scheme, cls);
        EXPECT_EQ(c.oracle, oracle_verify(c.scheme, c.key, c.msg, c.sig));
        if (c.expect != Expect::kAny) {
          EXPECT_EQ(c.oracle, c.expect == Expect::kValid)
              << scheme_label(scheme) << " " << class_name(cls) << ": " << c.variant << "\n" << check_line(c);
        }
        (c.oracle ? valid : invalid)++;
      }
      if (cls == Cls::kValid) {
        EXPECT_EQ(invalid, 0u) << scheme_label(scheme);
      } else {
        EXPECT_GT(invalid, 0u) << scheme_label(scheme) << " " << class_name(cls);
      }
    }
  }
}

}  // namespace
}  // namespace vigil::difftest
