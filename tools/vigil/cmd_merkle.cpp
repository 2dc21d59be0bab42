#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "file_io.hpp"
#include "vigil/block.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil::cli {
namespace {

struct BlockSummary {
  const BlockRecord* record;
  ParsedBlock parsed;
  std::vector<Hash256> txids;
  MerkleResult merkle;
  bool matches() const { return merkle.root == parsed.header.merkle_root; }
};

void print_text(const BlockSummary& b, bool print_txids) {
  std::printf("block %s\n", to_display_hex(b.parsed.hash).c_str());
  std::printf("  offset        %llu (%s)\n", static_cast<unsigned long long>(b.record->offset),
              b.record->network ? std::string(network_name(*b.record->network)).append(" framing").c_str() : "raw block");
  std::printf("  transactions  %zu\n", b.txids.size());
  std::printf("  merkle root   %s\n", to_display_hex(b.merkle.root).c_str());
  std::printf("  header root   %s %s\n", to_display_hex(b.parsed.header.merkle_root).c_str(),
              b.matches() ? "(matches)" : "(DIFFERS)");
  std::printf("  mutated       %s\n", b.merkle.mutated ? "yes (CVE-2012-2459: duplicate pair in the tree)" : "no");
  if (print_txids) {
    for (const auto& id : b.txids) std::printf("  txid %s\n", to_display_hex(id).c_str());
  }
}

nlohmann::json to_json(const BlockSummary& b, bool print_txids) {
  nlohmann::json j = {
      {"hash", to_display_hex(b.parsed.hash)},
      {"offset", b.record->offset},
      {"framing", b.record->network ? std::string(network_name(*b.record->network)) : "raw"},
      {"tx_count", b.txids.size()},
      {"merkle_root", to_display_hex(b.merkle.root)},
      {"header_merkle_root", to_display_hex(b.parsed.header.merkle_root)},
      {"matches_header", b.matches()},
      {"mutated", b.merkle.mutated},
  };
  if (print_txids) {
    auto& ids = j["txids"] = nlohmann::json::array();
    for (const auto& id : b.txids) ids.push_back(to_display_hex(id));
  }
  return j;
}

}  // namespace

int run_merkle(const MerkleOptions& options) {
  bool use_gpu = false;
  std::string backend;
  if (!choose_backend_or_report("merkle", options.backend, "hashing", /*gpu_kernel_exists=*/false, &use_gpu,
                                &backend))
    return 2;
  Bytes contents;
  std::vector<BlockRecord> records;
  Status s = read_all(options.input, &contents);
  if (s.ok()) s = split_block_file(contents, &records);
  if (!s.ok()) {
    std::fprintf(stderr, "vigil merkle: %s: %s\n", options.input.c_str(), s.ToString().c_str());
    return 2;
  }
  WorkerPool pool;
  std::vector<BlockSummary> blocks(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    BlockSummary& b = blocks[i];
    b.record = &records[i];
    if (Status ps = parse_block(records[i].bytes, &b.parsed); !ps.ok()) {
      std::fprintf(stderr, "vigil merkle: %s: block at byte %llu: %s\n", options.input.c_str(),
                   static_cast<unsigned long long>(records[i].offset), ps.ToString().c_str());
      return 2;
    }
    b.txids = block_txids(records[i].bytes, b.parsed, &pool);
    b.merkle = merkle_root(b.txids, &pool);
  }
  bool all_good = true;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : blocks) {
    all_good &= b.matches() && !b.merkle.mutated;
    if (options.json) {
      out.push_back(to_json(b, options.print_txids));
    } else {
      print_text(b, options.print_txids);
    }
  }
  if (options.json) std::printf("%s\n", out.dump(2).c_str());
  std::fprintf(stderr, "vigil merkle: %zu block(s), backend %s\n", blocks.size(), backend.c_str());
  return all_good ? 0 : 1;
}

}  // namespace vigil::cli
