#include "kernels/kernel_diff.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "differential/generator.hpp"
#include "util/test_util.hpp"

namespace vigil::test {

void expect_matches_oracle(Scheme scheme, const std::function<bool(const Check&)>& verify, const char* what,
                           size_t default_n) {
  difftest::Generator gen(test_seed() ^ static_cast<uint64_t>(scheme));
  const size_t n = difftest::diff_n(default_n);
  std::map<std::string, std::pair<size_t, size_t>> per_class;  // class -> (valid, invalid)
  size_t mismatches = 0;
  for (size_t i = 0; i < n; ++i) {
    const difftest::GenCheck g = gen.next(scheme);
    Check c;
    c.scheme = g.scheme;
    c.public_key = ByteView(g.key.data(), g.key.size());
    c.message = ByteView(g.msg.data(), g.msg.size());
    c.signature = ByteView(g.sig.data(), g.sig.size());
    const bool got = verify(c);
    auto& counts = per_class[difftest::class_name(g.cls)];
    (g.oracle ? counts.first : counts.second)++;
    if (got != g.oracle && ++mismatches <= 10) {
      ADD_FAILURE() << "check " << i << " class " << difftest::class_name(g.cls) << " (" << g.variant << "): " << what
                    << " " << got << ", oracle " << g.oracle << "\n  " << difftest::check_line(g);
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << n << " checks";
  size_t valid = 0, invalid = 0;
  for (const auto& [name, counts] : per_class) {
    valid += counts.first;
    invalid += counts.second;
    if (n >= 1000 && name != "valid") {  // corruption classes hold uncorrupted controls too
      EXPECT_GT(counts.first, 0u) << name << " never valid";
      EXPECT_GT(counts.second, 0u) << name << " never invalid";
    }
  }
  EXPECT_GT(valid, n / 10);
  EXPECT_GT(invalid, n / 10);
}

std::string scheme_param_name(const ::testing::TestParamInfo<Scheme>& param) {
  std::string name(scheme_name(param.param));
  for (auto& ch : name)
    if (ch == '-') ch = '_';
  return name;
}

}  // namespace vigil::test
