#include "analysis/importers/ncu_importer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/file_reader.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

fs::path write_file(const std::string& name, const std::string& content) {
  const fs::path dir = fs::temp_directory_path() / ("rafter_ncu_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

bool mentions(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

fs::path fixture(const std::string& name) {
  return fs::path(RAFTER_SOURCE_DIR) / ".." / "shared" / "fixtures" / "ncu" / name;
}

// `ncu --csv --page raw` layout: ==PROF== lines, header, units row, one row per launch.
const char* k_wide = R"csv(==PROF== Connected to process 1234 (/usr/bin/python3)
==WARNING== Found outstanding GPU clock reset, trying to revert...Success.
"ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size","Grid Size","Device","CC","device__attribute_clock_rate","device__attribute_display_name","device__attribute_multiprocessor_count","dram__bytes.sum","gpu__time_duration.sum","l1tex__t_bytes.sum","launch__registers_per_thread","launch__shared_mem_per_block_static","lts__t_bytes.sum","sm__cycles_elapsed.avg.per_second","sm__inst_executed_pipe_tensor.sum","sm__sass_thread_inst_executed_op_dadd_pred_on.sum","sm__sass_thread_inst_executed_op_dfma_pred_on.sum","sm__sass_thread_inst_executed_op_dmul_pred_on.sum","sm__sass_thread_inst_executed_op_fadd_pred_on.sum","sm__sass_thread_inst_executed_op_ffma_pred_on.sum","sm__sass_thread_inst_executed_op_fmul_pred_on.sum","sm__sass_thread_inst_executed_op_hadd_pred_on.sum","sm__sass_thread_inst_executed_op_hfma_pred_on.sum","sm__sass_thread_inst_executed_op_hmul_pred_on.sum","launch__func_cache_config"
"","","","","","","","","","","","","","","Kbyte","usecond","Mbyte","register/thread","byte/block","byte","cycle/nsecond","inst","inst","inst","inst","inst","inst","inst","inst","inst","inst",""
"0","1234","python3","127.0.0.1","void gemm<float, 2>(float*, int)","1","7","(128, 1, 1)","(80, 2, 1)","0","7.0","1530000","Tesla V100-SXM2-16GB","80","1,234.5","12.5","2","32","4,096","1,048,576","1.38","1,000","1","2","3","10","20","30","100","200","300","CachePreferNone"
"1","1234","python3","127.0.0.1","void f<a, b>(""x"")","1","7","(32, 1, 1)","(1, 1, 1)","0","7.0","1530000","Tesla V100-SXM2-16GB","80","0.001","0.5","0","16","0","64","1.2","0","0","0","0","1","0","0","0","0","0","CachePreferNone"
==PROF== Disconnected from process 1234
)csv";

TEST(ncu_importer, wide_raw_page_with_units_row) {
  const trace t = import_ncu(write_file("wide.csv", k_wide));
  EXPECT_EQ(t.source.tool, "ncu");
  ASSERT_EQ(t.kernels.size(), 2u);
  const trace_kernel& k = t.kernels[0];
  EXPECT_EQ(k.id, 0);
  EXPECT_EQ(k.name, "void gemm<float, 2>(float*, int)");
  EXPECT_EQ(k.stream, 7);
  EXPECT_EQ(k.block, (dim3_value{128, 1, 1}));
  EXPECT_EQ(k.grid, (dim3_value{80, 2, 1}));
  EXPECT_EQ(k.registers_per_thread, 32);
  EXPECT_EQ(k.static_shared_bytes, 4096);
  ASSERT_TRUE(k.metrics.has_value());
  const kernel_metrics& m = *k.metrics;
  // Units row: Kbyte, Mbyte, usecond, cycle/nsecond converted to bytes, seconds, Hz; "1,234.5" parsed.
  EXPECT_DOUBLE_EQ(m.raw.at("dram__bytes.sum"), 1234.5e3);
  EXPECT_DOUBLE_EQ(m.bytes.at("dram"), 1234.5e3);
  EXPECT_DOUBLE_EQ(m.bytes.at("l2"), 1048576.0);
  EXPECT_DOUBLE_EQ(m.bytes.at("l1"), 2e6);
  EXPECT_DOUBLE_EQ(*m.duration_s, 12.5e-6);
  EXPECT_DOUBLE_EQ(*m.sm_clock_hz, 1.38e9);
  EXPECT_DOUBLE_EQ(m.flop.at("fp64.cuda_core"), 1 + 3 + 2 * 2);
  EXPECT_DOUBLE_EQ(m.flop.at("fp32.cuda_core"), 10 + 30 + 2 * 20);
  EXPECT_DOUBLE_EQ(m.flop.at("fp16.cuda_core"), 2 * 100 + 2 * 300 + 4 * 200);
  EXPECT_DOUBLE_EQ(m.flop.at("fp16.tensor"), 512.0 * 1000);  // CC 7.0 from the file
  EXPECT_EQ(m.raw.count("launch__func_cache_config"), 0u);   // text, not a number
  EXPECT_EQ(m.raw.count("device__attribute_clock_rate"), 0u);  // a device property

  EXPECT_EQ(t.kernels[1].name, "void f<a, b>(\"x\")");
  // Serialized by replay: consecutive intervals of the measured durations.
  EXPECT_EQ(k.start_ns, 0);
  EXPECT_EQ(k.end_ns, 12500);
  EXPECT_EQ(t.kernels[1].start_ns, 12500);
  EXPECT_EQ(t.kernels[1].end_ns, 13000);
  EXPECT_TRUE(k.measured_times);
  EXPECT_TRUE(mentions(t.source.not_recorded, "timeline: kernels serialized by replay; start times synthetic"));

  ASSERT_EQ(t.devices.size(), 1u);
  EXPECT_EQ(t.devices[0].name, "Tesla V100-SXM2-16GB");
  EXPECT_EQ(t.devices[0].sm_count, 80);
  EXPECT_EQ(t.devices[0].cc_major, 7);
  EXPECT_EQ(t.devices[0].cc_minor, 0);
  EXPECT_DOUBLE_EQ(*t.devices[0].sm_clock_hz, 1.53e9);  // kHz attribute
  // The result is a valid rafter.trace/1 document.
  const trace back = trace_from_json(to_json(t), "roundtrip");
  EXPECT_EQ(back.kernels[0].metrics->flop, m.flop);

  // The same file with Windows line ends and a byte order mark reads the same.
  std::string crlf = "\xEF\xBB\xBF";
  for (const char c : std::string(k_wide)) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const trace w = import_ncu(write_file("wide_crlf.csv", crlf));
  ASSERT_EQ(w.kernels.size(), 2u);
  EXPECT_EQ(w.kernels[1].id, 1);
  EXPECT_EQ(w.kernels[1].name, t.kernels[1].name);
  EXPECT_EQ(w.kernels[0].metrics->raw, m.raw);
  // And gzip-compressed (ncu ... --csv | gzip), as every other importer reads it.
  const trace z = import_ncu(write_file("wide.csv.gz", gzip_compress(k_wide)));
  ASSERT_EQ(z.kernels.size(), 2u);
  EXPECT_EQ(z.kernels[0].metrics->raw, m.raw);
}

// Default `ncu --csv` details page: one row per kernel and metric, display labels, new columns.
const char* k_long = R"csv(==PROF== Connected to process 99
"ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size","Grid Size","Device","CC","Section Name","Metric Name","Metric Unit","Metric Value","Rule Name","Rule Type","Rule Description","Estimated Speedup Type","Estimated Speedup"
"0","99","app","h","k0","1","13","(256, 1, 1)","(1024, 1, 1)","0","9.0","GPU Speed Of Light Throughput","DRAM Frequency","cycle/nsecond","2.62","","","","",""
"0","99","app","h","k0","1","13","(256, 1, 1)","(1024, 1, 1)","0","9.0","GPU Speed Of Light Throughput","SM Frequency","Ghz","1.75","","","","",""
"0","99","app","h","k0","1","13","(256, 1, 1)","(1024, 1, 1)","0","9.0","GPU Speed Of Light Throughput","Duration","usecond","2.34","","","","",""
"0","99","app","h","k0","1","13","(256, 1, 1)","(1024, 1, 1)","0","9.0","Command line profiler metrics","dram__bytes.sum","Mbyte","1,234.56","","","","",""
"0","99","app","h","k0","1","13","(256, 1, 1)","(1024, 1, 1)","0","9.0","Command line profiler metrics","lts__t_bytes.sum","Gbyte","1.5","","","","",""
"0","99","app","h","k0","1","13","(256, 1, 1)","(1024, 1, 1)","0","9.0","SOLBottleneck","","","","SOLBottleneck","OPT","Memory is more heavily utilized than Compute.","global","12.5"
"1","99","app","h","k1","1","13","(32, 1, 1)","(1, 1, 1)","0","9.0","GPU Speed Of Light Throughput","Duration","nsecond","500","","","","",""
"1","99","app","h","k1","1","13","(32, 1, 1)","(1, 1, 1)","0","9.0","Command line profiler metrics","dram__bytes.sum","byte","100","","","","",""
"1","99","app","h","k1","1","13","(32, 1, 1)","(1, 1, 1)","0","9.0","Command line profiler metrics","lts__t_bytes.sum","frobs","7","","","","",""
)csv";

TEST(ncu_importer, long_details_form) {
  const trace t = import_ncu(write_file("long.csv", k_long));
  ASSERT_EQ(t.kernels.size(), 2u);
  const trace_kernel& k0 = t.kernels[0];
  EXPECT_EQ(k0.name, "k0");
  EXPECT_EQ(k0.grid, (dim3_value{1024, 1, 1}));
  const kernel_metrics& m = *k0.metrics;
  EXPECT_DOUBLE_EQ(*m.duration_s, 2.34e-6);  // "Duration" -> gpu__time_duration.sum
  EXPECT_DOUBLE_EQ(m.raw.at("gpu__time_duration.sum"), 2.34e-6);
  EXPECT_DOUBLE_EQ(*m.sm_clock_hz, 1.75e9);   // "SM Frequency" [Ghz]
  EXPECT_DOUBLE_EQ(m.raw.at("dram__cycles_elapsed.avg.per_second"), 2.62e9);
  EXPECT_DOUBLE_EQ(m.bytes.at("dram"), 1234.56e6);
  EXPECT_DOUBLE_EQ(m.bytes.at("l2"), 1.5e9);
  EXPECT_EQ(k0.start_ns, 0);
  EXPECT_EQ(k0.end_ns, 2340);
  EXPECT_EQ(t.kernels[1].start_ns, 2340);
  EXPECT_EQ(t.kernels[1].end_ns, 2840);
  // An unknown unit is not guessed: the metric is skipped and the warning names it.
  EXPECT_EQ(t.kernels[1].metrics->bytes.count("l2"), 0u);
  EXPECT_TRUE(mentions(t.source.warnings, "lts__t_bytes.sum [frobs]"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "bytes.l1: no counters for this level"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "no FLOP counters"));
  ASSERT_EQ(t.devices.size(), 1u);
  EXPECT_EQ(t.devices[0].cc_major, 9);
}

// Old ncu (2020): "Kernel Time" is a launch date, not a duration, and there is no CC column.
const char* k_old_long = R"csv(program output line
"ID","Process ID","Process Name","Host Name","Kernel Name","Kernel Time","Context","Stream","Section Name","Metric Name","Metric Unit","Metric Value"
"0","1","python3.7","127.0.0.1","k","2020-Jun-09 12:15:27","1","26","Command line profiler metrics","sm__inst_executed_pipe_tensor.sum","inst","10"
"1","1","python3.7","127.0.0.1","k","2020-Jun-09 12:15:27","1","26","Command line profiler metrics","sm__inst_executed_pipe_tensor.sum","inst","20"
)csv";

