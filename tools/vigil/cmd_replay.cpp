// vigil replay: validates blk*.dat files from genesis into a UTXO set in a
// data directory. Blocks may come in any order (as in real blk files): they
// are indexed by hash, the chain with the most work is followed, and when
// the data directory's tip is on another branch it is disconnected back to
// the fork first. Each block is connected in one atomic write, so an
// interrupted replay resumes where it stopped.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "commands.hpp"
#include "file_io.hpp"
#include "vigil/block_tree.hpp"
#include "vigil/chainstate.hpp"
#include "vigil/consensus.hpp"
#include "vigil/hash.hpp"
#include "vigil/spends.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kCmd = "replay";
using Clock = std::chrono::steady_clock;

int error(const std::string& what) {
  std::fprintf(stderr, "vigil %s: %s\n", kCmd, what.c_str());
  return 2;
}

// Where a block is: in a framed blk file (read when it is connected, so
// that files of any size can be replayed), or in memory (raw and hex files).
struct Located {
  size_t file = 0;
  uint64_t offset = 0;  // of the block's first byte
  uint32_t size = 0;
  Bytes header;         // its 80 bytes
  Bytes bytes;          // the whole block, for in-memory files only
};

// Indexes one file: framed blk files by reading only the 8-byte frames and
// the headers; anything else through split_block_file.
Status index_file(const std::string& path, size_t file, std::vector<Located>* out, std::optional<Network>* framing) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open " + path);
  uint8_t frame[8];
  in.read(reinterpret_cast<char*>(frame), 8);
  if (in.gcount() == 8 && network_from_magic(ByteView(frame, 4))) {
    in.seekg(0, std::ios::end);
    const uint64_t file_size = static_cast<uint64_t>(in.tellg());
    uint64_t pos = 0;
    while (pos + 8 <= file_size) {
      in.seekg(static_cast<std::streamoff>(pos));
      in.read(reinterpret_cast<char*>(frame), 8);
      const std::optional<Network> net = network_from_magic(ByteView(frame, 4));
      if (!net) {
        if (std::all_of(frame, frame + 4, [](uint8_t b) { return b == 0; })) break;  // preallocated tail
        return Status::Corruption(path + ": bad network magic at byte " + std::to_string(pos));
      }
      if (!*framing) *framing = net;
      const uint32_t len = frame[4] | frame[5] << 8 | frame[6] << 16 | uint32_t{frame[7]} << 24;
      if (len < kBlockHeaderSize || pos + 8 + len > file_size)
        return Status::Corruption(path + ": a truncated or too short block at byte " + std::to_string(pos));
      Located l;
      l.file = file;
      l.offset = pos + 8;
      l.size = len;
      l.header.resize(kBlockHeaderSize);
      in.read(reinterpret_cast<char*>(l.header.data()), kBlockHeaderSize);
      out->push_back(std::move(l));
      pos += 8 + len;
    }
    return Status::Ok();
  }
  Bytes contents;
  std::vector<BlockRecord> recs;
  Status s = read_all(path, &contents);
  if (s.ok()) s = split_block_file(contents, &recs);
  if (!s.ok()) return Status::Corruption(path + ": " + s.ToString());
  for (BlockRecord& r : recs) {
    if (r.bytes.size() < kBlockHeaderSize)
      return Status::Corruption(path + ": a block of " + std::to_string(r.bytes.size()) + " bytes at byte " + std::to_string(r.offset));
    Located l;
    l.file = file;
    l.offset = r.offset;
    l.size = static_cast<uint32_t>(r.bytes.size());
    l.header.assign(r.bytes.begin(), r.bytes.begin() + kBlockHeaderSize);
    l.bytes = std::move(r.bytes);
    out->push_back(std::move(l));
  }
  return Status::Ok();
}

// The bytes of a located block; the framed files stay open between blocks.
Status load(const std::vector<std::string>& paths, std::vector<std::ifstream>& files, const Located& l, Bytes* out) {
  if (!l.bytes.empty()) {
    *out = l.bytes;
    return Status::Ok();
  }
  if (files.size() < paths.size()) files.resize(paths.size());
  std::ifstream& in = files[l.file];
  if (!in.is_open()) in.open(paths[l.file], std::ios::binary);
  in.clear();
  out->resize(l.size);
  in.seekg(static_cast<std::streamoff>(l.offset));
  in.read(reinterpret_cast<char*>(out->data()), l.size);
  if (!in || static_cast<uint32_t>(in.gcount()) != l.size)
    return Status::IoError(paths[l.file] + ": cannot read the block at byte " + std::to_string(l.offset));
  return Status::Ok();
}

