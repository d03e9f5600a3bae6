#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rafter {

/// Formatting of SI base quantities for people. Inside rafter every quantity is in SI base units
/// (s, bytes, FLOP, B/s, FLOP/s). Rates print with decimal prefixes (1 GB/s = 1e9 B/s); capacities
/// print with binary prefixes (1 KiB = 1024 B) because caches are sized in powers of two.

/// `value` with a decimal prefix chosen so the mantissa is in [1, 1000), 3 significant digits,
/// then `unit`: format_si(8.28e10, "B/s") == "82.8 GB/s". Non-finite values print as "n/a".
[[nodiscard]] std::string format_si(double value, std::string_view unit, int significant = 3);

/// The unit convention in one sentence, said once in every report (Markdown; HTML escapes nothing in it).
inline constexpr const char* k_units_sentence =
    "Units: rates use decimal prefixes (1 GB/s = 10^9 B/s, 1 TFLOP/s = 10^12 FLOP/s, integer ceilings in OP/s); "
    "capacities use binary prefixes (1 KiB = 1024 B).";

[[nodiscard]] std::string format_bandwidth(double bytes_per_s);  ///< "82.8 GB/s"
[[nodiscard]] std::string format_flops(double flop_per_s);       ///< "1.23 TFLOP/s"
/// True for integer precisions ("int8", "int32"), whose ceilings count operations, not FLOP: they
/// have no place on a roofline in FLOP/s nor in a FLOP/byte balance.
[[nodiscard]] bool is_integer_precision(std::string_view precision);
/// "OP/s" for integer precisions, else "FLOP/s".
[[nodiscard]] std::string_view compute_rate_unit(std::string_view precision);
/// A compute rate of `precision`: integer precisions ("int8", "int32") count operations, not
/// floating-point operations: "624 TOP/s"; every other precision as format_flops.
[[nodiscard]] std::string format_compute_rate(double per_s, std::string_view precision);
/// `value` in `unit` as the reports print it: "s", "B/s", "FLOP/s" with their formatters,
/// "FLOP/byte" with 3 significant digits, "count" whole, "" plain, any other unit ("OP/s") with
/// decimal prefixes; "n/a" when not finite.
[[nodiscard]] std::string format_in_unit(double value, std::string_view unit);
[[nodiscard]] std::string format_seconds(double seconds);        ///< "85.2 ns", "1.50 µs"
[[nodiscard]] std::string format_hertz(double hertz);            ///< "2.60 GHz"
[[nodiscard]] std::string format_capacity(double bytes);         ///< "48 KiB", "1.5 MiB", "80 GiB"

/// Parses a byte count written with an optional binary or decimal suffix ("64KiB", "32MB", "1GiB",
/// "4096"). Returns nothing when the text is not such a count.
[[nodiscard]] std::optional<double> parse_bytes(std::string_view text);

}  // namespace rafter
