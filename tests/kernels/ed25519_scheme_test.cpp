// The kernels' Ed25519 verification (kernels/ed25519, compiled for the host)
// under both rule sets, through the same CPU preparation the GPU path uses
// (pipeline/ed25519_prepare), against the differential generator's oracle:
// libsodium itself for ed25519-strict, the independent BIGNUM reference
// (differential/ed25519_ref) for ed25519 (ZIP-215). Random and hostile
// checks: corrupted bits, S at and above L, small-order and mixed-order A
// and R, non-canonical encodings, messages of 0..4096 bytes.
// VIGIL_DIFF_N sets the checks per rule set (default 2000; the long run is 10^6).
#include <gtest/gtest.h>

#include "kernels/kernel_diff.hpp"
#include "ed25519_prepare.hpp"

namespace vigil::test {
namespace {

class EdKernelDiff : public ::testing::TestWithParam<Scheme> {};

TEST_P(EdKernelDiff, MatchesTheOracleOnRandomAndHostileChecks) {
  expect_matches_oracle(GetParam(), verify_ed25519_on_host, "kernel");
}

INSTANTIATE_TEST_SUITE_P(Schemes, EdKernelDiff, ::testing::Values(Scheme::kEd25519Strict, Scheme::kEd25519), scheme_param_name);

}  // namespace
}  // namespace vigil::test
