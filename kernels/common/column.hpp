// A thread's column of a block-wide scratch array: the GPU kernels keep
// per-thread tables in shared memory with the words of neighbouring threads
// interleaved (word k of a thread's column at words[k * stride], stride =
// threads per block), so a warp reading the same word index hits 32 banks.
// The host passes a local array with stride 1. Tables indexed by runtime
// values live here rather than in per-thread arrays, which the GPU would put
// in local memory.
#pragma once

#include <cstdint>

#include "common/hd.hpp"

namespace vigil {

struct ThreadColumn {
  uint32_t* words;
  uint32_t stride;
};

// Words [first, first + N) of the column <- v[0..N).
template <int N>
VIGIL_HD inline void column_store(const ThreadColumn& c, int first, const uint32_t v[N]) {
  uint32_t* w = c.words + static_cast<uint32_t>(first) * c.stride;
VIGIL_UNROLL
  for (int k = 0; k < N; ++k) w[k * c.stride] = v[k];
}

// v[0..N) <- words [first, first + N) of the column.
template <int N>
VIGIL_HD inline void column_load(uint32_t v[N], const ThreadColumn& c, int first) {
  const uint32_t* w = c.words + static_cast<uint32_t>(first) * c.stride;
VIGIL_UNROLL
  for (int k = 0; k < N; ++k) v[k] = w[k * c.stride];
}

}  // namespace vigil
