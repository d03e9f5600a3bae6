#include "microbench/host/kernels/thread_team.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"

namespace rafter::host {

namespace {

std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

thread_team::thread_team(std::vector<int> cpus) : m_cpus(std::move(cpus)), m_slots(m_cpus.size()) {
  if (m_cpus.empty()) throw std::invalid_argument("thread_team: no CPUs given");
  for (int cpu : m_cpus) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) throw std::invalid_argument(fmt::format("thread_team: bad CPU number {}", cpu));
  }
  m_threads.reserve(m_cpus.size());
  try {
    for (int i = 0; i < size(); ++i) m_threads.emplace_back([this, i] { worker_main(i); });
  } catch (...) {
    shutdown();
    throw;
  }
  // Each worker pins itself and then counts itself in m_finished.
  const auto n = static_cast<std::uint32_t>(m_cpus.size());
  for (std::uint32_t seen = m_finished.load(std::memory_order_acquire); seen != n;
       seen = m_finished.load(std::memory_order_acquire)) {
    m_finished.wait(seen, std::memory_order_acquire);
  }
  for (int i = 0; i < size(); ++i) {
    if (m_slots[static_cast<std::size_t>(i)].pin_errno != 0) {
      const int err = m_slots[static_cast<std::size_t>(i)].pin_errno;
      shutdown();
      throw unsupported_error(fmt::format("cannot pin a worker thread to CPU {}: {}", m_cpus[static_cast<std::size_t>(i)],
                                          std::strerror(err)));
    }
  }
}

thread_team::~thread_team() { shutdown(); }

void thread_team::shutdown() noexcept {
  m_stop.store(true, std::memory_order_relaxed);
  m_generation.fetch_add(1, std::memory_order_release);
  m_generation.notify_all();
  for (std::thread& t : m_threads) {
    if (t.joinable()) t.join();
  }
  m_threads.clear();
}

void thread_team::worker_main(int index) {
  worker_slot& slot = m_slots[static_cast<std::size_t>(index)];
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(m_cpus[static_cast<std::size_t>(index)], &set);
  slot.pin_errno = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  if (slot.pin_errno == 0) sched_yield();  // move onto the pinned CPU now
  const auto n = static_cast<std::uint32_t>(m_cpus.size());
  std::uint32_t seen = m_generation.load(std::memory_order_acquire);
  if (m_finished.fetch_add(1, std::memory_order_acq_rel) + 1 == n) m_finished.notify_all();

  for (;;) {
    // Sleep (std::atomic::wait: a brief spin, then futex) until the next job. Spinning longer
    // would starve the controlling thread when the team occupies every CPU.
    std::uint32_t generation = m_generation.load(std::memory_order_acquire);
    while (generation == seen) {
      if (m_stop.load(std::memory_order_relaxed)) return;  // shut down before our first job
      m_generation.wait(seen, std::memory_order_acquire);
      generation = m_generation.load(std::memory_order_acquire);
    }
    seen = generation;
    if (m_stop.load(std::memory_order_relaxed)) return;

    if (m_arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == n) {
      m_start_ns = now_ns();
      m_release.store(generation, std::memory_order_release);
    } else {
      while (m_release.load(std::memory_order_acquire) != generation) cpu_relax();
    }
    try {
      (*m_work)(index);
    } catch (...) {
      slot.error = std::current_exception();
    }
    slot.end_ns = now_ns();
    if (m_finished.fetch_add(1, std::memory_order_acq_rel) + 1 == n) m_finished.notify_all();
  }
}

double thread_team::run(const std::function<void(int)>& work) {
  const auto n = static_cast<std::uint32_t>(m_cpus.size());
  m_work = &work;
  for (worker_slot& slot : m_slots) slot.error = nullptr;
  m_arrived.store(0, std::memory_order_relaxed);
  m_finished.store(0, std::memory_order_relaxed);
  m_generation.fetch_add(1, std::memory_order_acq_rel);
  m_generation.notify_all();
  for (std::uint32_t done = m_finished.load(std::memory_order_acquire); done != n;
       done = m_finished.load(std::memory_order_acquire)) {
    m_finished.wait(done, std::memory_order_acquire);
  }
  m_work = nullptr;
  std::int64_t end_ns = m_start_ns;
  for (const worker_slot& slot : m_slots) end_ns = std::max(end_ns, slot.end_ns);
  for (worker_slot& slot : m_slots) {
    if (slot.error) {
      std::exception_ptr error = slot.error;
      slot.error = nullptr;
      std::rethrow_exception(error);
    }
  }
  return static_cast<double>(end_ns - m_start_ns) * 1e-9;
}

void thread_team::each(const std::function<void(int)>& work) { static_cast<void>(run(work)); }

}  // namespace rafter::host
