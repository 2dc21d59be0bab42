// Pluggable, versioned consensus modules, and the chain parameters that say
// which module and which rule set judge each height.
//
// A module decides what makes a block acceptable beyond Bitcoin's
// transaction rules: proof of work (`pow`), a signed-block challenge
// (`signet`, BIP325), a stake-weighted commit certificate (`bft`), or a
// plugin loaded from a shared library (vigil/consensus_plugin.h). The chain
// state runs its steps in order for every block:
//
//   1. check_header          the header alone (context-free)
//   2. check_header_context  the header against the branch it extends
//   3. declare_hashes        the hash work the block needs first (Merkle trees,
//                            computed through the Hasher, on the GPU when there is one)
//      declare_work          the signature checks the block needs; they are
//                            verified in the same batch as the block's
//                            transaction signatures (on the GPU when there is one)
//   4. judge                 the verdict once those checks are verified, and
//                            the module's state after the block
//   5. block_work / final    what the block adds to its branch's score, and
//                            whether, once connected, it may never be reverted
//
// Steps 1-4 change nothing: a module is a set of pure functions of the block,
// its branch and its parameters. The state it keeps between blocks (the bft
// validator sets) is a byte string the chain state stores with each block and
// hands back as the next block's context, so a candidate that turns out
// invalid, or a branch that loses, leaves nothing behind.
//
// Which module judges a block, and which Bitcoin rules (BIP34 ... taproot)
// apply, is decided from its height -- that is, from its parent: the block
// at the activation height is the first one judged by the new rules.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/block.hpp"
#include "vigil/block_check.hpp"
#include "vigil/chain_work.hpp"
#include "vigil/hasher.hpp"
#include "vigil/merkle.hpp"
#include "vigil/status.hpp"
#include "vigil/transaction.hpp"
#include "vigil/verify.hpp"

namespace vigil {

// ---- Bitcoin's rule sets (soft forks) ---------------------------------------

enum class Rule : uint8_t {
  kBip34,    // block version >= 2, the height first in the coinbase
  kBip66,    // version >= 3, strict DER signatures
  kBip65,    // version >= 4 (OP_CHECKLOCKTIMEVERIFY)
  kCsv,      // BIP68 sequence locks, BIP112, BIP113 (median time past as the lock-time cutoff)
  kSegwit,   // BIP141/143: witness commitment, witness spends verified
  kTaproot,  // BIP341/342: P2TR spends verified
};
inline constexpr Rule kAllRules[] = {Rule::kBip34, Rule::kBip66, Rule::kBip65, Rule::kCsv, Rule::kSegwit, Rule::kTaproot};
std::string_view rule_name(Rule rule);  // "bip34", ..., "taproot"
std::optional<Rule> rule_from_name(std::string_view name);

// The rules active for one block.
class RuleSet {
 public:
  bool active(Rule r) const { return (bits_ >> static_cast<unsigned>(r)) & 1; }
  void set(Rule r, bool on = true) {
    const uint32_t bit = uint32_t{1} << static_cast<unsigned>(r);
    bits_ = on ? (bits_ | bit) : (bits_ & ~bit);
  }
  static RuleSet All() {
    RuleSet s;
    for (Rule r : kAllRules) s.set(r);
    return s;
  }
  friend bool operator==(const RuleSet&, const RuleSet&) = default;

