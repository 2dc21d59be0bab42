// What both CUDA devices need around a stream: the stream, two events that
// time the kernels on it, and the rule for going on after a failed call.
// Internal; CUDA builds only.
#pragma once

#include <cuda_runtime.h>

#include "gpu/cuda_check.hpp"

namespace vigil::gpu {

class TimedStream {
 public:
  TimedStream() = default;
  TimedStream(const TimedStream&) = delete;
  TimedStream& operator=(const TimedStream&) = delete;
  // The stream's device must be current.
  ~TimedStream() {
    if (kernels_begin_) cudaEventDestroy(kernels_begin_);
    if (kernels_end_) cudaEventDestroy(kernels_end_);
    if (stream_) cudaStreamDestroy(stream_);
  }

  // On the current device; a non-blocking stream (no implicit sync with
  // the legacy default stream).
  Status create() {
    VIGIL_CUDA_TRY(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    VIGIL_CUDA_TRY(cudaEventCreate(&kernels_begin_));
    VIGIL_CUDA_TRY(cudaEventCreate(&kernels_end_));
    return Status::Ok();
  }

  cudaStream_t get() const { return stream_; }
  // Bracket the kernels of a call (transfers outside).
  cudaError_t begin_kernels() { return cudaEventRecord(kernels_begin_, stream_); }
  cudaError_t end_kernels() { return cudaEventRecord(kernels_end_, stream_); }
  // Between the two events, once the stream has been synchronized.
  Status kernel_seconds(double* out) const {
    float ms = 0;
    VIGIL_CUDA_TRY(cudaEventElapsedTime(&ms, kernels_begin_, kernels_end_));
    *out = ms / 1e3;
    return Status::Ok();
  }

  // After a failed call: true when the device can go on. An error the
  // runtime clears (an allocation failure, a bad launch configuration) is
  // cleared; a sticky one (a kernel fault) leaves the context unusable.
  bool recovers() {
    cudaGetLastError();
    return cudaStreamSynchronize(stream_) == cudaSuccess && cudaGetLastError() == cudaSuccess;
  }

 private:
  cudaStream_t stream_ = nullptr;
  cudaEvent_t kernels_begin_ = nullptr, kernels_end_ = nullptr;
};

}  // namespace vigil::gpu
