#include "pipeline/hasher_conformance.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "util/test_util.hpp"
#include "vigil/block.hpp"
#include "vigil/hash.hpp"

namespace vigil::test {
namespace {

const size_t kBatchSizes[] = {0, 1, 2, 3, 31, 32, 33, 63, 64, 65, 255, 256, 257, 1023, 1024, 1025, 3000};

Bytes random_bytes(std::mt19937_64& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

size_t random_length(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return rng() % 130;             // around one and two blocks
    case 1: return 55 + rng() % 10;         // the padding edge
    case 2: return 64 * (1 + rng() % 8) + rng() % 3 - 1;  // around block multiples
    default: return rng() % 3000;
  }
}

Hash256 reference(HashKind kind, std::string_view tag, ByteView m) {
  switch (kind) {
    case HashKind::kSha256: return sha256(m);
    case HashKind::kSha256d: return sha256d(m);
    case HashKind::kTagged: {
      Hash256 th = sha256(ByteView(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
      Sha256Stream s;
      s.update(th.bytes).update(th.bytes).update(m);
      return s.finish();
    }
  }
  return {};
}

const char* kind_name(HashKind k) {
  return k == HashKind::kSha256 ? "sha256" : k == HashKind::kSha256d ? "sha256d" : "tagged";
}

Bytes load_file_block(const std::string& path, std::vector<BlockRecord>* records) {
  Bytes contents = read_file(data_path(path));
  Status s = split_block_file(contents, records);
  EXPECT_TRUE(s.ok()) << path << ": " << s.ToString();
  return contents;
}

}  // namespace

void check_hash_kinds(Hasher& h, uint64_t seed) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (size_t n : kBatchSizes) {
    std::vector<Bytes> store(n);
    std::vector<ByteView> msgs(n);
    for (size_t i = 0; i < n; ++i) {
      store[i] = random_bytes(rng, random_length(rng));
      msgs[i] = store[i];
    }
    for (HashKind kind : {HashKind::kSha256, HashKind::kSha256d, HashKind::kTagged}) {
      const std::string tag = kind == HashKind::kTagged ? "BIP0340/challenge" : "";
      std::vector<Hash256> out(n);
      Status s = h.hash(kind, msgs, out, tag);
      ASSERT_TRUE(s.ok()) << s.ToString();
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(out[i], reference(kind, tag, msgs[i])) << kind_name(kind) << " batch " << n << " message " << i
                                                         << " of " << msgs[i].size() << " bytes";
    }
  }
}

void check_gathered(Hasher& h, uint64_t seed) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (size_t n : kBatchSizes) {
    Bytes base = random_bytes(rng, 5000);
    std::vector<ByteRange> ranges;
    std::vector<uint32_t> starts = {0};
    std::vector<Bytes> expected_msgs(n);
    for (size_t i = 0; i < n; ++i) {
      size_t pieces = rng() % 5;  // 0..4 ranges, so empty messages too
      for (size_t k = 0; k < pieces; ++k) {
        uint64_t off = rng() % base.size();
        uint32_t len = rng() % 3 == 0 ? 0 : static_cast<uint32_t>(rng() % std::min<uint64_t>(200, base.size() - off + 1));
        ranges.push_back({off, len});
        expected_msgs[i].insert(expected_msgs[i].end(), base.begin() + static_cast<ptrdiff_t>(off),
                                base.begin() + static_cast<ptrdiff_t>(off + len));
      }
      starts.push_back(static_cast<uint32_t>(ranges.size()));
    }
    for (HashKind kind : {HashKind::kSha256, HashKind::kSha256d, HashKind::kTagged}) {
      const std::string tag = kind == HashKind::kTagged ? "TapLeaf" : "";
      std::vector<Hash256> out(n);
      Status s = h.hash_gathered(kind, base, ranges, starts, out, tag);
      ASSERT_TRUE(s.ok()) << s.ToString();
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(out[i], reference(kind, tag, expected_msgs[i])) << kind_name(kind) << " batch " << n << " message " << i;
    }
  }
  // Every message exactly one range: the contiguous kernel.
  Bytes base = random_bytes(rng, 4096);
  std::vector<ByteRange> ranges;
  std::vector<uint32_t> starts = {0};
  for (uint32_t i = 0; i < 2000; ++i) {
    uint64_t off = rng() % 2048;
    ranges.push_back({off, static_cast<uint32_t>(rng() % 2048)});
    starts.push_back(i + 1);
  }
  std::vector<Hash256> out(2000);
  ASSERT_TRUE(h.hash_gathered(HashKind::kSha256d, base, ranges, starts, out).ok());
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_EQ(out[i], sha256d(ByteView(base).subspan(ranges[i].offset, ranges[i].length))) << i;
}

void check_nodes(Hasher& h, uint64_t seed) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  for (size_t n : kBatchSizes) {
    std::vector<Hash256> in = random_hashes(rng, 2 * n);
    if (n > 0) in[1] = in[0];
    std::vector<Hash256> out(n), want(n);
    ASSERT_TRUE(h.hash_nodes(in, out).ok());
    sha256d_64(in.data(), want.data(), n);
    ASSERT_EQ(out, want) << "pairs " << n;
  }
}

