#include "reports/analysis_report_markdown.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/analysis_document.hpp"
#include "core/units.hpp"
#include "reports/markdown_text.hpp"
#include "reports/analysis_totals_text.hpp"

namespace rafter {

namespace {

std::string pct(double fraction) { return fmt::format("{:.1f}%", fraction * 100.0); }
std::string opt_flops(const std::optional<double>& v) { return v ? format_flops(*v) : "-"; }

std::string shape(const kernel_group& g) {
  if (!g.grid && !g.block) return "-";
  auto d = [](const std::optional<dim3_value>& v) { return v ? fmt::format("{}x{}x{}", v->x, v->y, v->z) : std::string("?"); };
  return d(g.grid) + " / " + d(g.block);
}

std::string limiter_text(const kernel_group& g) {
  std::string s = to_string(g.limiter.kind);
  if (!g.limiter.detail.empty()) s += " (" + g.limiter.detail + ")";
  return s;
}

std::string ai_text(const kernel_group& g) {
  std::string out;
  for (const auto& l : g.levels) {
    if (!l.arithmetic_intensity) continue;
    out += (out.empty() ? "" : ", ") + fmt::format("{} {:.3g}", l.level, *l.arithmetic_intensity);
  }
  return out.empty() ? "-" : out;
}

std::string fraction_of_roof(const kernel_group& g) {
  if (g.achieved_flop_per_s && g.attainable_flop_per_s && *g.attainable_flop_per_s > 0.0) {
    return pct(*g.achieved_flop_per_s / *g.attainable_flop_per_s);
  }
  if (g.memory_fraction) return pct(*g.memory_fraction) + " of " + g.memory_level + " BW";
  if (g.link_fraction) return pct(*g.link_fraction) + " of " + g.link_ceiling + " busbw";
  if (g.bus_bytes_per_s) return "busbw " + format_bandwidth(*g.bus_bytes_per_s);
  return "-";
}

}  // namespace

std::string render_analysis_markdown(const analysis_document& a, std::size_t rows) {
  std::string md;
  const auto& t = a.totals;
  md += "# rafter analysis: " + markdown_code(a.trace_file, 200) + " on " + markdown_code(a.machine_name, 200) + "\n\n";
  md += "- Machine: " + markdown_text(a.machine_name) + " from " + markdown_code(a.machine_file, 200) + " (" + markdown_text(a.machine_choice) + ")\n";
  md += fmt::format("- Kernels: {} launches in {} groups, {} of kernel time\n", t.kernels, t.groups, format_seconds(t.kernel_time_s));
  md += fmt::format("- Placed on the roofline: {} of kernel time (work from counters {}, from shape estimates {}, unknown {}){}\n",
                    pct(t.placed_fraction), pct(t.kernel_time_s > 0 ? t.measured_time_s / t.kernel_time_s : 0.0),
                    pct(t.kernel_time_s > 0 ? t.estimated_time_s / t.kernel_time_s : 0.0),
                    pct(t.kernel_time_s > 0 ? t.unknown_time_s / t.kernel_time_s : 0.0), extrapolated_text(t));
  if (t.communication_time_s > 0.0) {
    md += fmt::format("- Communication: {} of kernel time, held against links, not the roofline (bus bandwidth known for {} of it)\n",
                      pct(t.communication_time_s / t.kernel_time_s), pct(t.collective_time_s / t.communication_time_s));
  }
  md += "- Opportunity: " + format_seconds(t.opportunity_s) +
        " of kernel time would be saved if every placed group ran at its attainable performance\n";
  if (t.flagged_groups > 0) md += fmt::format("- **{} group(s) flagged** with impossible or suspicious numbers\n", t.flagged_groups);
  md += "\n";

  if (!a.warnings.empty()) {
    md += "## Warnings\n\n";
    for (const auto& w : a.warnings) md += "- " + markdown_text(w) + "\n";
    md += "\n";
  }

  md += "## Devices\n\n| Device | Kernels | Span | Busy | Idle | Kernel time | Concurrent | Idle gaps |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& d : a.devices) {
    md += fmt::format("| {} {} | {} | {} | {} ({}) | {} | {} | {} | {} ({}) |\n", d.device, d.name.empty() ? "(unnamed)" : markdown_code(d.name, 60),
                      d.kernels, format_seconds(d.span_s), format_seconds(d.busy_s), pct(d.span_s > 0 ? d.busy_s / d.span_s : 0.0),
                      format_seconds(d.idle_s), format_seconds(d.kernel_time_s), format_seconds(d.concurrent_s), d.gaps,
                      format_seconds(d.gap_total_s));
  }
  md += "\n## Time by class\n\n| Class | Kernel time | Share | Launches | Groups | Placed | Opportunity |\n|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& c : a.classes) {
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", to_string(c.cls), format_seconds(c.time_s), pct(c.fraction), c.kernels,
                      c.groups, pct(c.time_s > 0 ? c.placed_s / c.time_s : 0.0), format_seconds(c.opportunity_s));
  }

  md += "\n## Top opportunities\n\n";
  if (a.opportunities.empty()) {
    md += "No group has a known opportunity (none could be placed on the roofline, or all run at their roof).\n";
  } else {
    md += "| # | Kernel | Class | Launches | Time | Achieved | Attainable | Limiter | Saved | Why |\n|---:|---|---|---:|---:|---:|---:|---|---:|---|\n";
    int rank = 1;
    for (const auto id : a.opportunities) {
      const auto& g = a.groups[static_cast<std::size_t>(id)];
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", rank++, markdown_code(g.display_name()), to_string(g.cls), g.count,
                        format_seconds(g.total_s), opt_flops(g.achieved_flop_per_s), opt_flops(g.attainable_flop_per_s),
                        limiter_text(g), format_seconds(g.opportunity_s.value_or(0.0)), markdown_text(g.limiter.rule));
    }
  }

  md += fmt::format("\n## Kernel groups by time (top {} of {})\n\n", std::min<std::size_t>(rows, a.groups.size()), a.groups.size());
  md += "| Kernel | Grid / block | Class | Launches | Total | Mean | Work | AI (FLOP/byte) | Achieved | Of roof | Limiter |\n"
        "|---|---|---|---:|---:|---:|---|---|---:|---:|---|\n";
  for (std::size_t i = 0; i < a.groups.size() && i < rows; ++i) {
    const auto& g = a.groups[i];
    md += fmt::format("| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", g.flags.empty() ? "" : "(!) ", markdown_code(g.display_name()),
                      shape(g), to_string(g.cls), g.count, format_seconds(g.total_s), format_seconds(g.mean_s), to_string(g.work),
                      ai_text(g), opt_flops(g.achieved_flop_per_s), fraction_of_roof(g), limiter_text(g));
  }

  if (!a.ranges.empty()) {
    md += "\n## Time by range\n\nCPU-side ranges count the kernels launched inside them on their own thread; kernels "
          "launched from another thread (autograd's backward thread) count in none of them. GPU-side annotations get the "
          "kernel time overlapping them.\n\n| Range | Domain | Side | Instances | Wall time | Kernels | Kernel time |\n|---|---|---|---:|---:|---:|---:|\n";
    for (std::size_t i = 0; i < a.ranges.size() && i < rows; ++i) {
      const auto& r = a.ranges[i];
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", markdown_code(r.name, 80), r.domain.empty() ? "-" : markdown_code(r.domain, 40),
                        r.gpu_side ? "GPU" : "CPU", r.count, format_seconds(r.wall_s), r.kernels, format_seconds(r.kernel_time_s));
    }
    if (a.ranges.size() > rows || a.ranges_omitted > 0) {
      md += fmt::format("\n{} more range name(s) not shown.\n", a.ranges.size() - std::min(rows, a.ranges.size()) +
                                                                  static_cast<std::size_t>(a.ranges_omitted));
    }
  }
  if (!a.copies.empty()) {
    md += "\n## Copies\n\n| Kind | Count | Bytes | Time | Achieved | Link (one direction) | Of link |\n|---|---:|---:|---:|---:|---|---:|\n";
    for (const auto& c : a.copies) {
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", markdown_text(c.kind), c.count, format_si(c.bytes, "B"), format_seconds(c.time_s),
                        c.achieved_bytes_per_s ? format_bandwidth(*c.achieved_bytes_per_s) : "-",
                        c.link.empty() ? "-" : markdown_text(c.link) + " " + format_bandwidth(c.link_bytes_per_s.value_or(0.0)),
                        c.fraction_of_link ? pct(*c.fraction_of_link) : "-");
    }
  }
  const auto& th = a.thresholds;
  md += fmt::format(
      "\nLimiter rules (docs/metrics.md): communication kernels by class; launch overhead when the mean time is < {} and the "
      "mean idle gap before each launch is >= {:.3g} x the mean time; else Nsight Compute's SOL rule on the fractions of the "
      "compute and memory roofs: either >= {} names it, both < {} is latency, a difference >= {} names the higher. "
      "Achieved above a roof by more than {} is flagged.\n\n{}\n",
      format_seconds(th.short_kernel_s), th.launch_gap_ratio, pct(th.high_throughput), pct(th.latency_bound), pct(th.balanced),
      pct(th.noise), k_units_sentence);
  return md;
}

}  // namespace rafter
