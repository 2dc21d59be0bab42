#include <algorithm>

#include "verify/backends.hpp"
#include "verify/ed25519_zip215.hpp"
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

// Ed25519 (ZIP-215) checks are verified together, by the batch equation
// (ed25519_zip215.hpp), when they share a chunk: a chunk holds up to 64 of
// them, cut so that every thread gets about as many chunks as the others.
// 64 is where the batch's cost per signature has mostly levelled off
// (bench/RESULTS.md) while a chunk still takes only about a millisecond.
constexpr size_t kEd25519Chunk = 64;

size_t batched_chunk_size(size_t n, unsigned threads) {
  size_t chunks = (n + kEd25519Chunk - 1) / kEd25519Chunk;
  chunks = (chunks + threads - 1) / threads * threads;  // a multiple of the thread count
  return std::max<size_t>(1, (n + chunks - 1) / chunks);
}

// The verdicts of checks[b, e): the `ed25519` checks by one batch, the
// others one by one.
void verify_range(std::span<const Check> checks, std::span<uint8_t> verdicts) {
  cpu::Zip215Input inputs[kEd25519Chunk];
  size_t where[kEd25519Chunk];
  uint8_t out[kEd25519Chunk];
  size_t m = 0;
  const auto flush = [&] {
    cpu::zip215_verify_batch_var(std::span(inputs, m), std::span(out, m));
    for (size_t j = 0; j < m; ++j) verdicts[where[j]] = out[j];
    m = 0;
  };
  for (size_t i = 0; i < checks.size(); ++i) {
    if (checks[i].scheme != Scheme::kEd25519) {
      verdicts[i] = verify_check(checks[i]) ? 1 : 0;
      continue;
    }
    inputs[m] = cpu::zip215_input_of(checks[i]);
    where[m++] = i;
    if (m == kEd25519Chunk) flush();
  }
  if (m > 0) flush();
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
  const size_t ed25519 = static_cast<size_t>(
      std::count_if(checks.begin(), checks.end(), [](const Check& c) { return c.scheme == Scheme::kEd25519; }));
  // Batching pays once a thread's share holds several ed25519 checks.
  const bool batched = ed25519 >= 4 * size_t{pool_->threads()};
  const size_t chunk =
      batched ? batched_chunk_size(checks.size(), pool_->threads()) : chunk_size(checks.size(), pool_->threads());
  pool_->parallel_for(checks.size(), chunk, [&](size_t b, size_t e) {
    verify_range(checks.subspan(b, e - b), verdicts.subspan(b, e - b));
  });
  return Status::Ok();
}

}  // namespace vigil
