// Where batched work runs.
#pragma once

#include <optional>
#include <string_view>

namespace vigil {

enum class Backend {
  kAuto,  // the GPU when one is usable, else the CPU
  kCpu,   // the CPU only
  kGpu,   // the GPU, and an error where there is none (never silently the CPU)
};

std::string_view backend_name(Backend backend);  // "auto", "cpu", "gpu"
std::optional<Backend> backend_from_name(std::string_view name);

}  // namespace vigil
