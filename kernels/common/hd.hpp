// VIGIL_HD marks per-thread math that is compiled for both the host and the
// GPU. In a host-only build (g++/clang++, or the host pass of a CPU-only
// build) it vanishes, so the same source is unit-tested on the CPU.
#pragma once

#if defined(__CUDACC__)
#define VIGIL_HD __host__ __device__
#define VIGIL_DEVICE __device__
#else
#define VIGIL_HD
#define VIGIL_DEVICE
#endif