 private:
  uint32_t bits_ = 0;
};

// ---- Bitcoin Core's consensus parameters, one table per network ----------

// A block whose script flags Core sets by hash (Consensus::Params::
// script_flag_exceptions): the block's base flags are `flags` instead of
// P2SH | WITNESS | TAPROOT.
struct ScriptFlagException {
  Hash256 block_hash;
  uint32_t flags = 0;  // Core's SCRIPT_VERIFY_* bits (vigil/script.hpp)
  friend bool operator==(const ScriptFlagException&, const ScriptFlagException&) = default;
};

// A block BIP30 is not checked for (Core's ConnectBlock names two on
// mainnet, each by height and hash: their coinbases repeat earlier ones).
struct Bip30Exception {
  uint32_t height = 0;
  Hash256 block_hash;
  friend bool operator==(const Bip30Exception&, const Bip30Exception&) = default;
};

// What Bitcoin Core's consensus parameters (kernel/chainparams.cpp,
// consensus/consensus.h, validation.cpp) hold for one network: the data
// ChainParams::ForNetwork builds a network's parameters from.
struct NetworkConsensus {
  Network network = Network::kMainnet;
  std::string_view chain_id;
  uint32_t subsidy_halving_interval = 210'000;  // nSubsidyHalvingInterval
  uint32_t coinbase_maturity = 100;             // COINBASE_MATURITY
  uint32_t bip34_height = 0;                    // BIP34Height (DEPLOYMENT_HEIGHTINCB)
  // BIP34Hash: the block at bip34_height on the network's chain; none where
  // Core's is zero (no block has that hash: BIP30 stays enforced).
  std::optional<Hash256> bip34_hash;
  uint32_t bip66_height = 0;   // BIP66Height (DERSIG)
  uint32_t bip65_height = 0;   // BIP65Height (CLTV)
  uint32_t csv_height = 0;     // CSVHeight (BIP68/112/113)
  uint32_t segwit_height = 0;  // SegwitHeight
  // Taproot: a BIP9 deployment in Core, not a buried height. Mainnet's
  // activated at 709,632 (its min_activation_height); elsewhere Core's flag
  // is on from genesis (ALWAYS_ACTIVE, or testnet3's flag always on with no
  // exception listed), so 0.
  uint32_t taproot_height = 0;
  // The block that broke BIP16 (Core's old BIP16Exception; now the
  // script_flag_exceptions entry with SCRIPT_VERIFY_NONE).
  std::optional<Hash256> bip16_exception;
  std::vector<ScriptFlagException> script_flag_exceptions;
  std::vector<Bip30Exception> bip30_exceptions;
  // Proof of work (fPowAllowMinDifficultyBlocks, fPowNoRetargeting, nPowTargetSpacing, nPowTargetTimespan).
  bool pow_allow_min_difficulty = false;
  bool pow_no_retarget = false;
  int64_t pow_target_spacing = 600;
  int64_t pow_target_timespan = 14 * 24 * 60 * 60;
  std::string_view module = "pow";        // "signet" on signet (BIP325 blocks)
  std::string_view signet_challenge_hex;  // the default signet's challenge
};

// The table of `network`.
const NetworkConsensus& network_consensus(Network network);

// Core's BIP34_IMPLIES_BIP30_LIMIT: from this height BIP30 is checked again
// (coinbases of blocks before BIP34 may carry it as their "height").
inline constexpr uint32_t kBip34ImpliesBip30Limit = 1'983'702;

// ---- chain parameters and the activation schedule ------------------------

class ChainHistory;

struct ModuleId {
  std::string name;      // "pow", "signet", "bft", or a plugin's name
  uint32_t version = 1;  // the module's spec version: what it must report
  friend bool operator==(const ModuleId&, const ModuleId&) = default;
  std::string str() const { return name + "/v" + std::to_string(version); }
};

// `module` judges the blocks from `height` on (until the next entry).
struct ModuleActivation {
  uint32_t height = 0;
  ModuleId module;
  friend bool operator==(const ModuleActivation&, const ModuleActivation&) = default;
};

// `rule` applies to the blocks from `height` on.
struct RuleActivation {
  Rule rule = Rule::kBip34;
  uint32_t height = 0;
  friend bool operator==(const RuleActivation&, const RuleActivation&) = default;
};

// One validator of the bft module: an Ed25519 key and its stake.
struct Validator {
  std::array<uint8_t, 32> public_key{};
  uint64_t stake = 0;
  friend bool operator==(const Validator&, const Validator&) = default;
};

struct ChainParams {
  std::string chain_id = "regtest";     // names the chain in bft certificates
  Network network = Network::kRegtest;  // proof-of-work limit, subsidy schedule
  uint32_t coinbase_maturity = 100;
  std::vector<ModuleActivation> modules;  // by height, the first at height 0
  std::vector<RuleActivation> rules;      // a rule not listed never applies

