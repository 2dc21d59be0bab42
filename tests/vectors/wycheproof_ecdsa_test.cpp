// Wycheproof ECDSA secp256k1 / SHA-256 (testvectors_v1/ecdsa_secp256k1_sha256_test.json)
// through the three ecdsa schemes, checked against the file's verdicts and
// against libsecp256k1 called directly.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <secp256k1.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "secp_prepare.hpp"
#include "vectors/vector_files.hpp"
#include "verify/backends.hpp"
#include "vigil/verify.hpp"

namespace vigil::test::vectors {
namespace {

struct EcdsaGroup {
  Bytes uncompressed, compressed, hybrid;  // the same key in its three encodings
  secp256k1_pubkey key{};
};

struct EcdsaCase {
  int tc_id = 0;
  std::string result;  // "valid", "invalid" or "acceptable"
  std::string comment;
  std::string flags;
  size_t group = 0;
  Bytes msg, digest, sig;

  std::string id() const {
    return "Wycheproof ecdsa_secp256k1_sha256 tcId " + std::to_string(tc_id) + " (" + result + ", " + comment +
           ", flags " + flags + ")";
  }
};

struct EcdsaFile {
  std::vector<EcdsaGroup> groups;
  std::vector<EcdsaCase> cases;
};

Bytes sha256_openssl(const Bytes& msg) {
  Bytes out(32);
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(msg.data(), msg.size(), out.data(), &len, EVP_sha256(), nullptr), 1);
  return out;
}

EcdsaFile load(const secp256k1_context* ctx) {
  EcdsaFile f;
  auto j = nlohmann::json::parse(read_text(data_path("wycheproof/ecdsa_secp256k1_sha256_test.json")));
  EXPECT_EQ(j.at("algorithm"), "ECDSA");
  EXPECT_EQ(j.at("schema"), "ecdsa_verify_schema_v1.json");
  for (const auto& g : j.at("testGroups")) {
    EXPECT_EQ(g.at("publicKey").at("curve"), "secp256k1");
    EXPECT_EQ(g.at("sha"), "SHA-256");
    EcdsaGroup group;
    group.uncompressed = hex(g.at("publicKey").at("uncompressed").get<std::string>());
    EXPECT_EQ(secp256k1_ec_pubkey_parse(ctx, &group.key, group.uncompressed.data(), group.uncompressed.size()), 1)
        << "group key " << to_hex(group.uncompressed);
    group.compressed.resize(33);
    size_t len = 33;
    EXPECT_EQ(secp256k1_ec_pubkey_serialize(ctx, group.compressed.data(), &len, &group.key, SECP256K1_EC_COMPRESSED), 1);
    EXPECT_EQ(len, 33u);
    // Hybrid encoding: the uncompressed one with prefix 0x06 | parity of y.
    group.hybrid = group.uncompressed;
    group.hybrid[0] = static_cast<uint8_t>(0x06 | (group.uncompressed[64] & 1));
    size_t gi = f.groups.size();
    f.groups.push_back(std::move(group));
    for (const auto& t : g.at("tests")) {
      EcdsaCase c;
      c.tc_id = t.at("tcId").get<int>();
      c.result = t.at("result").get<std::string>();
      c.comment = t.at("comment").get<std::string>();
      c.flags = t.at("flags").dump();
      c.group = gi;
      c.msg = hex(t.at("msg").get<std::string>());
      c.digest = sha256_openssl(c.msg);
      c.sig = hex(t.at("sig").get<std::string>());
      f.cases.push_back(std::move(c));
    }
  }
  EXPECT_EQ(f.cases.size(), j.at("numberOfTests").get<size_t>());
  return f;
}

// --- libsecp256k1 called directly -------------------------------------------

bool ref_parse_strict(const secp256k1_context* ctx, const Bytes& der, secp256k1_ecdsa_signature* sig) {
  return secp256k1_ecdsa_signature_parse_der(ctx, sig, nonnull(der).data(), der.size()) == 1;
}

// "ecdsa": strict DER, S normalized, verified.
bool ref_ecdsa_any_s(const secp256k1_context* ctx, const secp256k1_pubkey& key, const EcdsaCase& c) {
  secp256k1_ecdsa_signature sig;
  if (!ref_parse_strict(ctx, c.sig, &sig)) return false;
  secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
  return secp256k1_ecdsa_verify(ctx, &sig, c.digest.data(), &key) == 1;
}

// "ecdsa-lows": strict DER, verified as is (secp256k1_ecdsa_verify rejects high S).
bool ref_ecdsa_low_s(const secp256k1_context* ctx, const secp256k1_pubkey& key, const EcdsaCase& c) {
  secp256k1_ecdsa_signature sig;
  if (!ref_parse_strict(ctx, c.sig, &sig)) return false;
  return secp256k1_ecdsa_verify(ctx, &sig, c.digest.data(), &key) == 1;
}

std::string compact_hex(const secp256k1_context* ctx, const secp256k1_ecdsa_signature& sig) {
  uint8_t out[64];
  EXPECT_EQ(secp256k1_ecdsa_signature_serialize_compact(ctx, out, &sig), 1);
  return to_hex(ByteView(out, 64));
}

const Scheme kEcdsaSchemes[] = {Scheme::kEcdsa, Scheme::kEcdsaLowS, Scheme::kEcdsaBitcoin};

// The key forms a check can carry: three encodings, or a pre-parsed key.
enum class KeyForm { kUncompressed, kCompressed, kHybrid, kParsed };
const KeyForm kKeyForms[] = {KeyForm::kUncompressed, KeyForm::kCompressed, KeyForm::kHybrid, KeyForm::kParsed};
const char* key_form_name(KeyForm k) {
  switch (k) {
    case KeyForm::kUncompressed:
      return "uncompressed key";
    case KeyForm::kCompressed:
      return "compressed key";
    case KeyForm::kHybrid:
      return "hybrid key";
    case KeyForm::kParsed:
      return "pre-parsed key";
  }
  return "?";
}

class WycheproofEcdsa : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = make_secp_context();
    ASSERT_NE(ctx_, nullptr);
    file_ = load(ctx_.get());
    ASSERT_EQ(file_.cases.size(), 476u);
    parsed_.resize(file_.groups.size());
    for (size_t g = 0; g < file_.groups.size(); ++g) {
      // Parsed from the compressed form; parsing any of the three encodings
      // must give the same key.
      ASSERT_TRUE(parse_public_key(Scheme::kEcdsa, file_.groups[g].compressed, &parsed_[g])) << "group " << g;
      ASSERT_EQ(parsed_[g].family, ParsedPublicKey::Family::kSecp256k1Ecdsa);
    }
  }

  // The check for case `c` under `scheme` with its key in form `form`.
  Check make_check(const EcdsaCase& c, Scheme scheme, KeyForm form) const {
    const EcdsaGroup& g = file_.groups[c.group];
    Check check;
    check.scheme = scheme;
    check.message = c.digest;
    // nonnull(): tcId 21's signature is empty, and a null data pointer makes
    // the library abort (see EmptySignatureAsNullView below); here the
    // signature is passed as an empty view with a valid pointer.
    check.signature = nonnull(c.sig);
    switch (form) {
      case KeyForm::kUncompressed:
        check.public_key = g.uncompressed;
        break;
      case KeyForm::kCompressed:
        check.public_key = g.compressed;
        break;
      case KeyForm::kHybrid:
        check.public_key = g.hybrid;
        break;
      case KeyForm::kParsed:
        check.parsed_key = &parsed_[c.group];
        break;
    }
    return check;
  }

  SecpContext ctx_;
  EcdsaFile file_;
  std::vector<ParsedPublicKey> parsed_;
};

