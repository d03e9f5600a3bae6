#include "microbench/gbench_runner.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/error.hpp"
#include "core/interrupt.hpp"

namespace rafter {

namespace {

double stat_min(const std::vector<double>& v) { return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end()); }
double stat_max(const std::vector<double>& v) { return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()); }

/// Keeps GB's runs instead of printing them.
class collecting_reporter : public benchmark::BenchmarkReporter {
public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override { m_runs.insert(m_runs.end(), runs.begin(), runs.end()); }
  [[nodiscard]] const std::vector<Run>& runs() const noexcept { return m_runs; }

private:
  std::vector<Run> m_runs;
};

struct attempt_result {
  sample_stats seconds;
  double cv = 0.0;
};

attempt_result run_once(const std::string& name, const std::function<double()>& one_iteration,
                        const timing_policy& policy, int repetitions) {
  benchmark::ClearRegisteredBenchmarks();
  std::exception_ptr thrown;  // one_iteration's exception, rethrown once Google Benchmark returned.
  benchmark::RegisterBenchmark(name.c_str(),
                               [&](benchmark::State& state) {
                                 for (auto _ : state) {
                                   if (thrown) {  // Later repetitions: skipped without calling it again.
                                     state.SkipWithError("the measured function threw");
                                     break;
                                   }
                                   if (interrupt_requested()) {
                                     state.SkipWithError("interrupted");
                                     break;
                                   }
                                   try {
                                     state.SetIterationTime(one_iteration());
                                   } catch (...) {
                                     thrown = std::current_exception();
                                     state.SkipWithError("the measured function threw");
                                     break;
                                   }
                                 }
                               })
      ->UseManualTime()
      ->MinTime(policy.min_time_s)
      ->MinWarmUpTime(policy.warmup_s)
      ->Repetitions(repetitions)
      ->ComputeStatistics("min", stat_min)
      ->ComputeStatistics("max", stat_max);
  collecting_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
  if (thrown) std::rethrow_exception(thrown);
  throw_if_interrupted();

  attempt_result result;
  bool have_median = false, have_min = false, have_max = false;
  for (const auto& run : reporter.runs()) {
    if (run.error_occurred) throw error(exit_code::check_failed, name + ": " + run.error_message);
    if (run.run_type != benchmark::BenchmarkReporter::Run::RT_Aggregate) {
      ++result.seconds.n;
      continue;
    }
    const double per_iteration = run.real_accumulated_time / static_cast<double>(std::max<benchmark::IterationCount>(1, run.iterations));
    if (run.aggregate_name == "median") {
      result.seconds.median = per_iteration;
      have_median = true;
    } else if (run.aggregate_name == "min") {
      result.seconds.min = per_iteration;
      have_min = true;
    } else if (run.aggregate_name == "max") {
      result.seconds.max = per_iteration;
      have_max = true;
    } else if (run.aggregate_name == "cv") {
      result.cv = run.real_accumulated_time;  // A fraction; GB sets iterations to 1 for percentages.
    }
  }
  if (!have_median || !have_min || !have_max || result.seconds.median <= 0.0) {
    throw std::runtime_error(name + ": Google Benchmark returned no aggregates");
  }
  return result;
}

}  // namespace

sample_stats measure_with_gbench(const std::string& name, const std::function<double()>& one_iteration,
                                 const timing_policy& policy) {
  int repetitions = std::max(2, policy.repetitions);
  attempt_result result;
  for (int attempt = 1; attempt <= std::max(1, policy.max_attempts); ++attempt) {
    result = run_once(name, one_iteration, policy, repetitions);
    result.seconds.settled = result.cv <= policy.settle_cv;
    if (result.seconds.settled) break;
    repetitions *= 2;
  }
  return result.seconds;
}

}  // namespace rafter
