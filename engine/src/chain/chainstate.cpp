// ChainState::connect_block: Bitcoin Core's ConnectBlock over the UtxoStore,
// with the signature checks of the whole block in one Verifier batch.
#include "vigil/chainstate.hpp"

#include <chrono>
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

Status ChainState::connect_block(ByteView block, ConnectReport* report) {
  Impl& m = *impl_;
  *report = ConnectReport{};
  using Clock = std::chrono::steady_clock;
  Clock::time_point mark = Clock::now();
  auto lap = [&](double& into) {
    const Clock::time_point now = Clock::now();
    into += std::chrono::duration<double>(now - mark).count();
    mark = now;
  };
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  if (Status s = parse_block(block, &parsed); !s.ok()) return s;
  if (Status s = read_block_transactions(block, parsed, &txs); !s.ok()) return s;
  const std::optional<ChainTip> tip = m.store->tip();
  report->hash = parsed.hash;
  report->transactions = txs.size();
  if (tip ? parsed.header.prev_block != tip->hash : parsed.header.prev_block != Hash256{})
    return Status::InvalidArgument("block " + to_display_hex(parsed.hash) + " does not follow the tip " +
                                   (tip ? to_display_hex(tip->hash) : std::string("(empty: a genesis block is needed)")));
  const uint32_t height = tip ? tip->height + 1 : 0;
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
  BlockChanges changes;
  changes.hash = parsed.hash;
  changes.prev_hash = parsed.header.prev_block;
  changes.height = height;
  std::map<OutPoint, Coin> view;          // coins created by this block, not yet spent in it
  std::set<OutPoint> spent_from_store;    // stored coins this block spends
  std::set<OutPoint> spent_in_block;      // coins created and spent by this block
  std::map<OutPoint, Prevout> prevouts;   // every spent coin, for the signature checks
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
          if (Status s = m.store->get(p, &coin); !s.ok()) return s;
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
      if (Status s = m.store->get(p, &existing); !s.ok()) return s;
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
  const BlockSpends spends = collect_block_spends(txs, lookup);
  report->checks = spends.checks.size();
  report->signatures = spends.signatures;
  report->not_verified = spends.not_verified;
  lap(report->seconds.sighash);
  std::vector<uint8_t> verdicts(spends.checks.size(), 0);
  if (Status s = m.verifier->verify(spends.checks, verdicts); !s.ok()) return s;
  report->validity = spends_validity(spends, judge_spends(spends, verdicts));
  lap(report->seconds.verify);
  if (!report->validity.valid) return Status::Ok();
  const Status written = m.store->connect(changes);
  lap(report->seconds.write);
  return written;
}

}  // namespace vigil
