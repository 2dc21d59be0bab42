// Builds the precomputed table of the base point for ecmult.hpp on the host
// (tens of milliseconds), for the CPU path and for upload to the GPU.
#pragma once

#include <vector>

#include "ed25519/ecmult.hpp"

namespace vigil::ed25519 {

// The affine table entry of p: (y + x, y - x, 2d x y), fully reduced.
inline GeNiels niels_from_p3(const GeP3& p) {
  const Fe zinv = fe_inv(p.Z);
  const Fe x = fe_mul(p.X, zinv), y = fe_mul(p.Y, zinv);
  return GeNiels{fe_normalized(fe_add(y, x)), fe_normalized(fe_sub(y, x)), fe_normalized(fe_mul(fe_mul(x, y), fe_d2()))};
}

// table[i] = (2i+1) * B for i < kTableB.
inline std::vector<GeNiels> build_b_table() {
  std::vector<GeNiels> table(kTableB);
  const GeP3 b = ge_base();
  const GeCached twice = ge_p3_to_cached(ge_p1p1_to_p3(ge_dbl(ge_p3_to_p2(b))));
  GeP3 acc = b;
  for (int i = 0; i < kTableB; ++i) {
    table[i] = niels_from_p3(acc);
    acc = ge_p1p1_to_p3(ge_add(acc, twice));
  }
  return table;
}

// The table, built once per process.
inline const std::vector<GeNiels>& host_b_table() {
  static const std::vector<GeNiels> table = build_b_table();
  return table;
}

}  // namespace vigil::ed25519
