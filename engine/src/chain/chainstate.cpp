// ChainState::connect_block: Bitcoin Core's ConnectBlock over the UtxoStore,
// with the signature checks of the whole block in one Verifier batch.
#include "vigil/chainstate.hpp"

#include <chrono>
#include <future>
#include <map>
#include <set>

#include "vigil/hash.hpp"
#include "vigil/spends.hpp"

namespace vigil {
namespace {

constexpr size_t kMaxScriptSize = 10'000;

// CScript::IsUnspendable: never added to the UTXO set.
bool unspendable(ByteView script) { return (!script.empty() && script[0] == 0x6a) || script.size() > kMaxScriptSize; }

bool money_range(int64_t v) { return v >= 0 && v <= kMaxMoney; }


}  // namespace

int64_t block_subsidy(uint32_t height, Network network) {
  ChainParams p;
  p.subsidy_halving_interval = network_consensus(network).subsidy_halving_interval;
  return p.block_subsidy(height);
}

struct ChainState::Impl {
  ChainStateOptions options;
  ChainParams params;
  Verifier* verifier;
  Hasher* hasher;
  std::unique_ptr<UtxoStore> store;
  std::shared_ptr<ModuleRegistry> registry;
  std::vector<std::shared_ptr<const ConsensusModule>> modules;  // one per params.modules entry
  // The connected chain's headers and module states by height; during
  // connect_blocks also the blocks prepared but not yet written.
  std::vector<HeaderEntry> headers;
  std::vector<Bytes> states;

  void trim_to_store() {
    const std::optional<ChainTip> t = store->tip();
    const size_t n = t ? size_t{t->height} + 1 : 0;
    headers.resize(n);
    states.resize(n);
  }
};

namespace {

// Blocks 0 .. size-1 of the chain state's headers: the branch a block at
// height `size` extends.
class HeaderPrefix final : public ChainHistory {
 public:
  HeaderPrefix(const std::vector<HeaderEntry>& headers, uint32_t size) : headers_(headers), size_(size) {}
  uint32_t size() const override { return size_; }
  const HeaderEntry& at(uint32_t height) const override { return headers_[height]; }

