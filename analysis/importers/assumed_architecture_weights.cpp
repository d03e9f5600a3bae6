#include "analysis/importers/assumed_architecture_weights.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "analysis/importers/ncu_metric_table.hpp"

namespace rafter {

namespace {

/// The phrase `ncu_metric_table::apply` ends its architecture notes with.
constexpr const char* k_unnamed_architecture = "depends on the GPU architecture, which the file does not name";

}  // namespace

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
                          [](const std::string& s) { return s.find(k_unnamed_architecture) != std::string::npos; }),
           nr.end());
  for (const auto& [note, n] : notes) {
    nr.push_back(note + " (" + std::to_string(n) + (n == 1 ? " kernel)" : " kernels)"));
  }
  const auto& cc = *options.assumed_cc;
  t.source.warnings.push_back("compute capability " + std::to_string(cc.major) + "." + std::to_string(cc.minor) +
                              " (sm_" + std::to_string(cc.major) + std::to_string(cc.minor) + ") assumed from " +
                              (options.assumed_cc_origin.empty() ? std::string("the caller") : options.assumed_cc_origin) +
                              " to weigh the counters of " + std::to_string(weighed) +
                              (weighed == 1 ? " kernel" : " kernels") + "; the trace does not name the architecture");
  return weighed;
}

}  // namespace rafter
