#include "microbench/mpi/mpi_launcher.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "core/error.hpp"

namespace rafter::mpi {

namespace {

struct variable_pair {
  const char* size;
  const char* rank;
};

constexpr variable_pair launcher_variables[] = {
    {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"},
    {"PMI_SIZE", "PMI_RANK"},
};

int parse_count(const char* name, const char* text, int minimum) {
  const std::string_view s(text);
  int value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || value < minimum) {
    throw unsupported_error(std::string("environment variable ") + name + ": expected " +
                            (minimum > 0 ? "a positive" : "a non-negative") + " integer from the MPI launcher, got \"" +
                            std::string(s) + "\"");
  }
  return value;
}

}  // namespace

launcher_info detect_launcher(const env_lookup& getenv) {
  launcher_info info;
  for (const auto& v : launcher_variables) {
    const char* size = getenv(v.size);
    if (size == nullptr) continue;
    info.variable = v.size;
    info.size = parse_count(v.size, size, 1);
    if (const char* rank = getenv(v.rank)) {
      info.rank = parse_count(v.rank, rank, 0);
      if (info.rank >= info.size) {
        throw unsupported_error(std::string("environment variable ") + v.rank + ": rank " + rank + " is not below " +
                                v.size + "=" + size);
      }
    }
    return info;
  }
  return info;
}

launcher_info detect_launcher() {
  return detect_launcher([](const char* name) -> const char* { return std::getenv(name); });
}

}  // namespace rafter::mpi
