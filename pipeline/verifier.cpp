// vigil::Verifier: sends a batch's secp256k1 and Ed25519 checks to the GPU
// when there is one and the batch is large enough, everything else to the CPU
// pool, and redoes a failed GPU call on the CPU.
#include "vigil/verifier.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "crossover.hpp"
#include "device_choice.hpp"
#include "ed25519_prepare.hpp"
#include "emulated_verify_device.hpp"
#include "multi_verify_device.hpp"
#include "secp_prepare.hpp"
#include "verifier_impl.hpp"
#include "vigil/device.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {

Verifier::Impl::Impl(const VerifierOptions& opts, std::unique_ptr<gpu::VerifyDevice> dev, std::string reason)
    : options(opts),
      // Until Create measures it (make_verifier for tests never does): a
      // moderate batch.
      gpu_min_checks(opts.gpu_min_checks == VerifierOptions::kMeasureCrossover ? 1024 : opts.gpu_min_checks),
      device(std::move(dev)),
      cpu_reason(std::move(reason)),
      cpu(CpuVerifierOptions{opts.cpu_threads}) {
  if (!device) return;
  for (unsigned i = 0; i < device->lanes(); ++i) {
    workspaces.push_back(std::make_unique<GpuWorkspace>(&device->host_allocator()));
    free_workspaces.push_back(workspaces.back().get());
  }
}

Status GpuWorkspace::reserve(size_t checks, size_t arena_bytes) {
  secp_idx.reserve(checks);
  ed_idx.reserve(checks);
  cpu_idx.reserve(checks);
  arena_offset.reserve(checks + 1);
  for (Status s : {secp_wire.resize(checks), ed_wire.resize(checks), arena.resize(arena_bytes), verdicts.resize(checks)})
    if (!s.ok()) return s;
  return Status::Ok();
}

Verifier::Impl::WorkspaceLease Verifier::Impl::acquire() {
  std::unique_lock lock(workspace_mu);
  workspace_cv.wait(lock, [&] { return !free_workspaces.empty(); });
  GpuWorkspace* ws = free_workspaces.back();
  free_workspaces.pop_back();
  return WorkspaceLease{this, ws};
}

void Verifier::Impl::release(GpuWorkspace* ws) {
  {
    std::lock_guard lock(workspace_mu);
    free_workspaces.push_back(ws);
  }
  workspace_cv.notify_one();
}

std::unique_ptr<Verifier> make_verifier(const VerifierOptions& options, std::unique_ptr<gpu::VerifyDevice> device) {
  return std::make_unique<Verifier>(std::make_unique<Verifier::Impl>(options, std::move(device), ""));
}

Status Verifier::Create(const VerifierOptions& options, std::unique_ptr<Verifier>* out) {
  DeviceFaultPlan plan;
  if (Status s = resolve_device_fault_plan(options.fault_injection, &plan); !s.ok()) return s;
  if (options.gpu_device < -1) return Status::InvalidArgument("gpu_device must be -1 (all) or a device index");
  if (options.gpu_streams == 0) return Status::InvalidArgument("VerifierOptions::gpu_streams must be >= 1");
  std::vector<std::unique_ptr<gpu::VerifyDevice>> devices;
  std::string reason;
  if (options.backend != Backend::kCpu && plan.emulate) {
    for (uint32_t i = 0; i < plan.devices; ++i) devices.push_back(make_emulated_verify_device(options.gpu_streams));
  } else {
    Status s = open_gpus<gpu::VerifyDevice>(
        options.backend, options.gpu_device, SIZE_MAX,
        [&](int index, std::unique_ptr<gpu::VerifyDevice>* d) {
          return gpu::open_cuda_verify_device(index, options.gpu_streams, d);
        },
        &devices, &reason);
    if (!s.ok()) return s;
  }
  if (!devices.empty()) devices.front() = with_injected_faults(std::move(devices.front()), plan);
  std::unique_ptr<gpu::VerifyDevice> device = devices.empty() ? nullptr : make_multi_verify_device(std::move(devices));
  auto impl = std::make_unique<Impl>(options, std::move(device), std::move(reason));
  // Under fault injection nothing is measured: every batch goes to the
  // device, and the injected call numbers are the caller's calls.
  if (impl->device && options.gpu_min_checks == VerifierOptions::kMeasureCrossover)
    impl->gpu_min_checks = plan.emulate || plan.injects() ? 0 : measure_crossover(*impl);
  *out = std::make_unique<Verifier>(std::move(impl));
  return Status::Ok();
}

Verifier::Verifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Verifier::~Verifier() = default;

bool Verifier::on_gpu() const {
  std::lock_guard lock(impl_->mu);
  return impl_->device && impl_->device->usable();
}

std::string Verifier::description() const {
  std::lock_guard lock(impl_->mu);
  const Impl& m = *impl_;
  if (m.device && m.device->usable()) return "gpu (" + m.device->name() + ")";
  if (m.device) return "cpu (GPU " + m.device->name() + " failed: " + m.stats.last_gpu_error + ")";
  return m.cpu_reason.empty() ? "cpu" : "cpu (" + m.cpu_reason + ")";
}

