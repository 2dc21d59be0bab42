// The `pow` module: Bitcoin's proof of work. A header's hash at or below
// the target its nBits encode; nBits as the difficulty retarget requires;
// a time above the median of the last 11 blocks; the branch with the most
// cumulative work wins.
#include <algorithm>
#include <cstdio>

#include "vigil/consensus.hpp"

namespace vigil {
namespace {

uint32_t limit_bits(Network network) { return compact_from_target(U256::from_le(pow_limit(network))); }

// Bitcoin Core's CalculateNextWorkRequired: the parent's target scaled by
// how long the last interval took against how long it should have taken,
// the factor clamped to [1/4, 4], and never above the limit.
uint32_t retarget(const BlockHeader& last, int64_t first_time, const ChainParams& p) {
  if (p.pow_no_retarget) return last.bits;
  int64_t actual = static_cast<int64_t>(last.time) - first_time;
  actual = std::clamp(actual, p.pow_target_timespan / 4, p.pow_target_timespan * 4);
  const U256 limit = U256::from_le(pow_limit(p.network));
  Hash256 t;
  // The parent's bits passed these checks when it was accepted; a target
  // that does not decode can only come from a chain without them.
  Hash256 all_ones;
  all_ones.bytes.fill(0xff);
  if (!target_from_bits(last.bits, all_ones, &t)) return limit_bits(p.network);
  U256 target = U256::from_le(t);
  // Core multiplies in 256 bits: the product of a target within the limit
  // (at most 2^224 on mainnet) and 4 * timespan never overflows.
  if (target.mul_u64(static_cast<uint64_t>(actual))) return limit_bits(p.network);
  target.div_u64(static_cast<uint64_t>(p.pow_target_timespan));
  if (target > limit) target = limit;
  return compact_from_target(target);
}

class PowModule final : public ConsensusModule {
 public:
  std::string_view name() const override { return "pow"; }
  uint32_t spec_version() const override { return 1; }

  Validity check_header(const BlockHeader& header, const Hash256& hash, const BlockContext& ctx) const override {
    return check_pow_header(header, hash, ctx);
  }
  Validity check_header_context(const BlockHeader& header, const BlockContext& ctx) const override {
    return check_pow_header_context(header, ctx);
  }

  Validity declare_work(const BlockView&, const BlockContext&, std::unique_ptr<ModuleWork>* work) const override {
    *work = std::make_unique<ModuleWork>();  // no signatures: the work is the header's
    return Validity::Valid();
  }

  Validity judge(const BlockView&, const BlockContext&, const ModuleWork&, std::span<const uint8_t>,
                 Bytes* state_after) const override {
    state_after->clear();
    return Validity::Valid();
  }

  U256 block_work(const BlockHeader& header, const BlockContext&) const override { return work_from_bits(header.bits); }
};

std::string hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

}  // namespace

uint32_t next_work_required(const BlockHeader& header, const BlockContext& ctx) {
  const ChainParams& p = *ctx.params;
  const uint32_t limit = limit_bits(p.network);
  if (ctx.height == 0) return limit;
  const uint32_t interval = p.retarget_interval();
  const HeaderEntry& last = ctx.chain->at(ctx.height - 1);
  if (ctx.height % interval != 0) {
    if (p.pow_allow_min_difficulty) {
      // Testnet: a block more than twice the spacing after its parent may
      // use the limit; otherwise the last bits that were not the limit's.
      if (static_cast<int64_t>(header.time) > static_cast<int64_t>(last.header.time) + 2 * p.pow_target_spacing) return limit;
      uint32_t h = ctx.height - 1;
      while (h > 0 && h % interval != 0 && ctx.chain->at(h).header.bits == limit) --h;
      return ctx.chain->at(h).header.bits;
    }
    return last.header.bits;
  }
  // The first block of the interval that ends at the parent (Core's
  // off-by-one included: interval - 1 blocks back, not interval).
  const uint32_t first = ctx.height - interval;
  return retarget(last.header, ctx.chain->at(first).header.time, p);
}

Validity check_pow_header(const BlockHeader& header, const Hash256& hash, const BlockContext& ctx) {
  if (ctx.check_pow && !check_proof_of_work(hash, header.bits, ctx.params->network))
    return Validity::Invalid("high-hash", "proof of work failed");
  return Validity::Valid();
}

Validity check_pow_header_context(const BlockHeader& header, const BlockContext& ctx) {
  if (ctx.height == 0) return Validity::Valid();
  if (ctx.check_pow) {
    const uint32_t want = next_work_required(header, ctx);
    if (header.bits != want)
      return Validity::Invalid("bad-diffbits",
                               "incorrect proof of work: " + hex32(header.bits) + ", the retarget gives " + hex32(want));
  }
  return check_time_above_median(header, ctx);
}

Validity check_time_above_median(const BlockHeader& header, const BlockContext& ctx) {
  // A context without the branch (a caller's slip) has no median to compare with.
  if (ctx.height == 0 || !ctx.chain || ctx.chain->size() < ctx.height) return Validity::Valid();
  const uint32_t mtp = median_time_past(*ctx.chain, ctx.height - 1);
  if (header.time <= mtp)
    return Validity::Invalid("time-too-old", "block's timestamp " + std::to_string(header.time) +
                                                 " is not above the median " + std::to_string(mtp));
  return Validity::Valid();
}

std::shared_ptr<const ConsensusModule> make_pow_module() { return std::make_shared<PowModule>(); }

}  // namespace vigil
