// SHA-256 against NIST CAVS 11.x byte-oriented vectors (SHA256ShortMsg.rsp,
// SHA256LongMsg.rsp, SHA256Monte.rsp), and against OpenSSL's EVP interface
// called directly (a different entry point from the low-level one vigil uses).
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <string>
#include <vector>

#include "kernels/core_ref.hpp"
#include "vectors/vector_files.hpp"
#include "vigil/hash.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil::test::vectors {
namespace {

struct ShaVector {
  std::string id;  // "ShortMsg Len=8"
  Bytes msg;
  std::string md;  // lower-case hex, as in the file
};

std::vector<ShaVector> load_msg_file(const std::string& name) {
  std::vector<ShaVector> out;
  for (const Record& r : parse_records(read_text(data_path("nist-sha256/" + name)))) {
    if (!r.has("Len")) {
      ADD_FAILURE() << name << ": record at line " << r.line << " has no Len";
      continue;
    }
    size_t bits = std::stoul(r.at("Len"));
    EXPECT_EQ(bits % 8, 0u) << name << " line " << r.line;
    ShaVector v;
    v.id = name + " Len=" + r.at("Len");
    Bytes msg = hex(r.at("Msg"));
    // Len = 0 is written "Msg = 00": the message is the first Len/8 bytes.
    EXPECT_GE(msg.size(), bits / 8) << v.id;
    msg.resize(bits / 8);
    v.msg = std::move(msg);
    v.md = r.at("MD");
    EXPECT_EQ(v.md.size(), 64u) << v.id;
    out.push_back(std::move(v));
  }
  return out;
}

std::string openssl_sha256_hex(ByteView data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr), 1);
  EXPECT_EQ(len, 32u);
  return to_hex(ByteView(md, 32));
}

std::vector<ShaVector> all_msg_vectors() {
  std::vector<ShaVector> all = load_msg_file("SHA256ShortMsg.rsp");
  std::vector<ShaVector> lng = load_msg_file("SHA256LongMsg.rsp");
  all.insert(all.end(), lng.begin(), lng.end());
  return all;
}

TEST(Sha256Nist, ShortAndLongMessages) {
  std::vector<ShaVector> short_msgs = load_msg_file("SHA256ShortMsg.rsp");
  std::vector<ShaVector> long_msgs = load_msg_file("SHA256LongMsg.rsp");
  // Every byte length 0..64 (ShortMsg) and 64 lengths from 163 to 6400 bytes (LongMsg).
  EXPECT_EQ(short_msgs.size(), 65u);
  EXPECT_EQ(long_msgs.size(), 64u);
  for (const auto* list : {&short_msgs, &long_msgs}) {
    for (const ShaVector& v : *list) {
      EXPECT_EQ(to_hex(sha256(v.msg)), v.md) << v.id;
      EXPECT_EQ(openssl_sha256_hex(v.msg), v.md) << v.id << " (OpenSSL EVP direct)";
      // sha256d is SHA-256 applied twice.
      Hash256 once = sha256(v.msg);
      EXPECT_EQ(to_hex(sha256d(v.msg)), openssl_sha256_hex(ByteView(once.data(), 32))) << v.id;
    }
  }
}

// The GPU kernels' SHA-256 (kernels/sha256/sha256_core.hpp) compiled for the
// host: every NIST message vector, contiguous and cut into three slices.
TEST(Sha256Nist, KernelCoreCompiledForTheHost) {
  for (const ShaVector& v : all_msg_vectors()) {
    EXPECT_EQ(to_hex(core_digest(v.msg)), v.md) << v.id;
    Bytes base = v.msg;
    base.push_back(0);
    uint32_t n = static_cast<uint32_t>(v.msg.size());
    std::vector<sha::Slice> thirds = {{0, n / 3}, {n / 3, n / 3}, {2 * uint64_t{n / 3}, n - 2 * (n / 3)}};
    EXPECT_EQ(to_hex(core_gather_digest(base, thirds)), v.md) << v.id << " in three slices";
  }
}

// All vectors in one batch call, without a pool and with a pool of 2 threads.
// The list is repeated so that the batch is several times larger than the
// library's per-chunk grain (256 messages): only then does the pool split it.
TEST(Sha256Nist, Batch) {
  std::vector<ShaVector> all = all_msg_vectors();
  ASSERT_EQ(all.size(), 129u);
  constexpr size_t kCopies = 8;
  std::vector<ByteView> msgs;
  std::vector<const ShaVector*> which;
  for (size_t c = 0; c < kCopies; ++c) {
    for (const ShaVector& v : all) {
      msgs.emplace_back(v.msg);
      which.push_back(&v);
    }
  }
  WorkerPool pool(2);
  ASSERT_EQ(pool.threads(), 2u);
  for (WorkerPool* p : {static_cast<WorkerPool*>(nullptr), &pool}) {
    SCOPED_TRACE(p ? "with a WorkerPool of 2 threads" : "without a pool");
    Hash256 sentinel;
    sentinel.bytes.fill(0xA5);
    std::vector<Hash256> out(msgs.size(), sentinel);
    ASSERT_TRUE(sha256_batch(msgs, out, p).ok());
    for (size_t i = 0; i < msgs.size(); ++i) {
      EXPECT_EQ(to_hex(out[i]), which[i]->md) << which[i]->id << " at batch index " << i;
    }
    std::vector<Hash256> outd(msgs.size(), sentinel);
    ASSERT_TRUE(sha256d_batch(msgs, outd, p).ok());
    for (size_t i = 0; i < msgs.size(); ++i) {
      Hash256 once = *hash_from_hex(which[i]->md);
      EXPECT_EQ(to_hex(outd[i]), openssl_sha256_hex(ByteView(once.data(), 32)))
          << "sha256d " << which[i]->id << " at batch index " << i;
    }
  }
}

