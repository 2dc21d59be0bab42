// `vigil sim` against `vigil replay`: a simulated regtest chain (P2PKH,
// P2WPKH, P2SH multisig and P2TR key-path spends; bare and P2WSH multisig,
// taproot script path with CHECKSIGADD, CLTV and CSV locks, which need the
// script interpreter; stale fork blocks written first) replays to the
// manifest's tip with every input of every form verified; each kind of
// deliberately invalid block (a broken lock among them) is found at the
// manifest's height, with its hash and reason; the same seed writes the same chain.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

// `vigil replay --json ARGS <chain's blk files>`: its summary.
nlohmann::json replay_files(const TempDir& dir, const std::string& chain, std::vector<std::string> args, int expect_exit) {
  args.insert(args.begin(), {"replay", "--json", "--no-sync"});
  for (const std::string& f : blk_files(chain)) args.push_back(f);
  const ProcessResult r = vigil_run(dir, args);
  EXPECT_EQ(r.exit_code, expect_exit) << describe(r);
  return r.exit_code == expect_exit ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

nlohmann::json replay_json(const TempDir& dir, const std::string& chain, const std::string& datadir, int expect_exit) {
  return replay_files(dir, chain, {"--network", "regtest", "--datadir", datadir}, expect_exit);
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
  // Every form the simulator writes was met (the CLTV lock is a P2SH redeem
  // script, the CSV lock a P2WSH witness script), and nothing else.
  const nlohmann::json& forms = j["inputs_by_form"];
  for (const char* form : {"p2pkh", "p2wpkh", "p2sh-multisig", "p2tr-keypath", "multisig", "p2wsh-multisig",
                           "p2tr-scriptpath", "p2sh", "p2wsh"}) {
    ASSERT_TRUE(forms.contains(form)) << form << " missing: " << forms.dump();
    EXPECT_GE(forms[form].get<int>(), 50) << form;
  }
  EXPECT_EQ(forms.size(), 9u) << forms.dump();
  EXPECT_EQ(j["orphan_blocks"], 0);  // the stale siblings are on forks, not orphans
  EXPECT_EQ(j["signatures"], manifest["signatures"]);
  EXPECT_EQ(j["transactions"].get<uint64_t>(), manifest["transactions"].get<uint64_t>() + 1);  // + genesis
  // The same seed writes the same chain.
  const ProcessResult again = vigil_run(dir, {"sim", "--out", dir.file("again"), "--blocks", "140", "--txs", "24", "--forks", "4"});
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  EXPECT_EQ(nlohmann::json::parse(slurp(dir.file("again") + "/manifest.json"))["tip"], manifest["tip"]);
}

TEST(VigilSim, EveryKindOfInvalidBlockIsFoundWhereTheManifestSays) {
  // cltv: the script fails (UNSATISFIED_LOCKTIME); nonfinal: IsFinalTx;
  // sequence: BIP68, with a sequence the script itself accepts.
  for (const char* kind : {"badsig", "overspend", "doublespend", "badmerkle", "cltv", "nonfinal", "sequence"}) {
    SCOPED_TRACE(kind);
    TempDir dir;
    const std::string chain = dir.file("chain");
    const ProcessResult s =
        vigil_run(dir, {"sim", "--out", chain, "--blocks", "115", "--txs", "24", "--invalid-at", "110", "--invalid-kind", kind});
    ASSERT_EQ(s.exit_code, 0) << describe(s);
    const nlohmann::json manifest = nlohmann::json::parse(slurp(chain + "/manifest.json"));
    ASSERT_EQ(manifest["expected"]["outcome"], "invalid");
    const nlohmann::json& want = manifest["expected"]["block"];
    const nlohmann::json j = replay_json(dir, chain, dir.file("d"), 1);
    EXPECT_EQ(j["invalid_block"]["height"], want["height"]);
    EXPECT_EQ(j["invalid_block"]["hash"], want["hash"]);
    EXPECT_EQ(j["invalid_block"]["reason"], want["reason"]);
    EXPECT_EQ(j["height"], 109);
    // The lock kinds' reasons, as Core gives them (not only as the manifest says).
    const std::string k = kind, debug = j["invalid_block"].value("debug", "");
    if (k == "cltv") EXPECT_EQ(want["reason"], "mandatory-script-verify-flag-failed (Locktime requirement not satisfied)");
    if (k == "nonfinal" || k == "sequence") EXPECT_EQ(want["reason"], "bad-txns-nonfinal");
    if (k == "sequence") EXPECT_NE(debug.find("BIP68"), std::string::npos) << debug;
    if (k == "nonfinal") EXPECT_NE(debug.find("non-final transaction"), std::string::npos) << debug;
  }
}

// `vigil sim --out <dir>/chain ARGS`: its manifest.
nlohmann::json simulate(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"sim", "--out", dir.file("chain")});
  const ProcessResult s = vigil_run(dir, args);
  EXPECT_EQ(s.exit_code, 0) << describe(s);
  return s.exit_code == 0 ? nlohmann::json::parse(slurp(dir.file("chain") + "/manifest.json")) : nlohmann::json::object();
}

