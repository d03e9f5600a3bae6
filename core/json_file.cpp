#include "core/json_file.hpp"

#include <algorithm>
#include <cstdint>
#include <istream>
#include <set>
#include <string>
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

/// The DOM parser's SAX events, checked for a key an object names twice (JSON leaves which value
/// counts undefined, and the parser would silently keep the last). Throws `input_error` naming the
/// key's path ("devices[0].name"). Objects of up to 16 keys are checked by a scan, larger ones by
/// a set: a trace's million small objects cost no allocation beyond their keys.
class duplicate_key_guard {
public:
  duplicate_key_guard(json& result, std::string file) : m_dom(result, true), m_file(std::move(file)) {}

  bool null() { return element() && m_dom.null(); }
  bool boolean(bool v) { return element() && m_dom.boolean(v); }
  bool number_integer(json::number_integer_t v) { return element() && m_dom.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return element() && m_dom.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& text) { return element() && m_dom.number_float(v, text); }
  bool string(json::string_t& v) { return element() && m_dom.string(v); }
  bool binary(json::binary_t& v) { return element() && m_dom.binary(v); }
  bool start_object(std::size_t n) {
    element();
    m_frames.emplace_back().object = true;
    return m_dom.start_object(n);
  }
  bool key(json::string_t& k) {
    frame& f = m_frames.back();
    bool repeated = false;
    if (f.few.size() < k_few) {
      repeated = std::find(f.few.begin(), f.few.end(), k) != f.few.end();
      f.few.push_back(k);
      if (f.few.size() == k_few) f.many.insert(f.few.begin(), f.few.end());
    } else {
      repeated = !f.many.insert(k).second;
    }
    if (repeated) throw input_error(m_file, path_to(k), "duplicate key: the object names it twice (JSON leaves which value counts undefined)");
    f.key = k;
    return m_dom.key(k);
  }
  bool end_object() {
    m_frames.pop_back();
    return m_dom.end_object();
  }
  bool start_array(std::size_t n) {
    element();
    m_frames.emplace_back();
    return m_dom.start_array(n);
  }
  bool end_array() {
    m_frames.pop_back();
    return m_dom.end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
    return m_dom.parse_error(position, last_token, ex);
  }

private:
  static constexpr std::size_t k_few = 16;
  struct frame {
    bool object = false;
    std::vector<std::string> few;  ///< An object's keys while it has fewer than k_few.
    std::set<std::string, std::less<>> many;
    std::string key;               ///< An object's latest key.
    std::int64_t index = -1;       ///< An array's latest element.
  };

  /// Counts an array's elements, for paths. Always true.
  bool element() {
    if (!m_frames.empty() && !m_frames.back().object) ++m_frames.back().index;
    return true;
  }

  /// "a.b[2].<k>": the path of key `k` of the innermost object.
  [[nodiscard]] std::string path_to(const std::string& k) const {
    std::string path;
    for (std::size_t i = 0; i + 1 < m_frames.size(); ++i) {
      const frame& f = m_frames[i];
      path += f.object ? (path.empty() ? "" : ".") + f.key : "[" + std::to_string(f.index) + "]";
    }
    return path.empty() ? k : path + "." + k;
  }

  nlohmann::detail::json_sax_dom_parser<json> m_dom;
  std::string m_file;
  std::vector<frame> m_frames;
};

}  // namespace

json read_json_file(const std::filesystem::path& path) {
  file_reader reader(path);
  reader_buffer buffer(reader);
  std::istream in(&buffer);
  try {
    json result;
    duplicate_key_guard guard(result, path.string());
    json::sax_parse(in, &guard);
    return result;
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
