#include "emulated_verify_device.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

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
      : inner_(std::move(inner)), plan_(plan), name_(inner_->name() + " (fault injection)") {}
  const std::string& name() const override { return name_; }
  bool usable() const override {
    std::lock_guard lock(mu_);
    return !broken_ && inner_->usable();
  }
  unsigned lanes() const override { return inner_->lanes(); }
  gpu::HostAllocator& host_allocator() override { return inner_->host_allocator(); }
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
    if (plan_.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(plan_.delay_ms));
    uint64_t n;
    {
      std::lock_guard lock(mu_);
      if (broken_) return Status::DeviceError("injected fault: the device is unusable after an earlier fault");
      n = ++calls_;
    }
    const bool fail = plan_.fail_from != 0 && n >= plan_.fail_from && n - plan_.fail_from < plan_.fail_count;
    if (!fail) return run();
    for (size_t i = 0; i < verdicts.size(); ++i) verdicts[i] = static_cast<uint8_t>(i & 1);  // wrong on purpose
    if (plan_.sticky) {
      std::lock_guard lock(mu_);
      broken_ = true;
    }
    return Status::DeviceError("injected fault in device call " + std::to_string(n));
  }

  const std::unique_ptr<gpu::VerifyDevice> inner_;
  const DeviceFaultPlan plan_;
  const std::string name_;
  mutable std::mutex mu_;
  uint64_t calls_ = 0;
  bool broken_ = false;
};

bool parse_number(std::string_view text, uint64_t* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::unique_ptr<gpu::VerifyDevice> make_emulated_verify_device(unsigned lanes) {
  return std::make_unique<EmulatedVerifyDevice>(lanes);
}

Status parse_device_fault_plan(std::string_view spec, DeviceFaultPlan* out) {
  DeviceFaultPlan plan;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    uint64_t number = 0;
    bool ok = true;
    if (key == "device") {
      ok = value == "emulated";
      plan.emulate = true;
    } else if (key == "devices") {
      ok = parse_number(value, &number) && number >= 1 && number <= 64;
      plan.devices = static_cast<uint32_t>(number);
    } else if (key == "fail_from") {
      ok = parse_number(value, &plan.fail_from);
    } else if (key == "fail_count") {
      ok = parse_number(value, &plan.fail_count) && plan.fail_count > 0;
    } else if (key == "sticky") {
      ok = eq == std::string_view::npos;
      plan.sticky = true;
    } else if (key == "delay_ms") {
      ok = parse_number(value, &number) && number <= 60000;
      plan.delay_ms = static_cast<uint32_t>(number);
    } else {
      ok = false;
    }
    if (!ok) return Status::InvalidArgument("fault injection: bad item '" + std::string(item) + "'");
  }
  *out = plan;
  return Status::Ok();
}

std::unique_ptr<gpu::VerifyDevice> with_injected_faults(std::unique_ptr<gpu::VerifyDevice> inner,
                                                        const DeviceFaultPlan& plan) {
  if (!plan.injects()) return inner;
  return std::make_unique<FaultyVerifyDevice>(std::move(inner), plan);
}

}  // namespace vigil