TEST(ncu_importer, long_form_without_an_id_column_groups_each_kernels_rows) {
  // Without "ID", a kernel's rows are the consecutive ones with the same kernel columns; a repeated
  // metric starts the next launch of the same kernel.
  const trace t = import_ncu(write_file("long_noid.csv",
                                        "\"Kernel Name\",\"Context\",\"Stream\",\"Section Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n"
                                        "\"k1\",\"1\",\"7\",\"s\",\"dram__bytes.sum\",\"byte\",\"100\"\n"
                                        "\"k1\",\"1\",\"7\",\"s\",\"gpu__time_duration.sum\",\"nsecond\",\"1000\"\n"
                                        "\"k2\",\"1\",\"7\",\"s\",\"dram__bytes.sum\",\"byte\",\"200\"\n"
                                        "\"k2\",\"1\",\"7\",\"s\",\"gpu__time_duration.sum\",\"nsecond\",\"2000\"\n"
                                        "\"k2\",\"1\",\"7\",\"s\",\"dram__bytes.sum\",\"byte\",\"300\"\n"
                                        "\"k2\",\"1\",\"7\",\"s\",\"gpu__time_duration.sum\",\"nsecond\",\"3000\"\n"));
  ASSERT_EQ(t.kernels.size(), 3u);
  EXPECT_EQ(t.kernels[0].name, "k1");
  EXPECT_DOUBLE_EQ(t.kernels[0].metrics->bytes.at("dram"), 100.0);
  EXPECT_EQ(t.kernels[0].end_ns - t.kernels[0].start_ns, 1000);
  EXPECT_DOUBLE_EQ(t.kernels[2].metrics->bytes.at("dram"), 300.0);
  EXPECT_EQ(t.kernels[2].end_ns - t.kernels[2].start_ns, 3000);
}

