// Chain parameters: the built-in networks, the activation schedule, the
// chain configuration file, and the stored-versus-configured comparison.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "vigil/consensus.hpp"

namespace vigil {

std::string_view rule_name(Rule rule) {
  switch (rule) {
    case Rule::kBip34: return "bip34";
    case Rule::kBip66: return "bip66";
    case Rule::kBip65: return "bip65";
    case Rule::kCsv: return "csv";
    case Rule::kSegwit: return "segwit";
    case Rule::kTaproot: return "taproot";
  }
  return "unknown";
}

std::optional<Rule> rule_from_name(std::string_view name) {
  for (Rule r : kAllRules)
    if (rule_name(r) == name) return r;
  return std::nullopt;
}

uint32_t median_time_past(const ChainHistory& chain, uint32_t height) {
  uint32_t times[11];
  int n = 0;
  for (uint32_t h = height + 1; h > 0 && n < 11; --h) times[n++] = chain.at(h - 1).header.time;
  std::sort(times, times + n);
  return times[n / 2];
}

ChainParams ChainParams::Mainnet() {
  ChainParams p;
  p.chain_id = "main";
  p.network = Network::kMainnet;
  p.modules = {{0, {"pow", 1}}};
  p.rules = {{Rule::kBip34, 227'931}, {Rule::kBip66, 363'725}, {Rule::kBip65, 388'381},
             {Rule::kCsv, 419'328},   {Rule::kSegwit, 481'824}, {Rule::kTaproot, 709'632}};
  return p;
}

ChainParams ChainParams::Regtest() {
  ChainParams p;
  p.chain_id = "regtest";
  p.network = Network::kRegtest;
  p.modules = {{0, {"pow", 1}}};
  p.pow_no_retarget = true;
  p.rules = {{Rule::kBip34, 1}, {Rule::kBip66, 1}, {Rule::kBip65, 1},
             {Rule::kCsv, 1},   {Rule::kSegwit, 0}, {Rule::kTaproot, 0}};
  return p;
}

ChainParams ChainParams::ForNetwork(Network network) {
  switch (network) {
    case Network::kMainnet: return Mainnet();
    case Network::kRegtest: return Regtest();
    case Network::kTestnet3: {
      ChainParams p = Mainnet();
      p.chain_id = "test";
      p.network = network;
      p.pow_allow_min_difficulty = true;
      // Taproot is left out: testnet3 activated it by signalling (no buried height).
      p.rules = {{Rule::kBip34, 21'111}, {Rule::kBip66, 330'776}, {Rule::kBip65, 581'885},
                 {Rule::kCsv, 770'112},  {Rule::kSegwit, 834'624}};
      return p;
    }
    case Network::kTestnet4:
    case Network::kSignet: {
      ChainParams p = Mainnet();
      p.network = network;
      p.rules = {{Rule::kBip34, 1}, {Rule::kBip66, 1}, {Rule::kBip65, 1}, {Rule::kCsv, 1}, {Rule::kSegwit, 1}, {Rule::kTaproot, 0}};
      if (network == Network::kTestnet4) {
        p.chain_id = "testnet4";
        p.pow_allow_min_difficulty = true;
      } else {
        p.chain_id = "signet";
        p.modules = {{0, {"signet", 1}}};
        // The default signet's challenge: a 1-of-2 bare multisig.
        (void)from_hex("512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae",
                       p.signet_challenge);
      }
      return p;
    }
  }
  return Mainnet();
}

size_t ChainParams::module_index(uint32_t height) const {
  // validate() guarantees an entry at height 0, in order.
  size_t at = 0;
  for (size_t i = 0; i < modules.size(); ++i)
    if (modules[i].height <= height) at = i;
  return at;
}

RuleSet ChainParams::rules_at(uint32_t height) const {
  RuleSet s;
  for (const RuleActivation& r : rules)
    if (r.height <= height) s.set(r.rule);
  return s;
}

Status ChainParams::validate() const {
  if (modules.empty() || modules.front().height != 0)
    return Status::InvalidArgument("chain parameters: the schedule needs a module from height 0");
  for (size_t i = 1; i < modules.size(); ++i)
    if (modules[i].height <= modules[i - 1].height)
      return Status::InvalidArgument("chain parameters: module activations must be at increasing heights (" +
                                     modules[i].module.str() + " at " + std::to_string(modules[i].height) + ")");
  for (const ModuleActivation& m : modules) {
    if (m.module.name.empty()) return Status::InvalidArgument("chain parameters: a module without a name");
    if (m.module.name == "bft" && bft_validators.empty())
      return Status::InvalidArgument("chain parameters: bft is scheduled but no validators are given");
    if (m.module.name == "signet" && signet_challenge.empty())
      return Status::InvalidArgument("chain parameters: signet is scheduled but no challenge is given");
  }
  for (size_t i = 0; i < rules.size(); ++i)
    for (size_t j = i + 1; j < rules.size(); ++j)
      if (rules[i].rule == rules[j].rule)
        return Status::InvalidArgument("chain parameters: rule " + std::string(rule_name(rules[i].rule)) + " listed twice");
  if (pow_target_spacing <= 0 || pow_target_timespan < pow_target_spacing)
    return Status::InvalidArgument("chain parameters: bad proof-of-work spacing or timespan");
  if (coinbase_maturity == 0) return Status::InvalidArgument("chain parameters: coinbase maturity must be at least 1");
  return Status::Ok();
}

namespace {

using nlohmann::json;

std::optional<Network> network_from_name(const std::string& n) {
  for (Network net : {Network::kMainnet, Network::kTestnet3, Network::kTestnet4, Network::kSignet, Network::kRegtest})
    if (network_name(net) == n) return net;
  return std::nullopt;
}

}  // namespace

Status ChainParams::FromJson(std::string_view text, const std::string& base_dir, ChainParams* out) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("chain configuration: not a JSON object");
  try {
    ChainParams p;
    p.modules.clear();
    p.rules.clear();
    if (j.contains("network")) {
      const auto net = network_from_name(j["network"].get<std::string>());
      if (!net) return Status::InvalidArgument("chain configuration: unknown network " + j["network"].dump());
      p.network = *net;
    }
    p.chain_id = j.value("chain_id", std::string(network_name(p.network)));
    p.coinbase_maturity = j.value("coinbase_maturity", 100u);
    for (const json& m : j.at("modules"))
      p.modules.push_back({m.at("height").get<uint32_t>(), {m.at("name").get<std::string>(), m.value("version", 1u)}});
    if (j.contains("rules")) {
      for (const auto& [name, height] : j["rules"].items()) {
        const auto rule = rule_from_name(name);
        if (!rule) return Status::InvalidArgument("chain configuration: unknown rule \"" + name + "\"");
        p.rules.push_back({*rule, height.get<uint32_t>()});
      }
    }
    if (j.contains("pow")) {
      const json& w = j["pow"];
      p.pow_no_retarget = w.value("no_retarget", false);
      p.pow_allow_min_difficulty = w.value("allow_min_difficulty", false);
      p.pow_target_spacing = w.value("target_spacing", int64_t{600});
      p.pow_target_timespan = w.value("target_timespan", int64_t{14 * 24 * 60 * 60});
    }
    if (j.contains("signet") && !from_hex(j["signet"].at("challenge").get<std::string>(), p.signet_challenge))
      return Status::InvalidArgument("chain configuration: the signet challenge is not hex");
    if (j.contains("bft")) {
      for (const json& v : j["bft"].at("validators")) {
        Validator val;
        Bytes key;
        if (!from_hex(v.at("key").get<std::string>(), key) || key.size() != 32)
          return Status::InvalidArgument("chain configuration: a bft validator key is not 32 bytes of hex");
        std::copy(key.begin(), key.end(), val.public_key.begin());
        val.stake = v.at("stake").get<uint64_t>();
        p.bft_validators.push_back(val);
      }
    }
    if (j.contains("plugins")) {
      for (const auto& [name, path] : j["plugins"].items()) {
        std::filesystem::path f = path.get<std::string>();
        if (f.is_relative() && !base_dir.empty()) f = std::filesystem::path(base_dir) / f;
        p.plugins[name] = f.string();
      }
    }
    if (Status s = p.validate(); !s.ok()) return s;
    *out = std::move(p);
    return Status::Ok();
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("chain configuration: ") + e.what());
  }
}

std::string ChainParams::ToJson() const {
  json j;
  j["chain_id"] = chain_id;
  j["network"] = std::string(network_name(network));
  j["coinbase_maturity"] = coinbase_maturity;
  j["modules"] = json::array();
  for (const ModuleActivation& m : modules)
    j["modules"].push_back({{"height", m.height}, {"name", m.module.name}, {"version", m.module.version}});
  j["rules"] = json::object();
  for (const RuleActivation& r : rules) j["rules"][std::string(rule_name(r.rule))] = r.height;
  j["pow"] = {{"no_retarget", pow_no_retarget},
              {"allow_min_difficulty", pow_allow_min_difficulty},
              {"target_spacing", pow_target_spacing},
              {"target_timespan", pow_target_timespan}};
  if (!signet_challenge.empty()) j["signet"] = {{"challenge", to_hex(signet_challenge)}};
  if (!bft_validators.empty()) {
    json vs = json::array();
    for (const Validator& v : bft_validators)
      vs.push_back({{"key", to_hex(ByteView(v.public_key.data(), 32))}, {"stake", v.stake}});
    j["bft"] = {{"validators", vs}};
  }
  if (!plugins.empty()) j["plugins"] = plugins;
  return j.dump(2);
}

namespace {

// The first height at which two schedules judge blocks differently, or
// nullopt when they never do.
std::optional<std::pair<uint32_t, std::string>> first_difference(const ChainParams& a, const ChainParams& b) {
  std::optional<std::pair<uint32_t, std::string>> first;
  auto note = [&](uint32_t height, std::string what) {
    if (!first || height < first->first) first = std::make_pair(height, std::move(what));
  };
  // Chain-wide parameters change every block's verdict.
  if (a.chain_id != b.chain_id || a.network != b.network || a.coinbase_maturity != b.coinbase_maturity)
    note(0, "the chain id, network or coinbase maturity");
  // Modules: compare the entry in force at every height where either changes.
  std::vector<uint32_t> heights;
  for (const auto& m : a.modules) heights.push_back(m.height);
  for (const auto& m : b.modules) heights.push_back(m.height);
  std::sort(heights.begin(), heights.end());
  for (uint32_t h : heights) {
    const ModuleActivation &ma = a.module_at(h), &mb = b.module_at(h);
    const bool same_entry = ma.module == mb.module && ma.height == mb.height;
    if (!same_entry) {
      note(h, "module " + ma.module.str() + " (from " + std::to_string(ma.height) + ") against " + mb.module.str() +
                  " (from " + std::to_string(mb.height) + ")");
      break;
    }
    // The same module: its parameters must agree too.
    const std::string& name = ma.module.name;
    if ((name == "pow" || name == "signet") &&
        (a.pow_no_retarget != b.pow_no_retarget || a.pow_allow_min_difficulty != b.pow_allow_min_difficulty ||
         a.pow_target_spacing != b.pow_target_spacing || a.pow_target_timespan != b.pow_target_timespan))
      note(h, "the proof-of-work parameters");
    if (name == "signet" && a.signet_challenge != b.signet_challenge) note(h, "the signet challenge");
    if (name == "bft" && a.bft_validators != b.bft_validators) note(h, "the bft validators");
    if (a.plugins.count(name) != b.plugins.count(name)) note(h, "whether " + name + " is a plugin");
  }
  // Rules: a rule activated at different heights (or only in one) differs from the lower.
  for (Rule r : kAllRules) {
    std::optional<uint32_t> ha, hb;
    for (const auto& x : a.rules)
      if (x.rule == r) ha = x.height;
    for (const auto& x : b.rules)
      if (x.rule == r) hb = x.height;
    if (ha == hb) continue;
    const uint32_t h = std::min(ha.value_or(UINT32_MAX), hb.value_or(UINT32_MAX));
    note(h, "rule " + std::string(rule_name(r)) + " (" + (ha ? std::to_string(*ha) : "never") + " against " +
                (hb ? std::to_string(*hb) : "never") + ")");
  }
  return first;
}

}  // namespace

Status compare_schedules(const ChainParams& stored, const ChainParams& configured, uint32_t tip_height,
                         uint32_t* first_changed) {
  const auto diff = first_difference(stored, configured);
  if (!diff || diff->first > tip_height) return Status::Ok();
  // Blocks at and above diff->first were judged by rules that no longer apply.
  if (first_changed) *first_changed = diff->first;
  return Status::FailedPrecondition(
      "the configured schedule changes " + diff->second + " from height " + std::to_string(diff->first) +
      ", at or below the tip (" + std::to_string(tip_height) + "): rewind the chain to height " +
      std::to_string(diff->first == 0 ? 0 : diff->first - 1) +
      (diff->first == 0 ? " (that is, start a new data directory)" : "") + " or keep the stored schedule");
}

}  // namespace vigil