void check_merkle(Hasher& h, uint64_t seed, uint32_t max_leaves) {
  SCOPED_TRACE("VIGIL_TEST_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> single = {0, 1, 2, 3, 4, 5, 6, 7, 9, 31, 33, 511, 512, 513, 1023, 1024, 1025, 4095, 4097};
  for (uint32_t p = 1u << 13; p <= max_leaves && p != 0; p <<= 2) {
    single.push_back(p - 1);
    single.push_back(p);
    if (p + 1 <= max_leaves) single.push_back(p + 1);
  }
  for (uint32_t n : single) {
    if (n > max_leaves) continue;
    std::vector<Hash256> leaves = random_hashes(rng, n);
    for (bool mutate : {false, true}) {
      if (mutate && n < 2) continue;
      if (mutate) leaves[n - 1] = leaves[n - 2];
      std::vector<MerkleResult> out(1);
      const uint32_t sizes[1] = {n};
      ASSERT_TRUE(h.merkle_roots(leaves, sizes, out).ok());
      MerkleResult want = merkle_root(leaves);
      ASSERT_EQ(out[0].root, want.root) << n << " leaves" << (mutate ? ", mutated" : "");
      ASSERT_EQ(out[0].mutated, want.mutated) << n << " leaves" << (mutate ? ", mutated" : "");
    }
  }
  // Many trees in one call, as many blocks' trees would be.
  std::vector<uint32_t> sizes;
  size_t total = 0;
  for (int t = 0; t < 300; ++t) {
    uint32_t n = t % 17 == 0 ? 0 : static_cast<uint32_t>(rng() % (t % 4 == 0 ? 4000 : 50));
    sizes.push_back(n);
    total += n;
  }
  std::vector<Hash256> leaves = random_hashes(rng, total);
  // Mutate a few trees.
  size_t off = 0;
  for (size_t t = 0; t < sizes.size(); ++t) {
    if (t % 7 == 3 && sizes[t] >= 2) leaves[off + sizes[t] - 1] = leaves[off + sizes[t] - 2];
    off += sizes[t];
  }
  std::vector<MerkleResult> out(sizes.size());
  ASSERT_TRUE(h.merkle_roots(leaves, sizes, out).ok());
  off = 0;
  for (size_t t = 0; t < sizes.size(); ++t) {
    MerkleResult want = merkle_root(std::span(leaves).subspan(off, sizes[t]));
    ASSERT_EQ(out[t].root, want.root) << "tree " << t << " of " << sizes[t];
    ASSERT_EQ(out[t].mutated, want.mutated) << "tree " << t << " of " << sizes[t];
    off += sizes[t];
  }
}

void check_real_blocks(Hasher& h) {
  const char* kFiles[] = {"bitcoin-core/block413567.raw", "btcd/mainnet-574200.blk", "bitcoinj/block169482.dat",
                          "bitcoinj/block227835.dat",     "bitcoinj/block227836.dat", "bitcoinj/block363703.dat",
                          "bitcoinj/block370661.dat",     "bitcoinj/block481829.dat", "bitcoinj/first-100k-blocks.dat",
                          "rust-bitcoin/testnet-924634.raw"};
  std::vector<BlockRecord> all;
  for (const char* f : kFiles) {
    std::vector<BlockRecord> records;
    load_file_block(f, &records);
    for (auto& r : records) all.push_back(std::move(r));
  }
  ASSERT_GT(all.size(), 100u);  // first-100k-blocks.dat alone holds hundreds
  std::vector<ByteView> views;
  std::vector<ParsedBlock> parsed(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_TRUE(parse_block(all[i].bytes, &parsed[i]).ok()) << i;
    views.emplace_back(all[i].bytes);
  }
  auto check = [&](size_t i, const BlockHashes& got) {
    const ParsedBlock& p = parsed[i];
    ASSERT_EQ(got.txids.size(), p.txs.size()) << "block " << i;
    for (size_t t = 0; t < p.txs.size(); ++t) ASSERT_EQ(got.txids[t], txid_of(views[i], p.txs[t])) << "block " << i << " tx " << t;
    EXPECT_EQ(got.merkle.root, p.header.merkle_root) << "block " << i << " " << to_display_hex(p.hash);
    EXPECT_FALSE(got.merkle.mutated);
    CoinbaseWitness cw;
    ASSERT_TRUE(coinbase_witness(views[i], p, &cw).ok());
    if (got.has_witness) {
      ASSERT_TRUE(cw.commitment && cw.reserved_value) << "block " << i << " has witness data but no commitment";
      EXPECT_EQ(witness_commitment(got.witness_merkle.root, *cw.reserved_value), *cw.commitment) << "block " << i;
    }
  };
  // All blocks in one call.
  std::vector<BlockHashes> out(all.size());
  Status s = h.block_hashes(views, parsed, out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  size_t with_witness = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    check(i, out[i]);
    with_witness += out[i].has_witness;
  }
  EXPECT_GE(with_witness, 2u);  // 574200 and 481829 at least
  // The two big segwit-era blocks one at a time.
  for (size_t i = 0; i < 2; ++i) {
    std::vector<BlockHashes> one(1);
    ASSERT_TRUE(h.block_hashes(std::span(views).subspan(i, 1), std::span(parsed).subspan(i, 1), one).ok());
    check(i, one[0]);
  }
}

}  // namespace vigil::test
