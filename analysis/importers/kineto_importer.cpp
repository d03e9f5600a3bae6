#include "analysis/importers/kineto_importer.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "analysis/importers/ncu_metric_table.hpp"
#include "analysis/importers/op_shape_table.hpp"
#include "analysis/importers/shape_estimates.hpp"
#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {

namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t k_initial_buffer = std::size_t{8} << 20;
constexpr std::size_t k_read_size = std::size_t{4} << 20;

// ---- numbers ----

/// Microseconds as JSON number text ("1428625731896.179", "1679055451546825", "-3.5", "1e3") to
/// integer nanoseconds, exactly for plain decimals (rounded half away from zero beyond 1 ns).
/// Nothing for text that is not a finite number (`NaN`, `Infinity`, strings) or out of range.
std::optional<std::int64_t> microseconds_text_to_ns(std::string_view text) {
  std::size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  const std::size_t int_begin = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const std::size_t int_end = i;
  std::size_t frac_begin = i, frac_end = i;
  if (i < text.size() && text[i] == '.') {
    frac_begin = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    frac_end = i;
  }
  if (int_end == int_begin && frac_end == frac_begin) return std::nullopt;
  if (i != text.size()) {
    // Exponent or other forms: parse as long double (64-bit mantissa on x86) and round.
    if (text[i] != 'e' && text[i] != 'E') return std::nullopt;
    const std::string copy(text);
    char* end = nullptr;
    const long double us = std::strtold(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !std::isfinite(us)) return std::nullopt;
    const long double ns = std::round(us * 1000.0L);
    if (std::fabs(ns) > static_cast<long double>(trace::max_abs_timestamp_ns)) return std::nullopt;
    return static_cast<std::int64_t>(ns);
  }
  if (int_end - int_begin > 16) return std::nullopt;
  std::int64_t value = 0;
  for (std::size_t k = int_begin; k < int_end; ++k) value = value * 10 + (text[k] - '0');
  if (value > trace::max_abs_timestamp_ns / 1000 - 1) return std::nullopt;  // beyond +-2^62 ns (146 years)
  // Up to 3 fractional digits are nanoseconds; beyond that, round half away from zero.
  std::int64_t frac = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    frac = frac * 10 + (frac_begin + k < frac_end ? text[frac_begin + k] - '0' : 0);
  }
  if (frac_end - frac_begin > 3 && text[frac_begin + 3] >= '5') ++frac;
  const std::int64_t ns = value * 1000 + frac;
  return negative ? -ns : ns;
}

std::optional<std::int64_t> value_ns(od::value v) {
  // The token's text, so that 16+ significant digits survive; `NaN` arrives here as text too.
  std::string_view raw = v.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) raw.remove_suffix(1);
  if (raw.empty() || raw.front() == '"') return std::nullopt;
  return microseconds_text_to_ns(raw);
}

/// A plain JSON integer token ("-12", "0"; up to 18 digits, trailing whitespace allowed) read
/// from its text; false for anything else (decimals, exponents, strings, ...).
inline bool plain_int(std::string_view raw, std::int64_t& out) noexcept {
  const char* p = raw.data();
  const char* const e = p + raw.size();
  const bool negative = p < e && *p == '-';
  if (negative) ++p;
  const char* const digits = p;
  std::int64_t v = 0;
  while (p < e && static_cast<unsigned>(*p - '0') < 10u) {
    if (p - digits < 18) v = v * 10 + (*p - '0');  // more than 18 digits is rejected below
    ++p;
  }
  const auto n = p - digits;
  if (n == 0 || n > 18 || (n > 1 && *digits == '0')) return false;
  if (p < e && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') return false;
  out = negative ? -v : v;
  return true;
}

/// Element size of a c10::ScalarType as PyTorch names it in collective metadata ("Float",
/// "BFloat16"; c10/core/ScalarType.h), or nothing.
std::optional<double> scalar_type_bytes(std::string_view name) {
  static constexpr std::pair<std::string_view, double> k_sizes[] = {
      {"Double", 8}, {"Float", 4}, {"Half", 2}, {"BFloat16", 2}, {"Long", 8}, {"Int", 4}, {"Short", 2}, {"Char", 1},
      {"Byte", 1}, {"Bool", 1}, {"UInt16", 2}, {"UInt32", 4}, {"UInt64", 8}, {"ComplexHalf", 4}, {"ComplexFloat", 8},
      {"ComplexDouble", 16}, {"Float8_e4m3fn", 1}, {"Float8_e5m2", 1}, {"Float8_e4m3fnuz", 1}, {"Float8_e5m2fnuz", 1},
      {"Float8_e8m0fnu", 1}, {"Float4_e2m1fn_x2", 1}};  // x2: one element = two packed fp4 values
  for (const auto& [type, bytes] : k_sizes) {
    if (type == name) return bytes;
  }
  return std::nullopt;
}

std::optional<std::int64_t> value_int(od::value v) {
  std::int64_t i = 0;
  if (plain_int(v.raw_json_token(), i)) return i;  // the common case, without simdjson's number parser
  if (v.get_int64().get(i) == simdjson::SUCCESS) return i;
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) {
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<double> value_number(od::value v) {
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d)) return d;
  return std::nullopt;
}

std::optional<dim3_value> value_dim3(od::value v) {
  od::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS) return std::nullopt;
  std::uint32_t xyz[3] = {1, 1, 1};
  std::size_t n = 0;
  for (auto e : a) {
    od::value ev;
    if (e.get(ev) != simdjson::SUCCESS) return std::nullopt;
    const auto i = value_int(ev);
    if (!i || *i < 1 || *i > 4294967295LL || n >= 3) return std::nullopt;
    xyz[n++] = static_cast<std::uint32_t>(*i);
  }
  if (n != 3) return std::nullopt;
  return dim3_value{xyz[0], xyz[1], xyz[2]};
}

/// The key of `field`: a view of its raw text when it has no escapes (no copy), else unescaped.
simdjson::error_code field_key(od::field& field, std::string_view& key) {
  const char* raw = field.key().raw();
  std::size_t n = 0;
  while (raw[n] != '"' && raw[n] != '\\') ++n;
  if (raw[n] == '"') {
    key = std::string_view(raw, n);
    return simdjson::SUCCESS;
  }
  return field.unescaped_key().get(key);
}

// ---- UTF-8 ----

/// Replaces every byte that does not start a valid UTF-8 sequence with U+FFFD.
std::string sanitize_utf8(std::string_view in, std::size_t& replaced) {
  std::string out;
  out.reserve(in.size() + 16);
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t n = in.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    std::size_t len = 0;
    if (c < 0x80) len = 1;
    else if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (s[i + k] & 0xC0) == 0x80;
    if (ok && len == 3) {
      ok = !(c == 0xE0 && s[i + 1] < 0xA0) && !(c == 0xED && s[i + 1] >= 0xA0);
    } else if (ok && len == 4) {
      ok = !(c == 0xF0 && s[i + 1] < 0x90) && !(c == 0xF4 && s[i + 1] >= 0x90);
    }
    if (ok) {
      out.append(in.data() + i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++replaced;
      ++i;
    }
  }
  return out;
}

std::string demangle(const std::string& name) {
  if (name.size() < 3 || name.compare(0, 2, "_Z") != 0) return {};
  int status = 0;
  char* out = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  std::string result = status == 0 && out != nullptr ? std::string(out) : std::string();
  std::free(out);
  return result;
}

// ---- streaming JSON structure ----

/// Bit k set when byte k of the 16 at `p` is '"', '\\', '{', '}', '[' or ']'. Reads 16 bytes
/// (the window keeps SIMDJSON_PADDING readable bytes after its end).
inline std::uint32_t interesting_bytes(const char* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // '{' 0x7b and '[' 0x5b differ by 0x20, as do '}' 0x7d and ']' 0x5d: fold them with | 0x20.
  const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
  const __m128i hits = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')), _mm_cmpeq_epi8(folded, _mm_set1_epi8('}'))));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(hits));
#else
  std::uint32_t mask = 0;
  for (int k = 0; k < 16; ++k) {
    const char c = p[k];
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '[' || c == ']') mask |= 1u << k;
  }
  return mask;
#endif
}

/// Bit masks of the 64 bytes at `p`: quotes, backslashes, '{' or '[', '}' or ']'.
struct block_masks {
  std::uint64_t quote = 0, backslash = 0, open = 0, close = 0;
};

inline block_masks classify_block(const char* p) {
  block_masks m;
#if defined(__SSE2__)
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));  // '[' -> '{', ']' -> '}'
    const int shift = 16 * k;
    m.quote |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))))) << shift;
    m.backslash |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))))) << shift;
    m.open |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{'))))) << shift;
    m.close |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, _mm_set1_epi8('}'))))) << shift;
  }
