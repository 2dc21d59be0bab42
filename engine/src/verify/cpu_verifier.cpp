#include <algorithm>

#include "verify/backends.hpp"
#include "vigil/verify.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

// Checks per claimed chunk. A check costs tens of microseconds and claiming a
// chunk tens of nanoseconds, so chunks stay tiny: at the end of a batch the
// threads then finish within a few checks of each other (chunks of 64 left
// threads idle ~6% of a 4096-check batch on 16 threads).
size_t chunk_size(size_t n, unsigned threads) {
  return std::clamp<size_t>(n / (size_t{threads} * 64), 1, 4);
}

}  // namespace

CpuVerifier::CpuVerifier(CpuVerifierOptions options) : pool_(std::make_unique<WorkerPool>(options.threads)) {
  // Initialize the libraries here, not inside the first batch's workers.
  cpu::secp_context();
  cpu::ensure_sodium();
}

CpuVerifier::~CpuVerifier() = default;

unsigned CpuVerifier::threads() const { return pool_->threads(); }

WorkerPool& CpuVerifier::pool() { return *pool_; }

Status CpuVerifier::verify(std::span<const Check> checks, std::span<uint8_t> verdicts) {
  if (checks.size() != verdicts.size())
    return Status::InvalidArgument("verify: " + std::to_string(checks.size()) + " checks but " +
                                   std::to_string(verdicts.size()) + " verdict slots");
  pool_->parallel_for(checks.size(), chunk_size(checks.size(), pool_->threads()), [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) verdicts[i] = verify_check(checks[i]) ? 1 : 0;
  });
  return Status::Ok();
}

}  // namespace vigil
