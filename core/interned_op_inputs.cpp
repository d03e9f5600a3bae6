#include "core/interned_op_inputs.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rafter {

namespace {

/// The empty signature is not in the pool: a default-constructed handle needs no pool.
constinit const op_inputs k_empty_inputs{};

/// Hash of the inputs in their flat form (the same for an `op_inputs` flattened).
std::size_t hash_of(std::span<const std::int64_t> dims, std::span<const std::size_t> dim_ends,
                    std::span<const std::string_view> types, std::span<const std::string_view> concrete) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto mix = [&h](std::uint64_t v) { h = (h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2))) * 0x100000001b3ULL; };
  mix(dim_ends.size());
  std::size_t begin = 0;
  for (const std::size_t end : dim_ends) {
    mix(end - begin);
    for (std::size_t i = begin; i < end; ++i) mix(static_cast<std::uint64_t>(dims[i]));
    begin = end;
  }
  const std::hash<std::string_view> text_hash;
  mix(types.size());
  for (const auto t : types) mix(text_hash(t));
  mix(concrete.size());
  for (const auto c : concrete) mix(text_hash(c));
  return static_cast<std::size_t>(h);
}

/// Never equal to a value with tensor lists: the flat form has none.
bool equal_to_flat(const op_inputs& v, std::span<const std::int64_t> dims, std::span<const std::size_t> dim_ends,
                   std::span<const std::string_view> types, std::span<const std::string_view> concrete) noexcept {
  if (!v.list_dims.empty() || v.dims.size() != dim_ends.size() || v.types.size() != types.size() || v.concrete.size() != concrete.size()) return false;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < dim_ends.size(); ++i) {
    const auto& shape = v.dims[i];
    if (shape.size() != dim_ends[i] - begin || !std::equal(shape.begin(), shape.end(), dims.begin() + static_cast<std::ptrdiff_t>(begin))) {
      return false;
    }
    begin = dim_ends[i];
  }
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (v.types[i] != types[i]) return false;
  }
  for (std::size_t i = 0; i < concrete.size(); ++i) {
    if (v.concrete[i] != concrete[i]) return false;
  }
  return true;
}

/// The value form of flat inputs (without tensor lists).
op_inputs materialize(std::span<const std::int64_t> dims, std::span<const std::size_t> dim_ends,
                      std::span<const std::string_view> types, std::span<const std::string_view> concrete) {
  op_inputs value;
  value.dims.reserve(dim_ends.size());
  std::size_t begin = 0;
  for (const std::size_t end : dim_ends) {
    value.dims.emplace_back(dims.begin() + static_cast<std::ptrdiff_t>(begin), dims.begin() + static_cast<std::ptrdiff_t>(end));
    begin = end;
  }
  value.types.assign(types.begin(), types.end());
  value.concrete.assign(concrete.begin(), concrete.end());
  return value;
}

/// `h` mixed with the shapes of the tensor lists.
std::size_t mix_lists(std::size_t h, const std::vector<std::vector<std::vector<std::int64_t>>>& lists) noexcept {
  for (const auto& list : lists) {
    h = h * 31 + list.size();
    for (const auto& shape : list) {
      for (const auto d : shape) h = h * 1099511628211ULL + static_cast<std::size_t>(d);
      h = h * 31 + shape.size();
    }
  }
  return h;
}

/// Distinct signatures by hash; each entry on the heap on its own, so its address never moves.
struct inputs_pool {
  std::mutex mutex;
  std::unordered_multimap<std::size_t, std::unique_ptr<const op_inputs>> entries;
};

inputs_pool& pool() {
  static inputs_pool* const p = new inputs_pool();  // never freed: handles outlive everything
  return *p;
}

}  // namespace

interned_op_inputs::interned_op_inputs() noexcept : m_value(&k_empty_inputs) {}

interned_op_inputs::interned_op_inputs(const op_inputs& value) : m_value(&k_empty_inputs) {
  if (value.empty()) return;
  std::vector<std::int64_t> dims;
  std::vector<std::size_t> dim_ends;
  for (const auto& shape : value.dims) {
    dims.insert(dims.end(), shape.begin(), shape.end());
    dim_ends.push_back(dims.size());
  }
  const std::vector<std::string_view> types(value.types.begin(), value.types.end());
  const std::vector<std::string_view> concrete(value.concrete.begin(), value.concrete.end());
  m_value = intern(dims, dim_ends, types, concrete, value.list_dims).m_value;
}

interned_op_inputs interned_op_inputs::intern(std::span<const std::int64_t> dims, std::span<const std::size_t> dim_ends,
                                              std::span<const std::string_view> types,
                                              std::span<const std::string_view> concrete,
                                              std::span<const std::vector<std::vector<std::int64_t>>> list_dims) {
  if (dim_ends.empty() && types.empty() && concrete.empty() && list_dims.empty()) return interned_op_inputs();
  std::size_t h = hash_of(dims, dim_ends, types, concrete);
  std::optional<op_inputs> with_lists;  // tensor lists (rare: concatenations) take the value form
  if (!list_dims.empty()) {
    with_lists = materialize(dims, dim_ends, types, concrete);
    with_lists->list_dims.assign(list_dims.begin(), list_dims.end());
    with_lists->list_dims.resize(std::max(with_lists->list_dims.size(), dim_ends.size()));  // one entry per input
    h = mix_lists(h, with_lists->list_dims);
  }
  inputs_pool& p = pool();
  const std::lock_guard<std::mutex> lock(p.mutex);
  const auto [first, last] = p.entries.equal_range(h);
  for (auto it = first; it != last; ++it) {
    if (with_lists ? *it->second == *with_lists : equal_to_flat(*it->second, dims, dim_ends, types, concrete)) {
      return interned_op_inputs(it->second.get());
    }
  }
  auto value = std::make_unique<const op_inputs>(with_lists ? std::move(*with_lists) : materialize(dims, dim_ends, types, concrete));
  const op_inputs* stored = value.get();
  p.entries.emplace(h, std::move(value));
  return interned_op_inputs(stored);
}

std::size_t interned_op_inputs::pool_size() {
  inputs_pool& p = pool();
  const std::lock_guard<std::mutex> lock(p.mutex);
  return p.entries.size();
}

}  // namespace rafter
