// The CPU path of vigil::Hasher: the reference its GPU path is compared with,
// and the fallback when the GPU fails. Arguments are validated by the caller.
#pragma once

#include <optional>
#include <span>

#include "vigil/hasher.hpp"
#include "vigil/hash.hpp"

namespace vigil {
class WorkerPool;
}

namespace vigil::cpu_hash {

// The state a kind of hash starts from: a fresh stream, or one that has
// absorbed SHA256(tag) || SHA256(tag).
struct Start {
  HashKind kind = HashKind::kSha256;
  Sha256Stream stream;
};
Start start_for(HashKind kind, std::string_view tag);

void hash(const Start& start, std::span<const ByteView> messages, std::span<Hash256> out, WorkerPool& pool);
void hash_gathered(const Start& start, ByteView base, std::span<const ByteRange> ranges,
                   std::span<const uint32_t> starts, std::span<Hash256> out, WorkerPool& pool);
void hash_nodes(std::span<const Hash256> in, std::span<Hash256> out, WorkerPool& pool);
void merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes, std::span<MerkleResult> out,
                  WorkerPool& pool);
void block_hashes(std::span<const ByteView> blocks, std::span<const ParsedBlock> parsed, std::span<BlockHashes> out,
                  WorkerPool& pool);

// The wtxid leaves of a block (BIP141: the coinbase's is zero).
std::vector<Hash256> block_wtxids(ByteView block, const ParsedBlock& parsed);

}  // namespace vigil::cpu_hash
