// Builds the precomputed G tables of ecmult.hpp on the host (a few
// milliseconds), for the host verifier and for upload to the GPU.
#pragma once

#include <vector>

#include "secp256k1/ecmult.hpp"

namespace vigil::secp {

struct GTableStorage {
  std::vector<GeStorage> g, g128;  // kTableG entries each
  GTables view() const { return GTables{g.data(), g128.data()}; }
};

// out[i] = (2i+1) * base for i < count, via Jacobian additions of 2 * base
// and one batched inversion.
inline void build_odd_multiples(std::vector<GeStorage>& out, const Gej& base, int count) {
  std::vector<Gej> jac(count);
  jac[0] = base;
  const Gej twice = gej_double(base);
  for (int i = 1; i < count; ++i) jac[i] = gej_add(jac[i - 1], twice);
  std::vector<Ge> affine(count);
  std::vector<Fe> scratch(count);
  ge_from_gej_batch(affine.data(), jac.data(), count, scratch.data());
  out.resize(count);
  for (int i = 0; i < count; ++i) out[i] = GeStorage{fe_normalized(affine[i].x), fe_normalized(affine[i].y)};
}

inline GTableStorage build_g_tables() {
  GTableStorage t;
  Gej g = gej_from_ge(generator());
  build_odd_multiples(t.g, g, kTableG);
  for (int i = 0; i < 128; ++i) g = gej_double(g);
  build_odd_multiples(t.g128, g, kTableG);
  return t;
}

// The tables, built once per process.
inline const GTableStorage& host_g_tables() {
  static const GTableStorage tables = build_g_tables();
  return tables;
}

}  // namespace vigil::secp
