# Published test vectors (tests/data, origins in tests/data/SOURCES.md) through
# the CPU backends, each compared with the file and with the reference library
# called directly.
find_package(ZLIB REQUIRED)  # SUPERCOP's sign.input.gz is read with gzopen/gzread
vigil_add_test(vigil_vector_tests
  SOURCES
    vectors/sha256_nist_test.cpp
    vectors/wycheproof_ecdsa_test.cpp
    vectors/bip340_test.cpp
    vectors/ed25519_test.cpp
    vectors/ed25519_zip215_test.cpp
    vectors/ed25519_batch_test.cpp
    vectors/der_bip66_test.cpp
    vectors/sighash_test.cpp
  LABELS vectors)
target_link_libraries(vigil_vector_tests PRIVATE ZLIB::ZLIB)
# The kernel path run on the host (pipeline/secp_prepare.hpp, verify_secp_on_host).
target_link_libraries(vigil_vector_tests PRIVATE vigil_emulation)
