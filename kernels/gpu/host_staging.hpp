// Host memory for the buffers a device call reads and writes, allocated by
// the device that will use it: page-locked (pinned) for a CUDA device, so an
// upload or download is a DMA that runs beside other streams' kernels and
// needs no staging copy; plain heap memory for the devices that run on the
// host. CUDA-free: the dispatch layer fills these buffers directly.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "vigil/status.hpp"

namespace vigil::gpu {

class HostAllocator {
 public:
  virtual ~HostAllocator() = default;
  // `bytes` (> 0) of memory aligned for any wire type; null on failure.
  virtual void* allocate(size_t bytes) = 0;
  virtual void deallocate(void* p) = 0;
};

// operator new / delete.
HostAllocator& heap_host_allocator();

// A growable array of trivially copyable T in memory from an allocator. It
// only grows (by at least half), so a workspace sized once at start never
// allocates again; resize() keeps no contents beyond what it may keep by
// chance. The allocator must outlive the array.
template <class T>
class StagingArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  explicit StagingArray(HostAllocator* alloc) : alloc_(alloc) {}
  StagingArray(const StagingArray&) = delete;
  StagingArray& operator=(const StagingArray&) = delete;
  ~StagingArray() {
    if (data_) alloc_->deallocate(data_);
  }

  // Makes the array n elements long. DeviceError (nothing changed) if the
  // memory cannot be had: the GPU path cannot run, the CPU takes the work.
  Status resize(size_t n) {
    if (n > capacity_) {
      const size_t want = std::max({n, capacity_ + capacity_ / 2, size_t{64}});
      void* p = alloc_->allocate(want * sizeof(T));
      if (!p) return Status::DeviceError("host staging: cannot allocate " + std::to_string(want * sizeof(T)) + " bytes");
      if (data_) alloc_->deallocate(data_);
      data_ = static_cast<T*>(p);
      capacity_ = want;
    }
    size_ = n;
    return Status::Ok();
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  T& operator[](size_t i) { return data_[i]; }
  std::span<T> span() { return {data_, size_}; }
  std::span<const T> span() const { return {data_, size_}; }

 private:
  HostAllocator* alloc_;
  T* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace vigil::gpu