 private:
  const std::vector<HeaderEntry>& headers_;
  uint32_t size_;
};

}  // namespace

ChainState::ChainState(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChainState::~ChainState() = default;

namespace {

constexpr const char* kScheduleRecord = "schedule";

// Loads the stored headers and module states into `m`.
Status load_headers(ChainState::Impl& m) {
  std::vector<StoredHeader> stored;
  if (Status s = m.store->read_headers(&stored); !s.ok()) return s;
  m.headers.clear();
  m.states.clear();
  for (StoredHeader& h : stored) {
    HeaderEntry e;
    if (Status s = parse_block_header(ByteView(h.header.data(), h.header.size()), &e.header); !s.ok())
      return Status::Corruption("UTXO store: a stored header: " + s.message());
    e.hash = sha256d(ByteView(h.header.data(), h.header.size()));
    m.headers.push_back(e);
    m.states.push_back(std::move(h.module_state));
  }
  return Status::Ok();
}

Status disconnect(ChainState::Impl& m, bool allow_final) {
  const std::optional<ChainTip> t = m.store->tip();
  if (!t) return Status::InvalidArgument("disconnect: the chain is empty");
  if (!allow_final && m.modules[m.params.module_index(t->height)]->final_when_connected())
    return Status::FailedPrecondition("block " + to_display_hex(t->hash) + " at height " + std::to_string(t->height) +
                                      " is final (" + m.params.module_at(t->height).module.str() + "): it is never disconnected");
  if (Status s = m.store->disconnect_tip(); !s.ok()) return s;
  m.trim_to_store();
  return Status::Ok();
}

// Compares the stored schedule with the configured one; rewinds or refuses.
Status reconcile_schedule(ChainState::Impl& m) {
  std::optional<std::string> stored_json;
  if (Status s = m.store->get_meta(kScheduleRecord, &stored_json); !s.ok()) return s;
  const std::string configured_json = m.params.ToJson();
  if (stored_json && *stored_json == configured_json) return Status::Ok();
  if (stored_json && m.store->tip()) {
    ChainParams stored;
    if (Status s = ChainParams::FromJson(*stored_json, "", &stored); !s.ok())
      return Status::Corruption("the stored schedule does not parse: " + s.message());
    uint32_t first_changed = 0;
    const Status cmp = compare_schedules(stored, m.params, m.store->tip()->height, &first_changed);
    if (!cmp.ok()) {
      if (!m.options.rewind_on_schedule_change) return cmp;
      while (const std::optional<ChainTip> t = m.store->tip()) {
        if (t->height < first_changed) break;
        if (Status s = disconnect(m, /*allow_final=*/true); !s.ok()) return s;
      }
    }
  }
  return m.store->put_meta(kScheduleRecord, configured_json);
}

}  // namespace

Status ChainState::Open(const ChainStateOptions& options, Verifier* verifier, Hasher* hasher,
                        std::unique_ptr<ChainState>* out) {
  if (!verifier || !hasher) return Status::InvalidArgument("ChainState::Open: a verifier and a hasher are needed");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->verifier = verifier;
  impl->hasher = hasher;
  impl->params = options.params;
  if (impl->params.modules.empty()) {
    impl->params = ChainParams::ForNetwork(options.network);
    impl->params.coinbase_maturity = options.coinbase_maturity;
  }
  if (Status s = impl->params.validate(); !s.ok()) return s;
  impl->registry = options.modules ? options.modules : ModuleRegistry::WithBuiltins();
  if (Status s = impl->registry->modules_for(impl->params, &impl->modules); !s.ok()) return s;
  if (Status s = UtxoStore::Open(options.store, &impl->store); !s.ok()) return s;
  if (Status s = load_headers(*impl); !s.ok()) return s;
  if (Status s = reconcile_schedule(*impl); !s.ok()) return s;
  out->reset(new ChainState(std::move(impl)));
  return Status::Ok();
}

std::optional<ChainTip> ChainState::tip() const { return impl_->store->tip(); }
UtxoStore& ChainState::store() { return *impl_->store; }
const ChainParams& ChainState::params() const { return impl_->params; }
const std::vector<HeaderEntry>& ChainState::headers() const { return impl_->headers; }
Status ChainState::disconnect_tip() { return disconnect(*impl_, /*allow_final=*/false); }

std::optional<uint32_t> ChainState::final_height() const {
  const std::optional<ChainTip> t = impl_->store->tip();
  if (!t) return std::nullopt;
  // The highest height at or below the tip whose module makes blocks final.
  for (size_t i = impl_->params.modules.size(); i-- > 0;) {
    const uint32_t from = impl_->params.modules[i].height;
    if (from > t->height) continue;
    if (impl_->modules[i]->final_when_connected()) {
      const uint32_t until = i + 1 < impl_->params.modules.size() ? impl_->params.modules[i + 1].height - 1 : t->height;
      return std::min(until, t->height);
    }
  }
  return std::nullopt;
}

namespace {

struct Parent {
  Hash256 hash;
  uint32_t height = 0;
};

// The coins as the store has them with the pending blocks' changes applied
// (a spent coin shadowed as absent).
class CoinView {
 public:
  explicit CoinView(const UtxoStore& store) : store_(store) {}
  Status get(const OutPoint& p, std::optional<Coin>* out) const {
    if (const auto it = changed_.find(p); it != changed_.end()) {
      *out = it->second;
      return Status::Ok();
    }
    return store_.get(p, out);
  }
  void apply(const BlockChanges& c) {
    for (const auto& [p, coin] : c.spent) changed_[p] = std::nullopt;
    for (const auto& [p, coin] : c.overwritten) changed_[p] = std::nullopt;
    for (const auto& [p, coin] : c.created) changed_[p] = coin;
  }

 private:
  const UtxoStore& store_;
  std::map<OutPoint, std::optional<Coin>> changed_;
};

// A block prepared: its rules and coins checked, its signature checks
// collected (views into the caller's bytes and into `spends`).
struct Pending {
  ByteView block;
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  BlockChanges changes;
  BlockSpends spends;
  // Every coin it spends: the checks' keys of P2PK, bare multisig and P2TR
  // spends are views into these scripts (a map's nodes stay put when it moves).
  std::map<OutPoint, Prevout> prevouts;
  BlockHashes hashes;
  size_t module = 0;                  // index into the chain's modules
  std::unique_ptr<ModuleWork> work;   // the module's signature checks
  ConnectReport report;
};

BlockContext context_for(const ChainState::Impl& m, const HeaderPrefix& history, uint32_t height) {
  BlockContext ctx;
  ctx.height = height;
  ctx.chain = &history;
  ctx.params = &m.params;
  ctx.rules = m.params.rules_at(height);
  ctx.module_since = m.params.module_at(height).height;
  if (height > ctx.module_since) ctx.module_state = ByteView(m.states[height - 1].data(), m.states[height - 1].size());
  ctx.check_pow = m.options.check_pow;
  return ctx;
}

// BIP68 (CalculateSequenceLocks + EvaluateSequenceLocks): each input whose
// sequence does not disable it locks the transaction until its coin is
// that many blocks old, or that many 512-second units old by median time
// past. `coin_heights[i]` is the height of the block that created input i's
// coin; `parent_mtp` the median time past of the block's parent.
bool sequence_locks_met(const Transaction& tx, const std::vector<uint32_t>& coin_heights, const ChainHistory& history,
                        uint32_t height, uint32_t parent_mtp) {
  // The version compared unsigned, as Core does (a negative one is >= 2).
  if (static_cast<uint32_t>(tx.version) < 2 || height == 0) return true;
  constexpr uint32_t kDisable = 1u << 31, kTypeFlag = 1u << 22, kMask = 0xffff;
  int64_t min_height = -1, min_time = -1;
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const uint32_t seq = tx.inputs[i].sequence;
    if (seq & kDisable) continue;
    const uint32_t coin_height = coin_heights[i];
    if (seq & kTypeFlag) {
      // The median time past of the block before the coin's.
      const uint32_t before = coin_height > 0 ? coin_height - 1 : 0;
      const int64_t coin_time = median_time_past(history, std::min(before, height - 1));
      min_time = std::max(min_time, coin_time + (int64_t{seq & kMask} << 9) - 1);
    } else {
      min_height = std::max(min_height, int64_t{coin_height} + (seq & kMask) - 1);
    }
  }
  return min_height < int64_t{height} && min_time < int64_t{parent_mtp};
}

// Parses `block` as the child of `parent` (none: the genesis block), runs the
// context-free and coin rules against `coins`, and collects its signature
// checks. An invalid verdict is left in p->report.validity; a Status error is
// for bytes that do not parse or a block that does not follow `parent`.
Status prepare(ChainState::Impl& m, ByteView block, const std::optional<Parent>& parent, const CoinView& coins,
               Pending* p) {
  ConnectReport* report = &p->report;
  *report = ConnectReport{};
  p->block = block;
  using Clock = std::chrono::steady_clock;
  Clock::time_point mark = Clock::now();
  auto lap = [&](double& into) {
    const Clock::time_point now = Clock::now();
    into += std::chrono::duration<double>(now - mark).count();
    mark = now;
  };
  ParsedBlock& parsed = p->parsed;
  std::vector<Transaction>& txs = p->txs;
  if (Status s = parse_block(block, &parsed); !s.ok()) return s;
  if (Status s = read_block_transactions(block, parsed, &txs); !s.ok()) return s;
  report->hash = parsed.hash;
  report->transactions = txs.size();
  if (parent ? parsed.header.prev_block != parent->hash : parsed.header.prev_block != Hash256{})
    return Status::InvalidArgument("block " + to_display_hex(parsed.hash) + " does not follow the tip " +
                                   (parent ? to_display_hex(parent->hash) : std::string("(empty: a genesis block is needed)")));
  const uint32_t height = parent ? parent->height + 1 : 0;
  report->height = height;
  lap(report->seconds.parse);

  // The module's header rules (proof of work, difficulty, timestamps),
  // then Bitcoin's: the rule set scheduled for this height.
  const HeaderPrefix history(m.headers, height);
  const BlockContext ctx = context_for(m, history, height);
  p->module = m.params.module_index(height);
  const ConsensusModule& module = *m.modules[p->module];
  report->module = m.params.module_at(height).module.str();
  report->validity = module.check_header(parsed.header, parsed.hash, ctx);
  if (report->validity.valid) report->validity = module.check_header_context(parsed.header, ctx);
  // The rest of Core's ContextualCheckBlockHeader, before CheckBlock as there.
  const BlockRules rules{ctx.rules.active(Rule::kBip34), ctx.rules.active(Rule::kBip66), ctx.rules.active(Rule::kBip65),
                         ctx.rules.active(Rule::kCsv)};
  if (report->validity.valid) report->validity = check_block_version(parsed.header, rules);
  if (!report->validity.valid) return Status::Ok();

  // BIP113's cutoff and BIP68's reference, once per block.
  const uint32_t parent_mtp = height > 0 ? median_time_past(history, height - 1) : 0;

  // Context-free rules.
  std::vector<BlockHashes> hashes(1);
  if (Status s = m.hasher->block_hashes({&block, 1}, {&parsed, 1}, hashes); !s.ok()) return s;
  p->hashes = std::move(hashes[0]);
  CheckBlockOptions check;
  check.network = m.params.network;
  check.check_pow = false;  // the module's
  check.segwit = ctx.rules.active(Rule::kSegwit);
  check.witness_rules = false;  // in Core's order: after finality and BIP34's height
  report->validity = check_block(block, parsed, txs, p->hashes, check);
  if (report->validity.valid) report->validity = check_block_context(parsed, txs, height, parent_mtp, rules);
  if (report->validity.valid) report->validity = check_block_witness(block, parsed, txs, p->hashes, check.segwit);
  lap(report->seconds.rules);
  if (!report->validity.valid) return Status::Ok();
  const std::vector<Hash256>& txids = p->hashes.txids;

  // The coins this block spends, from the store or from its own earlier
  // transactions; what it creates; ConnectBlock's amount rules.
  BlockChanges& changes = p->changes;
  changes.hash = parsed.hash;
  changes.prev_hash = parsed.header.prev_block;
  changes.height = height;
  std::map<OutPoint, Coin> view;          // coins created by this block, not yet spent in it
  std::set<OutPoint> spent_from_store;    // stored coins this block spends
  std::set<OutPoint> spent_in_block;      // coins created and spent by this block
  std::map<OutPoint, Prevout>& prevouts = p->prevouts;
  auto invalid = [&](const char* reason, std::string debug) {
    report->validity = Validity::Invalid(reason, std::move(debug));
    return Status::Ok();
  };
  // BIP30, as Core's ConnectBlock checks it: before any transaction, no
  // output of the block may already be in the set. Where it is not checked
  // (an exception block, or BIP30 implied by BIP34) Core lets a coinbase
  // overwrite an earlier coin (only a coinbase can repeat a transaction
  // then): only the coinbase's outputs are looked up, for the store to take
  // the replaced coin out of the set and its digest.
  std::map<OutPoint, Coin> overwritten;
  if (height > 0) {
    const bool bip30 = m.params.bip30_enforced(height, parsed.hash, history);
    for (size_t t = 0; t < (bip30 ? txs.size() : 1); ++t) {
      for (uint32_t o = 0; o < txs[t].outputs.size(); ++o) {
        if (unspendable(txs[t].outputs[o].script_pubkey)) continue;  // never in the set
        const OutPoint p{txids[t], o};
        std::optional<Coin> existing;
        if (Status s = coins.get(p, &existing); !s.ok()) return s;
        if (!existing) continue;
        if (bip30)
          return invalid("bad-txns-BIP30", "tx " + std::to_string(t) + " output " + std::to_string(o) +
                                               " overwrites an unspent output");
        overwritten.emplace(p, std::move(*existing));
      }
    }
  }
  int64_t fees = 0;
  for (size_t t = 0; t < txs.size(); ++t) {
    const Transaction& tx = txs[t];
    if (t > 0) {
      // Core's CheckTxInputs: every input present first ...
      std::vector<std::optional<Coin>> in_coins(tx.inputs.size());
      for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const OutPoint& p = tx.inputs[i].prevout;
        // A coin created earlier in this block, or one from the store not
        // already spent in this block.
        if (const auto here = view.find(p); here != view.end()) {
          in_coins[i] = here->second;
        } else if (!spent_from_store.count(p)) {
          if (Status s = coins.get(p, &in_coins[i]); !s.ok()) return s;
        }
        if (!in_coins[i])
          return invalid("bad-txns-inputs-missingorspent", "tx " + std::to_string(t) + " input " + std::to_string(i));
      }
      // ... then each one's maturity and amount, in order.
      int64_t value_in = 0;
      std::vector<uint32_t> coin_heights(tx.inputs.size());
      for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const OutPoint& p = tx.inputs[i].prevout;
        const Coin& coin = *in_coins[i];
        if (coin.coinbase && height - coin.height < m.params.coinbase_maturity)
          return invalid("bad-txns-premature-spend-of-coinbase", "tx " + std::to_string(t) + " input " + std::to_string(i));
        coin_heights[i] = coin.height;
        value_in += coin.amount;  // both terms within MAX_MONEY after the check below: no overflow
        if (!money_range(coin.amount) || !money_range(value_in))
          return invalid("bad-txns-inputvalues-outofrange", "tx " + std::to_string(t));
        prevouts[p] = Prevout{coin.amount, coin.script_pubkey};
        if (const auto here = view.find(p); here != view.end()) {
          view.erase(here);
          spent_in_block.insert(p);  // created and spent here: neither created nor spent for the store
        } else {
          spent_from_store.insert(p);
          changes.spent.push_back({p, coin});
        }
      }
      int64_t value_out = 0;
      for (const TxOut& o : tx.outputs) value_out += o.value;  // check_transaction bounded it
      if (value_in < value_out)
        return invalid("bad-txns-in-belowout", "tx " + std::to_string(t) + ": " + std::to_string(value_in) + " < " +
                                                   std::to_string(value_out));
      const int64_t fee = value_in - value_out;
      if (!money_range(fee)) return invalid("bad-txns-fee-outofrange", "tx " + std::to_string(t));
      fees += fee;
      if (!money_range(fees)) return invalid("bad-txns-accumulated-fee-outofrange", "tx " + std::to_string(t));
      // BIP68, after the amounts as in Core's ConnectBlock.
      if (ctx.rules.active(Rule::kCsv) && !sequence_locks_met(tx, coin_heights, history, height, parent_mtp))
        return invalid("bad-txns-nonfinal", "tx " + std::to_string(t) + ": its BIP68 sequence locks are not met");
    }
    // The genesis block's outputs never enter the set (Bitcoin Core).
    if (height == 0) continue;
    for (uint32_t o = 0; o < tx.outputs.size(); ++o) {
      const TxOut& out = tx.outputs[o];
      if (unspendable(out.script_pubkey)) continue;
      const OutPoint p{txids[t], o};
      // The same txid twice in one block (BIP30's concern within the block;
      // no store read).
      if (view.count(p) || spent_in_block.count(p))
        return invalid("bad-txns-BIP30", "tx " + std::to_string(t) + " overwrites an unspent output");
      view[p] = Coin{out.value, Bytes(out.script_pubkey.begin(), out.script_pubkey.end()), height, t == 0};
    }
  }
  for (auto& [p, coin] : overwritten) changes.overwritten.push_back({p, std::move(coin)});
  // What the block leaves: its coins not spent by itself.
  for (auto& [p, coin] : view) changes.created.push_back({p, std::move(coin)});
  int64_t claimed = 0;
  for (const TxOut& o : txs[0].outputs) claimed += o.value;
  if (claimed > m.params.block_subsidy(height) + fees)
    return invalid("bad-cb-amount", "coinbase pays " + std::to_string(claimed) + " > subsidy + fees");

