#include "analysis/importers/ncu_metric_table.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

bool mentions(const std::vector<std::string>& notes, const std::string& part) {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

TEST(ncu_metric_table, converts_nsight_compute_units_to_si) {
  const auto t = ncu_metric_table::load_default();
  EXPECT_DOUBLE_EQ(*t.unit_scale(""), 1.0);
  EXPECT_DOUBLE_EQ(*t.unit_scale("byte"), 1.0);
  EXPECT_DOUBLE_EQ(*t.unit_scale("Kbyte"), 1e3);
  EXPECT_DOUBLE_EQ(*t.unit_scale("Mbyte"), 1e6);
  EXPECT_DOUBLE_EQ(*t.unit_scale("Gbyte"), 1e9);
  EXPECT_DOUBLE_EQ(*t.unit_scale("nsecond"), 1e-9);
  EXPECT_DOUBLE_EQ(*t.unit_scale("usecond"), 1e-6);
  EXPECT_DOUBLE_EQ(*t.unit_scale("msecond"), 1e-3);
  EXPECT_DOUBLE_EQ(*t.unit_scale("second"), 1.0);
  EXPECT_DOUBLE_EQ(*t.unit_scale("ns"), 1e-9);
  EXPECT_DOUBLE_EQ(*t.unit_scale("us"), 1e-6);
  EXPECT_DOUBLE_EQ(*t.unit_scale("cycle/nsecond"), 1e9);
  EXPECT_DOUBLE_EQ(*t.unit_scale("cycle/usecond"), 1e6);
  EXPECT_DOUBLE_EQ(*t.unit_scale("Ghz"), 1e9);
  EXPECT_DOUBLE_EQ(*t.unit_scale("Mhz"), 1e6);
  EXPECT_DOUBLE_EQ(*t.unit_scale("Tbyte/second"), 1e12);
  EXPECT_DOUBLE_EQ(*t.unit_scale("Gbyte/second"), 1e9);
  EXPECT_DOUBLE_EQ(*t.unit_scale("inst/cycle"), 1.0);
  EXPECT_DOUBLE_EQ(*t.unit_scale("byte/block"), 1.0);
  EXPECT_DOUBLE_EQ(*t.unit_scale("register/thread"), 1.0);
  EXPECT_DOUBLE_EQ(*t.unit_scale("%"), 1.0);
  EXPECT_FALSE(t.unit_scale("frob").has_value());
  EXPECT_FALSE(t.unit_scale("Xbyte").has_value());
  EXPECT_FALSE(t.unit_scale("byte/second/second").has_value());
}

TEST(ncu_metric_table, weights_follow_the_roofline_sections) {
  const auto t = ncu_metric_table::load_default();
  kernel_metrics m;
  // smsp__ names (Nsight Compute's roofline sections).
  m.raw["smsp__sass_thread_inst_executed_op_dadd_pred_on.sum"] = 1;
  m.raw["smsp__sass_thread_inst_executed_op_dmul_pred_on.sum"] = 10;
  m.raw["smsp__sass_thread_inst_executed_op_dfma_pred_on.sum"] = 100;
  // sm__ names (NERSC): the same totals, other prefix.
  m.raw["sm__sass_thread_inst_executed_op_fadd_pred_on.sum"] = 2;
  m.raw["sm__sass_thread_inst_executed_op_fmul_pred_on.sum"] = 20;
  m.raw["sm__sass_thread_inst_executed_op_ffma_pred_on.sum"] = 200;
  m.raw["sm__sass_thread_inst_executed_op_hadd_pred_on.sum"] = 3;
  m.raw["sm__sass_thread_inst_executed_op_hmul_pred_on.sum"] = 30;
  m.raw["sm__sass_thread_inst_executed_op_hfma_pred_on.sum"] = 300;
  m.raw["sm__inst_executed_pipe_tensor.sum"] = 7;
  m.raw["dram__bytes_read.sum"] = 1000;
  m.raw["dram__bytes_write.sum"] = 24;
  m.raw["lts__t_bytes.sum"] = 5000;
  kernel_metrics v100 = m;
  const auto notes = t.apply(v100, compute_capability{7, 0});
  EXPECT_DOUBLE_EQ(v100.flop.at("fp64.cuda_core"), 1 + 10 + 2 * 100);   // FMA = 2 FLOP
  EXPECT_DOUBLE_EQ(v100.flop.at("fp32.cuda_core"), 2 + 20 + 2 * 200);
  EXPECT_DOUBLE_EQ(v100.flop.at("fp16.cuda_core"), 2 * 3 + 2 * 30 + 4 * 300);  // packed HFMA2 = 4 FLOP
  EXPECT_DOUBLE_EQ(v100.flop.at("fp16.tensor"), 512 * 7);  // V100: 512 FLOP per tensor-pipe instruction
  EXPECT_DOUBLE_EQ(v100.bytes.at("dram"), 1024);  // read + write when dram__bytes.sum is absent
  EXPECT_DOUBLE_EQ(v100.bytes.at("l2"), 5000);
  EXPECT_EQ(v100.bytes.count("l1"), 0u);
  EXPECT_TRUE(notes.empty()) << notes.front();

  // Another architecture: no tensor weight, and the note says so rather than guessing.
  kernel_metrics a100 = m;
  const auto a100_notes = t.apply(a100, compute_capability{8, 0});
  EXPECT_EQ(a100.flop.count("fp16.tensor"), 0u);
  EXPECT_TRUE(mentions(a100_notes, "sm__inst_executed_pipe_tensor.sum")) << a100_notes.size();

  // Unknown architecture: the same, with the reason.
  kernel_metrics unknown = m;
  const auto unknown_notes = t.apply(unknown, std::nullopt);
  EXPECT_EQ(unknown.flop.count("fp16.tensor"), 0u);
  EXPECT_TRUE(mentions(unknown_notes, "depends on the GPU architecture"));
  EXPECT_DOUBLE_EQ(unknown.flop.at("fp32.cuda_core"), 2 + 20 + 2 * 200);
}

TEST(ncu_metric_table, incomplete_counter_sets_are_reported_not_summed) {
  const auto t = ncu_metric_table::load_default();
  kernel_metrics m;
  m.raw["sm__sass_thread_inst_executed_op_ffma_pred_on.sum"] = 50;
  m.raw["dram__bytes_read.sum"] = 10;
  const auto notes = t.apply(m, compute_capability{9, 0});
  EXPECT_EQ(m.flop.count("fp32.cuda_core"), 0u);
  EXPECT_EQ(m.bytes.count("dram"), 0u);
  EXPECT_TRUE(mentions(notes, "fp32.cuda_core FLOP: incomplete counters"));
  EXPECT_TRUE(mentions(notes, "dram bytes: incomplete counters (missing dram__bytes_write.sum)"));
}

TEST(ncu_metric_table, negative_counters_are_reported_not_counted) {
  const auto t = ncu_metric_table::load_default();
  kernel_metrics m;
  m.raw["dram__bytes_read.sum"] = -5;
  m.raw["dram__bytes_write.sum"] = 10;
  const auto notes = t.apply(m, compute_capability{9, 0});
  EXPECT_EQ(m.bytes.count("dram"), 0u);
  EXPECT_TRUE(mentions(notes, "dram bytes: negative counter values (dram__bytes_read.sum = -5), not counted")) << notes.size();
}

TEST(ncu_metric_table, rejects_a_bad_table_naming_file_and_field) {
  const fs::path dir = fs::temp_directory_path() / ("rafter_ncu_table_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "ncu_metrics.json";
  std::ofstream(file) << R"({"schema": "rafter.ncu_metrics/1",
    "flop": [{"key": "fp32.cuda_core", "source": "x", "alternatives": [{"terms": [{"counter": "sm__x.sum", "weight": -2}]}]}],
    "bytes": [], "duration": {"counter": "a", "cycles": "b", "cycles_per_second": "c"},
    "units": {"prefixes": {"K": 1000}, "words": ["byte"]}})";
  try {
    (void)ncu_metric_table::load(file);
    FAIL() << "negative weight accepted";
  } catch (const input_error& e) {
    EXPECT_EQ(e.file(), file.string());
    EXPECT_EQ(e.field(), "flop[0].alternatives[0].terms[0].weight");
  }
  fs::remove_all(dir);
}

