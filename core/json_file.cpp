#include "core/json_file.hpp"

#include <istream>
#include <streambuf>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {

namespace {

/// `file_reader` as a `std::streambuf`, so the JSON parser reads as it goes and stops at the first
/// bad byte: `/dev/zero` fails at byte 1 instead of filling memory.
class reader_buffer : public std::streambuf {
public:
  explicit reader_buffer(file_reader& reader) : m_reader(reader), m_buffer(std::size_t{1} << 20) {}

protected:
  int_type underflow() override {
    const std::size_t n = m_reader.read(m_buffer.data(), m_buffer.size());
    if (n == 0) return traits_type::eof();
    setg(m_buffer.data(), m_buffer.data(), m_buffer.data() + n);
    return traits_type::to_int_type(m_buffer[0]);
  }

private:
  file_reader& m_reader;
  std::vector<char> m_buffer;
};

}  // namespace

json read_json_file(const std::filesystem::path& path) {
  file_reader reader(path);
  reader_buffer buffer(reader);
  std::istream in(&buffer);
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw input_error(path.string(), "", "not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const json::out_of_range&) {  // 1e999: a number no double holds
    throw input_error(path.string(), "", "holds a number too large for a double (such as 1e999)");
  }
}

void write_json_file(const std::filesystem::path& path, const json& document) {
  write_file_atomically(path, document.dump(2) + "\n");
}

}  // namespace rafter
