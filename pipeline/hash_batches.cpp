#include "hash_batches.hpp"

#include <algorithm>
#include <cstring>

#include "vigil/hash.hpp"

namespace vigil::hash_batches {

ModeAndPrefix mode_for(HashKind kind, std::string_view tag) {
  ModeAndPrefix mp;
  switch (kind) {
    case HashKind::kSha256: mp.mode = sha::Mode::kSingle; break;
    case HashKind::kSha256d: mp.mode = sha::Mode::kDouble; break;
    case HashKind::kTagged: {
      mp.mode = sha::Mode::kTagged;
      Hash256 th = sha256(ByteView(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
      mp.prefix = sha::tagged_midstate(sha::digest_words_from_bytes(th.bytes.data()));
      break;
    }
  }
  return mp;
}

namespace {

void finish_batch(const ModeAndPrefix& mp, ByteView base, bool contiguous, OwnedBatch* out) {
  out->batch = gpu::MessageBatch{base, out->slices, out->messages, mp.mode, mp.prefix, contiguous};
}

}  // namespace

void pack_messages(std::span<const ByteView> messages, size_t begin, size_t end, const ModeAndPrefix& mp,
                   OwnedBatch* out) {
  size_t total = 0;
  for (size_t i = begin; i < end; ++i) total += messages[i].size();
  out->data.resize(total);
  out->slices.resize(end - begin);
  out->messages.resize(end - begin);
  size_t at = 0;
  for (size_t i = begin; i < end; ++i) {
    const ByteView m = messages[i];
    if (!m.empty()) std::memcpy(out->data.data() + at, m.data(), m.size());
    const uint32_t k = static_cast<uint32_t>(i - begin);
    out->slices[k] = sha::Slice{at, static_cast<uint32_t>(m.size())};
    out->messages[k] = gpu::MessageRef{m.size(), k, k};
    at += m.size();
  }
  finish_batch(mp, out->data, /*contiguous=*/true, out);
}

void gather_messages(ByteView base, std::span<const ByteRange> ranges, std::span<const uint32_t> starts,
                     const ModeAndPrefix& mp, OwnedBatch* out) {
  out->data.clear();
  out->slices.resize(ranges.size());
  for (size_t k = 0; k < ranges.size(); ++k) out->slices[k] = sha::Slice{ranges[k].offset, ranges[k].length};
  const size_t n = starts.size() - 1;
  out->messages.resize(n);
  bool contiguous = true;
  for (size_t i = 0; i < n; ++i) {
    uint64_t len = 0;
    for (uint32_t k = starts[i]; k < starts[i + 1]; ++k) len += ranges[k].length;
    // A message of no slices reads nothing, but the reader is still built on
    // a slice: point it at slice 0 (or at a dummy when there are none).
    out->messages[i] = gpu::MessageRef{len, starts[i] < ranges.size() ? starts[i] : 0, static_cast<uint32_t>(i)};
    contiguous &= starts[i + 1] - starts[i] == 1;
  }
  if (out->slices.empty()) out->slices.push_back(sha::Slice{0, 0});
  finish_batch(mp, base, contiguous, out);
}

void block_batch(std::span<const ByteView> blocks, std::span<const ParsedBlock> parsed, BlockBatch* out) {
  OwnedBatch& o = out->owned;
  size_t total_bytes = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    total_bytes += blocks[b].size();
  }
  o.data.resize(total_bytes);
  o.slices.clear();
  o.messages.clear();
  out->tree_sizes.assign(blocks.size(), 0);
  out->txid_leaf.resize(blocks.size());
  out->witness_tree.assign(blocks.size(), -1);
  std::vector<uint64_t> base_of(blocks.size());
  uint64_t at = 0, leaf = 0;
  // Txids: 1 slice for a transaction without witness, 3 (version, inputs and
  // outputs, locktime) for one with.
  for (size_t b = 0; b < blocks.size(); ++b) {
    if (!blocks[b].empty()) std::memcpy(o.data.data() + at, blocks[b].data(), blocks[b].size());
    base_of[b] = at;
    out->txid_leaf[b] = leaf;
    out->tree_sizes[b] = static_cast<uint32_t>(parsed[b].txs.size());
    for (const TxSpan& tx : parsed[b].txs) {
      const uint32_t first = static_cast<uint32_t>(o.slices.size());
      if (tx.has_witness) {
        o.slices.push_back(sha::Slice{at + tx.begin, 4});
        o.slices.push_back(sha::Slice{at + tx.inputs_begin, tx.outputs_end - tx.inputs_begin});
        o.slices.push_back(sha::Slice{at + tx.end - 4, 4});
      } else {
        o.slices.push_back(sha::Slice{at + tx.begin, tx.end - tx.begin});
      }
      const uint64_t len = tx.has_witness ? 8 + (tx.outputs_end - tx.inputs_begin) : tx.end - tx.begin;
      o.messages.push_back(gpu::MessageRef{len, first, static_cast<uint32_t>(leaf++)});
    }
    at += blocks[b].size();
  }
  // Wtxids of blocks with witness data, the coinbase's left zero.
  for (size_t b = 0; b < blocks.size(); ++b) {
    const auto& txs = parsed[b].txs;
    if (std::none_of(txs.begin(), txs.end(), [](const TxSpan& t) { return t.has_witness; })) continue;
    out->witness_tree[b] = static_cast<int64_t>(out->tree_sizes.size());
    out->tree_sizes.push_back(static_cast<uint32_t>(txs.size()));
    for (size_t i = 0; i < txs.size(); ++i, ++leaf) {
      if (i == 0) continue;
      const uint32_t first = static_cast<uint32_t>(o.slices.size());
      o.slices.push_back(sha::Slice{base_of[b] + txs[i].begin, txs[i].end - txs[i].begin});
      o.messages.push_back(gpu::MessageRef{txs[i].end - txs[i].begin, first, static_cast<uint32_t>(leaf)});
    }
  }
  out->n_leaves = leaf;
  if (o.slices.empty()) o.slices.push_back(sha::Slice{0, 0});
  finish_batch(mode_for(HashKind::kSha256d, {}), o.data, /*contiguous=*/false, &o);
}

}  // namespace vigil::hash_batches
