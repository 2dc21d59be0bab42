// Bitcoin's Merkle tree over txids (or wtxids), with Bitcoin Core's mutation
// flag for CVE-2012-2459.
#pragma once

#include <span>
#include <vector>

#include "vigil/bytes.hpp"

namespace vigil {

class WorkerPool;

struct MerkleResult {
  Hash256 root;          // all-zero for an empty leaf list
  bool mutated = false;  // some level had two equal hashes in a pair position
};

// The root of Bitcoin's tree: each level pairs neighbours and hashes them with
// sha256d; a level of odd length pairs its last node with itself.
//
// `mutated` is exactly Bitcoin Core's ComputeMerkleRoot flag: true when, at any
// level, a node at an even position equals the node right after it. Such a
// tree has the same root as a different list of leaves (the duplicated tail
// removed), so a block with this flag must be rejected as "bad-txns-duplicate"
// rather than marked permanently invalid.
MerkleResult merkle_root(std::span<const Hash256> leaves, WorkerPool* pool = nullptr);

}  // namespace vigil
