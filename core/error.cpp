#include "core/error.hpp"

namespace rafter {

namespace {
std::string compose(const std::string& file, const std::string& field, const std::string& message) {
  std::string line = file.empty() ? std::string("<input>") : file;
  if (!field.empty()) line += ": field '" + field + "'";
  line += ": " + message;
  return line;
}
}  // namespace

input_error::input_error(const std::string& file, const std::string& field, const std::string& message)
    : error(exit_code::usage, compose(file, field, message)), m_file(file), m_field(field) {}

}  // namespace rafter