TEST(ncu_importer, old_long_form_without_durations) {
  const fs::path file = write_file("old.csv", k_old_long);
  const trace t = import_ncu(file);
  ASSERT_EQ(t.kernels.size(), 2u);
  for (const auto& k : t.kernels) {
    EXPECT_EQ(k.start_ns, k.end_ns);
    EXPECT_FALSE(k.measured_times);
    EXPECT_FALSE(k.metrics->duration_s.has_value());
    EXPECT_EQ(k.metrics->flop.count("fp16.tensor"), 0u);  // architecture unknown
  }
  EXPECT_TRUE(mentions(t.source.not_recorded, "Kernel Time"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "2 of 2 kernels have no duration"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "depends on the GPU architecture"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "no memory traffic metrics"));
  EXPECT_TRUE(mentions(t.source.warnings, "1 lines of program output"));

  // Told the architecture, the V100 weight applies.
  ncu_import_options o;
  o.assumed_cc = compute_capability{7, 0};
  const trace v = import_ncu(file, o);
  EXPECT_DOUBLE_EQ(v.kernels[1].metrics->flop.at("fp16.tensor"), 512.0 * 20);
  EXPECT_TRUE(v.kernels[1].metrics->uncounted_flop.empty());
  EXPECT_TRUE(mentions(v.source.warnings, "compute capability 7.0 (sm_70) assumed from the caller"));
}

