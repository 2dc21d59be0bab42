// vigil replay: validates blk*.dat files from genesis into a UTXO set in a
// data directory. Blocks may come in any order (as in real blk files): they
// are indexed by hash, the chain with the most work is followed, and when
// the data directory's tip is on another branch it is disconnected back to
// the fork first. Each block is connected in one atomic write, so an
// interrupted replay resumes where it stopped.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "commands.hpp"
#include "file_io.hpp"
#include "vigil/chainstate.hpp"
#include "vigil/hash.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kCmd = "replay";
using Clock = std::chrono::steady_clock;

int error(const std::string& what) {
  std::fprintf(stderr, "vigil %s: %s\n", kCmd, what.c_str());
  return 2;
}

// 256-bit unsigned arithmetic, four 64-bit limbs, least significant first:
// enough for a block's work, 2^256 / (target + 1), as Bitcoin Core's GetBlockProof.
struct U256 {
  uint64_t w[4] = {0, 0, 0, 0};
  static U256 from(const Hash256& h) {
    U256 u;
    for (int i = 0; i < 32; ++i) u.w[i / 8] |= uint64_t{h.bytes[i]} << (8 * (i % 8));
    return u;
  }
  bool operator>=(const U256& o) const {
    for (int i = 3; i >= 0; --i)
      if (w[i] != o.w[i]) return w[i] > o.w[i];
    return true;
  }
  U256& operator-=(const U256& o) {
    unsigned __int128 borrow = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned __int128 d = static_cast<unsigned __int128>(w[i]) - o.w[i] - borrow;
      w[i] = static_cast<uint64_t>(d);
      borrow = (d >> 64) ? 1 : 0;
    }
    return *this;
  }
  U256& operator+=(const U256& o) {
    unsigned __int128 carry = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned __int128 s = static_cast<unsigned __int128>(w[i]) + o.w[i] + carry;
      w[i] = static_cast<uint64_t>(s);
      carry = s >> 64;
    }
    return *this;
  }
  void shl1() {
    for (int i = 3; i > 0; --i) w[i] = w[i] << 1 | w[i - 1] >> 63;
    w[0] <<= 1;
  }
  bool bit(int k) const { return (w[k / 64] >> (k % 64)) & 1; }
  void set_bit(int k) { w[k / 64] |= uint64_t{1} << (k % 64); }
};

