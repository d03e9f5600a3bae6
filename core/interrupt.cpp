#include "core/interrupt.hpp"

#include <atomic>
#include <csignal>

#include "core/error.hpp"

namespace rafter {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_signal(int) { g_interrupted = 1; }
}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() noexcept { return g_interrupted != 0; }

void throw_if_interrupted() {
  if (interrupt_requested()) throw interrupted_error();
}

void set_interrupt_for_testing(bool value) noexcept { g_interrupted = value ? 1 : 0; }

}  // namespace rafter
