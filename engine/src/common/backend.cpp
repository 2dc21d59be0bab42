#include "vigil/backend.hpp"

namespace vigil {

std::string_view backend_name(Backend backend) {
  switch (backend) {
    case Backend::kAuto: return "auto";
    case Backend::kCpu: return "cpu";
    case Backend::kGpu: return "gpu";
  }
  return "?";
}

std::optional<Backend> backend_from_name(std::string_view name) {
  for (Backend b : {Backend::kAuto, Backend::kCpu, Backend::kGpu})
    if (backend_name(b) == name) return b;
  return std::nullopt;
}

}  // namespace vigil
