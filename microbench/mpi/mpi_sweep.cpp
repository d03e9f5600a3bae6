#include "microbench/mpi/mpi_sweep.hpp"

#include <chrono>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "core/units.hpp"
#include "core/utc_time.hpp"
#include "core/version.hpp"
#include "microbench/best_point.hpp"
#include "microbench/cuda/collective_bandwidth.hpp"
#include "microbench/cuda/collective_reference.hpp"
#include "microbench/cuda/link_pattern.hpp"
#include "microbench/host/cpu_info.hpp"
#include "microbench/mpi/agreed_timing.hpp"
#include "microbench/mpi/mpi_preset.hpp"
#include "microbench/mpi/mpi_world.hpp"

namespace rafter::mpi {

namespace {

constexpr int pingpong_tag = 17;
/// A collective's output is checked at every element up to this many, else at this many sampled ones.
constexpr std::size_t checked_elements = std::size_t{1} << 16;
/// Poison of every collective output: the reference is never negative.
constexpr float poison = -1.0f;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

sample_stats scaled(sample_stats s, double factor) {
  s.median *= factor;
  s.min *= factor;
  s.max *= factor;
  return s;
}

std::string link_collective_id(cuda::collective op) {
  switch (op) {
    case cuda::collective::all_reduce: return "mpi_allreduce";
    case cuda::collective::all_gather: return "mpi_allgather";
    case cuda::collective::reduce_scatter: return "mpi_reducescatter";
  }
  return "mpi_collective";
}

const char* mpi_call_name(cuda::collective op) {
  switch (op) {
    case cuda::collective::all_reduce: return "MPI_Allreduce";
    case cuda::collective::all_gather: return "MPI_Allgather";
    case cuda::collective::reduce_scatter: return "MPI_Reduce_scatter_block";
  }
  return "MPI collective";
}

struct sweep_state {
  const world& w;
  const sweep_options& options;
  const mpi_preset& preset;
  progress& prog;
  machine_profile& profile;
  int unsettled = 0;
  int points = 0;
  int step = 0;

  agreed_timing time(const std::function<double(int)>& time_of) {
    const agreed_timing t = time_agreed(time_of, [this](double s) { return w.max(s); }, preset.timing);
    ++points;
    unsettled += t.seconds.settled ? 0 : 1;
    return t;
  }
};

/// One ping-pong pair: rank 0 sends, rank `peer` answers with a message of the same size.
class pingpong {
public:
  pingpong(const world& w, int peer, std::uint64_t seed) : m_w(w), m_peer(peer), m_seed(seed) {}

  [[nodiscard]] bool taking_part() const noexcept { return m_w.rank() == 0 || m_w.rank() == m_peer; }

  /// Sizes the buffers for `bytes` (a multiple of 4) and fills this rank's outgoing message.
  void prepare(std::size_t bytes) {
    if (!taking_part()) return;
    m_send.assign(bytes / 4, 0);
    m_receive.assign(bytes / 4, 0);
    cuda::fill_link_pattern(m_send.data(), m_send.size(), own_seed());
  }

  /// Poisons the incoming buffer and runs `n` round trips; this rank's seconds (0 when not taking part).
  double run(int n) {
    if (!taking_part()) return 0.0;
    std::fill(m_receive.begin(), m_receive.end(), 0u);  // link_word is never 0.
    const auto out = std::as_bytes(std::span(m_send));
    const auto in = std::as_writable_bytes(std::span(m_receive));
    const auto t0 = std::chrono::steady_clock::now();
    if (m_w.rank() == 0) {
      for (int i = 0; i < n; ++i) {
        m_w.send(out, m_peer, pingpong_tag);
        m_w.receive(in, m_peer, pingpong_tag);
      }
    } else {
      for (int i = 0; i < n; ++i) {
        m_w.receive(in, 0, pingpong_tag);
        m_w.send(out, 0, pingpong_tag);
      }
    }
    return seconds_since(t0);
  }

  /// Empty when the last message this rank received is the other side's pattern, word for word.
  [[nodiscard]] std::string check() const {
    if (!taking_part()) return {};
    const std::string wrong = cuda::check_link_pattern(m_receive.data(), m_receive.size(), other_seed());
    if (wrong.empty()) return {};
    return fmt::format("ping-pong of {} bytes between ranks 0 and {}: {}", m_receive.size() * 4, m_peer, wrong);
  }

private:
  [[nodiscard]] std::uint64_t own_seed() const noexcept { return m_seed + static_cast<std::uint64_t>(m_w.rank()); }
  [[nodiscard]] std::uint64_t other_seed() const noexcept {
    return m_seed + static_cast<std::uint64_t>(m_w.rank() == 0 ? m_peer : 0);
  }

