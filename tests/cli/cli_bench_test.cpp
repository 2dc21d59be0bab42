// `vigil bench --quick`: the report's structure (context with machine,
// device, driver, commit, date and command; every group of rows; the
// Markdown table naming every row), every figure from a run (items and
// valid counts equal, rates positive), and every verification row -- the
// reference libraries' included -- rejecting a corrupted signature, so that
// no row measures a stub.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/process.hpp"

namespace vigil::clitest {
namespace {

TEST(VigilBench, QuickReportIsCompleteAndEveryFigureComesFromARun) {
  TempDir dir;
  const ProcessResult r = run_process({VIGIL_EXE_PATH, "bench", "--quick", "--backend", "cpu", "--out", dir.file("out")},
                                      "", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(slurp(dir.file("out") + "/bench.json"));
  const nlohmann::json& ctx = doc["context"];
  for (const char* field : {"date", "machine", "device", "driver", "commit", "command", "mode"}) {
    ASSERT_TRUE(ctx.contains(field)) << field;
    EXPECT_FALSE(ctx[field].get<std::string>().empty()) << field;
  }
  EXPECT_EQ(ctx["mode"], "quick");
  EXPECT_LT(ctx["seconds"].get<double>(), 120.0) << "--quick must finish in under two minutes";
  const std::string report = slurp(dir.file("out") + "/report.md");
  std::set<std::string> groups, references, models;
  for (const nlohmann::json& b : doc["benchmarks"]) {
    const std::string name = b["name"];
    groups.insert(b["group"].get<std::string>());
    EXPECT_GT(b["items"].get<uint64_t>(), 0u) << name;
    EXPECT_EQ(b["valid"], b["items"]) << name << ": not every result was valid";
    const double rate = b["items_per_second"];
    EXPECT_TRUE(std::isfinite(rate) && rate > 0) << name;
    EXPECT_NE(report.find("| " + name + " |"), std::string::npos) << name << " is missing from report.md";
    if (b["group"] == "verify") {
      EXPECT_TRUE(b["rejects_corrupted"].get<bool>()) << name << " accepted a corrupted signature";
      const std::string impl = b["implementation"];
      if (impl == "model-h100") {
        // The operation-count model: a bound from field operations counted
        // by running the kernels' code (its items verified, valid ones all
        // passed, the corrupted one failed), in a plausible range for an H100.
        models.insert(b["scheme"].get<std::string>());
        EXPECT_NE(b["note"].get<std::string>().find("model, not measured"), std::string::npos) << name;
        EXPECT_GT(rate, 1e6) << name;
        EXPECT_LT(rate, 1e9) << name;
      } else if (impl != "vigil-cpu" && impl != "vigil-gpu") {
        references.insert(b["scheme"].get<std::string>() + "/" + impl);
      }
    }
  }
  EXPECT_EQ(groups, (std::set<std::string>{"verify", "hash", "engine", "replay", "script"}));
  // Script execution per input form: every form the simulator writes.
  std::set<std::string> script_forms;
  for (const nlohmann::json& b : doc["benchmarks"])
    if (b["group"] == "script") script_forms.insert(b["scheme"].get<std::string>());
  EXPECT_EQ(script_forms, (std::set<std::string>{"p2pkh", "p2wpkh", "p2sh-multisig", "p2tr-keypath", "multisig",
                                                 "p2wsh-multisig", "p2tr-scriptpath", "p2sh", "p2wsh"}));
  bool share_noted = false;
  for (const nlohmann::json& n : doc["notes"])
    share_noted |= n.get<std::string>().find("of the CPU replay's") != std::string::npos;
  EXPECT_TRUE(share_noted) << doc["notes"].dump();
  EXPECT_EQ(references, (std::set<std::string>{"ecdsa/libsecp256k1", "ecdsa-lows/libsecp256k1", "ecdsa-bitcoin/libsecp256k1",
                                               "schnorr/libsecp256k1", "ed25519-strict/libsodium"}));
  EXPECT_EQ(models, (std::set<std::string>{"ecdsa", "ecdsa-lows", "ecdsa-bitcoin", "schnorr", "ed25519-strict", "ed25519"}));
  EXPECT_NE(report.find("| commit | "), std::string::npos);
  EXPECT_NE(report.find("## Plots"), std::string::npos);
}

}  // namespace
}  // namespace vigil::clitest
