#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "file_io.hpp"
#include "vigil/block.hpp"
#include "vigil/hasher.hpp"

namespace vigil::cli {
namespace {

struct BlockSummary {
  const BlockRecord* record;
  ParsedBlock parsed;
  BlockHashes hashes;
  CoinbaseWitness coinbase;
  bool matches() const { return hashes.merkle.root == parsed.header.merkle_root; }
  // BIP141: a block with witness data must commit to its witness root.
  bool witness_ok() const {
    if (!hashes.has_witness) return true;
    return coinbase.commitment && coinbase.reserved_value &&
           witness_commitment(hashes.witness_merkle.root, *coinbase.reserved_value) == *coinbase.commitment;
  }
  bool good() const { return matches() && !hashes.merkle.mutated && witness_ok(); }
};

const char* witness_text(const BlockSummary& b) {
  if (!b.hashes.has_witness) return "no witness data";
  if (!b.coinbase.commitment) return "MISSING (no commitment in the coinbase)";
  if (!b.coinbase.reserved_value) return "BAD (coinbase witness is not one 32-byte item)";
  return b.witness_ok() ? "matches the coinbase commitment" : "DIFFERS from the coinbase commitment";
}

void print_text(const BlockSummary& b, bool print_txids) {
  std::printf("block %s\n", to_display_hex(b.parsed.hash).c_str());
  std::printf("  offset        %llu (%s)\n", static_cast<unsigned long long>(b.record->offset),
              b.record->network ? std::string(network_name(*b.record->network)).append(" framing").c_str() : "raw block");
  std::printf("  transactions  %zu\n", b.hashes.txids.size());
  std::printf("  merkle root   %s\n", to_display_hex(b.hashes.merkle.root).c_str());
  std::printf("  header root   %s %s\n", to_display_hex(b.parsed.header.merkle_root).c_str(),
              b.matches() ? "(matches)" : "(DIFFERS)");
  std::printf("  mutated       %s\n", b.hashes.merkle.mutated ? "yes (CVE-2012-2459: duplicate pair in the tree)" : "no");
  if (b.hashes.has_witness)
    std::printf("  witness root  %s\n", to_display_hex(b.hashes.witness_merkle.root).c_str());
  std::printf("  witness       %s\n", witness_text(b));
  if (print_txids) {
    for (const auto& id : b.hashes.txids) std::printf("  txid %s\n", to_display_hex(id).c_str());
  }
}

nlohmann::json to_json(const BlockSummary& b, bool print_txids) {
  nlohmann::json j = {
      {"hash", to_display_hex(b.parsed.hash)},
      {"offset", b.record->offset},
      {"framing", b.record->network ? std::string(network_name(*b.record->network)) : "raw"},
      {"tx_count", b.hashes.txids.size()},
      {"merkle_root", to_display_hex(b.hashes.merkle.root)},
      {"header_merkle_root", to_display_hex(b.parsed.header.merkle_root)},
      {"matches_header", b.matches()},
      {"mutated", b.hashes.merkle.mutated},
      {"has_witness", b.hashes.has_witness},
      {"witness_ok", b.witness_ok()},
  };
  if (b.hashes.has_witness) j["witness_root"] = to_display_hex(b.hashes.witness_merkle.root);
  if (print_txids) {
    auto& ids = j["txids"] = nlohmann::json::array();
    for (const auto& id : b.hashes.txids) ids.push_back(to_display_hex(id));
  }
  return j;
}

}  // namespace

int run_merkle(const MerkleOptions& options) {
  std::unique_ptr<Hasher> hasher;
  if (Status s = make_hasher_or_report("merkle", options.backend, &hasher); !s.ok()) return 2;
  Bytes contents;
  std::vector<BlockRecord> records;
  Status s = read_all(options.input, &contents);
  if (s.ok()) s = split_block_file(contents, &records);
  if (!s.ok()) {
    std::fprintf(stderr, "vigil merkle: %s: %s\n", options.input.c_str(), s.ToString().c_str());
    return 2;
  }
  contents = Bytes();  // the records hold their own copies
  std::vector<BlockSummary> blocks(records.size());
  std::vector<ByteView> views(records.size());
  std::vector<ParsedBlock> parsed(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    blocks[i].record = &records[i];
    views[i] = records[i].bytes;
    if (Status ps = parse_block(records[i].bytes, &parsed[i]); !ps.ok()) {
      std::fprintf(stderr, "vigil merkle: %s: block at byte %llu: %s\n", options.input.c_str(),
                   static_cast<unsigned long long>(records[i].offset), ps.ToString().c_str());
      return 2;
    }
  }
  // Every block's txids and trees in one call: one GPU batch.
  std::vector<BlockHashes> hashes(records.size());
  if (Status hs = hasher->block_hashes(views, parsed, hashes); !hs.ok()) {
    std::fprintf(stderr, "vigil merkle: %s\n", hs.ToString().c_str());
    return 2;
  }
  bool all_good = true;
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < blocks.size(); ++i) {
    BlockSummary& b = blocks[i];
    b.parsed = std::move(parsed[i]);
    b.hashes = std::move(hashes[i]);
    if (Status cs = coinbase_witness(views[i], b.parsed, &b.coinbase); !cs.ok()) {
      std::fprintf(stderr, "vigil merkle: block %zu: %s\n", i, cs.ToString().c_str());
      return 2;
    }
    all_good &= b.good();
    if (options.json) {
      out.push_back(to_json(b, options.print_txids));
    } else {
      print_text(b, options.print_txids);
    }
  }
  if (options.json) std::printf("%s\n", out.dump(2).c_str());
  report_hasher("merkle", blocks.size(), "block(s)", *hasher);
  return all_good ? 0 : 1;
}

}  // namespace vigil::cli
