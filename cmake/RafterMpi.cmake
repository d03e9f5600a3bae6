# MPI runs the interconnect suite across ranks (`mpirun -np N rafter sweep --suite interconnect`):
# built when find_package(MPI) finds MPI for C++ (RAFTER_ENABLE_MPI=AUTO) or required (ON). rafter
# calls MPI's C API only (MPI_CXX_SKIP_MPICXX: no C++ bindings library), from C++, so the project
# needs no C compiler. Sets RAFTER_HAVE_MPI. Only microbench/mpi/ sees mpi.h; the rest of rafter
# reaches MPI through microbench/mpi/mpi_world.hpp.
set(RAFTER_HAVE_MPI OFF)
if(NOT RAFTER_ENABLE_MPI STREQUAL "OFF")
  set(MPI_CXX_SKIP_MPICXX ON CACHE BOOL "rafter uses MPI's C API only")
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(RAFTER_HAVE_MPI ON)
    message(STATUS "rafter: MPI ${MPI_CXX_VERSION} found; the interconnect suite runs under mpirun")
  elseif(RAFTER_ENABLE_MPI STREQUAL "ON")
    message(FATAL_ERROR "RAFTER_ENABLE_MPI=ON but no MPI was found. Install it (Debian: libopenmpi-dev openmpi-bin, "
                        "scripts/setup.sh does) or configure with -DRAFTER_ENABLE_MPI=OFF.")
  else()
    message(STATUS "rafter: no MPI found; `rafter sweep` under mpirun says so and exits 3")
  endif()
endif()
