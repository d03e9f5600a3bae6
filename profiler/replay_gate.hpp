#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include <cuda.h>

namespace rafter::profiler {

/// The collector's one-replay-at-a-time lock and the rules for waiting on it, apart from CUPTI so
/// that tests drive them with threads (tests/replay_gate_test.cpp).
///
/// A selected launch locks `mutex()` at its API entry and keeps it locked until its API exit,
/// while CUPTI replays the kernel (`begin_replay` .. `end_replay`). Whatever else needs the lock
/// (a launch into the replay's context, a context being destroyed, stop, the write at exit) waits
/// for the replay at most `wait_limit()`; once one wait has timed out, none waits for that replay
/// again (`hung()`), so a replay that never ends (kernels that wait on each other) costs the
/// program one wait, not one per context at exit.
class replay_gate {
public:
  explicit replay_gate(std::chrono::milliseconds wait_limit) noexcept : m_wait_limit(wait_limit) {}

  [[nodiscard]] std::timed_mutex& mutex() noexcept { return m_mutex; }
  [[nodiscard]] std::chrono::milliseconds wait_limit() const noexcept { return m_wait_limit; }

  /// Locks `lock` (on mutex(), unlocked): at once when free, after a running replay ends if that
  /// takes at most wait_limit(), and without waiting once a wait for this replay has timed out.
  /// False when not locked. Never call it from the thread that holds the lock.
  bool wait(std::unique_lock<std::timed_mutex>& lock) noexcept;

  /// With the lock held by a selected launch: its replay runs in `ctx` (read by replaying()).
  void begin_replay(CUcontext ctx) noexcept { m_replaying = ctx; }
  /// With the lock held, at that launch's API exit: no replay runs; later waits wait again.
  void end_replay() noexcept {
    m_replaying = nullptr;
    m_hung = false;
  }
  /// The context of the replay in progress, nullptr when none. Read without the lock.
  [[nodiscard]] CUcontext replaying() const noexcept { return m_replaying.load(); }
  /// Whether a wait for the replay in progress has timed out.
  [[nodiscard]] bool hung() const noexcept { return m_hung.load(); }

  /// A context destroyed while its caller could not lock: the lock's next holder forgets its state
  /// (take_destroyed) before the driver can give its handle to a new context.
  void destroyed_while_locked_out(CUcontext ctx);
  /// With the lock held: the contexts destroyed_while_locked_out named since the last call. Costs
  /// one atomic load when there are none (every considered launch asks).
  [[nodiscard]] std::vector<CUcontext> take_destroyed();

private:
  std::timed_mutex m_mutex;
  const std::chrono::milliseconds m_wait_limit;
  std::atomic<CUcontext> m_replaying{nullptr};
  std::atomic<bool> m_hung{false};
  std::mutex m_destroyed_mutex;  // guards m_destroyed only
  std::vector<CUcontext> m_destroyed;
  std::atomic<bool> m_any_destroyed{false};
};

}  // namespace rafter::profiler
