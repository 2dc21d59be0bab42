#include <cstdio>

#include "commands.hpp"

namespace vigil::cli {

namespace {

Status report_create_error(const char* command, Backend requested, Status s) {
  if (!s.ok())
    std::fprintf(stderr, "vigil %s: --backend %s: %s\n", command, std::string(backend_name(requested)).c_str(),
                 s.message().c_str());
  return s;
}

void report_fallbacks(const char* command, uint64_t fallbacks, const std::string& last_error) {
  if (fallbacks > 0)
    std::fprintf(stderr, "vigil %s: %llu GPU call(s) failed and were redone on the CPU; last error: %s\n", command,
                 static_cast<unsigned long long>(fallbacks), last_error.c_str());
}

}  // namespace

Status make_hasher_or_report(const char* command, Backend requested, std::unique_ptr<Hasher>* out) {
  HasherOptions options;
  options.backend = requested;
  return report_create_error(command, requested, Hasher::Create(options, out));
}

Status make_verifier_or_report(const char* command, Backend requested, unsigned threads,
                               std::unique_ptr<Verifier>* out) {
  VerifierOptions options;
  options.backend = requested;
  options.cpu_threads = threads;
  return report_create_error(command, requested, Verifier::Create(options, out));
}

void report_hasher(const char* command, size_t n, const char* what, const Hasher& hasher) {
  HasherStats st = hasher.stats();
  std::fprintf(stderr, "vigil %s: %zu %s, backend %s\n", command, n, what, hasher.description().c_str());
  report_fallbacks(command, st.gpu_fallbacks, st.last_gpu_error);
}

void report_verifier_fallbacks(const char* command, const Verifier& verifier) {
  const VerifierStats st = verifier.stats();
  report_fallbacks(command, st.gpu_fallbacks, st.last_gpu_error);
}

}  // namespace vigil::cli
