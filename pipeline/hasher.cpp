// vigil::Hasher: validates a request, runs it on the GPU when there is one and
// the request is large enough, and on the CPU otherwise or when the GPU call
// fails.
#include "vigil/hasher.hpp"

#include <algorithm>

#include "device_choice.hpp"
#include "emulated_hash_device.hpp"
#include "hash_batches.hpp"
#include "hash_cpu.hpp"
#include "hasher_impl.hpp"

namespace vigil {
namespace {

// The packed-message path uploads at most this much per GPU call.
constexpr size_t kMaxPackedBytes = size_t{256} << 20;

Status check_tag(HashKind kind, std::string_view tag) {
  if (kind != HashKind::kTagged && !tag.empty()) return Status::InvalidArgument("a tag is only for HashKind::kTagged");
  return Status::Ok();
}

Status check_same_size(size_t a, size_t b, const char* what) {
  if (a == b) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + ": " + std::to_string(a) + " != " + std::to_string(b));
}

}  // namespace

Hasher::Impl::Impl(const HasherOptions& opts, std::unique_ptr<gpu::HashDevice> dev, std::string reason)
    : options(opts), device(std::move(dev)), cpu_reason(std::move(reason)), pool(opts.cpu_threads) {}

std::unique_ptr<Hasher> make_hasher(const HasherOptions& options, std::unique_ptr<gpu::HashDevice> device) {
  return std::make_unique<Hasher>(std::make_unique<Hasher::Impl>(options, std::move(device), ""));
}

Status Hasher::Create(const HasherOptions& options, std::unique_ptr<Hasher>* out) {
  DeviceFaultPlan plan;
  if (Status s = resolve_device_fault_plan(options.fault_injection, &plan); !s.ok()) return s;
  if (plan.at == DeviceFaultPlan::At::kAlloc)
    return Status::InvalidArgument("fault injection: at=alloc applies to verification only");
  if (options.gpu_device < -1) return Status::InvalidArgument("gpu_device must be -1 (the first GPU) or a device index");
  // One GPU: hashing is memory-bound and cheap next to verification, so a
  // second GPU would mostly add transfers.
  std::vector<std::unique_ptr<gpu::HashDevice>> devices;
  std::string reason;
  if (options.backend != Backend::kCpu && plan.emulate) {
    devices.push_back(make_emulated_hash_device());
  } else {
    Status s = open_gpus<gpu::HashDevice>(options.backend, options.gpu_device, 1, gpu::open_cuda_hash_device, &devices,
                                          &reason);
    if (!s.ok()) return s;
  }
  std::unique_ptr<gpu::HashDevice> device =
      devices.empty() ? nullptr : with_injected_hash_faults(std::move(devices.front()), plan);
  *out = std::make_unique<Hasher>(std::make_unique<Impl>(options, std::move(device), std::move(reason)));
  return Status::Ok();
}

Hasher::Hasher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Hasher::~Hasher() = default;

bool Hasher::on_gpu() const {
  std::lock_guard lock(impl_->mu);
  return impl_->device && impl_->device->usable();
}

std::string Hasher::description() const {
  std::lock_guard lock(impl_->mu);
  const Impl& m = *impl_;
  if (m.device && m.device->usable()) return "gpu (" + m.device->name() + ")";
  if (m.device) return "cpu (GPU " + m.device->name() + " failed: " + m.stats.last_gpu_error + ")";
  return m.cpu_reason.empty() ? "cpu" : "cpu (" + m.cpu_reason + ")";
}

HasherStats Hasher::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

namespace {

// Runs `gpu` when the device is usable and the call has at least
// gpu_min_items items; on its failure, or otherwise, runs `cpu`. Called with
// the hasher's lock held.
template <class Gpu, class Cpu>
Status run(Hasher::Impl& m, size_t items, Gpu gpu, Cpu cpu) {
  if (m.device && m.device->usable() && items >= m.options.gpu_min_items && items > 0) {
    Status s = gpu(*m.device);
    if (s.ok()) {
      ++m.stats.gpu_calls;
      m.stats.gpu_kernel_seconds += m.device->last_kernel_seconds();
      return s;
    }
    ++m.stats.gpu_fallbacks;
    m.stats.last_gpu_error = s.ToString();
  }
  ++m.stats.cpu_calls;
  cpu();
  return Status::Ok();
}

}  // namespace

Status Hasher::hash(HashKind kind, std::span<const ByteView> messages, std::span<Hash256> out, std::string_view tag) {
  if (Status s = check_tag(kind, tag); !s.ok()) return s;
  if (Status s = check_same_size(messages.size(), out.size(), "hash: messages and outputs"); !s.ok()) return s;
  for (const ByteView& m : messages)
    if (m.size() > UINT32_MAX) return Status::InvalidArgument("hash: a message is larger than 4 GiB");
  std::lock_guard lock(impl_->mu);
  return run(
      *impl_, messages.size(),
      [&](gpu::HashDevice& dev) {
        const hash_batches::ModeAndPrefix mp = hash_batches::mode_for(kind, tag);
        hash_batches::OwnedBatch batch;
        // Sub-batches of at most kMaxPackedBytes (or one message, if larger).
        for (size_t begin = 0; begin < messages.size();) {
          size_t end = begin, bytes = 0;
          while (end < messages.size() && (end == begin || bytes + messages[end].size() <= kMaxPackedBytes))
            bytes += messages[end++].size();
          hash_batches::pack_messages(messages, begin, end, mp, &batch);
          if (Status s = dev.hash_messages(batch.batch, out.subspan(begin, end - begin)); !s.ok()) return s;
          begin = end;
        }
        return Status::Ok();
      },
      [&] { cpu_hash::hash(cpu_hash::start_for(kind, tag), messages, out, impl_->pool); });
}

