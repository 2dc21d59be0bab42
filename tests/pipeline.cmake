# The dispatch layer (pipeline/) and its substitute devices.
add_library(vigil_emulation STATIC pipeline/emulated_device.cpp pipeline/hasher_conformance.cpp
                                   pipeline/failing_verify_device.cpp pipeline/verifier_conformance.cpp)
target_include_directories(vigil_emulation PUBLIC ${PROJECT_SOURCE_DIR}/pipeline)
target_link_libraries(vigil_emulation PUBLIC vigil_testutil vigil_diffsupport)

vigil_add_test(vigil_pipeline_tests SOURCES pipeline/hasher_test.cpp pipeline/verifier_test.cpp pipeline/crossover_test.cpp)
target_link_libraries(vigil_pipeline_tests PRIVATE vigil_emulation)

# The engine (batching of many producers' submissions) over substitute devices.
vigil_add_test(vigil_engine_tests SOURCES pipeline/engine_test.cpp pipeline/engine_pipeline_test.cpp
  pipeline/engine_hash_test.cpp)
target_link_libraries(vigil_engine_tests PRIVATE vigil_emulation)

# GPU tests: label gpu; each skips itself where no GPU works.
vigil_add_test(vigil_gpu_tests SOURCES gpu/hasher_gpu_test.cpp gpu/verifier_gpu_test.cpp gpu/engine_gpu_test.cpp
  LABELS gpu TIMEOUT 1800)
target_link_libraries(vigil_gpu_tests PRIVATE vigil_emulation)