#else
  for (int k = 0; k < 64; ++k) {
    const char c = p[k];
    const std::uint64_t bit = std::uint64_t{1} << k;
    if (c == '"') m.quote |= bit;
    else if (c == '\\') m.backslash |= bit;
    else if (c == '{' || c == '[') m.open |= bit;
    else if (c == '}' || c == ']') m.close |= bit;
  }
#endif
  return m;
}

/// Bit k set when an odd number of bits at or below k are set in `x`.
inline std::uint64_t prefix_xor(std::uint64_t x) noexcept {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

/// A window over the file's (decompressed) bytes that grows to hold the value being scanned.
/// Positions are indexes into `data()`; `absolute(i)` is the byte offset in the content.
class byte_window {
public:
  explicit byte_window(file_reader& reader) : m_reader(reader), m_buf(k_initial_buffer + simdjson::SIMDJSON_PADDING) {}

  [[nodiscard]] const char* data() const noexcept { return m_buf.data(); }
  [[nodiscard]] std::size_t end() const noexcept { return m_end; }
  [[nodiscard]] std::uint64_t absolute(std::size_t i) const noexcept { return m_base + i; }
  /// Bytes readable after `end()` (simdjson padding).
  [[nodiscard]] std::size_t capacity() const noexcept { return m_buf.size() - simdjson::SIMDJSON_PADDING; }

  /// Reads more content, keeping bytes from `keep` on (moved to the front; `keep` becomes 0 and
  /// every kept position shifts by the returned amount). Returns false at the end of the file.
  bool refill(std::size_t& keep, std::size_t& shift) {
    if (m_eof) return false;
    shift = keep;
    if (keep > 0) {
      std::memmove(m_buf.data(), m_buf.data() + keep, m_end - keep);
      m_end -= keep;
      m_base += keep;
      keep = 0;
    }
    if (capacity() - m_end < k_read_size) m_buf.resize(std::max(m_buf.size() * 2, m_end + k_read_size + simdjson::SIMDJSON_PADDING));
    const std::size_t n = m_reader.read(m_buf.data() + m_end, capacity() - m_end);
    if (n == 0) {
      m_eof = true;
      return false;
    }
    m_end += n;
    return true;
  }

private:
  file_reader& m_reader;
  std::vector<char> m_buf;
  std::size_t m_end = 0;
  std::uint64_t m_base = 0;
  bool m_eof = false;
};

/// Lexical scanning of the top-level structure; each value is delimited (strings, brackets)
/// without being interpreted, so the events can be handed one by one to simdjson.
class json_scanner {
public:
  json_scanner(file_reader& reader, std::string file) : m_window(reader), m_file(std::move(file)) {}

  [[noreturn]] void fail_at(std::size_t pos, const std::string& message) const {
    throw input_error(m_file, "", message + " at byte " + std::to_string(m_window.absolute(pos)));
  }

  /// The next non-whitespace byte, or -1 at the end of the file.
  int peek() {
    for (;;) {
      while (m_pos < m_window.end()) {
        const char c = m_window.data()[m_pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return static_cast<unsigned char>(c);
        ++m_pos;
      }
      std::size_t shift = 0;
      std::size_t keep = m_pos;
      if (!m_window.refill(keep, shift)) return -1;
      m_pos -= shift;
    }
  }

  void expect(char c, const char* what) {
    const int got = peek();
    if (got != static_cast<unsigned char>(c)) {
      fail_at(m_pos, got < 0 ? std::string("unexpected end of file (truncated JSON?), expected ") + what
                             : std::string("not valid JSON: expected ") + what);
    }
    ++m_pos;
  }

  /// Delimits the value starting at the next non-whitespace byte; returns [begin, end) in the
  /// window, valid (with padding after it) until the next call.
  std::pair<std::size_t, std::size_t> scan_value() {
    const int first = peek();
    if (first < 0) fail_at(m_pos, "unexpected end of file (truncated JSON?), expected a value");
    std::size_t begin = m_pos;
    std::size_t i = m_pos;
    m_stack.clear();
    bool in_string = false;
    std::size_t escaped = std::numeric_limits<std::size_t>::max();  // position of an escaped byte
    const bool scalar = first != '{' && first != '[' && first != '"';
    const bool top_string = first == '"';  // a key or a string value: short, scanned byte-wise
    for (;;) {
      const char* d = m_window.data();
      const std::size_t end = m_window.end();
      if (scalar) {
        while (i < end) {
          const char c = d[i];
          if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            m_pos = i;
            return {begin, i};
          }
          if (c == '{' || c == '[' || c == '"' || c == ':') fail_at(i, "not valid JSON: unexpected character");
          ++i;
        }
      } else {
        while (i < end) {
          // 64-byte blocks without backslashes (nearly all): strings found with bit arithmetic,
          // then only the brackets outside strings need a look. Anything else (blocks with
          // escapes, the window's last bytes, string values) goes 16 bytes at a time below.
          while (!top_string && i + 64 <= end) {
            const block_masks m = classify_block(d + i);
            if (m.backslash != 0 || escaped == i) break;
            const std::uint64_t in_strings = prefix_xor(m.quote) ^ (in_string ? ~std::uint64_t{0} : 0);
            in_string = (in_strings >> 63) != 0;
            std::uint64_t brackets = (m.open | m.close) & ~in_strings;
            while (brackets != 0) {
              const std::size_t at = i + static_cast<std::size_t>(__builtin_ctzll(brackets));
              brackets &= brackets - 1;
              const char c = d[at];
              if (c == '{') {
                m_stack.push_back('}');
              } else if (c == '[') {
                m_stack.push_back(']');
              } else {
                if (m_stack.empty() || m_stack.back() != c) fail_at(at, std::string("not valid JSON: unexpected '") + c + "'");
                m_stack.pop_back();
                if (m_stack.empty()) {
                  m_pos = at + 1;
                  return {begin, at + 1};
                }
              }
            }
            i += 64;
          }
          // 16 bytes at a time: only quotes, backslashes and brackets need a look.
          for (bool first_chunk = true; i < end; first_chunk = false) {
            // Back to whole blocks after one chunk, unless at the window's end or in a string value.
            if (!first_chunk && !top_string && i + 64 <= end && escaped != i) break;
            std::uint32_t mask = interesting_bytes(d + i);
            const std::size_t left = end - i;
            if (left < 16) mask &= (1u << left) - 1u;
            while (mask != 0) {
              const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
              mask &= mask - 1;
              if (at == escaped) continue;
              const char c = d[at];
              if (in_string) {
                if (c == '"') {
                  in_string = false;
                  if (m_stack.empty()) {
                    m_pos = at + 1;
                    return {begin, at + 1};
                  }
                } else if (c == '\\') {
                  escaped = at + 1;
                }
                continue;
              }
              switch (c) {
                case '"': in_string = true; break;
                case '{': m_stack.push_back('}'); break;
                case '[': m_stack.push_back(']'); break;
                case '}':
                case ']':
                  if (m_stack.empty() || m_stack.back() != c) fail_at(at, std::string("not valid JSON: unexpected '") + c + "'");
                  m_stack.pop_back();
                  if (m_stack.empty()) {
                    m_pos = at + 1;
                    return {begin, at + 1};
                  }
                  break;
                default: break;
              }
            }
            i += std::min<std::size_t>(16, left);
          }
        }
      }
      std::size_t shift = 0;
      if (!m_window.refill(begin, shift)) {
        if (scalar) {
          m_pos = i - shift;
          return {begin, m_pos};
        }
        fail_at(m_window.end(), "unexpected end of file (truncated JSON?) inside a value starting at byte " +
                                    std::to_string(m_window.absolute(begin)));
      }
      i -= shift;
      if (escaped != std::numeric_limits<std::size_t>::max()) escaped -= shift;
    }
  }

  /// A string token (an object key); simple keys only need to compare, escapes are kept.
  std::string scan_key() {
    if (peek() != '"') fail_at(m_pos, peek() < 0 ? "unexpected end of file (truncated JSON?)" : "not valid JSON: expected a key");
    const auto [b, e] = scan_value();
    return std::string(m_window.data() + b + 1, e - b - 2);
  }

  [[nodiscard]] const char* data() const noexcept { return m_window.data(); }
  [[nodiscard]] std::uint64_t absolute(std::size_t i) const noexcept { return m_window.absolute(i); }
  [[nodiscard]] std::size_t position() const noexcept { return m_pos; }
  void advance() noexcept { ++m_pos; }
  [[nodiscard]] const std::string& file() const noexcept { return m_file; }

private:
  byte_window m_window;
  std::string m_file;
  std::size_t m_pos = 0;
  std::string m_stack;
};

// ---- event model while importing ----

enum class category : std::uint8_t {
  unknown, other, kernel, memcpy, memset, gpu_annotation, annotation, cpu_op, runtime, driver, profiler_range, flow
};

/// `text` equals the literal `lit`; with the length known at compile time the comparison is a
/// few inline loads (keys are compared millions of times).
template <std::size_t N>
inline bool is(std::string_view text, const char (&lit)[N]) noexcept {
  return text.size() == N - 1 && std::memcmp(text.data(), lit, N - 1) == 0;
}

category category_of(std::string_view cat) {
  if (is(cat, "kernel") || is(cat, "Kernel")) return category::kernel;
  if (is(cat, "gpu_memcpy") || is(cat, "Memcpy")) return category::memcpy;
  if (is(cat, "gpu_memset") || is(cat, "Memset")) return category::memset;
  if (is(cat, "gpu_user_annotation")) return category::gpu_annotation;
  if (is(cat, "user_annotation")) return category::annotation;
  if (is(cat, "cpu_op") || is(cat, "Operator")) return category::cpu_op;
  if (is(cat, "cuda_runtime") || is(cat, "Runtime")) return category::runtime;
  if (is(cat, "cuda_driver")) return category::driver;
  if (is(cat, "cuda_profiler_range")) return category::profiler_range;
  if (is(cat, "ac2g")) return category::flow;
  return category::other;
}

/// The arguments of one event. Reused from event to event (`reset` keeps the vectors' storage);
/// string views point into the simdjson parser's string buffer and are valid until the next event.
struct event_args {
  std::optional<std::int64_t> device, stream, correlation, external_id, registers, shared_memory, graph_id, graph_node_id;
  std::optional<double> bytes;
  std::optional<dim3_value> grid, block;
  std::vector<std::int64_t> dims;        // every `Input Dims` entry's dimensions, one after the other
  std::vector<std::size_t> dim_ends;     // per `Input Dims` entry: end of its dimensions in `dims`
  std::vector<std::string_view> input_types;
  std::vector<std::string_view> concrete_inputs;
  std::string_view collective, collective_dtype;  // NCCL metadata on kernels (PyTorch 2.x)
  std::optional<std::int64_t> in_elements, out_elements, group_size;
  std::int64_t nested_dims = 0;  // Input Dims entries that are lists of shapes (TensorList)
  std::vector<std::vector<std::vector<std::int64_t>>> list_dims;  // their shapes, by entry; empty when none
  std::vector<std::pair<std::string, double>> counters;

  void reset() noexcept {
    device = stream = correlation = external_id = registers = shared_memory = graph_id = graph_node_id = std::nullopt;
    bytes = std::nullopt;
    grid = block = std::nullopt;
    dims.clear();
    dim_ends.clear();
    input_types.clear();
    concrete_inputs.clear();
    collective = collective_dtype = {};
    in_elements = out_elements = group_size = std::nullopt;
    nested_dims = 0;
    list_dims.clear();
    counters.clear();
  }
};

struct runtime_call {
  std::int64_t correlation = 0;
  std::optional<std::int64_t> external_id;
  std::int64_t thread = 0;
  std::int64_t start_ns = 0;
  bool launch = false;
};

struct flow_point {
  std::int64_t pid = 0, tid = 0, ts = 0, id = 0;
};

struct pending_range {
  trace_kernel kernel;  // name, device, placeholder times, metrics
};

struct kineto_state {
  std::string file;
  std::optional<std::int64_t> base_time_ns;
  std::optional<std::int64_t> schema_version;
  std::string cupti_version, runtime_version, driver_version;
  bool record_shapes_flag = false;
  std::vector<trace_device> devices;

  std::vector<trace_kernel> kernels;
  std::vector<std::optional<std::int64_t>> kernel_external;  // parallel to kernels
  std::vector<std::int64_t> kernel_pid;                      // parallel to kernels
  std::vector<trace_copy> copies;
  std::vector<trace_range> ranges;
  std::vector<trace_op> ops;
  std::vector<std::optional<std::int64_t>> op_external;  // parallel to ops
  std::vector<runtime_call> runtime;
  std::vector<flow_point> flow_ends;  // ac2g flow ends: (pid, tid, ts) of a GPU event -> correlation
  std::vector<pending_range> profiler_ranges;

  std::int64_t events = 0;
  std::map<std::string, std::int64_t> counters;
  std::int64_t ops_with_shapes = 0;
  std::int64_t next_synthetic_op = 0;
};

// ---- one event ----

class event_parser {
public:
  explicit event_parser(kineto_state& state) : m_state(state) {}

  /// Parses the event in `[data, data + size)` (padding readable after it); `where` is its byte
  /// offset for messages. Throws `input_error` for invalid JSON.
  void parse(const char* data, std::size_t size, std::uint64_t where, std::size_t index) {
    od::document doc;
    auto err = m_parser.iterate(data, size, size + simdjson::SIMDJSON_PADDING).get(doc);
    if (err == simdjson::SUCCESS) err = handle(doc);
    if (err == simdjson::UTF8_ERROR) {
      std::size_t replaced = 0;
      m_sanitized = sanitize_utf8(std::string_view(data, size), replaced);
      ++m_state.counters["invalid_utf8_events"];
      m_sanitized.append(simdjson::SIMDJSON_PADDING, ' ');
      err = m_parser.iterate(m_sanitized.data(), m_sanitized.size() - simdjson::SIMDJSON_PADDING, m_sanitized.size()).get(doc);
      if (err == simdjson::SUCCESS) err = handle(doc);
    }
    if (err == simdjson::INCORRECT_TYPE && !m_string_field.empty()) {
      throw input_error(m_state.file, "traceEvents[" + std::to_string(index) + "]." + std::string(m_string_field),
                        "expected a string");
    }
    if (err != simdjson::SUCCESS) {
      throw input_error(m_state.file, "", "not valid JSON in traceEvents[" + std::to_string(index) + "] at byte " +
                                              std::to_string(where) + ": " + simdjson::error_message(err));
    }
  }

private:
  simdjson::error_code handle(od::document& doc) {
    od::object obj;
    SIMDJSON_TRY(doc.get_object().get(obj));
    std::string_view ph, cat;
    category kind = category::unknown;
    std::string_view name;  // in the parser's string buffer, valid for this event
    std::optional<std::int64_t> ts, dur, pid, tid, id;
    bool bad_ts = false, bad_dur = false, bad_name = false;
    m_args.reset();
    m_string_field = {};
    for (auto field : obj) {
      od::field f;
      SIMDJSON_TRY(std::move(field).get(f));
      std::string_view key;
      SIMDJSON_TRY(field_key(f, key));
      od::value v = f.value();
      if (is(key, "ph")) {
        m_string_field = "ph";
        SIMDJSON_TRY(v.get_string().get(ph));
        m_string_field = {};
        if (is(ph, "M") || is(ph, "i") || is(ph, "I") || is(ph, "C")) return simdjson::SUCCESS;  // metadata, instants, counters
      } else if (is(key, "cat")) {
        m_string_field = "cat";
        SIMDJSON_TRY(v.get_string().get(cat));
        m_string_field = {};
        kind = category_of(cat);
        if (kind == category::other) return simdjson::SUCCESS;
      } else if (is(key, "name")) {
        std::string_view s;
        if (v.get_string().get(s) == simdjson::SUCCESS) {
          name = s;
        } else {  // an error only in an event that is imported; null is no name
          bool null_name = false;
          bad_name = v.is_null().get(null_name) != simdjson::SUCCESS || !null_name;
        }
      } else if (is(key, "ts")) {
        ts = value_ns(v);
        bad_ts = !ts;
      } else if (is(key, "dur")) {
        dur = value_ns(v);
        bad_dur = !dur;
      } else if (is(key, "pid")) {
        pid = value_int(v);
      } else if (is(key, "tid")) {
        tid = value_int(v);
      } else if (is(key, "id")) {
        id = value_int(v);
      } else if (is(key, "args")) {
        SIMDJSON_TRY(read_args(v, kind));
      }
    }
    if (kind == category::unknown || kind == category::other) return simdjson::SUCCESS;
    ++m_state.events;
    if (kind == category::flow) {
      if (id && pid && tid && ts) {
        if (is(ph, "f") || is(ph, "t")) m_state.flow_ends.push_back(flow_point{*pid, *tid, *ts, *id});
      }
      return simdjson::SUCCESS;
    }
    if (!is(ph, "X")) {
      ++m_state.counters["skipped_non_complete_events"];
      return simdjson::SUCCESS;
    }
    if (bad_ts || !ts) return skip("bad_timestamp");
    if (bad_dur || !dur) return skip("bad_duration");
    if (*dur < 0) return skip("negative_duration");
    // CUPTI writes 0 for invalid timestamps; Kineto turns them into 0 or, relative to
    // baseTimeNanoseconds, negative values.
    if (*ts <= 0) return skip("zero_timestamp");
    if (bad_name) {
      m_string_field = "name";
      return simdjson::INCORRECT_TYPE;
    }
    const std::int64_t start = *ts;
    const std::int64_t end = *ts + *dur;
    switch (kind) {
      case category::kernel: add_kernel(name, start, end, pid, tid); break;
      case category::memcpy:
      case category::memset: add_copy(kind, name, start, end, pid, tid); break;
      case category::gpu_annotation:
      case category::annotation: add_range(kind, name, start, end, pid, tid); break;
      case category::cpu_op: add_op(name, start, end, tid); break;
      case category::runtime:
      case category::driver: add_runtime(name, start, tid); break;
      case category::profiler_range: add_profiler_range(name, start, end, pid); break;
      default: break;
    }
    return simdjson::SUCCESS;
  }

  simdjson::error_code skip(const char* reason) {
    ++m_state.counters[std::string("skipped_") + reason];
    return simdjson::SUCCESS;
  }

  simdjson::error_code read_shapes(od::value v) {
    od::array outer;
    if (v.get_array().get(outer) != simdjson::SUCCESS) return simdjson::SUCCESS;
    for (auto element : outer) {
      od::value e;
      SIMDJSON_TRY(element.get(e));
      const std::size_t begin = m_args.dims.size();
      od::array inner;
      if (e.get_array().get(inner) == simdjson::SUCCESS) {
        bool nested = false;
        std::vector<std::vector<std::int64_t>> list;  // allocates only for tensor lists
        for (auto d : inner) {
          od::value dv;
          SIMDJSON_TRY(d.get(dv));
          od::json_type t;
          SIMDJSON_TRY(dv.type().get(t));
          if (t == od::json_type::array) {
            nested = true;
            od::array tensor;
            SIMDJSON_TRY(dv.get_array().get(tensor));
            auto& shape = list.emplace_back();
            for (auto x : tensor) {
              od::value xv;
              SIMDJSON_TRY(x.get(xv));
              if (const auto n = value_int(xv)) shape.push_back(*n);
            }
            continue;
          }
          const auto n = value_int(dv);
          if (n) m_args.dims.push_back(*n);
        }
        if (nested) {
          ++m_args.nested_dims;
          m_args.dims.resize(begin);
          m_args.list_dims.resize(m_args.dim_ends.size());
          m_args.list_dims.push_back(std::move(list));
        }
      }
      m_args.dim_ends.push_back(m_args.dims.size());
    }
    return simdjson::SUCCESS;
  }

  /// Strings of an array; "" for elements that are not strings.
  static simdjson::error_code read_strings(od::value v, std::vector<std::string_view>& out) {
    od::array a;
    if (v.get_array().get(a) != simdjson::SUCCESS) return simdjson::SUCCESS;
    for (auto element : a) {
      od::value e;
      SIMDJSON_TRY(element.get(e));
      std::string_view s;
      if (e.get_string().get(s) != simdjson::SUCCESS) s = {};
      out.push_back(s);
    }
    return simdjson::SUCCESS;
  }

  simdjson::error_code read_args(od::value v, category kind) {
    od::object args;
    if (v.get_object().get(args) != simdjson::SUCCESS) return simdjson::SUCCESS;
    const bool gpu = kind == category::kernel || kind == category::memcpy || kind == category::memset ||
                     kind == category::gpu_annotation || kind == category::unknown;
    const bool shapes = kind == category::cpu_op || kind == category::unknown;
    const bool counters = kind == category::profiler_range || kind == category::unknown;
    for (auto field : args) {
      od::field f;
      SIMDJSON_TRY(std::move(field).get(f));
      std::string_view key;
      SIMDJSON_TRY(field_key(f, key));
      od::value a = f.value();
      if (is(key, "External id")) {
        m_args.external_id = value_int(a);
      } else if (is(key, "correlation")) {
        m_args.correlation = value_int(a);
      } else if (gpu && is(key, "device")) {
        m_args.device = value_int(a);
      } else if (gpu && is(key, "stream")) {
        m_args.stream = value_int(a);
      } else if (gpu && is(key, "bytes")) {
        m_args.bytes = value_number(a);
      } else if (gpu && is(key, "registers per thread")) {
        m_args.registers = value_int(a);
      } else if (gpu && is(key, "shared memory")) {
        m_args.shared_memory = value_int(a);
      } else if (gpu && is(key, "grid")) {
        m_args.grid = value_dim3(a);
      } else if (gpu && is(key, "block")) {
        m_args.block = value_dim3(a);
      } else if (gpu && is(key, "graph id")) {
        m_args.graph_id = value_int(a);
      } else if (gpu && is(key, "graph node id")) {
        m_args.graph_node_id = value_int(a);
      } else if (gpu && is(key, "Collective name")) {
        if (a.get_string().get(m_args.collective) != simdjson::SUCCESS) m_args.collective = {};
      } else if (gpu && is(key, "In msg nelems")) {
        m_args.in_elements = value_int(a);
      } else if (gpu && is(key, "Out msg nelems")) {
        m_args.out_elements = value_int(a);
      } else if (gpu && is(key, "Group size")) {
        m_args.group_size = value_int(a);
      } else if (gpu && is(key, "dtype")) {
        if (a.get_string().get(m_args.collective_dtype) != simdjson::SUCCESS) m_args.collective_dtype = {};
      } else if (shapes && is(key, "Input Dims")) {
        SIMDJSON_TRY(read_shapes(a));
      } else if (shapes && is(key, "Input type")) {
        SIMDJSON_TRY(read_strings(a, m_args.input_types));
      } else if (shapes && is(key, "Concrete Inputs")) {
        SIMDJSON_TRY(read_strings(a, m_args.concrete_inputs));
      } else if (counters) {
        if (const auto d = value_number(a)) m_args.counters.emplace_back(std::string(key), *d);
      }
    }
    return simdjson::SUCCESS;
  }

  int device_of(const std::optional<std::int64_t>& pid) const {
    const std::int64_t d = m_args.device.value_or(pid.value_or(0));
    return d >= 0 && d < 1000000 ? static_cast<int>(d) : 0;
  }

  void add_kernel(std::string_view name, std::int64_t start, std::int64_t end, const std::optional<std::int64_t>& pid,
                  const std::optional<std::int64_t>& tid) {
    trace_kernel& k = m_state.kernels.emplace_back();
    k.name = interned_string(name);
    k.demangled = demangled(k.name);
    k.device = device_of(pid);
    if (!m_args.device) ++m_state.counters["kernels_device_from_pid"];
    k.stream = m_args.stream.value_or(tid.value_or(-1));
    k.start_ns = start;
    k.end_ns = end;
    k.grid = m_args.grid;
    k.block = m_args.block;
    if (m_args.registers && *m_args.registers >= 0 && *m_args.registers < 65536) k.registers_per_thread = static_cast<int>(*m_args.registers);
    if (m_args.shared_memory && *m_args.shared_memory >= 0) k.shared_bytes = m_args.shared_memory;
    k.correlation_id = m_args.correlation;
    k.graph_id = m_args.graph_id;
    k.graph_node_id = m_args.graph_node_id;
    add_collective(k);
    m_state.kernel_external.push_back(m_args.external_id);
    m_state.kernel_pid.push_back(pid.value_or(k.device));
  }

  /// The kernel's collective when its metadata is whole (name, both sizes, a known dtype, >= 1
  /// rank); counted as `collectives_incomplete` otherwise.
  void add_collective(trace_kernel& k) {
    if (m_args.collective.empty()) return;
    const auto element = scalar_type_bytes(m_args.collective_dtype);
    if (!element || !m_args.in_elements || !m_args.out_elements || !m_args.group_size || *m_args.in_elements < 0 ||
        *m_args.out_elements < 0 || *m_args.group_size < 1 || *m_args.group_size > 1000000) {
      ++m_state.counters["collectives_incomplete"];
      return;
    }
    kernel_collective c;
    c.name = std::string(m_args.collective);
    c.in_bytes = static_cast<double>(*m_args.in_elements) * *element;
    c.out_bytes = static_cast<double>(*m_args.out_elements) * *element;
    c.ranks = static_cast<int>(*m_args.group_size);
    k.collective = std::move(c);
  }

  void add_copy(category kind, std::string_view name, std::int64_t start, std::int64_t end,
                const std::optional<std::int64_t>& pid, const std::optional<std::int64_t>& tid) {
    trace_copy& c = m_state.copies.emplace_back();
    c.device = device_of(pid);
    c.stream = m_args.stream.value_or(tid.value_or(-1));
    c.start_ns = start;
    c.end_ns = end;
    c.correlation_id = m_args.correlation;
    if (m_args.bytes && *m_args.bytes >= 0) c.bytes = *m_args.bytes;
    if (kind == category::memset) {
      c.kind = "memset";
      c.memory = "device";
    } else {
      // "Memcpy DtoH (Device -> Pinned)"
      c.kind = "other";
      static const std::pair<const char*, const char*> kinds[] = {
          {"HtoD", "h2d"}, {"DtoH", "d2h"}, {"DtoD", "d2d"}, {"PtoP", "p2p"}, {"HtoH", "h2h"}};
      for (const auto& [text, k] : kinds) {
        if (name.find(text) != std::string_view::npos) c.kind = k;
      }
      const auto open = name.find('(');
      const auto arrow = name.find(" -> ");
      const auto close = name.find(')');
      if (open != std::string_view::npos && arrow != std::string_view::npos && close != std::string_view::npos &&
          open < arrow && arrow < close) {
        std::string src(name.substr(open + 1, arrow - open - 1));
        std::string dst(name.substr(arrow + 4, close - arrow - 4));
        for (auto& ch : src) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        for (auto& ch : dst) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        c.memory = c.kind == "h2d" ? src : c.kind == "d2h" ? dst : c.kind == "d2d" ? "device" : src + "->" + dst;
      }
    }
  }

  void add_range(category kind, std::string_view name, std::int64_t start, std::int64_t end,
                 const std::optional<std::int64_t>& pid, const std::optional<std::int64_t>& tid) {
    trace_range& r = m_state.ranges.emplace_back();
    r.name.assign(name);
    r.start_ns = start;
    r.end_ns = end;
    if (kind == category::gpu_annotation) {
      r.domain = "gpu_user_annotation";
      r.device = device_of(pid);
      r.thread = m_args.stream.value_or(tid.value_or(-1));
    } else {
      r.domain = "user_annotation";
      r.thread = tid.value_or(-1);
    }
  }

  /// The op's inputs are interned from the scratch vectors: nothing is allocated for a signature
  /// seen before (millions of ops, a few hundred distinct signatures).
  void add_op(std::string_view name, std::int64_t start, std::int64_t end, const std::optional<std::int64_t>& tid) {
    trace_op& o = m_state.ops.emplace_back();
    o.name = interned_string(name);
    o.thread = tid.value_or(-1);
    o.start_ns = start;
    o.end_ns = end;
    if (!m_args.dim_ends.empty() || !m_args.input_types.empty()) ++m_state.ops_with_shapes;
    if (m_args.nested_dims > 0) m_state.counters["op_tensor_list_inputs"] += m_args.nested_dims;
    o.inputs = interned_op_inputs::intern(m_args.dims, m_args.dim_ends, m_args.input_types, m_args.concrete_inputs, m_args.list_dims);
    m_state.op_external.push_back(m_args.external_id);
  }

  void add_runtime(std::string_view name, std::int64_t start, const std::optional<std::int64_t>& tid) {
    if (!m_args.correlation) return;
    runtime_call r;
    r.correlation = *m_args.correlation;
    r.external_id = m_args.external_id;
    r.thread = tid.value_or(-1);
    r.start_ns = start;
    r.launch = name.find("LaunchKernel") != std::string_view::npos || name.find("LaunchCooperativeKernel") != std::string_view::npos;
    m_state.runtime.push_back(r);
  }

  void add_profiler_range(std::string_view name, std::int64_t start, std::int64_t end, const std::optional<std::int64_t>& pid) {
    pending_range p;
    trace_kernel& k = p.kernel;
    k.name = interned_string(name);
    k.demangled = demangled(k.name);
    k.device = device_of(pid);
    k.start_ns = start;
    k.end_ns = end;
    k.measured_times = false;
    kernel_metrics m;
    for (auto& [counter, value] : m_args.counters) m.raw[counter] = value;
    k.metrics = std::move(m);
    m_state.profiler_ranges.push_back(std::move(p));
  }

  /// The demangled form of `name`, demangled once per distinct name ("" when not mangled).
  interned_string demangled(const interned_string& name) {
    const auto it = m_demangled.find(name);
    if (it != m_demangled.end()) return it->second;
    return m_demangled.emplace(name, interned_string(demangle(name))).first->second;
  }

  kineto_state& m_state;
  od::parser m_parser;
  event_args m_args;
  std::string_view m_string_field;  ///< The string field being read, named when it is not a string.
  std::string m_sanitized;
  std::unordered_map<interned_string, interned_string> m_demangled;
};

// ---- top-level values ----

void read_top_level(kineto_state& state, const std::string& key, const char* data, std::size_t size, std::uint64_t where) {
  simdjson::dom::parser parser;  // a few small top-level values per file
  simdjson::dom::element e;
  const auto err = parser.parse(data, size, true).get(e);
  if (err != simdjson::SUCCESS) {
    if (err == simdjson::UTF8_ERROR) return;  // metadata text we do not use
    throw input_error(state.file, "", "not valid JSON in \"" + key + "\" at byte " + std::to_string(where) + ": " +
                                          simdjson::error_message(err));
  }
  if (key == "baseTimeNanoseconds") {
    std::int64_t v = 0;
    std::uint64_t u = 0;
    if (e.get_int64().get(v) == simdjson::SUCCESS) state.base_time_ns = v;
    else if (e.get_uint64().get(u) == simdjson::SUCCESS && u < 9000000000000000000ULL) state.base_time_ns = static_cast<std::int64_t>(u);
    else throw input_error(state.file, "baseTimeNanoseconds", "expected an integer number of nanoseconds");
  } else if (key == "schemaVersion") {
    std::int64_t v = 0;
    if (e.get_int64().get(v) == simdjson::SUCCESS) state.schema_version = v;
  } else if (key == "cupti_version" || key == "cuda_runtime_version" || key == "cuda_driver_version") {
    std::int64_t v = 0;
    std::string_view s;
    std::string text;
    if (e.get_int64().get(v) == simdjson::SUCCESS) text = std::to_string(v);
    else if (e.get_string().get(s) == simdjson::SUCCESS) text = std::string(s);
    (key == "cupti_version" ? state.cupti_version : key == "cuda_runtime_version" ? state.runtime_version : state.driver_version) = text;
  } else if (key == "record_shapes") {
    std::int64_t v = 0;
    bool b = false;
    if (e.get_int64().get(v) == simdjson::SUCCESS) state.record_shapes_flag = v != 0;
    else if (e.get_bool().get(b) == simdjson::SUCCESS) state.record_shapes_flag = b;
  } else if (key == "deviceProperties") {
    simdjson::dom::array devices;
    if (e.get_array().get(devices) != simdjson::SUCCESS) {
      throw input_error(state.file, "deviceProperties", "expected an array");
    }
    std::size_t i = 0;
    for (simdjson::dom::element d : devices) {
      trace_device dev;
      std::int64_t v = 0;
      std::string_view s;
      if (d["id"].get_int64().get(v) != simdjson::SUCCESS || v < 0 || v > 1000000) {
        throw input_error(state.file, "deviceProperties[" + std::to_string(i) + "].id", "expected a device index");
      }
      dev.id = static_cast<int>(v);
      if (d["name"].get_string().get(s) == simdjson::SUCCESS) dev.name = std::string(s);
      if (d["computeMajor"].get_int64().get(v) == simdjson::SUCCESS) dev.cc_major = static_cast<int>(v);
      if (d["computeMinor"].get_int64().get(v) == simdjson::SUCCESS) dev.cc_minor = static_cast<int>(v);
      if (d["numSms"].get_int64().get(v) == simdjson::SUCCESS) dev.sm_count = static_cast<int>(v);
      if (d["totalGlobalMem"].get_int64().get(v) == simdjson::SUCCESS) dev.memory_bytes = static_cast<double>(v);
      if (d["sharedMemPerMultiprocessor"].get_int64().get(v) == simdjson::SUCCESS) {
        dev.shared_memory_per_sm_bytes = static_cast<double>(v);
      }
      if (d["l2CacheSize"].get_int64().get(v) == simdjson::SUCCESS) dev.l2_bytes = static_cast<double>(v);
      state.devices.push_back(std::move(dev));
      ++i;
    }
  }
}

void scan_file(kineto_state& state, file_reader& reader) {
  json_scanner scanner(reader, state.file);
  event_parser events(state);
  int first = scanner.peek();
  if (first == 0xEF) {  // UTF-8 byte order mark
    scanner.advance();
    scanner.advance();
    scanner.advance();
    first = scanner.peek();
  }
  if (first < 0) throw input_error(state.file, "", "empty file: not a Kineto trace");
  if (first != '{') {
    scanner.fail_at(scanner.position(), "not a Kineto trace (expected a JSON object starting with '{')");
  }
  scanner.advance();
  bool saw_events = false;
  bool first_key = true;
  for (;;) {
    const int c = scanner.peek();
    if (c == '}') {
      scanner.advance();
      break;
    }
    if (!first_key) scanner.expect(',', "',' or '}' after a value");
    first_key = false;
    const std::string key = scanner.scan_key();
    scanner.expect(':', "':' after a key");
    if (key == "traceEvents") {
      if (scanner.peek() != '[') scanner.fail_at(scanner.position(), "\"traceEvents\" is not an array");
      saw_events = true;
      scanner.advance();
      std::size_t index = 0;
      if (scanner.peek() == ']') {
        scanner.advance();
        continue;
      }
      for (;;) {
        const int e = scanner.peek();
        if (e < 0) scanner.fail_at(scanner.position(), "unexpected end of file (truncated JSON?) in traceEvents");
        const auto [b, end] = scanner.scan_value();
        if (e == '{') {
          events.parse(scanner.data() + b, end - b, scanner.absolute(b), index);
        } else {
          ++state.counters["skipped_non_object_events"];
        }
        ++index;
        const int sep = scanner.peek();
        if (sep == ',') {
          scanner.advance();
        } else if (sep == ']') {
          scanner.advance();
          break;
        } else {
          scanner.fail_at(scanner.position(), sep < 0 ? "unexpected end of file (truncated JSON?) in traceEvents"
                                                      : "not valid JSON: expected ',' or ']' in traceEvents");
        }
      }
      state.counters["trace_events"] = static_cast<std::int64_t>(index);
    } else {
      const auto [b, end] = scanner.scan_value();
      read_top_level(state, key, scanner.data() + b, end - b, scanner.absolute(b));
    }
  }
  if (scanner.peek() >= 0) scanner.fail_at(scanner.position(), "not valid JSON: unexpected data after the top-level object");
  if (!saw_events) throw input_error(state.file, "traceEvents", "missing: not a Kineto/Chrome trace (no \"traceEvents\" array)");
}

// ---- linking ----

constexpr std::size_t k_no_parent = std::numeric_limits<std::size_t>::max();

/// Parent op (innermost enclosing op on the same thread) for every op; ops sorted by thread,
/// start, longest first. Returns each op's parent index (`k_no_parent` for none).
std::vector<std::size_t> link_op_parents(std::vector<trace_op>& ops) {
  std::vector<std::size_t> parents(ops.size(), k_no_parent);
  std::vector<std::size_t> order(ops.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (ops[a].thread != ops[b].thread) return ops[a].thread < ops[b].thread;
    if (ops[a].start_ns != ops[b].start_ns) return ops[a].start_ns < ops[b].start_ns;
    return ops[a].end_ns > ops[b].end_ns;
  });
  std::vector<std::size_t> stack;
  std::int64_t thread = std::numeric_limits<std::int64_t>::min();
  for (const std::size_t i : order) {
    if (ops[i].thread != thread) {
      stack.clear();
      thread = ops[i].thread;
    }
    while (!stack.empty() && ops[stack.back()].end_ns <= ops[i].start_ns) stack.pop_back();
    if (!stack.empty() && ops[stack.back()].end_ns >= ops[i].end_ns) {
      ops[i].parent_id = ops[stack.back()].id;
      parents[i] = stack.back();
    }
    stack.push_back(i);
  }
  return parents;
}

