# CUDA detection. VIGIL_CUDA=AUTO enables the GPU kernels when a toolkit is found,
# ON requires one, OFF builds the CPU-only library. The default architecture is 90
# (H100/H200); pass -DCMAKE_CUDA_ARCHITECTURES=... to build for others.
set(VIGIL_HAVE_CUDA OFF)
if(NOT VIGIL_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
      set(CMAKE_CUDA_ARCHITECTURES 90 CACHE STRING "CUDA architectures" FORCE)
    endif()
    enable_language(CUDA)
    # CMake before 3.26 does not know nvcc's C++20 flag; teach it.
    if(NOT CMAKE_CUDA20_STANDARD_COMPILE_OPTION)
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    set(VIGIL_HAVE_CUDA ON)
    # What ptxas says of every kernel (registers, stack, spills, shared
    # memory), kept beside each object by a compiler launcher: the resource
    # report and its budgets (scripts/kernel_resources.py, the test
    # kernel_resource_budgets) read it from the build tree, no GPU needed.
    add_compile_options($<$<COMPILE_LANGUAGE:CUDA>:-Xptxas=-v>)
    set(CMAKE_CUDA_COMPILER_LAUNCHER ${CMAKE_CURRENT_LIST_DIR}/ptxas_log.sh ${CMAKE_CUDA_COMPILER_LAUNCHER})
    message(STATUS "vigil: CUDA ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES}")
  elseif(VIGIL_CUDA STREQUAL "ON")
    message(FATAL_ERROR "VIGIL_CUDA=ON but no CUDA compiler was found (set CUDACXX or put nvcc on PATH)")
  else()
    message(STATUS "vigil: no CUDA toolkit found; building the CPU-only library")
  endif()
else()
  message(STATUS "vigil: CUDA disabled (VIGIL_CUDA=OFF)")
endif()
