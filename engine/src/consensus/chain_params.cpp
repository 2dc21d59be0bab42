// Chain parameters: the built-in networks, the activation schedule, the
// chain configuration file, and the stored-versus-configured comparison.
#include <algorithm>
#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "vigil/consensus.hpp"
#include "vigil/script.hpp"  // Core's SCRIPT_VERIFY_* values (constants only)

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

namespace {

Hash256 display_hash(std::string_view hex) { return *hash_from_display_hex(hex); }

// Bitcoin Core's consensus parameters, network by network (kernel/chainparams.cpp;
// COINBASE_MATURITY in consensus/consensus.h; the BIP30 exceptions in
// validation.cpp's ConnectBlock).
std::array<NetworkConsensus, 5> build_tables() {
  using script::kVerifyNone, script::kVerifyP2SH, script::kVerifyWitness;
  std::array<NetworkConsensus, 5> t;

  NetworkConsensus& main = t[static_cast<size_t>(Network::kMainnet)];
  main.network = Network::kMainnet;
  main.chain_id = "main";
  main.subsidy_halving_interval = 210'000;
  main.bip34_height = 227'931;
  main.bip34_hash = display_hash("000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8");
  main.bip65_height = 388'381;  // 000000000000000004c2b624ed5d7756c508d90fd0da2c7c679febfa6c4735f0
  main.bip66_height = 363'725;  // 00000000000000000379eaa19dce8c9b722d46ae6a57c2f1a988119488b50931
  main.csv_height = 419'328;    // 000000000000000004a1b34462cb8aeebd5799177f7a29cf28f2d1961716b5b5
  main.segwit_height = 481'824;  // 0000000000000000001c8018d9cb3b742ef25114f27563e3fc4a1902167f9893
  main.taproot_height = 709'632;  // DEPLOYMENT_TAPROOT's min_activation_height, where it activated
  main.bip16_exception = display_hash("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22");
  main.script_flag_exceptions = {
      {*main.bip16_exception, kVerifyNone},  // BIP16 exception (height 170,060)
      {display_hash("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad"),
       kVerifyP2SH | kVerifyWitness},  // Taproot exception (height 692,261)
  };
  main.bip30_exceptions = {
      {91'842, display_hash("00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec")},
      {91'880, display_hash("00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721")},
  };

  NetworkConsensus& test = t[static_cast<size_t>(Network::kTestnet3)];
  test.network = Network::kTestnet3;
  test.chain_id = "test";
  test.subsidy_halving_interval = 210'000;
  test.bip34_height = 21'111;
  test.bip34_hash = display_hash("0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8");
  test.bip65_height = 581'885;  // 00000000007f6655f22f98e72ed80d8b06dc761d5da09df0fa1dc4be4f861eb6
  test.bip66_height = 330'776;  // 000000002104c8c45e99a8853285a3b592602a3ccde2b832481da85e9e4ba182
  test.csv_height = 770'112;    // 00000000025e930139bac5c6c31a403776da130831ab85be56578f3fa75369bb
  test.segwit_height = 834'624;  // 00000000002b980fcd729daaa248fd9316a5200e9b367f4ff2c42453e84201ca
  // Taproot came by BIP9 signalling (min_activation_height 0); Core's
  // TAPROOT flag is on for every testnet3 block (no exception listed).
  test.taproot_height = 0;
  test.bip16_exception = display_hash("00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105");
  test.script_flag_exceptions = {{*test.bip16_exception, kVerifyNone}};
  test.pow_allow_min_difficulty = true;

  NetworkConsensus& test4 = t[static_cast<size_t>(Network::kTestnet4)];
  test4.network = Network::kTestnet4;
  test4.chain_id = "testnet4";
  test4.subsidy_halving_interval = 210'000;
  test4.bip34_height = test4.bip65_height = test4.bip66_height = test4.csv_height = test4.segwit_height = 1;
  test4.taproot_height = 0;  // ALWAYS_ACTIVE
  test4.pow_allow_min_difficulty = true;

  NetworkConsensus& signet = t[static_cast<size_t>(Network::kSignet)];
  signet.network = Network::kSignet;
  signet.chain_id = "signet";
  signet.subsidy_halving_interval = 210'000;
  signet.bip34_height = signet.bip65_height = signet.bip66_height = signet.csv_height = signet.segwit_height = 1;
  signet.taproot_height = 0;  // ALWAYS_ACTIVE
  signet.module = "signet";
  // The default signet's challenge: a 1-of-2 bare multisig.
  signet.signet_challenge_hex =
      "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae";

  NetworkConsensus& reg = t[static_cast<size_t>(Network::kRegtest)];
  reg.network = Network::kRegtest;
  reg.chain_id = "regtest";
  reg.subsidy_halving_interval = 150;
  reg.bip34_height = reg.bip65_height = reg.bip66_height = reg.csv_height = 1;
  reg.segwit_height = 0;
  reg.taproot_height = 0;  // ALWAYS_ACTIVE
  reg.pow_allow_min_difficulty = true;
  reg.pow_no_retarget = true;
  return t;
}

// The table's values that are not activation heights, onto `p`.
void apply_network_data(const NetworkConsensus& n, ChainParams* p) {
  p->subsidy_halving_interval = n.subsidy_halving_interval;
  p->bip34_hash = n.bip34_hash;
  p->script_flag_exceptions = n.script_flag_exceptions;
  p->bip30_exceptions = n.bip30_exceptions;
}

}  // namespace

const NetworkConsensus& network_consensus(Network network) {
  static const std::array<NetworkConsensus, 5> tables = build_tables();
  return tables.at(static_cast<size_t>(network));
}

ChainParams ChainParams::ForNetwork(Network network) {
  const NetworkConsensus& n = network_consensus(network);
  ChainParams p;
  p.chain_id = std::string(n.chain_id);
  p.network = network;
  p.coinbase_maturity = n.coinbase_maturity;
  p.modules = {{0, {std::string(n.module), 1}}};
  p.rules = {{Rule::kBip34, n.bip34_height}, {Rule::kBip66, n.bip66_height}, {Rule::kBip65, n.bip65_height},
             {Rule::kCsv, n.csv_height},     {Rule::kSegwit, n.segwit_height}, {Rule::kTaproot, n.taproot_height}};
  p.pow_no_retarget = n.pow_no_retarget;
  p.pow_allow_min_difficulty = n.pow_allow_min_difficulty;
  p.pow_target_spacing = n.pow_target_spacing;
  p.pow_target_timespan = n.pow_target_timespan;
  if (!n.signet_challenge_hex.empty()) (void)from_hex(n.signet_challenge_hex, p.signet_challenge);
  apply_network_data(n, &p);
  return p;
}

ChainParams ChainParams::Mainnet() { return ForNetwork(Network::kMainnet); }
ChainParams ChainParams::Regtest() { return ForNetwork(Network::kRegtest); }

std::optional<uint32_t> ChainParams::rule_height(Rule rule) const {
  for (const RuleActivation& r : rules)
    if (r.rule == rule) return r.height;
  return std::nullopt;
}

uint32_t ChainParams::script_flags(uint32_t height, const Hash256& block_hash) const {
  const RuleSet r = rules_at(height);
  uint32_t flags = script::kVerifyP2SH;
  if (r.active(Rule::kSegwit)) flags |= script::kVerifyWitness;
  if (r.active(Rule::kTaproot)) flags |= script::kVerifyTaproot;
  for (const ScriptFlagException& e : script_flag_exceptions)
    if (e.block_hash == block_hash) {
      flags = e.flags;
      break;
    }
  if (r.active(Rule::kBip66)) flags |= script::kVerifyDerSig;
  if (r.active(Rule::kBip65)) flags |= script::kVerifyCheckLockTimeVerify;
  if (r.active(Rule::kCsv)) flags |= script::kVerifyCheckSequenceVerify;
  if (r.active(Rule::kSegwit)) flags |= script::kVerifyNullDummy;
  return flags;
}

bool ChainParams::bip30_enforced(uint32_t height, const Hash256& block_hash, const ChainHistory& chain) const {
  bool enforce = true;
  for (const Bip30Exception& e : bip30_exceptions)
    if (e.height == height && e.block_hash == block_hash) enforce = false;
  // Core: the parent's ancestor at BIP34's height, so only blocks above it.
  const std::optional<uint32_t> bip34 = rule_height(Rule::kBip34);
  if (enforce && bip34_hash && bip34 && height > *bip34 && *bip34 < chain.size() &&
      chain.at(*bip34).hash == *bip34_hash)
    enforce = false;
  return enforce || height >= kBip34ImpliesBip30Limit;
}

int64_t ChainParams::block_subsidy(uint32_t height) const {
  const uint32_t halvings = subsidy_halving_interval ? height / subsidy_halving_interval : 64;
  if (halvings >= 64) return 0;
  return (50 * kCoin) >> halvings;
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
  if (subsidy_halving_interval == 0)
    return Status::InvalidArgument("chain parameters: the subsidy halving interval must be at least 1");
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
    // The network's exceptions, BIP34 hash and subsidy schedule, unless the file says otherwise.
    apply_network_data(network_consensus(p.network), &p);
    if (j.contains("subsidy_halving_interval")) p.subsidy_halving_interval = j["subsidy_halving_interval"].get<uint32_t>();
    auto read_hash = [](const json& v, Hash256* h) {
      const std::optional<Hash256> parsed = hash_from_display_hex(v.get<std::string>());
      if (parsed) *h = *parsed;
      return parsed.has_value();
    };
    if (j.contains("bip34_hash")) {
      p.bip34_hash.reset();
      if (!j["bip34_hash"].is_null()) {
        Hash256 h;
        if (!read_hash(j["bip34_hash"], &h)) return Status::InvalidArgument("chain configuration: bip34_hash is not a block hash");
        p.bip34_hash = h;
      }
    }
    if (j.contains("bip30_exceptions")) {
      p.bip30_exceptions.clear();
      for (const json& e : j["bip30_exceptions"]) {
        Bip30Exception x;
        x.height = e.at("height").get<uint32_t>();
        if (!read_hash(e.at("hash"), &x.block_hash))
          return Status::InvalidArgument("chain configuration: a bip30_exceptions hash is not a block hash");
        p.bip30_exceptions.push_back(x);
      }
    }
    if (j.contains("script_flag_exceptions")) {
      p.script_flag_exceptions.clear();
      for (const json& e : j["script_flag_exceptions"]) {
        ScriptFlagException x;
        x.flags = e.at("flags").get<uint32_t>();
        if (!read_hash(e.at("hash"), &x.block_hash))
          return Status::InvalidArgument("chain configuration: a script_flag_exceptions hash is not a block hash");
        p.script_flag_exceptions.push_back(x);
      }
    }
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
  // The network's own data is implied by "network": written only where it differs.
  const NetworkConsensus& n = network_consensus(network);
  if (subsidy_halving_interval != n.subsidy_halving_interval) j["subsidy_halving_interval"] = subsidy_halving_interval;
  if (bip34_hash != n.bip34_hash) j["bip34_hash"] = bip34_hash ? json(to_display_hex(*bip34_hash)) : json(nullptr);
  if (bip30_exceptions != n.bip30_exceptions) {
    j["bip30_exceptions"] = json::array();
    for (const Bip30Exception& e : bip30_exceptions)
      j["bip30_exceptions"].push_back({{"height", e.height}, {"hash", to_display_hex(e.block_hash)}});
  }
  if (script_flag_exceptions != n.script_flag_exceptions) {
    j["script_flag_exceptions"] = json::array();
    for (const ScriptFlagException& e : script_flag_exceptions)
      j["script_flag_exceptions"].push_back({{"hash", to_display_hex(e.block_hash)}, {"flags", e.flags}});
  }
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
  // The network data: the subsidy and script-flag exceptions may change any
  // block; BIP30's decisions change from the exception's height, or above BIP34's.
  if (a.subsidy_halving_interval != b.subsidy_halving_interval) note(0, "the subsidy halving interval");
  if (a.script_flag_exceptions != b.script_flag_exceptions) note(0, "the script flag exceptions");
  if (a.bip34_hash != b.bip34_hash)
    note(std::min(a.rule_height(Rule::kBip34).value_or(UINT32_MAX - 1), b.rule_height(Rule::kBip34).value_or(UINT32_MAX - 1)) + 1,
         "the BIP34 hash");
  for (const auto* x : {&a, &b})
    for (const Bip30Exception& e : x->bip30_exceptions) {
      const auto& other = x == &a ? b.bip30_exceptions : a.bip30_exceptions;
      if (std::find(other.begin(), other.end(), e) == other.end())
        note(e.height, "the BIP30 exception at " + std::to_string(e.height));
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