TEST_F(WycheproofEcdsa, KeyEncodingsParseToTheSameKey) {
  for (size_t g = 0; g < file_.groups.size(); ++g) {
    for (const Bytes* enc : {&file_.groups[g].uncompressed, &file_.groups[g].compressed, &file_.groups[g].hybrid}) {
      for (Scheme s : kEcdsaSchemes) {
        ParsedPublicKey p;
        ASSERT_TRUE(parse_public_key(s, *enc, &p)) << "group " << g << " key " << to_hex(*enc);
        EXPECT_EQ(p.family, ParsedPublicKey::Family::kSecp256k1Ecdsa);
        EXPECT_EQ(0, std::memcmp(p.data, parsed_[g].data, sizeof p.data)) << "group " << g << " key " << to_hex(*enc);
      }
    }
  }
}

TEST_F(WycheproofEcdsa, EcdsaStrictDerAnyS) {
  size_t valid = 0, invalid = 0, other = 0;
  for (const EcdsaCase& c : file_.cases) {
    const secp256k1_pubkey& key = file_.groups[c.group].key;
    bool ref = ref_ecdsa_any_s(ctx_.get(), key, c);
    if (c.result == "valid") {
      ++valid;
      EXPECT_TRUE(ref) << c.id() << ": libsecp256k1 direct rejects a valid case";
    } else if (c.result == "invalid") {
      ++invalid;
      EXPECT_FALSE(ref) << c.id() << ": libsecp256k1 direct accepts an invalid case";
    } else {
      ++other;
    }
    for (KeyForm form : kKeyForms) {
      bool ours = verify_check(make_check(c, Scheme::kEcdsa, form));
      EXPECT_EQ(ours, ref) << c.id() << ", " << key_form_name(form) << ": ours vs libsecp256k1 direct";
      if (c.result != "acceptable") {
        EXPECT_EQ(ours, c.result == "valid") << c.id() << ", " << key_form_name(form);
      }
    }
  }
  EXPECT_EQ(valid + invalid + other, 476u);
  EXPECT_GT(valid, 0u);
  EXPECT_GT(invalid, 0u);
}

