vigil_add_test(vigil_core_tests SOURCES core/block_test.cpp core/block_file_test.cpp core/merkle_test.cpp core/bytes_test.cpp
  core/block_check_test.cpp core/spends_test.cpp core/chainstate_test.cpp)

# The C API against the C++ API.
vigil_add_test(vigil_capi_tests SOURCES capi/c_api_test.cpp capi/c_callers.c)
target_link_libraries(vigil_capi_tests PRIVATE vigil_diffsupport)

# The bundled vector file through the CLI: verdicts equal the vectors' own.
add_test(NAME cli_bundled_vectors
  COMMAND bash -c "set -o pipefail; \"$<TARGET_FILE:vigil_tool>\" verify \"${VIGIL_TEST_DATA_DIR}/checks/vectors.checks\" | cmp - \"${VIGIL_TEST_DATA_DIR}/checks/vectors.expected\"")
# The same through the GPU path with the emulated device and an injected
# fault in its second call (any machine): the verdicts do not change, and the
# fallback is reported.
add_test(NAME cli_bundled_vectors_injected_fault
  COMMAND bash -c "set -o pipefail; VIGIL_FAULT_INJECT=device=emulated,fail_from=2,fail_count=1 \"$<TARGET_FILE:vigil_tool>\" verify --backend gpu \"${VIGIL_TEST_DATA_DIR}/checks/vectors.checks\" 2>\"${CMAKE_CURRENT_BINARY_DIR}/injected_fault.err\" | cmp - \"${VIGIL_TEST_DATA_DIR}/checks/vectors.expected\" && grep -q 'injected fault in device call 2' \"${CMAKE_CURRENT_BINARY_DIR}/injected_fault.err\"")

# The installed library through find_package and pkg-config.
if(NOT VIGIL_SANITIZE)
  add_test(NAME install_find_package_and_pkg_config
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/run.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(install_find_package_and_pkg_config PROPERTIES TIMEOUT 300)
endif()
