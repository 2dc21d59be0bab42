// HashDevice on a CUDA GPU: sizes the device workspace for each call (grown
// geometrically, kept between calls), uploads, launches on one stream, checks
// every CUDA call, and copies the results back.
#include <algorithm>
#include <mutex>
#include <vector>

#include "gpu/cuda_check.hpp"
#include "gpu/device_buffer.hpp"
#include "gpu/hash_device.hpp"
#include "gpu/launch.hpp"
#include "gpu/timed_stream.hpp"
#include "merkle/pass_plan.hpp"

namespace vigil::gpu {
namespace {

using sha::DigestWords;

void words_to_hash(const DigestWords& d, Hash256* h) { sha::digest_words_to_bytes(d, h->bytes.data()); }

class CudaHashDevice final : public HashDevice {
 public:
  CudaHashDevice(int index, std::string name) : index_(index), name_(std::move(name)) {}
  ~CudaHashDevice() override { cudaSetDevice(index_); }
  Status init() {
    VIGIL_CUDA_TRY(cudaSetDevice(index_));
    return timed_.create();
  }
  double last_kernel_seconds() const override { return last_kernel_seconds_; }

  const std::string& name() const override { return name_; }
  bool usable() const override { return usable_; }

  Status hash_messages(const MessageBatch& batch, std::span<Hash256> out) override {
    std::lock_guard lock(mu_);
    return checked([&] {
      VIGIL_CUDA_TRY(cudaSetDevice(index_));
      if (Status s = upload_batch(batch); !s.ok()) return s;
      if (Status s = result_.reserve(out.size_bytes()); !s.ok()) return s;
      VIGIL_CUDA_TRY(timed_.begin_kernels());
      VIGIL_CUDA_TRY(launch_uploaded(batch, /*bytes_out=*/true, result_.as<DigestWords>()));
      VIGIL_CUDA_TRY(timed_.end_kernels());
      VIGIL_CUDA_TRY(cudaMemcpyAsync(out.data(), result_.as<void>(), out.size_bytes(), cudaMemcpyDeviceToHost, stream()));
      VIGIL_CUDA_TRY(cudaStreamSynchronize(stream()));
      return record_kernel_time();
    });
  }

  Status hash_nodes(std::span<const Hash256> in, std::span<Hash256> out) override {
    std::lock_guard lock(mu_);
    return checked([&] {
      VIGIL_CUDA_TRY(cudaSetDevice(index_));
      if (Status s = leaves_.reserve(in.size_bytes()); !s.ok()) return s;
      if (Status s = result_.reserve(out.size_bytes()); !s.ok()) return s;
      VIGIL_CUDA_TRY(cudaMemcpyAsync(leaves_.as<void>(), in.data(), in.size_bytes(), cudaMemcpyHostToDevice, stream()));
      VIGIL_CUDA_TRY(timed_.begin_kernels());
      VIGIL_CUDA_TRY(launch_hash_nodes(leaves_.as<uint8_t>(), result_.as<uint8_t>(), out.size(), stream()));
      VIGIL_CUDA_TRY(timed_.end_kernels());
      VIGIL_CUDA_TRY(cudaMemcpyAsync(out.data(), result_.as<void>(), out.size_bytes(), cudaMemcpyDeviceToHost, stream()));
      VIGIL_CUDA_TRY(cudaStreamSynchronize(stream()));
      return record_kernel_time();
    });
  }

  Status merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes,
                      std::span<MerkleResult> roots) override {
    std::lock_guard lock(mu_);
    return checked([&] {
      VIGIL_CUDA_TRY(cudaSetDevice(index_));
      if (Status s = leaves_.reserve(leaves.size_bytes()); !s.ok()) return s;
      VIGIL_CUDA_TRY(
          cudaMemcpyAsync(leaves_.as<void>(), leaves.data(), leaves.size_bytes(), cudaMemcpyHostToDevice, stream()));
      VIGIL_CUDA_TRY(timed_.begin_kernels());
      VIGIL_CUDA_TRY(launch_swap_words(leaves_.as<uint32_t>(), leaves.size() * 8, stream()));
      if (Status s = build_trees(tree_sizes, roots); !s.ok()) return s;
      return record_kernel_time();
    });
  }

