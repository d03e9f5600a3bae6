#include "microbench/mpi/mpi_world.hpp"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstdint>
#include <vector>

#include <mpi.h>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "microbench/mpi/agreed_error.hpp"
#include "microbench/mpi/mpi_call.hpp"

namespace rafter::mpi {

namespace {

constexpr std::size_t host_name_bytes = 256;

int count_of(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw usage_error(std::string(what) + ": " + std::to_string(n) + " elements exceed one MPI call's count (INT_MAX)");
  }
  return static_cast<int>(n);
}

std::string this_host() {
  char name[host_name_bytes] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown-host";
  return name;
}

}  // namespace

world::world() {
  int initialized = 0;
  RAFTER_MPI_CALL(MPI_Initialized(&initialized));
  if (initialized != 0) throw unsupported_error("MPI is already initialized: one mpi::world per process");
  int provided = 0;
  RAFTER_MPI_CALL(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided));
  RAFTER_MPI_CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  int size = 0;
  RAFTER_MPI_CALL(MPI_Comm_rank(MPI_COMM_WORLD, &m_rank));
  RAFTER_MPI_CALL(MPI_Comm_size(MPI_COMM_WORLD, &size));
  std::vector<char> names(host_name_bytes * static_cast<std::size_t>(size), '\0');
  std::vector<char> mine(host_name_bytes, '\0');
  const std::string host = this_host();
  host.copy(mine.data(), host_name_bytes - 1);
  RAFTER_MPI_CALL(MPI_Allgather(mine.data(), static_cast<int>(host_name_bytes), MPI_CHAR, names.data(),
                                static_cast<int>(host_name_bytes), MPI_CHAR, MPI_COMM_WORLD));
  std::vector<std::string> hosts;
  for (int r = 0; r < size; ++r) hosts.emplace_back(names.data() + static_cast<std::size_t>(r) * host_name_bytes);
  m_layout = rank_layout(std::move(hosts));
}

world::~world() {
  if (!m_aborted) MPI_Finalize();
}

std::string world::library_version() const {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  RAFTER_MPI_CALL(MPI_Get_library_version(text, &length));
  std::string version(text, static_cast<std::size_t>(length));
  if (const auto end = version.find_first_of("\r\n"); end != std::string::npos) version.resize(end);
  while (!version.empty() && (version.back() == ' ' || version.back() == ',' || version.back() == '\0')) version.pop_back();
  return version;
}

void world::barrier() const { RAFTER_MPI_CALL(MPI_Barrier(MPI_COMM_WORLD)); }

void world::broadcast(std::span<std::byte> bytes, int root) const {
  RAFTER_MPI_CALL(MPI_Bcast(bytes.data(), count_of(bytes.size(), "broadcast"), MPI_BYTE, root, MPI_COMM_WORLD));
}

void world::send(std::span<const std::byte> bytes, int to, int tag) const {
  RAFTER_MPI_CALL(MPI_Send(bytes.data(), count_of(bytes.size(), "send"), MPI_BYTE, to, tag, MPI_COMM_WORLD));
}

void world::receive(std::span<std::byte> bytes, int from, int tag) const {
  MPI_Status status{};
  RAFTER_MPI_CALL(MPI_Recv(bytes.data(), count_of(bytes.size(), "receive"), MPI_BYTE, from, tag, MPI_COMM_WORLD, &status));
  int received = 0;
  RAFTER_MPI_CALL(MPI_Get_count(&status, MPI_BYTE, &received));
  if (static_cast<std::size_t>(received) != bytes.size()) {
    throw error(exit_code::check_failed, "MPI_Recv from rank " + std::to_string(from) + ": got " + std::to_string(received) +
                                             " bytes, expected " + std::to_string(bytes.size()));
  }
}

double world::max(double value) const {
  double out = 0.0;
  RAFTER_MPI_CALL(MPI_Allreduce(&value, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD));
  return out;
}

long long world::sum(long long value) const {
  long long out = 0;
  RAFTER_MPI_CALL(MPI_Allreduce(&value, &out, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD));
  return out;
}

std::string world::first_failure(const std::string& failure) const {
  exit_code code = exit_code::check_failed;
  return share_first_failure(failure, code);
}

std::string world::share_first_failure(const std::string& failure, exit_code& code) const {
  int failing = failure.empty() ? size() : m_rank;
  RAFTER_MPI_CALL(MPI_Allreduce(MPI_IN_PLACE, &failing, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD));
  if (failing >= size()) return {};
  std::string message;
  if (failing == m_rank) message = "rank " + std::to_string(m_rank) + " (host " + m_layout.host(m_rank) + "): " + failure;
  std::int64_t header[2] = {static_cast<std::int64_t>(message.size()), static_cast<std::int64_t>(code)};
  broadcast(std::as_writable_bytes(std::span(header)), failing);
  message.resize(static_cast<std::size_t>(header[0]));
  broadcast(std::as_writable_bytes(std::span(message.data(), message.size())), failing);
  code = static_cast<exit_code>(header[1]);
  return message;
}

void world::agree(exit_code code, const std::string& failure) const {
  const std::string first = share_first_failure(failure, code);
  if (!first.empty()) throw agreed_error(code, first);
}

void world::agree_not_interrupted() const {
  int interrupted = interrupt_requested() ? 1 : 0;
  RAFTER_MPI_CALL(MPI_Allreduce(MPI_IN_PLACE, &interrupted, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
  if (interrupted != 0) throw agreed_error(exit_code::interrupted, "interrupted; no output written");
}

void world::collective(cuda::collective op, const float* send, float* receive, std::size_t elements) const {
  const std::size_t n = static_cast<std::size_t>(size());
  switch (op) {
    case cuda::collective::all_reduce:
      RAFTER_MPI_CALL(MPI_Allreduce(send, receive, count_of(elements, "MPI_Allreduce"), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD));
      return;
    case cuda::collective::all_gather: {
      const int chunk = count_of(elements / n, "MPI_Allgather");
      RAFTER_MPI_CALL(MPI_Allgather(send, chunk, MPI_FLOAT, receive, chunk, MPI_FLOAT, MPI_COMM_WORLD));
      return;
    }
    case cuda::collective::reduce_scatter:
      RAFTER_MPI_CALL(MPI_Reduce_scatter_block(send, receive, count_of(elements / n, "MPI_Reduce_scatter_block"), MPI_FLOAT,
                                               MPI_SUM, MPI_COMM_WORLD));
      return;
  }
}

void world::abort(exit_code code) noexcept {
  m_aborted = true;
  MPI_Abort(MPI_COMM_WORLD, static_cast<int>(code));
  std::_Exit(static_cast<int>(code));
}

}  // namespace rafter::mpi
