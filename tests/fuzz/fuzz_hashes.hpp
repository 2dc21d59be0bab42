// A block's txids and Merkle roots on this thread, for the fuzz targets
// (what Hasher::block_hashes computes, without a worker pool).
#pragma once

#include <vector>

#include "vigil/block.hpp"
#include "vigil/hasher.hpp"
#include "vigil/merkle.hpp"

namespace vigil::fuzz {

inline BlockHashes block_hashes_here(ByteView block, const ParsedBlock& parsed) {
  BlockHashes hashes;
  hashes.txids = block_txids(block, parsed);
  hashes.merkle = merkle_root(hashes.txids);
  std::vector<Hash256> wtxids{Hash256{}};  // the coinbase's counts as zero
  for (size_t i = 1; i < parsed.txs.size(); ++i) wtxids.push_back(wtxid_of(block, parsed.txs[i]));
  hashes.witness_merkle = merkle_root(wtxids);
  return hashes;
}

}  // namespace vigil::fuzz