  // pow
  bool pow_no_retarget = false;           // regtest: the difficulty never changes
  bool pow_allow_min_difficulty = false;  // testnet: a block 20 minutes late may use the limit
  int64_t pow_target_spacing = 600;       // seconds per block
  int64_t pow_target_timespan = 14 * 24 * 60 * 60;  // per retarget (2,016 blocks)

  // signet: the script a block's solution must satisfy (BIP325).
  Bytes signet_challenge;

  // bft: the validator set of the first bft block. Changes ride in blocks
  // and apply two blocks later (vigil/bft.hpp).
  std::vector<Validator> bft_validators;

  // Plugin modules: name -> shared library path (vigil/consensus_plugin.h).
  std::map<std::string, std::string> plugins;

  // From the network's table (network_consensus); the defaults are regtest's.
  uint32_t subsidy_halving_interval = 150;
  std::optional<Hash256> bip34_hash;  // the block at BIP34's height for BIP30 to be implied
  std::vector<ScriptFlagException> script_flag_exceptions;
  std::vector<Bip30Exception> bip30_exceptions;

  // Bitcoin mainnet: pow, and every soft fork at its real height (BIP34
  // 227,931; BIP66 363,725; BIP65 388,381; CSV 419,328; segwit 481,824;
  // taproot 709,632).
  static ChainParams Mainnet();
  // Regtest as Bitcoin Core runs it: pow without retargeting (and with the
  // minimum-difficulty exception), every rule from height 1 (segwit and
  // taproot from 0), halvings every 150 blocks.
  static ChainParams Regtest();
  // The network's parameters from its table (network_consensus): rules at
  // Core's heights, proof-of-work rules, exceptions, subsidy schedule
  // (signet: the default challenge). Not implemented: testnet4's BIP94
  // timewarp rule.
  static ChainParams ForNetwork(Network network);

  // The height `rule` applies from; nullopt when it never does.
  std::optional<uint32_t> rule_height(Rule rule) const;

  // Core's GetBlockScriptFlags for the block at `height` with hash
  // `block_hash`, over this chain's activation heights: P2SH, | WITNESS
  // from segwit's height, | TAPROOT from taproot's; a block listed in
  // script_flag_exceptions gets that entry's flags instead; then | DERSIG
  // (bip66), | CHECKLOCKTIMEVERIFY (bip65), | CHECKSEQUENCEVERIFY (csv),
  // | NULLDUMMY (segwit). The bits are Core's SCRIPT_VERIFY_* values
  // (vigil/script.hpp). Core keeps P2SH, WITNESS and TAPROOT on below
  // their heights too; on the real chains that is the same (the exceptions
  // are exactly the blocks where it differs), and simulated chains rely on
  // the heights.
  uint32_t script_flags(uint32_t height, const Hash256& block_hash) const;

  // Core's ConnectBlock: is BIP30 (no transaction may repeat one whose
  // outputs are unspent) checked for the block at `height` with hash
  // `block_hash` on `chain` (its branch: blocks 0 .. height-1)? Not for a
  // block in bip30_exceptions (height and hash); not once BIP34 is active
  // and the block at BIP34's height on this branch is bip34_hash (BIP34's
  // coinbase heights make repeats impossible), except from
  // kBip34ImpliesBip30Limit on.
  bool bip30_enforced(uint32_t height, const Hash256& block_hash, const ChainHistory& chain) const;

  // GetBlockSubsidy: 50 BTC halved every subsidy_halving_interval blocks, 0
  // after 64 halvings.
  int64_t block_subsidy(uint32_t height) const;

  // The module entry (and its index in `modules`) and the rules for the block at `height`.
  const ModuleActivation& module_at(uint32_t height) const { return modules[module_index(height)]; }
  size_t module_index(uint32_t height) const;
  RuleSet rules_at(uint32_t height) const;
  uint32_t retarget_interval() const { return static_cast<uint32_t>(pow_target_timespan / pow_target_spacing); }

  // Checks the parameters make sense (a module at height 0, entries in
  // order, a bft switch with validators, ...): InvalidArgument naming the problem.
  Status validate() const;

