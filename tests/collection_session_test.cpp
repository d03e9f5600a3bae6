// The process-wide collection's buffer handling, driven the way CUPTI drives it (buffer requested,
// filled, completed on other threads) while the program flushes, without a GPU.
#include <gtest/gtest.h>

#ifndef RAFTER_HAVE_CUPTI
TEST(collection_session, needs_cupti) { GTEST_SKIP() << "built without CUDA/CUPTI: the collector is not built"; }
#else

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
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

// The session is process-wide and keeps its first configuration, so this runs in a process of its
// own (a threadsafe death test re-executes the test binary) and leaves through _Exit, writing no
// trace. In roofline mode the trace's list of what it lacks keeps the fixed entries and adds the
// one on kernels outside the counter selection; with no kernel measured, "metrics" is not recorded.
TEST(collection_session, roofline_mode_keeps_every_not_recorded_entry) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        rafter::profiler::collector_config config;
        config.output = std::filesystem::temp_directory_path() /
                        ("collection_session_test_roofline_" + std::to_string(::getpid()) + ".json");
        config.buffer_bytes = 64 << 10;
        config.roofline_metrics = true;
        auto& session = collection_session::instance();
        session.configure(config);
        activity_buffer records;
        records.append(make_kernel<V::kernel>("k", 100, 200, 11));
        std::uint8_t* buffer = nullptr;
        std::size_t size = 0;
        std::size_t max_records = 0;
        collection_session::buffer_requested(&buffer, &size, &max_records);
        if (buffer == nullptr || size < records.size()) std::_Exit(2);
        std::memcpy(buffer, records.data(), records.size());
        collection_session::buffer_completed(nullptr, 0, buffer, size, records.size());

        const rafter::trace t = session.snapshot();
        const auto lists = [](const std::vector<std::string>& notes, const std::string& text) {
          return std::any_of(notes.begin(), notes.end(),
                             [&](const std::string& n) { return n.find(text) != std::string::npos; });
        };
        int missing = 0;
        for (const char* note : {"CUDA runtime and driver API calls", "framework ops", "NVTX ranges (trace with --nvtx)",
                                 "counters of kernels outside the selection"}) {
          if (!lists(t.source.not_recorded, note)) {
            std::fprintf(stderr, "not_recorded lacks: %s\n", note);
            ++missing;
          }
        }
        if (lists(t.source.recorded, "metrics")) {
          std::fprintf(stderr, "recorded lists metrics, but no kernel has any\n");
          ++missing;
        }
        if (t.kernels.size() != 1) {
          std::fprintf(stderr, "%zu kernels, expected 1\n", t.kernels.size());
          ++missing;
        }
        std::fflush(stderr);
        std::_Exit(missing == 0 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace

#endif  // RAFTER_HAVE_CUPTI