  lap(report->seconds.coins);
  // Every standard spend's signatures, in one batch.
  const PrevoutLookup lookup = [&](const OutPoint& p) -> const Prevout* {
    const auto it = prevouts.find(p);
    return it == prevouts.end() ? nullptr : &it->second;
  };
  SpendRules spend_rules;
  spend_rules.flags = m.params.script_flags(height, parsed.hash);  // Core's GetBlockScriptFlags
  p->spends = collect_block_spends(txs, lookup, spend_rules);
  // ConnectBlock's limit on the signature operations' cost (legacy, P2SH and
  // witness sigops; the coins are known here).
  if (p->spends.sigop_cost > kMaxBlockSigopsCost)
    return invalid("bad-blk-sigops", std::to_string(p->spends.sigop_cost) + " sigop cost");
  // The module's own signature work rides in the same batch, and its state
  // after this block is known now (the next block is prepared on it).
  const BlockView block_view{block, &parsed, &txs, &p->hashes};
  // The hash work the module needs first (Merkle roots over the block's
  // txids), through the Hasher: on the GPU when it has one.
  HashWork hash_work;
  module.declare_hashes(block_view, ctx, &hash_work);
  std::vector<MerkleResult> roots(hash_work.merkle_trees.size());
  if (!roots.empty()) {
    std::vector<Hash256> leaves;
    std::vector<uint32_t> sizes;
    for (const std::vector<Hash256>& tree : hash_work.merkle_trees) {
      leaves.insert(leaves.end(), tree.begin(), tree.end());
      sizes.push_back(static_cast<uint32_t>(tree.size()));
    }
    if (Status s = m.hasher->merkle_roots(leaves, sizes, roots); !s.ok()) return s;
  }
  BlockContext work_ctx = ctx;
  work_ctx.merkle_roots = roots;
  report->validity = module.declare_work(block_view, work_ctx, &p->work);
  if (!p->work) p->work = std::make_unique<ModuleWork>();
  Bytes state_after;
  if (report->validity.valid) report->validity = module.next_state(block_view, work_ctx, *p->work, &state_after);
  if (!report->validity.valid) return Status::Ok();
  changes.header.assign(block.begin(), block.begin() + kBlockHeaderSize);
  changes.module_state = std::move(state_after);
  report->checks = p->spends.checks.size() + p->work->checks.size();
  report->signatures = p->spends.signatures;
  report->not_verified = p->spends.not_verified;
  report->inputs_by_form = p->spends.inputs_by_form;
  lap(report->seconds.sighash);
  return Status::Ok();
}

}  // namespace