  // A chain configuration file (JSON; the format is in docs/chain-config.md):
  //   {"chain_id": "sim", "network": "regtest", "coinbase_maturity": 100,
  //    "modules": [{"height": 0, "name": "pow", "version": 1}, ...],
  //    "rules": {"bip34": 1, "segwit": 0, ...}, "pow": {"no_retarget": true},
  //    "signet": {"challenge": "51..."}, "bft": {"validators": [{"key": "hex", "stake": 10}]},
  //    "plugins": {"name": "path/to/lib.so"}}
  // The network's table gives the subsidy schedule, the BIP34 hash and the
  // BIP30 and script-flag exceptions; optional keys override them
  // ("subsidy_halving_interval", "bip34_hash" (display hex, or null),
  // "bip30_exceptions": [{"height", "hash"}], "script_flag_exceptions":
  // [{"hash", "flags"}]), and ToJson writes them only where they differ.
  // Paths of plugins are relative to `base_dir` unless absolute.
  static Status FromJson(std::string_view json, const std::string& base_dir, ChainParams* out);
  std::string ToJson() const;
};

// The schedule as stored with a chain state, against the configured one:
// may `configured` replace `stored` on a chain whose tip is at
// `tip_height`? Not when an entry (a module or rule activation, or the
// parameters of a module in force) differs at a height at or below the tip:
// blocks already connected were judged by the old rules. Then it returns
// FailedPrecondition naming the entry and the height to rewind to (the
// parent of the first block judged differently), and sets *first_changed to
// that first height: the chain must be disconnected until its tip is below it.
Status compare_schedules(const ChainParams& stored, const ChainParams& configured, uint32_t tip_height,
                         uint32_t* first_changed);

// ---- what a module sees --------------------------------------------------

struct HeaderEntry {
  BlockHeader header;
  Hash256 hash;
};

// The branch a block extends: its headers from genesis to the block's parent.
class ChainHistory {
 public:
  virtual ~ChainHistory() = default;
  virtual uint32_t size() const = 0;                         // = the height of the next block
  virtual const HeaderEntry& at(uint32_t height) const = 0;  // height < size()
};

// Median of the times of the (up to) 11 blocks ending at `height` (BIP113's
// median time past); `height` < chain.size().
uint32_t median_time_past(const ChainHistory& chain, uint32_t height);

// The context of the block at `height`.
struct BlockContext {
  uint32_t height = 0;
  const ChainHistory* chain = nullptr;  // blocks 0 .. height-1
  const ChainParams* params = nullptr;
  RuleSet rules;                        // active for this block
  uint32_t module_since = 0;            // height at which the judging module took over
  // The module's own state after the parent, as its judge() left it; empty
  // at module_since (the first block it judges starts from the parameters).
  ByteView module_state;
  bool check_pow = true;                // false: proof-of-work rules skipped (tests of other rules)
  // In declare_work: the roots of the trees declare_hashes asked for, in
  // order. Empty when it asked for none, or when the caller computed none
  // (a module must then compute them itself, as it would have).
  std::span<const MerkleResult> merkle_roots;
};

// The hash work a module asks for before it declares its checks (bft's and
// signet's signed messages cover the block's Merkle root with the
// certificate or solution left out).
struct HashWork {
  std::vector<std::vector<Hash256>> merkle_trees;  // leaves of each tree
};

// A block, parsed, with its txids and Merkle roots.
struct BlockView {
  ByteView bytes;
  const ParsedBlock* parsed = nullptr;
  const std::vector<Transaction>* txs = nullptr;
  const BlockHashes* hashes = nullptr;
};

// The signature work a module asks for. `checks` are views into memory the
// module's subclass owns (it lives until judge() returns).
class ModuleWork {
 public:
  virtual ~ModuleWork() = default;
  std::vector<Check> checks;
};

class ConsensusModule {
 public:
  virtual ~ConsensusModule() = default;
  virtual std::string_view name() const = 0;
  virtual uint32_t spec_version() const = 0;

