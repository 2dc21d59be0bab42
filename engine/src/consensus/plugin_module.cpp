// Consensus modules loaded from shared libraries (vigil/consensus_plugin.h):
// the loader, which refuses a library of another ABI or another module, and
// PluginModule, the adapter between ConsensusModule and the C ABI. The
// plugin is code we run but did not write: every length it hands back is
// bounded and every string it writes is cut at its buffer's end.
#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "vigil/consensus.hpp"
#include "vigil/consensus_plugin.h"

namespace vigil {
namespace {

// Bounds on what a plugin may hand back: no check or state a real module
// needs is larger than a block, and no block needs more checks than this.
constexpr size_t kMaxPluginChecks = size_t{1} << 20;
constexpr size_t kMaxPluginBytes = kMaxBlockWeight;
constexpr size_t kMaxNameLen = 64;

// Bitcoin's 80-byte header serialization (little-endian fields).
void serialize_header(const BlockHeader& h, uint8_t out[80]) {
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  put32(0, static_cast<uint32_t>(h.version));
  std::memcpy(out + 4, h.prev_block.data(), 32);
  std::memcpy(out + 36, h.merkle_root.data(), 32);
  put32(68, h.time);
  put32(72, h.bits);
  put32(76, h.nonce);
}

// The ancestor callback: `chain` is the ChainHistory of the context. No
// exception may unwind through the plugin's C frames.
int header_at(const void* chain, uint32_t height, uint8_t out[80]) {
  const auto* history = static_cast<const ChainHistory*>(chain);
  if (history == nullptr || out == nullptr) return 0;
  try {
    if (height >= history->size()) return 0;
    serialize_header(history->at(height).header, out);
    return 1;
  } catch (...) {
    return 0;
  }
}

// The C context of `ctx`; it points into `ctx`, so it lives no longer.
vigil_plugin_context to_c(const BlockContext& ctx) {
  vigil_plugin_context c{};
  c.struct_size = sizeof(c);
  c.height = ctx.height;
  c.module_since = ctx.module_since;
  for (Rule r : kAllRules)
    if (ctx.rules.active(r)) c.rules |= uint32_t{1} << static_cast<unsigned>(r);
  c.check_pow = ctx.check_pow ? 1 : 0;
  c.chain_id = ctx.params != nullptr ? ctx.params->chain_id.c_str() : "";
  c.module_state = ctx.module_state.data();
  c.module_state_len = ctx.module_state.size();
  c.chain = ctx.chain;
  c.chain_size = ctx.chain != nullptr ? ctx.chain->size() : 0;
  c.header_at = &header_at;
  return c;
}

// The verdict a plugin wrote, read without trusting its terminators.
Validity from_c(const vigil_plugin_verdict& v) {
  if (v.valid == 1) return Validity::Valid();
  std::string reason(v.reason, strnlen(v.reason, sizeof(v.reason)));
  std::string debug(v.debug, strnlen(v.debug, sizeof(v.debug)));
  if (reason.empty()) reason = "plugin-invalid";
  return Validity::Invalid(std::move(reason), std::move(debug));
}

// A byte string the plugin owns: empty, or a non-null pointer and a bounded length.
bool plugin_bytes_ok(const uint8_t* data, size_t len) { return len == 0 || (data != nullptr && len <= kMaxPluginBytes); }

// Owns a plugin's work handle: its checks point into the plugin's memory,
// which free_work releases when this is destroyed (after judge).
class PluginWork final : public ModuleWork {
 public:
  PluginWork(const vigil_consensus_plugin* plugin, void* handle) : plugin_(plugin), handle_(handle) {}
  ~PluginWork() override { plugin_->free_work(handle_); }
  PluginWork(const PluginWork&) = delete;
  PluginWork& operator=(const PluginWork&) = delete;
  void* handle() const { return handle_; }

 private:
  const vigil_consensus_plugin* plugin_;
  void* handle_;
};

class PluginModule final : public ConsensusModule {
 public:
  // `plugin` lives in `library`, which this keeps loaded.
  PluginModule(std::shared_ptr<void> library, const vigil_consensus_plugin* plugin, std::string name)
      : library_(std::move(library)), p_(plugin), name_(std::move(name)) {}

  std::string_view name() const override { return name_; }
  uint32_t spec_version() const override { return p_->spec_version; }
  bool final_when_connected() const override { return p_->final_when_connected == 1; }

  Validity check_header(const BlockHeader& header, const Hash256& hash, const BlockContext& ctx) const override {
    uint8_t raw[80];
    serialize_header(header, raw);
    const vigil_plugin_context c = to_c(ctx);
    vigil_plugin_verdict v{};
    p_->check_header(raw, hash.data(), &c, &v);
    return from_c(v);
  }

  Validity check_header_context(const BlockHeader& header, const BlockContext& ctx) const override {
    uint8_t raw[80];
    serialize_header(header, raw);
    const vigil_plugin_context c = to_c(ctx);
    vigil_plugin_verdict v{};
    p_->check_header_context(raw, &c, &v);
    return from_c(v);
  }

