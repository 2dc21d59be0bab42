// libFuzzer: arbitrary bytes through the consensus modules' parsers -- a
// chain configuration file, bft certificates, validator sets and module
// state, signet solutions -- and, when they parse as a block, through every
// built-in module's steps (header rules, declared work, state, judgement
// with all verdicts true and all false). Any crash or sanitizer report is a
// bug; errors and invalid verdicts are the expected outcome.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vigil/bft.hpp"
#include "fuzz_hashes.hpp"
#include "vigil/block_check.hpp"
#include "vigil/consensus.hpp"
#include "vigil/signet.hpp"

namespace {

class Branch final : public vigil::ChainHistory {
 public:
  explicit Branch(const vigil::BlockHeader& parent) {
    for (uint32_t i = 0; i < 12; ++i) {
      entries_[i].header = parent;
      entries_[i].header.time = parent.time - 12 + i;
    }
  }
  uint32_t size() const override { return 12; }
  const vigil::HeaderEntry& at(uint32_t h) const override { return entries_[h]; }

 private:
  vigil::HeaderEntry entries_[12];
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  const ByteView bytes(data, size);
  {
    ChainParams p;
    (void)ChainParams::FromJson(std::string(reinterpret_cast<const char*>(data), size), "/tmp", &p);
    std::vector<BftSignature> sigs;
    (void)decode_bft_certificate(bytes, &sigs);
    std::vector<Validator> set;
    (void)decode_bft_validator_set(bytes, &set);
    SignetSolution solution;
    (void)decode_signet_solution(bytes, &solution);
    (void)find_signet_section(bytes);
  }
  ParsedBlock parsed;
  std::vector<Transaction> txs;
  if (!parse_block(bytes, &parsed).ok() || !read_block_transactions(bytes, parsed, &txs).ok()) return 0;
  const BlockHashes hashes = fuzz::block_hashes_here(bytes, parsed);
  const BlockView view{bytes, &parsed, &txs, &hashes};

  ChainParams params = ChainParams::Regtest();
  params.signet_challenge = {0x00, 0x14};
  params.signet_challenge.resize(22, 0x5a);  // P2WPKH
  Validator v;
  v.public_key.fill(0x33);
  v.stake = 3;
  params.bft_validators = {v, v};
  params.bft_validators[1].public_key[0] = 1;
  const Branch branch(parsed.header);
  auto registry = ModuleRegistry::WithBuiltins();
  for (const char* name : {"pow", "signet", "bft"}) {
    std::shared_ptr<const ConsensusModule> m;
    if (!registry->find({name, 1}, &m).ok()) __builtin_trap();
    for (int with_state = 0; with_state < 2; ++with_state) {
      BlockContext ctx;
      ctx.height = 12;
      ctx.chain = &branch;
      ctx.params = &params;
      ctx.rules = params.rules_at(12);
      ctx.module_since = with_state ? 0 : 12;
      // The block's own first bytes as a stored module state.
      if (with_state) ctx.module_state = bytes.first(std::min<size_t>(size, 200));
      (void)m->check_header(parsed.header, parsed.hash, ctx);
      (void)m->check_header_context(parsed.header, ctx);
      (void)m->block_work(parsed.header, ctx);
      // The declared hash work, computed here as the chain state would;
      // every other round without it (the module computes its own).
      HashWork hash_work;
      m->declare_hashes(view, ctx, &hash_work);
      std::vector<MerkleResult> roots;
      for (const auto& tree : hash_work.merkle_trees) roots.push_back(merkle_root(tree));
      if (with_state) ctx.merkle_roots = roots;
      std::unique_ptr<ModuleWork> work;
      if (!m->declare_work(view, ctx, &work).valid || !work) continue;
      Bytes state;
      (void)m->next_state(view, ctx, *work, &state);
      for (uint8_t verdict : {0, 1}) {
        const std::vector<uint8_t> verdicts(work->checks.size(), verdict);
        (void)m->judge(view, ctx, *work, verdicts, &state);
      }
    }
  }
  return 0;
}