  // 1. The header alone (pow: hash <= the target of nBits: "high-hash").
  virtual Validity check_header(const BlockHeader& header, const Hash256& hash, const BlockContext& ctx) const = 0;
  // 2. The header against its branch (pow: nBits as retargeted, time above
  //    the median of the last 11).
  virtual Validity check_header_context(const BlockHeader& header, const BlockContext& ctx) const = 0;
  // 3a. The hash work the block needs before its checks can be declared.
  //     Default: none.
  virtual void declare_hashes(const BlockView& block, const BlockContext& ctx, HashWork* out) const {
    (void)block, (void)ctx, (void)out;
  }
  // 3. The block's signature work; an invalid verdict when the block lacks
  //    what the module needs (no solution, a malformed certificate).
  virtual Validity declare_work(const BlockView& block, const BlockContext& ctx,
                                std::unique_ptr<ModuleWork>* work) const = 0;
  // 4. The verdict, given one verdict per work.checks; on success the
  //    module's state after this block in *state_after (may stay empty).
  virtual Validity judge(const BlockView& block, const BlockContext& ctx, const ModuleWork& work,
                         std::span<const uint8_t> verdicts, Bytes* state_after) const = 0;
  // The state after this block, before its verdicts are in: the chain state
  // prepares the next block while this one's signatures are verified, so a
  // module's state must follow from the block alone, never from verdicts.
  // Default: judge() with every verdict 1. Invalid when the block's state
  // change itself is malformed.
  virtual Validity next_state(const BlockView& block, const BlockContext& ctx, const ModuleWork& work,
                              Bytes* state_after) const;
  // 5. Fork choice: the work this block adds to its branch (the chain with
  //    the most is preferred), and whether a connected block of this module
  //    is final (never disconnected by a reorganisation). block_work sees
  //    the header only: ctx.chain may be null (a header index ranks branches
  //    before their blocks are read).
  virtual U256 block_work(const BlockHeader& header, const BlockContext& ctx) const = 0;
  virtual bool final_when_connected() const { return false; }
};

// The modules a chain can name: the built-in ones and loaded plugins.
class ModuleRegistry {
 public:
  // pow/1, signet/1 and bft/1.
  static std::shared_ptr<ModuleRegistry> WithBuiltins();

  void add(std::shared_ptr<const ConsensusModule> module);
  // Loads the plugin at `path` (vigil/consensus_plugin.h) and adds it.
  // FailedPrecondition when its ABI version is not ours, or it does not
  // report `expected` (name and version); IoError when it cannot be loaded.
  Status load_plugin(const std::string& path, const ModuleId& expected);
  // The module `id` names. NotFound when none has the name; FailedPrecondition
  // when the name is known with another version (both named).
  Status find(const ModuleId& id, std::shared_ptr<const ConsensusModule>* out) const;
  // Every module `params` schedules, plugins loaded from params.plugins as
  // needed: the first error, so that a chain never starts half-configured.
  Status resolve(const ChainParams& params);
  // resolve(), then the module of each schedule entry, in order.
  Status modules_for(const ChainParams& params, std::vector<std::shared_ptr<const ConsensusModule>>* out);

 private:
  std::vector<std::shared_ptr<const ConsensusModule>> modules_;
  std::vector<std::shared_ptr<void>> libraries_;  // dlopen handles, closed last
};

// The built-in modules (engine/src/consensus/).
std::shared_ptr<const ConsensusModule> make_pow_module();
std::shared_ptr<const ConsensusModule> make_signet_module();
std::shared_ptr<const ConsensusModule> make_bft_module();

// Bitcoin Core's GetNextWorkRequired: the nBits the block at ctx.height must
// carry, from its branch (retarget every interval, clamped to a quarter and
// four times the timespan; regtest never retargets; testnet's
// minimum-difficulty exception when allowed).
uint32_t next_work_required(const BlockHeader& header, const BlockContext& ctx);

// The pow module's header rules, for every module that keeps proof of work
// (signet): "high-hash" (skipped when !ctx.check_pow) ...
Validity check_pow_header(const BlockHeader& header, const Hash256& hash, const BlockContext& ctx);
// ... and "bad-diffbits" (skipped when !ctx.check_pow) then check_time_above_median.
Validity check_pow_header_context(const BlockHeader& header, const BlockContext& ctx);
// "time-too-old": the time at or below the median of the last 11 blocks
// (any module; valid for the genesis block).
Validity check_time_above_median(const BlockHeader& header, const BlockContext& ctx);

}  // namespace vigil
