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

// Fully unrolls the loop that follows: on the GPU so that small arrays are
// indexed by constants and stay in registers; on the host it helps GCC too.
#if defined(__CUDACC__) || defined(__clang__)
#define VIGIL_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define VIGIL_UNROLL _Pragma("GCC unroll 16")
#else
#define VIGIL_UNROLL
#endif

// Keeps the loop that follows rolled: on the GPU, for a small array that
// should stay a (tiny) stack array rather than claim a register per element.
#if defined(__CUDACC__) || defined(__clang__)
#define VIGIL_NO_UNROLL _Pragma("unroll 1")
#else
#define VIGIL_NO_UNROLL
#endif

// Replaces `inline`: inlines the function into its callers on the GPU even
// when nvcc would keep it a call, since a device call takes its reference and
// aggregate arguments through local memory (the stack). For hot-path
// functions with few call sites.
#if defined(__CUDACC__)
#define VIGIL_FORCE_INLINE __forceinline__
#else
#define VIGIL_FORCE_INLINE inline
#endif
