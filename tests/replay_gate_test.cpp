// The collector's replay lock and its waiting rules, driven with threads (no CUPTI, no GPU).
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(replay_gate, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include "profiler/replay_gate.hpp"

#include <chrono>
#include <cstdint>
#include <future>
#include <thread>
#include <vector>

namespace rafter::profiler {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// Stand-ins for CUDA contexts: the gate only compares and stores them.
CUcontext context(std::uintptr_t n) { return reinterpret_cast<CUcontext>(n); }

// Locks the gate on another thread, as a selected launch's API entry does, and starts a replay in
// `ctx`; the returned promise ends it (the launch's API exit) on that thread.
struct replay_on_other_thread {
  explicit replay_on_other_thread(replay_gate& gate, CUcontext ctx) {
    std::promise<void> started;
    auto started_future = started.get_future();
    worker = std::thread([&gate, ctx, &started, this] {
      std::unique_lock lock(gate.mutex());
      gate.begin_replay(ctx);
      started.set_value();
      done.get_future().wait();
      gate.end_replay();
    });
    started_future.wait();
  }
  void end() {
    done.set_value();
    worker.join();
  }
  std::promise<void> done;
  std::thread worker;
};

double seconds_to_wait(replay_gate& gate, bool& locked) {
  std::unique_lock lock(gate.mutex(), std::defer_lock);
  const auto t0 = clock_type::now();
  locked = gate.wait(lock);
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

TEST(replay_gate, a_free_gate_locks_at_once) {
  replay_gate gate(10s);
  bool locked = false;
  EXPECT_LT(seconds_to_wait(gate, locked), 1.0);
  EXPECT_TRUE(locked);
  EXPECT_FALSE(gate.hung());
  EXPECT_EQ(gate.replaying(), nullptr);
}

TEST(replay_gate, a_hung_replay_costs_one_wait_and_the_next_replay_is_waited_for_again) {
  replay_gate gate(2s);
  replay_on_other_thread replay(gate, context(1));
  EXPECT_EQ(gate.replaying(), context(1));

  bool locked = true;
  const double first = seconds_to_wait(gate, locked);
  EXPECT_FALSE(locked);
  EXPECT_GE(first, 1.9);  // the whole wait limit
  EXPECT_TRUE(gate.hung());
  // Every later wait for the same replay (a context destroyed at exit, the exit itself) is free.
  for (int i = 0; i < 3; ++i) {
    const double later = seconds_to_wait(gate, locked);
    EXPECT_FALSE(locked);
    EXPECT_LT(later, 1.0) << i;  // no wait (bounds loose enough for a loaded machine)
  }

  replay.end();  // the replay's launch returns after all
  EXPECT_FALSE(gate.hung());
  EXPECT_EQ(gate.replaying(), nullptr);
  EXPECT_LT(seconds_to_wait(gate, locked), 1.0);
  EXPECT_TRUE(locked);
}

TEST(replay_gate, a_replay_that_ends_within_the_limit_is_waited_for) {
  replay_gate gate(10s);
  replay_on_other_thread replay(gate, context(2));
  std::thread ender([&] {
    std::this_thread::sleep_for(100ms);
    replay.end();
  });
  bool locked = false;
  const double waited = seconds_to_wait(gate, locked);
  ender.join();
  EXPECT_TRUE(locked);
  EXPECT_LT(waited, 5.0);
  EXPECT_FALSE(gate.hung());
}

TEST(replay_gate, contexts_destroyed_while_locked_out_are_handed_over_once) {
  replay_gate gate(1s);
  EXPECT_TRUE(gate.take_destroyed().empty());
  std::thread a([&] { gate.destroyed_while_locked_out(context(3)); });
  std::thread b([&] { gate.destroyed_while_locked_out(context(4)); });
  a.join();
  b.join();
  auto taken = gate.take_destroyed();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_TRUE((taken[0] == context(3) && taken[1] == context(4)) || (taken[0] == context(4) && taken[1] == context(3)));
  EXPECT_TRUE(gate.take_destroyed().empty());
  gate.destroyed_while_locked_out(context(5));
  EXPECT_EQ(gate.take_destroyed(), std::vector<CUcontext>{context(5)});
}

}  // namespace
}  // namespace rafter::profiler
#endif  // RAFTER_HAVE_CUPTI
