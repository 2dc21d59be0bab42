#include <cstdio>

#include "commands.hpp"
#include "vigil/device.hpp"

namespace vigil::cli {

bool choose_backend(Backend requested, const char* work, bool gpu_kernel_exists, bool* use_gpu,
                    std::string* description) {
  *use_gpu = false;
  if (requested == Backend::kCpu) {
    *description = "cpu";
    return true;
  }
  std::vector<GpuDeviceInfo> gpus;
  Status s = probe_gpus(&gpus);
  std::string why;
  if (!s.ok()) {
    why = s.message();
  } else if (!gpu_kernel_exists) {
    why = "GPU " + gpus[0].name + " found, but this build has no GPU kernel for " + work;
  } else {
    *use_gpu = true;
    *description = "gpu (" + gpus[0].name + ")";
    return true;
  }
  if (requested == Backend::kGpu) {
    *description = "--backend gpu: " + why;
    return false;
  }
  *description = "cpu (auto: " + why + ")";
  return true;
}

bool choose_backend_or_report(const char* command, Backend requested, const char* work, bool gpu_kernel_exists,
                              bool* use_gpu, std::string* description) {
  if (choose_backend(requested, work, gpu_kernel_exists, use_gpu, description)) return true;
  std::fprintf(stderr, "vigil %s: %s\n", command, description->c_str());
  return false;
}

}  // namespace vigil::cli
