#include "microbench/host/kernels/thread_team.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "allowed_cpus.hpp"

using rafter::host::thread_team;
using rafter::testing::allowed_cpus;

TEST(thread_team, size_and_cpus) {
  const std::vector<int> cpus = allowed_cpus(4);
  thread_team team(cpus);
  EXPECT_EQ(team.size(), static_cast<int>(cpus.size()));
  EXPECT_EQ(team.cpus(), cpus);
}

TEST(thread_team, runs_every_index_once_on_its_pinned_cpu) {
  const std::vector<int> cpus = allowed_cpus(4);
  thread_team team(cpus);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::atomic<int>> calls(cpus.size());
    std::vector<int> where(cpus.size(), -1);
    const double seconds = team.run([&](int i) {
      calls[static_cast<std::size_t>(i)].fetch_add(1);
      where[static_cast<std::size_t>(i)] = sched_getcpu();
    });
    EXPECT_GE(seconds, 0.0);
    for (std::size_t i = 0; i < cpus.size(); ++i) {
      EXPECT_EQ(calls[i].load(), 1);
      EXPECT_EQ(where[i], cpus[i]);
    }
  }
}

TEST(thread_team, all_workers_start_together) {
  const std::vector<int> cpus = allowed_cpus(4);
  if (cpus.size() < 2) GTEST_SKIP() << "needs two CPUs";
  thread_team team(cpus);
  // Each worker counts itself in and waits until all are in: finishes only if all run at once.
  std::atomic<int> inside{0};
  const int n = team.size();
  const double seconds = team.run([&](int) {
    inside.fetch_add(1);
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (inside.load() < n && std::chrono::steady_clock::now() < limit) {
    }
  });
  EXPECT_EQ(inside.load(), n);
  EXPECT_LT(seconds, 2.0);
}

TEST(thread_team, time_covers_the_slowest_worker) {
  thread_team team(allowed_cpus(2));
  const double seconds = team.run([&](int i) {
    if (i == team.size() - 1) std::this_thread::sleep_for(std::chrono::milliseconds(30));
  });
  EXPECT_GE(seconds, 0.029);
  EXPECT_LT(seconds, 3.0);
}

TEST(thread_team, each_runs_setup_on_the_owning_thread) {
  const std::vector<int> cpus = allowed_cpus(4);
  thread_team team(cpus);
  std::vector<std::thread::id> setup(cpus.size());
  std::vector<std::thread::id> work(cpus.size());
  team.each([&](int i) { setup[static_cast<std::size_t>(i)] = std::this_thread::get_id(); });
  team.run([&](int i) { work[static_cast<std::size_t>(i)] = std::this_thread::get_id(); });
  for (std::size_t i = 0; i < cpus.size(); ++i) {
    EXPECT_EQ(setup[i], work[i]);
    EXPECT_NE(setup[i], std::this_thread::get_id());
  }
}

TEST(thread_team, exceptions_reach_the_caller_and_the_team_survives) {
  thread_team team(allowed_cpus(2));
  EXPECT_THROW(team.run([](int i) {
    if (i == 0) throw std::runtime_error("boom");
  }),
               std::runtime_error);
  std::atomic<int> calls{0};
  team.each([&](int) { calls.fetch_add(1); });
  EXPECT_EQ(calls.load(), team.size());
}

TEST(thread_team, many_short_jobs) {
  thread_team team(allowed_cpus(2));
  std::atomic<long> total{0};
  for (int round = 0; round < 2000; ++round) team.run([&](int) { total.fetch_add(1); });
  EXPECT_EQ(total.load(), 2000L * team.size());
}

TEST(thread_team, rejects_bad_cpu_lists) {
  EXPECT_THROW(thread_team(std::vector<int>{}), std::invalid_argument);
  EXPECT_THROW(thread_team(std::vector<int>{-1}), std::invalid_argument);
  // A CPU number no machine running these tests has.
  EXPECT_THROW(thread_team(std::vector<int>{CPU_SETSIZE - 1}), rafter::unsupported_error);
}

TEST(thread_team, teams_come_and_go) {
  for (int i = 0; i < 20; ++i) {
    thread_team team(allowed_cpus(2));
    team.each([](int) {});
  }
}
