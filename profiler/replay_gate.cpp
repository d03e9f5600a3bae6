#include "profiler/replay_gate.hpp"

namespace rafter::profiler {

bool replay_gate::wait(std::unique_lock<std::timed_mutex>& lock) noexcept {
  if (m_hung.load()) return lock.try_lock();
  if (lock.try_lock_for(m_wait_limit)) return true;
  m_hung = true;
  return false;
}

void replay_gate::destroyed_while_locked_out(CUcontext ctx) {
  std::lock_guard guard(m_destroyed_mutex);
  m_destroyed.push_back(ctx);
  m_any_destroyed = true;
}

std::vector<CUcontext> replay_gate::take_destroyed() {
  if (!m_any_destroyed.exchange(false)) return {};
  std::lock_guard guard(m_destroyed_mutex);
  std::vector<CUcontext> out;
  out.swap(m_destroyed);
  return out;
}

}  // namespace rafter::profiler