// ~target / (target + 1) + 1 = floor(2^256 / (target + 1)); 0 for bits that
// are no valid target on this network.
U256 block_work(uint32_t bits, Network network) {
  Hash256 t;
  if (!target_from_bits(bits, pow_limit(network), &t)) return {};
  U256 target = U256::from(t), divisor = target, one;
  one.w[0] = 1;
  divisor += one;
  U256 numerator = target;  // ~target
  for (uint64_t& x : numerator.w) x = ~x;
  U256 q, r;
  for (int k = 255; k >= 0; --k) {  // long division, one bit at a time
    r.shl1();
    if (numerator.bit(k)) r.w[0] |= 1;
    if (r >= divisor) {
      r -= divisor;
      q.set_bit(k);
    }
  }
  q += one;
  return q;
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

struct Entry {
  size_t record;     // index into the located blocks
  Hash256 prev;
  uint32_t height = 0;
  U256 work;         // cumulative
  bool reachable = false;
};

struct Totals {
  uint64_t blocks = 0, transactions = 0, signatures = 0, checks = 0, not_verified = 0, disconnected = 0;
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
  std::unordered_map<std::string, Entry> index;  // key: the hash's bytes
  std::multimap<std::string, std::string> children;
  std::optional<std::string> genesis;
  auto key = [](const Hash256& h) { return std::string(reinterpret_cast<const char*>(h.bytes.data()), 32); };
  for (size_t i = 0; i < records.size(); ++i) {
    BlockHeader header;
    if (Status s = parse_block_header(records[i].header, &header); !s.ok()) return error(s.ToString());
    const std::string k = key(sha256d(ByteView(records[i].header.data(), kBlockHeaderSize)));
    Entry e;
    e.record = i;
    e.prev = header.prev_block;
    if (!index.emplace(k, e).second) continue;  // a duplicate
    children.emplace(key(header.prev_block), k);
    if (header.prev_block == Hash256{} && !genesis) genesis = k;
  }
  if (!genesis) return error("no genesis block (one whose previous hash is zero) in the files");
  // Heights and cumulative work from genesis; the tip with the most work.
  std::vector<std::string> stack{*genesis};
  std::string best = *genesis;
  {
    Entry& g = index[*genesis];
    g.reachable = true;
    BlockHeader h;
    (void)parse_block_header(records[g.record].header, &h);
    g.work = block_work(h.bits, network);
  }
  while (!stack.empty()) {
    const std::string k = stack.back();
    stack.pop_back();
    const Entry& parent = index[k];
    const Entry& b = index[best];
    if (parent.work >= b.work && !(b.work >= parent.work)) best = k;
    auto [lo, hi] = children.equal_range(k);
    for (auto it = lo; it != hi; ++it) {
      Entry& child = index[it->second];
      BlockHeader h;
      (void)parse_block_header(records[child.record].header, &h);
      child.height = parent.height + 1;
      child.work = parent.work;
      child.work += block_work(h.bits, network);
      child.reachable = true;
      stack.push_back(it->second);
    }
  }
  std::vector<std::string> path;  // genesis .. best
  for (std::string k = best;;) {
    path.push_back(k);
    const Entry& e = index[k];
    if (e.height == 0) break;
    k = key(e.prev);
  }
  std::reverse(path.begin(), path.end());
  size_t orphans = 0;
  for (const auto& [k, e] : index) orphans += !e.reachable;

  std::unique_ptr<Hasher> hasher;
  std::unique_ptr<Verifier> verifier;
  if (!make_hasher_or_report(kCmd, o.backend, &hasher).ok()) return 2;
  if (!make_verifier_or_report(kCmd, o.backend, 0, &verifier).ok()) return 2;
  ChainStateOptions co;
  co.store.path = o.datadir;
  co.store.sync = !o.no_sync;
  co.network = network;
  co.coinbase_maturity = o.coinbase_maturity;
  co.verify_batch_blocks = o.batch_blocks;
  std::unique_ptr<ChainState> chain;
  if (Status s = ChainState::Open(co, verifier.get(), hasher.get(), &chain); !s.ok()) return error(s.ToString());

  Totals t;
  // Resume: from the data directory's tip, after moving it onto the best
  // chain (disconnecting the blocks of another branch).
  size_t next = 0;
  while (const std::optional<ChainTip> tip = chain->tip()) {
    const auto it = index.find(key(tip->hash));
    if (it == index.end())
      return error("the data directory's tip " + to_display_hex(tip->hash) + " (height " + std::to_string(tip->height) +
                   ") is not in the given files");
    if (tip->height < path.size() && path[tip->height] == it->first) {
      next = tip->height + 1;
      break;
    }
    if (Status s = chain->disconnect_tip(); !s.ok()) return error(s.ToString());
    ++t.disconnected;
  }
  const bool tty = isatty(STDERR_FILENO);
  const Clock::time_point start = Clock::now();
  Clock::time_point last_progress = start;
  std::optional<ConnectReport> failed;
  // Blocks go to the chain state in groups; it verifies their signatures in
  // batches of --batch-blocks blocks (on a GPU, small blocks fill one call
  // together), each while it prepares the next.
  // Four verification batches per call: one verified while the next is prepared.
  const size_t group = 4 * std::max<uint32_t>(1, o.batch_blocks);
  std::vector<std::ifstream> open_files;
  for (size_t h = next; h < path.size() && !failed;) {
    std::vector<Bytes> bytes;
    size_t total = 0;
    for (; h < path.size() && bytes.size() < group && total < (size_t{256} << 20); ++h) {
      bytes.emplace_back();
      if (Status s = load(o.inputs, open_files, records[index[path[h]].record], &bytes.back()); !s.ok())
        return error(s.message());
      total += bytes.back().size();
    }
    std::vector<ByteView> views(bytes.begin(), bytes.end());
    std::vector<ConnectReport> reports;
    const Status s = chain->connect_blocks(views, &reports);
    for (const ConnectReport& r : reports) {
      if (!r.validity.valid) {
        failed = r;
        break;
      }
      ++t.blocks;
      t.transactions += r.transactions;
      t.signatures += r.signatures;
      t.checks += r.checks;
      t.not_verified += r.not_verified;
      t.seconds += r.seconds;
    }
    if (!s.ok()) return error("block at height " + std::to_string(next + t.blocks) + ": " + s.ToString());
    if (tty && Clock::now() - last_progress > std::chrono::milliseconds(250)) {
      progress(t, static_cast<uint32_t>(h - 1), static_cast<uint32_t>(path.size() - 1), start);
      last_progress = Clock::now();
    }
  }
  if (tty) std::fprintf(stderr, "\n");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::optional<ChainTip> tip = chain->tip();
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
        {"orphan_blocks", orphans},
        {"seconds", seconds},
        {"blocks_per_second", seconds > 0 ? static_cast<double>(t.blocks) / seconds : 0},
        {"signatures_per_second", seconds > 0 ? static_cast<double>(t.signatures) / seconds : 0},
        {"backend", verifier->description()},
    };
    const auto& st = t.seconds;
    j["stage_seconds"] = {{"parse", st.parse},     {"rules", st.rules},   {"coins", st.coins},
                          {"sighash", st.sighash}, {"verify", st.verify}, {"write", st.write}};
    if (failed)
      j["invalid_block"] = {{"height", failed->height}, {"hash", to_display_hex(failed->hash)},
                            {"reason", failed->validity.reason}, {"debug", failed->validity.debug}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    if (failed)
      std::printf("INVALID block at height %u: %s\n  reason %s%s%s\n", failed->height, to_display_hex(failed->hash).c_str(),
                  failed->validity.reason.c_str(), failed->validity.debug.empty() ? "" : " (",
                  failed->validity.debug.empty() ? "" : (failed->validity.debug + ")").c_str());
    std::printf("tip          %s\n", tip ? to_display_hex(tip->hash).c_str() : "(none)");
    std::printf("height       %s\n", tip ? std::to_string(tip->height).c_str() : "-");
    std::printf("utxo         %llu coins, digest %s\n", static_cast<unsigned long long>(tip ? tip->coins : 0),
                tip ? to_hex(ByteView(tip->utxo_digest.bytes.data(), 32)).c_str() : "-");
    std::printf("this run     %llu blocks connected, %llu disconnected, %llu transactions, %llu signatures (%llu "
                "checks), %llu inputs not verified\n",
                static_cast<unsigned long long>(t.blocks), static_cast<unsigned long long>(t.disconnected),
                static_cast<unsigned long long>(t.transactions), static_cast<unsigned long long>(t.signatures),
                static_cast<unsigned long long>(t.checks), static_cast<unsigned long long>(t.not_verified));
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
