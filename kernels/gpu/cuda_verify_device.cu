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
  cudaStream_t stream = nullptr;
  cudaEvent_t kernels_begin = nullptr, kernels_end = nullptr;
  DeviceBuffer checks, arena, verdicts;
  ~Lane() {
    if (kernels_begin) cudaEventDestroy(kernels_begin);
    if (kernels_end) cudaEventDestroy(kernels_end);
    if (stream) cudaStreamDestroy(stream);
  }
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
      VIGIL_CUDA_TRY(cudaStreamCreateWithFlags(&lane->stream, cudaStreamNonBlocking));
      VIGIL_CUDA_TRY(cudaEventCreate(&lane->kernels_begin));
      VIGIL_CUDA_TRY(cudaEventCreate(&lane->kernels_end));
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
                                            secp_shape_, lane.stream);
                });
  }

  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                        double* kernel_seconds) override {
    return call("verify_ed25519", checks, arena, verdicts, kernel_seconds,
                [&](Lane& lane, const ed25519::EdCheck* wire, uint32_t n) {
                  return launch_verify_ed25519(wire, n, lane.arena.as<uint8_t>(), table_b_.as<ed25519::GeNiels>(),
                                               lane.verdicts.as<uint8_t>(), ed_shape_, lane.stream);
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
    if (!s.ok() && usable()) {
      // An error the runtime clears (an allocation failure) leaves the device
      // usable; a sticky one (a kernel fault) does not.
      cudaGetLastError();
      if (cudaStreamSynchronize(lane->stream) != cudaSuccess || cudaGetLastError() != cudaSuccess)
        usable_.store(false, std::memory_order_release);
    }
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
    VIGIL_CUDA_TRY(cudaMemcpyAsync(lane.checks.as<void>(), checks.data(), checks.size_bytes(), cudaMemcpyHostToDevice,
                                   lane.stream));
    if (!arena.empty())
      VIGIL_CUDA_TRY(
          cudaMemcpyAsync(lane.arena.as<void>(), arena.data(), arena.size(), cudaMemcpyHostToDevice, lane.stream));
    VIGIL_CUDA_TRY(cudaEventRecord(lane.kernels_begin, lane.stream));
    VIGIL_CUDA_TRY(launch(lane, lane.checks.as<Wire>(), static_cast<uint32_t>(checks.size())));
    VIGIL_CUDA_TRY(cudaEventRecord(lane.kernels_end, lane.stream));
    VIGIL_CUDA_TRY(cudaMemcpyAsync(verdicts.data(), lane.verdicts.as<void>(), verdicts.size(), cudaMemcpyDeviceToHost,
                                   lane.stream));
    VIGIL_CUDA_TRY(cudaStreamSynchronize(lane.stream));
    float ms = 0;
    VIGIL_CUDA_TRY(cudaEventElapsedTime(&ms, lane.kernels_begin, lane.kernels_end));
    if (kernel_seconds) *kernel_seconds = ms / 1e3;
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
