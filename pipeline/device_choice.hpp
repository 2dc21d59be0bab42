// Which GPUs a Verifier or a Hasher opens, one rule for both: every usable
// GPU (gpu_device == -1), or the one asked for; a GPU that fails to open is
// left out while another works. With Backend::kAuto and no usable GPU the
// caller runs on the CPU and says why; with kGpu that is an error.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vigil/backend.hpp"
#include "vigil/device.hpp"
#include "vigil/status.hpp"

namespace vigil {

// Opens up to `most` GPUs with open(index, &device) into *out (gpu_device
// already checked to be >= -1). Ok with none
// for kCpu, or for kAuto without a usable GPU (then *cpu_reason says why);
// with kGpu, the error.
template <class Device, class Open>
Status open_gpus(Backend backend, int gpu_device, size_t most, const Open& open,
                 std::vector<std::unique_ptr<Device>>* out, std::string* cpu_reason) {
  if (backend == Backend::kCpu) return Status::Ok();
  std::vector<GpuDeviceInfo> gpus;
  Status s = probe_gpus(&gpus);
  if (s.ok()) {
    Status first_error;
    for (const GpuDeviceInfo& g : gpus) {
      if (out->size() >= most) break;
      if (gpu_device != -1 && g.index != gpu_device) continue;
      std::unique_ptr<Device> d;
      if (Status o = open(g.index, &d); o.ok()) {
        out->push_back(std::move(d));
      } else if (first_error.ok()) {
        first_error = o;
      }
    }
    if (out->empty())
      s = !first_error.ok() ? first_error : Status::DeviceError("no usable GPU with index " + std::to_string(gpu_device));
  }
  if (s.ok()) return s;
  if (backend == Backend::kGpu) return s;
  *cpu_reason = "auto: " + s.message();
  return Status::Ok();
}

}  // namespace vigil
