#include "analysis/importers/op_shape_table.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/config_paths.hpp"
#include "core/error.hpp"
#include "core/json_file.hpp"
#include "core/json_reader.hpp"
#include "core/machine_profile.hpp"

namespace rafter {

namespace {

constexpr std::array<std::string_view, 16> k_formulas{
    "mm",          "addmm", "bmm",  "baddbmm",       "matmul",    "linear", "sdpa",    "conv",
    "elementwise", "copy",  "fill", "normalization", "reduction", "concat", "foreach", "index_select"};

/// `pattern` compiled, or the reader's error at `key` when it does not compile.
posix_regex compiled(const json_reader& r, const std::string& key, const std::string& pattern, bool groups) {
  try {
    return posix_regex(pattern, groups);
  } catch (const std::invalid_argument& e) {
    r.fail(key, std::string("not a valid regular expression: ") + e.what());
  }
}

std::optional<int> opt_arg(const json_reader& r, const char* key) {
  const auto v = r.opt_count(key);
  if (v && *v > 64) r.fail(key, "argument position out of range");
  return v;
}

}  // namespace

op_shape_table op_shape_table::load(const std::filesystem::path& file) {
  const json document = read_json_file(file);
  const std::string name = file.string();
  const json_reader root(document, name, "");
  const schema_tag tag = parse_schema_tag(root.req_string("schema"), name);
  if (tag.kind != "rafter.op_shapes" || tag.major != 1) root.fail("schema", "expected \"rafter.op_shapes/1\"");
  op_shape_table table;
  const json_reader dtypes = root.req_object("dtypes");
  for (const auto& [type, value] : dtypes.value().items()) {
    (void)value;
    const json_reader d = dtypes.req_object(type);
    dtype t;
    t.precision = d.req_string("precision");
    t.bytes = d.req_count("bytes");
    if (t.bytes < 1) d.fail("bytes", "must be at least 1");
    table.m_dtypes[type] = t;
  }
  const json_reader ops = root.req_object("ops");
  for (const auto& [op, value] : ops.value().items()) {
    (void)value;
    const json_reader r = ops.req_object(op);
    rule x;
    x.formula = r.req_string("formula");
    bool known = false;
    for (const auto f : k_formulas) known = known || x.formula == f;
    if (!known) r.fail("formula", "unknown formula \"" + x.formula + "\"");
    x.layout = r.opt_string("layout").value_or("");
    if (x.formula == "sdpa" && x.layout != "bhsd" && x.layout != "bshd") r.fail("layout", "expected \"bhsd\" or \"bshd\"");
    x.causal_arg = opt_arg(r, "causal_arg");
    x.query_arg = opt_arg(r, "query_arg").value_or(0);
    x.backward = r.opt_bool("backward").value_or(false);
    x.mask_type_arg = opt_arg(r, "mask_type_arg");
    x.stride_arg = opt_arg(r, "stride_arg");
    x.padding_arg = opt_arg(r, "padding_arg");
    x.dilation_arg = opt_arg(r, "dilation_arg");
    x.transposed_arg = opt_arg(r, "transposed_arg");
    x.output_padding_arg = opt_arg(r, "output_padding_arg");
    x.groups_arg = opt_arg(r, "groups_arg");
    x.output_mask_arg = opt_arg(r, "output_mask_arg");
    x.dim_arg = opt_arg(r, "dim_arg");
    x.index_arg = opt_arg(r, "index_arg");
    if (r.has("written_args")) {
      const json& written = r.value().at("written_args");
      if (!written.is_array()) r.fail("written_args", "expected an array of argument positions");
      for (const json& w : written) {
        if (!w.is_number_integer() || w.get<long long>() < 0 || w.get<long long>() > 64) {
          r.fail("written_args", "expected argument positions 0..64, got " + w.dump());
        }
        x.written_args.push_back(w.get<int>());
      }
    }
    if (x.formula == "index_select" && !x.index_arg) r.fail("index_arg", "required by the index_select formula");
    if (x.formula == "conv" && x.backward && !x.output_mask_arg) {
      r.fail("output_mask_arg", "required by the conv formula's backward op");
    }
    x.output_dtype = r.opt_string("output_dtype").value_or("");
    if (!x.output_dtype.empty() && table.m_dtypes.count(x.output_dtype) == 0) {
      r.fail("output_dtype", "\"" + x.output_dtype + "\" is not in dtypes");
    }
    table.m_rules[op] = x;
  }
  for (const json_reader& r : root.opt_object_array("kernel_precisions")) {
    table.m_kernel_precisions.push_back(
        precision_rule{compiled(r, "pattern", r.req_string("pattern"), false), r.req_string("from"), r.req_string("precision")});
  }
  const auto flop_free = root.opt_string_array("flop_free_kernels");
  for (std::size_t i = 0; i < flop_free.size(); ++i) {
    table.m_flop_free_kernels.push_back(compiled(root, "flop_free_kernels[" + std::to_string(i) + "]", flop_free[i], false));
  }
  const auto patterns = root.opt_string_array("kernel_element_types");
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    table.m_kernel_element_types.push_back(compiled(root, "kernel_element_types[" + std::to_string(i) + "]", patterns[i], true));
  }
  return table;
}

op_shape_table op_shape_table::load_default() {
  const auto dir = find_config_dir();
  if (!dir) throw input_error("configs/op_shapes.json", "", "not found (set RAFTER_CONFIG_DIR)");
  return load(*dir / "op_shapes.json");
}

const op_shape_table::rule* op_shape_table::find_rule(const std::string& op) const {
  const auto it = m_rules.find(op);
  return it == m_rules.end() ? nullptr : &it->second;
}

const op_shape_table::dtype* op_shape_table::find_dtype(const std::string& type) const {
  const auto it = m_dtypes.find(type);
  return it == m_dtypes.end() ? nullptr : &it->second;
}

std::string op_shape_table::precision_in_kernel(std::string_view kernel, const std::string& precision) const {
  for (const auto& p : m_kernel_precisions) {
    if (p.from == precision && p.pattern.search(kernel)) return p.precision;
  }
  return precision;
}

bool op_shape_table::flop_free_kernel(std::string_view kernel) const {
  return std::any_of(m_flop_free_kernels.begin(), m_flop_free_kernels.end(), [&](const posix_regex& p) { return p.search(kernel); });
}

std::optional<op_shape_table::dtype> op_shape_table::element_type_in_kernel(std::string_view kernel) const {
  for (const auto& pattern : m_kernel_element_types) {
    const auto text = pattern.first_group(kernel);
    if (!text || text->empty()) continue;
    if (text->find_first_not_of("0123456789") == std::string::npos) {
      const int bytes = text->size() <= 2 ? std::stoi(*text) : 0;
      if (bytes >= 1) return dtype{"", bytes};
      continue;
    }
    if (const dtype* d = find_dtype(*text)) return *d;
  }
  return std::nullopt;
}

}  // namespace rafter
