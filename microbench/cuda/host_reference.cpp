#include "microbench/cuda/host_reference.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "microbench/cuda/kernel_counts.hpp"

namespace rafter::cuda {

namespace {

double uniform(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

std::uint32_t bits_of(float f) noexcept { return std::bit_cast<std::uint32_t>(f); }
float float_of(std::uint32_t u) noexcept { return std::bit_cast<float>(u); }

/// Significand bits (implicit bit included) of each format.
constexpr int fp16_significand = 11;
constexpr int bf16_significand = 8;

/// A magnitude in [0.25, 2) with `stored_bits` random fraction bits, random sign.
double random_with_fraction(std::mt19937_64& rng, int stored_bits) {
  const std::uint64_t fraction = rng() & ((std::uint64_t{1} << stored_bits) - 1);
  const int exponent = static_cast<int>(rng() % 3) - 2;  // 2^-2, 2^-1, 2^0
  const double magnitude = std::ldexp(1.0 + std::ldexp(static_cast<double>(fraction), -stored_bits), exponent);
  return (rng() & 1) ? -magnitude : magnitude;
}

std::uint64_t pack_lanes(std::uint16_t lo, std::uint16_t hi) noexcept {
  return static_cast<std::uint64_t>(lo) | (static_cast<std::uint64_t>(hi) << 16);
}

/// One packed-half-lane step: a*b + c exactly in double (the operands' significands are short),
/// then rounded once to the format.
double half_lane_fma(double a, double b, double c, int significand) noexcept {
  return round_to_significand(a * b + c, significand);
}

}  // namespace

double round_to_significand(double x, int bits) noexcept {
  if (x == 0.0 || !std::isfinite(x)) return x;
  int exponent = 0;
  (void)std::frexp(x, &exponent);  // x = f * 2^exponent, 0.5 <= |f| < 1
  const double scaled = std::ldexp(x, bits - exponent);
  return std::ldexp(std::nearbyint(scaled), exponent - bits);
}

std::uint16_t fp16_bits(double x) {
  if (x == 0.0) return std::signbit(x) ? 0x8000 : 0;
  const double m = std::fabs(x);
  int exponent = 0;
  const double f = std::frexp(m, &exponent);  // m = f * 2^exponent
  const int biased = exponent - 1 + 15;
  if (biased < 1 || biased > 30 || round_to_significand(x, fp16_significand) != x) {
    throw std::invalid_argument(fmt::format("fp16_bits: {} is not a normal fp16 value", x));
  }
  const auto fraction = static_cast<std::uint16_t>(std::ldexp(f * 2.0 - 1.0, 10));
  return static_cast<std::uint16_t>((std::signbit(x) ? 0x8000 : 0) | (biased << 10) | fraction);
}

double fp16_value(std::uint16_t bits) noexcept {
  const int sign = bits >> 15;
  const int exponent = (bits >> 10) & 0x1f;
  const int fraction = bits & 0x3ff;
  double v = 0.0;
  if (exponent == 0) v = std::ldexp(fraction, -24);
  else if (exponent == 31) v = fraction ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  else v = std::ldexp(1024 + fraction, exponent - 25);
  return sign ? -v : v;
}

std::uint16_t bf16_bits(double x) {
  const float f = static_cast<float>(x);
  if (static_cast<double>(f) != x || (bits_of(f) & 0xffff) != 0) {
    throw std::invalid_argument(fmt::format("bf16_bits: {} is not a bf16 value", x));
  }
  return static_cast<std::uint16_t>(bits_of(f) >> 16);
}

double bf16_value(std::uint16_t bits) noexcept { return float_of(static_cast<std::uint32_t>(bits) << 16); }

double e4m3_value(std::uint8_t bits) noexcept {
  const int sign = bits >> 7;
  const int exponent = (bits >> 3) & 0xf;
  const int fraction = bits & 0x7;
  if (exponent == 0xf && fraction == 0x7) return std::numeric_limits<double>::quiet_NaN();
  const double v = exponent == 0 ? std::ldexp(fraction, -9) : std::ldexp(8 + fraction, exponent - 10);
  return sign ? -v : v;
}

double tf32_value(std::uint32_t bits) noexcept { return float_of(bits & 0xffffe000u); }

std::uint16_t random_fp16(std::mt19937_64& rng) { return fp16_bits(random_with_fraction(rng, 10)); }
std::uint16_t random_bf16(std::mt19937_64& rng) { return bf16_bits(random_with_fraction(rng, 7)); }
std::uint32_t random_tf32(std::mt19937_64& rng) {
  return bits_of(static_cast<float>(random_with_fraction(rng, 10)));
}
double e2m1_value(std::uint8_t nibble) noexcept {
  static constexpr double magnitudes[8] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0};
  const double m = magnitudes[nibble & 7];
  return (nibble & 8) ? -m : m;
}

std::uint8_t random_e4m3(std::mt19937_64& rng) {
  // Exponent field 5..7 gives magnitudes in [0.25, 2); every fraction and sign random.
  const auto exponent = static_cast<std::uint8_t>(5 + rng() % 3);
  const auto fraction = static_cast<std::uint8_t>(rng() & 7);
  const auto sign = static_cast<std::uint8_t>((rng() & 1) << 7);
  return static_cast<std::uint8_t>(sign | (exponent << 3) | fraction);
}

std::uint8_t random_e2m1(std::mt19937_64& rng) {
  const auto magnitude = static_cast<std::uint8_t>(1 + rng() % 7);  // codes 1..7: 0.5 .. 6
  return static_cast<std::uint8_t>(((rng() & 1) << 3) | magnitude);
}

float random_accumulator(std::mt19937_64& rng) {
  const double magnitude = std::uniform_real_distribution<double>(0.25, 2.0)(rng);
  return static_cast<float>((rng() & 1) ? -magnitude : magnitude);
}

std::int32_t random_int_accumulator(std::mt19937_64& rng) {
  return static_cast<std::int32_t>(rng() % (1u << 21)) - (1 << 20);
}

std::int8_t random_int8(std::mt19937_64& rng) {
  const int v = static_cast<int>(rng() % 254) - 127;  // -127 .. 126
  return static_cast<std::int8_t>(v >= 0 ? v + 1 : v);  // skip 0: -127..-1, 1..127
}

// ---- CUDA-core chains ---------------------------------------------------------------------------

core_inputs make_core_inputs(core_op op, std::size_t threads, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  core_inputs in;
  in.start.resize(threads * core_chains);
  auto fp16_in = [&](double lo, double hi) { return fp16_bits(round_to_significand(uniform(rng, lo, hi), fp16_significand)); };
  auto bf16_in = [&](double lo, double hi) { return bf16_bits(round_to_significand(uniform(rng, lo, hi), bf16_significand)); };
  switch (op) {
    // b = 1 - k ulp(1/2), k in [16, 32]: the chain tends to c / (1 - b) over ~1/(1 - b) steps,
    // so within a launch (~1e5 steps) every step changes it and a missing trip shows in the check.
    case core_op::fp64_fma:
      for (auto& v : in.start) v = std::bit_cast<std::uint64_t>(uniform(rng, 0.5, 1.5));
      in.b = std::bit_cast<std::uint64_t>(1.0 - std::ldexp(static_cast<double>(16 + rng() % 17), -53));
      in.c = std::bit_cast<std::uint64_t>(uniform(rng, 0.125, 0.5));
      break;
    case core_op::fp32_fma:
      for (auto& v : in.start) v = bits_of(static_cast<float>(uniform(rng, 0.5, 1.5)));
      in.b = bits_of(1.0f - std::ldexp(static_cast<float>(16 + rng() % 17), -24));
      in.c = bits_of(static_cast<float>(uniform(rng, 0.125, 0.5)));
      break;
    case core_op::fp16x2_fma:
      for (auto& v : in.start) v = pack_lanes(fp16_in(0.5, 1.5), fp16_in(0.5, 1.5));
      in.b = pack_lanes(fp16_in(0.5, 0.875), fp16_in(0.5, 0.875));
      in.c = pack_lanes(fp16_in(0.125, 0.5), fp16_in(0.125, 0.5));
      break;
    case core_op::bf16x2_fma:
      for (auto& v : in.start) v = pack_lanes(bf16_in(0.5, 1.5), bf16_in(0.5, 1.5));
      in.b = pack_lanes(bf16_in(0.5, 0.875), bf16_in(0.5, 0.875));
      in.c = pack_lanes(bf16_in(0.125, 0.5), bf16_in(0.125, 0.5));
      break;
    case core_op::int32_imad:
      for (auto& v : in.start) v = static_cast<std::uint32_t>(rng());
      in.b = static_cast<std::uint32_t>(rng()) | 1u;
      in.c = static_cast<std::uint32_t>(rng());
      break;
  }
  return in;
}

std::uint64_t core_reference(core_op op, std::uint64_t a, std::uint64_t b, std::uint64_t c, std::size_t steps) noexcept {
  switch (op) {
    case core_op::fp64_fma: {
      double x = std::bit_cast<double>(a);
      const double bb = std::bit_cast<double>(b), cc = std::bit_cast<double>(c);
      for (std::size_t i = 0; i < steps; ++i) x = std::fma(x, bb, cc);
      return std::bit_cast<std::uint64_t>(x);
    }
    case core_op::fp32_fma: {
      float x = float_of(static_cast<std::uint32_t>(a));
      const float bb = float_of(static_cast<std::uint32_t>(b)), cc = float_of(static_cast<std::uint32_t>(c));
      for (std::size_t i = 0; i < steps; ++i) x = std::fma(x, bb, cc);
      return bits_of(x);
    }
    case core_op::fp16x2_fma:
    case core_op::bf16x2_fma: {
      const bool half = op == core_op::fp16x2_fma;
      const int significand = half ? fp16_significand : bf16_significand;
      auto value = [&](std::uint64_t word, int lane) {
        const auto bits = static_cast<std::uint16_t>(word >> (16 * lane));
        return half ? fp16_value(bits) : bf16_value(bits);
      };
      std::uint64_t out = 0;
      for (int lane = 0; lane < 2; ++lane) {
        double x = value(a, lane);
        const double bb = value(b, lane), cc = value(c, lane);
        // A step that returns its input is a fixed point: every later step returns it too.
        for (std::size_t i = 0; i < steps; ++i) {
          const double next = half_lane_fma(x, bb, cc, significand);
          if (next == x) break;
          x = next;
        }
        const std::uint16_t bits = half ? fp16_bits(x) : bf16_bits(x);
        out |= static_cast<std::uint64_t>(bits) << (16 * lane);
      }
      return out;
    }
    case core_op::int32_imad: {
      auto x = static_cast<std::uint32_t>(a);
      const auto bb = static_cast<std::uint32_t>(b), cc = static_cast<std::uint32_t>(c);
      for (std::size_t i = 0; i < steps; ++i) x = x * bb + cc;
      return x;
    }
  }
  return 0;
}

std::string compare_core(core_op op, std::uint64_t got, std::uint64_t expected) {
  if (op == core_op::fp16x2_fma || op == core_op::bf16x2_fma) {
    for (int lane = 0; lane < 2; ++lane) {
      const auto g = static_cast<std::uint16_t>(got >> (16 * lane));
      const auto e = static_cast<std::uint16_t>(expected >> (16 * lane));
      // Same-sign finite values: the distance of the encodings is the distance in ulps.
      const bool same_sign = (g & 0x8000) == (e & 0x8000);
      const int distance = std::abs(static_cast<int>(g & 0x7fff) - static_cast<int>(e & 0x7fff));
      const double gv = op == core_op::fp16x2_fma ? fp16_value(g) : bf16_value(g);
      if (!same_sign || distance > 2 || !std::isfinite(gv)) {
        return fmt::format("lane {}: got 0x{:04x}, expected 0x{:04x} ({} ulp apart)", lane, g, e, distance);
      }
    }
    return {};
  }
  if (got != expected) return fmt::format("got 0x{:x}, expected 0x{:x}", got, expected);
  return {};
}

// ---- mma.sync -----------------------------------------------------------------------------------

int mma_a_elements(mma_op op) noexcept {
  switch (op) {
    case mma_op::fp16:
    case mma_op::bf16: return 8;
    case mma_op::tf32: return 4;
    case mma_op::int8:
    case mma_op::fp8: return 16;
    case mma_op::fp4: return 32;
  }
  return 0;
}

int mma_b_elements(mma_op op) noexcept { return mma_a_elements(op) / 2; }

std::pair<int, int> mma_a_position(mma_op op, int lane, int e) noexcept {
  const int g = lane >> 2, t = lane & 3;
  switch (op) {
    case mma_op::fp16:
    case mma_op::bf16: return {g + 8 * ((e / 2) % 2), t * 2 + (e % 2) + 8 * (e / 4)};
    case mma_op::tf32: return {g + 8 * (e % 2), t + 4 * (e / 2)};
    case mma_op::int8:
    case mma_op::fp8: return {g + 8 * ((e / 4) % 2), t * 4 + (e % 4) + 16 * (e / 8)};
    case mma_op::fp4: return {g + 8 * ((e / 8) % 2), t * 8 + (e % 8) + 32 * (e / 16)};
  }
  return {0, 0};
}

std::pair<int, int> mma_b_position(mma_op op, int lane, int e) noexcept {
  const int g = lane >> 2, t = lane & 3;
  switch (op) {
    case mma_op::fp16:
    case mma_op::bf16: return {t * 2 + (e % 2) + 8 * (e / 2), g};
    case mma_op::tf32: return {t + 4 * e, g};
    case mma_op::int8:
    case mma_op::fp8: return {t * 4 + (e % 4) + 16 * (e / 4), g};
    case mma_op::fp4: return {t * 8 + (e % 8) + 32 * (e / 8), g};
  }
  return {0, 0};
}

std::pair<int, int> mma_acc_position(int lane, int e) noexcept {
  const int g = lane >> 2, t = lane & 3;
  return {g + 8 * (e / 2), t * 2 + (e % 2)};
}

mma_tile make_mma_tile(mma_op op, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const mma_op_info& i = info(op);
  mma_tile tile;
  tile.m = i.m;
  tile.n = i.n;
  tile.k = i.k;
  // Encoded elements, then values.
  std::vector<std::uint32_t> a_bits(static_cast<std::size_t>(i.m * i.k)), b_bits(static_cast<std::size_t>(i.k * i.n));
  auto draw = [&]() -> std::uint32_t {
    switch (op) {
      case mma_op::fp16: return random_fp16(rng);
      case mma_op::bf16: return random_bf16(rng);
      case mma_op::tf32: return random_tf32(rng);
      case mma_op::int8: return static_cast<std::uint8_t>(random_int8(rng));
      case mma_op::fp8: return random_e4m3(rng);
      case mma_op::fp4: return random_e2m1(rng);
    }
    return 0;
  };
  auto value = [&](std::uint32_t bits) -> double {
    switch (op) {
      case mma_op::fp16: return fp16_value(static_cast<std::uint16_t>(bits));
      case mma_op::bf16: return bf16_value(static_cast<std::uint16_t>(bits));
      case mma_op::tf32: return tf32_value(bits);
      case mma_op::int8: return static_cast<std::int8_t>(static_cast<std::uint8_t>(bits));
      case mma_op::fp8: return e4m3_value(static_cast<std::uint8_t>(bits));
      case mma_op::fp4: return e2m1_value(static_cast<std::uint8_t>(bits));
    }
    return 0.0;
  };
  auto negate = [&](std::uint32_t bits) -> std::uint32_t {
    switch (op) {
      case mma_op::fp16:
      case mma_op::bf16: return bits ^ 0x8000u;
      case mma_op::tf32: return bits ^ 0x80000000u;
      case mma_op::int8: return static_cast<std::uint8_t>(-static_cast<std::int8_t>(static_cast<std::uint8_t>(bits)));
      case mma_op::fp8: return bits ^ 0x80u;
      case mma_op::fp4: return bits ^ 0x8u;
    }
    return bits;
  };
  for (auto& x : a_bits) x = draw();
  for (auto& x : b_bits) x = draw();
  tile.a.resize(a_bits.size());
  tile.b.resize(b_bits.size());
  for (std::size_t j = 0; j < a_bits.size(); ++j) tile.a[j] = value(a_bits[j]);
  for (std::size_t j = 0; j < b_bits.size(); ++j) tile.b[j] = value(b_bits[j]);

  const int per_word = 32 / i.element_bits;
  const auto mask = i.element_bits == 32 ? 0xffffffffu : ((1u << i.element_bits) - 1u);
  tile.fragments.assign(32 * mma_fragment_words, 0);
  for (int lane = 0; lane < 32; ++lane) {
    std::uint32_t* words = &tile.fragments[static_cast<std::size_t>(lane * mma_fragment_words)];
    for (int e = 0; e < mma_a_elements(op); ++e) {
      const auto [r, c] = mma_a_position(op, lane, e);
      const std::uint32_t bits = a_bits[static_cast<std::size_t>(r * i.k + c)] & mask;
      words[e / per_word] |= bits << (i.element_bits * (e % per_word));
    }
    for (int e = 0; e < mma_b_elements(op); ++e) {
      const auto [r, c] = mma_b_position(op, lane, e);
      const std::uint32_t bits = b_bits[static_cast<std::size_t>(r * i.n + c)] & mask;
      words[4 + e / per_word] |= bits << (i.element_bits * (e % per_word));
      words[6 + e / per_word] |= (negate(bits) & mask) << (i.element_bits * (e % per_word));
    }
  }
  if (i.block_scaled) {
    // Byte j of the scale word: the e4m3 scale of K block j (values 16j .. 16j+15). Every lane
    // holds the same words, so whichever lane the instruction takes a row's or column's scales
    // from, they are these.
    std::uint32_t scale_words[2] = {0, 0};
    for (int side = 0; side < 2; ++side) {
      auto& scales = side == 0 ? tile.a_scales : tile.b_scales;
      for (int j = 0; j < i.k / mma_scale_block; ++j) {
        const auto bits = static_cast<std::uint8_t>(random_e4m3(rng) & 0x7f);
        scales.push_back(e4m3_value(bits));
        scale_words[side] |= static_cast<std::uint32_t>(bits) << (8 * j);
      }
    }
    for (int lane = 0; lane < 32; ++lane) {
      tile.fragments[static_cast<std::size_t>(lane * mma_fragment_words + 8)] = scale_words[0];
      tile.fragments[static_cast<std::size_t>(lane * mma_fragment_words + 9)] = scale_words[1];
    }
  }
  return tile;
}

std::pair<double, double> mma_tile_product(const mma_tile& tile, int row, int col) noexcept {
  double sum = 0.0, magnitude = 0.0;
  for (int kk = 0; kk < tile.k; ++kk) {
    double p = tile.a[static_cast<std::size_t>(row * tile.k + kk)] * tile.b[static_cast<std::size_t>(kk * tile.n + col)];
    if (!tile.a_scales.empty()) {
      const auto block = static_cast<std::size_t>(kk / mma_scale_block);
      p *= tile.a_scales[block] * tile.b_scales[block];
    }
    sum += p;
    magnitude += std::fabs(p);
  }
  return {sum, magnitude};
}

double mma_tolerance(mma_op op, double magnitude, std::size_t steps) noexcept {
  if (op == mma_op::int8) return 0.0;
  const int acc_bits = op == mma_op::fp8 || op == mma_op::fp4 ? 13 : 21;
  return static_cast<double>(steps) * magnitude * std::ldexp(1.0, -acc_bits);
}

// ---- wgmma and tcgen05: operands in shared memory ------------------------------------------

std::size_t kmajor_smem_offset(int row, int kk, int element_bytes) noexcept {
  const int k_byte = kk * element_bytes;
  return static_cast<std::size_t>(((row / 8) * 2 + k_byte / 16) * 128 + (row % 8) * 16 + k_byte % 16);
}

std::pair<int, int> wgmma_acc_position(int thread, int reg) noexcept {
  const int warp = thread / 32, lane = thread % 32;
  const int g = lane >> 2, t = lane & 3;
  const int e = reg % 4;
  return {16 * warp + g + 8 * (e / 2), 8 * (reg / 4) + 2 * t + (e % 2)};
}

smem_tiles make_smem_tiles(const std::string& precision, int m, int n, int k, std::uint64_t seed) {
  // Bits of one element.
  const int bits = precision == "fp4"    ? 4
                   : precision == "fp8" || precision == "int8" ? 8
                   : precision == "tf32" ? 32
                   : precision == "bf16" || precision == "fp16" ? 16
                                                                : 0;
  if (bits == 0 || k * bits != 256 || m <= 0 || n <= 0 || m % 8 != 0 || n % 8 != 0) {
    throw std::invalid_argument(
        fmt::format("make_smem_tiles: precision {} with m {} n {} k {} (need bf16/fp16/tf32/fp8/fp4/int8, 32 bytes of K, "
                    "m and n multiples of 8)",
                    precision, m, n, k));
  }
  std::mt19937_64 rng(seed);
  smem_tiles t;
  t.m = m;
  t.n = n;
  t.k = k;
  t.a.resize(static_cast<std::size_t>(m * k));
  t.b.resize(static_cast<std::size_t>(n * k));
  t.a_smem.assign(static_cast<std::size_t>(m * 32), 0);
  t.b_smem.assign(static_cast<std::size_t>(n * 32), 0);
  auto fill = [&](std::vector<double>& values, std::vector<std::uint8_t>& smem, int rows) {
    for (int r = 0; r < rows; ++r) {
      for (int kk = 0; kk < k; ++kk) {
        double v = 0.0;
        if (bits == 4) {
          const std::uint8_t code = random_e2m1(rng);
          smem[kmajor_smem_offset(r, kk / 2, 1)] |= static_cast<std::uint8_t>(code << (4 * (kk % 2)));
          v = e2m1_value(code);
        } else {
          const int eb = bits / 8;
          std::uint32_t word = 0;
          if (precision == "int8") {
            const std::int8_t value = random_int8(rng);
            word = static_cast<std::uint8_t>(value);
            v = value;
          } else if (eb == 1) {
            word = random_e4m3(rng);
            v = e4m3_value(static_cast<std::uint8_t>(word));
          } else if (eb == 4) {
            word = random_tf32(rng);
            v = tf32_value(word);
          } else {
            word = precision == "bf16" ? random_bf16(rng) : random_fp16(rng);
            v = precision == "bf16" ? bf16_value(static_cast<std::uint16_t>(word)) : fp16_value(static_cast<std::uint16_t>(word));
          }
          const std::size_t at = kmajor_smem_offset(r, kk, eb);
          for (int byte = 0; byte < eb; ++byte) smem[at + static_cast<std::size_t>(byte)] = static_cast<std::uint8_t>(word >> (8 * byte));
        }
        values[static_cast<std::size_t>(r * k + kk)] = v;
      }
    }
  };
  fill(t.a, t.a_smem, m);
  fill(t.b, t.b_smem, n);
  return t;
}

std::pair<double, double> smem_tile_product(const smem_tiles& tiles, int row, int col) noexcept {
  double sum = 0.0, magnitude = 0.0;
  for (int kk = 0; kk < tiles.k; ++kk) {
    const double p = tiles.a[static_cast<std::size_t>(row * tiles.k + kk)] * tiles.b[static_cast<std::size_t>(col * tiles.k + kk)];
    sum += p;
    magnitude += std::fabs(p);
  }
  return {sum, magnitude};
}

double async_mma_tolerance(const std::string& precision, double magnitude, std::size_t steps) noexcept {
  const int acc_bits = precision == "fp8" || precision == "fp4" ? 13 : 21;
  return static_cast<double>(steps) * magnitude * std::ldexp(1.0, -acc_bits);
}

namespace {

/// smem_tile_product of every (row, col), row-major: the (A*B^T) values and their sum_k |a b|.
std::pair<std::vector<double>, std::vector<double>> tile_products(const smem_tiles& tiles) {
  const auto cells = static_cast<std::size_t>(tiles.m * tiles.n);
  std::vector<double> product(cells), magnitude(cells);
  for (int r = 0; r < tiles.m; ++r) {
    for (int c = 0; c < tiles.n; ++c) {
      const auto rc = static_cast<std::size_t>(r * tiles.n + c);
      std::tie(product[rc], magnitude[rc]) = smem_tile_product(tiles, r, c);
    }
  }
  return {std::move(product), std::move(magnitude)};
}

}  // namespace

std::string check_async_mma(const smem_tiles& tiles, const std::string& precision, const std::vector<float>& d0,
                            const std::vector<float>& out, std::size_t steps, int group, std::size_t per_block,
                            const std::function<std::pair<int, int>(std::size_t)>& position) {
  const auto [product, magnitude] = tile_products(tiles);
  for (std::size_t at = 0; at < out.size(); ++at) {
    const auto [r, c] = position(at);
    const auto rc = static_cast<std::size_t>(r * tiles.n + c);
    const double start = d0[at];
    const double expected = start + product[rc];
    const double got = out[at];
    // Within a trip D climbs to D0 + group * P before the -B steps bring it back: rounding scales
    // with that peak, not with |D0 + P|.
    const double peak = std::fabs(start) + group * magnitude[rc];
    const double tolerance = async_mma_tolerance(precision, peak, steps) + std::ldexp(std::fabs(expected), -22);
    if (!std::isfinite(got) || std::fabs(got - expected) > tolerance) {
      return fmt::format("block {} element ({}, {}) after {} steps: got {}, expected {} (tolerance {:.3g})",
                         at / per_block, r, c, steps, got, expected, tolerance);
    }
  }
  return {};
}

std::string check_async_mma_integer(const smem_tiles& tiles, const std::vector<std::uint32_t>& d0,
                                    const std::vector<std::uint32_t>& out, std::size_t steps, std::size_t per_block,
                                    const std::function<std::pair<int, int>(std::size_t)>& position) {
  // Integer products of int8 tiles: exact in double (|P| <= 32 * 127^2).
  const std::vector<double> product = tile_products(tiles).first;
  for (std::size_t at = 0; at < out.size(); ++at) {
    const auto [r, c] = position(at);
    const auto p = static_cast<std::int64_t>(product[static_cast<std::size_t>(r * tiles.n + c)]);
    // Two's-complement wrap-around: unsigned arithmetic modulo 2^32.
    const auto expected = static_cast<std::uint32_t>(d0[at] + static_cast<std::uint64_t>(steps) * static_cast<std::uint64_t>(p));
    if (out[at] != expected) {
      return fmt::format("block {} element ({}, {}) after {} steps: got {}, expected {} (int32, exact)", at / per_block, r,
                         c, steps, static_cast<std::int32_t>(out[at]), static_cast<std::int32_t>(expected));
    }
  }
  return {};
}

// ---- memory kernels -----------------------------------------------------------------------------

std::array<std::uint32_t, 4> lane_sums(const std::uint32_t* words, std::size_t vectors) noexcept {
  std::array<std::uint32_t, 4> s{};
  for (std::size_t v = 0; v < vectors; ++v) {
    for (int l = 0; l < 4; ++l) s[static_cast<std::size_t>(l)] += words[v * 4 + static_cast<std::size_t>(l)];
  }
  return s;
}

std::vector<std::uint32_t> make_chase_cycle(std::size_t lines, std::uint64_t seed) {
  // Lines are numbered in 32 bits (the compact cycle); footprints stay under 16 GiB.
  constexpr std::size_t max_lines = chase_max_footprint_bytes / chase_line_bytes;
  if (lines < 2 || lines > max_lines) {
    throw std::invalid_argument(fmt::format("make_chase_cycle: {} lines (need 2 .. {}: a footprint under 16 GiB)", lines, max_lines));
  }
  std::vector<std::uint32_t> order(lines);
  for (std::size_t i = 0; i < lines; ++i) order[i] = static_cast<std::uint32_t>(i);
  std::mt19937_64 rng(seed);
  for (std::size_t i = lines - 1; i > 0; --i) {  // Sattolo: one cycle through all lines.
    const std::size_t j = std::uniform_int_distribution<std::size_t>(0, i - 1)(rng);
    std::swap(order[i], order[j]);
  }
  return order;  // order[i] is the line after line i.
}

std::uint32_t chase_end(const std::vector<std::uint32_t>& next, std::uint32_t start, std::uint64_t hops) noexcept {
  std::uint32_t p = start;
  for (std::uint64_t h = 0; h < hops; ++h) p = next[p];
  return p;
}

}  // namespace rafter::cuda