/// Nesting depth of ranges per (device, thread).
void compute_range_depths(std::vector<trace_range>& ranges) {
  std::vector<std::size_t> order(ranges.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto lane = [&](const trace_range& r) { return std::make_pair(r.device.value_or(-1), r.thread); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (lane(ranges[a]) != lane(ranges[b])) return lane(ranges[a]) < lane(ranges[b]);
    if (ranges[a].start_ns != ranges[b].start_ns) return ranges[a].start_ns < ranges[b].start_ns;
    return ranges[a].end_ns > ranges[b].end_ns;
  });
  std::vector<std::size_t> stack;
  std::pair<int, std::int64_t> current{-2, 0};
  for (const std::size_t i : order) {
    if (lane(ranges[i]) != current) {
      stack.clear();
      current = lane(ranges[i]);
    }
    while (!stack.empty() && ranges[stack.back()].end_ns <= ranges[i].start_ns) stack.pop_back();
    ranges[i].depth = static_cast<int>(stack.size());
    stack.push_back(i);
  }
}

/// Innermost op on `thread` whose interval contains `t`.
class op_locator {
public:
  /// `parents`: each op's parent index, from `link_op_parents`.
  op_locator(const std::vector<trace_op>& ops, std::vector<std::size_t> parents) : m_ops(ops), m_parents(std::move(parents)) {
    m_by_id.reserve(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
      m_by_thread[ops[i].thread].push_back(i);
      m_by_id.emplace_back(ops[i].id, i);
    }
    std::sort(m_by_id.begin(), m_by_id.end());
    for (auto& [thread, list] : m_by_thread) {
      std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) { return ops[a].start_ns < ops[b].start_ns; });
    }
  }

  [[nodiscard]] std::optional<std::int64_t> find(std::int64_t thread, std::int64_t t) const {
    const auto it = m_by_thread.find(thread);
    if (it == m_by_thread.end()) return std::nullopt;
    const auto& list = it->second;
    auto pos = std::upper_bound(list.begin(), list.end(), t, [&](std::int64_t v, std::size_t i) { return v < m_ops[i].start_ns; });
    if (pos == list.begin()) return std::nullopt;
    // The last op starting at or before t, or one of its ancestors, contains t.
    std::optional<std::size_t> cur = *(pos - 1);
    for (int guard = 0; cur && guard < 1000; ++guard) {
      const trace_op& o = m_ops[*cur];
      if (o.end_ns >= t) return o.id;
      if (m_parents[*cur] == k_no_parent) return std::nullopt;
      cur = m_parents[*cur];
    }
    return std::nullopt;
  }

  /// Whether op `id` ran on `thread` over time `t` (its start and end included).
  [[nodiscard]] bool holds(std::int64_t id, std::int64_t thread, std::int64_t t) const {
    const auto it = std::lower_bound(m_by_id.begin(), m_by_id.end(), std::make_pair(id, std::size_t{0}));
    if (it == m_by_id.end() || it->first != id) return false;
    const trace_op& o = m_ops[it->second];
    return o.thread == thread && o.start_ns <= t && t <= o.end_ns;
  }

