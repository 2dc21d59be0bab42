// EngineStats as Prometheus text (https://prometheus.io/docs/instrumenting/exposition_formats/).
#include <array>
#include <cstdio>
#include <optional>
#include <span>
#include <string>

#include "vigil/engine.hpp"

namespace vigil {
namespace {

class Writer {
 public:
  explicit Writer(std::string_view prefix) : prefix_(prefix) {}

  void metric(const char* name, const char* type, const char* help, double value) {
    header(name, type, help);
    sample(name, "", value);
  }

  void header(const char* name, const char* type, const char* help) {
    out_ += "# HELP " + prefix_ + "_" + name + " " + help + "\n";
    out_ += "# TYPE " + prefix_ + "_" + name + " " + type + "\n";
  }

  void sample(const std::string& name, const std::string& labels, double value) {
    char number[32];
    std::snprintf(number, sizeof number, "%.17g", value);
    out_ += prefix_ + "_" + name + labels + " " + number + "\n";
  }

  // A histogram from per-bucket counts: bucket k's upper bound le(k) (none:
  // only +Inf bounds it), its samples valued at value(k) for the sum.
  template <class Le, class Value>
  void histogram(const char* name, const char* help, std::span<const uint64_t> buckets, const Le& le,
                 const Value& value) {
    header(name, "histogram", help);
    uint64_t count = 0;
    double sum = 0;
    for (size_t k = 0; k < buckets.size(); ++k) {
      count += buckets[k];
      sum += static_cast<double>(buckets[k]) * value(k);
      if (const std::optional<std::string> bound = le(k))
        sample(std::string(name) + "_bucket", "{le=\"" + *bound + "\"}", static_cast<double>(count));
    }
    sample(std::string(name) + "_bucket", "{le=\"+Inf\"}", static_cast<double>(count));
    sample(std::string(name) + "_sum", "", sum);
    sample(std::string(name) + "_count", "", static_cast<double>(count));
  }

  std::string take() { return std::move(out_); }

