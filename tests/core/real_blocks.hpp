// The real blocks bundled in tests/data (see SOURCES.md), for the block and
// consensus tests.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "util/test_util.hpp"
#include "vigil/block.hpp"

namespace vigil::test {

struct RealBlock {
  const char* path;
  size_t tx_count;  // 0: not checked
  Network network;
};

inline const RealBlock kRealBlocks[] = {
    {"bitcoin-core/block413567.raw", 1557, Network::kMainnet},
    {"btcd/mainnet-574200.blk", 3315, Network::kMainnet},
    {"bitcoinj/block169482.dat", 0, Network::kMainnet},
    {"bitcoinj/block227835.dat", 0, Network::kMainnet},
    {"bitcoinj/block227836.dat", 0, Network::kMainnet},
    {"bitcoinj/block363703.dat", 0, Network::kMainnet},
    {"bitcoinj/block370661.dat", 0, Network::kMainnet},
    {"bitcoinj/block481829.dat", 0, Network::kMainnet},
    {"bitcoinj/block_testnet21066.dat", 0, Network::kTestnet3},
    {"bitcoinj/block_testnet32768.dat", 0, Network::kTestnet3},
    {"bitcoinj/block_testnet700000.dat", 0, Network::kTestnet3},
    {"rust-bitcoin/testnet-924634.raw", 0, Network::kTestnet3},
    {"rust-bitcoin/block_13b8a.hex", 0, Network::kMainnet},
};

// The real block at `path` through split_block_file (raw or hex).
inline Bytes load_block(const char* path) {
  Bytes contents = read_file(data_path(path));
  std::vector<BlockRecord> records;
  Status s = split_block_file(contents, &records);
  EXPECT_TRUE(s.ok()) << path << ": " << s.ToString();
  EXPECT_EQ(records.size(), 1u) << path;
  return records.empty() ? Bytes{} : records[0].bytes;
}

}  // namespace vigil::test
