# Installation: the library, its public headers, a CMake package
# (find_package(vigil) -> vigil::vigil) and a pkg-config file (vigil.pc).
include(CMakePackageConfigHelpers)

install(TARGETS vigil EXPORT vigilTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/engine/include/vigil DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/generated/vigil/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/vigil)

set(VIGIL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/vigil)
install(EXPORT vigilTargets NAMESPACE vigil:: DESTINATION ${VIGIL_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/vigilConfig.cmake.in
  ${PROJECT_BINARY_DIR}/vigilConfig.cmake INSTALL_DESTINATION ${VIGIL_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/vigilConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/vigilConfig.cmake ${PROJECT_BINARY_DIR}/vigilConfigVersion.cmake
  DESTINATION ${VIGIL_CMAKE_DIR})

# pkg-config: a static libvigil needs these on the link line too (pkg-config --static).
set(VIGIL_PC_REQUIRES_PRIVATE "libsecp256k1 libsodium libcrypto rocksdb")
file(RELATIVE_PATH VIGIL_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/vigil.pc.in ${PROJECT_BINARY_DIR}/vigil.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/vigil.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
