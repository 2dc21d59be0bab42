# The script interpreter against Bitcoin Core's own vectors (tests/script,
# data in tests/data/bitcoin-core, origins in tests/data/SOURCES.md).
vigil_add_test(vigil_script_tests
  SOURCES
    script/assembler.cpp
    script/assembler_test.cpp
    script/core_tx.cpp
    script/core_json.cpp
    script/script_tests_json_test.cpp
    script/tx_json_test.cpp
    script/deferred_test.cpp
    script/block_deferred_test.cpp
  LABELS script)
target_link_libraries(vigil_script_tests PRIVATE PkgConfig::SECP256K1)
