#include "microbench/mpi/rank_layout.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"

namespace rafter::mpi {

rank_layout::rank_layout(std::vector<std::string> hosts) : m_hosts(std::move(hosts)) {
  if (m_hosts.empty()) throw usage_error("rank_layout: an MPI job has at least one rank");
}

int rank_layout::local_rank(int rank) const {
  const std::string& h = host(rank);
  return static_cast<int>(std::count(m_hosts.begin(), m_hosts.begin() + rank, h));
}

int rank_layout::local_size(int rank) const {
  return static_cast<int>(std::count(m_hosts.begin(), m_hosts.end(), host(rank)));
}

std::vector<std::string> rank_layout::distinct_hosts() const {
  std::vector<std::string> out;
  for (const auto& h : m_hosts) {
    if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
  }
  return out;
}

std::string rank_layout::pair_transport(int a, int b) const {
  if (same_host(a, b)) return fmt::format("shared memory (ranks {} and {} both on host {}; no network involved)", a, b, host(a));
  return fmt::format("the network between hosts {} and {} (the transport MPI chose; rafter does not identify it)", host(a),
                     host(b));
}

std::string rank_layout::transport() const {
  const auto hosts = distinct_hosts();
  if (hosts.size() == 1) {
    return fmt::format("shared memory: all {} ranks on host {}; no network involved", size(), hosts.front());
  }
  return fmt::format("the network between {} hosts (the transport MPI chose; rafter does not identify it), shared "
                     "memory between ranks on one host",
                     hosts.size());
}

std::string rank_layout::summary() const {
  std::string out;
  for (const auto& h : distinct_hosts()) {
    out += fmt::format("{}{} x{}", out.empty() ? "" : ", ", h, std::count(m_hosts.begin(), m_hosts.end(), h));
  }
  return out;
}

}  // namespace rafter::mpi
