// Checks that a Hasher agrees with the single-item CPU reference (sha256,
// sha256d, Sha256Stream, merkle_root, txid_of, ...) on random and real
// inputs. Run against the host emulation of the kernels on every machine and
// against the real GPU where there is one.
#pragma once

#include <cstdint>

#include "vigil/hasher.hpp"

namespace vigil::test {

// Every kind (SHA-256, double, tagged) for batch sizes 0, 1, 2, 3, 31, 32, 33,
// ... with message lengths around the block boundaries.
void check_hash_kinds(Hasher& h, uint64_t seed);
// Gathered messages: random slices (empty ones too) of a shared base.
void check_gathered(Hasher& h, uint64_t seed);
// Merkle nodes for pair counts 0, 1, 2, 31, 32, 33, ...
void check_nodes(Hasher& h, uint64_t seed);
// Merkle roots: trees of 0, 1, 2, 3, odd and 2^k +- 1 leaves up to
// `max_leaves`, many trees in one call, mutated trees.
void check_merkle(Hasher& h, uint64_t seed, uint32_t max_leaves);
// Real blocks, one call each and all in one call: txids, root = header's,
// witness root = the coinbase commitment (574200).
void check_real_blocks(Hasher& h);

}  // namespace vigil::test
