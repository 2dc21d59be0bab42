// VerifyDevice on a CUDA GPU: uploads the precomputed tables once; keeps
// `lanes` CUDA streams, each with its own device workspace (grown, kept
// between calls), so that concurrent calls overlap one's upload and download
// with another's kernel; launches with a shape taken from the device's
// occupancy limits; checks every CUDA call. Callers keep their buffers in the
// page-locked memory of host_allocator(), so the copies are asynchronous DMA.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "ed25519/b_table.hpp"
#include "gpu/cuda_check.hpp"
#include "gpu/device_buffer.hpp"
#include "gpu/launch_verify.hpp"
#include "gpu/timed_stream.hpp"
#include "gpu/verify_device.hpp"
#include "secp256k1/g_tables.hpp"

namespace vigil::gpu {
namespace {

// Page-locked host memory, portable: usable by every device in the process
// (the multi-GPU device shares one caller workspace among its GPUs).
class PinnedAllocator final : public HostAllocator {
 public:
  void* allocate(size_t bytes) override {
    void* p = nullptr;
    if (cudaHostAlloc(&p, bytes, cudaHostAllocPortable) != cudaSuccess) {
      cudaGetLastError();  // an allocation failure is not sticky; clear it
      return nullptr;
    }
    return p;
  }
  void deallocate(void* p) override { cudaFreeHost(p); }
};

// One stream and the device memory of one call in flight.
struct Lane {
  TimedStream timed;
  DeviceBuffer checks, arena, verdicts;
};

class CudaVerifyDevice final : public VerifyDevice {
 public:
  CudaVerifyDevice(int index, std::string name) : index_(index), name_(std::move(name)) {}
  ~CudaVerifyDevice() override {
    cudaSetDevice(index_);
    lanes_.clear();
  }

  Status init(unsigned lanes) {
    VIGIL_CUDA_TRY(cudaSetDevice(index_));
    for (unsigned i = 0; i < std::max(1u, lanes); ++i) {
      auto lane = std::make_unique<Lane>();
      if (Status s = lane->timed.create(); !s.ok()) return s;
      free_.push_back(lane.get());
      lanes_.push_back(std::move(lane));
    }
    VIGIL_CUDA_TRY(secp_launch_shape(&secp_shape_));
    VIGIL_CUDA_TRY(ed25519_launch_shape(&ed_shape_));
    // The G tables: built on the host (milliseconds), uploaded once.
    const secp::GTableStorage& host = secp::host_g_tables();
    const size_t bytes = host.g.size() * sizeof(secp::GeStorage);
    if (Status s = g_.reserve(bytes); !s.ok()) return s;
    if (Status s = g128_.reserve(bytes); !s.ok()) return s;
    VIGIL_CUDA_TRY(cudaMemcpy(g_.as<void>(), host.g.data(), bytes, cudaMemcpyHostToDevice));
    VIGIL_CUDA_TRY(cudaMemcpy(g128_.as<void>(), host.g128.data(), bytes, cudaMemcpyHostToDevice));
    tables_ = secp::GTables{g_.as<secp::GeStorage>(), g128_.as<secp::GeStorage>()};
    // The Ed25519 table of B: the same, built once on the host.
    const std::vector<ed25519::GeNiels>& b = ed25519::host_b_table();
    if (Status s = table_b_.reserve(b.size() * sizeof(ed25519::GeNiels)); !s.ok()) return s;
    VIGIL_CUDA_TRY(cudaMemcpy(table_b_.as<void>(), b.data(), b.size() * sizeof(ed25519::GeNiels), cudaMemcpyHostToDevice));
    return Status::Ok();
  }

  const std::string& name() const override { return name_; }
  bool usable() const override { return usable_.load(std::memory_order_acquire); }
  unsigned lanes() const override { return static_cast<unsigned>(lanes_.size()); }
  HostAllocator& host_allocator() override { return pinned_; }

