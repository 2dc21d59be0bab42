// VerifyDevice on a CUDA GPU: uploads the precomputed tables once, sizes the workspace
// per call (grown, kept between calls), uploads the checks and messages,
// launches on one stream with a shape taken from the device's occupancy
// limits, checks every CUDA call, and copies the verdicts back.
#include <mutex>

#include "gpu/cuda_check.hpp"
#include "gpu/device_buffer.hpp"
#include "ed25519/b_table.hpp"
#include "gpu/launch_verify.hpp"
#include "gpu/verify_device.hpp"
#include "secp256k1/g_tables.hpp"

namespace vigil::gpu {
namespace {

class CudaVerifyDevice final : public VerifyDevice {
 public:
  CudaVerifyDevice(int index, std::string name) : index_(index), name_(std::move(name)) {}
  ~CudaVerifyDevice() override {
    cudaSetDevice(index_);
    if (kernels_begin_) cudaEventDestroy(kernels_begin_);
    if (kernels_end_) cudaEventDestroy(kernels_end_);
    if (stream_) cudaStreamDestroy(stream_);
  }

  Status init() {
    VIGIL_CUDA_TRY(cudaSetDevice(index_));
    VIGIL_CUDA_TRY(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    VIGIL_CUDA_TRY(cudaEventCreate(&kernels_begin_));
    VIGIL_CUDA_TRY(cudaEventCreate(&kernels_end_));
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
  bool usable() const override { return usable_; }
  double last_kernel_seconds() const override { return last_kernel_seconds_; }

  Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts) override {
    return call("verify_secp", checks, arena, verdicts, [&](const secp::SecpCheck* wire, uint32_t n) {
      return launch_verify_secp(wire, n, arena_.as<uint8_t>(), tables_, verdicts_.as<uint8_t>(), secp_shape_, stream_);
    });
  }

  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena, std::span<uint8_t> verdicts) override {
    return call("verify_ed25519", checks, arena, verdicts, [&](const ed25519::EdCheck* wire, uint32_t n) {
      return launch_verify_ed25519(wire, n, arena_.as<uint8_t>(), table_b_.as<ed25519::GeNiels>(),
                                   verdicts_.as<uint8_t>(), ed_shape_, stream_);
    });
  }

 private:
  // One call: checks the arguments, runs it, and after a failure decides
  // whether the device can go on.
  template <class Wire, class Launch>
  Status call(const char* what, std::span<const Wire> checks, ByteView arena, std::span<uint8_t> verdicts,
              const Launch& launch) {
    std::lock_guard lock(mu_);
    if (!usable_) return Status::DeviceError("GPU " + name_ + " is unusable after an earlier error");
    if (checks.size() != verdicts.size())
      return Status::InvalidArgument(std::string(what) + ": checks and verdicts differ in size");
    if (checks.size() > UINT32_MAX) return Status::InvalidArgument(std::string(what) + ": more than 2^32 - 1 checks");
    Status s = run(checks, arena, verdicts, launch);
    if (!s.ok()) {
      // An error the runtime clears (an allocation failure) leaves the device
      // usable; a sticky one (a kernel fault) does not.
      cudaGetLastError();
      if (cudaStreamSynchronize(stream_) != cudaSuccess || cudaGetLastError() != cudaSuccess) usable_ = false;
    }
    return s;
  }

  // Uploads the checks and the arena, launches, downloads the verdicts.
  template <class Wire, class Launch>
  Status run(std::span<const Wire> checks, ByteView arena, std::span<uint8_t> verdicts, const Launch& launch) {
    VIGIL_CUDA_TRY(cudaSetDevice(index_));
    if (checks.empty()) {
      last_kernel_seconds_ = 0;
      return Status::Ok();
    }
    if (Status s = checks_.reserve(checks.size_bytes()); !s.ok()) return s;
    if (Status s = arena_.reserve(arena.size() + 1); !s.ok()) return s;
    if (Status s = verdicts_.reserve(verdicts.size()); !s.ok()) return s;
    VIGIL_CUDA_TRY(cudaMemcpyAsync(checks_.as<void>(), checks.data(), checks.size_bytes(), cudaMemcpyHostToDevice, stream_));
    if (!arena.empty())
      VIGIL_CUDA_TRY(cudaMemcpyAsync(arena_.as<void>(), arena.data(), arena.size(), cudaMemcpyHostToDevice, stream_));
    VIGIL_CUDA_TRY(cudaEventRecord(kernels_begin_, stream_));
    VIGIL_CUDA_TRY(launch(checks_.as<Wire>(), static_cast<uint32_t>(checks.size())));
    VIGIL_CUDA_TRY(cudaEventRecord(kernels_end_, stream_));
    VIGIL_CUDA_TRY(cudaMemcpyAsync(verdicts.data(), verdicts_.as<void>(), verdicts.size(), cudaMemcpyDeviceToHost, stream_));
    VIGIL_CUDA_TRY(cudaStreamSynchronize(stream_));
    float ms = 0;
    VIGIL_CUDA_TRY(cudaEventElapsedTime(&ms, kernels_begin_, kernels_end_));
    last_kernel_seconds_ = ms / 1e3;
    return Status::Ok();
  }

  const int index_;
  const std::string name_;
  cudaStream_t stream_ = nullptr;
  cudaEvent_t kernels_begin_ = nullptr, kernels_end_ = nullptr;
  VerifyLaunchShape secp_shape_, ed_shape_;
  double last_kernel_seconds_ = 0;
  bool usable_ = true;
  std::mutex mu_;  // one call at a time: the workspace is shared
  DeviceBuffer g_, g128_, table_b_, checks_, arena_, verdicts_;
  secp::GTables tables_{};
};

}  // namespace

Status open_cuda_verify_device(int index, std::unique_ptr<VerifyDevice>* out) {
  std::string name;
  if (Status s = cuda_device_name(index, &name); !s.ok()) return s;
  auto dev = std::make_unique<CudaVerifyDevice>(index, std::move(name));
  if (Status s = dev->init(); !s.ok()) return s;
  *out = std::move(dev);
  return Status::Ok();
}

}  // namespace vigil::gpu
