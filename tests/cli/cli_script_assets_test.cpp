// `vigil script assets`: our cases (tests/data/script-assets/vigil_assets.json)
// all behave, the committed file is what its generator makes, a corrupted
// success signature is found and named, Core's trailing comma is accepted,
// and malformed input is an error naming the entry. Each failure half also
// fails for the reason its comment names ("[ERROR_NAME]", Core's name).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "cli/process.hpp"
#include "cli/script_assets_gen.hpp"
#include "util/test_util.hpp"
#include "vigil/script.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil::clitest {
namespace {

using nlohmann::json;

const std::string kAssets = test::data_path("script-assets/vigil_assets.json");

ProcessResult assets(const TempDir& dir, const std::string& file) {
  return run_process({VIGIL_EXE_PATH, "script", "assets", file}, "", dir.path());
}

std::string describe(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstderr: " + r.err + "\nstdout: " + r.out.substr(0, 4000);
}

json load() { return json::parse(test::read_text(kAssets)); }

std::string summary(size_t n, size_t failed) {
  return std::to_string(n) + " entries, " + std::to_string(failed) + " failed\n";
}

TEST(ScriptAssetsFile, IsWhatTheGeneratorMakes) {
  const std::string made = make_vigil_script_assets();
  EXPECT_EQ(made, make_vigil_script_assets()) << "the generator is not deterministic";
  EXPECT_TRUE(made == test::read_text(kAssets))
      << "tests/data/script-assets/vigil_assets.json differs from what the generator makes: run "
         "vigil_make_script_assets tests/data/script-assets/vigil_assets.json (see tests/data/SOURCES.md)";
}

TEST(ScriptAssetsFile, CoversWhatItShould) {
  const json doc = load();
  ASSERT_GE(doc.size(), 40u);
  std::string comments;
  for (const json& e : doc) {
    const std::string c = e["comment"];
    comments += c + "\n";
    // Every failure half names the error it must fail with.
    if (e.contains("failure")) {
      EXPECT_TRUE(std::regex_search(c, std::regex("\\[[A-Z_]+\\]$"))) << c;
    }
  }
  for (const char* what : {"key path, SIGHASH_DEFAULT", "SIGHASH_ALL|ANYONECANPAY", "depth 0", "depth 2", "depth 3",
                           "depth 128", "parity bit", "annex", "OP_SUCCESS", "OP_CHECKSIGADD 2-of-3",
                           "OP_CHECKSIGADD 3-of-5", "unknown leaf version", "TAPROOT_WRONG_CONTROL_SIZE", "P2WSH",
                           "P2SH-P2WPKH", "P2WPKH", "legacy P2PKH", "legacy P2SH", "CHECKLOCKTIMEVERIFY"})
    EXPECT_NE(comments.find(what), std::string::npos) << what;
}

TEST(VigilScriptAssets, OurCasesAllBehave) {
  TempDir dir;
  const ProcessResult r = assets(dir, kAssets);
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, summary(load().size(), 0)) << describe(r);
}

