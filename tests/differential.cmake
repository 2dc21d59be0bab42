# Differential tests: the engine against a reference oracle that calls
# libsecp256k1 and libsodium directly (and, for ZIP-215, which no installed
# library implements, a slow reference on OpenSSL BIGNUM: differential/ed25519_ref),
# on generated random and hostile checks.
# VIGIL_DIFF_N (environment, at test time) sets the checks per scheme (default
# 20000); sanitizer builds run with a smaller value.

# The oracle and the check generator, shared with the CLI tests and the
# vigil_gen_checks tool. The oracle calls no vigil function: vigil is linked
# for its public headers (the Scheme enum) only.
add_library(vigil_diffsupport STATIC differential/oracle.cpp differential/generator.cpp differential/ed25519_ref.cpp)
target_include_directories(vigil_diffsupport PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(vigil_diffsupport PUBLIC vigil::vigil PkgConfig::SECP256K1 PkgConfig::SODIUM OpenSSL::Crypto)
target_compile_options(vigil_diffsupport PRIVATE ${VIGIL_WARNINGS})

vigil_add_test(vigil_differential_tests
  SOURCES differential/oracle_test.cpp differential/scheme_diff_test.cpp differential/lax_der_test.cpp
          differential/batch_test.cpp differential/pool_test.cpp differential/ed25519_ref_test.cpp
          differential/taproot_commitment_test.cpp
  LABELS differential
  TIMEOUT 1800)
target_link_libraries(vigil_differential_tests PRIVATE vigil_diffsupport)

# Writes generated checks in the `vigil verify` format and the oracle's verdicts.
add_executable(vigil_gen_checks differential/gen_checks_main.cpp)
target_link_libraries(vigil_gen_checks PRIVATE vigil_diffsupport)
target_compile_options(vigil_gen_checks PRIVATE ${VIGIL_WARNINGS})
