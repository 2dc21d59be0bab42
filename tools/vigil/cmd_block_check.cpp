// vigil block check: one block against Bitcoin's rules for its height that
// need no chain (the context-free ones, the witness commitment as segwit
// has it at that height, bad-version, BIP34's coinbase height, lock times
// that are certainly not final) and the signatures of its standard spends
// (with caller-supplied spent outputs, or those whose script code the spend
// itself reveals) under that height's rule sets, all of its signatures
// verified in one batch. The height: --height, else the coinbase's BIP34
// push when it is one at or above the network's BIP34 height, else taken
// as before BIP34.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "file_io.hpp"
#include "prevouts_file.hpp"
#include "vigil/block_check.hpp"
#include "vigil/consensus.hpp"
#include "vigil/spends.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kCmd = "block check";

int error(const std::string& what) {
  std::fprintf(stderr, "vigil %s: %s\n", kCmd, what.c_str());
  return 2;
}

struct Outcome {
  Validity rules;                 // the context-free checks
  Validity spends = Validity::Valid();
  uint64_t signatures = 0, valid_sigs = 0, invalid_sigs = 0, not_verified = 0;
  bool incomplete() const { return rules.valid && spends.valid && not_verified > 0; }
  const Validity& verdict() const { return rules.valid ? spends : rules; }
};

// A 4-byte push is a height of 8,388,608 or more, which no network is near;
// coinbases before BIP34 often begin with a 4-byte timestamp or nBits
// (mainnet 227,835: 0x514f2079). Such a block is taken as before BIP34.
constexpr uint32_t kMaxInferredHeight = (1u << 23) - 1;

struct HeightChoice {
  uint32_t height = 0;
  std::string source;       // "option", "coinbase" or "before-bip34"
  std::string description;  // for people
};

HeightChoice choose_height(const BlockCheckOptions& o, const ChainParams& params, const std::vector<Transaction>& txs) {
  HeightChoice c;
  if (o.height) {
    c.height = *o.height;
    c.source = "option";
    c.description = "from --height";
    return c;
  }
  const uint32_t bip34 = params.rule_height(Rule::kBip34).value_or(0);
  const std::optional<uint32_t> pushed = txs.empty() ? std::nullopt : coinbase_height_push(txs[0]);
  if (pushed && *pushed >= bip34 && *pushed <= kMaxInferredHeight) {
    c.height = *pushed;
    c.source = "coinbase";
    c.description = "from the coinbase's BIP34 height";
    return c;
  }
  c.height = bip34 > 0 ? bip34 - 1 : 0;
  c.source = "before-bip34";
  c.description = "no BIP34 height in the coinbase: judged as before BIP34 (use --height for its real height)";
  return c;
}

std::vector<std::string> active_rules(const RuleSet& rules) {
  std::vector<std::string> names;
  for (Rule r : kAllRules)
    if (rules.active(r)) names.emplace_back(rule_name(r));
  return names;
}

const char* input_result(const InputSpend& s, const InputVerdict& v) {
  if (!s.verified) return "not verified";
  return v.ok ? "valid" : "invalid";
}

}  // namespace

