// The "model" rows of `vigil bench`: an upper bound of GPU verifications per
// second for an H100, from an operation count, printed beside the measured
// GPU rows so that the first GPU run shows measured against model at a
// glance. See kernels/op_model.hpp for the per-operation costs and rates.
#pragma once

#include <span>

#include "bench_matrix.hpp"
#include "vigil/verify.hpp"

namespace vigil::cli::bench {

// Verifies `valid` (all valid signatures of `scheme`) and `corrupted` with
// the kernels' per-thread code on this CPU thread, counting the field
// multiplications and squarings each verification does, and returns the
// model row "verify/<name>/model-h100": its items and valid count are the
// counted verifications (so a row of checks the code did not pass is
// visible), items_per_second the bound, and the note the arithmetic.
Row model_row(const char* name, Scheme scheme, std::span<const Check> valid, const Check& corrupted);

}  // namespace vigil::cli::bench
