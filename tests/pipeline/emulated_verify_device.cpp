#include "pipeline/emulated_verify_device.hpp"

#include "ed25519/b_table.hpp"
#include "secp256k1/g_tables.hpp"

namespace vigil::test {
namespace {

Status emulate(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts) {
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

class EmulatedVerifyDevice final : public gpu::VerifyDevice {
 public:
  const std::string& name() const override { return name_; }
  bool usable() const override { return true; }
  Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts) override {
    return emulate(checks, arena, verdicts);
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena,
                        std::span<uint8_t> verdicts) override {
    return emulate_ed(checks, arena, verdicts);
  }

 private:
  const std::string name_ = "emulated";
};

class FailingVerifyDevice final : public gpu::VerifyDevice {
 public:
  FailingVerifyDevice(bool sticky, int fail_after) : sticky_(sticky), fail_after_(fail_after) {}
  const std::string& name() const override { return name_; }
  bool usable() const override { return usable_; }
  Status verify_secp(std::span<const secp::SecpCheck> checks, ByteView arena, std::span<uint8_t> verdicts) override {
    return maybe_fail(verdicts, [&] { return emulate(checks, arena, verdicts); });
  }
  Status verify_ed25519(std::span<const ed25519::EdCheck> checks, ByteView arena,
                        std::span<uint8_t> verdicts) override {
    return maybe_fail(verdicts, [&] { return emulate_ed(checks, arena, verdicts); });
  }

 private:
  template <class Emulate>
  Status maybe_fail(std::span<uint8_t> verdicts, const Emulate& emulate_call) {
    if (!usable_) return Status::DeviceError("failing device: unusable");
    if (calls_++ < fail_after_) return emulate_call();
    for (size_t i = 0; i < verdicts.size(); ++i) verdicts[i] = static_cast<uint8_t>(i & 1);  // wrong on purpose
    if (sticky_) usable_ = false;
    return Status::DeviceError("failing device: injected fault");
  }

  const std::string name_ = "failing";
  const bool sticky_;
  const int fail_after_;
  int calls_ = 0;
  bool usable_ = true;
};

}  // namespace

std::unique_ptr<gpu::VerifyDevice> make_emulated_verify_device() { return std::make_unique<EmulatedVerifyDevice>(); }

std::unique_ptr<gpu::VerifyDevice> make_failing_verify_device(bool sticky, int fail_after) {
  return std::make_unique<FailingVerifyDevice>(sticky, fail_after);
}

}  // namespace vigil::test