  Status hashed_merkle_roots(const MessageBatch& batch, std::span<const uint32_t> tree_sizes,
                             std::span<Hash256> leaves, std::span<MerkleResult> roots) override {
    std::lock_guard lock(mu_);
    return checked([&] {
      VIGIL_CUDA_TRY(cudaSetDevice(index_));
      if (Status s = upload_batch(batch); !s.ok()) return s;
      if (Status s = leaves_.reserve(leaves.size_bytes()); !s.ok()) return s;
      VIGIL_CUDA_TRY(timed_.begin_kernels());
      VIGIL_CUDA_TRY(cudaMemsetAsync(leaves_.as<void>(), 0, leaves.size_bytes(), stream()));
      VIGIL_CUDA_TRY(launch_uploaded(batch, /*bytes_out=*/false, leaves_.as<DigestWords>()));
      if (Status s = build_trees(tree_sizes, roots); !s.ok()) return s;
      // The leaves, needed by the caller as txids, go back as bytes.
      VIGIL_CUDA_TRY(launch_swap_words(leaves_.as<uint32_t>(), leaves.size() * 8, stream()));
      VIGIL_CUDA_TRY(
          cudaMemcpyAsync(leaves.data(), leaves_.as<void>(), leaves.size_bytes(), cudaMemcpyDeviceToHost, stream()));
      VIGIL_CUDA_TRY(cudaStreamSynchronize(stream()));
      return record_kernel_time();
    });
  }

 private:
  Status record_kernel_time() { return timed_.kernel_seconds(&last_kernel_seconds_); }

  // Runs `body`; after a failure, decides whether the device can go on: an
  // error the runtime clears (an allocation failure) leaves it usable, a
  // sticky one (a kernel fault) does not.
  template <class F>
  Status checked(F body) {
    if (!usable_) return Status::DeviceError("GPU " + name_ + " is unusable after an earlier error");
    Status s = body();
    if (!s.ok() && !timed_.recovers()) usable_ = false;
    return s;
  }

  Status upload_batch(const MessageBatch& b) {
    if (Status s = base_.reserve(b.base.size()); !s.ok()) return s;
    if (Status s = slices_.reserve(b.slices.size_bytes()); !s.ok()) return s;
    if (Status s = messages_.reserve(b.messages.size_bytes()); !s.ok()) return s;
    if (!b.base.empty())
      VIGIL_CUDA_TRY(cudaMemcpyAsync(base_.as<void>(), b.base.data(), b.base.size(), cudaMemcpyHostToDevice, stream()));
    if (!b.slices.empty())
      VIGIL_CUDA_TRY(cudaMemcpyAsync(slices_.as<void>(), b.slices.data(), b.slices.size_bytes(),
                                     cudaMemcpyHostToDevice, stream()));
    if (!b.messages.empty())
      VIGIL_CUDA_TRY(cudaMemcpyAsync(messages_.as<void>(), b.messages.data(), b.messages.size_bytes(),
                                     cudaMemcpyHostToDevice, stream()));
    return Status::Ok();
  }

  // Hashes the batch upload_batch() put on the device into `out`.
  cudaError_t launch_uploaded(const MessageBatch& b, bool bytes_out, DigestWords* out) {
    return launch_hash_messages(base_.as<uint8_t>(), slices_.as<sha::Slice>(), messages_.as<MessageRef>(),
                                static_cast<uint32_t>(b.messages.size()), b.mode, b.prefix, b.contiguous, bytes_out,
                                out, stream());
  }

