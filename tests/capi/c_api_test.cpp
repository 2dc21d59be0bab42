// The C API (vigil/vigil.h) against the C++ API it wraps: the same verdicts
// and hashes, argument checking that reports instead of crashing, options
// structs of older (shorter) sizes, and error reporting.
#include "vigil/vigil.h"

#include "capi/c_callers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "differential/generator.hpp"
#include "util/test_util.hpp"
#include "vigil/hash.hpp"
#include "vigil/merkle.hpp"
#include "vigil/verify.hpp"
#include "vigil/version.hpp"

namespace vigil::test {
namespace {

struct VerifierHandle {
  vigil_verifier* v = nullptr;
  ~VerifierHandle() { vigil_verifier_destroy(v); }
};
struct HasherHandle {
  vigil_hasher* h = nullptr;
  ~HasherHandle() { vigil_hasher_destroy(h); }
};

vigil_verifier_options cpu_options() {
  vigil_verifier_options o;
  vigil_verifier_options_init(&o);
  o.backend = VIGIL_BACKEND_CPU;
  return o;
}

TEST(CApi, VersionAndStatusNames) {
  EXPECT_EQ(vigil_abi_version(), uint32_t{VIGIL_ABI_VERSION});
  EXPECT_STREQ(vigil_version_string(), VIGIL_VERSION_STRING);
  EXPECT_STREQ(vigil_status_name(VIGIL_OK), "ok");
  EXPECT_STREQ(vigil_status_name(VIGIL_DEVICE_ERROR), "device error");
}

TEST(CApi, SchemesByName) {
  for (Scheme s : kAllSchemes) {
    const std::string name(scheme_name(s));
    vigil_scheme out;
    ASSERT_EQ(vigil_scheme_from_name(name.data(), name.size(), &out), VIGIL_OK) << name;
    EXPECT_EQ(static_cast<int>(out), static_cast<int>(s)) << name;
  }
  vigil_scheme out;
  EXPECT_EQ(vigil_scheme_from_name("ed25519-zip", 11, &out), VIGIL_INVALID_ARGUMENT);
  EXPECT_NE(std::string(vigil_last_error()).find("ed25519-zip"), std::string::npos) << vigil_last_error();
  EXPECT_EQ(vigil_scheme_from_name("ed25519", 5, &out), VIGIL_INVALID_ARGUMENT);  // the length counts, not the NUL
  EXPECT_EQ(vigil_scheme_from_name(nullptr, 3, &out), VIGIL_INVALID_ARGUMENT);
}

// Generated random and hostile checks of every scheme through vigil_verify,
// some with pre-parsed keys: the verdicts of verify_check.
TEST(CApi, VerifyGivesTheVerdictsOfVerifyCheck) {
  difftest::Generator gen(test_seed());
  std::vector<difftest::GenCheck> gens;
  for (int i = 0; i < 300; ++i) gens.push_back(gen.next(kAllSchemes[i % std::size(kAllSchemes)]));
  std::vector<vigil_parsed_key> parsed(gens.size());
  std::vector<vigil_check> checks(gens.size());
  for (size_t i = 0; i < gens.size(); ++i) {
    const auto& g = gens[i];
    checks[i] = vigil_check{static_cast<uint32_t>(g.scheme), g.key.data(), g.key.size(), g.msg.data(), g.msg.size(),
                            g.sig.data(), g.sig.size(), nullptr};
    if (i % 3 == 0 && vigil_parse_public_key(static_cast<vigil_scheme>(g.scheme), g.key.data(), g.key.size(),
                                             &parsed[i]) == VIGIL_OK)
      checks[i].parsed_key = &parsed[i];
  }
  for (vigil_backend backend : {VIGIL_BACKEND_CPU, VIGIL_BACKEND_AUTO}) {
    vigil_verifier_options o = cpu_options();
    o.backend = backend;
    VerifierHandle v;
    ASSERT_EQ(vigil_verifier_create(&o, &v.v), VIGIL_OK) << vigil_last_error();
    std::vector<uint8_t> verdicts(checks.size(), 2);
    ASSERT_EQ(vigil_verify(v.v, checks.data(), checks.size(), verdicts.data()), VIGIL_OK) << vigil_last_error();
    size_t valid = 0;
    for (size_t i = 0; i < gens.size(); ++i) {
      EXPECT_EQ(verdicts[i], gens[i].oracle ? 1 : 0) << i << " " << difftest::check_line(gens[i]);
      valid += verdicts[i];
    }
    EXPECT_GT(valid, gens.size() / 10);
    EXPECT_LT(valid, gens.size() - gens.size() / 10);
    vigil_verifier_stats st;
    vigil_verifier_get_stats(v.v, &st);
    EXPECT_EQ(st.cpu_checks + st.gpu_checks, checks.size());
  }
}

TEST(CApi, BadArgumentsAreErrorsNotCrashes) {
  vigil_verifier_options o = cpu_options();
  VerifierHandle v;
  ASSERT_EQ(vigil_verifier_create(&o, &v.v), VIGIL_OK);
  uint8_t verdict = 7;
  vigil_check c{VIGIL_SCHEME_ED25519, nullptr, 32, nullptr, 0, nullptr, 0, nullptr};  // NULL key with a length
  EXPECT_EQ(vigil_verify(v.v, &c, 1, &verdict), VIGIL_INVALID_ARGUMENT);
  EXPECT_NE(std::string(vigil_last_error()).find("check 0"), std::string::npos) << vigil_last_error();
  c = vigil_check{77, nullptr, 0, nullptr, 0, nullptr, 0, nullptr};  // unknown scheme
  EXPECT_EQ(vigil_verify(v.v, &c, 1, &verdict), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(vigil_verify(v.v, nullptr, 1, &verdict), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(vigil_verify(nullptr, &c, 0, &verdict), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(verdict, 7);  // nothing written
  // Empty fields are invalid checks, not errors; a batch of none is fine.
  c = vigil_check{VIGIL_SCHEME_SCHNORR, nullptr, 0, nullptr, 0, nullptr, 0, nullptr};
  EXPECT_EQ(vigil_verify(v.v, &c, 1, &verdict), VIGIL_OK);
  EXPECT_EQ(verdict, 0);
  EXPECT_EQ(vigil_verify(v.v, nullptr, 0, nullptr), VIGIL_OK);

  vigil_verifier* out = reinterpret_cast<vigil_verifier*>(0x1);
  o.backend = 9;
  EXPECT_EQ(vigil_verifier_create(&o, &out), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
  o = cpu_options();
  o.struct_size = 2;
  EXPECT_EQ(vigil_verifier_create(&o, &out), VIGIL_INVALID_ARGUMENT);
  o.struct_size = sizeof o + 8;  // from a newer library than this one
  EXPECT_EQ(vigil_verifier_create(&o, &out), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(vigil_verifier_create(nullptr, nullptr), VIGIL_INVALID_ARGUMENT);
  vigil_verifier_destroy(nullptr);
  vigil_hasher_destroy(nullptr);
}

// A caller compiled against an older, shorter options struct: the fields it
// has are read, the rest keep their defaults.
TEST(CApi, ShorterOptionsStructKeepsDefaults) {
  vigil_verifier_options o = cpu_options();
  o.backend = 9;  // invalid, but beyond the declared size: must not be read
  o.struct_size = offsetof(vigil_verifier_options, backend);
  VerifierHandle v;
  ASSERT_EQ(vigil_verifier_create(&o, &v.v), VIGIL_OK) << vigil_last_error();
  o.struct_size = offsetof(vigil_verifier_options, gpu_device);  // now backend is inside
  vigil_verifier* bad = nullptr;
  EXPECT_EQ(vigil_verifier_create(&o, &bad), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(bad, nullptr);
}

TEST(CApi, DescribeTruncatesLikeSnprintf) {
  vigil_verifier_options o = cpu_options();
  VerifierHandle v;
  ASSERT_EQ(vigil_verifier_create(&o, &v.v), VIGIL_OK);
  char buf[3] = {'x', 'x', 'x'};
  EXPECT_EQ(vigil_verifier_describe(v.v, buf, sizeof buf), 3u);
  EXPECT_EQ(std::string(buf), "cp");
  EXPECT_EQ(vigil_verifier_describe(v.v, nullptr, 0), 3u);
}

TEST(CApi, GpuBackendWithoutAGpuIsAnErrorWithAMessage) {
  vigil_verifier_options o;
  vigil_verifier_options_init(&o);
  o.backend = VIGIL_BACKEND_GPU;
  vigil_verifier* v = nullptr;
  const vigil_status s = vigil_verifier_create(&o, &v);
  if (s == VIGIL_OK) {
    vigil_verifier_destroy(v);
    GTEST_SKIP() << "this machine has a usable GPU";
  }
  EXPECT_TRUE(s == VIGIL_DEVICE_ERROR || s == VIGIL_NOT_SUPPORTED) << vigil_status_name(s);
  EXPECT_EQ(v, nullptr);
  EXPECT_GT(std::string(vigil_last_error()).size(), 0u);
}

// The engine through C: producers on several threads submit generated
// checks with callbacks; every owner gets the oracle's verdicts for exactly
// its checks, and destroy delivers what is still queued.
struct EngineSink {
  std::mutex mu;
  std::map<uint64_t, std::vector<uint8_t>> results;
  static void done(void* self, uint64_t owner, vigil_status status, const uint8_t* verdicts, size_t count) {
    auto* sink = static_cast<EngineSink*>(self);
    std::lock_guard lock(sink->mu);
    EXPECT_EQ(status, VIGIL_OK);
    EXPECT_TRUE(sink->results.emplace(owner, std::vector<uint8_t>(verdicts, verdicts + count)).second)
        << "owner " << owner << " delivered twice";
  }
};

TEST(CApi, EngineDeliversEachOwnerItsVerdicts) {
  difftest::Generator gen(test_seed());
  std::vector<difftest::GenCheck> gens;
  for (int i = 0; i < 240; ++i) gens.push_back(gen.next(kAllSchemes[i % std::size(kAllSchemes)]));
  std::vector<vigil_check> checks(gens.size());
  for (size_t i = 0; i < gens.size(); ++i) {
    const auto& g = gens[i];
    checks[i] = vigil_check{static_cast<uint32_t>(g.scheme), g.key.data(), g.key.size(), g.msg.data(), g.msg.size(),
                            g.sig.data(), g.sig.size(), nullptr};
  }
  vigil_engine_options o;
  vigil_engine_options_init(&o);
  o.verifier.backend = VIGIL_BACKEND_CPU;
  o.max_batch_checks = 50;
  o.flush_deadline_us = 1000000000;  // only size, flush and destroy send batches here
  vigil_engine* engine = nullptr;
  ASSERT_EQ(vigil_engine_create(&o, &engine), VIGIL_OK) << vigil_last_error();
  EngineSink sink;
  // Submission k of thread t: checks [start, start + size) with sizes 0..11.
  std::vector<std::thread> producers;
  std::map<uint64_t, std::pair<size_t, size_t>> ranges;  // owner -> (start, size)
  size_t start = 0;
  for (uint64_t owner = 0; start < checks.size(); ++owner) {
    const size_t size = std::min<size_t>(owner % 12, checks.size() - start);
    ranges[owner] = {start, size};
    start += size;
  }
  for (int t = 0; t < 3; ++t) {
    producers.emplace_back([&, t] {
      for (const auto& [owner, range] : ranges) {
        if (owner % 3 != static_cast<uint64_t>(t)) continue;
        EXPECT_EQ(vigil_engine_submit(engine, owner, checks.data() + range.first, range.second, EngineSink::done, &sink),
                  VIGIL_OK);
      }
    });
  }
  for (auto& p : producers) p.join();
  vigil_engine_flush(engine);
  std::vector<char> metrics(vigil_engine_metrics(engine, nullptr, 0) + 1);
  vigil_engine_metrics(engine, metrics.data(), metrics.size());
  EXPECT_NE(std::string(metrics.data()).find("vigil_engine_submissions_total " + std::to_string(ranges.size())),
            std::string::npos)
      << metrics.data();
  vigil_engine_destroy(engine);  // drains
  ASSERT_EQ(sink.results.size(), ranges.size());
  for (const auto& [owner, range] : ranges) {
    const std::vector<uint8_t>& got = sink.results[owner];
    ASSERT_EQ(got.size(), range.second) << owner;
    for (size_t i = 0; i < range.second; ++i)
      EXPECT_EQ(got[i], gens[range.first + i].oracle ? 1 : 0) << "owner " << owner << " check " << i;
  }
  vigil_check bad{VIGIL_SCHEME_ED25519, nullptr, 5, nullptr, 0, nullptr, 0, nullptr};
  ASSERT_EQ(vigil_engine_create(&o, &engine), VIGIL_OK);
  EXPECT_EQ(vigil_engine_submit(engine, 1, &bad, 1, EngineSink::done, &sink), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(vigil_engine_submit(engine, 1, checks.data(), 1, nullptr, &sink), VIGIL_INVALID_ARGUMENT);
  vigil_engine_destroy(engine);
  vigil_engine_destroy(nullptr);
}

// An unknown scheme passed from C is refused with a status.
TEST(CApi, UnknownEnumValuesFromCAreRefused) {
  const uint8_t key[33] = {2};
  vigil_parsed_key parsed;
  for (int scheme : {6, 77, -1, 1 << 30})
    EXPECT_EQ(c_parse_key_with_scheme(scheme, key, sizeof key, &parsed), VIGIL_INVALID_ARGUMENT) << scheme;
  EXPECT_STREQ(c_status_name(99), "unknown status");
  EXPECT_STREQ(c_status_name(-5), "unknown status");
  EXPECT_STREQ(c_status_name(1), "invalid argument");
}

// The fields added to vigil_engine_options after the first release: a caller
// built against the older struct (struct_size without them) gets the
// defaults; out-of-range values are refused with a status.
TEST(CApi, EnginePipelineOptionsAndOlderStructs) {
  vigil_engine_options o;
  vigil_engine_options_init(&o);
  EXPECT_EQ(o.pipeline_depth, 0u);
  EXPECT_EQ(o.gpu_streams, 3u);
  o.verifier.backend = VIGIL_BACKEND_CPU;
  vigil_engine* engine = nullptr;
  o.pipeline_depth = 1000;
  EXPECT_EQ(vigil_engine_create(&o, &engine), VIGIL_INVALID_ARGUMENT);
  EXPECT_NE(std::string(vigil_last_error()).find("pipeline_depth"), std::string::npos) << vigil_last_error();
  o.pipeline_depth = 0;
  o.gpu_streams = 0;
  EXPECT_EQ(vigil_engine_create(&o, &engine), VIGIL_INVALID_ARGUMENT);
  EXPECT_EQ(engine, nullptr);
  // The older, shorter struct: the garbage in the new fields is not read.
  o.struct_size = offsetof(vigil_engine_options, pipeline_depth);
  o.pipeline_depth = 1000;
  ASSERT_EQ(vigil_engine_create(&o, &engine), VIGIL_OK) << vigil_last_error();
  std::vector<char> metrics(vigil_engine_metrics(engine, nullptr, 0) + 1);
  vigil_engine_metrics(engine, metrics.data(), metrics.size());
  EXPECT_NE(std::string(metrics.data()).find("vigil_engine_pipeline_depth 1\n"), std::string::npos) << metrics.data();
  vigil_engine_destroy(engine);
}

struct HashSink {
  std::mutex mu;
  std::map<uint64_t, std::vector<uint8_t>> hashes;  // owner -> 32 bytes per message
  std::map<uint64_t, std::pair<std::vector<uint8_t>, int>> roots;
  static void hashed(void* self, uint64_t owner, vigil_status status, const uint8_t* h, size_t count) {
    auto* sink = static_cast<HashSink*>(self);
    std::lock_guard lock(sink->mu);
    EXPECT_EQ(status, VIGIL_OK);
    EXPECT_TRUE(sink->hashes.emplace(owner, std::vector<uint8_t>(h, h + 32 * count)).second) << owner;
  }
  static void rooted(void* self, uint64_t owner, vigil_status status, const uint8_t* root, int mutated) {
    auto* sink = static_cast<HashSink*>(self);
    std::lock_guard lock(sink->mu);
    ASSERT_EQ(status, VIGIL_OK);
    EXPECT_TRUE(sink->roots.emplace(owner, std::make_pair(std::vector<uint8_t>(root, root + 32), mutated)).second);
  }
};

// Hash and Merkle jobs through the C engine match the C++ functions; bad
// jobs are refused with a status and no callback.
TEST(CApi, EngineHashAndMerkleJobs) {
  vigil_engine_options o;
  vigil_engine_options_init(&o);
  o.verifier.backend = VIGIL_BACKEND_CPU;
  o.hasher_backend = VIGIL_BACKEND_CPU;
  vigil_engine* engine = nullptr;
  ASSERT_EQ(vigil_engine_create(&o, &engine), VIGIL_OK) << vigil_last_error();
  HashSink sink;
  std::vector<Bytes> msgs;
  for (size_t n : {0, 1, 55, 56, 64, 300}) msgs.push_back(Bytes(n, static_cast<uint8_t>(n)));
  std::vector<const uint8_t*> ptrs;
  std::vector<size_t> lens;
  for (const Bytes& m : msgs) {
    ptrs.push_back(m.data());
    lens.push_back(m.size());
  }
  ASSERT_EQ(vigil_engine_submit_hashes(engine, 7, VIGIL_HASH_SHA256D, ptrs.data(), lens.data(), msgs.size(), nullptr, 0,
                                       HashSink::hashed, &sink),
            VIGIL_OK);
  ASSERT_EQ(vigil_engine_submit_hashes(engine, 8, VIGIL_HASH_SHA256, ptrs.data(), lens.data(), msgs.size(), nullptr, 0,
                                       HashSink::hashed, &sink),
            VIGIL_OK);
  EXPECT_EQ(vigil_engine_submit_hashes(engine, 9, VIGIL_HASH_SHA256, ptrs.data(), lens.data(), msgs.size(), "t", 1,
                                       HashSink::hashed, &sink),
            VIGIL_INVALID_ARGUMENT);
  for (int kind : {3, 9, -1, 1 << 20})  // from C, where any int can be passed
    EXPECT_EQ(c_engine_hashes_with_kind(engine, kind, msgs[1].data(), msgs[1].size(), HashSink::hashed, &sink),
              VIGIL_INVALID_ARGUMENT)
        << kind;
  std::vector<uint8_t> leaves(32 * 5);
  for (size_t i = 0; i < leaves.size(); ++i) leaves[i] = static_cast<uint8_t>(i * 7);
  std::copy(leaves.begin() + 64, leaves.begin() + 96, leaves.begin() + 96);  // leaves 2 and 3 (a pair) equal: mutated
  ASSERT_EQ(vigil_engine_submit_merkle(engine, 10, leaves.data(), 5, HashSink::rooted, &sink), VIGIL_OK);
  ASSERT_EQ(vigil_engine_submit_merkle(engine, 11, leaves.data(), 3, HashSink::rooted, &sink), VIGIL_OK);
  EXPECT_EQ(vigil_engine_submit_merkle(engine, 12, nullptr, 3, HashSink::rooted, &sink), VIGIL_INVALID_ARGUMENT);
  vigil_engine_destroy(engine);  // drains
  ASSERT_EQ(sink.hashes.size(), 2u);
  for (size_t i = 0; i < msgs.size(); ++i) {
    const ByteView m(msgs[i].data(), msgs[i].size());
    EXPECT_TRUE(std::equal(sink.hashes[7].begin() + 32 * i, sink.hashes[7].begin() + 32 * i + 32, sha256d(m).bytes.begin()));
    EXPECT_TRUE(std::equal(sink.hashes[8].begin() + 32 * i, sink.hashes[8].begin() + 32 * i + 32, sha256(m).bytes.begin()));
  }
  for (auto [owner, n] : {std::pair<uint64_t, size_t>{10, 5}, {11, 3}}) {
    std::vector<Hash256> in(n);
    for (size_t i = 0; i < n; ++i) std::copy_n(leaves.begin() + 32 * i, 32, in[i].bytes.begin());
    const MerkleResult want = merkle_root(in);
    ASSERT_EQ(sink.roots.count(owner), 1u);
    EXPECT_TRUE(std::equal(want.root.bytes.begin(), want.root.bytes.end(), sink.roots[owner].first.begin()));
    EXPECT_EQ(sink.roots[owner].second, want.mutated ? 1 : 0);
  }
  EXPECT_EQ(sink.roots[10].second, 1);
}

TEST(CApi, HashesAndMerkleRootsMatchTheCppApi) {
  vigil_hasher_options o;
  vigil_hasher_options_init(&o);
  o.backend = VIGIL_BACKEND_CPU;
  HasherHandle h;
  ASSERT_EQ(vigil_hasher_create(&o, &h.h), VIGIL_OK) << vigil_last_error();
  std::vector<Bytes> msgs = {{}, {'a', 'b', 'c'}, Bytes(1000, 7)};
  std::vector<const uint8_t*> ptrs;
  std::vector<size_t> lens;
  for (const Bytes& m : msgs) {
    ptrs.push_back(m.empty() ? nullptr : m.data());
    lens.push_back(m.size());
  }
  std::vector<uint8_t> out(32 * msgs.size());
  ASSERT_EQ(vigil_hash(h.h, VIGIL_HASH_SHA256D, ptrs.data(), lens.data(), msgs.size(), nullptr, 0, out.data()), VIGIL_OK);
  for (size_t i = 0; i < msgs.size(); ++i)
    EXPECT_EQ(to_hex(ByteView(out.data() + 32 * i, 32)), to_hex(sha256d(msgs[i]))) << i;
  ASSERT_EQ(vigil_hash(h.h, VIGIL_HASH_SHA256, ptrs.data(), lens.data(), msgs.size(), nullptr, 0, out.data()), VIGIL_OK);
  EXPECT_EQ(to_hex(ByteView(out.data() + 32, 32)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  ASSERT_EQ(vigil_hash(h.h, VIGIL_HASH_TAGGED, ptrs.data(), lens.data(), msgs.size(), "BIP0340/challenge", 17, out.data()),
            VIGIL_OK);
  const std::string tag = "BIP0340/challenge";
  const Hash256 tag_hash = sha256(ByteView(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
  Bytes tagged(tag_hash.bytes.begin(), tag_hash.bytes.end());
  tagged.insert(tagged.end(), tag_hash.bytes.begin(), tag_hash.bytes.end());
  tagged.insert(tagged.end(), msgs[1].begin(), msgs[1].end());
  EXPECT_EQ(to_hex(ByteView(out.data() + 32, 32)), to_hex(sha256(tagged)));
  for (int kind : {3, 9, -1, 1 << 20})  // from C, where any int can be passed
    EXPECT_EQ(c_hash_with_kind(h.h, kind, msgs[1].data(), msgs[1].size(), out.data()), VIGIL_INVALID_ARGUMENT) << kind;

  // Merkle roots: 0..9 leaves, and a mutated tree (the last two leaves equal).
  for (size_t n = 0; n < 10; ++n) {
    std::vector<Hash256> leaves(n);
    for (size_t i = 0; i < n; ++i) leaves[i] = sha256d(Bytes{static_cast<uint8_t>(i)});
    if (n == 6) leaves[5] = leaves[4];
    uint8_t root[32];
    int mutated = -1;
    ASSERT_EQ(vigil_merkle_root(h.h, n ? leaves[0].data() : nullptr, n, root, &mutated), VIGIL_OK);
    const MerkleResult want = merkle_root(leaves);
    EXPECT_EQ(to_hex(ByteView(root, 32)), to_hex(want.root)) << n;
    EXPECT_EQ(mutated, want.mutated ? 1 : 0) << n;
  }
}

}  // namespace
}  // namespace vigil::test