TEST(ncu_metric_table, architectures_as_users_and_profiles_name_them) {
  EXPECT_EQ(parse_gpu_architecture("sm_70"), (compute_capability{7, 0}));
  EXPECT_EQ(parse_gpu_architecture("sm_90a"), (compute_capability{9, 0}));
  EXPECT_EQ(parse_gpu_architecture("sm_121"), (compute_capability{12, 1}));
  EXPECT_EQ(parse_gpu_architecture("8.6"), (compute_capability{8, 6}));
  for (const char* bad : {"volta", "sm_7", "sm_70x1", "sm_", "70", ""}) EXPECT_FALSE(parse_gpu_architecture(bad)) << bad;
  EXPECT_EQ(compute_capabilities_named_in("Volta (sm_70)"), (std::vector<compute_capability>{{7, 0}}));
  EXPECT_EQ(compute_capabilities_named_in("sm_90"), (std::vector<compute_capability>{{9, 0}}));  // rafter sweep --backend cuda
  EXPECT_EQ(compute_capabilities_named_in("Blackwell (sm_110 from CUDA 13; sm_101 in CUDA 12.9 and older)"),
            (std::vector<compute_capability>{{11, 0}, {10, 1}}));
  EXPECT_TRUE(compute_capabilities_named_in("CDNA 3 (gfx942)").empty());
}

}  // namespace
}  // namespace rafter