// Each failure half, under exactly its entry's flags, fails with the error
// its comment names: the failure is for the reason the case was made for.
TEST(VigilScriptAssets, FailuresFailForTheirReason) {
  const json doc = load();
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& e = doc[i];
    if (!e.contains("failure")) continue;
    const std::string comment = e["comment"];
    std::smatch m;
    ASSERT_TRUE(std::regex_search(comment, m, std::regex("\\[([A-Z_]+)\\]$"))) << comment;
    const std::optional<script::Error> want = script::error_from_name(m[1].str());
    ASSERT_TRUE(want.has_value()) << m[1].str();

    Transaction parsed;
    const Bytes tx_bytes = test::hex(e["tx"]);
    ASSERT_TRUE(parse_transaction(tx_bytes, &parsed).ok());
    OwnedTx tx = own(parsed);
    const size_t index = e["index"];
    tx.inputs[index].script_sig = test::hex(e["failure"]["scriptSig"]);
    tx.inputs[index].witness.clear();
    for (const json& w : e["failure"]["witness"]) tx.inputs[index].witness.push_back(test::hex(w));
    const Bytes bytes = serialize(tx);
    Transaction spending;
    ASSERT_TRUE(parse_transaction(bytes, &spending).ok());
    std::vector<Bytes> prevouts;
    std::vector<SpentOutput> spent;
    for (const json& p : e["prevouts"]) prevouts.push_back(test::hex(p));
    for (const Bytes& p : prevouts) {
      ASSERT_GE(p.size(), 9u);
      int64_t value = 0;
      for (int b = 0; b < 8; ++b) value |= int64_t{p[b]} << (8 * b);
      spent.push_back({value, ByteView(p.data() + 9, p.size() - 9)});  // the cases' scripts are < 253 bytes
    }
    const script::TxContext ctx(spending, spent);
    script::ImmediateOracle oracle;
    const std::optional<uint32_t> flags = script::parse_flags(e["flags"].get<std::string>());
    ASSERT_TRUE(flags.has_value());
    script::Error err = script::Error::kOk;
    EXPECT_FALSE(script::verify_input(ctx, static_cast<uint32_t>(index), *flags, oracle, &err)) << "entry " << i;
    EXPECT_EQ(script::error_name(err), script::error_name(*want)) << "entry " << i << ": " << comment;
  }
}

TEST(VigilScriptAssets, ACorruptedSuccessSignatureIsFoundAndNamed) {
  TempDir dir;
  json doc = load();
  size_t target = doc.size();
  for (size_t i = 0; i < doc.size(); ++i)
    if (doc[i]["comment"].get<std::string>().rfind("OP_CHECKSIGADD 2-of-3, keys 1 and 3", 0) == 0) target = i;
  ASSERT_LT(target, doc.size());
  // Key 1's signature (the last before script and control block): flip a bit of s.
  json& witness = doc[target]["success"]["witness"];
  std::string sig = witness[witness.size() - 3];
  ASSERT_EQ(sig.size(), 128u);
  sig[127] = sig[127] == '0' ? '1' : '0';
  witness[witness.size() - 3] = sig;
  write_file(dir.file("corrupt.json"), doc.dump());
  const ProcessResult r = assets(dir, dir.file("corrupt.json"));
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.out.find("entry " + std::to_string(target) + " "), std::string::npos) << describe(r);
  EXPECT_NE(r.out.find("success fails under"), std::string::npos) << describe(r);
  EXPECT_NE(r.out.find("SCHNORR_SIG"), std::string::npos) << describe(r);
  EXPECT_NE(r.out.find(summary(doc.size(), 1)), std::string::npos) << describe(r);
  // Exactly one entry named.
  EXPECT_EQ(r.out.find("entry "), r.out.rfind("entry ")) << describe(r);
}

TEST(VigilScriptAssets, AFailureHalfThatPassesIsNamed) {
  TempDir dir;
  json doc = load();
  doc[3]["failure"] = doc[3]["success"];
  write_file(dir.file("passes.json"), doc.dump());
  const ProcessResult r = assets(dir, dir.file("passes.json"));
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_NE(r.out.find("entry 3 "), std::string::npos) << describe(r);
  EXPECT_NE(r.out.find("failure passes under"), std::string::npos) << describe(r);
  EXPECT_NE(r.out.find(": OK"), std::string::npos) << describe(r);
}

TEST(VigilScriptAssets, ATrailingCommaIsAccepted) {
  TempDir dir;
  std::string text = test::read_text(kAssets);
  const size_t close = text.rfind(']');
  ASSERT_NE(close, std::string::npos);
  text.insert(close, ",\n");  // as Core's script_assets_test.json ends: "},\n]"
  write_file(dir.file("comma.json"), text);
  ProcessResult r = assets(dir, dir.file("comma.json"));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, summary(load().size(), 0)) << describe(r);
  write_file(dir.file("empty.json"), "[\n]\n");
  r = assets(dir, dir.file("empty.json"));
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, summary(0, 0));
  // Only one trailing comma, only at the end.
  write_file(dir.file("two.json"), "[{},,]");
  EXPECT_EQ(assets(dir, dir.file("two.json")).exit_code, 2);
}