// A NERSC-style per-kernel summary: counters and time summed over 'Count' launches, the
// .per_second column summed over them too (3 launches at 1 GHz: 3e9). Row 2: 3 launches of 1000
// cycles each, 100 DRAM bytes, 10 tensor instructions, 200 FFMA each.
const char* k_summary = "Kernel Name,sm__cycles_elapsed.avg.per_second,Count,sm__cycles_elapsed.avg,dram__bytes.sum,"
                        "sm__inst_executed_pipe_tensor.sum,sm__sass_thread_inst_executed_op_ffma_pred_on.sum,"
                        "sm__sass_thread_inst_executed_op_fadd_pred_on.sum,sm__sass_thread_inst_executed_op_fmul_pred_on.sum,TC FLOPs\n"
                        "hmma_kernel,3000000000,3,3000,300,30,600,0,0,15360\n"
                        "copy_kernel,1000000000,1,1000,10,0,2,0,0,0\n";

TEST(ncu_importer, summary_row_becomes_count_launches_with_equal_shares) {
  const trace t = import_ncu(write_file("summary.csv", k_summary));
  ASSERT_EQ(t.kernels.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i) {
    const trace_kernel& k = t.kernels[i];
    EXPECT_EQ(k.name, "hmma_kernel");
    EXPECT_EQ(k.id, static_cast<std::int64_t>(i));
    EXPECT_EQ(k.start_ns, static_cast<std::int64_t>(1000 * i));
    EXPECT_EQ(k.end_ns, static_cast<std::int64_t>(1000 * (i + 1)));
    const kernel_metrics& m = *k.metrics;
    EXPECT_DOUBLE_EQ(*m.duration_s, 1e-6);
    EXPECT_DOUBLE_EQ(m.raw.at("sm__cycles_elapsed.avg"), 1000.0);
    EXPECT_DOUBLE_EQ(m.raw.at("sm__cycles_elapsed.avg.per_second"), 1e9);  // the mean rate
    EXPECT_DOUBLE_EQ(m.bytes.at("dram"), 100.0);
    EXPECT_DOUBLE_EQ(m.flop.at("fp32.cuda_core"), 400.0);
    EXPECT_EQ(m.raw.count("Count"), 0u);  // each record is one launch
    // The tensor pipe's weight needs the architecture, which a summary does not name.
    EXPECT_EQ(m.flop.count("fp16.tensor"), 0u);
    EXPECT_EQ(m.uncounted_flop, std::vector<std::string>{"fp16.tensor"});
  }
  EXPECT_EQ(t.kernels[3].name, "copy_kernel");
  EXPECT_EQ(t.kernels[3].id, 3);
  EXPECT_EQ(t.kernels[3].start_ns, 3000);
  EXPECT_EQ(t.kernels[3].end_ns, 4000);
  EXPECT_TRUE(t.kernels[3].metrics->uncounted_flop.empty());  // no tensor work: nothing left out
  EXPECT_TRUE(mentions(t.source.not_recorded, "equal share"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "depends on the GPU architecture"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "(4 kernels)"));  // counted per launch
  EXPECT_TRUE(mentions(t.source.warnings, "TC FLOPs"));  // the authors' derived column is not a metric

  // Told the architecture (as `rafter analyze --machine v100_sxm2` does), the V100 weight applies.
  ncu_import_options o;
  o.assumed_cc = compute_capability{7, 0};
  o.assumed_cc_origin = "the machine profile v100_sxm2.json";
  const trace v = import_ncu(write_file("summary.csv", k_summary), o);
  ASSERT_EQ(v.kernels.size(), 4u);
  EXPECT_DOUBLE_EQ(v.kernels[0].metrics->flop.at("fp16.tensor"), 512.0 * 10);  // the file's TC FLOPs / Count
  EXPECT_TRUE(v.kernels[0].metrics->uncounted_flop.empty());
  EXPECT_TRUE(mentions(v.source.warnings, "compute capability 7.0 (sm_70) assumed from the machine profile v100_sxm2.json"));
  EXPECT_EQ(trace_from_json(to_json(t), "roundtrip").kernels[0].metrics->uncounted_flop, std::vector<std::string>{"fp16.tensor"});
}

