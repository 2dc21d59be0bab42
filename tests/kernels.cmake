# The kernels' per-thread math and agents, compiled for the host: runs on every
# machine, GPU or not.
vigil_add_test(vigil_kernel_host_tests SOURCES kernels/sha256_core_test.cpp kernels/merkle_agent_test.cpp)
target_link_libraries(vigil_kernel_host_tests PRIVATE vigil_emulation)

# The secp256k1 kernels' math, compiled for the host, against libsecp256k1
# (and OpenSSL for the field).
vigil_add_test(vigil_secp_host_tests SOURCES kernels/secp256k1_scheme_test.cpp LABELS unit differential TIMEOUT 1800)
target_link_libraries(vigil_secp_host_tests PRIVATE vigil_emulation vigil_diffsupport)
