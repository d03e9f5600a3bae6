#include "cli/profile_summary.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/units.hpp"

namespace rafter::cli {

namespace {
std::string opt_rate(const std::optional<double>& v) { return v ? format_bandwidth(*v) : "-"; }
}  // namespace

std::string profile_summary(const machine_profile& p) {
  std::string out = fmt::format("{} ({}, {})\n", p.device.name, to_string(p.device.kind), p.device.obtained);
  if (!p.memory.empty()) {
    std::size_t width = 6;  // the level column fits the longest name ("dram.step1", "l2.far")
    for (const auto& m : p.memory) width = std::max(width, m.level.size());
    out += fmt::format("\n  {:<{}} {:>13} {:>13} {:>13} {:>13} {:>11} {:>9}\n", "level", width, "read", "write", "copy",
                       "triad", "latency", "cycles");
    for (const auto& m : p.memory) {
      out += fmt::format("  {:<{}} {:>13} {:>13} {:>13} {:>13} {:>11} {:>9}\n", m.level, width, opt_rate(m.read_bytes_per_s),
                         opt_rate(m.write_bytes_per_s), opt_rate(m.copy_bytes_per_s), opt_rate(m.triad_bytes_per_s),
                         m.latency_s ? format_seconds(*m.latency_s) : "-",
                         m.latency_cycles ? fmt::format("{:.1f}", *m.latency_cycles) : "-");
    }
  }
  if (!p.compute.empty()) {
    out += fmt::format("\n  {:<22} {:>16}\n", "compute", "peak");
    for (const auto& c : p.compute) {
      out += fmt::format("  {:<22} {:>16}{}\n", c.id, format_compute_rate(c.flop_per_s, c.precision),
                         c.samples && !c.samples->settled ? "  (not settled)" : "");
    }
  }
  for (const auto& l : p.links) out += fmt::format("  link {:<17} {:>16}\n", l.id, format_bandwidth(l.bytes_per_s));
  if (!p.warnings.empty()) {
    out += "\n  warnings:\n";
    for (const auto& w : p.warnings) out += "  - " + w + "\n";
  }
  return out;
}

}  // namespace rafter::cli