TEST(ncu_importer, summary_launches_split_the_time_into_whole_nanoseconds) {
  // 1000 ns over 3 launches: 333, 333, 334 ns, the row's total kept exactly.
  // (1000 cycles summed over 3 launches at a mean 1 GHz: the .per_second column sums to 3e9.)
  const trace t = import_ncu(write_file("summary_split.csv",
                                        "Kernel Name,sm__cycles_elapsed.avg,sm__cycles_elapsed.avg.per_second,Count,dram__bytes.sum\n"
                                        "k,1000,3000000000,3,30\n"
                                        "after,500,1000000000,1,1\n"));
  ASSERT_EQ(t.kernels.size(), 4u);
  EXPECT_EQ(t.kernels[0].end_ns - t.kernels[0].start_ns, 333);
  EXPECT_EQ(t.kernels[1].end_ns - t.kernels[1].start_ns, 333);
  EXPECT_EQ(t.kernels[2].end_ns - t.kernels[2].start_ns, 334);
  EXPECT_EQ(t.kernels[3].start_ns, 1000);
  EXPECT_EQ(t.kernels[3].end_ns, 1500);
  EXPECT_DOUBLE_EQ(t.kernels[0].metrics->bytes.at("dram"), 10.0);
}

TEST(ncu_importer, no_byte_counters_means_no_bytes) {
  const trace t = import_ncu(write_file("nobytes.csv", "\"ID\",\"Kernel Name\",\"gpu__time_duration.sum\"\n"
                                                      "\"\",\"\",\"nsecond\"\n"
                                                      "\"0\",\"k\",\"1000\"\n"));
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_TRUE(t.kernels[0].metrics->bytes.empty());
  EXPECT_TRUE(mentions(t.source.not_recorded, "no memory traffic metrics"));
  EXPECT_EQ(t.kernels[0].end_ns, 1000);
}

