#pragma once

#include <functional>

#include "core/sample_stats.hpp"

namespace rafter::mpi {

/// Repetitions and work per sample of a measurement that every rank of a job takes part in.
struct agreed_timing_policy {
  int repetitions = 5;          ///< Timed samples in the first attempt.
  double target_s = 2e-3;       ///< Seconds one sample should last; the repeat count is scaled to it.
  int max_repeats = 1 << 16;    ///< Operations per sample, at most.
  double settle_spread = 0.2;   ///< Settled when (max - min) / median of the samples is at most this.
  int max_attempts = 2;         ///< Attempts (repetitions doubling each time) before flagging settled=false.
};

/// The result of time_agreed: seconds per operation over the samples of the last attempt.
struct agreed_timing {
  sample_stats seconds;  ///< Seconds of one operation (a sample's time divided by `repeats`).
  int repeats = 1;       ///< Operations per sample.
};

/// Times an operation that every rank performs together (a ping-pong, a collective).
/// `time_of(n)` runs n operations back to back and returns this rank's seconds; `slowest(s)`
/// returns the largest `s` over all ranks (an MPI max-reduction; the identity in one process).
/// Every sample counts the slowest rank's time, and every decision (warm-up, repeat count,
/// measuring again with twice the samples when the spread exceeds `settle_spread`) is taken from
/// those agreed values, so all ranks make the same calls in the same order and none waits for a
/// call another rank never makes. Warm-up: two untimed runs of one operation.
[[nodiscard]] agreed_timing time_agreed(const std::function<double(int)>& time_of,
                                        const std::function<double(double)>& slowest,
                                        const agreed_timing_policy& policy);

}  // namespace rafter::mpi
