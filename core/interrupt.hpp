#pragma once

namespace rafter {

/// Installs a SIGINT/SIGTERM handler that only raises a flag. Long loops poll `interrupt_requested()`
/// and throw `interrupted_error`, so outputs are never half written. Idempotent.
void install_interrupt_handler();

/// True once SIGINT or SIGTERM arrived after `install_interrupt_handler()`.
[[nodiscard]] bool interrupt_requested() noexcept;

/// Throws `interrupted_error` when an interrupt is pending.
void throw_if_interrupted();

/// For tests: raises or clears the flag without a signal.
void set_interrupt_for_testing(bool value) noexcept;

}  // namespace rafter
