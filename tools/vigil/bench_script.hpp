// The "script" rows of `vigil bench`: script execution alone, per input
// form, over the inputs of the replayed simulated chain -- run as replay runs
// them (collect_block_spends: signature hashes computed, every signature
// check recorded for the batch, none verified), so that the rows show what
// the interpreter costs apart from the signatures.
#pragma once

#include <vector>

#include "bench_matrix.hpp"
#include "vigil/bytes.hpp"

namespace vigil::cli::bench {

// `blocks`: the chain from genesis, in order (no forks). Each form's inputs
// are executed in block-sized groups, repeated for at least `min_seconds`.
// `replay_seconds` (the CPU replay's wall time, 0 when unknown) puts the
// time of one pass over every input beside it, in a note.
void add_script_rows(const std::vector<Bytes>& blocks, double min_seconds, double replay_seconds, Matrix& m);

}  // namespace vigil::cli::bench
