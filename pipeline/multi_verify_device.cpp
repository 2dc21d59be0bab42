#include "multi_verify_device.hpp"

#include <algorithm>
#include <thread>

namespace vigil {
namespace {

class MultiVerifyDevice final : public gpu::VerifyDevice {
 public:
  explicit MultiVerifyDevice(std::vector<std::unique_ptr<gpu::VerifyDevice>> devices) : devices_(std::move(devices)) {
    name_ = std::to_string(devices_.size()) + " GPUs:";
    for (size_t i = 0; i < devices_.size(); ++i) name_ += (i ? ", " : " ") + devices_[i]->name();
  }

  const std::string& name() const override { return name_; }
  bool usable() const override {
    return std::any_of(devices_.begin(), devices_.end(), [](const auto& d) { return d->usable(); });
  }
  // Every call uses a lane of each GPU, so as many calls run at once as the
  // GPU with the fewest lanes allows.
  unsigned lanes() const override {
    unsigned fewest = devices_.front()->lanes();
    for (const auto& d : devices_) fewest = std::min(fewest, d->lanes());
    return fewest;
  }
  // The first GPU's: CUDA page-locked memory is allocated portable, usable
  // by every GPU of the process.
  gpu::HostAllocator& host_allocator() override { return devices_.front()->host_allocator(); }
  Status reserve(size_t checks, size_t wire_bytes, size_t arena_bytes) override {
    const size_t per_device = checks / devices_.size() + 1;
    for (const auto& d : devices_) {
      if (Status s = d->reserve(per_device, wire_bytes, arena_bytes); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                     double* kernel_seconds) override {
    return split(checks, verdicts, kernel_seconds, [&](gpu::VerifyDevice& d, size_t begin, size_t n, double* t) {
      return d.verify_secp(checks.subspan(begin, n), arena, verdicts.subspan(begin, n), t);
    });
  }

  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                        double* kernel_seconds) override {
    return split(checks, verdicts, kernel_seconds, [&](gpu::VerifyDevice& d, size_t begin, size_t n, double* t) {
      return d.verify_ed25519(checks.subspan(begin, n), arena, verdicts.subspan(begin, n), t);
    });
  }

 private:
  // Cuts [0, checks.size()) into one near-equal contiguous part per usable
  // device (the arena is shared: the checks' message offsets stay valid) and
  // runs the parts concurrently; the first failure is the call's result.
  template <class Wire, class Run>
  Status split(std::span<const Wire> checks, std::span<uint8_t> verdicts, double* kernel_seconds, const Run& run) {
    if (kernel_seconds) *kernel_seconds = 0;
    if (checks.size() != verdicts.size()) return Status::InvalidArgument("multi-GPU verify: sizes differ");
    std::vector<gpu::VerifyDevice*> live;
    for (const auto& d : devices_)
      if (d->usable()) live.push_back(d.get());
    if (live.empty()) return Status::DeviceError("every GPU is unusable after earlier errors");
    const size_t parts = std::min(live.size(), std::max<size_t>(1, checks.size()));
    std::vector<Status> results(parts);
    std::vector<double> seconds(parts, 0.0);
    std::vector<std::thread> threads;
    size_t begin = 0;
    for (size_t p = 0; p < parts; ++p) {
      const size_t n = checks.size() / parts + (p < checks.size() % parts ? 1 : 0);
      if (p + 1 == parts) {
        results[p] = run(*live[p], begin, n, &seconds[p]);  // the last part on this thread
      } else {
        threads.emplace_back([&, p, begin, n] { results[p] = run(*live[p], begin, n, &seconds[p]); });
      }
      begin += n;
    }
    for (std::thread& t : threads) t.join();
    double slowest = 0;
    for (size_t p = 0; p < parts; ++p) {
      if (!results[p].ok()) return Status::DeviceError(live[p]->name() + ": " + results[p].ToString());
      slowest = std::max(slowest, seconds[p]);
    }
    if (kernel_seconds) *kernel_seconds = slowest;  // the parts ran side by side
    return Status::Ok();
  }

  std::vector<std::unique_ptr<gpu::VerifyDevice>> devices_;
  std::string name_;
};

}  // namespace

std::unique_ptr<gpu::VerifyDevice> make_multi_verify_device(std::vector<std::unique_ptr<gpu::VerifyDevice>> devices) {
  if (devices.size() == 1) return std::move(devices.front());
  return std::make_unique<MultiVerifyDevice>(std::move(devices));
}

}  // namespace vigil
