#include <algorithm>
#include <cctype>

#include "vigil/block.hpp"

namespace vigil {
namespace {

struct MagicEntry {
  Network network;
  uint8_t magic[4];
  const char* name;
};
constexpr MagicEntry kMagics[] = {
    {Network::kMainnet, {0xf9, 0xbe, 0xb4, 0xd9}, "mainnet"},
    {Network::kTestnet3, {0x0b, 0x11, 0x09, 0x07}, "testnet3"},
    {Network::kTestnet4, {0x1c, 0x16, 0x3f, 0x28}, "testnet4"},
    {Network::kSignet, {0x0a, 0x03, 0xcf, 0x40}, "signet"},
    {Network::kRegtest, {0xfa, 0xbf, 0xb5, 0xda}, "regtest"},
};

bool all_zero(ByteView b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

bool is_space(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// The runs of hex digits of the contents (blocks separated by whitespace, as
// one hex block a line), each with its offset; empty when anything else is
// in there or a run has an odd length.
std::vector<std::pair<size_t, std::string_view>> hex_runs(ByteView contents) {
  std::vector<std::pair<size_t, std::string_view>> runs;
  size_t i = 0;
  while (i < contents.size()) {
    if (is_space(contents[i])) {
      ++i;
      continue;
    }
    const size_t b = i;
    while (i < contents.size() && !is_space(contents[i])) {
      if (!std::isxdigit(contents[i])) return {};
      ++i;
    }
    if ((i - b) % 2 != 0) return {};
    runs.emplace_back(b, std::string_view(reinterpret_cast<const char*>(contents.data()) + b, i - b));
  }
  return runs;
}

Status split_framed(ByteView contents, std::vector<BlockRecord>* out) {
  size_t pos = 0;
  while (pos < contents.size()) {
    ByteView rest = contents.subspan(pos);
    // Bitcoin Core preallocates blk files; the unused tail is zeros.
    if (rest.size() < 4 || all_zero(rest.first(4))) {
      if (!all_zero(rest))
        return Status::Corruption("garbage after the last block at byte " + std::to_string(pos));
      break;
    }
    auto network = network_from_magic(rest.first(4));
    if (!network) return Status::Corruption("bad network magic " + to_hex(rest.first(4)) + " at byte " + std::to_string(pos));
    if (rest.size() < 8) return Status::Corruption("truncated block length at byte " + std::to_string(pos + 4));
    uint32_t len = rest[4] | rest[5] << 8 | rest[6] << 16 | uint32_t{rest[7]} << 24;
    if (len > rest.size() - 8)
      return Status::Corruption("truncated block at byte " + std::to_string(pos + 8) + ": the frame says " +
                                std::to_string(len) + " bytes, " + std::to_string(rest.size() - 8) + " remain");
    out->push_back(BlockRecord{pos + 8, Bytes(rest.begin() + 8, rest.begin() + 8 + len), network});
    pos += 8 + size_t{len};
  }
  return Status::Ok();
}

}  // namespace

std::optional<Network> network_from_magic(ByteView four_bytes) {
  if (four_bytes.size() < 4) return std::nullopt;
  for (const auto& m : kMagics) {
    if (std::equal(m.magic, m.magic + 4, four_bytes.begin())) return m.network;
  }
  return std::nullopt;
}

std::string_view network_name(Network network) {
  for (const auto& m : kMagics) {
    if (m.network == network) return m.name;
  }
  return "unknown";
}

Status split_block_file(ByteView contents, std::vector<BlockRecord>* out) {
  out->clear();
  if (contents.empty()) return Status::Corruption("empty file");
  if (network_from_magic(contents)) return split_framed(contents, out);
  if (const auto runs = hex_runs(contents); !runs.empty()) {
    for (const auto& [offset, hex] : runs) {
      BlockRecord rec;
      rec.offset = offset;
      from_hex(hex, rec.bytes);
      out->push_back(std::move(rec));
    }
    return Status::Ok();
  }
  out->push_back(BlockRecord{0, Bytes(contents.begin(), contents.end()), std::nullopt});
  return Status::Ok();
}

}  // namespace vigil