// Replays a simulated chain under its own chain.json.
nlohmann::json replay_chain(const TempDir& dir, const std::string& chain, const std::string& datadir, int expect_exit,
                            std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"--chain", chain + "/chain.json", "--datadir", datadir});
  return replay_files(dir, chain, extra, expect_exit);
}

// pow -> bft at 30, with the simulator's two branches at the switch (the
// old module going on past it; the new one starting a block early), each
// with more work than the chain: replay tries them, finds each invalid where
// the other module would have accepted it, and falls back to the chain.
TEST(VigilSimSwitch, PowToBftFallsBackFromBranchesValidOnlyUnderTheOtherModule) {
  TempDir dir;
  const std::string chain = dir.file("chain");
  const nlohmann::json manifest = simulate(dir, {"--blocks", "60", "--txs", "4", "--modules", "pow:0,bft:30"});
  ASSERT_FALSE(manifest.empty());
  EXPECT_GT(manifest["switch_branch_blocks"].get<int>(), 60);
  const nlohmann::json j = replay_chain(dir, chain, dir.file("d"), 1);
  EXPECT_EQ(j["tip"], manifest["expected"]["tip"]);
  EXPECT_EQ(j["height"], 60);
  EXPECT_EQ(j["final_height"], 60);
  // Both branches tried, in file order (their work is equal), each refused
  // by the module scheduled for the height of its first block.
  ASSERT_EQ(j["invalid"].size(), 2u) << j["invalid"].dump();
  EXPECT_EQ(j["invalid"][0]["height"], 30);
  EXPECT_EQ(j["invalid"][0]["reason"], "bft-cert-missing");  // pow going on past the switch
  EXPECT_EQ(j["invalid"][0]["module"], "bft/v1");
  EXPECT_EQ(j["invalid"][1]["height"], 29);
  EXPECT_EQ(j["invalid"][1]["reason"], "high-hash");  // bft a block early: certified, not mined
  EXPECT_EQ(j["invalid"][1]["module"], "pow/v1");
  // The UTXO set after those reorganisations equals a clean replay of the
  // chain alone (the same seed without the branches).
  const TempDir clean_dir;
  const nlohmann::json clean_manifest = simulate(clean_dir, {"--blocks", "60", "--txs", "4", "--modules", "pow:0,bft:30", "--no-switch-branches"});
  EXPECT_EQ(clean_manifest["tip"], manifest["tip"]);
  EXPECT_EQ(clean_manifest["switch_branch_blocks"], 0);
  const nlohmann::json clean = replay_chain(clean_dir, clean_dir.file("chain"), clean_dir.file("d"), 0);
  EXPECT_EQ(clean["tip"], j["tip"]);
  EXPECT_EQ(clean["utxo_digest"], j["utxo_digest"]);
  EXPECT_EQ(clean["utxo_count"], j["utxo_count"]);
  EXPECT_EQ(clean["invalid_blocks"], 0);
  // Validator set 1 took over at 42 (announced at 40): the chain verified through it.
  EXPECT_EQ(j["inputs_not_verified"], 0);
  // A second run finds the chain at its tip; the schedule stored with it matches.
  const nlohmann::json again = replay_chain(dir, chain, dir.file("d"), 0);
  EXPECT_EQ(again["tip"], manifest["expected"]["tip"]);
  EXPECT_EQ(again["blocks_connected"], 0);
  // Moving the switch behind the tip is refused, naming the height to rewind to.
  std::string config = slurp(chain + "/chain.json");
  const size_t at = config.find("\"height\": 30");
  ASSERT_NE(at, std::string::npos);
  config.replace(at, 12, "\"height\": 35");
  {
    std::ofstream(chain + "/chain.json") << config;
  }
  std::vector<std::string> args = {"replay", "--json", "--no-sync", "--chain", chain + "/chain.json", "--datadir", dir.file("d")};
  for (const std::string& f : blk_files(chain)) args.push_back(f);
  const ProcessResult refused = vigil_run(dir, args);
  EXPECT_EQ(refused.exit_code, 2) << describe(refused);
  EXPECT_NE(refused.err.find("rewind the chain to height 29"), std::string::npos) << refused.err;
}