TEST_F(WycheproofEcdsa, EcdsaLowSIsSecp256k1VerifyAsIs) {
  size_t accepted = 0, high_s_valid = 0;
  for (const EcdsaCase& c : file_.cases) {
    bool ref = ref_ecdsa_low_s(ctx_.get(), file_.groups[c.group].key, c);
    accepted += ref;
    // A case the file calls valid that secp256k1_ecdsa_verify rejects has a high S.
    if (c.result == "valid" && !ref) {
      ++high_s_valid;
      secp256k1_ecdsa_signature sig, low;
      ASSERT_TRUE(ref_parse_strict(ctx_.get(), c.sig, &sig)) << c.id();
      EXPECT_EQ(secp256k1_ecdsa_signature_normalize(ctx_.get(), &low, &sig), 1) << c.id() << " is not high-S";
    }
    for (KeyForm form : kKeyForms) {
      EXPECT_EQ(verify_check(make_check(c, Scheme::kEcdsaLowS, form)), ref)
          << c.id() << ", " << key_form_name(form) << ": ours vs secp256k1_ecdsa_verify direct";
    }
  }
  // The file has both low-S and high-S valid signatures, so both paths are used.
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(high_s_valid, 0u);
}

// ecdsa-bitcoin: Bitcoin Core's lax DER parser (ecdsa_signature_parse_der_lax),
// S normalized. The Wycheproof file judges encodings by DER, so the lax rules
// accept some of its "invalid" cases: exactly those below, each a re-encoding
// of tcId 7's valid signature (3045 02 21 00 813ef7.. 02 20 6ff18a..) that
// Bitcoin Core's parser reads back to the same (r, s). Every other case must
// get the file's verdict. The reasons, in Bitcoin Core's parser's terms:
//   seq-len   the sequence's length byte is not checked; a long-form length
//             (0x81..0xff) is skipped unread, indefinite (0x80) skips nothing
//   trailing  nothing after S is read
//   int-len   an integer's long-form length is read, leading zero bytes skipped
//   padding   leading zero bytes of r and s are dropped
//   unsigned  r and s are read as unsigned (no sign bit), so an r "missing"
//             its leading zero byte is read as the same positive number
// (Cases the lax parser cannot read, or reads to a different (r, s), such as
// tcIds 35, 79, 92, 125 and 134, stay invalid.)
struct LaxAccepted {
  int tc_id;
  const char* why;
};
const LaxAccepted kBitcoinCoreLaxAccepts[] = {
    {6, "unsigned: 02 20 813ef7.. (negative in DER)"},
    {8, "seq-len: 30 81 45"},
    {9, "seq-len: 30 82 0045"},
    {10, "seq-len: 30 46 (one too many)"},
    {11, "seq-len: 30 44 (one too few)"},
    {12, "seq-len: 30 85 0100000045"},
    {13, "seq-len: 30 89 010000000000000045"},
    {14, "seq-len: 30 84 7fffffff"},
    {15, "seq-len: 30 84 80000000"},
    {16, "seq-len: 30 84 ffffffff"},
    {17, "seq-len: 30 85 ffffffffff"},
    {18, "seq-len: 30 88 ffffffffffffffff"},
    {20, "seq-len: 30 80, no end-of-contents"},
    {23, "trailing: 0000 inside the sequence"},
    {25, "trailing: 0000 after the sequence"},
    {26, "trailing: 0500 inside the sequence"},
    {47, "seq-len + trailing: 30 82 1046, zero bytes after S"},
    {48, "seq-len + trailing: 30 80 ... 0000"},
    {49, "seq-len + trailing: 30 80 ... 00"},
    {50, "seq-len + trailing: 30 80 ... 05000000"},
    {51, "seq-len + trailing: 30 80 ... 060811220000"},
    {52, "seq-len + trailing: 30 80 ... 0000fe02beef"},
    {53, "seq-len + trailing: 30 80 ... 0002beef"},
    {55, "trailing: 3000"},
    {56, "trailing: 020100"},
    {57, "trailing: bf7f00"},
    {58, "trailing: a0020500"},
    {59, "trailing: a000"},
    {62, "trailing: S repeated"},
    {67, "int-len: r as 02 81 21"},
    {68, "int-len: r as 02 82 0021"},
    {84, "padding: r as 02 23 000000 813ef7.."},
    {113, "int-len: s as 02 81 20"},
    {114, "int-len: s as 02 82 0020"},
    {127, "padding: s as 02 22 0000 6ff18a.."},
};

