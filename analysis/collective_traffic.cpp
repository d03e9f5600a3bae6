#include "analysis/collective_traffic.hpp"

#include <algorithm>
#include <cctype>

namespace rafter {

namespace {

enum class kind { all_reduce, all_gather, reduce_scatter, all_to_all, gather, scatter, broadcast, reduce, point_to_point, other };

/// Lower case without underscores: "_reduce_scatter_base" -> "reducescatterbase".
std::string folded(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c != '_') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

kind kind_of(std::string_view name) {
  const std::string n = folded(name);
  const auto has = [&n](const char* part) { return n.find(part) != std::string::npos; };
  if (has("allreduce")) return kind::all_reduce;
  if (has("allgather")) return kind::all_gather;
  if (has("reducescatter")) return kind::reduce_scatter;
  if (has("alltoall")) return kind::all_to_all;
  if (has("gather")) return kind::gather;
  if (has("scatter")) return kind::scatter;
  if (has("broadcast")) return kind::broadcast;
  if (has("reduce")) return kind::reduce;
  if (has("send") || has("recv")) return kind::point_to_point;
  return kind::other;
}

}  // namespace

double collective_message_bytes(const kernel_collective& c) noexcept { return std::max(c.in_bytes, c.out_bytes); }

std::optional<double> collective_bus_factor(std::string_view name, int ranks) {
  if (ranks < 2) return std::nullopt;
  const double n = ranks;
  switch (kind_of(name)) {
    case kind::all_reduce: return 2.0 * (n - 1.0) / n;
    case kind::all_gather:
    case kind::reduce_scatter:
    case kind::all_to_all:
    case kind::gather:
    case kind::scatter: return (n - 1.0) / n;
    case kind::broadcast:
    case kind::reduce:
    case kind::point_to_point: return 1.0;
    case kind::other: break;
  }
  return std::nullopt;
}

std::string collective_link_id(std::string_view name) {
  switch (kind_of(name)) {
    case kind::all_reduce: return "nccl_allreduce";
    case kind::all_gather: return "nccl_allgather";
    case kind::reduce_scatter: return "nccl_reducescatter";
    default: return "";
  }
}

}  // namespace rafter
