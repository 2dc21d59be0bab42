// The measurements of `vigil bench`: signature verification per scheme and
// batch size through vigil's CPU path, its GPU path and the reference
// library called directly on all cores; hashing and Merkle roots; the engine
// end to end; and replay of a simulated chain. Every row reports the number
// of valid verdicts (or hashes checked) its run produced, so a row that did
// not do its work cannot pass for one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "vigil/backend.hpp"

namespace vigil::cli::bench {

struct Row {
  std::string group;           // "verify", "hash", "engine", "replay", "script"
  std::string name;            // "verify/ecdsa/vigil-cpu/1024"
  std::string scheme;          // "ecdsa", "sha256d", ...
  std::string implementation;  // "vigil-cpu", "vigil-gpu", "libsecp256k1", "libsodium", "openssl"
  uint64_t batch = 0;          // items per call
  double items_per_second = 0;
  double seconds = 0;          // measured
  uint64_t items = 0;          // items processed
  uint64_t valid = 0;          // valid verdicts / matching hashes among them (must equal items)
  // Verification rows: the same function rejected a corrupted signature (so
  // the row measured real verification, not a stub).
  bool rejects_corrupted = false;
  std::vector<std::pair<std::string, double>> stage_seconds;  // replay rows: where the time went
  std::string note;
};

struct MatrixOptions {
  bool quick = false;
  Backend backend = Backend::kAuto;  // whether GPU rows are attempted
  std::string scratch_dir;           // for the replay's chain and data directory
  std::function<void(const std::string&)> progress;
};

struct Matrix {
  std::vector<Row> rows;
  std::string gpu;          // the GPU's description, or why there is none
  std::vector<std::string> notes;
};

Matrix run_matrix(const MatrixOptions& options);

}  // namespace vigil::cli::bench
