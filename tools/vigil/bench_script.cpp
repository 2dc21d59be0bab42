#include "bench_script.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "vigil/block.hpp"
#include "vigil/block_check.hpp"
#include "vigil/consensus.hpp"
#include "vigil/spends.hpp"

namespace vigil::cli::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kGroup = 1000;  // transactions per collect_block_spends call, about a block's

// One input's transaction with the outputs it spends, and the flags of its block.
struct Spend {
  const Transaction* tx;
  std::map<OutPoint, Prevout> prevouts;
  uint32_t flags;
};

}  // namespace

void add_script_rows(const std::vector<Bytes>& blocks, double min_seconds, double replay_seconds, Matrix& m) {
  // Every transaction of the chain, parsed once; every output, for the lookups.
  const ChainParams params = ChainParams::Regtest();
  std::vector<std::vector<Transaction>> txs(blocks.size());
  std::map<OutPoint, Prevout> outputs;
  std::array<std::vector<Spend>, kSpendFormCount> by_form;
  for (size_t h = 0; h < blocks.size(); ++h) {
    const ByteView bytes(blocks[h].data(), blocks[h].size());
    ParsedBlock parsed;
    if (!parse_block(bytes, &parsed).ok() || !read_block_transactions(bytes, parsed, &txs[h]).ok()) {
      m.notes.push_back("script rows: block " + std::to_string(h) + " does not parse; no script rows");
      return;
    }
    const uint32_t flags = params.script_flags(static_cast<uint32_t>(h), parsed.hash);
    for (size_t t = 0; t < txs[h].size(); ++t) {
      const Transaction& tx = txs[h][t];
      if (!tx.is_coinbase()) {
        Spend s{&tx, {}, flags};
        for (const TxIn& in : tx.inputs)
          if (const auto it = outputs.find(in.prevout); it != outputs.end()) s.prevouts.emplace(in.prevout, it->second);
        // By the form of its first input (the simulator's transactions have one).
        const auto it = outputs.find(tx.inputs[0].prevout);
        const SpendForm form = it == outputs.end() ? SpendForm::kUnknown : spend_form(it->second.script_pubkey, tx.inputs[0]);
        by_form[static_cast<size_t>(form)].push_back(std::move(s));
      }
      const Hash256 id = txid_of(bytes, parsed.txs[t]);
      for (uint32_t o = 0; o < tx.outputs.size(); ++o)
        outputs[OutPoint{id, o}] = Prevout{tx.outputs[o].value, Bytes(tx.outputs[o].script_pubkey.begin(), tx.outputs[o].script_pubkey.end())};
    }
  }

  const Transaction coinbase = txs[0][0];  // the genesis block's
  double one_pass = 0;  // seconds to execute every input once
  uint64_t all_inputs = 0;
  for (size_t f = 0; f < kSpendFormCount; ++f) {
    const std::vector<Spend>& spends = by_form[f];
    if (spends.empty()) continue;
    const std::string form(spend_form_name(static_cast<SpendForm>(f)));
    // Block-sized groups, each with its own prevout map, as replay has per block.
    struct Group {
      std::vector<Transaction> txs;
      std::map<OutPoint, Prevout> prevouts;
      uint32_t flags;
    };
    std::vector<Group> groups;
    for (size_t i = 0; i < spends.size(); ++i) {
      // Each group opens with a coinbase, as a block does (its inputs are not scripts).
      if (i % kGroup == 0) groups.push_back(Group{{coinbase}, {}, spends[i].flags});
      groups.back().txs.push_back(*spends[i].tx);
      groups.back().prevouts.insert(spends[i].prevouts.begin(), spends[i].prevouts.end());
    }
    Row r;
    r.group = "script";
    r.name = "script/" + form + "/vigil-cpu";
    r.scheme = form;
    r.implementation = "vigil-cpu";
    r.batch = spends.size();
    uint64_t checks = 0;
    const Clock::time_point t0 = Clock::now();
    do {
      for (const Group& g : groups) {
        const PrevoutLookup lookup = [&](const OutPoint& p) -> const Prevout* {
          const auto it = g.prevouts.find(p);
          return it == g.prevouts.end() ? nullptr : &it->second;
        };
        const BlockSpends s = collect_block_spends(g.txs, lookup, SpendRules{g.flags});
        for (const InputSpend& in : s.inputs) r.valid += in.verified && in.assumed_ok;
        r.items += s.inputs.size();
        checks += s.checks.size();
      }
    } while (std::chrono::duration<double>(Clock::now() - t0).count() < min_seconds);
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    r.items_per_second = static_cast<double>(r.items) / r.seconds;
    const double per_input_us = 1e6 * r.seconds / static_cast<double>(r.items);
    char note[160];
    std::snprintf(note, sizeof note, "%.2f us per input, %.1f checks recorded per input (none verified; a taproot script path's commitment is one); one core",
                  per_input_us, static_cast<double>(checks) / static_cast<double>(r.items));
    r.note = note;
    one_pass += r.seconds * static_cast<double>(spends.size()) / static_cast<double>(r.items);
    all_inputs += spends.size();
    m.rows.push_back(std::move(r));
  }
  char line[240];
  if (replay_seconds > 0) {
    std::snprintf(line, sizeof line,
                  "script execution alone (signature and taproot commitment checks recorded, not verified; one core): %.3f s for the chain's "
                  "%llu inputs, %.1f%% of the CPU replay's %.2f s wall time",
                  one_pass, static_cast<unsigned long long>(all_inputs), 100 * one_pass / replay_seconds, replay_seconds);
  } else {
    std::snprintf(line, sizeof line, "script execution alone: %.3f s for the chain's %llu inputs (no CPU replay to compare)",
                  one_pass, static_cast<unsigned long long>(all_inputs));
  }
  m.notes.push_back(line);
}

}  // namespace vigil::cli::bench