  // Builds every tree over the digest words in leaves_ (tree t's leaves follow
  // tree t-1's) and writes roots and mutation flags. The passes are planned on
  // the host first (sizes alone decide them), uploaded at once, then launched
  // back to back.
  Status build_trees(std::span<const uint32_t> tree_sizes, std::span<MerkleResult> roots) {
    const uint32_t n_trees = static_cast<uint32_t>(tree_sizes.size());
    for (auto& r : roots) r = MerkleResult{};  // an empty tree: zero root, not mutated
    const merkle::PassPlan plan = merkle::plan_passes(tree_sizes);
    if (plan.active.empty()) return cuda_status(timed_.end_kernels(), "cudaEventRecord");
    if (Status s = plan_dev_.reserve(plan.trees.size() * sizeof(merkle::PassTree)); !s.ok()) return s;
    if (Status s = level_a_.reserve(plan.max_pass_output * sizeof(DigestWords)); !s.ok()) return s;
    if (Status s = level_b_.reserve(plan.max_pass_output * sizeof(DigestWords)); !s.ok()) return s;
    if (Status s = flags_.reserve(n_trees * sizeof(uint32_t)); !s.ok()) return s;
    VIGIL_CUDA_TRY(cudaMemcpyAsync(plan_dev_.as<void>(), plan.trees.data(), plan.trees.size() * sizeof(merkle::PassTree),
                                   cudaMemcpyHostToDevice, stream()));
    VIGIL_CUDA_TRY(cudaMemsetAsync(flags_.as<void>(), 0, n_trees * sizeof(uint32_t), stream()));
    const DigestWords* in = leaves_.as<DigestWords>();
    DigestWords* out = level_a_.as<DigestWords>();
    for (size_t p = 0; p < plan.passes(); ++p) {
      VIGIL_CUDA_TRY(launch_merkle_pass(plan_dev_.as<merkle::PassTree>() + plan.pass_begin[p],
                                        static_cast<uint32_t>(plan.pass_begin[p + 1] - plan.pass_begin[p]),
                                        plan.pass_blocks[p], in, out, flags_.as<uint32_t>(), stream()));
      in = out;
      out = out == level_a_.as<DigestWords>() ? level_b_.as<DigestWords>() : level_a_.as<DigestWords>();
    }
    // The kernels' end for the timing (in hashed_merkle_roots the leaves'
    // byte swap after this is left out: it exists only for the copy back).
    VIGIL_CUDA_TRY(timed_.end_kernels());
    // Active tree a's root is now node a of the last output.
    std::vector<DigestWords> root_words(plan.active.size());
    std::vector<uint32_t> flags(n_trees);
    VIGIL_CUDA_TRY(cudaMemcpyAsync(root_words.data(), in, root_words.size() * sizeof(DigestWords),
                                   cudaMemcpyDeviceToHost, stream()));
    VIGIL_CUDA_TRY(cudaMemcpyAsync(flags.data(), flags_.as<void>(), n_trees * sizeof(uint32_t),
                                   cudaMemcpyDeviceToHost, stream()));
    VIGIL_CUDA_TRY(cudaStreamSynchronize(stream()));
    for (size_t a = 0; a < plan.active.size(); ++a) {
      MerkleResult& r = roots[plan.active[a]];
      words_to_hash(root_words[a], &r.root);
      r.mutated = flags[plan.active[a]] != 0;
    }
    return Status::Ok();
  }

  const int index_;
  const std::string name_;
  TimedStream timed_;
  cudaStream_t stream() const { return timed_.get(); }
  double last_kernel_seconds_ = 0;
  bool usable_ = true;
  std::mutex mu_;  // one call at a time: the workspace is shared
  DeviceBuffer base_, slices_, messages_, result_, leaves_, level_a_, level_b_, plan_dev_, flags_;
};

}  // namespace

Status open_cuda_hash_device(int index, std::unique_ptr<HashDevice>* out) {
  std::string name;
  if (Status s = cuda_device_name(index, &name); !s.ok()) return s;
  auto dev = std::make_unique<CudaHashDevice>(index, std::move(name));
  if (Status s = dev->init(); !s.ok()) return s;
  *out = std::move(dev);
  return Status::Ok();
}

}  // namespace vigil::gpu
