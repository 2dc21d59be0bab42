#include "vigil/status.hpp"

namespace vigil {

std::string_view status_code_name(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "invalid argument";
    case Status::Code::kNotSupported: return "not supported";
    case Status::Code::kIoError: return "I/O error";
    case Status::Code::kCorruption: return "corruption";
    case Status::Code::kDeviceError: return "device error";
    case Status::Code::kInternal: return "internal error";
    case Status::Code::kNotFound: return "not found";
    case Status::Code::kFailedPrecondition: return "failed precondition";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(status_code_name(code_));
  s += ": ";
  s += message_;
  return s;
}

}  // namespace vigil
