// The differential loop shared by the kernel-path tests: generated random and
// hostile checks of one scheme through a verification function, each verdict
// compared with the generator's oracle.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "vigil/verify.hpp"

namespace vigil::test {

// Runs difftest::diff_n(default_n) checks of `scheme` (generator seeded from
// the test seed and the scheme) through `verify`; fails on any verdict that
// differs from the oracle's (printing up to ten), and unless both verdicts
// occur in bulk -- overall, and, for runs of 1000 or more, in every
// corruption class -- so that the comparison could fail either way.
void expect_matches_oracle(Scheme scheme, const std::function<bool(const Check&)>& verify, const char* what,
                           size_t default_n = 2000);

// "ecdsa_lows" for Scheme::kEcdsaLowS: a test-parameter name.
std::string scheme_param_name(const ::testing::TestParamInfo<Scheme>& param);

}  // namespace vigil::test
