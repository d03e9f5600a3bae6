#include "analysis/importers/shape_estimates.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <unordered_map>
#include <vector>

namespace rafter {

namespace {

using shape = std::vector<std::int64_t>;

double elements(const shape& s) {
  double n = 1.0;
  for (const auto d : s) n *= static_cast<double>(d);
  return n;
}

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

/// "True"/"False"/"1"/"0" -> bool.
std::optional<bool> parse_bool(const std::string& text) {
  const std::string t = trim(text);
  if (t == "True" || t == "true" || t == "1") return true;
  if (t == "False" || t == "false" || t == "0") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  std::size_t used = 0;
  try {
    const long long v = std::stoll(t, &used);
    if (used != t.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// "[a, b]" or "a" -> the elements `parse` reads; nothing when one does not parse.
template <typename Parse>
auto parse_list(const std::string& text, Parse parse) -> std::optional<std::vector<typename decltype(parse(text))::value_type>> {
  using element = typename decltype(parse(text))::value_type;
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  if (t.front() != '[') {
    const auto v = parse(t);
    if (!v) return std::nullopt;
    return std::vector<element>{*v};
  }
  if (t.back() != ']') return std::nullopt;
  t = t.substr(1, t.size() - 2);
  std::vector<element> out;
  std::size_t start = 0;
  while (start <= t.size()) {
    const std::size_t comma = t.find(',', start);
    const std::string part = trim(t.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!part.empty()) {
      const auto v = parse(part);
      if (!v) return std::nullopt;
      out.push_back(*v);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

/// "[1, 1]" or "2" -> {1, 1} or {2}; nothing for anything else.
std::optional<shape> parse_int_list(const std::string& text) { return parse_list(text, parse_int); }

/// The op's inputs as the formulas see them.
class formula_inputs {
public:
  formula_inputs(const trace_op& op, const op_shape_table& table) : m_op(*op.inputs), m_table(table) {}

  /// Element type of input `i`, or nullptr when it is not a tensor.
  [[nodiscard]] const op_shape_table::dtype* type(std::size_t i) const {
    if (i >= m_op.types.size() || i >= m_op.dims.size()) return nullptr;
    return m_table.find_dtype(m_op.types[i]);
  }
  [[nodiscard]] bool tensor(std::size_t i) const { return type(i) != nullptr; }
  [[nodiscard]] const shape& dims(std::size_t i) const { return m_op.dims[i]; }
  [[nodiscard]] double bytes(std::size_t i) const { return tensor(i) ? elements(dims(i)) * type(i)->bytes : 0.0; }
  [[nodiscard]] std::size_t count() const { return std::min(m_op.dims.size(), m_op.types.size()); }
  [[nodiscard]] std::string concrete(const std::optional<int>& i) const {
    if (!i || static_cast<std::size_t>(*i) >= m_op.concrete.size()) return {};
    return m_op.concrete[static_cast<std::size_t>(*i)];
  }
  [[nodiscard]] const op_shape_table& table() const { return m_table; }
  /// Shapes of input `i`'s tensors when it is a recorded tensor list, else empty.
  [[nodiscard]] std::span<const shape> list(std::size_t i) const {
    if (i >= m_op.list_dims.size()) return {};
    return m_op.list_dims[i];
  }

private:
  const op_inputs& m_op;
  const op_shape_table& m_table;
};

std::optional<op_estimate> fail(std::string* why_not, const std::string& reason) {
  if (why_not != nullptr) *why_not = reason;
  return std::nullopt;
}

/// Numpy-style broadcast of the batch dimensions; nothing when they are incompatible.
std::optional<shape> broadcast(const shape& a, const shape& b) {
  shape out(std::max(a.size(), b.size()), 1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::int64_t x = i < a.size() ? a[a.size() - 1 - i] : 1;
    const std::int64_t y = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (x != y && x != 1 && y != 1) return std::nullopt;
    out[out.size() - 1 - i] = x == 1 ? y : x;
  }
  return out;
}

std::optional<op_estimate> estimate_gemm(const formula_inputs& in, const std::string& form, std::string* why_not) {
  const bool with_bias = form == "addmm" || form == "baddbmm";
  const std::size_t ia = with_bias ? 1 : 0;
  const std::size_t ib = ia + 1;
  if (!in.tensor(ia) || !in.tensor(ib)) return fail(why_not, form + ": tensor shapes not recorded");
  const shape& a = in.dims(ia);
  const shape& b = in.dims(ib);
  double batch = 1, m = 0, n = 0, k = 0;
  if (form == "mm" || form == "addmm") {
    if (a.size() != 2 || b.size() != 2) return fail(why_not, form + ": expected 2-D inputs");
    if (a[1] != b[0]) return fail(why_not, form + ": inner dimensions differ");
    m = static_cast<double>(a[0]);
    k = static_cast<double>(a[1]);
    n = static_cast<double>(b[1]);
  } else if (form == "bmm" || form == "baddbmm") {
    if (a.size() != 3 || b.size() != 3) return fail(why_not, form + ": expected 3-D inputs");
    if (a[0] != b[0] || a[2] != b[1]) return fail(why_not, form + ": batch or inner dimensions differ");
    batch = static_cast<double>(a[0]);
    m = static_cast<double>(a[1]);
    k = static_cast<double>(a[2]);
    n = static_cast<double>(b[2]);
  } else if (form == "linear") {
    // input [..., K], weight [N, K]
    if (a.empty() || b.size() != 2) return fail(why_not, "linear: expected input [..., K] and weight [N, K]");
    if (a.back() != b[1]) return fail(why_not, "linear: inner dimensions differ");
    k = static_cast<double>(a.back());
    n = static_cast<double>(b[0]);
    m = elements(a) / k;
  } else {  // matmul with broadcasting; 1-D operands gain and lose a dimension
    if (a.empty() || b.empty()) return fail(why_not, "matmul: 0-D operand");
    shape a2 = a.size() == 1 ? shape{1, a[0]} : a;
    shape b2 = b.size() == 1 ? shape{b[0], 1} : b;
    if (a2[a2.size() - 1] != b2[b2.size() - 2]) return fail(why_not, "matmul: inner dimensions differ");
    const auto batch_shape = broadcast(shape(a2.begin(), a2.end() - 2), shape(b2.begin(), b2.end() - 2));
    if (!batch_shape) return fail(why_not, "matmul: batch dimensions do not broadcast");
    batch = elements(*batch_shape);
    m = static_cast<double>(a2[a2.size() - 2]);
    k = static_cast<double>(a2.back());
    n = static_cast<double>(b2.back());
  }
  const double out_elems = batch * m * n;
  op_estimate e;
  e.formula = "gemm";
  e.precision = in.type(ia)->precision;
  e.flop = gemm_flop(batch, m, n, k);
  // Inputs read once, output written once (in A's element type); a bias is read once.
  e.bytes = in.bytes(ia) + in.bytes(ib) + out_elems * in.type(ia)->bytes;
  if (with_bias) e.bytes += in.bytes(0);
  if (form == "linear" && in.tensor(2)) e.bytes += in.bytes(2);
  return e;
}

std::optional<op_estimate> estimate_sdpa(const formula_inputs& in, const op_shape_table::rule& rule, std::string* why_not) {
  const std::size_t iq = static_cast<std::size_t>(rule.query_arg), ik = iq + 1, iv = iq + 2;
  if (!in.tensor(iq) || !in.tensor(ik) || !in.tensor(iv)) return fail(why_not, "sdpa: query, key, value shapes not recorded");
  // Each as [B, H, S, D] (bhsd) or [B, S, H, D] (bshd); 3-D inputs have one head.
  auto bhsd = [&](const shape& s) -> std::optional<std::array<std::int64_t, 4>> {
    if (s.size() == 3) return std::array<std::int64_t, 4>{s[0], 1, s[1], s[2]};
    if (s.size() != 4) return std::nullopt;
    if (rule.layout == "bshd") return std::array<std::int64_t, 4>{s[0], s[2], s[1], s[3]};
    return std::array<std::int64_t, 4>{s[0], s[1], s[2], s[3]};
  };
  const auto q = bhsd(in.dims(iq));
  const auto k = bhsd(in.dims(ik));
  const auto v = bhsd(in.dims(iv));
  if (!q || !k || !v) return fail(why_not, "sdpa: expected 3-D or 4-D query, key and value");
  if ((*k)[0] != (*q)[0] || (*k)[3] != (*q)[3] || (*v)[2] != (*k)[2] || (*v)[1] != (*k)[1]) {
    return fail(why_not, "sdpa: query, key and value shapes disagree");
  }
  bool causal = false;
  if (rule.causal_arg) {
    const std::string text = in.concrete(rule.causal_arg);
    const auto c = parse_bool(text);
    if (!c) return fail(why_not, "sdpa: is_causal not recorded (Concrete Inputs)");
    causal = *c;
  } else if (rule.mask_type_arg) {
    const auto c = parse_int(in.concrete(rule.mask_type_arg));
    if (!c) return fail(why_not, "sdpa: custom_mask_type not recorded (Concrete Inputs)");
    causal = *c != 0;
  }
  const std::int64_t b = (*q)[0], h = (*q)[1], sq = (*q)[2], dqk = (*q)[3], sk = (*k)[2], dv = (*v)[3];
  op_estimate e;
  e.formula = std::string(rule.backward ? "sdpa_backward" : "sdpa") + (causal ? "_causal" : "");
  e.precision = in.type(iq)->precision;
  const double qkv = in.bytes(iq) + in.bytes(ik) + in.bytes(iv);
  const double o = static_cast<double>(b) * static_cast<double>(h) * static_cast<double>(sq) * static_cast<double>(dv) * in.type(iq)->bytes;
  if (rule.backward) {
    e.flop = attention_backward_flop(b, h, sq, sk, dqk, dv, causal);
    e.bytes = 2.0 * qkv + 2.0 * o;  // Q, K, V, O and dO read once; dQ, dK, dV written once.
  } else {
    e.flop = attention_flop(b, h, sq, sk, dqk, dv, causal);
    e.bytes = qkv + o;  // Q, K, V read once, O ([B, H, Sq, Dv] in Q's type) written once.
  }
  return e;
}

std::optional<op_estimate> estimate_conv(const formula_inputs& in, const op_shape_table::rule& rule, std::string* why_not) {
  // Forward: input, weight[, bias]. Backward (convolution_backward): grad_output, input, weight.
  const std::size_t ix = rule.backward ? 1 : 0, iw = ix + 1;
  if (!in.tensor(ix) || !in.tensor(iw)) return fail(why_not, "conv: input and weight shapes not recorded");
  const shape& x = in.dims(ix);
  const shape& w = in.dims(iw);
  if (x.size() < 3 || x.size() > 5 || w.size() != x.size()) return fail(why_not, "conv: expected [N, C, spatial...] input and weight");
  const std::size_t spatial = x.size() - 2;
  auto list = [&](const std::optional<int>& arg, std::int64_t fallback, const char* what) -> std::optional<shape> {
    if (!arg) return shape(spatial, fallback);
    const auto v = parse_int_list(in.concrete(arg));
    if (!v) {
      if (why_not != nullptr) *why_not = std::string("conv: ") + what + " not recorded (Concrete Inputs)";
      return std::nullopt;
    }
    if (v->size() == 1) return shape(spatial, (*v)[0]);
    if (v->size() != spatial) return std::nullopt;
    return v;
  };
  const auto stride = list(rule.stride_arg, 1, "stride");
  const auto padding = list(rule.padding_arg, 0, "padding");
  const auto dilation = list(rule.dilation_arg, 1, "dilation");
  if (!stride || !padding || !dilation) return std::nullopt;
  bool transposed = false;
  if (rule.transposed_arg) {
    const auto t = parse_bool(in.concrete(rule.transposed_arg));
    if (!t) return fail(why_not, "conv: transposed not recorded (Concrete Inputs)");
    transposed = *t;
  }
  shape output_padding(spatial, 0);
  if (transposed && rule.output_padding_arg) {
    const auto op = list(rule.output_padding_arg, 0, "output_padding");
    if (!op) return std::nullopt;
    output_padding = *op;
  }
  std::int64_t groups = 1;
  if (rule.groups_arg) {
    const auto g = parse_int(in.concrete(rule.groups_arg));
    if (!g || *g < 1) return fail(why_not, "conv: groups not recorded (Concrete Inputs)");
    groups = *g;
  }
  // Backward: which of grad_input, grad_weight, grad_bias the op computes.
  std::vector<bool> mask{true, true, true};
  if (rule.backward) {
    const auto m = rule.output_mask_arg ? parse_list(in.concrete(rule.output_mask_arg), parse_bool) : std::nullopt;
    if (!m || m->size() != 3) return fail(why_not, "conv: output_mask not recorded (Concrete Inputs)");
    mask = *m;
  }
  const std::int64_t n = x[0];
  std::int64_t kernel_positions = 1, input_positions = 1, output_positions = 1;
  for (std::size_t i = 0; i < spatial; ++i) {
    const std::int64_t in_size = x[2 + i], k = w[2 + i], s = (*stride)[i], p = (*padding)[i], d = (*dilation)[i];
    if (s < 1 || d < 1) return fail(why_not, "conv: stride and dilation must be positive");
    const std::int64_t out = transposed ? (in_size - 1) * s - 2 * p + d * (k - 1) + output_padding[i] + 1
                                        : (in_size + 2 * p - d * (k - 1) - 1) / s + 1;
    if (out < 1) return fail(why_not, "conv: empty output");
    kernel_positions *= k;
    input_positions *= in_size;
    output_positions *= out;
  }
  op_estimate e;
  e.precision = in.type(ix)->precision;
  std::int64_t c_out = 0;
  if (!transposed) {
    // weight [C_out, C_in / groups, k...]
    if (x[1] != w[1] * groups) return fail(why_not, "conv: channels and groups disagree");
    c_out = w[0];
    e.formula = "conv";
    e.flop = conv_flop(n, c_out, output_positions, w[1], kernel_positions);
  } else {
    // weight [C_in, C_out / groups, k...]: every input position scatters into the output.
    if (x[1] != w[0]) return fail(why_not, "conv: channels disagree");
    c_out = w[1] * groups;
    e.formula = "conv_transposed";
    e.flop = conv_flop(n, x[1], input_positions, w[1], kernel_positions);
  }
  const double es = in.type(ix)->bytes;
  const double output = static_cast<double>(n) * static_cast<double>(c_out) * static_cast<double>(output_positions) * es;
  if (!rule.backward) {
    e.bytes = in.bytes(ix) + in.bytes(iw) + (in.tensor(2) ? in.bytes(2) : 0.0) + output;
    return e;
  }
  // grad_input and grad_weight each take the forward's products; grad_bias (a sum) is not counted.
  e.formula += "_backward";
  e.flop *= static_cast<double>(int{mask[0]} + int{mask[1]});
  // grad_output read once; grad_input needs the weight and writes the input's size; grad_weight
  // needs the input and writes the weight's size. grad_bias is left out: ATen computes it with a
  // nested aten::sum where the backend does not, and that op has its own estimate.
  e.bytes = (in.tensor(0) ? in.bytes(0) : output) + (mask[0] ? in.bytes(iw) + in.bytes(ix) : 0.0) +
            (mask[1] ? in.bytes(ix) + in.bytes(iw) : 0.0);
  return e;
}

std::optional<op_estimate> estimate_bytes_only(const formula_inputs& in, const op_shape_table::rule& rule, std::string* why_not) {
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < in.count(); ++i) {
    if (in.tensor(i)) {
      first = i;
      break;
    }
  }
  if (!first) return fail(why_not, rule.formula + ": no tensor input recorded");
  const auto* out_type = rule.output_dtype.empty() ? in.type(*first) : in.table().find_dtype(rule.output_dtype);
  op_estimate e;
  e.formula = rule.formula;
  e.precision = in.type(*first)->precision;
  if (rule.formula == "fill") {
    e.bytes = in.bytes(*first);  // written once
  } else if (rule.formula == "copy") {
    if (!in.tensor(1)) return fail(why_not, "copy: source shape not recorded");
    e.bytes = in.bytes(1) + in.bytes(0);  // source read, destination written
  } else if (rule.formula == "normalization") {
    double read = 0.0;
    for (std::size_t i = 0; i < in.count(); ++i) read += in.bytes(i);
    e.bytes = read + elements(in.dims(*first)) * out_type->bytes;  // output shaped like the input
  } else if (rule.formula == "reduction") {
    const shape& x = in.dims(*first);
    double out_elements = 1.0;  // a full reduction
    const std::string dim_text = trim(in.concrete(rule.dim_arg));
    if (!dim_text.empty() && dim_text != "[]" && dim_text != "None") {
      const auto dims = parse_int_list(dim_text);
      if (!dims) return fail(why_not, "reduction: dim not understood (\"" + dim_text + "\")");
      std::vector<bool> reduced(x.size(), false);
      for (std::int64_t d : *dims) {
        if (d < 0) d += static_cast<std::int64_t>(x.size());
        if (d < 0 || d >= static_cast<std::int64_t>(x.size())) return fail(why_not, "reduction: dim out of range");
        reduced[static_cast<std::size_t>(d)] = true;
      }
      for (std::size_t i = 0; i < x.size(); ++i) out_elements *= reduced[i] ? 1.0 : static_cast<double>(x[i]);
    }
    e.bytes = in.bytes(*first) + out_elements * out_type->bytes;
  } else {  // elementwise: every tensor input read once, the broadcast output written once
    shape out;
    double read = 0.0;
    for (std::size_t i = 0; i < in.count(); ++i) {
      if (!in.tensor(i)) continue;
      read += in.bytes(i);
      const auto b = broadcast(out, in.dims(i));
      if (!b) return fail(why_not, "elementwise: input shapes do not broadcast");
      out = *b;
    }
    e.bytes = read + elements(out) * out_type->bytes;
  }
  return e;
}

/// Ops on tensor lists, whose element type is not recorded: the kernel's name states it.
/// concat (`cat`, `stack`): every tensor of the list read once, the result (as many elements)
/// written once. foreach (`_foreach_add_`, `_fused_adam_`, ...): every list read once, the
/// lists of `written_args` (default: the first) written once.
std::optional<op_estimate> estimate_tensor_lists(const formula_inputs& in, const op_shape_table::rule& rule, std::string_view kernel_name,
                                                 std::string* why_not) {
  const std::string& formula = rule.formula;
  double first = 0.0, all = 0.0, written = 0.0;
  bool found = false;
  for (std::size_t i = 0; i < in.count(); ++i) {
    const auto tensors = in.list(i);
    if (tensors.empty()) continue;
    double n = 0.0;
    for (const shape& t : tensors) n += elements(t);
    if (!found) first = n;
    all += n;
    if (std::find(rule.written_args.begin(), rule.written_args.end(), static_cast<int>(i)) != rule.written_args.end()) written += n;
    found = true;
  }
  if (rule.written_args.empty()) written = first;
  if (!found) return fail(why_not, formula + ": tensor-list shapes not recorded");
  const auto type = in.table().element_type_in_kernel(kernel_name);
  if (!type) return fail(why_not, formula + ": element type not in the kernel name");
  op_estimate e;
  e.formula = formula;
  e.precision = type->precision;
  e.bytes = (formula == "concat" ? 2.0 * first : all + written) * type->bytes;
  return e;
}

/// Rows picked by an index (`index_select`, `embedding`): the index read once, the picked slices
/// read once and written once. Output = the source with the indexed dimension replaced by the
/// index's shape.
std::optional<op_estimate> estimate_index_select(const formula_inputs& in, const op_shape_table::rule& rule, std::string* why_not) {
  const std::size_t index = static_cast<std::size_t>(*rule.index_arg);
  if (!in.tensor(0) || !in.tensor(index)) return fail(why_not, "index_select: source and index shapes not recorded");
  const shape& source = in.dims(0);
  std::int64_t dim = 0;
  if (rule.dim_arg) {
    const auto d = parse_int(in.concrete(rule.dim_arg));
    if (!d) return fail(why_not, "index_select: dim not recorded (Concrete Inputs)");
    dim = *d < 0 ? *d + static_cast<std::int64_t>(source.size()) : *d;
  }
  if (dim < 0 || dim >= static_cast<std::int64_t>(source.size())) return fail(why_not, "index_select: dim out of range");
  const double picked = elements(source) / static_cast<double>(std::max<std::int64_t>(source[static_cast<std::size_t>(dim)], 1)) *
                        elements(in.dims(index));
  op_estimate e;
  e.formula = "index_select";
  e.precision = in.type(0)->precision;
  e.bytes = in.bytes(index) + 2.0 * picked * in.type(0)->bytes;
  return e;
}

}  // namespace

double gemm_flop(double batch, double m, double n, double k) noexcept { return 2.0 * batch * m * n * k; }

double causal_pairs(std::int64_t sq, std::int64_t sk) noexcept {
  const double q = static_cast<double>(sq), k = static_cast<double>(sk);
  if (sq <= sk) return q * (q + 1.0) / 2.0;
  return k * (k + 1.0) / 2.0 + (q - k) * k;
}

double attention_flop(std::int64_t b, std::int64_t h, std::int64_t sq, std::int64_t sk, std::int64_t d_qk,
                      std::int64_t d_v, bool causal) noexcept {
  const double pairs = causal ? causal_pairs(sq, sk) : static_cast<double>(sq) * static_cast<double>(sk);
  return 2.0 * static_cast<double>(b) * static_cast<double>(h) * pairs * static_cast<double>(d_qk + d_v);
}

double attention_backward_flop(std::int64_t b, std::int64_t h, std::int64_t sq, std::int64_t sk, std::int64_t d_qk,
                               std::int64_t d_v, bool causal) noexcept {
  const double pairs = causal ? causal_pairs(sq, sk) : static_cast<double>(sq) * static_cast<double>(sk);
  return 2.0 * static_cast<double>(b) * static_cast<double>(h) * pairs * static_cast<double>(3 * d_qk + 2 * d_v);
}

double conv_flop(std::int64_t n, std::int64_t c_out, std::int64_t output_positions, std::int64_t c_in_per_group,
                 std::int64_t kernel_positions) noexcept {
  return 2.0 * static_cast<double>(n) * static_cast<double>(c_out) * static_cast<double>(output_positions) *
         static_cast<double>(c_in_per_group) * static_cast<double>(kernel_positions);
}

std::optional<op_estimate> estimate_op(const trace_op& op, const op_shape_table& table, std::string* why_not,
                                       std::string_view kernel_name) {
  const op_shape_table::rule* rule = table.find_rule(op.name);
  if (rule == nullptr) return fail(why_not, "no formula for " + op.name.str());
  if (op.inputs->dims.empty() || op.inputs->types.empty()) return fail(why_not, op.name.str() + ": shapes not recorded");
  const formula_inputs in(op, table);
  const std::string& f = rule->formula;
  if (f == "mm" || f == "addmm" || f == "bmm" || f == "baddbmm" || f == "matmul" || f == "linear") {
    return estimate_gemm(in, f, why_not);
  }
  if (f == "sdpa") return estimate_sdpa(in, *rule, why_not);
  if (f == "conv") return estimate_conv(in, *rule, why_not);
  if (f == "concat" || f == "foreach") return estimate_tensor_lists(in, *rule, kernel_name, why_not);
  if (f == "index_select") return estimate_index_select(in, *rule, why_not);
  return estimate_bytes_only(in, *rule, why_not);
}

estimate_summary attach_shape_estimates(trace& t, const op_shape_table& table) {
  estimate_summary summary;
  // Kernel names are interned and repeat (millions of launches, hundreds of names): the table's
  // kernel-name rules are searched once per name (and precision).
  struct name_rules {
    bool flop_free = false;
    std::string from, to;  // precision_in_kernel(name, from) == to
  };
  std::unordered_map<const std::string*, name_rules> rules_of;
  const auto name_of = [](const trace_kernel& k) -> const std::string& { return k.demangled.empty() ? k.name.str() : k.demangled.str(); };
  const auto rules = [&](const trace_kernel& k, const std::string& precision) -> const name_rules& {
    const std::string& name = name_of(k);
    auto [it, fresh] = rules_of.try_emplace(&name);
    if (fresh) it->second.flop_free = table.flop_free_kernel(name);
    if (fresh || it->second.from != precision) {
      it->second.from = precision;
      it->second.to = table.precision_in_kernel(name, precision);
    }
    return it->second;
  };
  std::unordered_map<std::int64_t, std::vector<std::size_t>> kernels_of;
  for (std::size_t i = 0; i < t.kernels.size(); ++i) {
    if (t.kernels[i].op_id) kernels_of[*t.kernels[i].op_id].push_back(i);
  }
  for (const trace_op& op : t.ops) {
    const auto it = kernels_of.find(op.id);
    if (it == kernels_of.end()) continue;
    std::string why;
    const auto e = estimate_op(op, table, &why, name_of(t.kernels[it->second.front()]));
    if (!e) {
      ++summary.not_estimated[why];
      continue;
    }
    ++summary.ops_estimated;
    const auto& list = it->second;
    // Shares by time (equal when no kernel has a measured time), over all kernels for bytes and
    // over the kernels that do the op's products for FLOP.
    std::vector<bool> flop_free(list.size(), false);
    bool any_flop_kernel = false;
    for (std::size_t j = 0; j < list.size(); ++j) {
      flop_free[j] = e->flop > 0.0 && list.size() > 1 && rules(t.kernels[list[j]], e->precision).flop_free;
      any_flop_kernel = any_flop_kernel || !flop_free[j];
    }
    if (!any_flop_kernel) flop_free.assign(list.size(), false);
    double total = 0.0, flop_total = 0.0;
    std::size_t flop_kernels = 0;
    bool timed = true;
    for (std::size_t j = 0; j < list.size(); ++j) {
      const trace_kernel& k = t.kernels[list[j]];
      timed = timed && k.measured_times;
      total += static_cast<double>(k.end_ns - k.start_ns);
      if (!flop_free[j]) {
        flop_total += static_cast<double>(k.end_ns - k.start_ns);
        ++flop_kernels;
      }
    }
    const auto share_of = [&](const trace_kernel& k, double sum, std::size_t n) {
      if (n == 1) return 1.0;
      return timed && sum > 0.0 ? static_cast<double>(k.end_ns - k.start_ns) / sum : 1.0 / static_cast<double>(n);
    };
    for (std::size_t j = 0; j < list.size(); ++j) {
      trace_kernel& k = t.kernels[list[j]];
      const double share = share_of(k, total, list.size());
      const double flop_share = flop_free[j] ? 0.0 : share_of(k, flop_total, flop_kernels);
      kernel_estimate ke;
      ke.formula = e->formula;
      ke.precision = rules(k, e->precision).to;
      ke.flop = e->flop * flop_share;
      ke.bytes = e->bytes * share;
      ke.op_id = op.id;
      ke.share = share;
      if (flop_share != share) ke.flop_share = flop_share;
      k.estimate = ke;
      ++summary.kernels_estimated;
    }
  }
  return summary;
}

}  // namespace rafter
