// Status: the result of an operation that can fail for reasons outside the
// caller's data being "invalid" (bad arguments, I/O, a missing device).
// Consensus invalidity is never a Status: it is a verdict or a reason code.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace vigil {

class [[nodiscard]] Status {
 public:
  enum class Code : int {
    kOk = 0,
    kInvalidArgument = 1,  // the caller passed something malformed
    kNotSupported = 2,     // the build or the machine cannot do this
    kIoError = 3,          // reading or writing a file failed
    kCorruption = 4,       // stored or supplied data is not what it claims to be
    kDeviceError = 5,      // a GPU failed or is absent
    kInternal = 6,         // a bug: an invariant did not hold
    // 7 is the C API's VIGIL_OUT_OF_MEMORY.
    kNotFound = 8,         // what was named does not exist (a module, a key)
    kFailedPrecondition = 9,  // the state forbids it (a schedule change behind the tip, a plugin's ABI)
  };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {Code::kNotSupported, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status DeviceError(std::string msg) { return {Code::kDeviceError, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) { return {Code::kFailedPrecondition, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

std::string_view status_code_name(Status::Code code);

}  // namespace vigil