VerifierStats Verifier::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

unsigned Verifier::cpu_threads() const { return impl_->cpu.threads(); }

size_t Verifier::gpu_min_checks() const { return impl_->gpu_min_checks; }

unsigned Verifier::gpu_lanes() const { return impl_->device ? static_cast<unsigned>(impl_->workspaces.size()) : 1; }

Status Verifier::reserve(size_t checks) {
  Impl& m = *impl_;
  if (!m.device) return Status::Ok();
  const size_t per_call = std::min(checks, std::max<size_t>(1, m.options.gpu_max_checks));
  const size_t arena_bytes = per_call * 32;
  for (size_t i = 0; i < m.workspaces.size(); ++i) {
    Impl::WorkspaceLease lease = m.acquire();
    if (Status s = (*lease).reserve(per_call, arena_bytes); !s.ok()) return s;
  }
  return m.device->reserve(per_call, std::max(sizeof(secp::SecpCheck), sizeof(ed25519::EdCheck)), arena_bytes);
}

namespace {

// Which kernel verifies a check on the GPU, if any. A message of 2^32 bytes
// or more does not fit the wire formats' 32-bit length: such checks stay on
// the CPU (they are hashing-bound anyway).
enum class KernelFamily : uint8_t { kNone, kSecp256k1, kEd25519 };

KernelFamily kernel_family(const Check& check) {
  if (check.message.size() > UINT32_MAX) return KernelFamily::kNone;
  if (secp_kernel_scheme(check.scheme)) return KernelFamily::kSecp256k1;
  if (ed25519_kernel_scheme(check.scheme)) return KernelFamily::kEd25519;
  return KernelFamily::kNone;
}

// Verifies checks[idx[k]] for every k on the device, one family's checks in
// one call: packs them into `wire` (and their messages into the arena) on all
// cores, calls the device, and places the verdicts. False (and the error
// recorded) if the device call failed; nothing is placed then.
template <class Wire, class ArenaBytes, class Prepare, class Call>
bool verify_on_gpu(Verifier::Impl& m, GpuWorkspace& ws, std::span<const Check> checks, std::span<const uint32_t> idx,
                   std::span<uint8_t> verdicts, gpu::StagingArray<Wire>& wire, const ArenaBytes& arena_bytes,
                   const Prepare& prepare, const Call& call) {
  const size_t n = idx.size();
  ws.arena_offset.resize(n + 1);
  ws.arena_offset[0] = 0;
  for (size_t k = 0; k < n; ++k) ws.arena_offset[k + 1] = ws.arena_offset[k] + arena_bytes(checks[idx[k]]);
  Status s = wire.resize(n);
  if (s.ok()) s = ws.arena.resize(ws.arena_offset[n]);
  if (s.ok()) s = ws.verdicts.resize(n);
  if (s.ok()) {
    // The wire records and messages are written straight into the device's
    // host memory: the upload copies nothing more.
    m.cpu.pool().parallel_for(n, 256, [&](size_t b, size_t e) {
      for (size_t k = b; k < e; ++k) prepare(checks[idx[k]], &wire[k], ws.arena.data(), ws.arena_offset[k]);
    });
    double kernel_seconds = 0;
    s = call(std::span<const Wire>(wire.span()), ByteView(ws.arena.data(), ws.arena.size()), ws.verdicts.span(),
             &kernel_seconds);
    if (s.ok()) {
      for (size_t k = 0; k < n; ++k) verdicts[idx[k]] = ws.verdicts[k];
      std::lock_guard lock(m.mu);
      ++m.stats.gpu_calls;
      m.stats.gpu_checks += n;
      m.stats.gpu_kernel_seconds += kernel_seconds;
      return true;
    }
  }
  std::lock_guard lock(m.mu);
  ++m.stats.gpu_fallbacks;
  m.stats.last_gpu_error = s.ToString();
  return false;
}

bool verify_family_on_gpu(Verifier::Impl& m, GpuWorkspace& ws, KernelFamily family, std::span<const Check> checks,
                          std::span<const uint32_t> idx, std::span<uint8_t> verdicts) {
  gpu::VerifyDevice& dev = *m.device;
  if (family == KernelFamily::kSecp256k1) {
    return verify_on_gpu(m, ws, checks, idx, verdicts, ws.secp_wire, secp_arena_bytes, prepare_secp_check,
                         [&](std::span<const secp::SecpCheck> w, ByteView a, std::span<uint8_t> v, double* t) {
                           return dev.verify_secp(w, a, v, t);
                         });
  }
  return verify_on_gpu(m, ws, checks, idx, verdicts, ws.ed_wire, ed25519_arena_bytes, prepare_ed_check,
                       [&](std::span<const ed25519::EdCheck> w, ByteView a, std::span<uint8_t> v, double* t) {
                         return dev.verify_ed25519(w, a, v, t);
                       });
}

// Verifies checks[idx[k]] for every k on the CPU pool.
void verify_on_cpu(Verifier::Impl& m, std::span<const Check> checks, std::span<const uint32_t> idx,
                   std::span<uint8_t> verdicts) {
  {
    std::lock_guard lock(m.mu);
    m.stats.cpu_checks += idx.size();
  }
  m.cpu.pool().parallel_for(idx.size(), 4, [&](size_t b, size_t e) {
    for (size_t k = b; k < e; ++k) verdicts[idx[k]] = verify_check(checks[idx[k]]) ? 1 : 0;
  });
}

}  // namespace

