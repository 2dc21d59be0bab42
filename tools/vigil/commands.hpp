// The subcommands of the `vigil` executable. Each returns the process exit
// code: 0 success, 1 a negative answer (invalid block, mismatch), 2 an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/backend.hpp"
#include "vigil/block.hpp"
#include "vigil/hasher.hpp"
#include "vigil/verifier.hpp"

namespace vigil::cli {

using Backend = vigil::Backend;

struct VerifyOptions {
  Backend backend = Backend::kAuto;
  unsigned threads = 0;  // 0: all hardware threads
  std::string input = "-";
  size_t chunk_lines = 1 << 16;  // lines parsed and verified per round
};
int run_verify(const VerifyOptions& options);

struct MerkleOptions {
  Backend backend = Backend::kAuto;
  bool print_txids = false;
  bool json = false;
  std::string input = "-";
};
int run_merkle(const MerkleOptions& options);

struct HashOptions {
  Backend backend = Backend::kAuto;
  bool double_sha = false;  // sha256d instead of sha256
  bool reverse = false;     // print byte-reversed (Bitcoin display order)
  std::vector<std::string> inputs;
};
int run_hash(const HashOptions& options);

struct BlockCheckOptions {
  Backend backend = Backend::kAuto;
  std::string input;             // one block: blk*.dat framing, raw or hex
  std::string prevouts;          // optional spent-outputs file
  std::optional<Network> network;  // default: the framing's, else mainnet
  bool json = false;
  bool no_pow = false;           // everything but the proof of work
  // The block's height, whose rule sets apply; default: the coinbase's
  // BIP34 height when it has one at or above the network's BIP34 height,
  // else before BIP34.
  std::optional<uint32_t> height;
};
int run_block_check(const BlockCheckOptions& options);

struct ReplayOptions {
  Backend backend = Backend::kAuto;
  std::vector<std::string> inputs;  // blk*.dat files (or raw / hex blocks), any order
  std::string datadir = "vigil-data";
  std::optional<Network> network;   // default: the files' framing, else mainnet
  bool json = false;
  bool no_sync = false;             // do not fsync each block (faster; a crash may lose the last blocks, never corrupt)
  uint32_t coinbase_maturity = 100;
  uint32_t batch_blocks = 16;       // blocks whose signatures are verified in one batch
  std::string chain_config;         // a chain configuration file (modules, schedule); default: the network's
  bool rewind_on_schedule_change = false;
};
int run_replay(const ReplayOptions& options);

struct SimCommandOptions {
  std::string out_dir;
  uint32_t blocks = 200;
  uint32_t txs_per_block = 100;
  uint64_t seed = 1;
  uint32_t forks = 0;
  std::optional<uint32_t> invalid_at;
  std::string invalid_kind = "badsig";
  std::string modules = "pow:0";  // the consensus schedule: name:height,... (pow, signet, bft, plugins)
  std::vector<std::string> plugins;  // name=path of plugin modules named in `modules` (mined like pow)
  bool switch_branches = true;       // the branches at each switch that only the other module accepts
};
int run_sim(const SimCommandOptions& options);

struct ScriptAssetsOptions {
  std::string input;  // Bitcoin Core's script_assets_test.json format ("-": stdin)
};
int run_script_assets(const ScriptAssetsOptions& options);

struct BenchOptions {
  Backend backend = Backend::kAuto;
  bool quick = false;
  std::string out_dir = "vigil-bench";
};
int run_bench(const BenchOptions& options);

// A Hasher for subcommand `command`; with `--backend gpu` and no usable GPU,
// prints "vigil <command>: <why>" on stderr and returns the error.
Status make_hasher_or_report(const char* command, Backend requested, std::unique_ptr<Hasher>* out);
// On stderr: "vigil <command>: <n> <what>, backend <description>", and the
// GPU failures redone on the CPU, if any.
void report_hasher(const char* command, size_t n, const char* what, const Hasher& hasher);

// A Verifier for subcommand `command`, as make_hasher_or_report.
Status make_verifier_or_report(const char* command, Backend requested, unsigned threads,
                               std::unique_ptr<Verifier>* out);
// On stderr: the GPU failures redone on the CPU, if any.
void report_verifier_fallbacks(const char* command, const Verifier& verifier);

}  // namespace vigil::cli
