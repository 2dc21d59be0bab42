#include "emulated_verify_device.hpp"

#include <algorithm>
#include <string>

#include "ed25519/b_table.hpp"
#include "secp256k1/g_tables.hpp"

namespace vigil {
namespace {

Status emulate_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts) {
  if (checks.size() != verdicts.size()) return Status::InvalidArgument("emulated verify: sizes differ");
  const secp::GTables tables = secp::host_g_tables().view();
  for (size_t i = 0; i < checks.size(); ++i) {
    const secp::SecpCheck& c = checks[i];
    if (c.kind == secp::CheckKind::kSchnorr && c.msg_offset + c.msg_len > arena.size())
      return Status::InvalidArgument("emulated verify: a message lies outside the arena");
    verdicts[i] = secp::verify_secp_check(c, arena.data(), tables) ? 1 : 0;
  }
  return Status::Ok();
}

Status emulate_ed(std::span<const ed25519::EdCheck> checks, ByteView arena, std::span<uint8_t> verdicts) {
  if (checks.size() != verdicts.size()) return Status::InvalidArgument("emulated verify: sizes differ");
  const ed25519::GeNiels* table_b = ed25519::host_b_table().data();
  for (size_t i = 0; i < checks.size(); ++i) {
    const ed25519::EdCheck& c = checks[i];
    if (c.kind != ed25519::CheckKind::kInvalid && c.msg_offset + c.msg_len > arena.size())
      return Status::InvalidArgument("emulated verify: a message lies outside the arena");
    verdicts[i] = ed25519::verify_ed_check(c, arena.data(), table_b) ? 1 : 0;
  }
  return Status::Ok();
}

// Stateless: any number of calls may run at once.
class EmulatedVerifyDevice final : public gpu::VerifyDevice {
 public:
  explicit EmulatedVerifyDevice(unsigned lanes) : lanes_(std::max(1u, lanes)) {}
  const std::string& name() const override { return name_; }
  bool usable() const override { return true; }
  unsigned lanes() const override { return lanes_; }
  Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                     double* kernel_seconds) override {
    if (kernel_seconds) *kernel_seconds = 0;
    return emulate_secp(checks, arena, verdicts);
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                        double* kernel_seconds) override {
    if (kernel_seconds) *kernel_seconds = 0;
    return emulate_ed(checks, arena, verdicts);
  }

 private:
  const unsigned lanes_;
  const std::string name_ = "emulated";
};

class FaultyVerifyDevice final : public gpu::VerifyDevice {
 public:
  FaultyVerifyDevice(std::unique_ptr<gpu::VerifyDevice> inner, const DeviceFaultPlan& plan)
      : inner_(std::move(inner)),
        schedule_(plan),
        name_(inner_->name() + " (fault injection)"),
        allocator_(inner_->host_allocator(), schedule_) {}
  const std::string& name() const override { return name_; }
  bool usable() const override { return !schedule_.broken() && inner_->usable(); }
  unsigned lanes() const override { return inner_->lanes(); }
  gpu::HostAllocator& host_allocator() override { return allocator_; }
  Status reserve(size_t checks, size_t wire_bytes, size_t arena_bytes) override {
    return inner_->reserve(checks, wire_bytes, arena_bytes);
  }
  Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                     double* kernel_seconds) override {
    return call(verdicts, kernel_seconds, [&] { return inner_->verify_secp(checks, arena, verdicts, kernel_seconds); });
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena, std::span<uint8_t> verdicts,
                        double* kernel_seconds) override {
    return call(verdicts, kernel_seconds,
                [&] { return inner_->verify_ed25519(checks, arena, verdicts, kernel_seconds); });
  }

 private:
  template <class Run>
  Status call(std::span<uint8_t> verdicts, double* kernel_seconds, const Run& run) {
    if (kernel_seconds) *kernel_seconds = 0;
    return schedule_.call(run, [&] {
      for (size_t i = 0; i < verdicts.size(); ++i) verdicts[i] = static_cast<uint8_t>(i & 1);
    });
  }

  // The inner device's host memory, but the allocations the plan names fail.
  class FaultyAllocator final : public gpu::HostAllocator {
   public:
    FaultyAllocator(gpu::HostAllocator& inner, FaultSchedule& schedule) : inner_(inner), schedule_(schedule) {}
    void* allocate(size_t bytes) override { return schedule_.allocation_allowed() ? inner_.allocate(bytes) : nullptr; }
    void deallocate(void* p) override { inner_.deallocate(p); }

   private:
    gpu::HostAllocator& inner_;
    FaultSchedule& schedule_;
  };

  const std::unique_ptr<gpu::VerifyDevice> inner_;
  FaultSchedule schedule_;
  const std::string name_;
  FaultyAllocator allocator_;
};

}  // namespace

std::unique_ptr<gpu::VerifyDevice> make_emulated_verify_device(unsigned lanes) {
  return std::make_unique<EmulatedVerifyDevice>(lanes);
}

std::unique_ptr<gpu::VerifyDevice> with_injected_faults(std::unique_ptr<gpu::VerifyDevice> inner,
                                                        const DeviceFaultPlan& plan) {
  if (!plan.injects()) return inner;
  return std::make_unique<FaultyVerifyDevice>(std::move(inner), plan);
}

}  // namespace vigil
