// The process-wide collection's buffer handling, driven the way CUPTI drives it (buffer requested,
// filled, completed on other threads) while the program flushes, without a GPU.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(collection_session, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "activity_buffer.hpp"
#include "profiler/collection_session.hpp"

namespace {

using rafter::profiler::collection_session;
using V = rafter::profiler::current_record_versions;
using namespace rafter::testing;

TEST(collection_session, decodes_buffers_completed_on_many_threads_while_the_program_flushes) {
  namespace fs = std::filesystem;
  const fs::path out = fs::temp_directory_path() / ("collection_session_test_" + std::to_string(::getpid()) + ".json");
  rafter::profiler::collector_config config;
  config.output = out;
  config.buffer_bytes = 64 << 10;
  auto& session = collection_session::instance();
  session.configure(config);

  constexpr int threads = 8;
  constexpr int buffers_per_thread = 50;
  constexpr int kernels_per_buffer = 20;
  std::atomic<bool> done{false};
  std::thread flusher([&] {
    while (!done) (void)session.snapshot();
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([t] {
      for (int b = 0; b < buffers_per_thread; ++b) {
        activity_buffer records;
        for (int k = 0; k < kernels_per_buffer; ++k) {
          const auto start = static_cast<std::uint64_t>(1000 + ((t * buffers_per_thread + b) * kernels_per_buffer + k) * 10);
          records.append(make_kernel<V::kernel>("k", start, start + 5, static_cast<std::uint32_t>(start)));
        }
        std::uint8_t* buffer = nullptr;
        std::size_t size = 0;
        std::size_t max_records = 99;
        collection_session::buffer_requested(&buffer, &size, &max_records);
        ASSERT_NE(buffer, nullptr);
        ASSERT_GE(size, records.size());
        EXPECT_EQ(max_records, 0u);
        std::memcpy(buffer, records.data(), records.size());
        collection_session::buffer_completed(nullptr, 0, buffer, size, records.size());
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  flusher.join();

  const rafter::trace t = session.snapshot();
  EXPECT_EQ(t.kernels.size(), static_cast<std::size_t>(threads * buffers_per_thread * kernels_per_buffer));
  EXPECT_EQ(t.source.counters.at("buffers"), threads * buffers_per_thread);
  EXPECT_EQ(t.source.counters.count("dropped_records"), 0u);
  for (std::size_t i = 1; i < t.kernels.size(); ++i) ASSERT_LT(t.kernels[i - 1].start_ns, t.kernels[i].start_ns);

  session.finish();  // writes once; the handler at exit then does nothing
  ASSERT_TRUE(fs::exists(out));
  EXPECT_EQ(rafter::load_trace(out).kernels.size(), t.kernels.size());
  fs::remove(out);
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI
