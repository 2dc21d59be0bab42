// vigil: the command-line front end of the Vigil engine.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>

#include "commands.hpp"
#include "vigil/version.hpp"

namespace {

using vigil::cli::Backend;

const std::map<std::string, Backend> kBackends = {
    {"auto", Backend::kAuto}, {"cpu", Backend::kCpu}, {"gpu", Backend::kGpu}};

void add_backend_option(CLI::App* cmd, Backend* backend) {
  cmd->add_option("--backend", *backend, "auto (GPU when usable, else CPU), cpu, or gpu (an error without one)")
      ->transform(CLI::CheckedTransformer(kBackends, CLI::ignore_case));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vigil " VIGIL_VERSION_STRING ": GPU-accelerated block validation"};
  app.set_version_flag("--version", "vigil " VIGIL_VERSION_STRING);
  app.require_subcommand(1);

  vigil::cli::VerifyOptions verify;
  auto* v = app.add_subcommand("verify", "Verify signatures: one '<scheme> <pubkey-hex> <msg-hex> <sig-hex>' per line; "
                                         "prints 1 (valid) or 0 (invalid) per check");
  add_backend_option(v, &verify.backend);
  v->add_option("--threads", verify.threads, "Verifying threads (0: all hardware threads)");
  v->add_option("input", verify.input, "Input file, or - for stdin")->capture_default_str();
  v->footer("Schemes: ecdsa, ecdsa-lows, ecdsa-bitcoin (message = 32-byte digest), schnorr, ed25519 "
            "(ZIP-215), ed25519-strict (libsodium) (message of any length). '-' is an empty field. Exit 0 when every line was read (whatever the "
            "verdicts), 2 on a malformed line or other error.");

  vigil::cli::MerkleOptions merkle;
  auto* m = app.add_subcommand("merkle", "Txids, Merkle root and CVE-2012-2459 mutation flag of a block file "
                                         "(blk*.dat framing, raw or hex); exit 1 if a root differs from its header, a tree is mutated or a witness commitment differs");
  add_backend_option(m, &merkle.backend);
  m->add_flag("--txids", merkle.print_txids, "Print every txid");
  m->add_flag("--json", merkle.json, "JSON output");
  m->add_option("input", merkle.input, "Block file, or - for stdin")->capture_default_str();

  vigil::cli::HashOptions hash;
  auto* h = app.add_subcommand("hash", "SHA-256 of files or stdin");
  add_backend_option(h, &hash.backend);
  h->add_flag("-d,--double", hash.double_sha, "Double SHA-256 (sha256d)");
  h->add_flag("-r,--reverse", hash.reverse, "Print byte-reversed, as Bitcoin displays hashes");
  h->add_option("inputs", hash.inputs, "Files (none or -: stdin)");

  vigil::cli::BlockCheckOptions block_check;
  auto* block_cmd = app.add_subcommand("block", "Bitcoin blocks");
  block_cmd->require_subcommand(1);
  auto* bc = block_cmd->add_subcommand(
      "check", "Check one block under the rules of its height: Bitcoin's context-free rules (Bitcoin Core's "
               "CheckBlock, witness commitment, weight), those of ContextualCheckBlock that need no chain, and the "
               "signatures of its standard spends, all verified in one batch");
  add_backend_option(bc, &block_check.backend);
  bc->add_option("input", block_check.input, "Block file: blk*.dat framing, raw or hex")->required();
  bc->add_option("--prevouts", block_check.prevouts,
                 "Spent outputs, one per line: <txid-hex>:<vout> <amount-in-satoshis> <scriptPubKey-hex> (txid in "
                 "display order). Without it only P2PKH and P2SH multisig spends (whose script the spend reveals) are "
                 "verified");
  static const std::map<std::string, vigil::Network> kNetworks = {{"mainnet", vigil::Network::kMainnet},
                                                                   {"testnet3", vigil::Network::kTestnet3},
                                                                   {"testnet4", vigil::Network::kTestnet4},
                                                                   {"signet", vigil::Network::kSignet},
                                                                   {"regtest", vigil::Network::kRegtest}};
  bc->add_option("--network", block_check.network, "mainnet, testnet3, testnet4, signet or regtest (default: the "
                                                    "file's framing, else mainnet): whose proof-of-work limit applies")
      ->transform(CLI::CheckedTransformer(kNetworks, CLI::ignore_case));
  bc->add_option("--height", block_check.height,
                 "The block's height: its rule sets apply (segwit's witness commitment, bad-version, BIP34's coinbase "
                 "height, strict DER, ...). Default: the coinbase's BIP34 height when it has one at or above the "
                 "network's BIP34 height, else before BIP34");
  bc->add_flag("--json", block_check.json, "JSON output: hash, height and how it was chosen, the rule sets, tx "
                                           "count, every input's result, signature counts, verdict and reason");
  bc->add_flag("--no-pow", block_check.no_pow, "Check everything but the proof of work (as Bitcoin Core's "
                                               "TestBlockValidity for block templates)");
  bc->footer("Exit 0 valid, 1 invalid (the reason in Bitcoin Core's words, e.g. bad-txnmrklroot, high-hash, "
             "mandatory-script-verify-flag-failed), 2 error, 3 incomplete: no rule failed but some inputs could not "
             "be verified (not a standard form, or their spent outputs unknown).");

  vigil::cli::ReplayOptions replay;
  auto* rp = app.add_subcommand("replay", "Validate blk*.dat files from genesis into a UTXO set (RocksDB) in a data "
                                          "directory; resumes where an earlier run stopped");
  add_backend_option(rp, &replay.backend);
  rp->add_option("inputs", replay.inputs, "blk*.dat files (or raw / hex blocks), blocks in any order")->required();
  rp->add_option("--datadir", replay.datadir, "The data directory (the UTXO set)")->capture_default_str();
  rp->add_option("--network", replay.network, "mainnet, testnet3, testnet4, signet or regtest (default: the files' "
                                              "framing, else mainnet)")
      ->transform(CLI::CheckedTransformer(kNetworks, CLI::ignore_case));
  rp->add_flag("--json", replay.json, "JSON summary");
  rp->add_option("--chain", replay.chain_config,
                 "A chain configuration file (JSON: consensus modules and their activation schedule, rule heights; "
                 "see docs/chain-config.md). Default: the network's own rules");
  rp->add_flag("--rewind-on-schedule-change", replay.rewind_on_schedule_change,
               "When --chain changes an activation at or below the data directory's tip, disconnect back to it "
               "instead of refusing");
  rp->add_option("--batch-blocks", replay.batch_blocks,
                 "Blocks whose signatures are verified in one batch (up to 64 MB of blocks)")
      ->capture_default_str();
  rp->add_option("--coinbase-maturity", replay.coinbase_maturity,
                 "Blocks before a coinbase output may be spent (Bitcoin: 100; btcd's test chains: 1)")
      ->capture_default_str();
  rp->add_flag("--no-sync", replay.no_sync, "Do not fsync each block (a crash may lose the last blocks, never "
                                            "corrupt the set)");
  rp->footer("Follows the chain with the most work; a data directory on another branch is disconnected back to the "
             "fork first. Stops at the first invalid block with its height, hash and reason (exit 1). Exit 0 when the "
             "best chain was connected, 2 on an error.");

  vigil::cli::SimCommandOptions sim;
  auto* sm = app.add_subcommand("sim", "Write a simulated regtest chain (blk*.dat) with real keys and signatures: "
                                       "P2PKH, P2WPKH, P2SH 2-of-3 multisig and P2TR key-path spends");
  sm->add_option("--out", sim.out_dir, "Output directory (blk*.dat and manifest.json)")->required();
  sm->add_option("--blocks", sim.blocks, "Blocks after genesis")->capture_default_str();
  sm->add_option("--txs", sim.txs_per_block, "Transactions per block once coinbases mature (block 101 on)")
      ->capture_default_str();
  sm->add_option("--seed", sim.seed, "Seed of the keys and choices")->capture_default_str();
  sm->add_option("--forks", sim.forks, "Stale sibling blocks, each written before the block that wins")
      ->capture_default_str();
  sm->add_option("--invalid-at", sim.invalid_at, "Make this block invalid (the chain goes on after it)");
  sm->add_option("--modules", sim.modules,
                 "Consensus schedule, name:height,... of pow, signet and bft (e.g. pow:0,bft:1000); written to "
                 "chain.json for `replay --chain`. Each switch gets sibling blocks valid only under the other module")
      ->capture_default_str();
  sm->add_option("--plugin", sim.plugins,
                 "name=path: a plugin module (vigil/consensus_plugin.h) named in --modules; its blocks are mined like "
                 "pow's. Written to chain.json");
  sm->add_flag("!--no-switch-branches", sim.switch_branches,
               "Do not write the branches at each switch (for a clean chain to compare a replay with)");
  sm->add_option("--invalid-kind", sim.invalid_kind,
                 "badsig, overspend, doublespend, badmerkle; or a broken lock: cltv (a lock time below the script's), "
                 "nonfinal (a lock time the block has not passed), sequence (a CSV spend's BIP68 lock not met)")
      ->check(CLI::IsMember({"badsig", "overspend", "doublespend", "badmerkle", "cltv", "nonfinal", "sequence"}))
      ->capture_default_str();

  vigil::cli::ScriptAssetsOptions script_assets;
  auto* script_cmd = app.add_subcommand("script", "Bitcoin script");
  script_cmd->require_subcommand(1);
  auto* sa = script_cmd->add_subcommand(
      "assets", "Check a file in Bitcoin Core's script_assets_test.json format as Core's AssetTest does: each "
                "entry's success spend must verify under every consensus flag set within its flags (all of them "
                "when final), its failure spend must fail under every one containing them");
  sa->add_option("input", script_assets.input, "The JSON file (a trailing comma after the last entry is accepted), "
                                              "or - for stdin")
      ->required();
  sa->footer("Prints a line for each entry that does not behave (its number, input, flags and comment, the half, the "
             "first flag set and the script error), then 'N entries, M failed'. Exit 0 when none failed, 1 when "
             "some did, 2 on unreadable input (the entry and what is wrong with it).");

  vigil::cli::BenchOptions bench;
  auto* bn = app.add_subcommand("bench", "Measure everything that matters on this machine, beside the reference "
                                         "libraries (libsecp256k1, libsodium, OpenSSL) on all cores, in one run");
  add_backend_option(bn, &bench.backend);
  bn->add_flag("--quick", bench.quick, "Small batches and short timings: under two minutes on two cores");
  bn->add_option("--out", bench.out_dir, "Where bench.json, report.md and the plots go")->capture_default_str();
  bn->footer("Rows: signature verification per scheme and batch size (vigil's CPU path, its GPU path, the reference "
             "library), SHA-256d and Merkle roots, the engine end to end, replay of a simulated chain. Exit 1 if a "
             "row's results were not all valid (its figure would not be a measurement).");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (v->parsed()) return vigil::cli::run_verify(verify);
  if (m->parsed()) return vigil::cli::run_merkle(merkle);
  if (h->parsed()) return vigil::cli::run_hash(hash);
  if (bc->parsed()) return vigil::cli::run_block_check(block_check);
  if (rp->parsed()) return vigil::cli::run_replay(replay);
  if (sm->parsed()) return vigil::cli::run_sim(sim);
  if (bn->parsed()) return vigil::cli::run_bench(bench);
  if (sa->parsed()) return vigil::cli::run_script_assets(script_assets);
  return 2;
}
