#include "analysis/datasheet_comparison.hpp"

#include <fmt/format.h>

#include "core/units.hpp"

namespace rafter {

namespace {


bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

const link_ceiling* find_link(const machine_profile& p, const std::string& id) {
  for (const auto& l : p.links) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

std::string rate_of(const datasheet_ratio& r) {
  return r.kind == "compute" ? format_compute_rate(r.datasheet, r.id) : format_bandwidth(r.datasheet);
}

std::string percent_text(double percent) { return fmt::format("{:.1f}%", percent); }

void add(std::vector<datasheet_ratio>& out, const std::string& kind, const std::string& id, double measured,
         const std::string& datasheet_id, double datasheet) {
  if (datasheet <= 0.0 || measured <= 0.0) return;
  out.push_back({kind, id, measured, datasheet_id, datasheet, 100.0 * measured / datasheet});
}

}  // namespace

std::vector<datasheet_ratio> compare_with_datasheet(const machine_profile& measured, const machine_profile& datasheet) {
  std::vector<datasheet_ratio> out;
  for (const auto& c : measured.compute) {
    const compute_ceiling* best = nullptr;
    for (const auto& d : datasheet.compute) {
      if (d.precision != c.precision || d.on_matrix_units() != c.on_matrix_units()) continue;
      if (best == nullptr || d.flop_per_s > best->flop_per_s) best = &d;
    }
    if (best != nullptr) add(out, "compute", c.id, c.flop_per_s, best->id, best->flop_per_s);
  }
  for (const auto& m : measured.memory) {
    const memory_level* d = datasheet.find_memory(m.level);
    if (d == nullptr) continue;
    const std::pair<const char*, std::optional<double> memory_level::*> quantities[] = {
        {"read", &memory_level::read_bytes_per_s},
        {"write", &memory_level::write_bytes_per_s},
        {"copy", &memory_level::copy_bytes_per_s},
        {"triad", &memory_level::triad_bytes_per_s}};
    for (const auto& [name, field] : quantities) {
      if (!(m.*field)) continue;
      const bool same = (d->*field).has_value();
      const std::optional<double> ref = same ? d->*field : d->read_bytes_per_s;
      if (!ref) continue;
      add(out, "memory", m.level + "." + name, *(m.*field), m.level + "." + (same ? name : "read"), *ref);
    }
  }
  const link_ceiling* pcie = find_link(datasheet, "pcie");
  const link_ceiling* nvlink = find_link(datasheet, "nvlink");
  for (const auto& l : measured.links) {
    if (starts_with(l.id, "h2d_") || starts_with(l.id, "d2h_")) {
      if (pcie) add(out, "link", l.id, l.bytes_per_s, "pcie (one direction)", pcie->one_direction_bytes_per_s());
    } else if (starts_with(l.id, "bidir_")) {
      if (pcie) add(out, "link", l.id, l.bytes_per_s, "pcie (both directions)", 2 * pcie->one_direction_bytes_per_s());
    } else if (starts_with(l.id, "p2p_") || starts_with(l.id, "nccl_")) {
      if (const link_ceiling* peer = nvlink ? nvlink : pcie) {
        add(out, "link", l.id, l.bytes_per_s, peer->id + " (one direction)", peer->one_direction_bytes_per_s());
      }
    }
  }
  return out;
}

void annotate_with_datasheet(machine_profile& measured, const std::vector<datasheet_ratio>& ratios,
                             const std::string& datasheet_name) {
  const auto append = [](std::string& note, const std::string& text) { note += (note.empty() ? "" : "; ") + text; };
  for (const auto& r : ratios) {
    const std::string text = fmt::format("{} of datasheet {}, {} ({})", percent_text(r.percent), r.datasheet_id, rate_of(r),
                                         datasheet_name);
    if (r.kind == "compute") {
      for (auto& c : measured.compute) {
        if (c.id == r.id) append(c.note, text);
      }
    } else if (r.kind == "memory") {
      const std::string level = r.id.substr(0, r.id.find('.'));
      for (auto& m : measured.memory) {
        if (m.level == level) append(m.note, r.id.substr(level.size() + 1) + ": " + text);
      }
    } else {
      for (auto& l : measured.links) {
        if (l.id == r.id) append(l.note, text);
      }
    }
  }
  measured.device.environment["datasheet"] = datasheet_name;
}

std::string format_datasheet_ratios(const std::vector<datasheet_ratio>& ratios, const std::string& datasheet_name) {
  if (ratios.empty()) return {};
  std::string out = fmt::format("\n  vs datasheet {}\n  {:<30} {:>16} {:>16} {:>8}  {}\n", datasheet_name, "ceiling", "measured",
                                "datasheet", "%", "compared with");
  for (const auto& r : ratios) {
    const std::string measured = r.kind == "compute" ? format_compute_rate(r.measured, r.id) : format_bandwidth(r.measured);
    out += fmt::format("  {:<30} {:>16} {:>16} {:>8}  {}\n", r.id, measured, rate_of(r), percent_text(r.percent), r.datasheet_id);
  }
  return out;
}

}  // namespace rafter
