#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "microbench/cuda/device_buffer.hpp"
#include "microbench/cuda/gpu_session.hpp"
#include "microbench/cuda/stream_gate.hpp"

namespace rafter::cuda {

/// The host-device transfers measured: by copy engine (cudaMemcpyAsync) or by an SM copy kernel
/// reading or writing mapped pinned host memory; bidir_pinned is one pinned H2D and one pinned
/// D2H copy at once on two streams.
enum class host_copy { h2d_pinned, d2h_pinned, h2d_pageable, d2h_pageable, bidir_pinned, h2d_sm_kernel, d2h_sm_kernel };

struct host_copy_info {
  host_copy copy;
  const char* id;      ///< Link id in the profile: "h2d_pinned".
  const char* method;  ///< How one copy is made, in words.
  bool host_timed;     ///< Timed with the host clock (pageable copies) rather than CUDA events.
};
[[nodiscard]] std::span<const host_copy_info> host_copies() noexcept;
[[nodiscard]] const host_copy_info& info(host_copy copy) noexcept;

/// Host <-> GPU transfers of `bytes` (a multiple of 16) of random data (link_pattern) between a
/// device buffer and pinned (cudaHostAlloc, mapped) or pageable (new[]) host memory. Every
/// destination is cleared before a checked copy and compared word for word with the source
/// pattern afterwards.
class host_link_bench {
public:
  /// The session's device must be current (it is after gpu_session's constructor).
  host_link_bench(gpu_session& session, std::size_t bytes, std::uint64_t seed);
  ~host_link_bench();
  host_link_bench(const host_link_bench&) = delete;
  host_link_bench& operator=(const host_link_bench&) = delete;

  /// Clears the destination(s), makes one copy and checks it.
  [[nodiscard]] std::string run_and_check(host_copy copy);
  /// Checks the destination(s) of `copy` as they are now.
  [[nodiscard]] std::string check_output(host_copy copy) const;
  /// Seconds of `repeats` back-to-back copies: CUDA events, or the host clock for pageable copies.
  [[nodiscard]] double time(host_copy copy, int repeats);
  /// Bytes `repeats` copies move (bidir_pinned: both directions, 2 x bytes per copy).
  [[nodiscard]] double bytes(host_copy copy, int repeats) const noexcept;

  /// Seconds (CUDA events) of `copies` back-to-back pinned copies of `small_bytes` (<= 16 x
  /// 1024) in one direction on the session's stream, queued behind a stream gate so that the
  /// host's time to queue them is not timed (stream_gate.hpp); std::nullopt when the gate timed
  /// out (the reason: gate_timeout_reason()). Checked afterwards either way: empty string in
  /// `mismatch` when the data arrived.
  [[nodiscard]] std::optional<double> small_copies(bool host_to_device, std::size_t small_bytes, int copies,
                                                   std::string& mismatch);
  /// Why small_copies returned std::nullopt.
  [[nodiscard]] std::string gate_timeout_reason() const { return m_gate.timeout_reason(); }

  [[nodiscard]] std::size_t transfer_bytes() const noexcept { return m_bytes; }
  [[nodiscard]] int sm_blocks() const noexcept { return m_blocks; }

private:
  void allocate();          ///< The constructor's CUDA work.
  void release() noexcept;  ///< Frees what allocate made (the destructor; a constructor that failed).
  cudaError_t enqueue(host_copy copy, int repeats);
  [[nodiscard]] std::string check_device(const device_buffer<std::uint32_t>& buffer, std::uint64_t seed) const;

  gpu_session& m_session;
  std::size_t m_bytes = 0;
  std::size_t m_words = 0;
  std::uint64_t m_seed_host = 0, m_seed_device = 0;
  int m_blocks = 0;
  device_buffer<std::uint32_t> m_device_src, m_device_dst;
  std::uint32_t* m_pinned_src = nullptr;
  std::uint32_t* m_pinned_dst = nullptr;
  void* m_mapped_src = nullptr;  ///< Device pointers of the pinned buffers.
  void* m_mapped_dst = nullptr;
  std::unique_ptr<std::uint32_t[]> m_pageable_src, m_pageable_dst;
  cudaStream_t m_second = nullptr;  ///< The D2H stream of bidir_pinned.
  cudaEvent_t m_fork = nullptr, m_join = nullptr;
  stream_gate m_gate;  ///< Holds the stream while small_copies queues its copies.
};

}  // namespace rafter::cuda
