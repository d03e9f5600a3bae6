#pragma once

// A machine comparison whose one rule is inconclusive (fp32 halved, but the repetitions' spreads
// overlap) and which warns that A and B are different kinds of device: the case every comparison
// report must render as a failure with the warning first.
#include "analysis/comparison.hpp"
#include "analysis/comparison_rules.hpp"
#include "analysis/metric_delta.hpp"

namespace rafter::testing {

inline comparison inconclusive_cpu_vs_gpu_comparison() {
  comparison c;
  c.subject = "machine";
  c.warnings = {"A is a cpu (host) and B a gpu (H100)"};
  metric_delta m;
  m.name = "compute.fp32.vector";
  m.section = "compute";
  m.unit = "FLOP/s";
  set_a(m, 102e9, 40e9, 197e9);
  set_b(m, 51e9, 20e9, 98.5e9);
  c.metrics = {m};
  c.rules = evaluate_rules(parse_rules("compute.fp32.vector:-2%"), c.metrics);
  return c;
}

}  // namespace rafter::testing