  const world& m_w;
  int m_peer;
  std::uint64_t m_seed;
  std::vector<std::uint32_t> m_send, m_receive;
};

link_ceiling measure_pingpong(sweep_state& st, int peer) {
  const world& w = st.w;
  const std::string id = fmt::format("mpi_p2p_0_{}", peer);
  const auto sizes = cuda::message_sizes(st.preset.p2p_first, st.preset.p2p_last, st.preset.p2p_factor, 4);
  pingpong pp(w, peer, st.options.seed + 1000 + static_cast<std::uint64_t>(peer) * 64);
  curve bandwidth{id + ".bandwidth", "bandwidth", "pingpong", "B/s", {}, {}};
  curve latency{id + ".latency", "latency", "pingpong", "s", {}, {}};
  best_point best;
  for (const std::size_t bytes : sizes) {
    w.agree_not_interrupted();
    pp.prepare(bytes);
    (void)pp.run(1);
    w.agree(exit_code::check_failed, pp.check());  // Before its time counts.
    const agreed_timing t = st.time([&](int n) { return pp.run(n); });
    w.agree(exit_code::check_failed, pp.check());  // The last timed message too.
    const sample_stats one_way = t.seconds.reciprocal_scaled(2.0 * static_cast<double>(bytes));
    bandwidth.points.push_back({static_cast<double>(bytes), one_way});
    latency.points.push_back({static_cast<double>(bytes), scaled(t.seconds, 0.5)});
    best.offer(one_way, static_cast<double>(bytes), t.repeats);
  }
  link_ceiling l;
  l.id = id;
  l.bytes_per_s = best.stats->median;
  l.samples = best.stats;
  l.latency_s = latency.points.front().y.median;
  l.source = figure_source::measured;
  l.method = fmt::format(
      "MPI ping-pong (MPI_Send then MPI_Recv of the answer, {}) between rank 0 (host {}) and rank {} (host {}) "
      "through {}; one-way bandwidth = S / (round trip / 2) (Intel MPI Benchmarks' PingPong) at the best message "
      "size S = {} of {} to {}, {} round trips per sample; latency_s = half the round trip of a {}-byte message; "
      "every message checked word for word before and after timing; median of {} repetitions",
      w.library_version(), w.layout().host(0), peer, w.layout().host(peer), w.layout().pair_transport(0, peer),
      format_capacity(best.x), format_capacity(static_cast<double>(sizes.front())),
      format_capacity(static_cast<double>(sizes.back())), best.repeats, sizes.front(), best.stats->n);
  l.note = fmt::format("the curves {} and {} have every message size", bandwidth.id, latency.id);
  st.prog.step(++st.step, fmt::format("{}: {}, latency {}", id, format_bandwidth(l.bytes_per_s), format_seconds(*l.latency_s)));
  st.profile.curves.push_back(std::move(bandwidth));
  st.profile.curves.push_back(std::move(latency));
  return l;
}

link_ceiling measure_collective(sweep_state& st, const cuda::collective_info& info) {
  const world& w = st.w;
  const int n = w.size();
  const std::size_t granule = 4 * static_cast<std::size_t>(n);
  const auto sizes = cuda::message_sizes(st.preset.collective_first, st.preset.collective_last, st.preset.collective_factor, granule);
  const std::uint64_t seed = st.options.seed + 2000 + static_cast<std::uint64_t>(info.op);
  const std::size_t max_elements = sizes.back() / 4;
  std::vector<float> send(max_elements), receive(max_elements);
  cuda::fill_collective_input(send.data(), send.size(), seed, w.rank());

  const std::string id = link_collective_id(info.op);
  curve c{id + ".busbw", "bandwidth", id, "B/s", {}, {}};
  best_point best;
  std::optional<double> latency;
  const double factor = cuda::bus_bandwidth_factor(info.op, n);
  for (const std::size_t bytes : sizes) {
    w.agree_not_interrupted();
    const std::size_t elements = bytes / 4;
    const std::size_t received = cuda::collective_elements(info.op, elements, n).receive;
    auto run = [&](int iterations) {
      std::fill(receive.begin(), receive.begin() + static_cast<std::ptrdiff_t>(received), poison);
      w.barrier();
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < iterations; ++i) w.collective(info.op, send.data(), receive.data(), elements);
      return seconds_since(t0);
    };
    const auto positions = cuda::collective_check_positions(received, checked_elements, checked_elements, seed ^ elements);
    std::vector<float> values(positions.size());
    auto check = [&] {
      for (std::size_t k = 0; k < positions.size(); ++k) values[k] = receive[positions[k]];
      const std::string wrong = cuda::check_collective_output(info.op, seed, n, w.rank(), elements, positions, values);
      return wrong.empty() ? wrong : std::string(mpi_call_name(info.op)) + " " + wrong;
    };
    (void)run(1);
    w.agree(exit_code::check_failed, check());  // Before its time counts.
    const agreed_timing t = st.time(run);
    w.agree(exit_code::check_failed, check());
    const sample_stats busbw = t.seconds.reciprocal_scaled(static_cast<double>(bytes) * factor);
    if (!latency) latency = t.seconds.median;
    c.points.push_back({static_cast<double>(bytes), busbw});
    best.offer(busbw, static_cast<double>(bytes), t.repeats);
  }
  link_ceiling l;
  l.id = id;
  l.bytes_per_s = best.stats->median;
  l.samples = best.stats;
  l.latency_s = latency;
  l.source = figure_source::measured;
  l.method = fmt::format(
      "{} (fp32 sum, {}) over {} ranks ({}) through {}; bus bandwidth (nccl-tests: algbw = S/t, busbw = algbw x {:.4g}) "
      "at the best message size S = {} of {} to {}, {} back-to-back collectives per sample after a barrier, the "
      "slowest rank's time; outputs checked against the host reference before and after timing; median of {} "
      "repetitions",
      mpi_call_name(info.op), w.library_version(), n, w.layout().summary(), w.layout().transport(), factor,
      format_capacity(best.x), format_capacity(static_cast<double>(sizes.front())),
      format_capacity(static_cast<double>(sizes.back())), best.repeats, best.stats->n);
  l.note = fmt::format("latency_s is the time of one collective at the smallest size, {}; the curve {} has busbw per size",
                       format_capacity(static_cast<double>(sizes.front())), c.id);
  st.prog.step(++st.step, fmt::format("{}: busbw {}", id, format_bandwidth(l.bytes_per_s)));
  st.profile.curves.push_back(std::move(c));
  return l;
}

void describe_device(machine_profile& profile, const world& w, const sweep_options& options,
                     const host::cpu_info& cpu) {
  device_info& dev = profile.device;
  dev = host::cpu_device_info(cpu);
  dev.toolkit_version = w.library_version();
  dev.obtained = fmt::format(
      "measured by rafter sweep --backend host --suite interconnect --preset {} under MPI: {} ranks ({}), ping-pong "
      "between rank 0 and every other rank and MPI collectives over all ranks, every message checked against a host "
      "reference; this host is rank 0's",
      options.preset, w.size(), w.layout().summary());
  auto& env = dev.environment;
  env["mpi_ranks"] = std::to_string(w.size());
  env["mpi_hosts"] = w.layout().summary();
  env["mpi_library"] = w.library_version();
  env["mpi_transport"] = w.layout().transport();
  env["logical_cpus"] = std::to_string(cpu.logical_cpus);
  env["kernel"] = cpu.kernel;
  env["hypervisor"] = cpu.hypervisor ? "yes" : "no";
  env["preset"] = options.preset;
}

}  // namespace

