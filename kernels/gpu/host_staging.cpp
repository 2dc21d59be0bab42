#include "gpu/host_staging.hpp"

#include <new>

namespace vigil::gpu {
namespace {

class HeapAllocator final : public HostAllocator {
 public:
  void* allocate(size_t bytes) override { return ::operator new(bytes, std::nothrow); }
  void deallocate(void* p) override { ::operator delete(p); }
};

}  // namespace

HostAllocator& heap_host_allocator() {
  static HeapAllocator heap;
  return heap;
}

}  // namespace vigil::gpu