// Besides the verdicts above: on every case the verdict equals libsecp256k1
// (normalize + verify) applied to what our lax parser made of the signature;
// wherever the strict parser reads a signature with nonzero r and s (a proper
// DER encoding of two positive integers below n), the lax parser reads the
// same (r, s); and every valid case is valid under all key forms.
TEST_F(WycheproofEcdsa, EcdsaBitcoin) {
  const EcdsaCase* tc7 = nullptr;
  for (const EcdsaCase& c : file_.cases) {
    if (c.tc_id == 7) tc7 = &c;
  }
  ASSERT_NE(tc7, nullptr);
  ASSERT_EQ(tc7->result, "valid");
  secp256k1_ecdsa_signature tc7_sig;
  ASSERT_TRUE(ref_parse_strict(ctx_.get(), tc7->sig, &tc7_sig));
  const std::string tc7_rs = compact_hex(ctx_.get(), tc7_sig);

  size_t compared_with_strict = 0, listed_seen = 0;
  for (const EcdsaCase& c : file_.cases) {
    const secp256k1_pubkey& key = file_.groups[c.group].key;
    const LaxAccepted* listed = nullptr;
    for (const LaxAccepted& l : kBitcoinCoreLaxAccepts) {
      if (l.tc_id == c.tc_id) listed = &l;
    }
    secp256k1_ecdsa_signature lax;
    bool lax_ok = cpu::parse_der_lax(nonnull(c.sig), &lax);
    bool ref = false;
    if (lax_ok) {
      secp256k1_ecdsa_signature norm;
      secp256k1_ecdsa_signature_normalize(ctx_.get(), &norm, &lax);
      ref = secp256k1_ecdsa_verify(ctx_.get(), &norm, c.digest.data(), &key) == 1;
    }
    if (listed) {
      ++listed_seen;
      EXPECT_EQ(c.result, "invalid") << c.id() << ": listed as accepted by the lax rules only";
      EXPECT_EQ(c.group, tc7->group) << c.id();
      EXPECT_EQ(c.digest, tc7->digest) << c.id();
      EXPECT_TRUE(lax_ok) << c.id() << " (" << listed->why << ")";
      if (lax_ok) {
        EXPECT_EQ(compact_hex(ctx_.get(), lax), tc7_rs) << c.id() << " (" << listed->why << ")";
      }
    }
    const bool expected = listed ? true : c.result == "valid";

    secp256k1_ecdsa_signature strict;
    if (ref_parse_strict(ctx_.get(), c.sig, &strict)) {
      uint8_t rs[64];
      secp256k1_ecdsa_signature_serialize_compact(ctx_.get(), rs, &strict);
      bool r_zero = std::all_of(rs, rs + 32, [](uint8_t b) { return b == 0; });
      bool s_zero = std::all_of(rs + 32, rs + 64, [](uint8_t b) { return b == 0; });
      if (!r_zero && !s_zero) {
        ++compared_with_strict;
        EXPECT_TRUE(lax_ok) << c.id();
        EXPECT_EQ(compact_hex(ctx_.get(), lax), to_hex(ByteView(rs, 64))) << c.id() << ": lax vs strict (r, s)";
      }
    }
    if (c.result != "acceptable" || listed) {
      EXPECT_EQ(ref, expected) << c.id() << ": lax parse + libsecp256k1 direct"
                               << (listed ? std::string(" (") + listed->why + ")" : "");
    }
    for (KeyForm form : kKeyForms) {
      bool ours = verify_check(make_check(c, Scheme::kEcdsaBitcoin, form));
      if (c.result != "acceptable" || listed) {
        EXPECT_EQ(ours, expected) << c.id() << ", " << key_form_name(form)
                                  << (listed ? std::string(" (") + listed->why + ")" : "");
      }
      EXPECT_EQ(ours, ref) << c.id() << ", " << key_form_name(form) << ": ours vs lax parse + libsecp256k1 direct";
    }
  }
  EXPECT_EQ(listed_seen, std::size(kBitcoinCoreLaxAccepts));
  EXPECT_GT(compared_with_strict, 168u);  // all valid cases and more
}

