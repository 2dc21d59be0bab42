// Field-operation counts of the per-thread math, for the operation-count
// model of `vigil bench` (tools/vigil/bench_model.cpp): how many field
// multiplications and squarings one verification does, counted by running
// the same code on the host.
//
// The hook is compiled in only for the host, and only in a translation unit
// that defines VIGIL_COUNT_FIELD_OPS before including the kernel headers;
// everywhere else (the kernels, the library, the tests) it is nothing.
#pragma once

#if defined(VIGIL_COUNT_FIELD_OPS) && !defined(__CUDA_ARCH__)
#include <cstdint>

namespace vigil::op_count {

struct FieldOps {
  uint64_t mul = 0, sqr = 0;
};
inline thread_local FieldOps secp, ed25519;  // this thread's counts, per curve

}  // namespace vigil::op_count

#define VIGIL_COUNT_FIELD_OP(curve, op) (++::vigil::op_count::curve.op)
#else
#define VIGIL_COUNT_FIELD_OP(curve, op) ((void)0)
#endif
