// The chain state: blocks validated on top of the UTXO set and connected to
// it, one atomic write per block. Connecting a block runs the context-free
// checks (check_block), the checks that need the spent coins (Bitcoin Core's
// ConnectBlock: inputs present and unspent, coinbase maturity, amounts, the
// coinbase's claim, BIP30) and the signatures of every standard spend, all
// of them in one batch through the Verifier (on the GPU when it has one).
// Each block is judged by the consensus module and the Bitcoin rule set
// that the chain parameters schedule for its height (vigil/consensus.hpp):
// the module's header rules (proof of work, difficulty, timestamps), the
// rule set's (bad-version, BIP34's coinbase height, lock-time finality with
// BIP113, BIP68 sequence locks, segwit, taproot, BIP66's strict DER), and
// the module's own signature work in the same batch as the block's.
// Still missing: scripts outside the standard forms (counted "not
// verified"), and the rules that need a clock ("time-too-new").
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "vigil/block_check.hpp"
#include "vigil/consensus.hpp"
#include "vigil/hasher.hpp"
#include "vigil/spends.hpp"
#include "vigil/utxo_store.hpp"
#include "vigil/verifier.hpp"

namespace vigil {

struct ChainStateOptions {
  UtxoStoreOptions store;
  // The chain's consensus: its modules, their schedule and the rule set.
  // Left without modules, it is ChainParams::ForNetwork(network) with
  // coinbase_maturity below.
  ChainParams params;
  Network network = Network::kMainnet;  // used only when params has no modules
  // Blocks before a coinbase output may be spent (Bitcoin: 100). Test chains
  // change it: btcd's reorganisation test data is built with 1. Used only
  // when params has no modules (else params.coinbase_maturity).
  uint32_t coinbase_maturity = 100;
  // Where the schedule's modules are found; null: the built-in ones, plus
  // the plugins params names.
  std::shared_ptr<ModuleRegistry> modules;
  // false: proof-of-work rules (high-hash, bad-diffbits) are skipped, for
  // tests of the other rules on blocks that are not mined.
  bool check_pow = true;
  // The schedule is stored with the chain. When the configured one changes
  // an activation at or below the tip, Open fails (FailedPrecondition,
  // naming the height to rewind to) unless this is set: then it first
  // disconnects down to that height (final blocks included: the operator
  // asked for it).
  bool rewind_on_schedule_change = false;
  // connect_blocks verifies the signatures of this many blocks in one batch,
  // on another thread, while it prepares the next batch.
  uint32_t verify_batch_blocks = 16;
};

// What connecting (or trying to connect) one block found.
struct ConnectReport {
  Validity validity;          // invalid: the block was not connected
  Hash256 hash;
  uint32_t height = 0;
  uint64_t transactions = 0;
  uint64_t checks = 0;        // signature checks in the batch
  uint64_t signatures = 0;
  uint64_t not_verified = 0;  // inputs whose spent output is unknown
  std::array<uint64_t, kSpendFormCount> inputs_by_form{};  // the block's inputs by what they spend
  std::string module;         // the module that judged it ("pow/v1")
  // Where the time went, in seconds: parsing; txids, Merkle roots and the
  // context-free rules; the coins (lookups and ConnectBlock's amount
  // rules); the signature hashes; the signature batch; the database write.
  struct Stages {
    double parse = 0, rules = 0, coins = 0, sighash = 0, verify = 0, write = 0;
    Stages& operator+=(const Stages& o) {
      parse += o.parse, rules += o.rules, coins += o.coins, sighash += o.sighash, verify += o.verify, write += o.write;
      return *this;
    }
  } seconds;
};

class ChainState {
 public:
  struct Impl;

  // `verifier` and `hasher` must outlive the chain state.
  static Status Open(const ChainStateOptions& options, Verifier* verifier, Hasher* hasher,
                     std::unique_ptr<ChainState>* out);
  ~ChainState();
  ChainState(const ChainState&) = delete;
  ChainState& operator=(const ChainState&) = delete;

  std::optional<ChainTip> tip() const;
  UtxoStore& store();
  const ChainParams& params() const;
  // The highest connected block judged by a module whose blocks are final
  // (bft): nothing at or below it is ever disconnected. nullopt: none.
  std::optional<uint32_t> final_height() const;
  // The connected chain's headers (index = height).
  const std::vector<HeaderEntry>& headers() const;

  // Validates `block` as the tip's child (with an empty store: as the genesis
  // block, whose outputs are unspendable as in Bitcoin Core) and, when it is
  // valid, connects it. Corruption for bytes that do not parse;
  // InvalidArgument for a block that does not follow the tip.
  Status connect_block(ByteView block, ConnectReport* report);

  // Several consecutive blocks (the first the tip's child, each the next
  // one's parent), their signatures verified in batches of
  // verify_batch_blocks blocks -- on a GPU, many small blocks fill one call
  // -- each batch on another thread while the next one is prepared (coins,
  // signature hashes). Each block is checked against
  // the coins the blocks before it leave; then, in order, each is decided
  // and written. The first invalid block ends the run: the blocks before it
  // are connected, it and those after it are not. `reports` receives one
  // report per block decided (the last one invalid if the run stopped at
  // one). A Status error (bytes that do not parse, a block that does not
  // follow) comes after the blocks before it have been handled the same way.
  Status connect_blocks(std::span<const ByteView> blocks, std::vector<ConnectReport>* reports);

  // Undoes the tip (a reorganisation's first step). FailedPrecondition for
  // a final block.
  Status disconnect_tip();

 private:
  explicit ChainState(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The block subsidy at `height` on `network` (50 BTC halved every 210,000
// blocks; 150 on regtest): ChainParams::block_subsidy with the network's interval.
int64_t block_subsidy(uint32_t height, Network network);

}  // namespace vigil
