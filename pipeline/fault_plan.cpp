#include "fault_plan.hpp"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace vigil {
namespace {

bool parse_number(std::string_view text, uint64_t* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

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
    } else if (key == "at") {
      ok = value == "before" || value == "after" || value == "alloc";
      plan.at = value == "after"   ? DeviceFaultPlan::At::kAfter
                : value == "alloc" ? DeviceFaultPlan::At::kAlloc
                                   : DeviceFaultPlan::At::kBefore;
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

Status resolve_device_fault_plan(const std::string& spec, DeviceFaultPlan* out) {
  if (!spec.empty()) return parse_device_fault_plan(spec, out);
  const char* env = std::getenv("VIGIL_FAULT_INJECT");
  return parse_device_fault_plan(env ? env : "", out);
}

uint64_t FaultSchedule::next_call() {
  if (plan_.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(plan_.delay_ms));
  std::lock_guard lock(mu_);
  if (broken_) return UINT64_MAX;
  const uint64_t n = ++calls_;
  const bool fail = plan_.fail_from != 0 && n >= plan_.fail_from && n - plan_.fail_from < plan_.fail_count;
  if (!fail) return 0;
  if (plan_.sticky) broken_ = true;
  return n;
}

Status FaultSchedule::injected_error(uint64_t call) {
  if (call == UINT64_MAX) return Status::DeviceError("injected fault: the device is unusable after an earlier fault");
  return Status::DeviceError("injected fault in device call " + std::to_string(call));
}

bool FaultSchedule::broken() const {
  std::lock_guard lock(mu_);
  return broken_;
}

}  // namespace vigil
