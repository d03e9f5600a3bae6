#pragma once

#include <string>
#include <vector>

namespace rafter::mpi {

/// Where the ranks of an MPI job run: the host name of each rank, in rank order. Pure logic over
/// the names gathered at start-up (mpi_world); used to pick a GPU per rank and to label links
/// honestly (two ranks on one host talk through shared memory, not a network).
class rank_layout {
public:
  /// `hosts[r]` is rank r's host name; at least one rank.
  explicit rank_layout(std::vector<std::string> hosts);

  [[nodiscard]] int size() const noexcept { return static_cast<int>(m_hosts.size()); }
  [[nodiscard]] const std::string& host(int rank) const { return m_hosts.at(static_cast<std::size_t>(rank)); }
  [[nodiscard]] const std::vector<std::string>& hosts() const noexcept { return m_hosts; }
  /// How many ranks before `rank` run on its host: the GPU it uses (one GPU per rank).
  [[nodiscard]] int local_rank(int rank) const;
  /// Ranks on `rank`'s host, itself included.
  [[nodiscard]] int local_size(int rank) const;
  [[nodiscard]] bool same_host(int a, int b) const { return host(a) == host(b); }
  /// Distinct hosts, in order of first appearance.
  [[nodiscard]] std::vector<std::string> distinct_hosts() const;

  /// How the bytes between ranks `a` and `b` travel, as far as rafter can tell: "shared memory
  /// (ranks a and b both on host H)" or "the network between hosts H1 and H2 (the transport MPI
  /// chose)".
  [[nodiscard]] std::string pair_transport(int a, int b) const;
  /// The same for the whole job: shared memory only (one host), or network between N hosts plus
  /// shared memory within each.
  [[nodiscard]] std::string transport() const;
  /// "vm x2" or "a x2, b x2": each distinct host with its rank count.
  [[nodiscard]] std::string summary() const;

private:
  std::vector<std::string> m_hosts;
};

}  // namespace rafter::mpi