machine_profile run_mpi_sweep(const world& w, const sweep_options& options, progress& prog) {
  const mpi_preset preset = mpi_preset_for(options.preset);
  const host::cpu_info cpu = host::detect_cpu_info();
  machine_profile profile;
  profile.generator.version = version_string;
  profile.generator.command = options.command;
  profile.generator.created_utc = utc_now();
  describe_device(profile, w, options, cpu);
  prog.note(fmt::format("mpi: {} ranks ({}), {}; {}", w.size(), w.layout().summary(), w.library_version(),
                        w.layout().transport()));

  sweep_state st{w, options, preset, prog, profile, 0, 0, 0};
  prog.begin("interconnect (MPI)", w.size() - 1 + static_cast<int>(cuda::collectives().size()));
  for (int peer = 1; peer < w.size(); ++peer) profile.links.push_back(measure_pingpong(st, peer));
  for (const cuda::collective_info& i : cuda::collectives()) profile.links.push_back(measure_collective(st, i));

  if (w.layout().distinct_hosts().size() == 1) {
    profile.warnings.push_back(fmt::format(
        "all {} ranks run on host {}: every link in this profile is shared memory within one host, not a network",
        w.size(), w.layout().host(0)));
  }
  if (cpu.logical_cpus > 0 && w.layout().local_size(0) > cpu.logical_cpus) {
    profile.warnings.push_back(fmt::format(
        "{} ranks share host {}'s {} logical CPUs: oversubscribed ranks take turns on the cores, so latencies are "
        "inflated and bandwidths low",
        w.layout().local_size(0), w.layout().host(0), cpu.logical_cpus));
  }
  if (st.unsettled > 0) {
    profile.warnings.push_back(fmt::format(
        "{} of {} measurements did not settle (spread (max - min) / median above {:.0f}% after {} attempts); they "
        "are flagged settled=false",
        st.unsettled, st.points, preset.timing.settle_spread * 100, preset.timing.max_attempts));
  }
  prog.finish();
  return profile;
}

}  // namespace rafter::mpi
