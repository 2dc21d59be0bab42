#include "hash_cpu.hpp"

#include <algorithm>

#include "vigil/worker_pool.hpp"

namespace vigil::cpu_hash {
namespace {

// Messages per chunk of a pool loop: enough to amortize the claim.
constexpr size_t kGrain = 64;

Hash256 finish(const Start& start, Sha256Stream& s) {
  Hash256 h = s.finish();
  return start.kind == HashKind::kSha256d ? sha256(ByteView(h.bytes)) : h;
}

}  // namespace

Start start_for(HashKind kind, std::string_view tag) {
  Start st;
  st.kind = kind;
  if (kind == HashKind::kTagged) {
    Hash256 th = sha256(ByteView(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
    st.stream.update(ByteView(th.bytes)).update(ByteView(th.bytes));
  }
  return st;
}

void hash(const Start& start, std::span<const ByteView> messages, std::span<Hash256> out, WorkerPool& pool) {
  if (start.kind == HashKind::kSha256) {
    (void)sha256_batch(messages, out, &pool);
    return;
  }
  if (start.kind == HashKind::kSha256d) {
    (void)sha256d_batch(messages, out, &pool);
    return;
  }
  pool.parallel_for(messages.size(), kGrain, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      Sha256Stream s = start.stream;
      s.update(messages[i]);
      out[i] = finish(start, s);
    }
  });
}

void hash_gathered(const Start& start, ByteView base, std::span<const ByteRange> ranges,
                   std::span<const uint32_t> starts, std::span<Hash256> out, WorkerPool& pool) {
  pool.parallel_for(out.size(), kGrain, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      Sha256Stream s = start.stream;
      for (uint32_t k = starts[i]; k < starts[i + 1]; ++k) s.update(base.subspan(ranges[k].offset, ranges[k].length));
      out[i] = finish(start, s);
    }
  });
}

void hash_nodes(std::span<const Hash256> in, std::span<Hash256> out, WorkerPool& pool) {
  pool.parallel_for(out.size(), 256, [&](size_t b, size_t e) { sha256d_64(in.data() + 2 * b, out.data() + b, e - b); });
}

void merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes, std::span<MerkleResult> out,
                  WorkerPool& pool) {
  std::vector<size_t> offsets(tree_sizes.size());
  size_t offset = 0;
  for (size_t t = 0; t < tree_sizes.size(); ++t) {
    offsets[t] = offset;
    offset += tree_sizes[t];
  }
  // Many trees: one per task. Few: each tree spread over the pool.
  if (tree_sizes.size() >= 2 * pool.threads()) {
    pool.parallel_for(tree_sizes.size(), 1, [&](size_t b, size_t e) {
      for (size_t t = b; t < e; ++t) out[t] = merkle_root(leaves.subspan(offsets[t], tree_sizes[t]));
    });
  } else {
    for (size_t t = 0; t < tree_sizes.size(); ++t) out[t] = merkle_root(leaves.subspan(offsets[t], tree_sizes[t]), &pool);
  }
}

std::vector<Hash256> block_wtxids(ByteView block, const ParsedBlock& parsed) {
  std::vector<Hash256> ids(parsed.txs.size());
  for (size_t i = 1; i < ids.size(); ++i) ids[i] = wtxid_of(block, parsed.txs[i]);
  return ids;  // ids[0] stays zero
}

void block_hashes(std::span<const ByteView> blocks, std::span<const ParsedBlock> parsed, std::span<BlockHashes> out,
                  WorkerPool& pool) {
  auto one = [&](size_t i, WorkerPool* inner) {
    BlockHashes& h = out[i];
    h.txids = block_txids(blocks[i], parsed[i], inner);
    h.merkle = merkle_root(h.txids, inner);
    h.has_witness = std::any_of(parsed[i].txs.begin(), parsed[i].txs.end(), [](const TxSpan& t) { return t.has_witness; });
    h.witness_merkle = h.has_witness ? merkle_root(block_wtxids(blocks[i], parsed[i]), inner) : MerkleResult{};
  };
  if (blocks.size() >= 2 * pool.threads()) {
    pool.parallel_for(blocks.size(), 1, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) one(i, nullptr);
    });
  } else {
    for (size_t i = 0; i < blocks.size(); ++i) one(i, &pool);
  }
}

}  // namespace vigil::cpu_hash
