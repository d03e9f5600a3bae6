#include "microbench/host/kernels/bandwidth_kernels.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"

namespace rafter::host {

namespace {

/// Bijective 64-bit mixer (splitmix64 finalizer): known, irregular, reproducible data.
constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Element i of thread t's read / copy-source data; never zero.
constexpr std::uint64_t data_word(int thread, std::size_t i) noexcept {
  return mix(i ^ (static_cast<std::uint64_t>(thread) << 48)) | 1U;
}

/// triad inputs: small integers, so b + s*c is exact in fp64 whether fused or not.
constexpr double triad_b(std::size_t i) noexcept { return static_cast<double>((i & 0xffffU) + 1U); }
constexpr double triad_c(std::size_t i) noexcept { return static_cast<double>(((i * 7U) & 0xfffU) + 1U); }

/// What write stores during run number `run` (distinct per run, never zero, never the prepare fill).
constexpr std::uint64_t write_value(std::uint64_t run) noexcept { return mix(run ^ 0x77726974650aULL) | 2U; }
constexpr std::uint64_t write_fill(std::size_t i) noexcept { return 0xa5a5a5a5a5a5a5a5ULL ^ (i << 2); }

constexpr std::size_t line_bytes = 64;
constexpr std::size_t page_bytes = 4096;
/// Extra distance between consecutive arrays of one thread (17 lines), so that their offsets modulo
/// 4 KiB differ and loads do not falsely wait on stores to another stream (4K aliasing).
constexpr std::size_t array_skew_bytes = 17 * line_bytes;

detail::bandwidth_kernel_set kernels_for(simd_level level) {
  if (static_cast<int>(level) > static_cast<int>(detect_simd_level())) {
    throw unsupported_error(fmt::format("this CPU cannot run {} bandwidth kernels (widest supported: {})",
                                        to_string(level), to_string(detect_simd_level())));
  }
  switch (level) {
    case simd_level::avx512: return detail::bandwidth_kernels_avx512();
    case simd_level::avx2: return detail::bandwidth_kernels_avx2();
    case simd_level::sse: return detail::bandwidth_kernels_sse();
    case simd_level::scalar: break;
  }
  return detail::bandwidth_kernels_scalar();
}

}  // namespace

const char* to_string(access_kind kind) noexcept {
  switch (kind) {
    case access_kind::read: return "read";
    case access_kind::write: return "write";
    case access_kind::copy: return "copy";
    case access_kind::triad: return "triad";
  }
  return "unknown";
}

int arrays_per_kind(access_kind kind) noexcept {
  switch (kind) {
    case access_kind::read: return 1;
    case access_kind::write: return 1;
    case access_kind::copy: return 2;
    case access_kind::triad: return 3;
  }
  return 1;
}

bandwidth_benchmark::bandwidth_benchmark(thread_team& team, simd_level level)
    : m_team(team), m_level(level), m_kernels(kernels_for(level)) {}

std::size_t bandwidth_benchmark::rounded_working_set(std::size_t requested, int threads, access_kind kind) noexcept {
  const auto t = static_cast<std::size_t>(std::max(threads, 1));
  const auto arrays = static_cast<std::size_t>(arrays_per_kind(kind));
  const std::size_t block = detail::bandwidth_block_bytes;
  return std::max(block, requested / (t * arrays) / block * block) * t * arrays;
}

std::vector<std::size_t> distinct_working_sets(const std::vector<std::size_t>& sizes, int threads, access_kind kind) {
  std::vector<std::size_t> out;
  std::size_t last = 0;
  for (const std::size_t s : sizes) {
    const std::size_t ws = bandwidth_benchmark::rounded_working_set(s, threads, kind);
    if (!out.empty() && ws <= last) continue;
    out.push_back(s);
    last = ws;
  }
  return out;
}

void bandwidth_benchmark::prepare(access_kind kind, std::size_t working_set_bytes) {
  m_threads.clear();
  m_array_bytes = 0;
  m_last_passes = 0;
  m_kind = kind;
  const auto threads = static_cast<std::size_t>(m_team.size());
  const auto arrays = static_cast<std::size_t>(arrays_per_kind(kind));
  const std::size_t array_bytes = rounded_working_set(working_set_bytes, m_team.size(), kind) / (threads * arrays);
  const std::size_t stride = (array_bytes + page_bytes - 1) / page_bytes * page_bytes + array_skew_bytes;
  const std::size_t buffer_bytes = (arrays - 1) * stride + array_bytes;
  const std::size_t count = array_bytes / sizeof(std::uint64_t);

  m_threads.resize(threads);
  m_team.each([&](int t) {
    thread_arrays& mine = m_threads[static_cast<std::size_t>(t)];
    mine.memory = page_buffer(buffer_bytes);
    for (std::size_t a = 0; a < arrays; ++a) mine.arrays[a] = mine.memory.data() + a * stride;
    switch (kind) {
      case access_kind::read: {
        auto* x = reinterpret_cast<std::uint64_t*>(mine.arrays[0]);
        std::uint64_t data_xor = 0;
        for (std::size_t i = 0; i < count; ++i) {
          x[i] = data_word(t, i);
          data_xor ^= x[i];
        }
        mine.data_xor = data_xor;
        break;
      }
      case access_kind::write: {
        auto* x = reinterpret_cast<std::uint64_t*>(mine.arrays[0]);
        for (std::size_t i = 0; i < count; ++i) x[i] = write_fill(i);
        break;
      }
      case access_kind::copy: {
        auto* dst = reinterpret_cast<std::uint64_t*>(mine.arrays[0]);
        auto* src = reinterpret_cast<std::uint64_t*>(mine.arrays[1]);
        for (std::size_t i = 0; i < count; ++i) {
          src[i] = data_word(t, i);
          dst[i] = ~src[i];
        }
        break;
      }
      case access_kind::triad: {
        auto* a = reinterpret_cast<double*>(mine.arrays[0]);
        auto* b = reinterpret_cast<double*>(mine.arrays[1]);
        auto* c = reinterpret_cast<double*>(mine.arrays[2]);
        for (std::size_t i = 0; i < count; ++i) {
          a[i] = -1.0;
          b[i] = triad_b(i);
          c[i] = triad_c(i);
        }
        break;
      }
    }
  });
  m_array_bytes = array_bytes;
}

std::size_t bandwidth_benchmark::working_set_bytes() const noexcept {
  return m_array_bytes * m_threads.size() * static_cast<std::size_t>(arrays_per_kind(m_kind));
}

std::size_t bandwidth_benchmark::bytes_per_pass() const noexcept { return working_set_bytes(); }

double bandwidth_benchmark::run(std::size_t passes) {
  if (m_array_bytes == 0) throw std::logic_error("bandwidth_benchmark::run before prepare");
  if (passes == 0) throw std::invalid_argument("bandwidth_benchmark::run: passes must be at least 1");
  const std::size_t count = m_array_bytes / sizeof(std::uint64_t);
  ++m_run_count;
  const std::uint64_t value = write_value(m_run_count);
  const detail::bandwidth_kernel_set kernels = m_kernels;
  const access_kind kind = m_kind;
  const double scale = m_scale;
  const bool nontemporal = m_nontemporal;
  const double seconds = m_team.run([&, kernels, kind, count, passes, value, scale, nontemporal](int t) {
    thread_arrays& mine = m_threads[static_cast<std::size_t>(t)];
    auto* first = reinterpret_cast<std::uint64_t*>(mine.arrays[0]);
    switch (kind) {
      case access_kind::read:
        mine.checksum = kernels.read(first, count, passes);
        break;
      case access_kind::write:
        (nontemporal ? kernels.write_nt : kernels.write)(first, count, value, passes);
        break;
      case access_kind::copy:
        (nontemporal ? kernels.copy_nt : kernels.copy)(first, reinterpret_cast<const std::uint64_t*>(mine.arrays[1]),
                                                       count, passes);
        break;
      case access_kind::triad:
        (nontemporal ? kernels.triad_nt : kernels.triad)(
            reinterpret_cast<double*>(mine.arrays[0]), reinterpret_cast<const double*>(mine.arrays[1]),
            reinterpret_cast<const double*>(mine.arrays[2]), scale, count, passes);
        break;
    }
  });
  m_written = value;
  m_last_passes = passes;
  return seconds;
}

std::string bandwidth_benchmark::verify() const {
  if (m_array_bytes == 0) return "bandwidth_benchmark: verify() before prepare()";
  if (m_last_passes == 0) return fmt::format("{}: verify() before any run() since prepare()", to_string(m_kind));
  const std::size_t count = m_array_bytes / sizeof(std::uint64_t);
  std::vector<std::string> findings(m_threads.size());
  m_team.each([&](int t) {
    const thread_arrays& mine = m_threads[static_cast<std::size_t>(t)];
    std::string& finding = findings[static_cast<std::size_t>(t)];
    switch (m_kind) {
      case access_kind::read: {
        const std::uint64_t expected = detail::read_checksum(mine.data_xor, m_last_passes);
        if (mine.checksum != expected) {
          finding = fmt::format("read: thread {} checksum {:#018x} != expected {:#018x} (data xor {:#018x}, {} passes)", t,
                                mine.checksum, expected, mine.data_xor, m_last_passes);
        }
        break;
      }
      case access_kind::write: {
        const auto* x = reinterpret_cast<const std::uint64_t*>(mine.arrays[0]);
        for (std::size_t i = 0; i < count; ++i) {
          if (x[i] != m_written) {
            finding = fmt::format("write: thread {} element {} holds {:#018x}, not the written {:#018x}", t, i, x[i],
                                  m_written);
            break;
          }
        }
        break;
      }
      case access_kind::copy: {
        const auto* dst = reinterpret_cast<const std::uint64_t*>(mine.arrays[0]);
        const auto* src = reinterpret_cast<const std::uint64_t*>(mine.arrays[1]);
        for (std::size_t i = 0; i < count; ++i) {
          if (dst[i] != src[i] || src[i] != data_word(t, i)) {
            finding = fmt::format("copy: thread {} element {}: dst {:#018x}, src {:#018x}, expected {:#018x}", t, i, dst[i],
                                  src[i], data_word(t, i));
            break;
          }
        }
        break;
      }
      case access_kind::triad: {
        const auto* a = reinterpret_cast<const double*>(mine.arrays[0]);
        const auto* b = reinterpret_cast<const double*>(mine.arrays[1]);
        const auto* c = reinterpret_cast<const double*>(mine.arrays[2]);
        for (std::size_t i = 0; i < count; ++i) {
          const double expected = triad_b(i) + m_scale * triad_c(i);
          if (a[i] != expected || b[i] != triad_b(i) || c[i] != triad_c(i)) {
            finding = fmt::format("triad: thread {} element {}: a = {} (b = {}, c = {}), expected {} + {} * {} = {}", t, i,
                                  a[i], b[i], c[i], triad_b(i), m_scale, triad_c(i), expected);
            break;
          }
        }
        break;
      }
    }
  });
  for (const std::string& finding : findings) {
    if (!finding.empty()) return finding;
  }
  return {};
}

std::span<std::byte> bandwidth_benchmark::array_bytes(int thread_index, int array_index) noexcept {
  if (m_array_bytes == 0 || thread_index < 0 || thread_index >= static_cast<int>(m_threads.size()) || array_index < 0 ||
      array_index >= arrays_per_kind(m_kind)) {
    return {};
  }
  return {m_threads[static_cast<std::size_t>(thread_index)].arrays[array_index], m_array_bytes};
}

}  // namespace rafter::host