private:
  const std::vector<trace_op>& m_ops;
  std::vector<std::pair<std::int64_t, std::size_t>> m_by_id;  ///< (op id, index), sorted
  std::vector<std::size_t> m_parents;
  std::unordered_map<std::int64_t, std::vector<std::size_t>> m_by_thread;
};

struct flow_key_hash {
  std::size_t operator()(const std::tuple<std::int64_t, std::int64_t, std::int64_t>& k) const noexcept {
    return std::hash<std::int64_t>()(std::get<0>(k) * 1000003 ^ std::get<1>(k) * 7919 ^ std::get<2>(k));
  }
};

/// Stable sort by `start_ns` without a second copy of the records: sorts indexes, then moves
/// each record along its permutation cycle.
template <class T>
void sort_by_start(std::vector<T>& items) {
  const auto earlier = [](const T& a, const T& b) { return a.start_ns < b.start_ns; };
  if (std::is_sorted(items.begin(), items.end(), earlier)) return;
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return earlier(items[a], items[b]); });
  // Position i receives items[order[i]].
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) continue;
    T held = std::move(items[i]);
    std::size_t j = i;
    while (order[j] != i) {
      const std::size_t from = order[j];
      items[j] = std::move(items[from]);
      order[j] = j;
      j = from;
    }
    items[j] = std::move(held);
    order[j] = j;
  }
}

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void finish(kineto_state& s, trace& t) {
  // Timestamps: baseTimeNanoseconds-relative -> epoch ns.
  const std::int64_t base = s.base_time_ns.value_or(0);
  auto shift = [&s, base](std::int64_t& v) {
    if (__builtin_add_overflow(v, base, &v) || !trace::holds_timestamp(v)) {
      if (!s.base_time_ns) {  // ts within bounds, ts + dur beyond
        throw input_error(s.file, "dur", "an event ends beyond +-2^62 ns (146 years, where spans could overflow 64 bits)");
      }
      throw input_error(s.file, "baseTimeNanoseconds",
                        "timestamps leave +-2^62 ns (146 years, where spans could overflow 64 bits) once shifted by it");
    }
  };

  // Ops: unique ids (External id), duplicates dropped (the first in the file is kept).
  // Sorted vectors rather than hash tables: 8-16 bytes per op at the memory peak.
  // Ops without one are numbered max_external + 1, + 2, ...: those ids must fit in int64.
  std::int64_t max_external = 0;
  std::int64_t without_external = 0;
  for (const auto& e : s.op_external) {
    if (e) max_external = std::max(max_external, *e);
    else ++without_external;
  }
  if (without_external > std::numeric_limits<std::int64_t>::max() - max_external) {
    throw input_error(s.file, "External id",
                      "an External id of " + std::to_string(max_external) + " leaves no room for rafter's own ids of " +
                          std::to_string(without_external) + (without_external == 1 ? " op" : " ops") + " without one");
  }
  std::int64_t synthetic = max_external;  // the last id given
  std::vector<std::int64_t> op_ids;  // External ids of the kept ops, sorted
  std::vector<char> duplicate(s.op_external.size(), 0);
  {
    std::vector<std::pair<std::int64_t, std::size_t>> by_id;
    for (std::size_t i = 0; i < s.op_external.size(); ++i) {
      if (s.op_external[i]) by_id.emplace_back(*s.op_external[i], i);
    }
    std::sort(by_id.begin(), by_id.end());
    op_ids.reserve(by_id.size());
    for (std::size_t j = 0; j < by_id.size(); ++j) {
      if (j > 0 && by_id[j].first == by_id[j - 1].first) duplicate[by_id[j].second] = 1;
      else op_ids.push_back(by_id[j].first);
    }
  }
  const auto known_op = [&op_ids](std::int64_t id) { return std::binary_search(op_ids.begin(), op_ids.end(), id); };
  std::vector<trace_op> ops = std::move(s.ops);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    trace_op& o = ops[i];
    if (s.op_external[i]) {
      if (duplicate[i]) {
        ++s.counters["skipped_duplicate_op_ids"];
        continue;
      }
      o.id = *s.op_external[i];
    } else {
      o.id = ++synthetic;
      ++s.counters["ops_without_external_id"];
    }
    shift(o.start_ns);
    shift(o.end_ns);
    if (kept != i) ops[kept] = std::move(o);
    ++kept;
  }
  ops.resize(kept);
  s.op_external = {};
  duplicate = {};
  std::optional<op_locator> locate(std::in_place, ops, link_op_parents(ops));

  // Runtime calls by correlation (sorted; the first call of a correlation wins).
  std::vector<std::pair<std::int64_t, std::size_t>> runtime_by_corr;
  runtime_by_corr.reserve(s.runtime.size());
  for (std::size_t i = 0; i < s.runtime.size(); ++i) {
    shift(s.runtime[i].start_ns);
    runtime_by_corr.emplace_back(s.runtime[i].correlation, i);
  }
  std::sort(runtime_by_corr.begin(), runtime_by_corr.end());

  // Flow ends by (pid, tid, ts) for kernels without a correlation argument.
  std::unordered_map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, std::int64_t, flow_key_hash> flow_at;
  bool need_flows = false;
  for (const auto& k : s.kernels) need_flows = need_flows || !k.correlation_id;
  if (need_flows) {
    for (const auto& f : s.flow_ends) flow_at.emplace(std::make_tuple(f.pid, f.tid, f.ts), f.id);
  }

  // The runtime call of a correlation id; null when none was recorded.
  auto runtime_for = [&](const std::optional<std::int64_t>& correlation) -> const runtime_call* {
    if (!correlation) return nullptr;
    const auto r = std::lower_bound(runtime_by_corr.begin(), runtime_by_corr.end(), std::make_pair(*correlation, std::size_t{0}));
    return r != runtime_by_corr.end() && r->first == *correlation ? &s.runtime[r->second] : nullptr;
  };
  std::int64_t linked_by_external = 0, linked_by_runtime = 0, linked_by_time = 0, correlation_from_flow = 0;
  std::int64_t external_ids_refused = 0;
  // An External id names the op that launched the kernel only if that op was running on the
  // launching thread when the launch call was made: older Kineto traces copy the correlation id
  // into "External id", which can equal an unrelated op's id. Without a launch call, an External id
  // equal to the correlation id is taken for such a copy.
  auto linkable = [&](std::int64_t id, const runtime_call* call, const std::optional<std::int64_t>& correlation) {
    if (!known_op(id)) return false;
    const bool ok = call != nullptr ? locate->holds(id, call->thread, call->start_ns) : !(correlation && *correlation == id);
    if (!ok) ++external_ids_refused;
    return ok;
  };
  auto op_for = [&](const std::optional<std::int64_t>& external, const std::optional<std::int64_t>& correlation)
      -> std::optional<std::int64_t> {
    const runtime_call* call = runtime_for(correlation);
    if (external && linkable(*external, call, correlation)) {
      ++linked_by_external;
      return external;
    }
    if (call != nullptr) {
      // (The kernel's own External id, refused above, is not weighed twice.)
      if (call->external_id && (!external || *call->external_id != *external) &&
          linkable(*call->external_id, call, correlation)) {
        ++linked_by_runtime;
        return call->external_id;
      }
      if (const auto id = locate->find(call->thread, call->start_ns)) {
        ++linked_by_time;
        return id;
      }
    }
    return std::nullopt;
  };
  // The call that launched a kernel: the runtime call of its correlation id (CUPTI gives a kernel
  // the id of the API call that launched it: cudaLaunchKernel, cudaGraphLaunch, ...).
  std::int64_t launches_recorded = 0;
  auto launch_for = [&](const std::optional<std::int64_t>& correlation) -> std::optional<kernel_launch> {
    const runtime_call* call = runtime_for(correlation);
    if (call == nullptr) return std::nullopt;
    ++launches_recorded;
    return kernel_launch{call->thread, call->start_ns};
  };

  t.kernels = std::move(s.kernels);
  for (std::size_t i = 0; i < t.kernels.size(); ++i) {
    trace_kernel& k = t.kernels[i];
    if (!k.correlation_id && need_flows) {
      const auto f = flow_at.find(std::make_tuple(s.kernel_pid[i], k.stream, k.start_ns));
      if (f != flow_at.end()) {
        k.correlation_id = f->second;
        ++correlation_from_flow;
      }
    }
    shift(k.start_ns);
    shift(k.end_ns);
    k.op_id = op_for(s.kernel_external[i], k.correlation_id);
    k.launch = launch_for(k.correlation_id);
  }
  s.kernel_external = {};
  s.kernel_pid = {};
  s.flow_ends = {};

  // Counter ranges: attach to kernels of the same name in order, or stand alone.
  std::int64_t ranges_attached = 0, ranges_alone = 0, ranges_linked_to_launch = 0;
  if (!s.profiler_ranges.empty()) {
    if (!t.kernels.empty()) {
      std::unordered_map<interned_string, std::vector<std::size_t>> by_name;
      std::vector<std::size_t> order(t.kernels.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return t.kernels[a].start_ns < t.kernels[b].start_ns; });
      for (const std::size_t i : order) by_name[t.kernels[i].name].push_back(i);
      std::unordered_map<interned_string, std::size_t> next;
      for (auto& r : s.profiler_ranges) {
        auto& list = by_name[r.kernel.name];
        std::size_t& n = next[r.kernel.name];
        if (n < list.size()) {
          t.kernels[list[n++]].metrics = std::move(r.kernel.metrics);
          ++ranges_attached;
        } else {
          shift(r.kernel.start_ns);
          shift(r.kernel.end_ns);
          t.kernels.push_back(std::move(r.kernel));
          ++ranges_alone;
        }
      }
    } else {
      std::vector<const runtime_call*> launches;
      for (const auto& call : s.runtime) if (call.launch) launches.push_back(&call);
      std::stable_sort(launches.begin(), launches.end(), [](const runtime_call* a, const runtime_call* b) { return a->start_ns < b->start_ns; });
      const bool by_order = launches.size() == s.profiler_ranges.size();
      for (std::size_t i = 0; i < s.profiler_ranges.size(); ++i) {
        trace_kernel& k = s.profiler_ranges[i].kernel;
        shift(k.start_ns);
        shift(k.end_ns);
        if (by_order) {
          k.correlation_id = launches[i]->correlation;
          k.op_id = op_for(launches[i]->external_id, k.correlation_id);
          k.launch = kernel_launch{launches[i]->thread, launches[i]->start_ns};
          ++launches_recorded;
          ++ranges_linked_to_launch;
        }
        t.kernels.push_back(std::move(k));
        ++ranges_alone;
      }
    }
  }

  // The linking indexes are done with: free them before the model's last allocations.
  locate.reset();
  op_ids = {};
  runtime_by_corr = {};
  s.runtime = {};

  for (auto& c : s.copies) {
    shift(c.start_ns);
    shift(c.end_ns);
  }
  for (auto& r : s.ranges) {
    shift(r.start_ns);
    shift(r.end_ns);
  }
  compute_range_depths(s.ranges);

  // Devices: from deviceProperties, plus any index events use that is not described.
  t.devices = std::move(s.devices);
  std::set<int> known;
  for (const auto& d : t.devices) known.insert(d.id);
  std::set<int> used;
  for (const auto& k : t.kernels) used.insert(k.device);
  for (const auto& c : s.copies) used.insert(c.device);
  std::int64_t undescribed = 0;
  for (const int d : used) {
    if (known.count(d)) continue;
    trace_device dev;
    dev.id = d;
    dev.name = "GPU " + std::to_string(d);
    t.devices.push_back(dev);
    ++undescribed;
  }
  std::sort(t.devices.begin(), t.devices.end(), [](const trace_device& a, const trace_device& b) { return a.id < b.id; });

  // Counter FLOP through the shared Nsight Compute metric table.
  std::vector<std::string> metric_notes;
  std::int64_t kernels_with_metrics = 0;
  for (const auto& k : t.kernels) kernels_with_metrics += k.metrics ? 1 : 0;
  if (kernels_with_metrics > 0) {
    try {
      const ncu_metric_table table = ncu_metric_table::load_default();
      std::map<int, std::optional<compute_capability>> cc;
      for (const auto& d : t.devices) {
        if (d.cc_major && d.cc_minor) cc[d.id] = compute_capability{*d.cc_major, *d.cc_minor};
      }
      std::set<std::string> notes;
      for (auto& k : t.kernels) {
        if (!k.metrics) continue;
        for (auto& n : table.apply(*k.metrics, cc[k.device])) notes.insert(n);
      }
      metric_notes.assign(notes.begin(), notes.end());
    } catch (const input_error& e) {
      metric_notes.push_back(std::string("FLOP from counters not computed: ") + e.what());
    }
  }

  // Sort by time and number.
  sort_by_start(t.kernels);
  for (std::size_t i = 0; i < t.kernels.size(); ++i) t.kernels[i].id = static_cast<std::int64_t>(i) + 1;
  t.copies = std::move(s.copies);
  sort_by_start(t.copies);
  for (std::size_t i = 0; i < t.copies.size(); ++i) t.copies[i].id = static_cast<std::int64_t>(i) + 1;
  t.ranges = std::move(s.ranges);
  sort_by_start(t.ranges);
  for (std::size_t i = 0; i < t.ranges.size(); ++i) t.ranges[i].id = static_cast<std::int64_t>(i) + 1;
  t.ops = std::move(ops);

  // Shape estimates.
  std::int64_t kernels_estimated = 0;
  std::string estimate_note;
  if (s.ops_with_shapes > 0) {
    try {
      const op_shape_table table = op_shape_table::load_default();
      const estimate_summary summary = attach_shape_estimates(t, table);
      kernels_estimated = summary.kernels_estimated;
      s.counters["ops_estimated"] = summary.ops_estimated;
      s.counters["kernels_with_estimates"] = summary.kernels_estimated;
    } catch (const input_error& e) {
      estimate_note = std::string("shape-based estimates not computed: ") + e.what();
    }
  }

  // Source: what was and was not recorded.
  trace_source& src = t.source;
  src.tool = "kineto";
  src.file = s.file;
  std::string version;
  if (s.schema_version) version = "schemaVersion " + std::to_string(*s.schema_version);
  if (!s.cupti_version.empty()) version += (version.empty() ? "" : ", ") + std::string("CUPTI ") + s.cupti_version;
  if (!s.runtime_version.empty()) version += (version.empty() ? "" : ", ") + std::string("CUDA runtime ") + s.runtime_version;
  if (!s.driver_version.empty()) version += (version.empty() ? "" : ", ") + std::string("driver ") + s.driver_version;
  src.version = version;
  const std::int64_t real_kernels = static_cast<std::int64_t>(t.kernels.size()) - ranges_alone;
  if (real_kernels > 0) src.recorded.push_back("kernels");
  if (!t.copies.empty()) src.recorded.push_back("copies");
  if (!t.ranges.empty()) src.recorded.push_back("ranges");
  if (!t.ops.empty()) src.recorded.push_back("ops");
  if (s.ops_with_shapes > 0) src.recorded.push_back("op shapes");
  if (kernels_with_metrics > 0) src.recorded.push_back("metrics");
  if (kernels_estimated > 0) src.recorded.push_back("estimates");
  if (std::any_of(t.kernels.begin(), t.kernels.end(), [](const trace_kernel& k) { return static_cast<bool>(k.collective); })) {
    src.recorded.push_back("collectives");
  }
  if (!t.devices.empty() && undescribed < static_cast<std::int64_t>(t.devices.size())) src.recorded.push_back("devices");

  if (real_kernels == 0 && ranges_alone == 0) src.not_recorded.push_back("kernels: the trace has no kernel events (CPU-only profile?)");
  if (ranges_alone > 0 && real_kernels == 0) {
    src.not_recorded.push_back("kernel times: kernels come from cuda_profiler_range counter events, whose times are placeholders (measured_times false)");
  }
  if (kernels_with_metrics == 0) src.not_recorded.push_back("kernel counters (no cuda_profiler_range events): FLOP and bytes are not measured");
  else src.not_recorded.push_back("memory traffic counters: cuda_profiler_range events carry no byte counters");
  if (t.ops.empty()) src.not_recorded.push_back("framework ops (no cpu_op events)");
  else if (s.ops_with_shapes == 0) src.not_recorded.push_back("op shapes (recorded without record_shapes): no shape-based estimates");
  src.not_recorded.push_back("SM and memory clocks, L2 size and memory bus width (deviceProperties has none)");
  src.not_recorded.push_back("static and dynamic shared memory separately (Kineto records their sum)");
  if (undescribed > 0) {
    src.warnings.push_back(plural(undescribed, "device is", "devices are") + " used by events but not described in deviceProperties");
  }
  for (const auto& n : metric_notes) src.warnings.push_back(n);
  if (!estimate_note.empty()) src.warnings.push_back(estimate_note);

  static const std::pair<const char*, const char*> skipped[] = {
      {"skipped_negative_duration", "with a negative duration (end before start)"},
      {"skipped_bad_duration", "with a missing or non-numeric duration (NaN)"},
      {"skipped_bad_timestamp", "with a missing or non-numeric timestamp, or one beyond +-2^62 ns (146 years)"},
      {"skipped_zero_timestamp", "with a zero or negative timestamp"},
      {"skipped_non_object_events", "that are not JSON objects"},
      {"skipped_duplicate_op_ids", "(cpu_op) repeating an External id already used"},
  };
  std::int64_t skipped_total = 0;
  for (const auto& [key, words] : skipped) {
    const auto it = s.counters.find(key);
    if (it == s.counters.end() || it->second == 0) continue;
    skipped_total += it->second;
    src.warnings.push_back(plural(it->second, "event", "events") + " " + words + " skipped");
  }
  if (const auto it = s.counters.find("collectives_incomplete"); it != s.counters.end()) {
    src.warnings.push_back(plural(it->second, "kernel names a collective", "kernels name a collective") +
                           " without its sizes, dtype or group size (no bus bandwidth for them)");
  }
  if (const auto it = s.counters.find("kernels_device_from_pid"); it != s.counters.end()) {
    src.warnings.push_back(plural(it->second, "kernel has", "kernels have") +
                           " no args.device: the event's pid is taken as the device (Kineto writes GPU events with pid = device)");
  }
  if (const auto it = s.counters.find("invalid_utf8_events"); it != s.counters.end()) {
    src.warnings.push_back(plural(it->second, "event has", "events have") + " invalid UTF-8 (bytes replaced by U+FFFD)");
  }
  if (ranges_alone > 0 && real_kernels == 0 && ranges_linked_to_launch == 0) {
    src.warnings.push_back("cuda_profiler_range events could not be matched to kernel launches (counts differ); their kernels have no op");
  }
  if (ranges_alone > 0 && real_kernels > 0) {
    src.warnings.push_back(plural(ranges_alone, "cuda_profiler_range event matches", "cuda_profiler_range events match") +
                           " no kernel event of the same name; kept as kernels with placeholder times");
  }
  s.counters["skipped_events"] = skipped_total;
  s.counters["kineto_events_read"] = s.events;
  s.counters["kernels_linked_by_external_id"] = linked_by_external;
  s.counters["kernels_linked_by_runtime_correlation"] = linked_by_runtime;
  s.counters["kernels_linked_by_enclosing_op"] = linked_by_time;
  s.counters["external_ids_not_holding_the_launch"] = external_ids_refused;
  s.counters["kernel_correlations_from_flows"] = correlation_from_flow;
  s.counters["kernels_with_launch_call"] = launches_recorded;
  s.counters["profiler_ranges_attached_to_kernels"] = ranges_attached;
  s.counters["profiler_ranges_as_kernels"] = ranges_alone;
  src.counters = std::move(s.counters);
  (void)ranges_linked_to_launch;
}

}  // namespace

trace import_kineto(const std::filesystem::path& path) {
  kineto_state state;
  state.file = path.string();
  {
    file_reader reader(path);
    scan_file(state, reader);
  }
  trace t;
  finish(state, t);
  return t;
}

}  // namespace rafter
