// The chain simulator behind `vigil sim`: a regtest chain with real keys and
// signatures -- P2PKH, P2WPKH, P2SH 2-of-3 multisig and P2TR key-path
// spends, and spends that need the script interpreter: bare and P2WSH
// multisig, a taproot script path with CHECKSIGADD, CLTV- and CSV-locked
// outputs -- written as blk*.dat files, with optional one-block forks (stale
// siblings written before the block that wins) and a deliberately invalid
// block, and a manifest of the outcome a correct validator must reach.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <vector>

#include "vigil/consensus.hpp"
#include "vigil/status.hpp"

namespace vigil::cli::sim {

struct SimOptions {
  std::string out_dir;
  uint32_t blocks = 200;          // after genesis
  uint32_t txs_per_block = 100;   // including the coinbase, once coinbases mature (block 101 on)
  uint64_t seed = 1;
  uint32_t forks = 0;             // stale sibling blocks
  std::optional<uint32_t> invalid_at;  // this block is made invalid (the chain goes on after it)
  std::string invalid_kind = "badsig";  // badsig, overspend, doublespend, badmerkle, cltv, nonfinal, sequence
  size_t max_file_bytes = size_t{128} << 20;  // as Bitcoin Core's blk files
  // The consensus schedule (pow, signet, bft); empty: pow from 0. It is
  // written to chain.json with the validators' keys and the signet
  // challenge, for `vigil replay --chain`. At each switch height H the
  // simulator also writes siblings valid only under the other module: at H-1
  // a certified or signed but unmined block, at H a block of the old module.
  std::vector<ModuleActivation> modules;
  std::map<std::string, std::string> plugins;  // plugin modules (name -> library), mined like pow
  bool switch_branches = true;  // false: no branches at the switches (a clean chain)
};

struct SimResult {
  uint64_t transactions = 0, signatures = 0, bytes = 0, files = 0;
  std::string tip;               // the chain's last block (display hex)
  std::string expected_outcome;  // "valid" or "invalid"
  uint32_t switch_siblings = 0;  // blocks written that only the other module would accept
};

// Writes the chain and `manifest.json` into options.out_dir (created).
Status simulate(const SimOptions& options, SimResult* result);

}  // namespace vigil::cli::sim
