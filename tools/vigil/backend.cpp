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

Status make_hasher_or_report(const char* command, Backend requested, std::unique_ptr<Hasher>* out) {
  HasherOptions options;
  options.backend = requested;
  Status s = Hasher::Create(options, out);
  if (!s.ok()) std::fprintf(stderr, "vigil %s: --backend %s: %s\n", command, std::string(backend_name(requested)).c_str(),
                            s.message().c_str());
  return s;
}

void report_hasher(const char* command, size_t n, const char* what, const Hasher& hasher) {
  HasherStats st = hasher.stats();
  std::fprintf(stderr, "vigil %s: %zu %s, backend %s\n", command, n, what, hasher.description().c_str());
  if (st.gpu_fallbacks > 0)
    std::fprintf(stderr, "vigil %s: %llu GPU call(s) failed and were redone on the CPU; last error: %s\n", command,
                 static_cast<unsigned long long>(st.gpu_fallbacks), st.last_gpu_error.c_str());
}

}  // namespace vigil::cli
