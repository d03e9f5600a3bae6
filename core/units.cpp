#include "core/units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace rafter {

std::string format_si(double value, std::string_view unit, int significant) {
  if (!std::isfinite(value)) return "n/a";
  static constexpr std::array<std::pair<double, const char*>, 11> prefixes{{
      {1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"},
      {1.0, ""}, {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}, {1e-12, "p"}}};
  const double magnitude = std::fabs(value);
  double scale = 1.0;
  const char* prefix = "";
  if (magnitude != 0.0) {
    scale = prefixes.back().first;
    prefix = prefixes.back().second;
    for (const auto& [factor, name] : prefixes) {
      if (magnitude >= factor * 0.9995) {
        scale = factor;
        prefix = name;
        break;
      }
    }
  }
  const double mantissa = value / scale;
  const int integer_digits = std::fabs(mantissa) < 1.0 ? 1 : static_cast<int>(std::floor(std::log10(std::fabs(mantissa)))) + 1;
  const int decimals = std::max(0, significant - integer_digits);
  return fmt::format("{:.{}f} {}{}", mantissa, decimals, prefix, unit);
}

std::string format_bandwidth(double bytes_per_s) { return format_si(bytes_per_s, "B/s"); }
std::string format_flops(double flop_per_s) { return format_si(flop_per_s, "FLOP/s"); }
bool is_integer_precision(std::string_view precision) { return precision.starts_with("int"); }
std::string_view compute_rate_unit(std::string_view precision) { return is_integer_precision(precision) ? "OP/s" : "FLOP/s"; }
std::string format_in_unit(double value, std::string_view unit) {
  if (!std::isfinite(value)) return "n/a";
  if (unit == "FLOP/s") return format_flops(value);
  if (unit == "B/s") return format_bandwidth(value);
  if (unit == "s") return format_seconds(value);
  if (unit == "FLOP/byte") return value >= 100.0 ? fmt::format("{:.0f} FLOP/byte", value) : fmt::format("{:.3g} FLOP/byte", value);
  if (unit == "count") return fmt::format("{:.0f}", value);
  if (unit.empty()) return fmt::format("{:.4g}", value);
  return format_si(value, unit);
}
std::string format_compute_rate(double per_s, std::string_view precision) {
  return format_si(per_s, compute_rate_unit(precision));
}
std::string format_seconds(double seconds) { return format_si(seconds, "s"); }
std::string format_hertz(double hertz) { return format_si(hertz, "Hz"); }

std::string format_capacity(double bytes) {
  if (!std::isfinite(bytes)) return "n/a";
  static constexpr std::array<const char*, 6> names{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t index = 0;
  double value = bytes;
  while (std::fabs(value) >= 1024.0 && index + 1 < names.size()) {
    value /= 1024.0;
    ++index;
  }
  // 1000 to 1023.x of a unit print whole ("1016 KiB"): three significant digits would need an exponent.
  if (value == std::floor(value) || std::fabs(value) >= 999.5) return fmt::format("{:.0f} {}", value, names[index]);
  return fmt::format("{:.3g} {}", value, names[index]);
}

std::optional<double> parse_bytes(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  double number = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || number < 0.0 || !std::isfinite(number)) return std::nullopt;
  std::string suffix(end, text.data() + text.size());
  while (!suffix.empty() && suffix.front() == ' ') suffix.erase(0, 1);
  for (auto& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::pair<const char*, double>, 13> suffixes{{
      {"", 1.0}, {"b", 1.0}, {"kib", 1024.0}, {"mib", 1048576.0}, {"gib", 1073741824.0},
      {"tib", 1099511627776.0}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
      {"k", 1024.0}, {"m", 1048576.0}, {"g", 1073741824.0}}};
  for (const auto& [name, factor] : suffixes) {
    if (suffix == name) return number * factor;
  }
  return std::nullopt;
}

}  // namespace rafter
