// ChainState::connect_block: Bitcoin Core's ConnectBlock over the UtxoStore,
// with the signature checks of the whole block in one Verifier batch.
#include "vigil/chainstate.hpp"

#include <chrono>
#include <future>
#include <map>
#include <set>

#include "vigil/spends.hpp"

namespace vigil {
namespace {

constexpr size_t kMaxScriptSize = 10'000;

// CScript::IsUnspendable: never added to the UTXO set.
bool unspendable(ByteView script) { return (!script.empty() && script[0] == 0x6a) || script.size() > kMaxScriptSize; }

bool money_range(int64_t v) { return v >= 0 && v <= kMaxMoney; }

}  // namespace

int64_t block_subsidy(uint32_t height, Network network) {
  const uint32_t interval = network == Network::kRegtest ? 150 : 210'000;
  const uint32_t halvings = height / interval;
  if (halvings >= 64) return 0;
  return (50 * kCoin) >> halvings;
}

struct ChainState::Impl {
  ChainStateOptions options;
  Verifier* verifier;
  Hasher* hasher;
  std::unique_ptr<UtxoStore> store;
};

ChainState::ChainState(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChainState::~ChainState() = default;

Status ChainState::Open(const ChainStateOptions& options, Verifier* verifier, Hasher* hasher,
                        std::unique_ptr<ChainState>* out) {
  if (!verifier || !hasher) return Status::InvalidArgument("ChainState::Open: a verifier and a hasher are needed");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->verifier = verifier;
  impl->hasher = hasher;
  if (Status s = UtxoStore::Open(options.store, &impl->store); !s.ok()) return s;
  out->reset(new ChainState(std::move(impl)));
  return Status::Ok();
}

std::optional<ChainTip> ChainState::tip() const { return impl_->store->tip(); }
UtxoStore& ChainState::store() { return *impl_->store; }
Status ChainState::disconnect_tip() { return impl_->store->disconnect_tip(); }

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
  ConnectReport report;
};

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

  // Context-free rules.
  std::vector<BlockHashes> hashes(1);
  if (Status s = m.hasher->block_hashes({&block, 1}, {&parsed, 1}, hashes); !s.ok()) return s;
  CheckBlockOptions check;
  check.network = m.options.network;
  check.check_pow = m.options.check_pow;
  report->validity = check_block(block, parsed, txs, hashes[0], check);
  lap(report->seconds.rules);
  if (!report->validity.valid) return Status::Ok();
  const std::vector<Hash256>& txids = hashes[0].txids;

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
  int64_t fees = 0;
  for (size_t t = 0; t < txs.size(); ++t) {
    const Transaction& tx = txs[t];
    if (t > 0) {
      int64_t value_in = 0;
      for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const OutPoint& p = tx.inputs[i].prevout;
        // A coin created earlier in this block, or one from the store not
        // already spent in this block.
        std::optional<Coin> coin;
        const auto here = view.find(p);
        if (here != view.end()) {
          coin = here->second;
        } else if (!spent_from_store.count(p)) {
          if (Status s = coins.get(p, &coin); !s.ok()) return s;
        }
        if (!coin) return invalid("bad-txns-inputs-missingorspent", "tx " + std::to_string(t) + " input " + std::to_string(i));
        if (coin->coinbase && height - coin->height < m.options.coinbase_maturity)
          return invalid("bad-txns-premature-spend-of-coinbase", "tx " + std::to_string(t) + " input " + std::to_string(i));
        value_in += coin->amount;
        if (!money_range(coin->amount) || !money_range(value_in))
          return invalid("bad-txns-inputvalues-outofrange", "tx " + std::to_string(t));
        prevouts[p] = Prevout{coin->amount, coin->script_pubkey};
        if (here != view.end()) {
          view.erase(here);
          spent_in_block.insert(p);  // created and spent here: neither created nor spent for the store
        } else {
          spent_from_store.insert(p);
          changes.spent.push_back({p, *coin});
        }
      }
      int64_t value_out = 0;
      for (const TxOut& o : tx.outputs) value_out += o.value;  // check_transaction bounded it
      if (value_in < value_out)
        return invalid("bad-txns-in-belowout", "tx " + std::to_string(t) + ": " + std::to_string(value_in) + " < " +
                                                   std::to_string(value_out));
      fees += value_in - value_out;
      if (!money_range(fees)) return invalid("bad-txns-accumulated-fee-outofrange", "tx " + std::to_string(t));
    }
    // The genesis block's outputs never enter the set (Bitcoin Core).
    if (height == 0) continue;
    for (uint32_t o = 0; o < tx.outputs.size(); ++o) {
      const TxOut& out = tx.outputs[o];
      if (unspendable(out.script_pubkey)) continue;
      const OutPoint p{txids[t], o};
      std::optional<Coin> existing;
      if (Status s = coins.get(p, &existing); !s.ok()) return s;
      // BIP30: no transaction may overwrite an unspent output.
      if ((existing && !spent_from_store.count(p)) || view.count(p) || spent_in_block.count(p))
        return invalid("bad-txns-BIP30", "tx " + std::to_string(t) + " overwrites an unspent output");
      view[p] = Coin{out.value, Bytes(out.script_pubkey.begin(), out.script_pubkey.end()), height, t == 0};
    }
  }
  // What the block leaves: its coins not spent by itself.
  for (auto& [p, coin] : view) changes.created.push_back({p, std::move(coin)});
  int64_t claimed = 0;
  for (const TxOut& o : txs[0].outputs) claimed += o.value;
  if (claimed > block_subsidy(height, m.options.network) + fees)
    return invalid("bad-cb-amount", "coinbase pays " + std::to_string(claimed) + " > subsidy + fees");

  lap(report->seconds.coins);
  // Every standard spend's signatures, in one batch.
  const PrevoutLookup lookup = [&](const OutPoint& p) -> const Prevout* {
    const auto it = prevouts.find(p);
    return it == prevouts.end() ? nullptr : &it->second;
  };
  p->spends = collect_block_spends(txs, lookup);
  report->checks = p->spends.checks.size();
  report->signatures = p->spends.signatures;
  report->not_verified = p->spends.not_verified;
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
    for (const Pending& p : blocks) checks.insert(checks.end(), p.spends.checks.begin(), p.spends.checks.end());
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
      const std::span<const uint8_t> mine(b.verdicts.data() + at, p.spends.checks.size());
      at += p.spends.checks.size();
      p.report.seconds.verify =
          b.checks.empty() ? 0 : b.verify_seconds * static_cast<double>(mine.size()) / static_cast<double>(b.checks.size());
      p.report.validity = spends_validity(p.spends, judge_spends(p.spends, mine));
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
