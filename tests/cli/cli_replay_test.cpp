// End-to-end tests of `vigil replay`: mainnet blocks 0..438 from genesis,
// crashes (SIGKILL at random moments) and restarts until done with the same
// UTXO digest as an uninterrupted run, a reorganisation onto btcd's longer
// fork branch (files in any order) equal to a clean replay of the winning
// chain, a stop at the first invalid block, and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "cli/process.hpp"
#include "util/test_util.hpp"
#include "vigil/block.hpp"
#include "vigil/hash.hpp"

namespace vigil::clitest {
namespace {

const std::string kMainnet = test::data_path("bitcoinj/first-100k-blocks.dat");

ProcessResult replay(const TempDir& dir, std::vector<std::string> args, int kill_after_ms = 0) {
  args.insert(args.begin(), {VIGIL_EXE_PATH, "replay", "--json"});
  return run_process(args, "", dir.path(), kill_after_ms);
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + " signal " + std::to_string(r.signal) + "\nstderr: " + r.err +
         "\nstdout: " + r.out.substr(0, 800);
}

nlohmann::json summary(const ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

// The btcd fork test files, decompressed into `dir`.
std::vector<std::string> btcd_files(const TempDir& dir) {
  std::vector<std::string> out;
  for (const char* name : {"blk_0_to_4", "blk_3A", "blk_4A", "blk_5A"}) {
    const ProcessResult r = run_process({"/usr/bin/bzip2", "-dc", test::data_path(std::string("btcd/") + name + ".dat.bz2")},
                                        "", dir.path());
    EXPECT_EQ(r.exit_code, 0) << describe(r);
    out.push_back(dir.file(std::string(name) + ".dat"));
    write_file(out.back(), r.out);
  }
  return out;
}

TEST(VigilReplay, MainnetFromGenesisTwiceGivesTheSameDigest) {
  TempDir dir;
  const nlohmann::json a = summary(replay(dir, {kMainnet, "--datadir", dir.file("a")}));
  EXPECT_EQ(a["height"], 438);
  EXPECT_EQ(a["blocks_connected"], 439);
  EXPECT_EQ(a["inputs_not_verified"], 0);
  EXPECT_GT(a["signatures"].get<int>(), 0);
  const Bytes contents = test::read_file(kMainnet);
  std::vector<BlockRecord> records;
  ASSERT_TRUE(split_block_file(contents, &records).ok());
  EXPECT_EQ(a["tip"], to_display_hex(sha256d(ByteView(records.back().bytes.data(), 80))));
  const nlohmann::json b = summary(replay(dir, {kMainnet, "--datadir", dir.file("b"), "--backend", "cpu"}));
  EXPECT_EQ(a["utxo_digest"], b["utxo_digest"]);
  EXPECT_EQ(a["utxo_count"], b["utxo_count"]);
  // Run again: nothing left to do.
  const nlohmann::json again = summary(replay(dir, {kMainnet, "--datadir", dir.file("a")}));
  EXPECT_EQ(again["blocks_connected"], 0);
  EXPECT_EQ(again["utxo_digest"], a["utxo_digest"]);
}

TEST(VigilReplay, KilledAtRandomMomentsAndRestartedEndsWithTheSameDigest) {
  TempDir dir;
  const auto t0 = std::chrono::steady_clock::now();
  const nlohmann::json straight = summary(replay(dir, {kMainnet, "--datadir", dir.file("straight")}));
  const auto ms_since = [](std::chrono::steady_clock::time_point t) {
    return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count());
  };
  const int whole_ms = ms_since(t0);
  // What a run costs before and after its work (start, opening the store, a
  // run with nothing left to do): kills land after most of it, anywhere in
  // the first half of the work, so that each killed run can have done some
  // (under a sanitizer the start alone can outlast half a whole run).
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(summary(replay(dir, {kMainnet, "--datadir", dir.file("straight")}))["blocks_connected"], 0);
  const int idle_ms = ms_since(t1);
  const int work_ms = std::max(2, whole_ms - idle_ms);
  std::mt19937_64 rng(test::test_seed());
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(test::test_seed()) + ", whole run " + std::to_string(whole_ms) +
               " ms, idle run " + std::to_string(idle_ms) + " ms");
  int kills = 0;
  ProcessResult r;
  for (int attempt = 0; attempt < 60; ++attempt) {
    r = replay(dir, {kMainnet, "--datadir", dir.file("crashy")},
               idle_ms / 2 + 1 + static_cast<int>(rng() % static_cast<uint64_t>(std::max(2, work_ms / 2 + idle_ms / 2))));
    if (r.signal == 0) break;
    ++kills;
  }
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json done = nlohmann::json::parse(r.out);
  EXPECT_EQ(done["height"], 438);
  EXPECT_EQ(done["utxo_digest"], straight["utxo_digest"]) << kills << " kills";
  EXPECT_EQ(done["utxo_count"], straight["utxo_count"]);
  EXPECT_GE(kills, 1) << "no run was killed: the test proved nothing";
  RecordProperty("kills", kills);
}

TEST(VigilReplay, ReorganisesOntoTheLongerBranchLikeACleanReplay) {
  TempDir dir;
  const std::vector<std::string> f = btcd_files(dir);
  const std::string maturity = "1";  // btcd's test chains spend coinbases at once
  const nlohmann::json first = summary(replay(dir, {f[0], "--datadir", dir.file("d"), "--coinbase-maturity", maturity}));
  EXPECT_EQ(first["height"], 4);
  const nlohmann::json reorg =
      summary(replay(dir, {f[0], f[1], f[2], f[3], "--datadir", dir.file("d"), "--coinbase-maturity", maturity}));
  EXPECT_EQ(reorg["height"], 5);
  EXPECT_EQ(reorg["blocks_disconnected"], 2);  // 3 and 4 of the first branch
  EXPECT_EQ(reorg["blocks_connected"], 3);     // 3A, 4A, 5A
  // A clean replay of the same files, given in another order.
  const nlohmann::json clean =
      summary(replay(dir, {f[3], f[1], f[0], f[2], "--datadir", dir.file("clean"), "--coinbase-maturity", maturity}));
  EXPECT_EQ(clean["tip"], reorg["tip"]);
  EXPECT_EQ(clean["utxo_digest"], reorg["utxo_digest"]);
  EXPECT_EQ(clean["utxo_count"], reorg["utxo_count"]);
}

TEST(VigilReplay, ReportsAnInvalidBlockWithHeightHashAndReasonAndEndsBeforeIt) {
  TempDir dir;
  const Bytes contents = test::read_file(kMainnet);
  std::vector<BlockRecord> records;
  ASSERT_TRUE(split_block_file(contents, &records).ok());
  std::string framed;
  for (size_t h = 0; h <= 200; ++h) {
    Bytes b = records[h].bytes;
    if (h == 170) b[40] ^= 1;  // its Merkle root (and so its hash and proof of work)
    framed += std::string("\xf9\xbe\xb4\xd9", 4);
    for (int i = 0; i < 4; ++i) framed.push_back(static_cast<char>(b.size() >> (8 * i)));
    framed.append(b.begin(), b.end());
  }
  write_file(dir.file("blk00000.dat"), framed);
  const ProcessResult r = replay(dir, {dir.file("blk00000.dat"), "--datadir", dir.file("d")});
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["height"], 169);
  EXPECT_EQ(j["invalid_block"]["height"], 170);
  EXPECT_EQ(j["invalid_block"]["reason"], "high-hash");
  EXPECT_EQ(j["orphan_blocks"], 30);  // 171..200 follow the original block 170
}

TEST(VigilReplay, Errors) {
  TempDir dir;
  write_file(dir.file("garbage.dat"), std::string("\xf9\xbe\xb4\xd9\xff\xff\x00\x00" "abc", 11));
  ProcessResult r = replay(dir, {dir.file("garbage.dat"), "--datadir", dir.file("d")});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("byte"), std::string::npos) << describe(r);
  // A data directory whose tip is not in the files given.
  const std::vector<std::string> f = btcd_files(dir);
  summary(replay(dir, {kMainnet, "--datadir", dir.file("main")}));
  r = replay(dir, {f[0], "--datadir", dir.file("main")});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("not in the given files"), std::string::npos) << describe(r);
  // Other consensus parameters for the same data directory: refused before anything is read.
  r = replay(dir, {kMainnet, "--datadir", dir.file("main"), "--coinbase-maturity", "1"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("start a new data directory"), std::string::npos) << describe(r);
}

}  // namespace
}  // namespace vigil::clitest
