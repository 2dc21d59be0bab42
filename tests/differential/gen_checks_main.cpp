// vigil_gen_checks: writes generated random and hostile checks in the
// `vigil verify` input format, and the oracle's verdicts, one per line.
//
//   vigil_gen_checks --scheme S|all --count N --seed X --out FILE --expected FILE
//       N checks per scheme (all: every scheme, interleaved at random).
//   vigil_gen_checks --compare EXPECTED ACTUAL [INPUT]
//       exit 0 if the two verdict files are identical, else 1, printing the
//       first differing lines (with the input line from INPUT).
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "differential/generator.hpp"

namespace {

using vigil::Scheme;
using namespace vigil::difftest;

int usage() {
  std::fprintf(stderr,
               "usage: vigil_gen_checks --scheme S|all --count N --seed X --out FILE --expected FILE\n"
               "       vigil_gen_checks --compare EXPECTED ACTUAL [INPUT]\n"
               "schemes: ecdsa ecdsa-lows ecdsa-bitcoin schnorr ed25519-strict\n");
  return 2;
}

int compare(const char* expected_path, const char* actual_path, const char* input_path) {
  std::ifstream expected(expected_path), actual(actual_path);
  if (!expected || !actual) {
    std::fprintf(stderr, "vigil_gen_checks: cannot open %s or %s\n", expected_path, actual_path);
    return 2;
  }
  std::ifstream input;
  if (input_path) input.open(input_path);
  std::string e, a, in;
  uint64_t line = 0, differences = 0, ones = 0;
  for (;;) {
    const bool has_e = static_cast<bool>(std::getline(expected, e));
    const bool has_a = static_cast<bool>(std::getline(actual, a));
    if (!has_e && !has_a) break;
    ++line;
    // Input lines, skipping what `vigil verify` skips (the generator writes none).
    if (input_path) std::getline(input, in);
    if (has_e && e == "1") ++ones;
    if (has_e != has_a || e != a) {
      if (++differences <= 10) {
        std::fprintf(stderr, "line %" PRIu64 ": expected %s, got %s\n", line, has_e ? e.c_str() : "(end)",
                     has_a ? a.c_str() : "(end)");
        if (input_path) std::fprintf(stderr, "  input: %.600s\n", in.c_str());
      }
    }
  }
  std::fprintf(stderr, "vigil_gen_checks: %" PRIu64 " lines compared, %" PRIu64 " expected valid, %" PRIu64
               " differences\n", line, ones, differences);
  return differences == 0 && line > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string scheme_arg, out_path, expected_path;
  uint64_t count = 0, seed = 0;
  bool have_count = false, have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--compare") {
      if (argc - i < 3) return usage();
      return compare(argv[i + 1], argv[i + 2], argc - i >= 4 ? argv[i + 3] : nullptr);
    }
    if (i + 1 >= argc) return usage();
    const char* v = argv[++i];
    if (a == "--scheme") {
      scheme_arg = v;
    } else if (a == "--count") {
      count = std::strtoull(v, nullptr, 0);
      have_count = true;
    } else if (a == "--seed") {
      seed = std::strtoull(v, nullptr, 0);
      have_seed = true;
    } else if (a == "--out") {
      out_path = v;
    } else if (a == "--expected") {
      expected_path = v;
    } else {
      return usage();
    }
  }
  if (scheme_arg.empty() || !have_count || !have_seed || out_path.empty() || expected_path.empty()) return usage();
  std::vector<Scheme> schemes;
  if (scheme_arg == "all") {
    schemes.assign(std::begin(vigil::kAllSchemes), std::end(vigil::kAllSchemes));
  } else if (auto s = scheme_from_label(scheme_arg)) {
    schemes.push_back(*s);
  } else {
    std::fprintf(stderr, "vigil_gen_checks: unknown scheme '%s'\n", scheme_arg.c_str());
    return usage();
  }

  FILE* out = std::fopen(out_path.c_str(), "wb");
  FILE* expected = std::fopen(expected_path.c_str(), "wb");
  if (!out || !expected) {
    std::fprintf(stderr, "vigil_gen_checks: cannot create %s or %s\n", out_path.c_str(), expected_path.c_str());
    return 2;
  }
  Generator gen(seed, GeneratorOptions{/*cli_compatible=*/true});
  std::vector<uint64_t> left(schemes.size(), count);
  uint64_t remaining = count * schemes.size(), valid = 0, written = 0;
  std::string line;
  while (remaining > 0) {
    uint64_t pick = gen.rng()() % remaining;
    size_t s = 0;
    while (pick >= left[s]) pick -= left[s++];
    --left[s];
    --remaining;
    GenCheck c = gen.next(schemes[s]);
    line = check_line(c);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
    std::fputs(c.oracle ? "1\n" : "0\n", expected);
    valid += c.oracle;
    ++written;
  }
  const bool ok = std::fflush(out) == 0 && !std::ferror(out) && std::fflush(expected) == 0 && !std::ferror(expected);
  std::fclose(out);
  std::fclose(expected);
  if (!ok) {
    std::fprintf(stderr, "vigil_gen_checks: write error\n");
    return 2;
  }
  std::fprintf(stderr, "vigil_gen_checks: %" PRIu64 " checks (%" PRIu64 " valid, %" PRIu64 " invalid), seed %" PRIu64
               "\n", written, valid, written - valid, seed);
  return 0;
}
