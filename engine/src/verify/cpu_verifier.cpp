#include <algorithm>

#include "verify/backends.hpp"
#include "vigil/verify.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {
namespace {

// Checks per claimed chunk: small enough that all threads finish together
// (a check costs tens of microseconds), large enough that claiming is free.
size_t chunk_size(size_t n, unsigned threads) {
  size_t per_thread_pieces = size_t{threads} * 8;
  return std::clamp<size_t>(n / per_thread_pieces, 1, 64);
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
