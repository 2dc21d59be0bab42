// `vigil sim` against `vigil replay`: a simulated regtest chain (P2PKH,
// P2WPKH, P2SH multisig and P2TR key-path spends, stale fork blocks written
// first) replays to the manifest's tip with every input verified; each kind
// of deliberately invalid block is found at the manifest's height, with its
// hash and reason; the same seed writes the same chain.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/process.hpp"

namespace vigil::clitest {
namespace {

ProcessResult vigil_run(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), VIGIL_EXE_PATH);
  return run_process(args, "", dir.path());
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstderr: " + r.err + "\nstdout: " + r.out.substr(0, 800);
}

std::vector<std::string> blk_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind("blk", 0) == 0) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json replay_json(const TempDir& dir, const std::string& chain, const std::string& datadir, int expect_exit) {
  std::vector<std::string> args = {"replay", "--json", "--no-sync", "--network", "regtest", "--datadir", datadir};
  for (const std::string& f : blk_files(chain)) args.push_back(f);
  const ProcessResult r = vigil_run(dir, args);
  EXPECT_EQ(r.exit_code, expect_exit) << describe(r);
  return r.exit_code == expect_exit ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

TEST(VigilSim, ReplaysToTheManifestsTipWithEveryInputVerified) {
  TempDir dir;
  const std::string chain = dir.file("chain");
  const ProcessResult s = vigil_run(dir, {"sim", "--out", chain, "--blocks", "140", "--txs", "24", "--forks", "4"});
  ASSERT_EQ(s.exit_code, 0) << describe(s);
  const nlohmann::json manifest = nlohmann::json::parse(slurp(chain + "/manifest.json"));
  ASSERT_EQ(manifest["expected"]["outcome"], "valid");
  const nlohmann::json j = replay_json(dir, chain, dir.file("d"), 0);
  EXPECT_EQ(j["tip"], manifest["expected"]["tip"]);
  EXPECT_EQ(j["height"], 140);
  EXPECT_EQ(j["inputs_not_verified"], 0);
  EXPECT_EQ(j["orphan_blocks"], 0);  // the stale siblings are on forks, not orphans
  EXPECT_EQ(j["signatures"], manifest["signatures"]);
  EXPECT_EQ(j["transactions"].get<uint64_t>(), manifest["transactions"].get<uint64_t>() + 1);  // + genesis
  // The same seed writes the same chain.
  const ProcessResult again = vigil_run(dir, {"sim", "--out", dir.file("again"), "--blocks", "140", "--txs", "24", "--forks", "4"});
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir.file("again") + "/manifest.json"))["tip"], manifest["tip"]);
}

TEST(VigilSim, EveryKindOfInvalidBlockIsFoundWhereTheManifestSays) {
  for (const char* kind : {"badsig", "overspend", "doublespend", "badmerkle"}) {
    SCOPED_TRACE(kind);
    TempDir dir;
    const std::string chain = dir.file("chain");
    const ProcessResult s =
        vigil_run(dir, {"sim", "--out", chain, "--blocks", "115", "--txs", "8", "--invalid-at", "110", "--invalid-kind", kind});
    ASSERT_EQ(s.exit_code, 0) << describe(s);
    const nlohmann::json manifest = nlohmann::json::parse(slurp(chain + "/manifest.json"));
    ASSERT_EQ(manifest["expected"]["outcome"], "invalid");
    const nlohmann::json& want = manifest["expected"]["block"];
    const nlohmann::json j = replay_json(dir, chain, dir.file("d"), 1);
    EXPECT_EQ(j["invalid_block"]["height"], want["height"]);
    EXPECT_EQ(j["invalid_block"]["hash"], want["hash"]);
    EXPECT_EQ(j["invalid_block"]["reason"], want["reason"]);
    EXPECT_EQ(j["height"], 109);
  }
}

}  // namespace
}  // namespace vigil::clitest