Status Hasher::hash_gathered(HashKind kind, ByteView base, std::span<const ByteRange> ranges,
                             std::span<const uint32_t> starts, std::span<Hash256> out, std::string_view tag) {
  if (Status s = check_tag(kind, tag); !s.ok()) return s;
  if (Status s = check_same_size(starts.size(), out.size() + 1, "hash_gathered: starts and outputs + 1"); !s.ok())
    return s;
  if (starts[0] != 0 || starts.back() != ranges.size())
    return Status::InvalidArgument("hash_gathered: starts must run from 0 to ranges.size()");
  for (size_t i = 0; i + 1 < starts.size(); ++i)
    if (starts[i] > starts[i + 1]) return Status::InvalidArgument("hash_gathered: starts decrease at " + std::to_string(i));
  for (size_t k = 0; k < ranges.size(); ++k)
    if (ranges[k].offset > base.size() || ranges[k].length > base.size() - ranges[k].offset)
      return Status::InvalidArgument("hash_gathered: range " + std::to_string(k) + " lies outside the base buffer");
  std::lock_guard lock(impl_->mu);
  return run(
      *impl_, out.size(),
      [&](gpu::HashDevice& dev) {
        hash_batches::OwnedBatch batch;
        hash_batches::gather_messages(base, ranges, starts, hash_batches::mode_for(kind, tag), &batch);
        return dev.hash_messages(batch.batch, out);
      },
      [&] { cpu_hash::hash_gathered(cpu_hash::start_for(kind, tag), base, ranges, starts, out, impl_->pool); });
}

Status Hasher::hash_nodes(std::span<const Hash256> in, std::span<Hash256> out) {
  if (Status s = check_same_size(in.size(), 2 * out.size(), "hash_nodes: inputs and 2 x outputs"); !s.ok()) return s;
  std::lock_guard lock(impl_->mu);
  return run(
      *impl_, out.size(), [&](gpu::HashDevice& dev) { return dev.hash_nodes(in, out); },
      [&] { cpu_hash::hash_nodes(in, out, impl_->pool); });
}

Status Hasher::merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes,
                            std::span<MerkleResult> out) {
  if (Status s = check_same_size(tree_sizes.size(), out.size(), "merkle_roots: trees and outputs"); !s.ok()) return s;
  uint64_t sum = 0;
  for (uint32_t n : tree_sizes) sum += n;
  if (Status s = check_same_size(sum, leaves.size(), "merkle_roots: tree sizes and leaves"); !s.ok()) return s;
  std::lock_guard lock(impl_->mu);
  return run(
      *impl_, leaves.size(), [&](gpu::HashDevice& dev) { return dev.merkle_roots(leaves, tree_sizes, out); },
      [&] { cpu_hash::merkle_roots(leaves, tree_sizes, out, impl_->pool); });
}

Status Hasher::block_hashes(std::span<const ByteView> blocks, std::span<const ParsedBlock> parsed,
                            std::span<BlockHashes> out) {
  if (Status s = check_same_size(blocks.size(), parsed.size(), "block_hashes: blocks and parsed blocks"); !s.ok())
    return s;
  if (Status s = check_same_size(blocks.size(), out.size(), "block_hashes: blocks and outputs"); !s.ok()) return s;
  size_t n_tx = 0;
  for (size_t b = 0; b < blocks.size(); ++b) {
    const auto& txs = parsed[b].txs;
    if (!txs.empty() && txs.back().end > blocks[b].size())
      return Status::InvalidArgument("block_hashes: parsed block " + std::to_string(b) + " does not fit its bytes");
    n_tx += txs.size();
  }
  std::lock_guard lock(impl_->mu);
  return run(
      *impl_, n_tx,
      [&](gpu::HashDevice& dev) {
        hash_batches::BlockBatch bb;
        hash_batches::block_batch(blocks, parsed, &bb);
        std::vector<Hash256> leaves(bb.n_leaves);
        std::vector<MerkleResult> roots(bb.tree_sizes.size());
        if (Status s = dev.hashed_merkle_roots(bb.owned.batch, bb.tree_sizes, leaves, roots); !s.ok()) return s;
        for (size_t b = 0; b < blocks.size(); ++b) {
          BlockHashes& h = out[b];
          auto first = leaves.begin() + static_cast<ptrdiff_t>(bb.txid_leaf[b]);
          h.txids.assign(first, first + static_cast<ptrdiff_t>(parsed[b].txs.size()));
          h.merkle = roots[b];
          h.has_witness = bb.witness_tree[b] >= 0;
          h.witness_merkle = h.has_witness ? roots[static_cast<size_t>(bb.witness_tree[b])] : MerkleResult{};
        }
        return Status::Ok();
      },
      [&] { cpu_hash::block_hashes(blocks, parsed, out, impl_->pool); });
}

}  // namespace vigil
