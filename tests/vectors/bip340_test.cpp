// BIP340 test-vectors.csv through the "schnorr" scheme, against the file's
// verdicts and libsecp256k1's schnorrsig module called directly.
#include <gtest/gtest.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <string>
#include <vector>

#include "secp_prepare.hpp"
#include "vectors/vector_files.hpp"
#include "vigil/verify.hpp"

namespace vigil::test::vectors {
namespace {

struct Bip340Vector {
  std::string index;
  Bytes secret_key, public_key, aux_rand, message, signature;
  bool expected = false;
  std::string comment;

  std::string id() const { return "BIP340 vector " + index + (comment.empty() ? "" : " (" + comment + ")"); }
};

std::vector<Bip340Vector> load() {
  std::vector<Bip340Vector> out;
  std::vector<std::string> lines = split_lines(read_text(data_path("bips/bip-0340/test-vectors.csv")));
  EXPECT_FALSE(lines.empty());
  if (lines.empty()) return out;
  EXPECT_EQ(lines[0],
            "index,secret key,public key,aux_rand,message,signature,verification result,comment");
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::vector<std::string> col = split(lines[i], ',');
    // The comment (last column) may itself contain commas.
    EXPECT_GE(col.size(), 8u) << "line " << i + 1;
    if (col.size() < 8) continue;
    Bip340Vector v;
    v.index = col[0];
    v.secret_key = hex(col[1]);
    v.public_key = hex(col[2]);
    v.aux_rand = hex(col[3]);
    v.message = hex(col[4]);
    v.signature = hex(col[5]);
    EXPECT_TRUE(col[6] == "TRUE" || col[6] == "FALSE") << "line " << i + 1 << ": " << col[6];
    v.expected = col[6] == "TRUE";
    for (size_t k = 7; k < col.size(); ++k) v.comment += (k > 7 ? "," : "") + col[k];
    out.push_back(std::move(v));
  }
  return out;
}

TEST(Bip340, TestVectors) {
  SecpContext ctx = make_secp_context();
  ASSERT_NE(ctx, nullptr);
  std::vector<Bip340Vector> vectors = load();
  ASSERT_EQ(vectors.size(), 19u);
  size_t signed_here = 0, bad_keys = 0;
  for (const Bip340Vector& v : vectors) {
    ASSERT_EQ(v.public_key.size(), 32u) << v.id();
    ASSERT_EQ(v.signature.size(), 64u) << v.id();

    // Reference: secp256k1_xonly_pubkey_parse + secp256k1_schnorrsig_verify.
    secp256k1_xonly_pubkey xonly;
    bool key_ok = secp256k1_xonly_pubkey_parse(ctx.get(), &xonly, v.public_key.data()) == 1;
    bad_keys += !key_ok;
    bool ref = key_ok && secp256k1_schnorrsig_verify(ctx.get(), v.signature.data(), nonnull(v.message).data(),
                                                     v.message.size(), &xonly) == 1;
    EXPECT_EQ(ref, v.expected) << v.id() << ": libsecp256k1 direct vs the file";

    Check check{Scheme::kSchnorr, v.public_key, v.message, v.signature, nullptr};
    bool ours = verify_check(check);
    EXPECT_EQ(ours, v.expected) << v.id() << ": ours vs the file";
    EXPECT_EQ(ours, ref) << v.id() << ": ours vs libsecp256k1 direct";

    // The same through a pre-parsed key; an unparsable key is refused.
    ParsedPublicKey parsed;
    EXPECT_EQ(parse_public_key(Scheme::kSchnorr, v.public_key, &parsed), key_ok) << v.id();
    if (key_ok) {
      Check pre{Scheme::kSchnorr, {}, v.message, v.signature, &parsed};
      EXPECT_EQ(verify_check(pre), ref) << v.id() << " with a pre-parsed key";
      // The same point parsed as an ECDSA key (02 || x, even y, as x-only keys
      // are): a key of another family makes the check invalid, even though
      // libsecp256k1 stores both kinds of key in the same layout.
      Bytes compressed = {0x02};
      compressed.insert(compressed.end(), v.public_key.begin(), v.public_key.end());
      ParsedPublicKey ecdsa_key;
      ASSERT_TRUE(parse_public_key(Scheme::kEcdsa, compressed, &ecdsa_key)) << v.id();
      Check wrong_family{Scheme::kSchnorr, {}, v.message, v.signature, &ecdsa_key};
      EXPECT_FALSE(verify_check(wrong_family)) << v.id() << " with an ECDSA-family pre-parsed key";
    } else {
      EXPECT_EQ(parsed.family, ParsedPublicKey::Family::kNone) << v.id();
    }

    // Where the file gives the secret key: sign with libsecp256k1 using the
    // file's aux_rand. BIP340 signing is deterministic given aux_rand, so the
    // signature is the file's; and ours verifies it.
    if (!v.secret_key.empty()) {
      ++signed_here;
      ASSERT_EQ(v.secret_key.size(), 32u) << v.id();
      ASSERT_EQ(v.aux_rand.size(), 32u) << v.id();
      secp256k1_keypair keypair;
      ASSERT_EQ(secp256k1_keypair_create(ctx.get(), &keypair, v.secret_key.data()), 1) << v.id();
      secp256k1_xonly_pubkey derived;
      ASSERT_EQ(secp256k1_keypair_xonly_pub(ctx.get(), &derived, nullptr, &keypair), 1) << v.id();
      uint8_t derived_bytes[32];
      ASSERT_EQ(secp256k1_xonly_pubkey_serialize(ctx.get(), derived_bytes, &derived), 1);
      EXPECT_EQ(to_hex(ByteView(derived_bytes, 32)), to_hex(v.public_key)) << v.id() << ": derived public key";

      secp256k1_schnorrsig_extraparams extra = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
      extra.ndata = const_cast<uint8_t*>(v.aux_rand.data());
      uint8_t sig[64];
      ASSERT_EQ(secp256k1_schnorrsig_sign_custom(ctx.get(), sig, nonnull(v.message).data(), v.message.size(),
                                                 &keypair, &extra),
                1)
          << v.id();
      EXPECT_EQ(to_hex(ByteView(sig, 64)), to_hex(v.signature)) << v.id() << ": libsecp256k1's signature";
      Check fresh{Scheme::kSchnorr, v.public_key, v.message, ByteView(sig, 64), nullptr};
      EXPECT_TRUE(verify_check(fresh)) << v.id() << ": our verdict on libsecp256k1's signature";
    }
  }
  EXPECT_EQ(signed_here, 8u);  // vectors 0-3 and 15-18
  EXPECT_EQ(bad_keys, 2u);     // vectors 5 (not on the curve) and 14 (x >= p)
}

// The same vectors through the GPU path run on the host (verify_secp_on_host:
// the CPU preparation of the wire format, then the kernels' math), with every
// key form the test above uses: the file's verdict, and the CPU path's.
TEST(Bip340, KernelPath) {
  std::vector<Bip340Vector> vectors = load();
  ASSERT_EQ(vectors.size(), 19u);
  size_t accepted = 0, rejected = 0, preparsed = 0;
  for (const Bip340Vector& v : vectors) {
    Check check{Scheme::kSchnorr, v.public_key, v.message, v.signature, nullptr};
    const bool kernel = verify_secp_on_host(check);
    EXPECT_EQ(kernel, v.expected) << v.id() << ": kernel path vs the file";
    EXPECT_EQ(kernel, verify_check(check)) << v.id() << ": kernel path vs CPU path";
    (kernel ? accepted : rejected)++;

    ParsedPublicKey parsed;
    if (parse_public_key(Scheme::kSchnorr, v.public_key, &parsed)) {
      ++preparsed;
      Check pre{Scheme::kSchnorr, {}, v.message, v.signature, &parsed};
      EXPECT_EQ(verify_secp_on_host(pre), v.expected) << v.id() << ": kernel path, pre-parsed key";
      Bytes compressed = {0x02};
      compressed.insert(compressed.end(), v.public_key.begin(), v.public_key.end());
      ParsedPublicKey ecdsa_key;
      ASSERT_TRUE(parse_public_key(Scheme::kEcdsa, compressed, &ecdsa_key)) << v.id();
      Check wrong_family{Scheme::kSchnorr, {}, v.message, v.signature, &ecdsa_key};
      EXPECT_FALSE(verify_secp_on_host(wrong_family)) << v.id() << ": kernel path, ECDSA-family pre-parsed key";
    }
    // A valid signature with one bit of s, of r or of the message flipped fails.
    if (v.expected) {
      for (size_t at : {size_t{0}, size_t{40}}) {
        Bytes sig = v.signature;
        sig[at] ^= 0x01;
        Check bad{Scheme::kSchnorr, v.public_key, v.message, sig, nullptr};
        EXPECT_FALSE(verify_secp_on_host(bad)) << v.id() << ": kernel path, signature byte " << at << " flipped";
      }
      if (!v.message.empty()) {
        Bytes msg = v.message;
        msg.back() ^= 0x80;
        Check bad{Scheme::kSchnorr, v.public_key, msg, v.signature, nullptr};
        EXPECT_FALSE(verify_secp_on_host(bad)) << v.id() << ": kernel path, message flipped";
      }
    }
  }
  EXPECT_EQ(accepted + rejected, 19u);
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(rejected, 0u);
  EXPECT_EQ(preparsed, 17u);  // all but vectors 5 and 14
}

}  // namespace
}  // namespace vigil::test::vectors
