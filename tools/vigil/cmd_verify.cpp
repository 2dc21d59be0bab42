#include <chrono>
#include <cstdio>

#include "check_lines.hpp"
#include "commands.hpp"
#include "line_reader.hpp"
#include "vigil/verifier.hpp"

namespace vigil::cli {

int run_verify(const VerifyOptions& options) {
  std::unique_ptr<Verifier> verifier;
  if (!make_verifier_or_report("verify", options.backend, options.threads, &verifier).ok()) return 2;
  LineReader reader(options.input);
  if (!reader.ok()) {
    std::fprintf(stderr, "vigil verify: cannot open %s\n", options.input.c_str());
    return 2;
  }
  auto start = std::chrono::steady_clock::now();

  // Verdicts are kept until the end: a malformed line anywhere means nothing
  // is printed. They are the only state that grows with the input.
  std::vector<uint8_t> verdicts;
  CheckChunk chunk;
  std::string error;
  uint64_t line_no = 0;
  auto flush = [&] {
    size_t done = verdicts.size();
    verdicts.resize(done + chunk.size());
    Status s = verifier->verify(chunk.checks(), std::span<uint8_t>(verdicts).subspan(done));
    chunk.clear();
    return s;
  };
  std::string_view line;
  while (reader.next(&line)) {
    ++line_no;
    if (!chunk.add_line(line, &error)) {
      std::fprintf(stderr, "line %llu: %s\n", static_cast<unsigned long long>(line_no), error.c_str());
      return 2;
    }
    if (chunk.size() >= options.chunk_lines) {
      if (Status s = flush(); !s.ok()) {
        std::fprintf(stderr, "vigil verify: %s\n", s.ToString().c_str());
        return 2;
      }
    }
  }
  if (reader.error()) {
    std::fprintf(stderr, "vigil verify: read error on %s after line %llu\n", options.input.c_str(),
                 static_cast<unsigned long long>(line_no));
    return 2;
  }
  if (Status s = flush(); !s.ok()) {
    std::fprintf(stderr, "vigil verify: %s\n", s.ToString().c_str());
    return 2;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Printed through a small buffer: no second copy of the verdicts.
  size_t valid = 0;
  char out[1 << 16];
  size_t used = 0;
  bool write_ok = true;
  for (uint8_t v : verdicts) {
    out[used++] = v ? '1' : '0';
    out[used++] = '\n';
    valid += v;
    if (used == sizeof out) {
      write_ok &= std::fwrite(out, 1, used, stdout) == used;
      used = 0;
    }
  }
  write_ok &= std::fwrite(out, 1, used, stdout) == used;
  if (!write_ok || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "vigil verify: error writing the verdicts\n");
    return 2;
  }
  std::fprintf(stderr, "vigil verify: %zu checks, %zu valid, %zu invalid in %.3f s (%.0f checks/s), backend %s, %u threads\n",
               verdicts.size(), valid, verdicts.size() - valid, seconds,
               seconds > 0 ? static_cast<double>(verdicts.size()) / seconds : 0.0, verifier->description().c_str(),
               verifier->cpu_threads());
  report_verifier_fallbacks("verify", *verifier);
  return 0;
}

}  // namespace vigil::cli
