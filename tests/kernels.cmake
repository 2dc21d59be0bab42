# The kernels' per-thread math and agents, compiled for the host: runs on every
# machine, GPU or not.
vigil_add_test(vigil_kernel_host_tests SOURCES kernels/sha256_core_test.cpp kernels/merkle_agent_test.cpp)
target_link_libraries(vigil_kernel_host_tests PRIVATE vigil_emulation)

# The BIGNUM references and checks shared by the two kernels' math tests
# (kernels/bignum_ref.hpp).
add_library(vigil_bignum_ref STATIC kernels/bignum_ref.cpp)
target_link_libraries(vigil_bignum_ref PUBLIC vigil_testutil)
target_compile_options(vigil_bignum_ref PRIVATE ${VIGIL_WARNINGS})

# The secp256k1 kernels' math, compiled for the host, against libsecp256k1
# (and OpenSSL for the field).
vigil_add_test(vigil_secp_host_tests SOURCES kernels/secp256k1_scheme_test.cpp kernels/secp256k1_math_test.cpp kernels/kernel_diff.cpp
  LABELS unit differential TIMEOUT 1800)
target_link_libraries(vigil_secp_host_tests PRIVATE vigil_emulation vigil_diffsupport vigil_bignum_ref)

# Long run: 10^6 random and hostile checks per secp256k1 scheme through the
# host-compiled kernels, against libsecp256k1.
if(VIGIL_LONG_TESTS)
  add_test(NAME vigil_long_secp_kernel_host
    COMMAND vigil_secp_host_tests --gtest_filter=Schemes/SecpKernelDiff.*)
  set_tests_properties(vigil_long_secp_kernel_host PROPERTIES
    ENVIRONMENT VIGIL_DIFF_N=${VIGIL_LONG_COUNT} LABELS long TIMEOUT 7200 RUN_SERIAL TRUE)
endif()

# The Ed25519 kernels' math (field, scalars, SHA-512, group, double
# multiplication, both rule sets), compiled for the host, against OpenSSL's
# BIGNUM and SHA-512 and libsodium; and both rule sets through the GPU path's
# preparation against the differential oracle (libsodium, the ZIP-215 reference).
# Also the CPU's radix-2^51 field, group and multi-scalar multiplication
# (engine/src/verify/ed25519_fe51, ge51, msm) against BIGNUM and the kernels' math.
vigil_add_test(vigil_ed25519_host_tests
  SOURCES kernels/ed25519_math_test.cpp kernels/ed25519_scheme_test.cpp kernels/kernel_diff.cpp
          kernels/ed25519_fe51_test.cpp
  LABELS unit differential TIMEOUT 1800)
target_link_libraries(vigil_ed25519_host_tests PRIVATE vigil_emulation vigil_diffsupport vigil_bignum_ref OpenSSL::Crypto
                                                       PkgConfig::SODIUM)

# Long run: 10^6 random and hostile checks per Ed25519 rule set through the
# host-compiled kernels, against libsodium and the ZIP-215 reference (the
# reference takes a few milliseconds a check: about an hour for ed25519).
if(VIGIL_LONG_TESTS)
  add_test(NAME vigil_long_ed25519_kernel_host
    COMMAND vigil_ed25519_host_tests --gtest_filter=Schemes/EdKernelDiff.*)
  set_tests_properties(vigil_long_ed25519_kernel_host PROPERTIES
    ENVIRONMENT VIGIL_DIFF_N=${VIGIL_LONG_COUNT} LABELS long TIMEOUT 14400 RUN_SERIAL TRUE)
endif()

# The kernels' resource budgets (kernels/resource_budgets.json), from what
# ptxas said of this build's kernels: registers, stack, spills. No GPU needed;
# a build without nvcc reports the test as skipped (exit 77).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME kernel_resource_budgets
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/kernel_resources.py --build ${PROJECT_BINARY_DIR}
          --budgets ${PROJECT_SOURCE_DIR}/kernels/resource_budgets.json --check)
set_tests_properties(kernel_resource_budgets PROPERTIES LABELS "unit;kernels" SKIP_RETURN_CODE 77 TIMEOUT 60)