// Sha256Stream fed in pieces of random sizes (empty pieces included) equals the
// expected digest; the stream is reused after finish() (it resets itself).
TEST(Sha256Nist, StreamInRandomPieces) {
  uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  Sha256Stream stream;
  for (const ShaVector& v : all_msg_vectors()) {
    for (int round = 0; round < 3; ++round) {
      size_t pos = 0;
      while (pos < v.msg.size()) {
        size_t left = v.msg.size() - pos;
        // Mostly small pieces (to cross the 64-byte block boundary at every
        // offset), sometimes large ones, sometimes empty.
        size_t n = std::uniform_int_distribution<size_t>(0, rng() % 4 == 0 ? left : std::min<size_t>(left, 70))(rng);
        stream.update(ByteView(v.msg).subspan(pos, n));
        pos += n;
      }
      EXPECT_EQ(to_hex(stream.finish()), v.md) << v.id << " round " << round;
    }
  }
}

// The CAVS Monte Carlo test: from the seed, 100 checkpoints of 1000 chained
// hashes each: MD0 = MD1 = MD2 = seed; for i = 3..1002, M_i = MD_{i-3} ||
// MD_{i-2} || MD_{i-1}, MD_i = SHA-256(M_i); checkpoint j = MD_1002, which is
// the next seed. Computed three ways: vigil::sha256 on the 96-byte message,
// Sha256Stream fed the three digests separately, and OpenSSL EVP directly.
TEST(Sha256Nist, Monte) {
  std::vector<Record> records = parse_records(read_text(data_path("nist-sha256/SHA256Monte.rsp")));
  ASSERT_FALSE(records.empty());
  ASSERT_TRUE(records[0].has("Seed")) << "first record at line " << records[0].line;
  Bytes seed = hex(records[0].at("Seed"));
  ASSERT_EQ(seed.size(), 32u);
  ASSERT_EQ(records.size(), 101u);  // the seed and COUNT = 0..99

  Hash256 seed_ours, seed_stream, seed_ossl, seed_core;
  std::copy(seed.begin(), seed.end(), seed_ours.bytes.begin());
  seed_stream = seed_ossl = seed_core = seed_ours;
  Sha256Stream stream;
  for (size_t j = 0; j < 100; ++j) {
    const Record& r = records[j + 1];
    ASSERT_EQ(r.at("COUNT"), std::to_string(j)) << "line " << r.line;
    const std::string& expected = r.at("MD");

    Hash256 md_ours[3] = {seed_ours, seed_ours, seed_ours};
    Hash256 md_stream[3] = {seed_stream, seed_stream, seed_stream};
    Hash256 md_ossl[3] = {seed_ossl, seed_ossl, seed_ossl};
    Hash256 md_core[3] = {seed_core, seed_core, seed_core};
    for (int i = 3; i <= 1002; ++i) {
      uint8_t m[96];
      for (int k = 0; k < 3; ++k) std::copy(md_ours[k].bytes.begin(), md_ours[k].bytes.end(), m + 32 * k);
      Hash256 next_ours = sha256(ByteView(m, 96));

      for (int k = 0; k < 3; ++k) std::copy(md_core[k].bytes.begin(), md_core[k].bytes.end(), m + 32 * k);
      Hash256 next_core = core_digest(ByteView(m, 96));
      md_core[0] = md_core[1];
      md_core[1] = md_core[2];
      md_core[2] = next_core;

      for (int k = 0; k < 3; ++k) stream.update(ByteView(md_stream[k].data(), 32));
      Hash256 next_stream = stream.finish();

      for (int k = 0; k < 3; ++k) std::copy(md_ossl[k].bytes.begin(), md_ossl[k].bytes.end(), m + 32 * k);
      Hash256 next_ossl;
      unsigned int len = 0;
      ASSERT_EQ(EVP_Digest(m, 96, next_ossl.data(), &len, EVP_sha256(), nullptr), 1);

      md_ours[0] = md_ours[1], md_ours[1] = md_ours[2], md_ours[2] = next_ours;
      md_stream[0] = md_stream[1], md_stream[1] = md_stream[2], md_stream[2] = next_stream;
      md_ossl[0] = md_ossl[1], md_ossl[1] = md_ossl[2], md_ossl[2] = next_ossl;
    }
    EXPECT_EQ(to_hex(md_ours[2]), expected) << "Monte COUNT = " << j << " (vigil::sha256)";
    EXPECT_EQ(to_hex(md_stream[2]), expected) << "Monte COUNT = " << j << " (Sha256Stream)";
    EXPECT_EQ(to_hex(md_ossl[2]), expected) << "Monte COUNT = " << j << " (OpenSSL EVP direct)";
    EXPECT_EQ(to_hex(md_core[2]), expected) << "Monte COUNT = " << j << " (GPU kernel math on the host)";
    seed_ours = md_ours[2];
    seed_stream = md_stream[2];
    seed_ossl = md_ossl[2];
    seed_core = md_core[2];
  }
}

}  // namespace
}  // namespace vigil::test::vectors