size_t measure_crossover(Verifier::Impl& m) {
  std::vector<SignedSample> samples = sign_ecdsa_samples(1024);
  if (samples.empty()) return 1024;
  const size_t most = crossover_sizes().back();
  std::vector<Check> checks(most);
  for (size_t i = 0; i < most; ++i) {
    const SignedSample& s = samples[i % samples.size()];
    checks[i] = Check{Scheme::kEcdsaLowS, s.key, s.digest, s.der, nullptr};
  }
  std::vector<uint32_t> idx(most);
  for (uint32_t i = 0; i < most; ++i) idx[i] = i;
  std::vector<uint8_t> verdicts(most);
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  Verifier::Impl::WorkspaceLease ws = m.acquire();
  VerifierStats before;
  {
    std::lock_guard lock(m.mu);
    before = m.stats;
  }
  const size_t crossover = find_crossover(
      crossover_sizes(),
      [&](size_t n) {
        const auto t0 = Clock::now();
        const bool ok = verify_family_on_gpu(m, *ws, KernelFamily::kSecp256k1, std::span<const Check>(checks).first(n),
                                             std::span<const uint32_t>(idx).first(n), verdicts);
        return ok ? seconds_since(t0) : -1.0;
      },
      [&](size_t n) {
        const auto t0 = Clock::now();
        const bool ok = m.cpu.verify(std::span<const Check>(checks).first(n), std::span<uint8_t>(verdicts).first(n)).ok();
        return ok ? seconds_since(t0) : -1.0;
      });
  // The measurement's own calls are not the caller's work; a failure stays visible.
  std::lock_guard lock(m.mu);
  const VerifierStats after = m.stats;
  m.stats = before;
  m.stats.gpu_fallbacks = after.gpu_fallbacks;
  m.stats.last_gpu_error = after.last_gpu_error;
  return crossover;
}

Status Verifier::verify(std::span<const Check> checks, std::span<uint8_t> verdicts) {
  if (checks.size() != verdicts.size())
    return Status::InvalidArgument("verify: " + std::to_string(checks.size()) + " checks but " +
                                   std::to_string(verdicts.size()) + " verdict slots");
  if (checks.size() > UINT32_MAX) return Status::InvalidArgument("verify: more than 2^32 - 1 checks in one batch");
  Impl& m = *impl_;
  const bool gpu_ready = m.device && m.device->usable();
  size_t gpu_count = 0;
  if (gpu_ready) {
    for (const Check& c : checks) gpu_count += kernel_family(c) != KernelFamily::kNone;
  }
  if (!gpu_ready || gpu_count == 0 || gpu_count < m.gpu_min_checks) {
    {
      std::lock_guard lock(m.mu);
      m.stats.cpu_checks += checks.size();
    }
    return m.cpu.verify(checks, verdicts);
  }
  // Each family's checks go to the GPU in calls of at most gpu_max_checks;
  // the rest (and any call that fails) to the CPU.
  Impl::WorkspaceLease lease = m.acquire();
  GpuWorkspace& ws = *lease;
  std::vector<uint32_t>&secp_idx = ws.secp_idx, &ed_idx = ws.ed_idx, &cpu_idx = ws.cpu_idx;
  secp_idx.clear();
  ed_idx.clear();
  cpu_idx.clear();
  for (uint32_t i = 0; i < checks.size(); ++i) {
    switch (kernel_family(checks[i])) {
      case KernelFamily::kSecp256k1: secp_idx.push_back(i); break;
      case KernelFamily::kEd25519: ed_idx.push_back(i); break;
      case KernelFamily::kNone: cpu_idx.push_back(i); break;
    }
  }
  const size_t per_call = std::max<size_t>(1, m.options.gpu_max_checks);
  for (auto [family, idx] : {std::pair{KernelFamily::kSecp256k1, &secp_idx}, std::pair{KernelFamily::kEd25519, &ed_idx}}) {
    for (size_t begin = 0; begin < idx->size(); begin += per_call) {
      std::span<const uint32_t> part = std::span<const uint32_t>(*idx).subspan(begin, std::min(per_call, idx->size() - begin));
      if (!(m.device->usable() && verify_family_on_gpu(m, ws, family, checks, part, verdicts)))
        verify_on_cpu(m, checks, part, verdicts);
    }
  }
  verify_on_cpu(m, checks, cpu_idx, verdicts);
  return Status::Ok();
}

}  // namespace vigil
