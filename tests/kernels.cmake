# The kernels' per-thread math and agents, compiled for the host: runs on every
# machine, GPU or not.
vigil_add_test(vigil_kernel_host_tests SOURCES kernels/sha256_core_test.cpp kernels/merkle_agent_test.cpp)
target_link_libraries(vigil_kernel_host_tests PRIVATE vigil_emulation)
