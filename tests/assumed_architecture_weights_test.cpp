#include "analysis/importers/assumed_architecture_weights.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/importers/import_trace.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_note =
    "fp16.tensor FLOP: the weight of sm__inst_executed_pipe_tensor.sum depends on the GPU architecture, which the file "
    "does not name (2 kernels)";

bool mentions(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

/// What `rafter import` makes of a V100 summary without an architecture: a tensor kernel whose
/// FLOP is left unweighed, and a kernel with CUDA-core FLOP only.
trace unweighed_trace() {
  trace t;
  t.source.tool = "ncu";
  t.source.not_recorded = {k_note, "device properties"};
  trace_kernel hmma;
  hmma.id = 0;
  hmma.name = "volta_fp16_s884gemm_fp16_128x128_ldg8_f2f_nn";
  kernel_metrics m;
  m.raw["sm__inst_executed_pipe_tensor.sum"] = 1000.0;
  m.raw["smsp__sass_thread_inst_executed_op_ffma_pred_on.sum"] = 10.0;
  m.flop["fp32.cuda_core"] = 20.0;
  m.uncounted_flop = {"fp16.tensor"};
  hmma.metrics = m;
  t.kernels.push_back(hmma);
  trace_kernel plain;
  plain.id = 1;
  plain.name = "elementwise";
  kernel_metrics p;
  p.raw["smsp__sass_thread_inst_executed_op_ffma_pred_on.sum"] = 4.0;
  p.flop["fp32.cuda_core"] = 8.0;
  plain.metrics = p;
  t.kernels.push_back(plain);
  return t;
}

ncu_import_options volta() {
  ncu_import_options o;
  o.assumed_cc = compute_capability{7, 0};
  o.assumed_cc_origin = "--assume-arch sm_70";
  return o;
}

TEST(assumed_architecture_weights, weighs_what_the_import_left_unweighed) {
  trace t = unweighed_trace();
  EXPECT_EQ(weigh_with_assumed_architecture(t, volta()), 1u);
  const auto& m = *t.kernels[0].metrics;
  EXPECT_DOUBLE_EQ(m.flop.at("fp16.tensor"), 512.0 * 1000);  // V100: one HMMA warp instruction = 512 FLOP
  EXPECT_DOUBLE_EQ(m.flop.at("fp32.cuda_core"), 20.0);        // kept
  EXPECT_TRUE(m.uncounted_flop.empty());
  EXPECT_EQ(t.kernels[1].metrics->flop.size(), 1u);  // not touched
  EXPECT_FALSE(mentions(t.source.not_recorded, "which the file does not name"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "device properties"));
  EXPECT_TRUE(mentions(t.source.warnings,
                       "compute capability 7.0 (sm_70) assumed from --assume-arch sm_70 to weigh the counters of 1 kernel"));
}

TEST(assumed_architecture_weights, an_architecture_without_a_weight_still_names_the_flop_left_out) {
  trace t = unweighed_trace();
  ncu_import_options hopper = volta();
  hopper.assumed_cc = compute_capability{9, 0};
  EXPECT_EQ(weigh_with_assumed_architecture(t, hopper), 1u);
  // No Hopper weight for the instruction count: named as unweighed work, as a CSV import with CC 9.0 names it.
  EXPECT_EQ(t.kernels[0].metrics->uncounted_flop, std::vector<std::string>{"sm__inst_executed_pipe_tensor.sum"});
  EXPECT_EQ(t.kernels[0].metrics->flop.count("fp16.tensor"), 0u);
}

TEST(assumed_architecture_weights, nothing_changes_without_an_architecture_or_when_the_trace_names_one) {
  trace t = unweighed_trace();
  EXPECT_EQ(weigh_with_assumed_architecture(t, {}), 0u);
  EXPECT_EQ(t.kernels[0].metrics->uncounted_flop, std::vector<std::string>{"fp16.tensor"});
  EXPECT_TRUE(t.source.warnings.empty());
  EXPECT_TRUE(mentions(t.source.not_recorded, k_note));

  trace named = unweighed_trace();
  trace_device d;
  d.id = 0;
  d.cc_major = 9;
  d.cc_minor = 0;
  named.devices.push_back(d);
  EXPECT_EQ(weigh_with_assumed_architecture(named, volta()), 0u);  // the recorded architecture wins
  EXPECT_EQ(named.kernels[0].metrics->uncounted_flop, std::vector<std::string>{"fp16.tensor"});
  EXPECT_TRUE(named.source.warnings.empty());
}

// `rafter analyze TRACE.json --machine v100_sxm2.json` on a trace imported without an architecture
// gets the FLOP a direct analysis of the CSV gets.
TEST(assumed_architecture_weights, import_trace_weighs_a_saved_trace_as_the_csv_import_does) {
  const fs::path csv = fs::path(RAFTER_SOURCE_DIR) / ".." / "shared" / "fixtures" / "ncu" /
                       "v100_deepcam_fp32_fw_roofline_summary.csv";
  if (!fs::exists(csv)) GTEST_SKIP() << "fixture absent: " << csv << " (../shared is not part of a clone)";
  const fs::path saved = fs::temp_directory_path() / ("rafter_assumed_arch_" + std::to_string(::getpid()) + ".json");
  save_trace(saved, import_trace(csv, std::nullopt));
  const trace later = import_trace(saved, std::nullopt, volta());
  const trace direct = import_trace(csv, std::nullopt, volta());
  fs::remove(saved);
  ASSERT_EQ(later.kernels.size(), direct.kernels.size());
  std::size_t tensor = 0;
  for (std::size_t i = 0; i < direct.kernels.size(); ++i) {
    SCOPED_TRACE(direct.kernels[i].name.str());
    const auto& a = *later.kernels[i].metrics;
    const auto& b = *direct.kernels[i].metrics;
    EXPECT_EQ(a.uncounted_flop, b.uncounted_flop);
    for (const auto& [key, flop] : b.flop) {
      if (flop == 0.0) continue;  // the CSV import writes zero keys the saved trace never had
      EXPECT_DOUBLE_EQ(a.flop.count(key) ? a.flop.at(key) : -1.0, flop) << key;
      tensor += key == "fp16.tensor" ? 1 : 0;
    }
  }
  EXPECT_GT(tensor, 0u);
  EXPECT_TRUE(mentions(later.source.warnings, "assumed from --assume-arch sm_70"));
}

}  // namespace
}  // namespace rafter