Status ChainState::connect_block(ByteView block, ConnectReport* report) {
  std::vector<ConnectReport> reports;
  const Status s = connect_blocks({&block, 1}, &reports);
  if (!reports.empty()) *report = reports.back();
  return s;
}

namespace {

// A batch of prepared blocks and their signature checks, verified on
// another thread while the next batch is prepared.
struct Batch {
  std::vector<Pending> blocks;
  std::vector<Check> checks;
  std::vector<uint8_t> verdicts;
  std::future<Status> verified;
  double verify_seconds = 0;

  void start(Verifier& verifier) {
    checks.clear();
    for (const Pending& p : blocks) {
      checks.insert(checks.end(), p.spends.checks.begin(), p.spends.checks.end());
      checks.insert(checks.end(), p.work->checks.begin(), p.work->checks.end());
    }
    verdicts.assign(checks.size(), 0);
    verified = std::async(std::launch::async, [this, &verifier] {
      const auto t0 = std::chrono::steady_clock::now();
      const Status s = verifier.verify(checks, verdicts);
      verify_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      return s;
    });
  }
};

}  // namespace

Status ChainState::connect_blocks(std::span<const ByteView> blocks, std::vector<ConnectReport>* reports) {
  Impl& m = *impl_;
  reports->clear();
  // Whatever happens, the headers end as the store's chain.
  struct Trim {
    Impl& m;
    ~Trim() { m.trim_to_store(); }
  } trim{m};
  CoinView coins(*m.store);
  std::optional<Parent> parent;
  if (const std::optional<ChainTip> tip = m.store->tip()) parent = Parent{tip->hash, tip->height};
  const size_t per_batch = std::max<uint32_t>(1, m.options.verify_batch_blocks);
  Status stop;                           // a block that does not parse or follow
  std::optional<ConnectReport> invalid;  // a block invalid before its signatures
  size_t next = 0;
  // Prepares the next batch: each block against the coins as the blocks
  // before it (this batch's, and the batches' still being verified) leave them.
  auto prepare_batch = [&](Batch& b) {
    b.blocks.clear();
    while (next < blocks.size() && b.blocks.size() < per_batch && stop.ok() && !invalid) {
      Pending p;
      stop = prepare(m, blocks[next], parent, coins, &p);
      if (!stop.ok()) break;
      if (!p.report.validity.valid) {
        invalid = p.report;
        break;
      }
      ++next;
      coins.apply(p.changes);
      parent = Parent{p.changes.hash, p.changes.height};
      // The next block's context: this one's header and module state.
      m.headers.resize(p.changes.height);
      m.states.resize(p.changes.height);
      m.headers.push_back(HeaderEntry{p.parsed.header, p.parsed.hash});
      m.states.push_back(p.changes.module_state);
      b.blocks.push_back(std::move(p));
    }
  };
  // Waits for a batch's verdicts; decides and writes its blocks in order.
  // False when a block was invalid (the run ends there).
  auto finish_batch = [&](Batch& b, Status* error) {
    *error = b.verified.get();
    if (!error->ok()) return false;
    size_t at = 0;
    for (Pending& p : b.blocks) {
      const size_t n_spends = p.spends.checks.size(), n_module = p.work->checks.size();
      const std::span<const uint8_t> spend_verdicts(b.verdicts.data() + at, n_spends);
      const std::span<const uint8_t> module_verdicts(b.verdicts.data() + at + n_spends, n_module);
      at += n_spends + n_module;
      p.report.seconds.verify = b.checks.empty() ? 0
                                                 : b.verify_seconds * static_cast<double>(n_spends + n_module) /
                                                       static_cast<double>(b.checks.size());
      std::vector<InputVerdict> input_verdicts;
      const BatchVerify reverify = [&m](std::span<const Check> c, std::span<uint8_t> v) { return m.verifier->verify(c, v); };
      if (Status s = judge_spends(p.spends, spend_verdicts, reverify, &input_verdicts); !s.ok()) {
        *error = s;
        return false;
      }
      p.report.validity = spends_validity(p.spends, input_verdicts);
      if (p.report.validity.valid) {
        const uint32_t height = p.changes.height;
        const HeaderPrefix history(m.headers, height);
        const BlockContext ctx = context_for(m, history, height);
        const BlockView view{p.block, &p.parsed, &p.txs, &p.hashes};
        Bytes state;
        p.report.validity = m.modules[p.module]->judge(view, ctx, *p.work, module_verdicts, &state);
      }
      if (!p.report.validity.valid) {
        reports->push_back(p.report);
        return false;
      }
      const auto w0 = std::chrono::steady_clock::now();
      if (Status s = m.store->connect(p.changes); !s.ok()) {
        *error = s;
        return false;
      }
      p.report.seconds.write = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      reports->push_back(p.report);
    }
    return true;
  };
  // Two batches in flight: one verified on another thread while the next is
  // prepared here (coins, signature hashes), then decided and written.
  Batch a, b;
  Batch* current = &a;
  Batch* upcoming = &b;
  prepare_batch(*current);
  current->start(*m.verifier);
  for (;;) {
    prepare_batch(*upcoming);
    Status error;
    if (!finish_batch(*current, &error)) return error;  // an invalid block (Ok) or an error; `upcoming` is dropped
    if (upcoming->blocks.empty()) break;
    upcoming->start(*m.verifier);
    std::swap(current, upcoming);
  }
  if (invalid) reports->push_back(*invalid);
  return stop;
}

}  // namespace vigil
