#include "profiler/collector.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "profiler/collection_session.hpp"

namespace rafter {

namespace {

profiler::collector_config config_from_process_environment(bool& valid) {
  valid = true;
  try {
    return profiler::config_from_environment([](const char* name) { return std::getenv(name); });
  } catch (const std::exception& e) {
    valid = false;
    std::fprintf(stderr, "rafter: warning: %s; the collector uses its defaults\n", e.what());
    return {};
  }
}

}  // namespace

collector::collector(profiler::collector_config config) : m_config(std::move(config)) {}

collector::collector() {
  bool valid = false;
  m_config = config_from_process_environment(valid);
}

bool collector::start() { return profiler::collection_session::instance().start(m_config); }
void collector::stop() {
  auto& session = profiler::collection_session::instance();
  session.configure(m_config);
  session.stop();
}
void collector::flush() {
  auto& session = profiler::collection_session::instance();
  session.configure(m_config);
  session.flush();
}
trace collector::snapshot() { return profiler::collection_session::instance().snapshot(); }

}  // namespace rafter
