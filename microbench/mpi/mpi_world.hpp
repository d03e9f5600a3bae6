#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "core/exit_code.hpp"
#include "microbench/cuda/collective_bandwidth.hpp"
#include "microbench/mpi/rank_layout.hpp"

namespace rafter::mpi {

/// The one interface between rafter and MPI (MPI_COMM_WORLD): nothing outside microbench/mpi
/// includes mpi.h. Every call is checked (RAFTER_MPI_CALL: the call, file:line and MPI's error
/// string; exit code 3). Calls marked collective must be made by every rank, in the same order.
/// One per process, created on the main thread (MPI_THREAD_FUNNELED).
class world {
public:
  /// MPI_Init_thread, MPI_ERRORS_RETURN on MPI_COMM_WORLD, then gathers each rank's host name
  /// (collective). Throws unsupported_error when MPI cannot start.
  world();
  /// MPI_Finalize, unless abort() was called.
  ~world();
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  [[nodiscard]] int rank() const noexcept { return m_rank; }
  [[nodiscard]] int size() const noexcept { return m_layout.size(); }
  /// Each rank's host name (gethostname), gathered at start-up.
  [[nodiscard]] const rank_layout& layout() const noexcept { return m_layout; }
  /// MPI_Get_library_version's first line: "Open MPI v4.1.4, package: Debian OpenMPI, ...".
  [[nodiscard]] std::string library_version() const;

  /// Collective: MPI_Barrier.
  void barrier() const;
  /// Collective: `bytes` of rank `root` copied into every rank's `bytes` (same length everywhere).
  void broadcast(std::span<std::byte> bytes, int root) const;
  /// Blocking point-to-point (MPI_Send / MPI_Recv of MPI_BYTE); the receive expects exactly
  /// `bytes.size()` bytes and fails otherwise.
  void send(std::span<const std::byte> bytes, int to, int tag) const;
  void receive(std::span<std::byte> bytes, int from, int tag) const;
  /// Collective: the largest `value` over the ranks (MPI_Allreduce, MPI_MAX).
  [[nodiscard]] double max(double value) const;
  /// Collective: the sum of `value` over the ranks (MPI_Allreduce, MPI_SUM), for checks.
  [[nodiscard]] long long sum(long long value) const;

  /// Collective: empty on every rank when `failure` is empty on every rank; else, on every rank,
  /// the failure of the lowest failing rank prefixed with "rank R (host H): ".
  [[nodiscard]] std::string first_failure(const std::string& failure) const;
  /// Collective: throws agreed_error(code, first_failure(failure)) on every rank when any rank's
  /// `failure` is non-empty, with the `code` the lowest failing rank passed.
  void agree(exit_code code, const std::string& failure) const;
  /// Collective: throws agreed_error(interrupted) on every rank when any rank saw Ctrl-C.
  void agree_not_interrupted() const;

  /// Collective: the measured MPI collective on fp32 with sum, for a message of S = `elements`
  /// elements (nccl-tests' size; a multiple of size()): MPI_Allreduce (S in, S out),
  /// MPI_Allgather (S/n in, S out) or MPI_Reduce_scatter_block (S in, S/n out).
  void collective(cuda::collective op, const float* send, float* receive, std::size_t elements) const;

  /// MPI_Abort(MPI_COMM_WORLD, code): ends every rank of the job. For an error only this rank
  /// saw, after it has been reported.
  [[noreturn]] void abort(exit_code code) noexcept;

private:
  /// first_failure, also handing every rank the failing rank's `code` (unchanged when none failed).
  [[nodiscard]] std::string share_first_failure(const std::string& failure, exit_code& code) const;

  int m_rank = 0;
  rank_layout m_layout{{std::string()}};
  bool m_aborted = false;
};

}  // namespace rafter::mpi
