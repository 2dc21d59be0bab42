// Block parsing, txids and Merkle roots on real blocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/real_blocks.hpp"
#include "util/test_util.hpp"
#include "vigil/block.hpp"
#include "vigil/hash.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

// True when the block hash, read as a little-endian 256-bit number, is at most
// the target encoded in nBits (proof of work, without the range checks).
bool meets_target(const Hash256& hash, uint32_t bits) {
  std::array<uint8_t, 32> target{};  // little-endian
  uint32_t mantissa = bits & 0x007fffff;
  int exponent = static_cast<int>(bits >> 24);
  for (int i = 0; i < 3; ++i) {
    int pos = exponent - 3 + i;
    if (pos >= 0 && pos < 32) target[pos] = static_cast<uint8_t>(mantissa >> (8 * i));
  }
  for (int i = 31; i >= 0; --i) {
    if (hash.bytes[i] != target[i]) return hash.bytes[i] < target[i];
  }
  return true;
}

TEST(Block, RealBlocksRootsMatchHeadersAndMeetTheirTargets) {
  WorkerPool pool(2);
  for (const auto& rb : test::kRealBlocks) {
    SCOPED_TRACE(rb.path);
    Bytes block = test::load_block(rb.path);
    ParsedBlock parsed;
    Status s = parse_block(block, &parsed);
    ASSERT_TRUE(s.ok()) << s.ToString();
    if (rb.tx_count) {
      EXPECT_EQ(parsed.txs.size(), rb.tx_count);
    }
    EXPECT_TRUE(meets_target(parsed.hash, parsed.header.bits)) << to_display_hex(parsed.hash);
    auto ids = block_txids(block, parsed, &pool);
    EXPECT_EQ(ids, block_txids(block, parsed, nullptr));
    MerkleResult m = merkle_root(ids);
    EXPECT_EQ(m.root, parsed.header.merkle_root);
    EXPECT_FALSE(m.mutated);
  }
}

TEST(Block, Block413567HashAndFirstTxid) {
  Bytes block = test::load_block("bitcoin-core/block413567.raw");
  ParsedBlock parsed;
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  EXPECT_EQ(to_display_hex(parsed.hash), "0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069");
  EXPECT_EQ(to_display_hex(parsed.header.merkle_root),
            "64a50c649fc816baaa2effda230c39cacf1504e4e616a2863685b72aaa7dce05");
  EXPECT_EQ(parsed.header.version, 4);
  // A pre-segwit block: every tx's txid is its whole serialization's sha256d.
  for (const auto& tx : parsed.txs) {
    ASSERT_FALSE(tx.has_witness);
    EXPECT_EQ(txid_of(block, tx), wtxid_of(block, tx));
  }
}

TEST(Block, Cve2012_2459DuplicatedTailIsFlagged) {
  Bytes block = test::load_block("bitcoin-core/block413567.raw");
  ParsedBlock parsed;
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  auto ids = block_txids(block, parsed);
  ASSERT_EQ(ids.size() % 2, 1u);  // 1557: the last tx pairs with itself
  // Appending a copy of the last tx gives another tx list with the same root:
  // the mutation Bitcoin Core flags.
  auto mutated_ids = ids;
  mutated_ids.push_back(ids.back());
  MerkleResult original = merkle_root(ids), mutated = merkle_root(mutated_ids);
  EXPECT_EQ(mutated.root, original.root);
  EXPECT_TRUE(mutated.mutated);
  EXPECT_FALSE(original.mutated);

  // The same mutation as a block on the wire: last tx serialized twice.
  const TxSpan& last = parsed.txs.back();
  Bytes wire(block.begin(), block.begin() + 80);
  ASSERT_LT(ids.size() + 1, 0xfdu * 0x100);
  wire.push_back(0xfd);
  wire.push_back(static_cast<uint8_t>((ids.size() + 1) & 0xff));
  wire.push_back(static_cast<uint8_t>((ids.size() + 1) >> 8));
  wire.insert(wire.end(), block.begin() + parsed.txs.front().begin, block.end());
  wire.insert(wire.end(), block.begin() + last.begin, block.begin() + last.end);
  ParsedBlock reparsed;
  ASSERT_TRUE(parse_block(wire, &reparsed).ok());
  MerkleResult wire_result = merkle_root(block_txids(wire, reparsed));
  EXPECT_EQ(wire_result.root, parsed.header.merkle_root);
  EXPECT_TRUE(wire_result.mutated);
}

// BIP141: the coinbase's last output starting 6a24aa21a9ed commits to
// sha256d(witness root || witness reserved value), the witness root being the
// Merkle root of the wtxids with the coinbase's taken as zero.
TEST(Block, SegwitBlock574200WitnessCommitment) {
  Bytes block = test::load_block("btcd/mainnet-574200.blk");
  ParsedBlock parsed;
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  size_t with_witness = 0;
  std::vector<Hash256> wtxids;
  for (size_t i = 0; i < parsed.txs.size(); ++i) {
    with_witness += parsed.txs[i].has_witness;
    wtxids.push_back(i == 0 ? Hash256{} : wtxid_of(block, parsed.txs[i]));
    if (!parsed.txs[i].has_witness) {
      EXPECT_EQ(wtxid_of(block, parsed.txs[i]), txid_of(block, parsed.txs[i]));
    }
  }
  EXPECT_GT(with_witness, 100u);
  Hash256 witness_root = merkle_root(wtxids).root;
  // The reserved value is the coinbase's single witness item (32 bytes); the
  // commitment is in its outputs. Find both by pattern within the coinbase.
  const TxSpan& cb = parsed.txs[0];
  ASSERT_TRUE(cb.has_witness);
  ByteView cb_bytes = ByteView(block).subspan(cb.begin, cb.end - cb.begin);
  const uint8_t prefix[] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  auto it = std::search(cb_bytes.begin(), cb_bytes.end(), std::begin(prefix), std::end(prefix));
  ASSERT_NE(it, cb_bytes.end());
  Hash256 commitment;
  std::copy(it + 6, it + 38, commitment.bytes.begin());
  // Witness: 01 (one item) 20 (32 bytes) <reserved>, just before the locktime.
  ByteView witness = ByteView(block).subspan(cb.end - 4 - 34, 34);
  ASSERT_EQ(witness[0], 0x01);
  ASSERT_EQ(witness[1], 0x20);
  Bytes preimage(witness_root.bytes.begin(), witness_root.bytes.end());
  preimage.insert(preimage.end(), witness.begin() + 2, witness.end());
  EXPECT_EQ(sha256d(preimage), commitment);
}