void expect_input_error(const fs::path& file, const std::string& part) {
  try {
    (void)import_ncu(file);
    ADD_FAILURE() << "no error for " << file;
  } catch (const input_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.file(), file.string());
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    EXPECT_NE(what.find(part), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

TEST(ncu_importer, bad_input_names_file_and_position) {
  expect_input_error(write_file("nometrics.csv", "\"ID\",\"Kernel Name\",\"Context\",\"Stream\"\n\"0\",\"k\",\"1\",\"7\"\n"),
                     "no metric columns");
  expect_input_error(write_file("notncu.csv", "a,b\n1,2\n"), "not an Nsight Compute CSV");
  expect_input_error(write_file("ragged.csv", "\"ID\",\"Kernel Name\",\"dram__bytes.sum\"\n"
                                              "\"\",\"\",\"byte\"\n"
                                              "\"0\",\"k\",\"1\"\n"
                                              "\"1\",\"k\"\n"),
                     "line 4");
  expect_input_error(write_file("badid.csv", "\"ID\",\"Kernel Name\",\"dram__bytes.sum\"\n\"x\",\"k\",\"1\"\n"), "column 'ID'");
  expect_input_error(write_file("dupid.csv", "\"ID\",\"Kernel Name\",\"dram__bytes.sum\"\n\"0\",\"k\",\"1\"\n\"0\",\"k\",\"2\"\n"),
                     "duplicate ID");
  expect_input_error(write_file("quote.csv", "\"ID\",\"Kernel Name\",\"dram__bytes.sum\"\n\"0\",\"k,1\n"), "unterminated");
  // UBSan found a signed overflow laying kernels end to end. 2 x 2e15 us reach 4e18 ns, within a
  // trace's +-2^62 ns (4.61e18); the third (line 5) passes it.
  expect_input_error(write_file("huge.csv", "\"ID\",\"Kernel Name\",\"gpu__time_duration.sum\"\n\"\",\"\",\"usecond\"\n"
                                            "\"0\",\"k\",\"2e15\"\n\"1\",\"k\",\"2e15\"\n\"2\",\"k\",\"2e15\"\n"),
                     "line 5': kernel duration 2000000000.000000 s is out of range (kernels laid end to end pass 2^62 ns)");
  expect_input_error(fs::temp_directory_path() / "rafter_ncu_no_such_file.csv", "cannot open");
  // A summary's Count is a positive whole number of launches, named with row and column.
  for (const char* bad : {"0", "-2", "2.5", "x", ""}) {
    expect_input_error(write_file("badcount.csv", std::string("Kernel Name,Count,dram__bytes.sum\nk,1,5\nk2,") + bad + ",5\n"),
                       "line 3, column 'Count'");
  }
  // A mistyped Count cannot exhaust memory: one record per launch, bounded.
  expect_input_error(write_file("hugecount.csv", "Kernel Name,Count,dram__bytes.sum\nk,900000000,5\n"), "Count 900000000 is too large");
}

// ../shared/fixtures/ncu/v100_*_roofline_summary.csv (NERSC DeepLearningProfiling, V100): raw
// counters summed per kernel name over 'Count' launches, plus the authors' derived columns. Working
// from the numbers (python3 csv over every row, all rows agree to the last printed digit):
//   Time [s]        = sm__cycles_elapsed.avg / (sm__cycles_elapsed.avg.per_second / Count)
//                     (the per_second column is a sum of per-launch rates)
//   CC FLOPs [FLOP] = fadd + fmul + 2 ffma + hadd + hmul + 2 hfma   (thread instructions; no d* columns)
//                   = ours fp32.cuda_core + fp16.cuda_core / 2 (Nsight Compute counts a half
//                     instruction as the packed HADD2/HMUL2/HFMA2: 2 and 4 FLOP; the authors 1 and 2)
//   TC FLOPs [FLOP] = 512 x sm__inst_executed_pipe_tensor.sum = ours fp16.tensor (CC 7.0)
//   all FLOPs       = CC FLOPs + TC FLOPs
//   AI HBM/L2/L1 [FLOP/byte] = all FLOPs / dram__bytes.sum, lts__t_bytes.sum, l1tex__t_bytes.sum
//   GFLOP/s         = all FLOPs / Time / 2^30 (binary giga: / 1e9 is 7.4 % off on every row)
//   TC GFLOP/s      = TC FLOPs / Time / 2^30
// The test reads the authors' columns from the file itself (not through rafter) and compares every
// row to what it recomputes from the imported metrics.
struct author_row {
  std::string name;
  std::map<std::string, double> values;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  out.push_back(field);
  return out;
}

std::vector<author_row> read_author_rows(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  const auto header = split_csv_line(line);
  std::vector<author_row> rows;
  while (std::getline(in, line)) {
    const auto cells = split_csv_line(line);
    author_row r;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) {
      if (header[i] == "Kernel Name") {
        r.name = cells[i];
      } else {
        r.values[header[i]] = std::stod(cells[i]);
      }
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

void expect_close(double ours, double theirs, const std::string& what) {
  if (theirs == 0.0) {
    EXPECT_EQ(ours, 0.0) << what;
  } else {
    EXPECT_NEAR(ours / theirs, 1.0, 1e-3) << what << ": ours " << ours << ", file " << theirs;
  }
}

void check_roofline_summary(const std::string& name, std::size_t rows, std::size_t launches) {
  const fs::path file = fixture(name);
  if (!fs::exists(file)) GTEST_SKIP() << "fixture absent: " << file << " (../shared is not part of a clone)";
  ncu_import_options options;
  options.assumed_cc = compute_capability{7, 0};  // the files are V100 (README); they do not say so
  const trace t = import_ncu(file, options);
  const auto authors = read_author_rows(file);
  ASSERT_EQ(authors.size(), rows);
  ASSERT_EQ(t.kernels.size(), launches);  // one record per launch: the rows' Counts add up
  std::size_t next = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    const author_row& a = authors[i];
    const auto count = static_cast<std::size_t>(a.values.at("Count"));
    ASSERT_LE(next + count, t.kernels.size());
    // The row's Count launches, in file order, each an equal share: their sums are the row's.
    double time = 0, cc = 0, tc = 0, dram = 0, l2 = 0, l1 = 0;
    const std::int64_t row_start = t.kernels[next].start_ns;
    for (std::size_t j = next; j < next + count; ++j) {
      const trace_kernel& k = t.kernels[j];
      ASSERT_EQ(k.name, a.name);
      const kernel_metrics& m = *k.metrics;
      EXPECT_TRUE(m.uncounted_flop.empty()) << a.name;
      EXPECT_DOUBLE_EQ(*m.duration_s, *t.kernels[next].metrics->duration_s);
      time += *m.duration_s;
      cc += m.flop.at("fp32.cuda_core") + m.flop.at("fp16.cuda_core") / 2;
      tc += m.flop.at("fp16.tensor");
      dram += m.bytes.at("dram");
      l2 += m.bytes.at("l2");
      l1 += m.bytes.at("l1");
      if (j > 0) {
        EXPECT_EQ(k.start_ns, t.kernels[j - 1].end_ns);  // the timeline is the durations laid end to end
      }
    }
    const double all = cc + tc;
    const std::string at = name + " row " + std::to_string(i + 2) + " (" + a.name.substr(0, 40) + ")";
    expect_close(time, a.values.at("Time"), at + " Time");
    expect_close(cc, a.values.at("CC FLOPs"), at + " CC FLOPs");
    expect_close(tc, a.values.at("TC FLOPs"), at + " TC FLOPs");
    expect_close(all, a.values.at("all FLOPs"), at + " all FLOPs");
    expect_close(all == 0 ? 0 : all / dram, a.values.at("AI HBM"), at + " AI HBM");
    expect_close(all == 0 ? 0 : all / l2, a.values.at("AI L2"), at + " AI L2");
    expect_close(all == 0 ? 0 : all / l1, a.values.at("AI L1"), at + " AI L1");
    expect_close(all / time / 1073741824.0, a.values.at("GFLOP/s"), at + " GFLOP/s");
    expect_close(tc / time / 1073741824.0, a.values.at("TC GFLOP/s"), at + " TC GFLOP/s");
    EXPECT_EQ(t.kernels[next + count - 1].end_ns - row_start, std::llround(a.values.at("Time") * 1e9)) << at;
    next += count;
  }
  EXPECT_EQ(next, launches);
  EXPECT_TRUE(mentions(t.source.warnings, "CC FLOPs"));  // derived columns are not imported as metrics
  EXPECT_EQ(trace_from_json(to_json(t), "roundtrip").kernels.size(), launches);
}

// Without the architecture, the tensor kernels' FLOP is named as left out, never silently dropped.
TEST(ncu_importer, fixture_v100_deepcam_summary_without_architecture_names_uncounted_tensor_flop) {
  const fs::path file = fixture("v100_deepcam_fp32_fw_roofline_summary.csv");
  if (!fs::exists(file)) GTEST_SKIP() << "fixture absent: " << file << " (../shared is not part of a clone)";
  const trace t = import_ncu(file);
  std::size_t uncounted = 0, hmma = 0;
  for (const auto& k : t.kernels) {
    uncounted += k.metrics->uncounted_flop.empty() ? 0 : 1;
    if (k.name == "Volta_hmma_implicit_gemm_fprop_fp32_nhwc_128x128x64x1_1x3x3x0x1") {
      ++hmma;
      EXPECT_EQ(k.metrics->uncounted_flop, std::vector<std::string>{"fp16.tensor"});
    }
  }
  EXPECT_EQ(hmma, 2u);  // Count 2 in the file
  EXPECT_GT(uncounted, 0u);
  EXPECT_TRUE(mentions(t.source.not_recorded, "fp16.tensor FLOP: the weight of sm__inst_executed_pipe_tensor.sum"));
}

// Row and launch counts: python3 csv: len(rows), sum(int(r['Count'])).
TEST(ncu_importer, fixture_v100_deepcam_roofline_summary) {
  check_roofline_summary("v100_deepcam_fp32_fw_roofline_summary.csv", 45, 797);
}

TEST(ncu_importer, fixture_v100_climseg_roofline_summary) {
  check_roofline_summary("v100_climseg_fp16_fw_amp_roofline_summary.csv", 49, 559);
}

// ../shared/fixtures/ncu/v100_climseg_ncu_long_dram_bytes.csv: 559 long-form rows (python3 csv over
// the lines starting with '"'), IDs 0..558, all "dram__bytes.sum" [byte]; their sum, 53392319456,
// equals the dram__bytes.sum column total of the climseg summary CSV (same run, 559 launches).
TEST(ncu_importer, fixture_v100_climseg_long_dram_bytes) {
  const fs::path file = fixture("v100_climseg_ncu_long_dram_bytes.csv");
  if (!fs::exists(file)) GTEST_SKIP() << "fixture absent: " << file << " (../shared is not part of a clone)";
  const trace t = import_ncu(file);
  ASSERT_EQ(t.kernels.size(), 559u);
  double dram = 0;
  for (std::size_t i = 0; i < t.kernels.size(); ++i) {
    EXPECT_EQ(t.kernels[i].id, static_cast<std::int64_t>(i));
    EXPECT_EQ(t.kernels[i].stream, 26);
    dram += t.kernels[i].metrics->bytes.at("dram");
  }
  EXPECT_EQ(dram, 53392319456.0);
  EXPECT_TRUE(mentions(t.source.not_recorded, "Kernel Time"));
  EXPECT_TRUE(mentions(t.source.not_recorded, "bytes.l2"));
}

// ../shared/fixtures/ncu/b200_flashinfer_decode_raw.csv: python3 csv after dropping '==' lines:
// 64 data rows after the units row, 475 columns; gpu__time_duration.sum [ns] sums to 20636608;
// first row block "(16, 8, 1)", grid "(1776, 1, 1)", 14976 ns; device__attribute_display_name
// 'NVIDIA B200', multiprocessor_count 148, CC '10.0'; no dram__/lts__/l1tex__ byte columns.
TEST(ncu_importer, fixture_b200_flashinfer_raw) {
  const fs::path file = fixture("b200_flashinfer_decode_raw.csv");
  if (!fs::exists(file)) GTEST_SKIP() << "fixture absent: " << file << " (../shared is not part of a clone)";
  const trace t = import_ncu(file);
  ASSERT_EQ(t.kernels.size(), 64u);
  for (const auto& k : t.kernels) {
    EXPECT_TRUE(k.metrics->bytes.empty());
    EXPECT_TRUE(k.metrics->flop.empty());
  }
  EXPECT_EQ(t.kernels.back().end_ns, 20636608);
  EXPECT_EQ(t.kernels[0].end_ns, 14976);
  EXPECT_EQ(t.kernels[0].block, (dim3_value{16, 8, 1}));
  EXPECT_EQ(t.kernels[0].grid, (dim3_value{1776, 1, 1}));
  EXPECT_TRUE(mentions(t.source.not_recorded, "no memory traffic metrics"));
  ASSERT_EQ(t.devices.size(), 1u);
  EXPECT_EQ(t.devices[0].name, "NVIDIA B200");
  EXPECT_EQ(t.devices[0].sm_count, 148);
  EXPECT_EQ(t.devices[0].cc_major, 10);
  EXPECT_EQ(t.devices[0].cc_minor, 0);
  EXPECT_EQ(trace_from_json(to_json(t), "roundtrip").kernels.size(), 64u);
}

}  // namespace
}  // namespace rafter
