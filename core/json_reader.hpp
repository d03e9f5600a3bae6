#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace rafter {

/// Read-only view of one JSON object inside a document that knows its file and its path
/// (`compute[2]`), so every validation error names both: "profile.json: field
/// 'compute[2].flop_per_s': expected a number, got string". All accessors throw `input_error`.
class json_reader {
public:
  /// `value` must outlive the reader. `path` is empty for the document root.
  json_reader(const json& value, std::string file, std::string path);

  [[nodiscard]] const json& value() const noexcept { return *m_value; }
  [[nodiscard]] const std::string& file() const noexcept { return m_file; }
  [[nodiscard]] const std::string& path() const noexcept { return m_path; }
  [[nodiscard]] bool has(const std::string& key) const;

  [[nodiscard]] std::string req_string(const std::string& key) const;
  [[nodiscard]] std::optional<std::string> opt_string(const std::string& key) const;
  /// A finite number.
  [[nodiscard]] double req_number(const std::string& key) const;
  [[nodiscard]] std::optional<double> opt_number(const std::string& key) const;
  /// A finite number >= 0 (bandwidths, times, capacities).
  [[nodiscard]] double req_non_negative(const std::string& key) const;
  [[nodiscard]] std::optional<double> opt_non_negative(const std::string& key) const;
  [[nodiscard]] std::optional<long long> opt_integer(const std::string& key) const;
  [[nodiscard]] long long req_integer(const std::string& key) const;
  /// An integer in [0, 2^31 - 1] (counts: repetitions, units, instances).
  [[nodiscard]] std::optional<int> opt_count(const std::string& key) const;
  [[nodiscard]] int req_count(const std::string& key) const;
  [[nodiscard]] std::optional<bool> opt_bool(const std::string& key) const;
  [[nodiscard]] json_reader req_object(const std::string& key) const;
  [[nodiscard]] std::optional<json_reader> opt_object(const std::string& key) const;
  /// Elements of an array of objects; an absent optional array reads as empty.
  [[nodiscard]] std::vector<json_reader> req_object_array(const std::string& key) const;
  [[nodiscard]] std::vector<json_reader> opt_object_array(const std::string& key) const;
  [[nodiscard]] std::vector<std::string> opt_string_array(const std::string& key) const;

  /// The full path of `key` below this object.
  [[nodiscard]] std::string path_of(const std::string& key) const;
  /// Throws `input_error` for `key` (or this object when `key` is empty).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

private:
  [[nodiscard]] const json* find(const std::string& key) const;
  [[nodiscard]] const json& require(const std::string& key) const;

  const json* m_value;
  std::string m_file;
  std::string m_path;
};

/// Name of a JSON value's type for messages: "string", "number", "object", ...
[[nodiscard]] std::string json_type_name(const json& value);

}  // namespace rafter
