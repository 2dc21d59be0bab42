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
  return 2;
}
