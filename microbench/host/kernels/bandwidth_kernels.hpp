#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "microbench/host/kernels/bandwidth_kernel_set.hpp"
#include "microbench/host/kernels/page_buffer.hpp"
#include "microbench/host/kernels/simd_level.hpp"
#include "microbench/host/kernels/thread_team.hpp"

namespace rafter::host {

/// What a bandwidth pass does per element i of each thread's arrays.
/// read: sum += x[i] (64-bit integers); write: x[i] = v; copy: dst[i] = src[i];
/// triad: a[i] = b[i] + s * c[i] (fp64).
enum class access_kind { read, write, copy, triad };

/// "read", "write", "copy", "triad".
[[nodiscard]] const char* to_string(access_kind kind) noexcept;

/// Arrays a pass of `kind` streams through: read 1, write 1, copy 2, triad 3.
[[nodiscard]] int arrays_per_kind(access_kind kind) noexcept;

/// The requested `sizes` (increasing) whose rounded working sets on `threads` threads are
/// distinct: small sizes split over many threads and arrays round to the same 512-byte multiples,
/// and a curve's x must increase. The first size of each rounded working set is kept.
[[nodiscard]] std::vector<std::size_t> distinct_working_sets(const std::vector<std::size_t>& sizes, int threads, access_kind kind);

/// Sustained bandwidth of one access kind on every thread of a team at once, each thread streaming
/// through its own arrays (first-touched by that thread) with 8x-unrolled vector loops of the chosen
/// SIMD level. Loads are temporal; stores are temporal unless non-temporal stores are selected.
///
/// Bytes counted per element pass, STREAM convention: read 1 array, write 1 array, copy 2 arrays
/// (1 read + 1 write), triad 3 arrays (2 reads + 1 write); write-allocate traffic is not counted.
class bandwidth_benchmark {
public:
  /// Throws rafter::unsupported_error when the CPU/OS cannot run `level` (see detect_simd_level()).
  /// `team` must outlive this object.
  bandwidth_benchmark(thread_team& team, simd_level level);

  /// Allocates (64-byte aligned; 2 MiB-aligned and MADV_HUGEPAGE for arrays of 2 MiB and more) and
  /// first-touches on the owning threads the arrays of `kind` so that all arrays of all threads
  /// together occupy `working_set_bytes`, split evenly: each array holds
  /// working_set_bytes / (threads * arrays) rounded down to a multiple of 512 bytes (8 unrolled
  /// 64-byte vectors, the same at every SIMD level), at least 512 bytes. Fills with known non-zero
  /// data. Arrays of one thread start at different offsets modulo 4 KiB (no 4K aliasing between
  /// streams). Releases the previous arrays first.
  void prepare(access_kind kind, std::size_t working_set_bytes);

  /// The working set `prepare(kind, requested)` uses on a team of `threads` (the rounding above).
  [[nodiscard]] static std::size_t rounded_working_set(std::size_t requested, int threads, access_kind kind) noexcept;

  /// Selects streaming (non-temporal, cache-bypassing, no write-allocate) stores for write, copy
  /// and triad from the next run() on; read is unaffected. Off by default. The byte count stays
  /// the STREAM convention either way.
  void set_nontemporal_stores(bool enabled) noexcept { m_nontemporal = enabled; }
  [[nodiscard]] bool nontemporal_stores() const noexcept { return m_nontemporal; }

  [[nodiscard]] access_kind kind() const noexcept { return m_kind; }
  [[nodiscard]] simd_level level() const noexcept { return m_level; }
  /// The working set actually used after rounding, bytes (all arrays of all threads).
  [[nodiscard]] std::size_t working_set_bytes() const noexcept;
  /// Bytes moved by one pass of all threads over their share (STREAM convention above); equals
  /// working_set_bytes().
  [[nodiscard]] std::size_t bytes_per_pass() const noexcept;

  /// Runs `passes` (>= 1) passes on all threads at once; returns wall seconds (thread_team::run:
  /// common release to the last thread's end). Throws std::logic_error before prepare().
  double run(std::size_t passes);

  /// Checks that the last run computed the right thing against a host reference: read -> each
  /// thread's checksum equals detail::read_checksum of its data's XOR and the passes; write ->
  /// every element holds the value that run wrote (a new value each run); copy -> dst == src;
  /// triad -> a[i] == b[i] + s*c[i] (data chosen so the result is exact with or without FMA).
  /// Runs on the owning threads. Returns "" when correct, else a one-line description of the first
  /// mismatch (also when no run happened since prepare()).
  [[nodiscard]] std::string verify() const;

  /// Raw bytes of array `array_index` (0 .. arrays_per_kind - 1; for copy 0 = dst, 1 = src; for
  /// triad 0 = a, 1 = b, 2 = c) of thread `thread_index`, for tests and diagnostics. Empty when out
  /// of range or before prepare().
  [[nodiscard]] std::span<std::byte> array_bytes(int thread_index, int array_index) noexcept;

private:
  struct alignas(64) thread_arrays {
    page_buffer memory;
    std::byte* arrays[3] = {nullptr, nullptr, nullptr};
    std::uint64_t checksum = 0;   ///< read: what the last run returned.
    std::uint64_t data_xor = 0;   ///< read: XOR of the data's words, one pass.
  };

  thread_team& m_team;
  simd_level m_level;
  detail::bandwidth_kernel_set m_kernels;
  access_kind m_kind = access_kind::read;
  std::size_t m_array_bytes = 0;   ///< Bytes of each array; 0 before prepare().
  std::vector<thread_arrays> m_threads;
  std::size_t m_last_passes = 0;   ///< Passes of the last run; 0 = no run since prepare().
  std::uint64_t m_run_count = 0;   ///< Runs so far; write derives its value from it.
  std::uint64_t m_written = 0;     ///< write: the value the last run stored.
  double m_scale = 3.0;            ///< triad: s.
  bool m_nontemporal = false;
};

}  // namespace rafter::host
