#include "emulated_hash_device.hpp"

#include <algorithm>
#include <string>

#include "merkle/pass_plan.hpp"

namespace vigil {
namespace {

using sha::DigestWords;

Hash256 to_hash(const DigestWords& d) {
  Hash256 h;
  sha::digest_words_to_bytes(d, h.bytes.data());
  return h;
}
DigestWords to_words(const Hash256& h) { return sha::digest_words_from_bytes(h.bytes.data()); }

// merkle_agent's thread group on the host: each level's threads run one after
// another, reading one buffer and writing another, so the barrier is a no-op.
struct HostGroup {
  template <class F>
  void each(F f) {
    for (uint32_t tid = 0; tid < merkle::kThreads; ++tid) f(tid);
  }
  void sync() {}
  void flag(uint32_t* p) { *p = 1; }
};

// The body of hash_messages_kernel for message i.
DigestWords kernel_digest(const gpu::MessageBatch& b, size_t i) {
  static const uint8_t kNothing[1] = {0};
  const uint8_t* base = b.base.empty() ? kNothing : b.base.data();
  const gpu::MessageRef& m = b.messages[i];
  if (b.contiguous) {
    sha::ContiguousReader r{base + b.slices[m.first_slice].offset};
    return sha::digest(r, m.length, b.mode, b.prefix);
  }
  sha::GatherReader r(base, b.slices.data() + m.first_slice);
  return sha::digest(r, m.length, b.mode, b.prefix);
}

class EmulatedHashDevice final : public gpu::HashDevice {
 public:
  const std::string& name() const override { return name_; }
  bool usable() const override { return true; }

  Status hash_messages(const gpu::MessageBatch& batch, std::span<Hash256> out) override {
    for (size_t i = 0; i < batch.messages.size(); ++i) out[batch.messages[i].out_index] = to_hash(kernel_digest(batch, i));
    return Status::Ok();
  }
  Status hash_nodes(std::span<const Hash256> in, std::span<Hash256> out) override {
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = to_hash(sha::hash_node(to_words(in[2 * i]), to_words(in[2 * i + 1])));
    return Status::Ok();
  }
  Status merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes,
                      std::span<MerkleResult> roots) override {
    std::vector<DigestWords> words(leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) words[i] = to_words(leaves[i]);
    std::vector<MerkleResult> r = emulated_merkle_roots(words, tree_sizes);
    std::copy(r.begin(), r.end(), roots.begin());
    return Status::Ok();
  }
  Status hashed_merkle_roots(const gpu::MessageBatch& batch, std::span<const uint32_t> tree_sizes,
                             std::span<Hash256> leaves, std::span<MerkleResult> roots) override {
    std::vector<DigestWords> words(leaves.size(), DigestWords{});  // zeroed, as the device memsets
    for (size_t i = 0; i < batch.messages.size(); ++i) words[batch.messages[i].out_index] = kernel_digest(batch, i);
    std::vector<MerkleResult> r = emulated_merkle_roots(words, tree_sizes);
    std::copy(r.begin(), r.end(), roots.begin());
    for (size_t i = 0; i < words.size(); ++i) leaves[i] = to_hash(words[i]);
    return Status::Ok();
  }

 private:
  std::string name_ = "emulated";
};

class FaultyHashDevice final : public gpu::HashDevice {
 public:
  FaultyHashDevice(std::unique_ptr<gpu::HashDevice> inner, const DeviceFaultPlan& plan)
      : inner_(std::move(inner)), schedule_(plan), name_(inner_->name() + " (fault injection)") {}
  const std::string& name() const override { return name_; }
  bool usable() const override { return !schedule_.broken() && inner_->usable(); }
  double last_kernel_seconds() const override { return inner_->last_kernel_seconds(); }

  Status hash_messages(const gpu::MessageBatch& batch, std::span<Hash256> out) override {
    return call(out, {}, [&] { return inner_->hash_messages(batch, out); });
  }
  Status hash_nodes(std::span<const Hash256> in, std::span<Hash256> out) override {
    return call(out, {}, [&] { return inner_->hash_nodes(in, out); });
  }
  Status merkle_roots(std::span<const Hash256> leaves, std::span<const uint32_t> tree_sizes,
                      std::span<MerkleResult> roots) override {
    return call({}, roots, [&] { return inner_->merkle_roots(leaves, tree_sizes, roots); });
  }
  Status hashed_merkle_roots(const gpu::MessageBatch& batch, std::span<const uint32_t> tree_sizes,
                             std::span<Hash256> leaves, std::span<MerkleResult> roots) override {
    return call(leaves, roots, [&] { return inner_->hashed_merkle_roots(batch, tree_sizes, leaves, roots); });
  }

 private:
  template <class Run>
  Status call(std::span<Hash256> hashes, std::span<MerkleResult> roots, const Run& run) {
    return schedule_.call(run, [&] {
      for (Hash256& h : hashes) h.bytes.fill(0xee);
      for (MerkleResult& r : roots) r.mutated = true, r.root.bytes.fill(0xee);
    });
  }

  const std::unique_ptr<gpu::HashDevice> inner_;
  FaultSchedule schedule_;
  const std::string name_;
};

}  // namespace

std::vector<MerkleResult> emulated_merkle_roots(std::span<const sha::DigestWords> leaves,
                                                std::span<const uint32_t> tree_sizes) {
  std::vector<MerkleResult> roots(tree_sizes.size());
  const merkle::PassPlan plan = merkle::plan_passes(tree_sizes);
  if (plan.active.empty()) return roots;
  std::vector<DigestWords> a(plan.max_pass_output), b(plan.max_pass_output);
  std::vector<uint32_t> flags(tree_sizes.size(), 0);
  const DigestWords* src = leaves.data();
  DigestWords* dst = a.data();
  HostGroup g;
  merkle::PassShared sh;
  for (size_t p = 0; p < plan.passes(); ++p) {
    const merkle::PassTree* trees = plan.trees.data() + plan.pass_begin[p];
    const uint32_t n_trees = static_cast<uint32_t>(plan.pass_begin[p + 1] - plan.pass_begin[p]);
    for (uint32_t block = 0; block < plan.pass_blocks[p]; ++block)
      merkle::pass_block(g, trees, n_trees, block, src, dst, flags.data(), sh);
    src = dst;
    dst = dst == a.data() ? b.data() : a.data();
  }
  for (size_t k = 0; k < plan.active.size(); ++k) {
    roots[plan.active[k]].root = to_hash(src[k]);
    roots[plan.active[k]].mutated = flags[plan.active[k]] != 0;
  }
  return roots;
}

std::unique_ptr<gpu::HashDevice> make_emulated_hash_device() { return std::make_unique<EmulatedHashDevice>(); }

std::unique_ptr<gpu::HashDevice> with_injected_hash_faults(std::unique_ptr<gpu::HashDevice> inner,
                                                           const DeviceFaultPlan& plan) {
  if (!plan.injects()) return inner;
  return std::make_unique<FaultyHashDevice>(std::move(inner), plan);
}

}  // namespace vigil
