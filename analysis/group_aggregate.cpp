#include "analysis/group_aggregate.hpp"

#include <map>

#include "analysis/analysis_metrics.hpp"

namespace rafter {

namespace {

double total_time_s(const std::vector<const kernel_group*>& groups) {
  double t = 0.0;
  for (const kernel_group* g : groups) t += g->total_s;
  return t;
}

const level_placement* find_level(const kernel_group& g, const std::string& level) {
  for (const auto& l : g.levels) {
    if (l.level == level) return &l;
  }
  return nullptr;
}

/// The common value of `key` over `placed`, or "mixed"; with the dominant value by time and its share.
template <typename Key>
void agree(const std::vector<const kernel_group*>& placed, Key key, std::string& common, std::string* dominant,
           std::optional<double>* dominant_share) {
  std::map<std::string, double> time_by_value;
  for (const kernel_group* g : placed) time_by_value[key(*g)] += g->total_s;
  if (time_by_value.empty()) return;
  common = time_by_value.size() == 1 ? time_by_value.begin()->first : std::string("mixed");
  if (!dominant) return;
  auto best = time_by_value.begin();
  for (auto it = time_by_value.begin(); it != time_by_value.end(); ++it) {
    if (it->second > best->second) best = it;
  }
  *dominant = best->first;
  const double placed_s = total_time_s(placed);
  *dominant_share = placed_s > 0.0 ? std::optional<double>(best->second / placed_s)
                                   : std::optional<double>(1.0 / static_cast<double>(placed.size()));
}

}  // namespace

std::string limiter_text(const kernel_group& g) {
  std::string s = to_string(g.limiter.kind);
  if (!g.limiter.detail.empty()) s += " (" + g.limiter.detail + ")";
  return s;
}

std::string aggregate_level(const std::vector<const kernel_group*>& groups) {
  std::map<std::string, double> time_by_level;
  for (const kernel_group* g : groups) {
    if (!g->placed()) continue;
    for (const auto& l : g->levels) time_by_level[l.level] += g->total_s;
  }
  for (const char* main : {"hbm", "dram"}) {
    if (time_by_level.count(main)) return main;
  }
  std::string best;
  double best_s = -1.0;
  for (const auto& [level, t] : time_by_level) {
    if (t > best_s) {
      best = level;
      best_s = t;
    }
  }
  return best;
}

std::vector<const kernel_group*> placed_at(const std::vector<const kernel_group*>& groups, const std::string& level) {
  std::vector<const kernel_group*> out;
  for (const kernel_group* g : groups) {
    if (g->placed() && find_level(*g, level)) out.push_back(g);
  }
  return out;
}

std::optional<double> aggregate_intensity(const std::vector<const kernel_group*>& placed, const std::string& level) {
  double flop = 0.0;
  double bytes = 0.0;
  for (const kernel_group* g : placed) {
    const level_placement* l = find_level(*g, level);
    if (!l) continue;
    flop += g->flop;
    bytes += l->bytes;
  }
  return arithmetic_intensity(flop, bytes);
}

std::optional<double> aggregate_flop_per_s(const std::vector<const kernel_group*>& placed) {
  double flop = 0.0;
  double work_s = 0.0;
  for (const kernel_group* g : placed) {
    flop += g->flop;
    work_s += g->work_time_s;
  }
  if (!(flop > 0.0)) return std::nullopt;
  return rate_per_s(flop, work_s);
}

std::optional<double> time_share(const std::vector<const kernel_group*>& part, const std::vector<const kernel_group*>& all) {
  const double total = total_time_s(all);
  if (!(total > 0.0)) return std::nullopt;
  return total_time_s(part) / total;
}

group_aggregate aggregate_groups(const std::vector<const kernel_group*>& groups) {
  group_aggregate a;
  a.time_s = total_time_s(groups);
  a.level = aggregate_level(groups);
  const std::vector<const kernel_group*> placed = a.level.empty() ? std::vector<const kernel_group*>{} : placed_at(groups, a.level);
  a.placed_time_s = total_time_s(placed);
  a.placed_share = time_share(placed, groups);
  if (placed.empty()) {
    // Verdicts that need no placement (communication, launch overhead, unknown), over all groups,
    // as a row of one unplaced group shows its own.
    a.level.clear();
    agree(groups, [](const kernel_group& g) { return limiter_text(g); }, a.limiter, &a.dominant_limiter, &a.limiter_share);
    return a;
  }
  a.intensity = aggregate_intensity(placed, a.level);
  a.flop_per_s = aggregate_flop_per_s(placed);
  agree(placed, [](const kernel_group& g) { return limiter_text(g); }, a.limiter, &a.dominant_limiter, &a.limiter_share);
  agree(placed, [](const kernel_group& g) { return g.binding; }, a.binding, nullptr, nullptr);
  return a;
}

}  // namespace rafter
