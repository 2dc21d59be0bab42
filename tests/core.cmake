vigil_add_test(vigil_core_tests SOURCES core/block_test.cpp core/block_file_test.cpp core/merkle_test.cpp core/bytes_test.cpp)