// Every module and every switch between two of them, in two chains: each
// switch's two branches are tried in file order and refused where the other
// module would have accepted them -- except a branch that forks below a
// final bft block, which fork choice never follows.
TEST(VigilSimSwitch, EveryModuleAndEverySwitch) {
  struct Case {
    const char* modules;
    int final_height;
    std::vector<std::pair<int, std::string>> invalid;
  };
  const Case cases[] = {
      {"pow:0,signet:20,bft:40,pow:60", 59,
       {{20, "bad-signet-blksig"}, {19, "high-hash"}, {40, "bft-cert-missing"}, {39, "high-hash"}, {60, "high-hash"}}},
      {"pow:0,bft:20,signet:40,pow:60", 39,
       {{20, "bft-cert-missing"}, {19, "high-hash"}, {40, "high-hash"}, {60, "high-hash"}, {59, "high-hash"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.modules);
    TempDir dir;
    const nlohmann::json manifest = simulate(dir, {"--blocks", "75", "--txs", "4", "--modules", c.modules});
    ASSERT_FALSE(manifest.empty());
    const nlohmann::json j = replay_chain(dir, dir.file("chain"), dir.file("d"), 1);
    EXPECT_EQ(j["tip"], manifest["expected"]["tip"]);
    EXPECT_EQ(j["height"], 75);
    EXPECT_EQ(j["final_height"], c.final_height);
    ASSERT_EQ(j["invalid"].size(), c.invalid.size()) << j["invalid"].dump();
    for (size_t i = 0; i < c.invalid.size(); ++i) {
      EXPECT_EQ(j["invalid"][i]["height"], c.invalid[i].first) << i;
      EXPECT_EQ(j["invalid"][i]["reason"], c.invalid[i].second) << i;
    }
  }
}

// A chain that switches from pow to a plugin (the example plugin, loaded
// from the path chain.json names) and replays under it.
TEST(VigilSimSwitch, PowToAPluginModule) {
  TempDir dir;
  const nlohmann::json manifest =
      simulate(dir, {"--blocks", "40", "--txs", "2", "--modules", "pow:0,examplepow:20", "--plugin", std::string("examplepow=") + VIGIL_EXAMPLE_PLUGIN});
  ASSERT_FALSE(manifest.empty());
  const nlohmann::json j = replay_chain(dir, dir.file("chain"), dir.file("d"), 0);
  EXPECT_EQ(j["tip"], manifest["expected"]["tip"]);
  EXPECT_EQ(j["height"], 40);
  // A plugin path that does not load: a clear error, nothing connected.
  std::string config = slurp(dir.file("chain") + "/chain.json");
  const size_t at = config.find(VIGIL_EXAMPLE_PLUGIN);
  ASSERT_NE(at, std::string::npos);
  config.replace(at, std::string(VIGIL_EXAMPLE_PLUGIN).size(), "/nonexistent/libnothing.so");
  {
    std::ofstream(dir.file("chain") + "/chain.json") << config;
  }
  std::vector<std::string> args = {"replay", "--chain", dir.file("chain") + "/chain.json", "--datadir", dir.file("d2")};
  for (const std::string& f : blk_files(dir.file("chain"))) args.push_back(f);
  const ProcessResult r = vigil_run(dir, args);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("cannot load plugin /nonexistent/libnothing.so"), std::string::npos) << r.err;
}

// The replay: 2,000 blocks, pow -> bft at 1,000. The CPU and the GPU
// path (the emulated device on a machine without a GPU, the real one with)
// reach the same tip and UTXO digest.
TEST(VigilSimSwitch, TwoThousandBlocksPowToBftSameTipOnEveryBackend) {
  TempDir dir;
  const std::string chain = dir.file("chain");
  const nlohmann::json manifest = simulate(dir, {"--blocks", "2000", "--txs", "3", "--modules", "pow:0,bft:1000"});
  ASSERT_FALSE(manifest.empty());
  const nlohmann::json cpu = replay_chain(dir, chain, dir.file("cpu"), 1, {"--backend", "cpu"});
  EXPECT_EQ(cpu["tip"], manifest["expected"]["tip"]);
  EXPECT_EQ(cpu["height"], 2000);
  EXPECT_EQ(cpu["final_height"], 2000);
  EXPECT_EQ(cpu["inputs_not_verified"], 0);
  // The real GPU when there is one; else the emulated device (the kernels'
  // own code on the host), which `--backend gpu` refuses without.
  std::vector<std::string> args = {"replay", "--json", "--no-sync", "--backend", "gpu", "--chain", chain + "/chain.json",
                                   "--datadir", dir.file("gpu")};
  for (const std::string& f : blk_files(chain)) args.push_back(f);
  ProcessResult r = vigil_run(dir, args);
  const bool real_gpu = r.exit_code != 2;
  if (!real_gpu) {
    setenv("VIGIL_FAULT_INJECT", "device=emulated", 1);
    r = vigil_run(dir, args);
    unsetenv("VIGIL_FAULT_INJECT");
  }
  ASSERT_EQ(r.exit_code, 1) << describe(r);
  std::printf("GPU path: %s\n", real_gpu ? "a real GPU" : "the emulated device (no usable GPU)");
  const nlohmann::json gpu = nlohmann::json::parse(r.out);
  EXPECT_EQ(gpu["tip"], cpu["tip"]);
  EXPECT_EQ(gpu["utxo_digest"], cpu["utxo_digest"]);
  EXPECT_EQ(gpu["utxo_count"], cpu["utxo_count"]);
  EXPECT_NE(gpu["backend"].get<std::string>().find("gpu"), std::string::npos) << gpu["backend"];
}

}  // namespace
}  // namespace vigil::clitest