  Status reserve(size_t checks, size_t wire_bytes, size_t arena_bytes) override {
    VIGIL_CUDA_TRY(cudaSetDevice(index_));
    for (const auto& lane : lanes_) {
      if (Status s = lane->checks.reserve(checks * wire_bytes); !s.ok()) return s;
      if (Status s = lane->arena.reserve(arena_bytes + 1); !s.ok()) return s;
      if (Status s = lane->verdicts.reserve(checks); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                     double* kernel_seconds) override {
    return call("verify_secp", checks, arena, verdicts, kernel_seconds,
                [&](Lane& lane, const secp::SecpCheck* wire, uint32_t n) {
                  return launch_verify_secp(wire, n, lane.arena.as<uint8_t>(), tables_, lane.verdicts.as<uint8_t>(),
                                            secp_shape_, lane.timed.get());
                });
  }

  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                        double* kernel_seconds) override {
    return call("verify_ed25519", checks, arena, verdicts, kernel_seconds,
                [&](Lane& lane, const ed25519::EdCheck* wire, uint32_t n) {
                  return launch_verify_ed25519(wire, n, lane.arena.as<uint8_t>(), table_b_.as<ed25519::GeNiels>(),
                                               lane.verdicts.as<uint8_t>(), ed_shape_, lane.timed.get());
                });
  }

 private:
  // One call: checks the arguments, takes a free lane, runs on it, and after
  // a failure decides whether the device can go on.
  template <class Wire, class Launch>
  Status call(const char* what, std::span<const Wire> checks, ByteView arena, std::span<uint8_t> verdicts,
              double* kernel_seconds, const Launch& launch) {
    if (kernel_seconds) *kernel_seconds = 0;
    if (checks.size() != verdicts.size())
      return Status::InvalidArgument(std::string(what) + ": checks and verdicts differ in size");
    if (checks.size() > UINT32_MAX) return Status::InvalidArgument(std::string(what) + ": more than 2^32 - 1 checks");
    Lane* lane;
    {
      std::unique_lock lock(mu_);
      free_cv_.wait(lock, [&] { return !free_.empty(); });
      lane = free_.back();
      free_.pop_back();
    }
    Status s = usable() ? run(*lane, checks, arena, verdicts, kernel_seconds, launch)
                        : Status::DeviceError("GPU " + name_ + " is unusable after an earlier error");
    if (!s.ok() && usable() && !lane->timed.recovers()) usable_.store(false, std::memory_order_release);
    {
      std::lock_guard lock(mu_);
      free_.push_back(lane);
    }
    free_cv_.notify_one();
    return s;
  }

  // Uploads the checks and the arena, launches, downloads the verdicts, all
  // on the lane's stream; waits for that stream alone.
  template <class Wire, class Launch>
  Status run(Lane& lane, std::span<const Wire> checks, ByteView arena, std::span<uint8_t> verdicts,
             double* kernel_seconds, const Launch& launch) {
    VIGIL_CUDA_TRY(cudaSetDevice(index_));
    if (checks.empty()) return Status::Ok();
    if (Status s = lane.checks.reserve(checks.size_bytes()); !s.ok()) return s;
    if (Status s = lane.arena.reserve(arena.size() + 1); !s.ok()) return s;
    if (Status s = lane.verdicts.reserve(verdicts.size()); !s.ok()) return s;
    const cudaStream_t stream = lane.timed.get();
    VIGIL_CUDA_TRY(
        cudaMemcpyAsync(lane.checks.as<void>(), checks.data(), checks.size_bytes(), cudaMemcpyHostToDevice, stream));
    if (!arena.empty())
      VIGIL_CUDA_TRY(cudaMemcpyAsync(lane.arena.as<void>(), arena.data(), arena.size(), cudaMemcpyHostToDevice, stream));
    VIGIL_CUDA_TRY(lane.timed.begin_kernels());
    VIGIL_CUDA_TRY(launch(lane, lane.checks.as<Wire>(), static_cast<uint32_t>(checks.size())));
    VIGIL_CUDA_TRY(lane.timed.end_kernels());
    VIGIL_CUDA_TRY(
        cudaMemcpyAsync(verdicts.data(), lane.verdicts.as<void>(), verdicts.size(), cudaMemcpyDeviceToHost, stream));
    VIGIL_CUDA_TRY(cudaStreamSynchronize(stream));
    double seconds = 0;
    if (Status s = lane.timed.kernel_seconds(&seconds); !s.ok()) return s;
    if (kernel_seconds) *kernel_seconds = seconds;
    return Status::Ok();
  }

  const int index_;
  const std::string name_;
  VerifyLaunchShape secp_shape_, ed_shape_;
  std::atomic<bool> usable_{true};
  PinnedAllocator pinned_;
  DeviceBuffer g_, g128_, table_b_;  // read-only once uploaded: shared by the lanes
  secp::GTables tables_{};
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::mutex mu_;  // guards free_
  std::condition_variable free_cv_;
  std::vector<Lane*> free_;
};

}  // namespace

Status open_cuda_verify_device(int index, unsigned lanes, std::unique_ptr<VerifyDevice>* out) {
  std::string name;
  if (Status s = cuda_device_name(index, &name); !s.ok()) return s;
  auto dev = std::make_unique<CudaVerifyDevice>(index, std::move(name));
  if (Status s = dev->init(lanes); !s.ok()) return s;
  *out = std::move(dev);
  return Status::Ok();
}

}  // namespace vigil::gpu
