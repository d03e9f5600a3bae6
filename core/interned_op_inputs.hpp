#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "core/op_inputs.hpp"

namespace rafter {

/// An op's inputs kept once per process: one pointer (8 bytes) to an immutable `op_inputs` in a
/// process-wide pool. LLM traces repeat a few hundred distinct input signatures across millions
/// of ops; each op holds this handle instead of three vectors.
///
/// Contract (as `interned_string`):
/// - Equal values <=> the same pool entry: `==` compares pointers.
/// - The pool only grows and is never freed; `*` and `->` stay valid until the process exits.
/// - Interning locks the pool's mutex (safe from any thread); copying and reading never lock.
/// - A default-constructed handle is the empty signature (no inputs), never null.
class interned_op_inputs {
public:
  interned_op_inputs() noexcept;
  /// Interns a copy of `value` (or finds the equal entry already there).
  explicit interned_op_inputs(const op_inputs& value);

  /// Interns the inputs given as flat arrays, materialising an `op_inputs` only when the pool has
  /// no equal entry: entry i's shape is `dims[dim_ends[i-1] .. dim_ends[i])` (from 0 for i = 0),
  /// `dim_ends` non-decreasing and at most `dims.size()`. Equal to
  /// `interned_op_inputs(op_inputs{...})` built from the same values. `list_dims` (tensor lists,
  /// rare) is padded with empty entries to one per input and always materialises a value.
  [[nodiscard]] static interned_op_inputs intern(std::span<const std::int64_t> dims, std::span<const std::size_t> dim_ends,
                                                 std::span<const std::string_view> types,
                                                 std::span<const std::string_view> concrete,
                                                 std::span<const std::vector<std::vector<std::int64_t>>> list_dims = {});

  [[nodiscard]] const op_inputs& get() const noexcept { return *m_value; }
  [[nodiscard]] const op_inputs& operator*() const noexcept { return *m_value; }
  [[nodiscard]] const op_inputs* operator->() const noexcept { return m_value; }
  [[nodiscard]] bool empty() const noexcept { return m_value->empty(); }

  /// Number of distinct non-empty signatures interned so far in this process.
  [[nodiscard]] static std::size_t pool_size();

  friend bool operator==(const interned_op_inputs& a, const interned_op_inputs& b) noexcept { return a.m_value == b.m_value; }

private:
  explicit interned_op_inputs(const op_inputs* value) noexcept : m_value(value) {}
  const op_inputs* m_value;
};

}  // namespace rafter

/// Hashes the pool entry's address.
template <>
struct std::hash<rafter::interned_op_inputs> {
  std::size_t operator()(const rafter::interned_op_inputs& s) const noexcept { return std::hash<const void*>()(&*s); }
};
