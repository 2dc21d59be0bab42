// blk*.dat framing, raw and hex block files.
#include <gtest/gtest.h>

#include "util/test_util.hpp"
#include "vigil/block.hpp"

namespace vigil {
namespace {

TEST(BlockFile, First439MainnetBlocksFromGenesis) {
  Bytes contents = test::read_file(test::data_path("bitcoinj/first-100k-blocks.dat"));
  std::vector<BlockRecord> records;
  ASSERT_TRUE(split_block_file(contents, &records).ok());
  ASSERT_EQ(records.size(), 439u);  // mainnet heights 0..438
  Hash256 prev{};
  for (size_t h = 0; h < records.size(); ++h) {
    SCOPED_TRACE("height " + std::to_string(h));
    ASSERT_EQ(records[h].network, Network::kMainnet);
    ParsedBlock parsed;
    ASSERT_TRUE(parse_block(records[h].bytes, &parsed).ok());
    EXPECT_EQ(parsed.header.prev_block, prev);  // the file is in chain order
    MerkleResult m = merkle_root(block_txids(records[h].bytes, parsed));
    EXPECT_EQ(m.root, parsed.header.merkle_root);
    EXPECT_FALSE(m.mutated);
    prev = parsed.hash;
  }
  ParsedBlock genesis;
  ASSERT_TRUE(parse_block(records[0].bytes, &genesis).ok());
  EXPECT_EQ(to_display_hex(genesis.hash), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

Bytes frame(const uint8_t magic[4], const Bytes& block) {
  Bytes out(magic, magic + 4);
  uint32_t n = static_cast<uint32_t>(block.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

const uint8_t kRegtestMagic[4] = {0xfa, 0xbf, 0xb5, 0xda};

TEST(BlockFile, ZeroPaddingAfterBlocksIsAllowed) {
  Bytes block = test::read_file(test::data_path("bitcoinj/block_testnet21066.dat"));
  Bytes file = frame(kRegtestMagic, block);
  Bytes two = file;
  two.insert(two.end(), file.begin(), file.end());
  two.insert(two.end(), 4096, 0);
  std::vector<BlockRecord> records;
  ASSERT_TRUE(split_block_file(two, &records).ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].offset, file.size() + 8);
  EXPECT_EQ(records[1].bytes, block);
  EXPECT_EQ(records[1].network, Network::kRegtest);
}

TEST(BlockFile, DamagedFramingIsAnErrorWithTheOffset) {
  Bytes block = test::read_file(test::data_path("bitcoinj/block_testnet21066.dat"));
  Bytes file = frame(kRegtestMagic, block);
  std::vector<BlockRecord> records;

  Bytes truncated(file.begin(), file.end() - 1);
  Status s = split_block_file(truncated, &records);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("truncated block at byte 8"), std::string::npos) << s.ToString();

  Bytes bad_magic = file;
  bad_magic.insert(bad_magic.end(), {0xde, 0xad, 0xbe, 0xef, 1, 0, 0, 0, 0});
  s = split_block_file(bad_magic, &records);
  EXPECT_NE(s.message().find("bad network magic deadbeef at byte " + std::to_string(file.size())), std::string::npos)
      << s.ToString();

  Bytes short_len = file;
  short_len.insert(short_len.end(), kRegtestMagic, kRegtestMagic + 4);
  short_len.push_back(1);
  s = split_block_file(short_len, &records);
  EXPECT_NE(s.message().find("truncated block length"), std::string::npos) << s.ToString();

  Bytes garbage = file;
  garbage.insert(garbage.end(), {0, 0, 0, 0, 7});
  s = split_block_file(garbage, &records);
  EXPECT_NE(s.message().find("garbage after the last block"), std::string::npos) << s.ToString();

  EXPECT_FALSE(split_block_file(Bytes{}, &records).ok());
}

TEST(BlockFile, HexAndRawFilesHoldOneBlock) {
  Bytes raw = test::read_file(test::data_path("bitcoinj/block_testnet32768.dat"));
  std::string hex = "\n  " + to_hex(raw) + "\r\n";
  std::vector<BlockRecord> records;
  ASSERT_TRUE(split_block_file(Bytes(hex.begin(), hex.end()), &records).ok());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].bytes, raw);
  EXPECT_FALSE(records[0].network.has_value());
  ASSERT_TRUE(split_block_file(raw, &records).ok());
  EXPECT_EQ(records[0].bytes, raw);
}

}  // namespace
}  // namespace vigil
