# Third-party libraries, all from Debian packages (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1>=0.2.0)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
pkg_check_modules(ROCKSDB REQUIRED IMPORTED_TARGET rocksdb>=7)  # the UTXO set
find_package(nlohmann_json 3 REQUIRED)  # header-only: chain configuration files
if(VIGIL_BUILD_TOOLS OR VIGIL_BUILD_TESTS)
  find_package(CLI11 CONFIG REQUIRED)
endif()
if(VIGIL_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(VIGIL_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
