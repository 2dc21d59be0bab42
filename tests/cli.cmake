# Tests of the `vigil` command: unit tests of its line parser, and end-to-end
# runs of the built executable (its path is compiled in).
if(TARGET vigil_tool)
  vigil_add_test(vigil_cli_tests
    SOURCES cli/check_chunk_test.cpp cli/cli_e2e_test.cpp cli/cli_block_check_test.cpp cli/cli_replay_test.cpp cli/cli_sim_test.cpp cli/cli_bench_test.cpp cli/cli_script_assets_test.cpp cli/script_assets_gen.cpp cli/process.cpp
    LABELS cli)
  target_link_libraries(vigil_cli_tests PRIVATE vigil_cli vigil_diffsupport)
  target_compile_definitions(vigil_cli_tests PRIVATE VIGIL_EXE_PATH="$<TARGET_FILE:vigil_tool>")
  add_dependencies(vigil_cli_tests vigil_tool)
  # The example consensus plugin, for a simulated chain that switches to it.
  target_compile_definitions(vigil_cli_tests PRIVATE VIGIL_EXAMPLE_PLUGIN="$<TARGET_FILE:vigil_example_pow_plugin>")
  add_dependencies(vigil_cli_tests vigil_example_pow_plugin)

  # Writes tests/data/script-assets/vigil_assets.json (our script cases in
  # Core's script_assets_test.json format): vigil_make_script_assets OUT.
  add_executable(vigil_make_script_assets cli/make_script_assets_main.cpp cli/script_assets_gen.cpp)
  target_include_directories(vigil_make_script_assets PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(vigil_make_script_assets PRIVATE vigil_cli nlohmann_json::nlohmann_json)
  target_compile_options(vigil_make_script_assets PRIVATE ${VIGIL_WARNINGS})

  # The long differential run: 10^6 generated checks per scheme through
  # `vigil verify` (on the GPU where there is one), compared with the oracle
  # line for line. Label `long`, registered with VIGIL_LONG_TESTS.
  if(VIGIL_LONG_TESTS AND TARGET vigil_gen_checks)
    foreach(scheme ecdsa ecdsa-lows ecdsa-bitcoin schnorr ed25519-strict)
      add_test(NAME vigil_long_verify_${scheme}
        COMMAND ${CMAKE_COMMAND}
          -DGEN=$<TARGET_FILE:vigil_gen_checks> -DVIGIL=$<TARGET_FILE:vigil_tool>
          -DSCHEME=${scheme} -DCOUNT=${VIGIL_LONG_COUNT} -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/long
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cli/long_verify.cmake)
      set_tests_properties(vigil_long_verify_${scheme} PROPERTIES LABELS long TIMEOUT 7200 RUN_SERIAL TRUE)
    endforeach()
  endif()
endif()