  Validity declare_work(const BlockView& block, const BlockContext& ctx,
                        std::unique_ptr<ModuleWork>* work) const override {
    const vigil_plugin_context c = to_c(ctx);
    vigil_plugin_work w{};
    vigil_plugin_verdict v{};
    p_->declare_work(block.bytes.data(), block.bytes.size(), &c, &w, &v);
    // From here on the handle is owned, whatever the verdict.
    auto owned = std::make_unique<PluginWork>(p_, w.handle);
    Validity verdict = from_c(v);
    if (!verdict.valid) return verdict;
    if (w.n_checks > kMaxPluginChecks || (w.n_checks != 0 && w.checks == nullptr))
      return Validity::Invalid("plugin-bad-work", name_ + " declared " + std::to_string(w.n_checks) + " checks");
    owned->checks.reserve(w.n_checks);
    for (size_t i = 0; i < w.n_checks; ++i) {
      const vigil_plugin_check& pc = w.checks[i];
      if (pc.scheme > static_cast<uint32_t>(Scheme::kEd25519) || !plugin_bytes_ok(pc.public_key, pc.public_key_len) ||
          !plugin_bytes_ok(pc.message, pc.message_len) || !plugin_bytes_ok(pc.signature, pc.signature_len))
        return Validity::Invalid("plugin-bad-work", name_ + " declared a malformed check " + std::to_string(i));
      Check check;
      check.scheme = static_cast<Scheme>(pc.scheme);
      check.public_key = ByteView(pc.public_key, pc.public_key_len);
      check.message = ByteView(pc.message, pc.message_len);
      check.signature = ByteView(pc.signature, pc.signature_len);
      owned->checks.push_back(check);
    }
    *work = std::move(owned);
    return Validity::Valid();
  }

  Validity judge(const BlockView& block, const BlockContext& ctx, const ModuleWork& work,
                 std::span<const uint8_t> verdicts, Bytes* state_after) const override {
    const auto* pw = dynamic_cast<const PluginWork*>(&work);
    if (pw == nullptr || verdicts.size() != work.checks.size())
      return Validity::Invalid("plugin-bad-work", "judge got work or verdicts its declare_work did not make");
    const vigil_plugin_context c = to_c(ctx);
    vigil_plugin_bytes state{};
    vigil_plugin_verdict v{};
    p_->judge(block.bytes.data(), block.bytes.size(), &c, pw->handle(), verdicts.data(), verdicts.size(), &state, &v);
    Validity verdict = from_c(v);
    if (!verdict.valid) return verdict;
    if (!plugin_bytes_ok(state.data, state.len))
      return Validity::Invalid("plugin-bad-state", name_ + " returned a state of " + std::to_string(state.len) + " bytes");
    state_after->assign(state.data, state.data + state.len);
    return verdict;
  }

  U256 block_work(const BlockHeader& header, const BlockContext& ctx) const override {
    uint8_t raw[80];
    serialize_header(header, raw);
    const vigil_plugin_context c = to_c(ctx);
    Hash256 le;
    p_->block_work(raw, &c, le.data());
    return U256::from_le(le);
  }

 private:
  std::shared_ptr<void> library_;
  const vigil_consensus_plugin* p_;
  std::string name_;  // copied: bounded, and ours
};

}  // namespace

Status ModuleRegistry::load_plugin(const std::string& path, const ModuleId& expected) {
  // RTLD_LOCAL: two plugins may define the same symbols without clashing.
  void* raw = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (raw == nullptr) {
    const char* err = dlerror();
    return Status::IoError("cannot load plugin " + path + ": " + (err != nullptr ? err : "unknown error"));
  }
  std::shared_ptr<void> library(raw, [](void* h) { dlclose(h); });

  dlerror();  // clear, so that a null symbol is told from an error
  void* sym = dlsym(raw, VIGIL_CONSENSUS_PLUGIN_ENTRY);
  if (sym == nullptr)
    return Status::NotFound("plugin " + path + " does not export " VIGIL_CONSENSUS_PLUGIN_ENTRY);
  const auto entry = reinterpret_cast<vigil_consensus_plugin_entry_fn>(sym);
  const vigil_consensus_plugin* p = entry();
  if (p == nullptr) return Status::FailedPrecondition("plugin " + path + " returned no plugin description");

  // abi_version and struct_size are read first and alone: their layout is
  // the one thing every ABI version shares.
  if (p->abi_version != VIGIL_CONSENSUS_ABI_VERSION)
    return Status::FailedPrecondition("plugin " + path + " was built for consensus ABI " +
                                      std::to_string(p->abi_version) + "; this engine speaks " +
                                      std::to_string(VIGIL_CONSENSUS_ABI_VERSION));
  if (p->struct_size < sizeof(vigil_consensus_plugin))
    return Status::FailedPrecondition("plugin " + path + " describes itself in " + std::to_string(p->struct_size) +
                                      " bytes; consensus ABI 1 needs " + std::to_string(sizeof(vigil_consensus_plugin)));
  if (p->name == nullptr || p->check_header == nullptr || p->check_header_context == nullptr ||
      p->declare_work == nullptr || p->judge == nullptr || p->free_work == nullptr || p->block_work == nullptr)
    return Status::FailedPrecondition("plugin " + path + " lacks its name or one of its functions");

  const std::string name(p->name, strnlen(p->name, kMaxNameLen + 1));
  if (name.empty() || name.size() > kMaxNameLen)
    return Status::FailedPrecondition("plugin " + path + " reports a name that is empty or over " +
                                      std::to_string(kMaxNameLen) + " bytes");
  const ModuleId got{name, p->spec_version};
  if (!(got == expected))
    return Status::FailedPrecondition("plugin " + path + " is " + got.str() + "; the chain configuration names " +
                                      expected.str());

  add(std::make_shared<PluginModule>(library, p, name));
  libraries_.push_back(std::move(library));
  return Status::Ok();
}

}  // namespace vigil
