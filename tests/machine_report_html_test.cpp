#include "reports/machine_report_html.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>

#include "core/machine_profile.hpp"

namespace rafter {
namespace {

constexpr const char* k_evil = "<script>alert(1)</script>&\"'";
constexpr const char* k_evil_escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;";

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

curve make_curve(const std::string& id, const std::string& kind, const std::string& access,
                 const std::vector<std::pair<double, double>>& points, std::vector<plateau> plateaus) {
  curve c;
  c.id = id;
  c.kind = kind;
  c.access = access;
  c.y_unit = kind == "bandwidth" ? "B/s" : "s";
  for (const auto& [x, y] : points) c.points.push_back({x, sample_stats{y, y * 0.97, y * 1.02, 5, true}});
  c.plateaus = std::move(plateaus);
  return c;
}

/// A 2-core CPU: L1 400 GB/s to 96 KiB, L2 200 GB/s to 2 MiB, L3 120 GB/s to 32 MiB, DRAM 80 GB/s;
/// latency 1/4/12/90 ns; FP64 FMA 200 GFLOP/s.
machine_profile cpu_profile() {
  machine_profile p;
  p.generator = {"rafter", "0.1.0", "rafter sweep --out cpu.json", "2024-11-24T21:30:00Z"};
  p.device.name = "Test CPU";
  p.device.kind = device_kind::cpu;
  p.device.vendor = "Vendor";
  p.device.architecture = "Arch";
  p.device.compute_units = 2;
  p.device.compute_unit_name = "cores";
  p.device.max_clock_hz = 4.4e9;
  p.device.memory_bytes = 32.0 * 1024 * 1024 * 1024;
  p.device.memory_type = "DDR5";
  p.device.caches = {{"l1", 48.0 * 1024, 2}, {"l2", 1024.0 * 1024, 2}, {"l3", 32.0 * 1024 * 1024, 1}};
  p.device.obtained = "Measured by the test.";
  p.device.environment = {{"governor", "performance"}, {"smt", "off"}};

  compute_ceiling fma;
  fma.id = "fp64.vector.fma";
  fma.precision = "fp64";
  fma.unit = "vector";
  fma.flop_per_s = 2e11;
  fma.method = "FMA chains.";
  fma.samples = sample_stats{2e11, 1.96e11, 2.02e11, 7, true};
  compute_ceiling scalar;
  scalar.id = "fp64.scalar.fma";
  scalar.precision = "fp64";
  scalar.unit = "scalar";
  scalar.flop_per_s = 3.5e10;
  scalar.source = figure_source::datasheet;
  scalar.source_url = "https://example.com/cpu-datasheet";
  scalar.samples = sample_stats{3.5e10, 3.0e10, 3.6e10, 9, false};
  p.compute = {fma, scalar};

  auto level = [](const char* name, double bw, double latency, double capacity) {
    memory_level m;
    m.level = name;
    m.read_bytes_per_s = bw;
    m.copy_bytes_per_s = bw * 0.75;
    m.latency_s = latency;
    m.latency_cycles = latency * 4.4e9;
    m.capacity_bytes = capacity;
    m.samples["read"] = sample_stats{bw, bw * 0.97, bw * 1.02, 5, true};
    return m;
  };
  p.memory = {level("l1", 4e11, 1e-9, 96.0 * 1024), level("l2", 2e11, 4e-9, 2.0 * 1024 * 1024),
              level("l3", 1.2e11, 12e-9, 32.0 * 1024 * 1024), level("dram", 8e10, 90e-9, 32.0 * 1024 * 1024 * 1024)};
  p.memory[3].samples["read"].settled = false;

  link_ceiling pcie;
  pcie.id = "pcie";
  pcie.bytes_per_s = 2.6e10;
  pcie.source = figure_source::datasheet;
  pcie.source_url = "https://example.com/pcie";
  p.links = {pcie};

  const std::vector<std::pair<double, double>> bw{{4096.0, 4e11},     {65536.0, 4e11},      {524288.0, 2e11},
                                                  {1048576.0, 2e11},  {8388608.0, 1.2e11},  {16777216.0, 1.2e11},
                                                  {268435456.0, 8e10}, {1073741824.0, 8e10}};
  p.curves.push_back(make_curve("bandwidth.read", "bandwidth", "read", bw,
                                {{"l1", 4096.0, 65536.0, 4e11, 2}, {"l2", 524288.0, 1048576.0, 2e11, 2},
                                 {"l3", 8388608.0, 16777216.0, 1.2e11, 2}, {"dram", 268435456.0, 1073741824.0, 8e10, 2}}));
  std::vector<std::pair<double, double>> copy = bw;
  for (auto& [x, y] : copy) y *= 0.75;
  p.curves.push_back(make_curve("bandwidth.copy", "bandwidth", "copy", copy, {}));
  p.curves.push_back(make_curve("latency.chase", "latency", "chase",
                                {{4096.0, 1e-9}, {65536.0, 1e-9}, {1048576.0, 4e-9}, {16777216.0, 12e-9},
                                 {1073741824.0, 90e-9}},
                                {{"l1", 4096.0, 65536.0, 1e-9, 2}, {"dram", 1073741824.0, 1073741824.0, 90e-9, 1}}));
  p.warnings = {"fp64.scalar.fma did not settle."};
  return p;
}

TEST(machine_report_html, is_one_complete_html5_document) {
  const std::string html = render_machine_html(cpu_profile());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(contains(html, "<html lang=\"en\">"));
  EXPECT_TRUE(contains(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(contains(html, "<style>"));
  EXPECT_EQ(count(html, "</html>"), 1u);
  EXPECT_EQ(count(html, "<body>"), 1u);
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_EQ(count(html, "<table"), count(html, "</table>"));
  EXPECT_EQ(count(html, "<section"), count(html, "</section>"));
}

TEST(machine_report_html, header_shows_device_provenance_environment_and_units) {
  const std::string html = render_machine_html(cpu_profile());
  EXPECT_TRUE(contains(html, "<h1>Test CPU</h1>"));
  EXPECT_TRUE(contains(html, "Vendor"));
  EXPECT_TRUE(contains(html, "Arch"));
  EXPECT_TRUE(contains(html, "2 cores"));
  EXPECT_TRUE(contains(html, "max 4.40 GHz"));
  EXPECT_TRUE(contains(html, "32 GiB DDR5"));
  EXPECT_TRUE(contains(html, "L1 48 KiB × 2"));
  EXPECT_TRUE(contains(html, "Measured by the test."));
  EXPECT_TRUE(contains(html, "rafter sweep --out cpu.json"));
  EXPECT_TRUE(contains(html, "2024-11-24T21:30:00Z"));
  EXPECT_TRUE(contains(html, "<dt>governor</dt><dd>performance</dd>"));
  EXPECT_TRUE(contains(html, "1 GB/s = 10<sup>9</sup> B/s"));
  EXPECT_TRUE(contains(html, "1 KiB = 1024 B"));
}

TEST(machine_report_html, warnings_come_before_the_charts) {
  const std::string html = render_machine_html(cpu_profile());
  const auto warnings = html.find("id=\"warnings\"");
  ASSERT_NE(warnings, std::string::npos);
  EXPECT_LT(warnings, html.find("id=\"roofline\""));
  EXPECT_TRUE(contains(html, "<li>fp64.scalar.fma did not settle.</li>"));

  machine_profile quiet = cpu_profile();
  quiet.warnings.clear();
  EXPECT_FALSE(contains(render_machine_html(quiet), "id=\"warnings\""));
}

TEST(machine_report_html, every_chart_is_present_when_its_data_is) {
  const std::string html = render_machine_html(cpu_profile());
  EXPECT_TRUE(contains(html, "id=\"roofline-chart\""));
  EXPECT_TRUE(contains(html, "id=\"bandwidth-chart\""));
  EXPECT_TRUE(contains(html, "id=\"latency-chart\""));
  EXPECT_EQ(count(html, "<svg"), 3u);
  // Roofline: roofs labelled with value and provenance, ridges with their intensity.
  EXPECT_TRUE(contains(html, "fp64.vector.fma · 200 GFLOP/s · measured"));
  EXPECT_TRUE(contains(html, "fp64.scalar.fma · 35.0 GFLOP/s · datasheet · unsettled"));
  EXPECT_TRUE(contains(html, "l1 read · 400 GB/s · measured"));
  EXPECT_TRUE(contains(html, "dram read · 80.0 GB/s · measured"));
  EXPECT_TRUE(contains(html, "ridge l1: 0.5 FLOP/byte"));
  EXPECT_TRUE(contains(html, "ridge dram: 2.5 FLOP/byte"));
  // Bandwidth and latency: cache capacities and plateaus.
  EXPECT_TRUE(contains(html, "L1 (all cores) · 96 KiB"));    // bandwidth: every core's L1
  EXPECT_TRUE(contains(html, "L1 (one instance) · 48 KiB"));  // latency: one thread's L1
  // The plateau tables say what their numbers are: medians; the bandwidth ceiling is the best point.
  EXPECT_TRUE(contains(html, "is the best point of its stretch)</caption>"));
  EXPECT_TRUE(contains(html, "Plateaus (median of each stretch: a level&#39;s latency)</caption>"));
  EXPECT_TRUE(contains(html, "L3 · 32 MiB"));
  EXPECT_TRUE(contains(html, ">L2 plateau</text>"));
  EXPECT_TRUE(contains(html, ">1 MiB</text>"));
  EXPECT_TRUE(contains(html, ">10 ns</text>"));
}

TEST(machine_report_html, numbers_carry_units) {
  const std::string html = render_machine_html(cpu_profile());
  for (const char* text : {">200 GFLOP/s<", ">196 GFLOP/s<", ">400 GB/s<", ">300 GB/s<", ">1.00 ns<", ">90.0 ns<",
                           ">96 KiB<", ">32 GiB<", ">26.0 GB/s<", ">4.4 cycles<", ">0.5 FLOP/byte<"}) {
    EXPECT_TRUE(contains(html, text)) << text;
  }
  // No raw floating-point dumps of SI base values in visible text.
  EXPECT_FALSE(contains(html, ">400000000000<"));
  EXPECT_FALSE(contains(html, ">4e+11<"));
}

TEST(machine_report_html, the_memory_table_shows_a_levels_clock_only_where_one_was_measured) {
  machine_profile p = cpu_profile();
  const auto memory_section = [](const std::string& html) {
    const auto begin = html.find("<section id=\"memory\">");
    return begin == std::string::npos ? std::string() : html.substr(begin, html.find("</section>", begin) - begin);
  };
  EXPECT_FALSE(contains(memory_section(render_machine_html(p)), ">Clock<"));
  p.memory[1].clock_hz = 1.98e9;  // the SM clock during the level's read
  const std::string table = memory_section(render_machine_html(p));
  EXPECT_TRUE(contains(table, ">Clock<"));
  EXPECT_TRUE(contains(table, ">1.98 GHz<"));
}

TEST(machine_report_html, unsettled_figures_are_flagged_visibly) {
  const std::string html = render_machine_html(cpu_profile());
  EXPECT_TRUE(contains(html, "&#9888; unsettled"));  // compute table, settled column
  EXPECT_TRUE(contains(html, "&#10003; settled"));
  EXPECT_GE(count(html, "class=\"flag\""), 3u);  // + dram read cell + the hint
}

TEST(machine_report_html, loads_no_external_resources) {
  const std::string html = render_machine_html(cpu_profile());
  EXPECT_FALSE(contains(html, "src="));
  EXPECT_FALSE(contains(html, "<link"));
  EXPECT_FALSE(contains(html, "@import"));
  EXPECT_FALSE(contains(html, "url(http"));
  EXPECT_FALSE(contains(html, "<iframe"));
  EXPECT_FALSE(contains(html, "<img"));
  // Every href is an in-page anchor or a datasheet link from the profile, inside an <a>.
  const std::regex href(R"re((<\w+)\s[^>]*href="([^"]*)")re");
  std::size_t links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it) {
    const std::string tag = (*it)[1].str();
    const std::string target = (*it)[2].str();
    EXPECT_EQ(tag, "<a") << target;
    const bool anchor = target.rfind("#", 0) == 0;
    const bool datasheet = target == "https://example.com/cpu-datasheet" || target == "https://example.com/pcie";
    EXPECT_TRUE(anchor || datasheet) << target;
    if (datasheet) ++links;
  }
  EXPECT_EQ(links, 2u);
  // The only http text outside those links is the SVG namespace, which loads nothing.
  const std::regex http(R"(https?://[^"<\s]*)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), http); it != std::sregex_iterator(); ++it) {
    const std::string url = it->str();
    EXPECT_TRUE(url == "http://www.w3.org/2000/svg" || url.rfind("https://example.com/", 0) == 0) << url;
  }
  EXPECT_EQ(count(html, "<script"), 1u);  // the inline table sorter, nothing else
}

TEST(machine_report_html, markup_in_profile_text_stays_text) {
  machine_profile p = cpu_profile();
  p.device.name = k_evil;
  p.device.vendor = k_evil;
  p.device.architecture = k_evil;
  p.device.obtained = k_evil;
  p.device.memory_type = k_evil;
  p.device.compute_unit_name = k_evil;
  p.device.caches[0].level = k_evil;
  p.device.environment[k_evil] = k_evil;
  p.device.source_url = k_evil;
  p.generator.command = k_evil;
  p.generator.version = k_evil;
  p.compute[0].id = k_evil;
  p.compute[0].method = k_evil;
  p.compute[1].note = k_evil;
  p.compute[1].source_url = "javascript:alert(1)";
  p.memory[0].level = k_evil;
  p.memory[1].method = k_evil;
  p.memory[2].source_url = "\"><script>alert(1)</script>";
  p.links[0].id = k_evil;
  p.curves[0].id = k_evil;
  p.curves[0].access = k_evil;
  p.curves[0].plateaus[0].level = k_evil;
  p.warnings.push_back(k_evil);
  const std::string html = render_machine_html(p);
  EXPECT_FALSE(contains(html, "<script>alert"));
  EXPECT_FALSE(contains(html, "alert(1)</script>"));
  EXPECT_EQ(count(html, "<script"), 1u);
  EXPECT_TRUE(contains(html, k_evil_escaped));
  EXPECT_TRUE(contains(html, "<h1>" + std::string(k_evil_escaped) + "</h1>"));
  EXPECT_FALSE(contains(html, "href=\"javascript"));
  EXPECT_FALSE(contains(html, "href=\"&quot;"));
  EXPECT_TRUE(contains(html, "javascript:alert(1)"));  // shown as text
}

TEST(machine_report_html, no_curves_gives_a_sentence_instead_of_charts) {
  machine_profile p = cpu_profile();
  p.curves.clear();
  const std::string html = render_machine_html(p);
  EXPECT_TRUE(contains(html, "id=\"roofline-chart\""));
  EXPECT_FALSE(contains(html, "id=\"bandwidth-chart\""));
  EXPECT_FALSE(contains(html, "id=\"latency-chart\""));
  EXPECT_TRUE(contains(html, "no bandwidth curves"));
  EXPECT_TRUE(contains(html, "no latency curves"));
}

TEST(machine_report_html, zero_memory_levels_draws_compute_roofs_only) {
  machine_profile p = cpu_profile();
  p.memory.clear();
  const std::string html = render_machine_html(p);
  EXPECT_TRUE(contains(html, "id=\"roofline-chart\""));
  EXPECT_TRUE(contains(html, "compute roofs only"));
  EXPECT_TRUE(contains(html, "fp64.vector.fma · 200 GFLOP/s · measured"));
  EXPECT_FALSE(contains(html, "ridge l1"));
  EXPECT_FALSE(contains(html, "Ridge points against"));
  EXPECT_TRUE(contains(html, "No memory levels in this profile."));
}

TEST(machine_report_html, zero_compute_ceilings_draws_memory_roofs_only) {
  machine_profile p = cpu_profile();
  p.compute.clear();
  const std::string html = render_machine_html(p);
  EXPECT_TRUE(contains(html, "id=\"roofline-chart\""));
  EXPECT_TRUE(contains(html, "l1 read · 400 GB/s · measured"));
  EXPECT_TRUE(contains(html, "No compute ceilings in this profile."));
}

TEST(machine_report_html, an_empty_profile_still_renders) {
  machine_profile p;
  p.device.name = "Bare";
  p.device.obtained = "";
  const std::string html = render_machine_html(p);
  EXPECT_TRUE(contains(html, "<h1>Bare</h1>"));
  EXPECT_FALSE(contains(html, "<svg"));
  EXPECT_TRUE(contains(html, "no roofline to draw"));
  EXPECT_TRUE(contains(html, "No link ceilings in this profile."));
}

TEST(machine_report_html, degenerate_points_print_no_nan) {
  machine_profile p = cpu_profile();
  p.curves[0].points.push_back({0.0, sample_stats{0.0, 0.0, 0.0, 1, true}});
  p.curves[0].plateaus.push_back({"", 0.0, 0.0, 0.0, 1});
  p.memory.push_back(memory_level{});
  p.memory.back().level = "latency.only";
  p.memory.back().latency_s = 2e-7;
  const std::string html = render_machine_html(p);
  const std::regex bad(R"re(["=, (](-?nan|-?inf)\b)re", std::regex::icase);
  EXPECT_FALSE(std::regex_search(html, bad));
  EXPECT_TRUE(contains(html, "id=\"bandwidth-chart\""));
}

TEST(machine_report_html, is_deterministic) {
  EXPECT_EQ(render_machine_html(cpu_profile()), render_machine_html(cpu_profile()));
}

}  // namespace
}  // namespace rafter