int run_block_check(const BlockCheckOptions& o) {
  Bytes contents;
  std::vector<BlockRecord> records;
  Status s = read_all(o.input, &contents);
  if (s.ok()) s = split_block_file(contents, &records);
  if (!s.ok()) return error(o.input + ": " + s.ToString());
  if (records.size() != 1) return error(o.input + ": holds " + std::to_string(records.size()) + " blocks, not one");
  const Bytes& block = records[0].bytes;
  CheckBlockOptions check;
  check.network = o.network ? *o.network : records[0].network.value_or(Network::kMainnet);
  check.check_pow = !o.no_pow;
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  s = parse_block(block, &parsed);
  if (s.ok()) s = read_block_transactions(block, parsed, &txs);
  if (!s.ok()) return error(o.input + ": " + s.ToString());
  std::map<OutPoint, Prevout> prevouts;
  if (!o.prevouts.empty()) {
    Bytes text;
    Status ps = read_all(o.prevouts, &text);
    if (ps.ok()) ps = parse_prevouts(o.prevouts, std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), &prevouts);
    if (!ps.ok()) return error(ps.message());
  }
  std::unique_ptr<Hasher> hasher;
  std::unique_ptr<Verifier> verifier;
  if (!make_hasher_or_report(kCmd, o.backend, &hasher).ok()) return 2;
  if (!make_verifier_or_report(kCmd, o.backend, 0, &verifier).ok()) return 2;

  // The rule sets of the block's height, from the network's table.
  const ChainParams params = ChainParams::ForNetwork(check.network);
  const HeightChoice height = choose_height(o, params, txs);
  const RuleSet rules = params.rules_at(height.height);
  check.segwit = rules.active(Rule::kSegwit);

  std::vector<BlockHashes> hashes(1);
  const ByteView view(block.data(), block.size());
  if (Status hs = hasher->block_hashes({&view, 1}, {&parsed, 1}, hashes); !hs.ok()) return error(hs.ToString());
  Outcome out;
  out.rules = check_block(block, parsed, txs, hashes[0], check);
  // What ContextualCheckBlock(Header) can judge without the chain: the
  // version, BIP34's height (a mismatch only with --height) and finality.
  // The parent's median time past is not known; the block's own time is
  // later than it, so a lock time not final by it is not final by the
  // median either (never a false rejection; some non-final ones are missed).
  if (out.rules.valid)
    out.rules = check_block_context(parsed, txs, height.height, parsed.header.time,
                                    BlockRules{rules.active(Rule::kBip34), rules.active(Rule::kBip66),
                                               rules.active(Rule::kBip65), rules.active(Rule::kCsv)});

  PrevoutLookup lookup;
  if (!o.prevouts.empty())
    lookup = [&](const OutPoint& p) -> const Prevout* {
      const auto it = prevouts.find(p);
      return it == prevouts.end() ? nullptr : &it->second;
    };
  SpendRules spend_rules;
  spend_rules.flags = params.script_flags(height.height, parsed.hash);
  const BlockSpends spends = collect_block_spends(txs, lookup, spend_rules);
  std::vector<uint8_t> verdicts(spends.checks.size(), 0);
  if (Status vs = verifier->verify(spends.checks, verdicts); !vs.ok()) return error(vs.ToString());
  std::vector<InputVerdict> ok;
  const BatchVerify reverify = [&](std::span<const Check> c, std::span<uint8_t> v) { return verifier->verify(c, v); };
  if (Status js = judge_spends(spends, verdicts, reverify, &ok); !js.ok()) return error(js.ToString());
  out.spends = spends_validity(spends, ok);
  out.signatures = spends.signatures;
  out.not_verified = spends.not_verified;
  for (size_t k = 0; k < spends.inputs.size(); ++k) {
    const InputSpend& in = spends.inputs[k];
    if (!in.verified) continue;
    (ok[k].ok ? out.valid_sigs : out.invalid_sigs) += in.signatures;
  }
  const Validity& v = out.verdict();
  const char* verdict = !v.valid ? "invalid" : out.incomplete() ? "incomplete" : "valid";

  if (o.json) {
    nlohmann::json j = {
        {"hash", to_display_hex(parsed.hash)},
        {"network", std::string(network_name(check.network))},
        {"height", height.height},
        {"height_source", height.source},
        {"rules_active", active_rules(rules)},
        {"script_flags", params.script_flags(height.height, parsed.hash)},
        {"tx_count", txs.size()},
        {"proof_of_work_checked", check.check_pow},
        {"signatures", {{"total", out.signatures}, {"valid", out.valid_sigs}, {"invalid", out.invalid_sigs}}},
        {"inputs_not_verified", out.not_verified},
        {"verdict", verdict},
        {"reason", v.reason},
        {"debug", v.debug},
    };
    auto& inputs = j["inputs"] = nlohmann::json::array();
    for (size_t k = 0; k < spends.inputs.size(); ++k) {
      const InputSpend& in = spends.inputs[k];
      nlohmann::json e = {{"tx", in.tx},
                          {"input", in.input},
                          {"form", std::string(spend_form_name(in.form))},
                          {"signatures", in.signatures},
                          {"result", input_result(in, ok[k])}};
      if (in.verified && !ok[k].ok) e["error"] = std::string(script::error_name(ok[k].error));
      if (!in.note.empty()) e["note"] = in.note;
      inputs.push_back(std::move(e));
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("block %s (%s, %zu transactions)\n", to_display_hex(parsed.hash).c_str(),
                std::string(network_name(check.network)).c_str(), txs.size());
    std::printf("  height       %u (%s)\n", height.height, height.description.c_str());
    std::string names;
    for (const std::string& n : active_rules(rules)) names += (names.empty() ? "" : " ") + n;
    std::printf("  rule sets    %s\n", names.empty() ? "none (before BIP34)" : names.c_str());
    std::printf("  rules        %s%s\n", out.rules.valid ? "pass" : ("FAIL: " + out.rules.reason).c_str(),
                check.check_pow ? "" : " (proof of work not checked)");
    std::printf("  signatures   %llu: %llu valid, %llu invalid; %llu input(s) not verified\n",
                static_cast<unsigned long long>(out.signatures), static_cast<unsigned long long>(out.valid_sigs),
                static_cast<unsigned long long>(out.invalid_sigs), static_cast<unsigned long long>(out.not_verified));
    for (size_t k = 0; k < spends.inputs.size(); ++k) {
      const InputSpend& in = spends.inputs[k];
      const char* r = input_result(in, ok[k]);
      if (std::string_view(r) == "valid") continue;
      const std::string why = in.verified ? std::string(script::error_message(ok[k].error)) : in.note;
      std::printf("  tx %u input %u  %s (%s): %s\n", in.tx, in.input, r, std::string(spend_form_name(in.form)).c_str(),
                  why.c_str());
    }
    std::printf("  verdict      %s%s%s\n", verdict, v.valid ? "" : (": " + v.reason).c_str(),
                v.valid || v.debug.empty() ? "" : (" (" + v.debug + ")").c_str());
  }
  std::fprintf(stderr, "vigil %s: %zu checks, backend %s\n", kCmd, spends.checks.size(), verifier->description().c_str());
  report_verifier_fallbacks(kCmd, *verifier);
  return !v.valid ? 1 : out.incomplete() ? 3 : 0;
}

}  // namespace vigil::cli
