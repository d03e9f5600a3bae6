// Compute inner loops on scalars (portable C++): 8 accumulators each, mul then add. An empty asm
// pins each value to a register between the two operations, which blocks both FMA contraction
// and packing the chains into vectors.
#include "microbench/host/kernels/compute_chain_loop.hpp"
#include "microbench/host/kernels/compute_kernel_set.hpp"

namespace rafter::host::detail {

namespace {

constexpr std::size_t accumulators = 8;

template <class T>
inline void keep_scalar(T& value) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __asm__("" : "+x"(value));
#elif defined(__aarch64__)
  __asm__("" : "+w"(value));
#else
  __asm__("" : "+r"(value));
#endif
}

template <class T>
struct scalar_addmul {
  using vec = T;
  static vec load(const void* base, std::size_t i) { return static_cast<const T*>(base)[i]; }
  static void store(void* base, std::size_t i, vec v) { static_cast<T*>(base)[i] = v; }
  static vec step(vec acc, vec m, vec c) {
    vec product = acc * m;
    keep_scalar(product);
    vec sum = product + c;
    keep_scalar(sum);
    return sum;
  }
};

constexpr int n = static_cast<int>(accumulators);
const compute_loop_entry table[] = {
    {"fp64.scalar.addmul", chain_loop<scalar_addmul<double>, accumulators>, n, 8},
    {"fp32.scalar.addmul", chain_loop<scalar_addmul<float>, accumulators>, n, 4},
};

}  // namespace

const compute_loop_entry* compute_loops_scalar(std::size_t& count) noexcept {
  count = sizeof(table) / sizeof(table[0]);
  return table;
}

}  // namespace rafter::host::detail
