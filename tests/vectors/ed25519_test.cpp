// Ed25519 vectors through both rule sets: RFC 8032 + SUPERCOP as in ring's
// ed25519_tests.txt, ring's ed25519_verify_tests.txt (S >= L), SUPERCOP's
// sign.input, Wycheproof.
//   ed25519-strict: against each file's verdict and libsodium's
//     crypto_sign_verify_detached called directly (the oracle of this rule
//     set), through verify_check (libsodium) and through the GPU kernel's code
//     run on the host (verify_ed25519_on_host).
//   ed25519 (ZIP-215): against each file's verdict where ZIP-215 agrees with
//     it (listed exceptions below, each with the rule that decides it),
//     through verify_check and the kernel path.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ed25519_prepare.hpp"
#include "vectors/vector_files.hpp"
#include "verify/ed25519_zip215.hpp"
#include "vigil/verify.hpp"

namespace vigil::test::vectors {
namespace {

struct EdCase {
  std::string id;
  Bytes key, msg, sig;
  bool expected = false;  // the file's verdict
  int wycheproof_tc = 0;  // 0 for the other files
};

// Wycheproof cases where libsodium 1.0.18 (the definition of ed25519-strict)
// disagrees with the file's verdict. For these the libsodium verdict is the
// expected one; the test also checks that the file still says the opposite,
// so that this list cannot go stale. With this copy of the file
// (C2SP/wycheproof @ dac1dd47) there is none: libsodium 1.0.18 gives the
// file's verdict on all 151 cases (S >= L, s + 2^k, modified bits of R, R = 0,
// wrong signature lengths...), and every case is checked against the file.
struct SodiumException {
  int tc_id;
  bool sodium_verdict;
  const char* why;
};
const std::vector<SodiumException> kWycheproofSodiumExceptions = {
};

// Wycheproof cases whose ZIP-215 verdict differs from the file's (which
// follows RFC 8032's decoding). The test checks that the file still says the
// opposite, so the list cannot go stale.
const std::vector<SodiumException> kWycheproofZip215Exceptions = {
    {151, true,
     "R encodes y = 1 with the sign bit set: ZIP-215 decodes it as curve25519-dalek does, x = 0 (the "
     "identity), and the cofactored equation holds"},
};

void init_sodium() { ASSERT_GE(sodium_init(), 0); }

// libsodium directly. Its API takes a 32-byte key and a 64-byte signature by
// pointer, so inputs of other lengths are invalid before it is called.
bool sodium_verify(const EdCase& c) {
  return c.key.size() == crypto_sign_PUBLICKEYBYTES && c.sig.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(c.sig.data(), c.msg.data(), c.msg.size(), c.key.data()) == 0;
}

std::vector<EdCase> load_ring_tests() {
  std::vector<EdCase> out;
  for (const Record& r : parse_records(read_text(data_path("ed25519/ring/ed25519_tests.txt")))) {
    EdCase c;
    c.id = "ring ed25519_tests.txt line " + std::to_string(r.line);
    c.key = hex(r.at("PUB"));
    c.msg = hex(r.at("MESSAGE"));
    c.sig = hex(r.at("SIG"));
    c.expected = true;
    // libsodium derives the same key pair from the seed and makes the same
    // (deterministic) signature.
    Bytes seed = hex(r.at("SEED"));
    EXPECT_EQ(seed.size(), 32u) << c.id;
    if (seed.size() == 32) {
      uint8_t pk[32], sk[64], sig[64];
      EXPECT_EQ(crypto_sign_seed_keypair(pk, sk, seed.data()), 0);
      EXPECT_EQ(to_hex(ByteView(pk, 32)), to_hex(c.key)) << c.id << ": libsodium's public key";
      EXPECT_EQ(crypto_sign_detached(sig, nullptr, c.msg.data(), c.msg.size(), sk), 0);
      EXPECT_EQ(to_hex(ByteView(sig, 64)), to_hex(c.sig)) << c.id << ": libsodium's signature";
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<EdCase> load_ring_verify_tests() {
  std::vector<EdCase> out;
  for (const Record& r : parse_records(read_text(data_path("ed25519/ring/ed25519_verify_tests.txt")))) {
    EdCase c;
    c.id = "ring ed25519_verify_tests.txt line " + std::to_string(r.line);
    c.key = hex(r.at("PUB"));
    c.msg = hex(r.at("MESSAGE"));
    c.sig = hex(r.at("SIG"));
    const std::string& result = r.at("Result");
    EXPECT_TRUE(result == "P" || result == "F") << c.id;
    c.expected = result == "P";
    out.push_back(std::move(c));
  }
  return out;
}

// SUPERCOP sign.input: "sk||pk : pk : msg : sig||msg :" per line, all valid.
std::vector<EdCase> load_supercop() {
  std::vector<EdCase> out;
  std::vector<std::string> lines = split_lines(read_gzip(data_path("ed25519/supercop-sign-input/sign.input.gz")));
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::vector<std::string> f = split(lines[i], ':');
    EdCase c;
    c.id = "SUPERCOP sign.input line " + std::to_string(i + 1);
    EXPECT_EQ(f.size(), 5u) << c.id;
    if (f.size() != 5) continue;
    Bytes skpk = hex(f[0]);
    c.key = hex(f[1]);
    c.msg = hex(f[2]);
    Bytes sigmsg = hex(f[3]);
    EXPECT_TRUE(f[4].empty()) << c.id;
    EXPECT_EQ(skpk.size(), 64u) << c.id;
    EXPECT_EQ(sigmsg.size(), 64 + c.msg.size()) << c.id;
    if (skpk.size() != 64 || sigmsg.size() != 64 + c.msg.size()) continue;
    EXPECT_TRUE(std::equal(skpk.begin() + 32, skpk.end(), c.key.begin(), c.key.end())) << c.id;
    EXPECT_TRUE(std::equal(sigmsg.begin() + 64, sigmsg.end(), c.msg.begin(), c.msg.end())) << c.id;
    c.sig.assign(sigmsg.begin(), sigmsg.begin() + 64);
    c.expected = true;
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<EdCase> load_wycheproof() {
  std::vector<EdCase> out;
  auto j = nlohmann::json::parse(read_text(data_path("wycheproof/ed25519_test.json")));
  EXPECT_EQ(j.at("algorithm"), "EDDSA");
  EXPECT_EQ(j.at("schema"), "eddsa_verify_schema_v1.json");
  for (const auto& g : j.at("testGroups")) {
    EXPECT_EQ(g.at("publicKey").at("curve"), "edwards25519");
    Bytes key = hex(g.at("publicKey").at("pk").get<std::string>());
    for (const auto& t : g.at("tests")) {
      EdCase c;
      c.wycheproof_tc = t.at("tcId").get<int>();
      std::string result = t.at("result").get<std::string>();
      c.id = "Wycheproof ed25519 tcId " + std::to_string(c.wycheproof_tc) + " (" + result + ", " +
             t.at("comment").get<std::string>() + ", flags " + t.at("flags").dump() + ")";
      // This file has no "acceptable" verdicts.
      EXPECT_TRUE(result == "valid" || result == "invalid") << c.id;
      c.expected = result == "valid";
      c.key = key;
      c.msg = hex(t.at("msg").get<std::string>());
      c.sig = hex(t.at("sig").get<std::string>());
      out.push_back(std::move(c));
    }
  }
  EXPECT_EQ(out.size(), j.at("numberOfTests").get<size_t>());
  return out;
}

Check check_of(const EdCase& c, const ParsedPublicKey* parsed = nullptr, Scheme scheme = Scheme::kEd25519Strict) {
  return Check{scheme, c.key, c.msg, c.sig, parsed};
}

const SodiumException* exception_for(const EdCase& c, const std::vector<SodiumException>& list) {
  for (const SodiumException& e : list) {
    if (c.wycheproof_tc != 0 && e.tc_id == c.wycheproof_tc) return &e;
  }
  return nullptr;
}

// Ours vs libsodium vs the file, for every case of one file, under both rule
// sets; also through a pre-parsed key.
void check_file(const std::vector<EdCase>& cases) {
  for (const EdCase& c : cases) {
    bool expected = c.expected;
    bool ref = sodium_verify(c);
    const SodiumException* exc = exception_for(c, kWycheproofSodiumExceptions);
    if (exc) {
      EXPECT_NE(exc->sodium_verdict, c.expected) << c.id << ": listed as an exception but the file agrees";
      expected = exc->sodium_verdict;
    }
    EXPECT_EQ(ref, expected) << c.id << ": libsodium direct vs the file" << (exc ? " (listed exception)" : "");
    bool ours = verify_check(check_of(c));
    EXPECT_EQ(ours, expected) << c.id << ": ours vs the file" << (exc ? " (listed exception)" : "");
    EXPECT_EQ(ours, ref) << c.id << ": ours vs libsodium direct";
    EXPECT_EQ(verify_ed25519_on_host(check_of(c)), ref) << c.id << ": the kernel's strict rules vs libsodium direct";
    ParsedPublicKey parsed;
    ASSERT_EQ(parse_public_key(Scheme::kEd25519Strict, c.key, &parsed), c.key.size() == 32) << c.id;
    if (c.key.size() == 32) {
      EXPECT_EQ(verify_check(check_of(c, &parsed)), ref) << c.id << " with a pre-parsed key";
    }

    // ZIP-215.
    bool zip_expected = c.expected;
    const SodiumException* zexc = exception_for(c, kWycheproofZip215Exceptions);
    if (zexc) {
      EXPECT_NE(zexc->sodium_verdict, c.expected) << c.id << ": listed as a ZIP-215 exception but the file agrees";
      zip_expected = zexc->sodium_verdict;
    }
    // Whatever libsodium accepts, ZIP-215 accepts (it only adds encodings and the cofactor).
    if (ref) {
      EXPECT_TRUE(zip_expected) << c.id << ": strict-valid but expected ZIP-215-invalid";
    }
    EXPECT_EQ(verify_check(check_of(c, nullptr, Scheme::kEd25519)), zip_expected) << c.id << ": ZIP-215 vs the file";
    EXPECT_EQ(verify_ed25519_on_host(check_of(c, nullptr, Scheme::kEd25519)), zip_expected)
        << c.id << ": the kernel's ZIP-215 rules vs the file";
    if (c.key.size() == 32) {
      EXPECT_EQ(verify_check(check_of(c, &parsed, Scheme::kEd25519)), zip_expected) << c.id << " ZIP-215, pre-parsed key";
    }
  }
}

TEST(Ed25519Vectors, RingRfc8032AndSupercop) {
  init_sodium();
  std::vector<EdCase> cases = load_ring_tests();
  EXPECT_EQ(cases.size(), 514u);
  check_file(cases);
}

TEST(Ed25519Vectors, RingVerifyTestsRejectSAtLeastL) {
  init_sodium();
  std::vector<EdCase> cases = load_ring_verify_tests();
  ASSERT_EQ(cases.size(), 5u);
  size_t rejected = 0;
  for (const EdCase& c : cases) rejected += !c.expected;
  EXPECT_EQ(rejected, 2u);  // the two S >= L cases
  check_file(cases);
}

TEST(Ed25519Vectors, SupercopSignInput) {
  init_sodium();
  std::vector<EdCase> cases = load_supercop();
  EXPECT_EQ(cases.size(), 1024u);
  check_file(cases);
}

TEST(Ed25519Vectors, Wycheproof) {
  init_sodium();
  std::vector<EdCase> cases = load_wycheproof();
  EXPECT_EQ(cases.size(), 151u);
  // Every listed exception names a case of the file.
  for (const SodiumException& e : kWycheproofSodiumExceptions) {
    bool found = false;
    for (const EdCase& c : cases) found = found || c.wycheproof_tc == e.tc_id;
    EXPECT_TRUE(found) << "exception tcId " << e.tc_id << " is not in the file";
  }
  check_file(cases);
}

std::vector<EdCase> load_all() {
  std::vector<EdCase> all;
  for (auto&& part : {load_ring_tests(), load_ring_verify_tests(), load_supercop(), load_wycheproof()}) {
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

// One bit flipped at random in the message, the signature or the key of each
// valid vector. The verdict equals libsodium's, and is 0: a valid signature
// after a one-bit change would be a forgery.
std::vector<EdCase> corrupted_copies(const std::vector<EdCase>& all, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<EdCase> out;
  for (const EdCase& c : all) {
    if (!c.expected) continue;
    EdCase bad = c;
    bad.expected = false;
    bad.wycheproof_tc = 0;
    // Which field: 0 = message (only when there is one), 1 = signature, 2 = key.
    int field = static_cast<int>(std::uniform_int_distribution<int>(c.msg.empty() ? 1 : 0, 2)(rng));
    Bytes& target = field == 0 ? bad.msg : field == 1 ? bad.sig : bad.key;
    size_t bit = std::uniform_int_distribution<size_t>(0, target.size() * 8 - 1)(rng);
    target[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    bad.id = c.id + " with bit " + std::to_string(bit) + " of its " +
             (field == 0 ? "message" : field == 1 ? "signature" : "key") + " flipped";
    out.push_back(std::move(bad));
  }
  return out;
}

TEST(Ed25519Vectors, CorruptedCopiesAgreeWithLibsodium) {
  init_sodium();
  uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::vector<EdCase> bad = corrupted_copies(load_all(), seed);
  EXPECT_GT(bad.size(), 1600u);
  for (const EdCase& c : bad) {
    bool ref = sodium_verify(c);
    EXPECT_FALSE(ref) << c.id << ": libsodium accepts it";
    EXPECT_EQ(verify_check(check_of(c)), ref) << c.id << ": ours vs libsodium direct";
  }
}

// Every case of the four files and a corrupted copy of each valid one.
std::vector<EdCase> all_and_corrupted(uint64_t seed) {
  std::vector<EdCase> all = load_all();
  std::vector<EdCase> bad = corrupted_copies(all, seed);
  all.insert(all.end(), bad.begin(), bad.end());
  return all;
}

// Every case of the four files and every corrupted copy in one CpuVerifier
// batch: the verdicts equal the single-check ones.
TEST(Ed25519Vectors, OneCpuVerifierBatch) {
  init_sodium();
  uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::vector<EdCase> all = all_and_corrupted(seed);
  std::vector<Check> checks;
  for (const EdCase& c : all) checks.push_back(check_of(c));
  CpuVerifier verifier(CpuVerifierOptions{3});
  std::vector<uint8_t> verdicts(checks.size(), 0xEE);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  size_t ones = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    EXPECT_EQ(verdicts[i], verify_check(checks[i]) ? 1 : 0) << all[i].id << " at batch index " << i;
    EXPECT_EQ(verdicts[i], sodium_verify(all[i]) ? 1 : 0) << all[i].id << " at batch index " << i;
    ones += verdicts[i] == 1;
  }
  EXPECT_GT(ones, 0u);
  EXPECT_LT(ones, checks.size());
}

// The same cases and corrupted copies under ZIP-215, in batches of 1 to 200
// through the batch equation (zip215_verify_batch_var) and through
// CpuVerifier: every verdict equals the kernel path's single check.
TEST(Ed25519Vectors, Zip215BatchesEqualSingleChecks) {
  init_sodium();
  uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::vector<EdCase> all = all_and_corrupted(seed);
  std::shuffle(all.begin(), all.end(), std::mt19937_64(seed));
  std::vector<Check> checks;
  std::vector<uint8_t> single;
  for (const EdCase& c : all) {
    checks.push_back(check_of(c, nullptr, Scheme::kEd25519));
    single.push_back(verify_ed25519_on_host(checks.back()) ? 1 : 0);
  }
  std::mt19937_64 rng(seed);
  for (size_t at = 0; at < checks.size();) {
    const size_t len = std::min<size_t>(checks.size() - at, 1 + rng() % 200);
    std::vector<cpu::Zip215Input> inputs;
    for (size_t i = at; i < at + len; ++i) inputs.push_back(cpu::zip215_input_of(checks[i]));
    std::vector<uint8_t> got(len, 0xEE);
    cpu::zip215_verify_batch_var(inputs, got);
    for (size_t i = 0; i < len; ++i) EXPECT_EQ(got[i], single[at + i]) << all[at + i].id << " in a batch of " << len;
    at += len;
  }
  CpuVerifier verifier(CpuVerifierOptions{2});
  std::vector<uint8_t> verdicts(checks.size(), 0xEE);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  EXPECT_EQ(verdicts, single);
}

}  // namespace
}  // namespace vigil::test::vectors
