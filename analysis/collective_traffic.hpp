#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/trace.hpp"

namespace rafter {

/// nccl-tests' bandwidth definitions (doc/PERFORMANCE.md of NVIDIA/nccl-tests) applied to a
/// collective a trace recorded (docs/metrics.md, "Collectives in traces"). Bytes, seconds.

/// Message size S: the larger of the rank's input and output buffers (nccl-tests' "size": an
/// all-gather's gathered output, a reduce-scatter's input).
[[nodiscard]] double collective_message_bytes(const kernel_collective& c) noexcept;

/// busbw / algbw for a recorded collective name ("allreduce", "all_gather", "_reduce_scatter_base",
/// ...; case and underscores ignored) over `ranks` ranks: all-reduce 2(n-1)/n; all-gather,
/// reduce-scatter, all-to-all, gather and scatter (n-1)/n; broadcast, reduce, send and recv 1.
/// Nothing for other names (barrier, ...) or fewer than 2 ranks.
[[nodiscard]] std::optional<double> collective_bus_factor(std::string_view name, int ranks);

/// Id of the machine-profile link that `rafter sweep` measures for this collective
/// ("nccl_allreduce", "nccl_allgather", "nccl_reducescatter"), or "" when it measures none.
[[nodiscard]] std::string collective_link_id(std::string_view name);

}  // namespace rafter