// Every case under all three schemes and four key forms in one CpuVerifier
// batch: the verdicts equal the single-check ones.
TEST_F(WycheproofEcdsa, OneCpuVerifierBatch) {
  std::vector<Check> checks;
  std::vector<std::string> ids;
  for (const EcdsaCase& c : file_.cases) {
    for (Scheme s : kEcdsaSchemes) {
      for (KeyForm form : kKeyForms) {
        checks.push_back(make_check(c, s, form));
        ids.push_back(c.id() + ", " + std::string(scheme_name(s)) + ", " + key_form_name(form));
      }
    }
  }
  CpuVerifier verifier(CpuVerifierOptions{3});
  std::vector<uint8_t> verdicts(checks.size(), 0xEE);
  ASSERT_TRUE(verifier.verify(checks, verdicts).ok());
  size_t ones = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    EXPECT_EQ(verdicts[i], verify_check(checks[i]) ? 1 : 0) << ids[i] << " at batch index " << i;
    ones += verdicts[i] == 1;
  }
  EXPECT_GT(ones, 0u);
  EXPECT_LT(ones, checks.size());
}

// Every case under all three schemes and four key forms through the GPU path
// run on the host (verify_secp_on_host: the CPU preparation of the wire
// format, then the kernels' math): the verdict of libsecp256k1 called
// directly under the scheme's rules (as in the tests above), which is the
// file's wherever the file decides, and the CPU path's.
TEST_F(WycheproofEcdsa, KernelPath) {
  size_t checks = 0, accepted = 0, file_decided = 0;
  for (const EcdsaCase& c : file_.cases) {
    const secp256k1_pubkey& key = file_.groups[c.group].key;
    bool listed = false;
    for (const LaxAccepted& l : kBitcoinCoreLaxAccepts) listed |= l.tc_id == c.tc_id;
    for (Scheme scheme : kEcdsaSchemes) {
      bool ref = false;
      if (scheme == Scheme::kEcdsa) {
        ref = ref_ecdsa_any_s(ctx_.get(), key, c);
      } else if (scheme == Scheme::kEcdsaLowS) {
        ref = ref_ecdsa_low_s(ctx_.get(), key, c);
      } else {
        secp256k1_ecdsa_signature lax;
        if (cpu::parse_der_lax(nonnull(c.sig), &lax)) {
          secp256k1_ecdsa_signature_normalize(ctx_.get(), &lax, &lax);
          ref = secp256k1_ecdsa_verify(ctx_.get(), &lax, c.digest.data(), &key) == 1;
        }
      }
      // The file's verdict, where it gives one for this scheme: any S
      // (ecdsa, ecdsa-bitcoin), the lax rules' extra acceptances listed above.
      const bool file_applies = c.result != "acceptable" && scheme != Scheme::kEcdsaLowS;
      const bool file_verdict = c.result == "valid" || (scheme == Scheme::kEcdsaBitcoin && listed);
      for (KeyForm form : kKeyForms) {
        const Check check = make_check(c, scheme, form);
        const bool kernel = verify_secp_on_host(check);
        ++checks;
        accepted += kernel;
        const std::string where = c.id() + ", " + std::string(scheme_name(scheme)) + ", " + key_form_name(form);
        EXPECT_EQ(kernel, ref) << where << ": kernel path vs libsecp256k1 direct";
        EXPECT_EQ(kernel, verify_check(check)) << where << ": kernel path vs CPU path";
        if (file_applies) {
          ++file_decided;
          EXPECT_EQ(kernel, file_verdict) << where << ": kernel path vs the file";
        }
      }
    }
  }
  EXPECT_EQ(checks, 476u * 3 * 4);
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(accepted, checks);
  EXPECT_GT(file_decided, checks / 2);
}

