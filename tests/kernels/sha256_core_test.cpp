// The kernels' SHA-256 math (kernels/sha256/sha256_core.hpp), compiled for the
// host, against OpenSSL: every length 0..300 at every alignment, random
// lengths up to 100 kB, gathered slices, double and tagged hashes, Merkle
// nodes. (The NIST vectors run through it in vectors/sha256_nist_test.cpp.)
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

#include "kernels/core_ref.hpp"
#include "util/test_util.hpp"
#include "vigil/hash.hpp"

namespace vigil::test {
namespace {

Hash256 openssl_sha256(ByteView data) {
  Hash256 h;
  unsigned len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), h.bytes.data(), &len, EVP_sha256(), nullptr), 1);
  return h;
}

Bytes random_bytes(std::mt19937_64& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

TEST(Sha256Core, EveryLengthTo300AtEveryAlignment) {
  std::mt19937_64 rng(test_seed());
  Bytes buf = random_bytes(rng, 304);
  for (size_t len = 0; len <= 300; ++len) {
    for (size_t align = 0; align < 4; ++align) {
      ByteView m(buf.data() + align, len);
      ASSERT_EQ(core_digest(m), openssl_sha256(m)) << "len " << len << " align " << align;
    }
  }
}

TEST(Sha256Core, RandomLengthsTo100k) {
  uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 200; ++i) {
    size_t len = rng() % 100001;
    Bytes m = random_bytes(rng, len + 1);
    ByteView v(m.data() + (i & 1), len);
    ASSERT_EQ(core_digest(v), openssl_sha256(v)) << "len " << len;
    ASSERT_EQ(core_digest(v, sha::Mode::kDouble), sha256d(v)) << "len " << len;
  }
}

TEST(Sha256Core, KnownDigests) {
  // FIPS 180-2 examples.
  EXPECT_EQ(to_hex(core_digest(ByteView())), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string abc = "abc";
  EXPECT_EQ(to_hex(core_digest(ByteView(reinterpret_cast<const uint8_t*>(abc.data()), abc.size()))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// A gathered message equals its concatenation, however it is cut: empty
// slices, one-byte slices, slices cut inside words, slices out of order in
// the base buffer.
TEST(Sha256Core, GatheredSlicesEqualTheConcatenation) {
  uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 500; ++trial) {
    size_t len = trial < 300 ? static_cast<size_t>(trial) : rng() % 5000;
    Bytes msg = random_bytes(rng, len);
    // Cut the message into pieces and lay them in the base in reverse order,
    // with random gaps, so slice order and base order differ.
    std::vector<std::pair<size_t, size_t>> pieces;  // (start in msg, length)
    for (size_t pos = 0; pos < len || pieces.empty();) {
      size_t n = rng() % 4 == 0 ? 0 : std::min<size_t>(len - pos, 1 + rng() % 70);
      pieces.emplace_back(pos, n);
      pos += n;
      if (len == 0) break;
    }
    if (rng() % 2) pieces.emplace_back(len, 0);  // a trailing empty slice
    Bytes base;
    std::vector<sha::Slice> slices(pieces.size());
    for (size_t k = pieces.size(); k-- > 0;) {
      base.resize(base.size() + rng() % 3, 0xee);
      slices[k] = sha::Slice{base.size(), static_cast<uint32_t>(pieces[k].second)};
      base.insert(base.end(), msg.begin() + static_cast<ptrdiff_t>(pieces[k].first),
                  msg.begin() + static_cast<ptrdiff_t>(pieces[k].first + pieces[k].second));
    }
    base.push_back(0);  // never empty, so base.data() is a real pointer
    ASSERT_EQ(core_gather_digest(base, slices), openssl_sha256(msg)) << "trial " << trial << " len " << len;
    ASSERT_EQ(core_gather_digest(base, slices, sha::Mode::kDouble), sha256d(msg)) << "trial " << trial;
  }
}

// BIP340 tagged hashes from a midstate equal the definition
// SHA256(SHA256(tag) || SHA256(tag) || m).
TEST(Sha256Core, TaggedHashFromMidstate) {
  std::mt19937_64 rng(test_seed());
  for (const std::string tag : {"BIP0340/challenge", "BIP0340/aux", "TapLeaf", ""}) {
    Hash256 th = openssl_sha256(ByteView(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
    sha::Midstate mid = sha::tagged_midstate(to_words(th));
    EXPECT_EQ(mid.bytes, 64u);
    for (size_t len : {0, 1, 32, 55, 56, 63, 64, 65, 100, 1000}) {
      Bytes m = random_bytes(rng, len);
      Bytes whole(th.bytes.begin(), th.bytes.end());
      whole.insert(whole.end(), th.bytes.begin(), th.bytes.end());
      whole.insert(whole.end(), m.begin(), m.end());
      EXPECT_EQ(core_digest(m, sha::Mode::kTagged, mid), openssl_sha256(whole)) << tag << " len " << len;
    }
  }
}

TEST(Sha256Core, MerkleNodeIsSha256dOfThePair) {
  std::mt19937_64 rng(test_seed());
  for (int i = 0; i < 1000; ++i) {
    Hash256 pair[2];
    for (auto& h : pair)
      for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
    if (i == 0) pair[1] = pair[0];
    Hash256 expected;
    sha256d_64(pair, &expected, 1);
    ASSERT_EQ(to_hash(sha::hash_node(to_words(pair[0]), to_words(pair[1]))), expected);
    ASSERT_EQ(to_hash(sha::hash_digest(to_words(pair[0]))), openssl_sha256(pair[0].bytes));
  }
}

TEST(Sha256Core, DigestWordsRoundTrip) {
  Hash256 h;
  for (size_t i = 0; i < 32; ++i) h.bytes[i] = static_cast<uint8_t>(i * 7 + 1);
  sha::DigestWords w = to_words(h);
  EXPECT_EQ(w.w[0], 0x01080f16u);  // big-endian: byte 0 is the high byte
  EXPECT_EQ(to_hash(w), h);
  EXPECT_EQ(sha::bswap32(0x01020304u), 0x04030201u);
  EXPECT_EQ(sha::rotr(0x80000001u, 1), 0xc0000000u);
}

}  // namespace
}  // namespace vigil::test
