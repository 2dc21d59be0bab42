# The example consensus plugin (examples/consensus_plugin), built four ways
# for tests/consensus/plugin_test.cpp: as shipped, reporting ABI 999,
# reporting another name and version, and misbehaving (EXAMPLE_HOSTILE).
# The tests get their paths as compile definitions.
set(_vigil_example_plugin ${PROJECT_SOURCE_DIR}/examples/consensus_plugin/example_pow_plugin.c)

# vigil_example_plugin(TARGET MACRO [DEFINES...]): the plugin built as TARGET
# with DEFINES; the tests see its path as the string MACRO.
function(vigil_example_plugin target macro)
  add_library(${target} MODULE ${_vigil_example_plugin})
  # The plugin needs only the C header, not libvigil: it is built like one
  # shipped apart from the engine.
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/engine/include)
  target_compile_definitions(${target} PRIVATE ${ARGN})
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  set_target_properties(${target} PROPERTIES C_STANDARD 99 C_VISIBILITY_PRESET hidden)
  target_compile_definitions(vigil_consensus_tests PRIVATE ${macro}="$<TARGET_FILE:${target}>")
  add_dependencies(vigil_consensus_tests ${target})
endfunction()

vigil_example_plugin(vigil_example_pow_plugin VIGIL_EXAMPLE_PLUGIN)
vigil_example_plugin(vigil_example_pow_plugin_abi999 VIGIL_EXAMPLE_PLUGIN_ABI999 EXAMPLE_ABI_VERSION=999)
vigil_example_plugin(vigil_example_pow_plugin_other VIGIL_EXAMPLE_PLUGIN_OTHER
  EXAMPLE_NAME="otherpow" EXAMPLE_SPEC_VERSION=2)
vigil_example_plugin(vigil_example_pow_plugin_hostile VIGIL_EXAMPLE_PLUGIN_HOSTILE EXAMPLE_HOSTILE=1)
