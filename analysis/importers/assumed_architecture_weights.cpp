#include "analysis/importers/assumed_architecture_weights.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "analysis/importers/ncu_metric_table.hpp"

namespace rafter {

std::size_t weigh_with_assumed_architecture(trace& t, const ncu_import_options& options) {
  if (!options.assumed_cc) return 0;
  std::set<int> named;  // devices whose compute capability the trace records
  for (const auto& d : t.devices) {
    if (d.cc_major) named.insert(d.id);
  }
  const auto qualifies = [&](const trace_kernel& k) {
    return k.metrics && !k.metrics->uncounted_flop.empty() && !k.metrics->raw.empty() && named.count(k.device) == 0;
  };
  if (std::none_of(t.kernels.begin(), t.kernels.end(), qualifies)) return 0;

  const ncu_metric_table table =
      options.metric_table ? ncu_metric_table::load(*options.metric_table) : ncu_metric_table::load_default();
  std::map<std::string, std::int64_t> notes;
  std::size_t weighed = 0;
  for (auto& k : t.kernels) {
    if (!qualifies(k)) continue;
    k.metrics->uncounted_flop.clear();
    for (const auto& note : table.apply(*k.metrics, options.assumed_cc)) ++notes[note];
    ++weighed;
  }
  auto& nr = t.source.not_recorded;
  nr.erase(std::remove_if(nr.begin(), nr.end(),
                          [](const std::string& s) { return s.find(k_architecture_not_named) != std::string::npos; }),
           nr.end());
  for (const auto& [note, n] : notes) nr.push_back(note_for_kernels(note, n));
  t.source.warnings.push_back(assumed_architecture_text(options) + " to weigh the counters of " +
                              std::to_string(weighed) + (weighed == 1 ? " kernel" : " kernels") +
                              "; the trace does not name the architecture");
  return weighed;
}

}  // namespace rafter
