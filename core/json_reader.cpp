#include "core/json_reader.hpp"

#include <cmath>

#include "core/error.hpp"

namespace rafter {

std::string json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "number";
    default: return "unknown";
  }
}

json_reader::json_reader(const json& value, std::string file, std::string path)
    : m_value(&value), m_file(std::move(file)), m_path(std::move(path)) {
  if (!value.is_object()) fail("", "expected an object, got " + json_type_name(value));
}

std::string json_reader::path_of(const std::string& key) const {
  if (key.empty()) return m_path;
  return m_path.empty() ? key : m_path + "." + key;
}

void json_reader::fail(const std::string& key, const std::string& message) const {
  throw input_error(m_file, path_of(key), message);
}

bool json_reader::has(const std::string& key) const { return find(key) != nullptr; }

const json* json_reader::find(const std::string& key) const {
  const auto it = m_value->find(key);
  if (it == m_value->end() || it->is_null()) return nullptr;
  return &*it;
}

const json& json_reader::require(const std::string& key) const {
  const json* v = find(key);
  if (v == nullptr) fail(key, "missing required field");
  return *v;
}

std::string json_reader::req_string(const std::string& key) const {
  const json& v = require(key);
  if (!v.is_string()) fail(key, "expected a string, got " + json_type_name(v));
  return v.get<std::string>();
}

std::optional<std::string> json_reader::opt_string(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return req_string(key);
}

double json_reader::req_number(const std::string& key) const {
  const json& v = require(key);
  if (!v.is_number()) fail(key, "expected a number, got " + json_type_name(v));
  const double d = v.get<double>();
  if (!std::isfinite(d)) fail(key, "expected a finite number");
  return d;
}

std::optional<double> json_reader::opt_number(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return req_number(key);
}

double json_reader::req_non_negative(const std::string& key) const {
  const double d = req_number(key);
  if (d < 0.0) fail(key, "must not be negative, got " + m_value->at(key).dump());
  return d;
}

std::optional<double> json_reader::opt_non_negative(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return req_non_negative(key);
}

long long json_reader::req_integer(const std::string& key) const {
  const json& v = require(key);
  if (!v.is_number_integer()) fail(key, "expected an integer, got " + json_type_name(v));
  if (v.is_number_unsigned() && v.get<unsigned long long>() > 9223372036854775807ULL) fail(key, "integer out of range");
  return v.get<long long>();
}

std::optional<long long> json_reader::opt_integer(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return req_integer(key);
}

int json_reader::req_count(const std::string& key) const {
  const long long v = req_integer(key);
  if (v < 0 || v > 2147483647LL) fail(key, "must be a count between 0 and 2147483647, got " + std::to_string(v));
  return static_cast<int>(v);
}

std::optional<int> json_reader::opt_count(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return req_count(key);
}

std::optional<bool> json_reader::opt_bool(const std::string& key) const {
  const json* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) fail(key, "expected true or false, got " + json_type_name(*v));
  return v->get<bool>();
}

json_reader json_reader::req_object(const std::string& key) const {
  const json& v = require(key);
  if (!v.is_object()) fail(key, "expected an object, got " + json_type_name(v));
  return json_reader(v, m_file, path_of(key));
}

std::optional<json_reader> json_reader::opt_object(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  return req_object(key);
}

std::vector<json_reader> json_reader::req_object_array(const std::string& key) const {
  const json& v = require(key);
  if (!v.is_array()) fail(key, "expected an array, got " + json_type_name(v));
  std::vector<json_reader> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string element = path_of(key) + "[" + std::to_string(i) + "]";
    if (!v[i].is_object()) throw input_error(m_file, element, "expected an object, got " + json_type_name(v[i]));
    out.emplace_back(v[i], m_file, element);
  }
  return out;
}

std::vector<json_reader> json_reader::opt_object_array(const std::string& key) const {
  if (!has(key)) return {};
  return req_object_array(key);
}

std::vector<std::string> json_reader::opt_string_array(const std::string& key) const {
  const json* v = find(key);
  if (v == nullptr) return {};
  if (!v->is_array()) fail(key, "expected an array, got " + json_type_name(*v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) fail(key + "[" + std::to_string(i) + "]", "expected a string");
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

}  // namespace rafter
