# Every dependency through find_package and its imported target; scripts/setup.sh installs them.
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)
find_package(benchmark REQUIRED)
if(RAFTER_ENABLE_TESTS)
  find_package(GTest REQUIRED)
endif()
# Trace ingestion: simdjson for the streaming hot path, SQLite for Nsight Systems exports, zlib and
# libdeflate for gzip.
find_package(simdjson REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)
