#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace rafter {

/// An optional `T` kept on the heap: one pointer inline instead of `sizeof(T)`, for members that
/// most records leave empty (a trace's per-kernel metrics and estimates; millions of kernels per
/// trace). The subset of `std::optional`'s interface the code base uses: `has_value()`, explicit
/// `operator bool`, `*`, `->`, `value()` (throws `std::bad_optional_access` when empty),
/// `emplace()`, `reset()`, assignment from `T`, `std::optional<T>` and `std::nullopt`, and
/// comparison with `std::nullopt`. Copies are deep. A moved-from `boxed` is empty (unlike a
/// moved-from `std::optional`, which keeps a moved-from value).
template <class T>
class boxed {
public:
  using value_type = T;

  boxed() noexcept = default;
  boxed(std::nullopt_t) noexcept {}  // NOLINT(google-explicit-constructor): as std::optional
  boxed(const T& value) : m_value(std::make_unique<T>(value)) {}  // NOLINT(google-explicit-constructor)
  boxed(T&& value) : m_value(std::make_unique<T>(std::move(value))) {}  // NOLINT(google-explicit-constructor)
  boxed(const std::optional<T>& value) : m_value(value ? std::make_unique<T>(*value) : nullptr) {}  // NOLINT
  boxed(const boxed& other) : m_value(other.m_value ? std::make_unique<T>(*other.m_value) : nullptr) {}
  boxed(boxed&&) noexcept = default;
  ~boxed() = default;

  boxed& operator=(const boxed& other) {
    if (this == &other) return *this;
    if (!other.m_value) reset();
    else assign(*other.m_value);
    return *this;
  }
  boxed& operator=(boxed&&) noexcept = default;
  boxed& operator=(std::nullopt_t) noexcept {
    reset();
    return *this;
  }
  boxed& operator=(const T& value) {
    assign(value);
    return *this;
  }
  boxed& operator=(T&& value) {
    assign(std::move(value));
    return *this;
  }
  boxed& operator=(const std::optional<T>& value) {
    if (!value) reset();
    else assign(*value);
    return *this;
  }

  [[nodiscard]] bool has_value() const noexcept { return m_value != nullptr; }
  explicit operator bool() const noexcept { return m_value != nullptr; }

  [[nodiscard]] T& operator*() & noexcept { return *m_value; }
  [[nodiscard]] const T& operator*() const& noexcept { return *m_value; }
  [[nodiscard]] T* operator->() noexcept { return m_value.get(); }
  [[nodiscard]] const T* operator->() const noexcept { return m_value.get(); }

  [[nodiscard]] T& value() & {
    if (!m_value) throw std::bad_optional_access();
    return *m_value;
  }
  [[nodiscard]] const T& value() const& {
    if (!m_value) throw std::bad_optional_access();
    return *m_value;
  }

  template <class... Args>
  T& emplace(Args&&... args) {
    m_value = std::make_unique<T>(std::forward<Args>(args)...);
    return *m_value;
  }
  void reset() noexcept { m_value.reset(); }
  void swap(boxed& other) noexcept { m_value.swap(other.m_value); }

  friend bool operator==(const boxed& b, std::nullopt_t) noexcept { return !b.m_value; }

private:
  template <class U>
  void assign(U&& value) {
    if (m_value) *m_value = std::forward<U>(value);
    else m_value = std::make_unique<T>(std::forward<U>(value));
  }

  std::unique_ptr<T> m_value;
};

}  // namespace rafter
