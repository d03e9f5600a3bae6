#pragma once

#include <string>

#include "core/trace.hpp"

namespace rafter {

/// The Chrome trace-event JSON of `t` (`rafter export --perfetto`), which ui.perfetto.dev and
/// chrome://tracing open. Mapping (docs/schemas.md, "Perfetto export"):
/// - every GPU is a process ("GPU 0: NVIDIA H100 ..."), every stream a thread ("stream 7") holding
///   its kernels and copies as complete events ("ph":"X"); GPU-side annotations get a thread of their
///   own per stream ("stream 7 annotations"), kernels whose times are placeholders
///   (`measured_times == false`) one per stream ("stream 7 (times not measured)");
/// - CPU threads are threads of one "host" process, holding their ranges and ops, nested;
/// - kernels with measured counters or shape estimates add counter events ("ph":"C") per device:
///   the device's FLOP/s and bytes/s summed over the kernels running at each instant;
/// - names via "M" metadata events; grid, block, registers, shared memory, correlation, graph and
///   op ids, metrics and estimates in `args`;
/// - a kernel's launching call (`kernels[].launch`) in its `args.launch` and as a flow from the
///   call's CPU thread to the kernel.
/// `ts` and `dur` are microseconds written as decimals with exactly three fractional digits, so
/// nanoseconds survive; `ts` counts from the earliest record (written as `baseTimeNanoseconds`,
/// in the trace's own clock), which keeps every value exact in a double. pids and tids are small
/// numbers assigned here (Perfetto reads them as unsigned 32-bit, tids unique across processes);
/// the trace's own device, stream and thread ids are in the names and `args`. A record that
/// overlaps an earlier one on its thread without nesting in it moves to an extra thread ("stream 7
/// (overlapping 1)"), since viewers drop slices that do not nest. Strings are escaped
/// for JSON (invalid UTF-8 becomes U+FFFD). Events of a thread are ordered by start, longer first.
/// Written with fmt into one string, event by event, without a JSON tree. Deterministic.
[[nodiscard]] std::string perfetto_trace_json(const trace& t);

}  // namespace rafter