TEST(BlockParse, EveryTruncationIsAnErrorNotACrash) {
  Bytes block = test::load_block("btcd/mainnet-574200.blk");
  ParsedBlock parsed;
  std::mt19937_64 rng(test::test_seed());
  std::vector<size_t> cuts;
  for (size_t i = 0; i < 3000 && i < block.size(); ++i) cuts.push_back(i);
  for (int i = 0; i < 300; ++i) cuts.push_back(rng() % block.size());
  for (size_t cut : cuts) {
    Status s = parse_block(ByteView(block).first(cut), &parsed);
    ASSERT_FALSE(s.ok()) << "cut at " << cut;
    EXPECT_EQ(s.code(), Status::Code::kCorruption);
    EXPECT_NE(s.message().find("byte"), std::string::npos) << s.message();
  }
}

TEST(BlockParse, TrailingBytesAreAnError) {
  Bytes block = test::load_block("bitcoinj/block169482.dat");
  block.push_back(0);
  ParsedBlock parsed;
  Status s = parse_block(block, &parsed);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("trailing"), std::string::npos) << s.message();
}

// A block of one transaction built by hand, for the serialization rules.
Bytes one_tx_block(const Bytes& tx) {
  Bytes b(80, 0);
  b.push_back(1);
  b.insert(b.end(), tx.begin(), tx.end());
  return b;
}

TEST(BlockParse, WitnessFlagRules) {
  // version | marker 00 | flag | 1 input | 1 output | witness | locktime
  auto make = [](uint8_t flag, bool with_item) {
    Bytes tx = {1, 0, 0, 0, 0, flag, 1};
    tx.insert(tx.end(), 36, 0);  // prevout
    tx.insert(tx.end(), {0, 0xff, 0xff, 0xff, 0xff});  // empty script, sequence
    tx.push_back(1);
    tx.insert(tx.end(), 8, 0);  // value
    tx.push_back(0);            // empty script
    if (flag & 1) {
      if (with_item) {
        tx.insert(tx.end(), {1, 1, 0x51});
      } else {
        tx.push_back(0);
      }
    }
    tx.insert(tx.end(), 4, 0);
    return tx;
  };
  ParsedBlock parsed;
  ASSERT_TRUE(parse_block(one_tx_block(make(1, true)), &parsed).ok());
  ASSERT_TRUE(parsed.txs[0].has_witness);
  Status superfluous = parse_block(one_tx_block(make(1, false)), &parsed);
  EXPECT_NE(superfluous.message().find("superfluous witness"), std::string::npos) << superfluous.ToString();
  Status unknown = parse_block(one_tx_block(make(3, true)), &parsed);
  EXPECT_NE(unknown.message().find("unknown transaction optional data"), std::string::npos) << unknown.ToString();
  Status unknown2 = parse_block(one_tx_block(make(2, true)), &parsed);
  EXPECT_FALSE(unknown2.ok());
  // The txid of a witness tx hashes it without marker, flag and witness.
  Bytes tx = make(1, true);
  Bytes stripped(tx.begin(), tx.begin() + 4);
  stripped.insert(stripped.end(), tx.begin() + 6, tx.end() - 4 - 3);
  stripped.insert(stripped.end(), tx.end() - 4, tx.end());
  Bytes block = one_tx_block(tx);
  ASSERT_TRUE(parse_block(block, &parsed).ok());
  EXPECT_EQ(txid_of(block, parsed.txs[0]), sha256d(stripped));
  EXPECT_EQ(wtxid_of(block, parsed.txs[0]), sha256d(tx));
}

TEST(BlockParse, CompactSizeMustBeCanonicalAndBounded) {
  ParsedBlock parsed;
  Bytes header(80, 0);
  struct Case {
    Bytes count;
    const char* expect;
  };
  const Case cases[] = {
      {{0xfd, 0x05, 0x00}, "non-canonical"},
      {{0xfe, 0xff, 0x00, 0x00, 0x00}, "non-canonical"},
      {{0xff, 0x01, 0, 0, 0, 0, 0, 0, 0}, "non-canonical"},
      {{0xfe, 0x01, 0x00, 0x00, 0x02}, "too large"},
      {{0xff, 0, 0, 0, 0, 1, 0, 0, 0}, "too large"},
  };
  for (const auto& c : cases) {
    Bytes b = header;
    b.insert(b.end(), c.count.begin(), c.count.end());
    Status s = parse_block(b, &parsed);
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.ToString();
  }
  // A huge but canonical count with no data behind it fails without
  // reserving memory for it.
  Bytes b = header;
  b.insert(b.end(), {0xfe, 0x00, 0x00, 0x00, 0x02});
  EXPECT_FALSE(parse_block(b, &parsed).ok());
}

}  // namespace
}  // namespace vigil
