#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "microbench/cuda/collective_bandwidth.hpp"

namespace rafter::cuda {

/// The data of the collective measurements (NCCL in nccl_bench, MPI in microbench/mpi) and its
/// host reference, fp32 sum. A message of S = `elements` elements (nccl-tests' size, a multiple
/// of `ranks`); rank r's input element i is collective_input(seed, r, i).

/// An integer from 1 to 64 taken from the link pattern: any sum over up to 2^18 ranks is an exact
/// fp32 integer whatever the reduction order, so outputs compare exactly.
[[nodiscard]] float collective_input(std::uint64_t seed, int rank, std::size_t i) noexcept;

/// Writes rank `rank`'s first `count` input elements.
void fill_collective_input(float* out, std::size_t count, std::uint64_t seed, int rank) noexcept;

/// Element i of rank `rank`'s output after `op` over `ranks` ranks: all-reduce, the sum over the
/// ranks of input element i; all-gather, element i mod S/n of rank i / (S/n); reduce-scatter, the
/// sum over the ranks of input element rank x S/n + i.
[[nodiscard]] float collective_expected(collective op, std::uint64_t seed, int ranks, int rank, std::size_t elements,
                                        std::size_t i) noexcept;

/// Output positions a check reads, in an output of `received` elements (at least one): all of them
/// when `received` <= `all_up_to`; else the first, the last and `sampled` pseudo-random ones drawn
/// from `seed`.
[[nodiscard]] std::vector<std::size_t> collective_check_positions(std::size_t received, std::size_t all_up_to,
                                                                  std::size_t sampled, std::uint64_t seed);

/// Empty when rank `rank`'s output holds the expected element at every position, `values[k]`
/// being its element `positions[k]` (as many values as positions); else one line naming the
/// collective, the size, the rank and the first wrong element with its value and the expected one.
[[nodiscard]] std::string check_collective_output(collective op, std::uint64_t seed, int ranks, int rank,
                                                  std::size_t elements, std::span<const std::size_t> positions,
                                                  std::span<const float> values);

}  // namespace rafter::cuda
