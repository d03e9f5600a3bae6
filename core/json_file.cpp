#include "core/json_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace rafter {

json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path.string(), "", std::string("cannot open file: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  try {
    return json::parse(buffer.str());
  } catch (const json::parse_error& e) {
    throw input_error(path.string(), "", "not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
}

void write_json_file(const std::filesystem::path& path, const json& document) {
  write_file_atomically(path, document.dump(2) + "\n");
}

}  // namespace rafter
