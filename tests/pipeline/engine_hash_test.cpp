// Hash and Merkle jobs through the engine, mixed with signature checks in the
// same batches: every owner gets exactly its own hashes (against sha256 /
// sha256d / the BIP340 tagged hash computed directly) and its own Merkle
// root and mutation flag (against merkle_root), whatever the batching.
#include <gtest/gtest.h>

#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/engine_harness.hpp"
#include "vigil/hash.hpp"

namespace vigil::test {
namespace {

Hash256 reference_hash(HashKind kind, ByteView m, const std::string& tag) {
  switch (kind) {
    case HashKind::kSha256: return sha256(m);
    case HashKind::kSha256d: return sha256d(m);
    case HashKind::kTagged: {
      const Hash256 t = sha256(ByteView(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
      Bytes buf(t.bytes.begin(), t.bytes.end());
      buf.insert(buf.end(), t.bytes.begin(), t.bytes.end());
      buf.insert(buf.end(), m.begin(), m.end());
      return sha256(buf);
    }
  }
  return {};
}

struct HashJob {
  uint64_t owner;
  HashKind kind;
  std::string tag;
  std::vector<Bytes> data;
  std::vector<ByteView> views;
};

HashJob make_hash_job(uint64_t owner, size_t n, std::mt19937_64& rng) {
  static const char* kTags[] = {"BIP0340/challenge", "TapLeaf", ""};
  HashJob j{owner, static_cast<HashKind>(rng() % 3), "", {}, {}};
  if (j.kind == HashKind::kTagged) j.tag = kTags[rng() % 3];
  for (size_t i = 0; i < n; ++i) {
    Bytes m(rng() % 200);
    for (uint8_t& b : m) b = static_cast<uint8_t>(rng());
    j.data.push_back(std::move(m));
  }
  for (const Bytes& m : j.data) j.views.emplace_back(m.data(), m.size());
  return j;
}

// Leaves with, now and then, the last two equal: a mutated tree (CVE-2012-2459).
std::vector<Hash256> make_leaves(size_t n, std::mt19937_64& rng) {
  std::vector<Hash256> leaves(n);
  for (Hash256& h : leaves)
    for (uint8_t& b : h.bytes) b = static_cast<uint8_t>(rng());
  if (n >= 2 && rng() % 3 == 0) leaves[n - 1] = leaves[n - 2];
  return leaves;
}

TEST(EngineHashJobs, MixedWithChecksEachOwnerGetsItsOwnHashesAndRoots) {
  const uint64_t seed = test_seed();
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  // The CPU hasher, and the emulated GPU hasher with its calls 2..4 failing
  // (redone on the CPU).
  for (unsigned depth : {1u, 3u}) {
    const bool faults = depth == 3;
    SCOPED_TRACE(faults ? "depth 3, emulated hashing device with faults" : "depth 1, CPU hashing");
    EngineOptions o;
    o.pipeline_depth = depth;
    o.max_batch_checks = 300;
    o.flush_deadline = std::chrono::microseconds(200);
    o.max_pending_checks = 2000;
    o.hasher.backend = faults ? Backend::kGpu : Backend::kCpu;
    o.hasher.fault_injection = faults ? "device=emulated,fail_from=2,fail_count=3" : "";
    o.hasher.gpu_min_items = 0;
    auto engine = engine_over(o, make_emulated_verify_device(depth));
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t) {
      producers.emplace_back([&, t] {
        std::mt19937_64 rng(seed + t);
        const std::vector<size_t> sizes = {0, 1, 2, 3, 31, 32, 33, 64, 150, 301};
        std::vector<HashJob> jobs;
        std::vector<std::vector<Hash256>> trees;
        std::vector<Sub> subs;
        std::vector<std::future<HashResult>> hash_results, merkle_results;
        std::vector<std::future<VerifyResult>> verdicts;
        for (size_t i = 0; i < sizes.size(); ++i) jobs.push_back(make_hash_job(uint64_t(t) << 32 | i, sizes[i], rng));
        for (size_t i = 0; i < sizes.size(); ++i) trees.push_back(make_leaves(sizes[i], rng));
        for (size_t i = 0; i < sizes.size(); ++i) subs.push_back(make_sub(uint64_t(t) << 32 | 1000 | i, sizes[i] % 100, rng));
        // Interleaved: hash, Merkle and check submissions share batches.
        for (size_t i = 0; i < sizes.size(); ++i) {
          hash_results.push_back(engine->submit_hashes(jobs[i].owner, jobs[i].kind, jobs[i].views, jobs[i].tag));
          merkle_results.push_back(engine->submit_merkle(jobs[i].owner | 500, trees[i]));
          verdicts.push_back(engine->submit(subs[i].owner, subs[i].checks));
        }
        for (size_t i = 0; i < sizes.size(); ++i) {
          HashResult h = hash_results[i].get();
          ASSERT_TRUE(h.status.ok()) << h.status.ToString();
          EXPECT_EQ(h.owner, jobs[i].owner);
          ASSERT_EQ(h.hashes.size(), jobs[i].views.size());
          for (size_t k = 0; k < h.hashes.size(); ++k)
            EXPECT_EQ(h.hashes[k], reference_hash(jobs[i].kind, jobs[i].views[k], jobs[i].tag))
                << "owner " << h.owner << " message " << k;
          HashResult m = merkle_results[i].get();
          ASSERT_TRUE(m.status.ok()) << m.status.ToString();
          EXPECT_EQ(m.owner, jobs[i].owner | 500);
          const MerkleResult want = merkle_root(trees[i]);
          EXPECT_EQ(m.merkle.root, want.root) << "tree of " << trees[i].size();
          EXPECT_EQ(m.merkle.mutated, want.mutated) << "tree of " << trees[i].size();
          EXPECT_TRUE(m.hashes.empty());
          VerifyResult v = get(verdicts[i]);
          expect_result(v, subs[i]);
        }
      });
    }
    for (std::thread& p : producers) p.join();
    ASSERT_TRUE(eventually([&] { return engine->stats().pending_checks == 0; }));
    const EngineStats st = engine->stats();
    EXPECT_EQ(st.hash_jobs, 40u);
    EXPECT_EQ(st.merkle_jobs, 40u);
    EXPECT_EQ(st.hash_messages, 4u * (0 + 1 + 2 + 3 + 31 + 32 + 33 + 64 + 150 + 301));
    EXPECT_EQ(st.merkle_leaves, st.hash_messages);
    EXPECT_GT(st.hasher_calls, 0u);
    EXPECT_GE(st.hasher.cpu_calls + st.hasher.gpu_calls, st.hasher_calls);
    if (faults) {
      EXPECT_EQ(st.hasher.gpu_fallbacks, 3u);
      EXPECT_GT(st.hasher.gpu_calls, 0u);
    } else {
      EXPECT_EQ(st.hasher.gpu_calls, 0u);
    }
    expect_consistent(st);
    // The Prometheus text carries the job counters.
    const std::string text = prometheus_text(st);
    EXPECT_NE(text.find("vigil_engine_hash_jobs_total " + std::to_string(st.hash_jobs) + "\n"), std::string::npos);
    EXPECT_NE(text.find("vigil_engine_merkle_leaves_total " + std::to_string(st.merkle_leaves) + "\n"), std::string::npos);
  }
}

TEST(EngineHashJobs, BadJobsAreRefusedAtSubmitAndDoNotSpoilOthers) {
  EngineOptions o;
  o.flush_deadline = kNever;
  o.hasher.backend = Backend::kCpu;
  auto engine = engine_over(o, make_emulated_verify_device());
  const Bytes m = {1, 2, 3};
  bool ran = false;
  EXPECT_EQ(engine->submit_hashes(1, HashKind::kSha256, {ByteView(m.data(), m.size())}, [&](HashResult) { ran = true; },
                                  "a tag")
                .code(),
            Status::Code::kInvalidArgument);
  HashResult refused = engine->submit_hashes(2, HashKind::kSha256d, {ByteView(m.data(), m.size())}, "tag").get();
  EXPECT_EQ(refused.status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(refused.owner, 2u);
  auto good = engine->submit_hashes(3, HashKind::kSha256d, {ByteView(m.data(), m.size())});
  engine->flush();
  HashResult r = good.get();
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.hashes.size(), 1u);
  EXPECT_EQ(r.hashes[0], sha256d(ByteView(m.data(), m.size())));
  // Empty jobs are answered at once: no hashes, the all-zero root.
  HashResult empty = engine->submit_merkle(4, {}).get();
  EXPECT_TRUE(empty.status.ok());
  EXPECT_EQ(empty.merkle.root, Hash256{});
  EXPECT_FALSE(empty.merkle.mutated);
  EXPECT_TRUE(engine->submit_hashes(5, HashKind::kSha256, {}).get().hashes.empty());
  engine->shutdown();
  EXPECT_FALSE(engine->submit_merkle(6, {Hash256{}}).get().status.ok());
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace vigil::test
