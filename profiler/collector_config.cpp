#include "profiler/collector_config.hpp"

#include <charconv>
#include <regex>

#include "core/error.hpp"

namespace rafter::profiler {

namespace {

std::int64_t parse_count(const char* variable, const char* text) {
  std::int64_t value = 0;
  const char* end = text + std::char_traits<char>::length(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || ptr == text || value < 0) {
    throw usage_error(std::string("environment variable ") + variable + ": expected a non-negative integer, got '" +
                      text + "'");
  }
  return value;
}

/// A buffer size in bytes: a multiple of 8 in [min, max].
std::size_t parse_buffer_bytes(const char* variable, const char* text, std::size_t min, std::size_t max) {
  const auto bytes = static_cast<std::size_t>(parse_count(variable, text));
  if (bytes < min || bytes > max || bytes % 8 != 0) {
    throw usage_error(std::string("environment variable ") + variable + ": expected a multiple of 8 between " +
                      std::to_string(min) + " and " + std::to_string(max) + ", got '" + text + "'");
  }
  return bytes;
}

}  // namespace

collector_config config_from_environment(const std::function<const char*(const char*)>& lookup) {
  collector_config config;
  const auto get = [&](const char* name) -> const char* {
    const char* value = lookup(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
  };
  if (const char* v = get("RAFTER_TRACE_OUTPUT")) config.output = v;
  if (const char* v = get("RAFTER_TRACE_METRICS")) {
    const std::string mode = v;
    if (mode == "roofline") {
      config.roofline_metrics = true;
    } else if (mode != "none") {
      throw usage_error("environment variable RAFTER_TRACE_METRICS: expected none or roofline, got '" + mode + "'");
    }
  }
  if (const char* v = get("RAFTER_TRACE_METRICS_FILE")) config.metrics_file = v;
  if (const char* v = get("RAFTER_TRACE_KERNELS")) {
    config.kernel_regex = v;
    try {
      const std::regex check(config.kernel_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw usage_error("environment variable RAFTER_TRACE_KERNELS: not a valid regular expression '" +
                        config.kernel_regex + "': " + e.what());
    }
  }
  if (const char* v = get("RAFTER_TRACE_SKIP")) config.skip = parse_count("RAFTER_TRACE_SKIP", v);
  if (const char* v = get("RAFTER_TRACE_MAX_KERNELS")) config.max_kernels = parse_count("RAFTER_TRACE_MAX_KERNELS", v);
  if (const char* v = get("RAFTER_TRACE_BUFFER_BYTES")) {
    config.buffer_bytes = parse_buffer_bytes("RAFTER_TRACE_BUFFER_BYTES", v, min_buffer_bytes, max_buffer_bytes);
  }
  if (const char* v = get("RAFTER_TRACE_DEVICE_BUFFER_BYTES")) {
    config.device_buffer_bytes =
        parse_buffer_bytes("RAFTER_TRACE_DEVICE_BUFFER_BYTES", v, min_device_buffer_bytes, max_device_buffer_bytes);
  }
  if (const char* v = get("RAFTER_TRACE_NVTX")) config.nvtx = std::string(v) == "1";
  if (const char* v = get("RAFTER_TRACE_ROOT_PID")) config.root_pid = parse_count("RAFTER_TRACE_ROOT_PID", v);
  return config;
}

std::vector<std::pair<std::string, std::string>> config_to_environment(const collector_config& config) {
  std::vector<std::pair<std::string, std::string>> env{
      {"RAFTER_TRACE_OUTPUT", config.output.string()},
      {"RAFTER_TRACE_METRICS", config.roofline_metrics ? "roofline" : "none"},
      {"RAFTER_TRACE_SKIP", std::to_string(config.skip)},
      {"RAFTER_TRACE_BUFFER_BYTES", std::to_string(config.buffer_bytes)},
      {"RAFTER_TRACE_NVTX", config.nvtx ? "1" : "0"},
  };
  if (!config.metrics_file.empty()) env.emplace_back("RAFTER_TRACE_METRICS_FILE", config.metrics_file.string());
  if (!config.kernel_regex.empty()) env.emplace_back("RAFTER_TRACE_KERNELS", config.kernel_regex);
  if (config.max_kernels) env.emplace_back("RAFTER_TRACE_MAX_KERNELS", std::to_string(*config.max_kernels));
  if (config.root_pid) env.emplace_back("RAFTER_TRACE_ROOT_PID", std::to_string(*config.root_pid));
  if (config.device_buffer_bytes) {
    env.emplace_back("RAFTER_TRACE_DEVICE_BUFFER_BYTES", std::to_string(*config.device_buffer_bytes));
  }
  return env;
}

}  // namespace rafter::profiler