// Malformed input: exit 2, a message naming the entry and what is wrong, no
// crash, nothing on stdout.
TEST(VigilScriptAssets, MalformedInputIsAnErrorNamingTheEntry) {
  TempDir dir;
  const json doc = load();
  struct Bad {
    std::string name, text, message;
  };
  std::vector<Bad> cases;
  auto edit = [&](const std::string& name, size_t entry, auto change, const std::string& message) {
    json d = doc;
    change(d[entry]);
    cases.push_back({name, d.dump(), "entry " + std::to_string(entry) + ": " + message});
  };
  cases.push_back({"not JSON", "this is not JSON", "not JSON"});
  cases.push_back({"truncated", test::read_text(kAssets).substr(0, 500), "not JSON"});
  cases.push_back({"an object", "{\"tx\": \"00\"}", "not a JSON array"});
  cases.push_back({"empty", "", "not JSON"});
  edit("bad tx hex", 2, [](json& e) { e["tx"] = "0200zz"; }, "\"tx\" is not a hex string");
  edit("odd tx hex", 2, [](json& e) { e["tx"] = e["tx"].get<std::string>() + "0"; }, "\"tx\" is not a hex string");
  edit("tx not a transaction", 2, [](json& e) { e["tx"] = "02000000"; }, "\"tx\" is not a transaction");
  edit("one prevout short", 4, [](json& e) { e["prevouts"].erase(0); }, "1 prevouts for 2 inputs");
  edit("one prevout more", 5, [](json& e) { e["prevouts"].push_back(e["prevouts"][0]); }, "3 prevouts for 2 inputs");
  edit("bad prevout hex", 6, [](json& e) { e["prevouts"][1] = "xyz"; }, "prevouts[1] is not a hex string");
  edit("prevout too short", 6, [](json& e) { e["prevouts"][0] = "0011"; }, "prevouts[0] is not a serialized output");
  edit("prevout with trailing bytes", 6, [](json& e) { e["prevouts"][0] = e["prevouts"][0].get<std::string>() + "00"; },
       "prevouts[0] is not a serialized output");
  edit("index out of range", 7, [](json& e) { e["index"] = 2; }, "\"index\" 2 is out of range (2 inputs)");
  edit("negative index", 7, [](json& e) { e["index"] = -1; }, "\"index\" -1 is out of range");
  edit("index a string", 7, [](json& e) { e["index"] = "0"; }, "\"index\" is not an integer");
  edit("no flags", 8, [](json& e) { e.erase("flags"); }, "missing field \"flags\"");
  edit("no tx", 0, [](json& e) { e.erase("tx"); }, "missing field \"tx\"");
  edit("unknown flag", 8, [](json& e) { e["flags"] = "P2SH,NOT_A_FLAG"; }, "\"flags\" has an unknown flag");
  edit("bad witness hex", 9, [](json& e) { e["success"]["witness"][0] = "0g"; },
       "success.witness[0] is not a hex string");
  edit("witness not an array", 9, [](json& e) { e["failure"]["witness"] = "00"; }, "failure.witness is not an array");
  edit("no scriptSig", 9, [](json& e) { e["success"].erase("scriptSig"); }, "\"success\" has no \"scriptSig\"");
  edit("final not a boolean", 9, [](json& e) { e["final"] = 1; }, "\"final\" is not a boolean");
  cases.push_back({"not an object", "[1]", "entry 0: not an object"});
  for (const Bad& b : cases) {
    SCOPED_TRACE(b.name);
    write_file(dir.file("bad.json"), b.text);
    const ProcessResult r = assets(dir, dir.file("bad.json"));
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(r.signal, 0);
    EXPECT_NE(r.err.find(b.message), std::string::npos) << describe(r);
    EXPECT_EQ(r.out, "") << describe(r);
  }
  const ProcessResult r = assets(dir, dir.file("does-not-exist.json"));
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("does-not-exist.json"), std::string::npos) << describe(r);
}

}  // namespace
}  // namespace vigil::clitest
