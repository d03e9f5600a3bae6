# CUDA is a language of the build when nvcc is found (RAFTER_ENABLE_CUDA=AUTO) or required (ON).
# Sets RAFTER_HAVE_CUDA. The CUDA runtime is linked statically so that `rafter` starts on machines
# without a driver; the driver and NVML are reached lazily at run time.
set(RAFTER_HAVE_CUDA OFF)
if(NOT RAFTER_ENABLE_CUDA STREQUAL "OFF")
  if(NOT DEFINED CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # Default architectures: the local GPU when one is visible, else Ampere, Hopper and Blackwell.
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
      execute_process(COMMAND nvidia-smi --query-gpu=compute_cap --format=csv,noheader
                      OUTPUT_VARIABLE _rafter_cc RESULT_VARIABLE _rafter_smi_rc
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(_rafter_smi_rc EQUAL 0 AND _rafter_cc MATCHES "^[0-9]")
        set(CMAKE_CUDA_ARCHITECTURES native)
      else()
        set(CMAKE_CUDA_ARCHITECTURES 80 86 89 90 100 120)
      endif()
    endif()
    enable_language(CUDA)
    if(CMAKE_VERSION VERSION_LESS 3.26 AND CMAKE_CUDA_COMPILER_VERSION VERSION_GREATER_EQUAL 12.0)
      # CMake before 3.26 does not know nvcc's C++20 flag (the "CUDA20" dialect): tell it.
      set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
      set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    endif()
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    # The GPU parts need CUDA 13.0: the family targets sm_100f/sm_110f/sm_120f and sm_110a of the
    # tcgen05 and NVFP4 kernels (sm_110 is 13.0's name for Thor), cuptiSubscribe_v2 in the collector.
    set(RAFTER_MIN_CUDA_VERSION 13.0)
    if(CMAKE_CUDA_COMPILER_VERSION VERSION_LESS RAFTER_MIN_CUDA_VERSION)
      set(_rafter_old_cuda "CUDA ${CMAKE_CUDA_COMPILER_VERSION} (${CMAKE_CUDA_COMPILER}) is older than the \
${RAFTER_MIN_CUDA_VERSION} rafter's GPU parts need")
      if(RAFTER_ENABLE_CUDA STREQUAL "ON")
        message(FATAL_ERROR "RAFTER_ENABLE_CUDA=ON: ${_rafter_old_cuda}. Install CUDA ${RAFTER_MIN_CUDA_VERSION} or newer "
                            "(CMAKE_CUDA_COMPILER), or configure with -DRAFTER_ENABLE_CUDA=OFF.")
      endif()
      message(WARNING "rafter: ${_rafter_old_cuda}; building the host parts only")
      return()
    endif()
    set(RAFTER_HAVE_CUDA ON)
    message(STATUS "rafter: CUDA ${CMAKE_CUDA_COMPILER_VERSION}, architectures: ${CMAKE_CUDA_ARCHITECTURES}")
  elseif(RAFTER_ENABLE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "RAFTER_ENABLE_CUDA=ON but no CUDA compiler was found. Install the CUDA Toolkit "
                        "or set CMAKE_CUDA_COMPILER, or configure with -DRAFTER_ENABLE_CUDA=OFF.")
  else()
    message(STATUS "rafter: no CUDA compiler found; building the host parts only")
  endif()
endif()