struct Totals {
  uint64_t blocks = 0, transactions = 0, signatures = 0, checks = 0, not_verified = 0, disconnected = 0;
  std::array<uint64_t, kSpendFormCount> inputs_by_form{};
  ConnectReport::Stages seconds;
};

void progress(const Totals& t, uint32_t height, uint32_t target_height, Clock::time_point start) {
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  const double bps = s > 0 ? static_cast<double>(t.blocks) / s : 0;
  const double eta = bps > 0 ? (target_height - height) / bps : 0;
  std::fprintf(stderr, "\rheight %u/%u  %.1f blocks/s  %.0f sigs/s  ETA %.0fs   ", height, target_height, bps,
               s > 0 ? static_cast<double>(t.signatures) / s : 0, eta);
  std::fflush(stderr);
}

}  // namespace

int run_replay(const ReplayOptions& o) {
  // Every block of every file, indexed by hash.
  std::vector<Located> records;
  std::optional<Network> framing;
  for (size_t f = 0; f < o.inputs.size(); ++f) {
    if (Status s = index_file(o.inputs[f], f, &records, &framing); !s.ok()) return error(s.message());
  }
  const Network network = o.network ? *o.network : framing.value_or(Network::kMainnet);
  // The chain's consensus: a configuration file, or the network's own.
  ChainParams params = ChainParams::ForNetwork(network);
  params.coinbase_maturity = o.coinbase_maturity;
  if (!o.chain_config.empty()) {
    Bytes text;
    if (Status s = read_all(o.chain_config, &text); !s.ok()) return error(s.message());
    const std::string dir = std::filesystem::path(o.chain_config).parent_path().string();
    if (Status s = ChainParams::FromJson(std::string(text.begin(), text.end()), dir, &params); !s.ok())
      return error(o.chain_config + ": " + s.message());
  }
  auto registry = ModuleRegistry::WithBuiltins();
  std::vector<std::shared_ptr<const ConsensusModule>> modules;
  if (Status s = registry->modules_for(params, &modules); !s.ok()) return error(s.ToString());
  // Every block of the files in the fork-choice tree, in file order (ties
  // in work go to the block found first).
  BlockTree tree(params, modules);
  bool have_genesis = false;
  for (size_t i = 0; i < records.size(); ++i) {
    BlockHeader header;
    if (Status s = parse_block_header(records[i].header, &header); !s.ok()) return error(s.ToString());
    (void)tree.add(header, sha256d(ByteView(records[i].header.data(), kBlockHeaderSize)), i);
    have_genesis = have_genesis || header.prev_block == Hash256{};
  }
  if (!have_genesis) return error("no genesis block (one whose previous hash is zero) in the files");
  const size_t orphans = tree.unlinked();

  std::unique_ptr<Hasher> hasher;
  std::unique_ptr<Verifier> verifier;
  if (!make_hasher_or_report(kCmd, o.backend, &hasher).ok()) return 2;
  if (!make_verifier_or_report(kCmd, o.backend, 0, &verifier).ok()) return 2;
  ChainStateOptions co;
  co.store.path = o.datadir;
  co.store.sync = !o.no_sync;
  co.params = params;
  co.modules = registry;
  co.rewind_on_schedule_change = o.rewind_on_schedule_change;
  co.verify_batch_blocks = o.batch_blocks;
  std::unique_ptr<ChainState> chain;
  if (Status s = ChainState::Open(co, verifier.get(), hasher.get(), &chain); !s.ok()) return error(s.ToString());
  if (const std::optional<ChainTip> tip = chain->tip(); tip && !tree.find(tip->hash))
    return error("the data directory's tip " + to_display_hex(tip->hash) + " (height " + std::to_string(tip->height) +
                 ") is not in the given files");

  Totals t;
  const bool tty = isatty(STDERR_FILENO);
  const Clock::time_point start = Clock::now();
  Clock::time_point last_progress = start;
  std::optional<ConnectReport> failed;  // the first invalid block met
  uint64_t invalid_blocks = 0;
  nlohmann::json invalid_list = nlohmann::json::array();  // every one, in the order met
  std::vector<std::ifstream> open_files;
  // Follow the best chain; when a block on it is invalid, mark it (and its
  // descendants) and choose again: the next best may share a prefix, or be
  // a branch that forked below (a reorganisation back).
  for (;;) {
    // Fork choice never leaves the connected chain's last final block.
    std::optional<Hash256> final_block;
    if (const std::optional<uint32_t> f = chain->final_height()) final_block = chain->headers()[*f].hash;
    const std::vector<const BlockTree::Node*> path = tree.best_chain(final_block);
    if (path.empty()) break;
    // Move the chain onto the path: disconnect what is not on it.
    while (const std::optional<ChainTip> tip = chain->tip()) {
      if (tip->height < path.size() && path[tip->height]->hash == tip->hash) break;
      if (Status s = chain->disconnect_tip(); !s.ok()) return error(s.ToString());
      ++t.disconnected;
    }
    const size_t from = chain->tip() ? chain->tip()->height + 1 : 0;
    if (from >= path.size()) break;  // at the best tip
    // Blocks go to the chain state in groups; it verifies their signatures
    // in batches of --batch-blocks blocks (on a GPU, small blocks fill one
    // call together), each while it prepares the next: four batches per call.
    const size_t group = 4 * std::max<uint32_t>(1, o.batch_blocks);
    bool invalid_met = false;
    for (size_t h = from; h < path.size() && !invalid_met;) {
      std::vector<Bytes> bytes;
      size_t total = 0;
      const size_t first = h;
      for (; h < path.size() && bytes.size() < group && total < (size_t{256} << 20); ++h) {
        bytes.emplace_back();
        if (Status s = load(o.inputs, open_files, records[path[h]->tag], &bytes.back()); !s.ok())
          return error(s.message());
        total += bytes.back().size();
      }
      std::vector<ByteView> views(bytes.begin(), bytes.end());
      std::vector<ConnectReport> reports;
      const Status s = chain->connect_blocks(views, &reports);
      for (const ConnectReport& r : reports) {
        if (!r.validity.valid) {
          if (!failed) failed = r;
          ++invalid_blocks;
          invalid_list.push_back({{"height", r.height}, {"hash", to_display_hex(r.hash)}, {"reason", r.validity.reason}, {"module", r.module}});
          tree.mark_invalid(r.hash);
          invalid_met = true;
          if (!o.json)
            std::fprintf(stderr, "vigil %s: invalid block at height %u: %s (%s, judged by %s); choosing the best chain without it\n",
                         kCmd, r.height, to_display_hex(r.hash).c_str(), r.validity.reason.c_str(), r.module.c_str());
          break;
        }
        ++t.blocks;
        t.transactions += r.transactions;
        t.signatures += r.signatures;
        t.checks += r.checks;
        t.not_verified += r.not_verified;
        for (size_t f = 0; f < kSpendFormCount; ++f) t.inputs_by_form[f] += r.inputs_by_form[f];
        t.seconds += r.seconds;
      }
      if (!s.ok()) return error("block at height " + std::to_string(first + reports.size()) + ": " + s.ToString());
      if (tty && Clock::now() - last_progress > std::chrono::milliseconds(250)) {
        progress(t, static_cast<uint32_t>(h - 1), static_cast<uint32_t>(path.size() - 1), start);
        last_progress = Clock::now();
      }
    }
    if (!invalid_met) break;
  }
  if (tty) std::fprintf(stderr, "\n");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::optional<ChainTip> tip = chain->tip();
  // Inputs by what they spend (forms with none left out).
  nlohmann::json by_form = nlohmann::json::object();
  std::string by_form_line;
  for (size_t f = 0; f < kSpendFormCount; ++f) {
    if (!t.inputs_by_form[f]) continue;
    const std::string name(spend_form_name(static_cast<SpendForm>(f)));
    by_form[name] = t.inputs_by_form[f];
    by_form_line += (by_form_line.empty() ? "" : ", ") + name + " " + std::to_string(t.inputs_by_form[f]);
  }
  if (o.json) {
    nlohmann::json j = {
        {"network", std::string(network_name(network))},
        {"tip", tip ? to_display_hex(tip->hash) : ""},
        {"height", tip ? static_cast<int64_t>(tip->height) : -1},
        {"utxo_count", tip ? tip->coins : 0},
        {"utxo_digest", tip ? to_hex(ByteView(tip->utxo_digest.bytes.data(), 32)) : ""},
        {"blocks_connected", t.blocks},
        {"blocks_disconnected", t.disconnected},
        {"transactions", t.transactions},
        {"signatures", t.signatures},
        {"signature_checks", t.checks},
        {"inputs_not_verified", t.not_verified},
        {"inputs_by_form", by_form},
        {"orphan_blocks", orphans},
        {"invalid_blocks", invalid_blocks},
        {"invalid", invalid_list},
        {"final_height", chain->final_height() ? static_cast<int64_t>(*chain->final_height()) : -1},
        {"chain_id", params.chain_id},
        {"seconds", seconds},
        {"blocks_per_second", seconds > 0 ? static_cast<double>(t.blocks) / seconds : 0},
        {"signatures_per_second", seconds > 0 ? static_cast<double>(t.signatures) / seconds : 0},
        {"backend", verifier->description()},
    };
    const auto& st = t.seconds;
    j["stage_seconds"] = {{"parse", st.parse},     {"rules", st.rules},   {"coins", st.coins},
                          {"sighash", st.sighash}, {"verify", st.verify}, {"write", st.write}};
    if (failed)
      j["invalid_block"] = {{"height", failed->height}, {"hash", to_display_hex(failed->hash)}, {"module", failed->module},
                            {"reason", failed->validity.reason}, {"debug", failed->validity.debug}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    if (failed)
      std::printf("INVALID block at height %u: %s\n  reason %s%s%s, judged by %s; %llu invalid block(s) met in all, set "
                  "aside with their descendants\n",
                  failed->height, to_display_hex(failed->hash).c_str(), failed->validity.reason.c_str(),
                  failed->validity.debug.empty() ? "" : " (", failed->validity.debug.empty() ? "" : (failed->validity.debug + ")").c_str(),
                  failed->module.c_str(), static_cast<unsigned long long>(invalid_blocks));
    std::printf("tip          %s\n", tip ? to_display_hex(tip->hash).c_str() : "(none)");
    std::printf("height       %s\n", tip ? std::to_string(tip->height).c_str() : "-");
    std::printf("utxo         %llu coins, digest %s\n", static_cast<unsigned long long>(tip ? tip->coins : 0),
                tip ? to_hex(ByteView(tip->utxo_digest.bytes.data(), 32)).c_str() : "-");
    std::printf("this run     %llu blocks connected, %llu disconnected, %llu transactions, %llu signatures (%llu "
                "checks), %llu inputs not verified\n",
                static_cast<unsigned long long>(t.blocks), static_cast<unsigned long long>(t.disconnected),
                static_cast<unsigned long long>(t.transactions), static_cast<unsigned long long>(t.signatures),
                static_cast<unsigned long long>(t.checks), static_cast<unsigned long long>(t.not_verified));
    if (!by_form_line.empty()) std::printf("inputs       %s\n", by_form_line.c_str());
    const auto& st = t.seconds;
    const double staged = st.parse + st.rules + st.coins + st.sighash + st.verify + st.write;
    auto share = [&](double x) { return staged > 0 ? 100 * x / staged : 0.0; };
    std::printf("stages       parse %.0f%%, hashes+rules %.0f%%, coins %.0f%%, sighash %.0f%%, verify %.0f%%, write %.0f%%\n",
                share(st.parse), share(st.rules), share(st.coins), share(st.sighash), share(st.verify), share(st.write));
    std::printf("throughput   %.1f blocks/s, %.0f signatures/s over %.2f s\n", seconds > 0 ? static_cast<double>(t.blocks) / seconds : 0,
                seconds > 0 ? static_cast<double>(t.signatures) / seconds : 0, seconds);
  }
  std::fprintf(stderr, "vigil %s: backend %s\n", kCmd, verifier->description().c_str());
  report_verifier_fallbacks(kCmd, *verifier);
  return failed ? 1 : 0;
}

}  // namespace vigil::cli
