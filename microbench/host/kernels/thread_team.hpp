#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace rafter::host {

/// A persistent team of worker threads, worker i pinned (pthread_setaffinity_np) to cpus[i] for
/// its whole life. Work is handed to all workers at once; between jobs workers sleep on a futex
/// (std::atomic::wait), so an idle team costs no CPU and the controlling thread finds a free CPU. Use from one controlling thread at a time; the
/// controlling thread sleeps while a job runs and is not one of the workers.
class thread_team {
public:
  /// Starts one worker per entry of `cpus` (logical CPU numbers). Throws std::invalid_argument when
  /// `cpus` is empty or holds a negative number, rafter::unsupported_error when a worker cannot be
  /// pinned (CPU offline or outside this process's affinity mask).
  explicit thread_team(std::vector<int> cpus);
  ~thread_team();  ///< Stops and joins the workers.

  thread_team(const thread_team&) = delete;
  thread_team& operator=(const thread_team&) = delete;
  thread_team(thread_team&&) = delete;
  thread_team& operator=(thread_team&&) = delete;

  [[nodiscard]] int size() const noexcept { return static_cast<int>(m_cpus.size()); }
  [[nodiscard]] const std::vector<int>& cpus() const noexcept { return m_cpus; }

  /// Runs work(i) on worker i for every i at the same time. Workers first meet at a spin barrier;
  /// the last to arrive takes the start time and releases all. Returns wall seconds (steady_clock)
  /// from that common release to the end of the last worker's work(i); wake-up of sleeping workers
  /// is not counted, the timing overhead is two clock reads (tens of ns). Rethrows the exception of
  /// the lowest-indexed worker that threw, after all workers finished.
  double run(const std::function<void(int thread_index)>& work);

  /// As run(), untimed: for setup that must happen on the owning pinned thread (allocation and
  /// first touch of its memory, verification of its results).
  void each(const std::function<void(int thread_index)>& work);

private:
  struct alignas(64) worker_slot {
    std::int64_t end_ns = 0;      ///< steady_clock time the worker's last work(i) returned.
    std::exception_ptr error;     ///< What its last work(i) threw, if anything.
    int pin_errno = 0;            ///< pthread_setaffinity_np result at start-up.
  };

  void worker_main(int index);
  void shutdown() noexcept;

  std::vector<int> m_cpus;
  std::vector<worker_slot> m_slots;
  std::vector<std::thread> m_threads;
  const std::function<void(int)>* m_work = nullptr;
  std::int64_t m_start_ns = 0;  ///< Release time of the current job; written by the releasing worker.
  std::atomic<bool> m_stop{false};  ///< Set before the final generation bump.

  alignas(64) std::atomic<std::uint32_t> m_generation{0};  ///< Bumped by the controller per job.
  alignas(64) std::atomic<std::uint32_t> m_arrived{0};     ///< Workers at the start barrier.
  alignas(64) std::atomic<std::uint32_t> m_release{0};     ///< Generation released to run.
  alignas(64) std::atomic<std::uint32_t> m_finished{0};    ///< Workers done with the job (or started up).
};

}  // namespace rafter::host