// tcId 21 has an empty signature. The natural view of an empty byte vector has
// a null data pointer; the API promises that a bad signature or key is an
// invalid check (verdict 0), never an error. Each call runs in a child process
// so that an abort inside the library fails this test only.
TEST_F(WycheproofEcdsa, EmptySignatureAsNullView) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const EcdsaCase* tc21 = nullptr;
  for (const EcdsaCase& c : file_.cases) {
    if (c.tc_id == 21) tc21 = &c;
  }
  ASSERT_NE(tc21, nullptr);
  ASSERT_TRUE(tc21->sig.empty()) << tc21->id();
  const EcdsaGroup& g = file_.groups[tc21->group];
  for (Scheme s : kEcdsaSchemes) {
    SCOPED_TRACE(std::string(scheme_name(s)));
    Check empty_sig{s, g.compressed, tc21->digest, ByteView{}, nullptr};
    EXPECT_EXIT(std::_Exit(verify_check(empty_sig) ? 1 : 0), ::testing::ExitedWithCode(0), "")
        << tc21->id() << " with the signature as ByteView{}: must return 0, not abort";
    // The same for an empty public key (no Wycheproof case has one).
    Check empty_key{s, ByteView{}, tc21->digest, nonnull(tc21->sig), nullptr};
    EXPECT_EXIT(std::_Exit(verify_check(empty_key) ? 1 : 0), ::testing::ExitedWithCode(0), "")
        << "public key as ByteView{}: must return 0, not abort";
    EXPECT_EXIT(std::_Exit(verify_secp_on_host(empty_sig) ? 1 : 0), ::testing::ExitedWithCode(0), "")
        << tc21->id() << " with the signature as ByteView{}, kernel path: must return 0, not abort";
    EXPECT_EXIT(std::_Exit(verify_secp_on_host(empty_key) ? 1 : 0), ::testing::ExitedWithCode(0), "")
        << "public key as ByteView{}, kernel path: must return 0, not abort";
    EXPECT_EXIT(
        {
          ParsedPublicKey p;
          std::_Exit(parse_public_key(s, ByteView{}, &p) ? 1 : 0);
        },
        ::testing::ExitedWithCode(0), "")
        << "parse_public_key(ByteView{}): must return false, not abort";
  }
}

}  // namespace
}  // namespace vigil::test::vectors
