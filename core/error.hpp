#pragma once

#include <stdexcept>
#include <string>

#include "core/exit_code.hpp"

namespace rafter {

/// Base of every error rafter reports to a user. `what()` is one line; `code()` is the exit code.
class error : public std::runtime_error {
public:
  error(exit_code code, const std::string& message) : std::runtime_error(message), m_code(code) {}
  [[nodiscard]] exit_code code() const noexcept { return m_code; }

private:
  exit_code m_code;
};

/// Bad input: names the file and the field (a JSON path such as `compute[2].flop_per_s`).
class input_error : public error {
public:
  input_error(const std::string& file, const std::string& field, const std::string& message);
  [[nodiscard]] const std::string& file() const noexcept { return m_file; }
  [[nodiscard]] const std::string& field() const noexcept { return m_field; }

private:
  std::string m_file;
  std::string m_field;
};

/// Bad command-line usage.
class usage_error : public error {
public:
  explicit usage_error(const std::string& message) : error(exit_code::usage, message) {}
};

/// The hardware or environment cannot do what was asked (no GPU, no driver, missing ISA).
class unsupported_error : public error {
public:
  explicit unsupported_error(const std::string& message) : error(exit_code::unsupported, message) {}
};

/// The user pressed Ctrl-C; long work stops at the next check and writes nothing.
class interrupted_error : public error {
public:
  interrupted_error() : error(exit_code::interrupted, "interrupted; no output written") {}
};

}  // namespace rafter
