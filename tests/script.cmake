# The script interpreter against Bitcoin Core's own vectors.
vigil_add_test(vigil_script_tests
  SOURCES
    script/assembler.cpp
    script/core_vectors_test.cpp
  LABELS vectors)
target_link_libraries(vigil_script_tests PRIVATE PkgConfig::SECP256K1)