 private:
  std::string prefix_;
  std::string out_;
};

}  // namespace

std::string prometheus_text(const EngineStats& s, std::string_view prefix) {
  Writer w(prefix);
  const auto d = [](uint64_t v) { return static_cast<double>(v); };
  w.metric("submissions_total", "counter", "Accepted submissions.", d(s.submissions));
  w.metric("checks_total", "counter", "Checks in accepted submissions.", d(s.checks));
  w.metric("rejected_submissions_total", "counter", "Submissions refused because shutdown had begun.", d(s.rejected));
  w.metric("hash_jobs_total", "counter", "Accepted hash jobs.", d(s.hash_jobs));
  w.metric("hash_messages_total", "counter", "Messages in accepted hash jobs.", d(s.hash_messages));
  w.metric("merkle_jobs_total", "counter", "Accepted Merkle jobs.", d(s.merkle_jobs));
  w.metric("merkle_leaves_total", "counter", "Leaves in accepted Merkle jobs.", d(s.merkle_leaves));
  w.metric("hasher_calls_total", "counter", "Hasher calls made for the batches' hash and Merkle jobs.", d(s.hasher_calls));
  w.header("flushes_total", "counter", "Batches sent to the verifier, by why they were sent.");
  const std::pair<const char*, uint64_t> reasons[] = {{"size", s.flushes_by_size},
                                                      {"deadline", s.flushes_by_deadline},
                                                      {"request", s.flushes_by_request},
                                                      {"backpressure", s.flushes_by_backpressure},
                                                      {"shutdown", s.flushes_at_shutdown}};
  for (const auto& [reason, count] : reasons) w.sample("flushes_total", std::string("{reason=\"") + reason + "\"}", d(count));
  // Buckets are cumulative: le = 2^(k+1) - 1 counts batches of up to that many checks.
  w.header("batch_checks", "histogram", "Checks per batch sent to the verifier.");
  uint64_t cumulative = 0;
  for (size_t k = 0; k < s.batch_sizes.size(); ++k) {
    cumulative += s.batch_sizes[k];
    const uint64_t le = (uint64_t{2} << k) - 1;
    w.sample("batch_checks_bucket", "{le=\"" + std::to_string(le) + "\"}", d(cumulative));
  }
  w.sample("batch_checks_bucket", "{le=\"+Inf\"}", d(s.batches));
  w.sample("batch_checks_sum", "", d(s.batched_checks));
  w.sample("batch_checks_count", "", d(s.batches));
  // Stage times: le = 2^(k+1) us, in seconds; each sample counted at its
  // bucket's middle for the (estimated) sum.
  const auto seconds_histogram = [&](const char* name, const char* help, const std::array<uint64_t, 32>& b) {
    w.histogram(name, help, b, [](size_t k) {
      char le[32];
      std::snprintf(le, sizeof le, "%.6g", 1e-6 * static_cast<double>(uint64_t{2} << k));
      return std::optional<std::string>(le);
    }, [](size_t k) { return 1.5e-6 * static_cast<double>(uint64_t{1} << k); });
  };
  seconds_histogram("queue_wait_seconds", "From a submission's acceptance to the start of its batch.", s.queue_wait_us);
  seconds_histogram("verify_seconds", "One batch's Verifier call.", s.verify_us);
  seconds_histogram("verdict_latency_seconds", "From a submission's acceptance to its verdicts (sum estimated).",
                    s.verdict_latency_us);
  w.metric("max_pending_checks", "gauge", "The most checks queued or in flight at once.", d(s.max_pending_checks));
  w.metric("pending_checks", "gauge", "Checks queued, being verified or awaiting delivery now.", d(s.pending_checks));
  w.metric("pipeline_depth", "gauge", "Batches verified at once (verify threads).", d(s.pipeline_depth));
  w.header("stage_batches", "gauge", "Batches now in each stage of the pipeline.");
  const std::pair<const char*, uint64_t> stages[] = {{"awaiting_verify", s.batches_awaiting_verify},
                                                     {"verifying", s.batches_verifying},
                                                     {"awaiting_delivery", s.batches_awaiting_delivery}};
  for (const auto& [stage, count] : stages) w.sample("stage_batches", std::string("{stage=\"") + stage + "\"}", d(count));
  w.metric("queued_submissions", "gauge", "Accepted submissions not yet in a batch.", d(s.queued_submissions));
  // Queue depths as each batch found them: le = k batches ahead of it; the
  // last bucket is "k or more" (only +Inf bounds it, its samples summed at k).
  const auto depth_histogram = [&](const char* name, const char* help, const std::array<uint64_t, 16>& b) {
    w.histogram(name, help, b, [&](size_t k) {
      return k + 1 < b.size() ? std::optional<std::string>(std::to_string(k)) : std::nullopt;
    }, [](size_t k) { return static_cast<double>(k); });
  };
  depth_histogram("verify_queue_depth", "Batches awaiting or in verification ahead of each batch when it was cut.",
                  s.verify_queue_depth);
  depth_histogram("delivery_queue_depth", "Batches awaiting delivery ahead of each batch when it was verified.",
                  s.delivery_queue_depth);
  w.metric("blocked_submits_total", "counter", "submit() calls that waited for room (backpressure).", d(s.blocked_submits));
  const VerifierStats& v = s.verifier;
  w.metric("gpu_calls_total", "counter", "Successful GPU verification calls.", d(v.gpu_calls));
  w.metric("gpu_checks_total", "counter", "Checks verified on the GPU.", d(v.gpu_checks));
  w.metric("cpu_checks_total", "counter", "Checks verified on the CPU, fallbacks included.", d(v.cpu_checks));
  w.metric("gpu_fallbacks_total", "counter", "GPU calls that failed and were redone on the CPU.", d(v.gpu_fallbacks));
  w.metric("gpu_kernel_seconds_total", "counter", "Kernel time of the successful GPU calls.", v.gpu_kernel_seconds);
  const HasherStats& h = s.hasher;
  w.metric("hasher_gpu_calls_total", "counter", "Hasher calls answered by the GPU.", d(h.gpu_calls));
  w.metric("hasher_cpu_calls_total", "counter", "Hasher calls answered by the CPU, fallbacks included.", d(h.cpu_calls));
  w.metric("hasher_gpu_fallbacks_total", "counter", "Hasher GPU calls that failed and were redone on the CPU.",
           d(h.gpu_fallbacks));
  return w.take();
}

}  // namespace vigil
