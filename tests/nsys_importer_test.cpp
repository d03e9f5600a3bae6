#include "analysis/importers/nsys_importer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <map>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "pipe_feed.hpp"

namespace rafter {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("rafter_nsys_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path p = dir / name;
  fs::remove(p);
  return p;
}

// Builds an SQLite file from SQL text with the C API (no nsys needed).
void make_db(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.string().c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

// Column sets of nsys 2021.5 (export schema 2.7.0), trimmed to what the importer reads plus a few
// it must ignore; names and enum codes as in the real export in ../shared/fixtures/nsys.
const char* k_schema_2_7 = R"sql(
CREATE TABLE EXPORT_META_DATA (name TEXT NOT NULL, value TEXT);
INSERT INTO EXPORT_META_DATA VALUES ('EXPORT_PRODUCT_VERSION', '2021.5.2.53'), ('EXPORT_SCHEMA_VERSION', '2.7.0');
CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO StringIds VALUES (1, '_Z4gemmPfS_'), (2, 'gemm(float*, float*)'), (3, 'gemm'),
  (4, 'cudaLaunchKernel'), (5, 'outer'), (6, 'middle'), (7, 'inner'), (8, 'cuBLAS'), (9, 'copy_kernel');
CREATE TABLE TARGET_INFO_GPU (vmId INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT, busLocation TEXT,
  l2CacheSize INTEGER, totalMemory INTEGER, memoryBandwidth INTEGER, clockRate INTEGER, smCount INTEGER,
  cuDevice INTEGER, maxShmemPerSm INTEGER, computeMajor INTEGER, computeMinor INTEGER);
-- GPU id 0 was not visible to CUDA: nsys writes zeros, including cuDevice 0.
INSERT INTO TARGET_INFO_GPU VALUES (1, 0, 'Test GPU', '0000:61:00.0', 0, 0, 0, 0, 0, 0, 0, 0, 0),
  (1, 3, 'Test GPU', '0000:01:00.0', 41943040, 42358472704, 1555200000000, 1410000000, 108, 0, 167936, 8, 0),
  (1, 4, 'Test GPU', '0000:25:00.0', 41943040, 42358472704, 1555200000000, 1410000000, 108, 1, 167936, 8, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL, eventClass INTEGER NOT NULL,
  globalTid INTEGER, correlationId INTEGER, nameId INTEGER NOT NULL, returnValue INTEGER NOT NULL, callchainId INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (900, 950, 0, 281575874893694, 11, 4, 0, NULL),
  (1900, 1950, 0, 281575874893694, 12, 4, 0, NULL);
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  demangledName INTEGER NOT NULL, shortName INTEGER NOT NULL, mangledName INTEGER, launchType INTEGER,
  cacheConfig INTEGER, registersPerThread INTEGER NOT NULL, gridX INTEGER NOT NULL, gridY INTEGER NOT NULL,
  gridZ INTEGER NOT NULL, blockX INTEGER NOT NULL, blockY INTEGER NOT NULL, blockZ INTEGER NOT NULL,
  staticSharedMemory INTEGER NOT NULL, dynamicSharedMemory INTEGER NOT NULL, localMemoryPerThread INTEGER NOT NULL,
  localMemoryTotal INTEGER NOT NULL, gridId INTEGER NOT NULL, sharedMemoryExecuted INTEGER, graphNodeId INTEGER,
  sharedMemoryLimitConfig INTEGER);
-- pid 6014 as globalPid (6014 << 24 | 1 << 48).
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES
  (2000, 2500, 1, 1, 7, 12, 281575874887680, 9, 9, 9, 1, 1, 16, 4, 1, 1, 256, 1, 1, 0, 0, 0, 0, 2, 0, NULL, 0),
  (1000, 1400, 0, 1, 7, 11, 281575874887680, 2, 3, 1, 1, 1, 32, 80, 2, 1, 128, 2, 1, 1024, 2048, 0, 0, 1, 0, NULL, 0),
  (3000, 2999, 0, 1, 7, 13, 281575874887680, 2, 3, 1, 1, 1, 32, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 0, NULL, 0),
  (4000, 4100, 0, 1, 7, 99, 281575874887680, 2, 3, 1, 1, 1, 32, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 4, 0, 17, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  bytes INTEGER NOT NULL, copyKind INTEGER NOT NULL, deprecatedSrcId INTEGER, srcKind INTEGER, dstKind INTEGER,
  srcDeviceId INTEGER, srcContextId INTEGER, dstDeviceId INTEGER, dstContextId INTEGER, migrationCause INTEGER,
  graphNodeId INTEGER, virtualAddress INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES
  (500, 600, 0, 1, 7, 11, 281575874887680, 4096, 1, NULL, 0, 2, 0, 1, 0, 1, 0, NULL, 0),
  (610, 620, 0, 1, 7, 11, 281575874887680, 64, 1, NULL, 1, 2, 0, 1, 0, 1, 0, NULL, 0),
  (5000, 5100, 0, 1, 7, 11, 281575874887680, 8192, 2, NULL, 2, 1, 0, 1, 0, 1, 0, NULL, 0),
  (5200, 5300, 0, 1, 7, 11, 281575874887680, 1000000, 8, NULL, 2, 2, 0, 1, 0, 1, 0, NULL, 0),
  (5400, 5500, 0, 1, 7, 11, 281575874887680, 1000, 10, NULL, 2, 2, 0, 1, 1, 1, 0, NULL, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  value INTEGER NOT NULL, bytes INTEGER NOT NULL, graphNodeId INTEGER, memKind INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET VALUES (700, 710, 0, 1, 7, 11, 281575874887680, 0, 512, NULL, 2);
CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL, rangeId INTEGER,
  category INTEGER, color INTEGER, text TEXT, globalTid INTEGER, endGlobalTid INTEGER, textId INTEGER,
  domainId INTEGER, uint64Value INTEGER, int64Value INTEGER, doubleValue REAL, uint32Value INTEGER,
  int32Value INTEGER, floatValue REAL, jsonTextId INTEGER, jsonText TEXT);
INSERT INTO NVTX_EVENTS (start, end, eventType, text, globalTid, textId, domainId) VALUES
  (-5, NULL, 75, 'cuBLAS', 281575874893694, NULL, 1),
  (100, 1000, 59, NULL, 281575874893694, 5, 0),
  (200, 900, 59, NULL, 281575874893694, 6, 0),
  (300, 400, 59, NULL, 281575874893694, 7, 0),
  (500, 800, 59, NULL, 281575874893694, 7, 1),
  (150, 250, 59, 'other thread', 281575874893695, NULL, 0),
  (950, NULL, 59, 'never popped', 281575874893694, NULL, 0),
  (960, NULL, 34, 'a mark', 281575874893694, NULL, 0);
)sql";

// SQLite opens by name and follows /dev/stdin to the anonymous copy of the pipe: it is given a
// named copy, removed again once open.
TEST(nsys_importer, reads_a_piped_export) {
  const fs::path db = scratch("piped.sqlite");
  make_db(db, k_schema_2_7);
  std::ifstream in(db, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const testing::pipe_feed pipe(bytes);
  const trace piped = import_nsys(pipe.path());
  const trace direct = import_nsys(db);
  EXPECT_EQ(piped.source.file, pipe.path().string());
  EXPECT_EQ(piped.kernels.size(), direct.kernels.size());
  EXPECT_EQ(piped.devices.size(), direct.devices.size());
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path())) {
    EXPECT_EQ(e.path().filename().string().rfind("rafter-input-", 0), std::string::npos) << "copy left behind: " << e.path();
  }
}

TEST(nsys_importer, reads_a_schema_2_7_export) {
  const fs::path db = scratch("schema27.sqlite");
  make_db(db, k_schema_2_7);
  const trace t = import_nsys(db);

  EXPECT_EQ(t.source.tool, "nsys");
  EXPECT_EQ(t.source.file, db.string());
  EXPECT_EQ(t.source.version, "2021.5.2.53 (export schema 2.7.0)");

  // Devices by CUDA index; the zero row (not visible to CUDA) is dropped, not mistaken for device 0.
  ASSERT_EQ(t.devices.size(), 2u);
  EXPECT_EQ(t.devices[0].id, 0);
  EXPECT_EQ(t.devices[0].name, "Test GPU");
  EXPECT_EQ(t.devices[0].sm_count, 108);
  EXPECT_EQ(t.devices[0].cc_major, 8);
  EXPECT_EQ(t.devices[0].cc_minor, 0);
  EXPECT_DOUBLE_EQ(*t.devices[0].sm_clock_hz, 1.41e9);
  EXPECT_DOUBLE_EQ(*t.devices[0].memory_bytes, 42358472704.0);
  EXPECT_DOUBLE_EQ(*t.devices[0].l2_bytes, 41943040.0);
  EXPECT_DOUBLE_EQ(*t.devices[0].shared_memory_per_sm_bytes, 167936.0);
  EXPECT_EQ(t.devices[1].id, 1);
  EXPECT_EQ(t.source.counters.at("gpus_without_cuda_device"), 1);

  // The end-before-start kernel is skipped and counted; the rest come in start order.
  ASSERT_EQ(t.kernels.size(), 3u);
  EXPECT_EQ(t.source.counters.at("kernels_end_before_start"), 1);
  const trace_kernel& g = t.kernels[0];
  EXPECT_EQ(g.name, "_Z4gemmPfS_");
  EXPECT_EQ(g.demangled, "gemm(float*, float*)");
  EXPECT_EQ(g.start_ns, 1000);
  EXPECT_EQ(g.end_ns, 1400);
  EXPECT_EQ(g.device, 0);
  EXPECT_EQ(g.stream, 7);
  EXPECT_EQ(g.correlation_id, 11);
  EXPECT_EQ(g.grid, (dim3_value{80, 2, 1}));
  EXPECT_EQ(g.block, (dim3_value{128, 2, 1}));
  EXPECT_EQ(g.registers_per_thread, 32);
  EXPECT_EQ(g.static_shared_bytes, 1024);
  EXPECT_EQ(g.dynamic_shared_bytes, 2048);
  EXPECT_FALSE(g.graph_node_id.has_value());
  EXPECT_EQ(t.kernels[1].name, "copy_kernel");
  EXPECT_EQ(t.kernels[1].device, 1);
  EXPECT_EQ(t.kernels[2].graph_node_id, 17);
  // Correlation 99 has no runtime call in the same process.
  EXPECT_EQ(t.source.counters.at("kernels_without_runtime_call"), 1);
  // The launch: the runtime call of the kernel's correlation id, its thread numbered as NVTX ranges'.
  ASSERT_TRUE(g.launch.has_value());
  EXPECT_EQ(g.launch->thread, 6014);
  EXPECT_EQ(g.launch->start_ns, 900);
  ASSERT_TRUE(t.kernels[1].launch.has_value());
  EXPECT_EQ(t.kernels[1].launch->start_ns, 1900);
  EXPECT_FALSE(t.kernels[2].launch.has_value());
  std::set<std::int64_t> ids;
  for (const auto& k : t.kernels) ids.insert(k.id);
  EXPECT_EQ(ids.size(), t.kernels.size());

  // Copies: 5 memcpy + 1 memset, in start order per table.
  ASSERT_EQ(t.copies.size(), 6u);
  std::map<std::string, double> bytes_by_kind;
  for (const auto& c : t.copies) bytes_by_kind[c.kind] += c.bytes;
  EXPECT_DOUBLE_EQ(bytes_by_kind["h2d"], 4096 + 64);
  EXPECT_DOUBLE_EQ(bytes_by_kind["d2h"], 8192);
  EXPECT_DOUBLE_EQ(bytes_by_kind["d2d"], 1000000);
  EXPECT_DOUBLE_EQ(bytes_by_kind["p2p"], 1000);
  EXPECT_DOUBLE_EQ(bytes_by_kind["memset"], 512);
  EXPECT_EQ(t.copies[0].memory, "pageable");  // srcKind 0
  EXPECT_EQ(t.copies[1].memory, "pinned");    // srcKind 1
  EXPECT_EQ(t.copies[2].memory, "pinned");    // d2h: dstKind 1
  EXPECT_EQ(t.copies[5].kind, "memset");
  EXPECT_EQ(t.copies[5].memory, "device");

  // NVTX: outer > middle > inner nested on one thread; unterminated range and mark skipped.
  ASSERT_EQ(t.ranges.size(), 5u);
  std::map<std::string, std::vector<const trace_range*>> by_name;
  for (const auto& r : t.ranges) by_name[r.name].push_back(&r);
  EXPECT_EQ(by_name["outer"][0]->depth, 0);
  EXPECT_EQ(by_name["middle"][0]->depth, 1);
  ASSERT_EQ(by_name["inner"].size(), 2u);
  EXPECT_EQ(by_name["inner"][0]->depth, 2);
  EXPECT_EQ(by_name["inner"][0]->domain, "");
  EXPECT_EQ(by_name["inner"][1]->depth, 2);  // [500, 800) inside outer and middle
  EXPECT_EQ(by_name["inner"][1]->domain, "cuBLAS");
  EXPECT_EQ(by_name["other thread"][0]->depth, 0);
  EXPECT_EQ(by_name["other thread"][0]->thread, 6015);
  EXPECT_EQ(by_name["outer"][0]->thread, 6014);
  EXPECT_EQ(t.source.counters.at("nvtx_ranges_without_end"), 1);
  EXPECT_EQ(t.source.counters.at("nvtx_marks_skipped"), 1);
  for (std::size_t i = 1; i < t.ranges.size(); ++i) EXPECT_LE(t.ranges[i - 1].start_ns, t.ranges[i].start_ns);

  for (const char* what : {"kernels", "copies", "ranges", "devices"}) {
    EXPECT_NE(std::find(t.source.recorded.begin(), t.source.recorded.end(), what), t.source.recorded.end()) << what;
  }
  // The result is a valid rafter.trace/1 document.
  const trace back = trace_from_json(to_json(t), "roundtrip");
  EXPECT_EQ(back.kernels.size(), t.kernels.size());
  EXPECT_EQ(back.ranges.size(), t.ranges.size());
}

TEST(nsys_importer, skips_and_counts_times_a_trace_cannot_hold) {
  // A kernel ending and an NVTX range starting past 2^62 ns (146 years): corrupt, not a
  // measurement; the rest of the export still imports.
  const fs::path db = scratch("far_times.sqlite");
  make_db(db, std::string(k_schema_2_7) + R"sql(
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES
  (5000, 4611686018427387905, 0, 1, 7, 14, 281575874887680, 2, 3, 1, 1, 1, 32, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 5, 0, NULL, 0);
INSERT INTO NVTX_EVENTS (start, end, eventType, text, globalTid, textId, domainId) VALUES
  (-4611686018427387905, 10, 59, 'far', 281575874893694, NULL, 0);
)sql");
  const trace t = import_nsys(db);
  EXPECT_EQ(t.kernels.size(), 3u);
  EXPECT_EQ(t.source.counters.at("kernels_timestamps_out_of_range"), 1);
  EXPECT_EQ(t.ranges.size(), 5u);
  EXPECT_EQ(t.source.counters.at("nvtx_ranges_timestamps_out_of_range"), 1);
  EXPECT_NO_THROW(trace_from_json(to_json(t), "roundtrip"));
}

// Schema 3.x: greenContextId, TARGET_INFO_CUDA_DEVICE, ENUM tables, inline NVTX text, start/end
// ranges, no mangledName column (older exporters), versioned metadata table name.
TEST(nsys_importer, reads_a_schema_3_export_with_other_columns) {
  const fs::path db = scratch("schema3.sqlite");
  make_db(db, R"sql(
CREATE TABLE META_DATA_EXPORT (name TEXT NOT NULL, value TEXT);
INSERT INTO META_DATA_EXPORT VALUES ('EXPORT_PRODUCT_VERSION', '2024.6.2.225'), ('EXPORT_SCHEMA_VERSION', '3.16.1');
CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO StringIds VALUES (1, 'void k<float>(float*)'), (2, 'k'), (3, 'step');
CREATE TABLE ENUM_CUDA_MEM_KIND (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_CUDA_MEM_KIND VALUES (0, 'CUDA_MEMOPR_MEMORY_KIND_PAGEABLE', 'Pageable'),
  (1, 'CUDA_MEMOPR_MEMORY_KIND_PINNED', 'Pinned'), (2, 'CUDA_MEMOPR_MEMORY_KIND_DEVICE', 'Device'),
  (4, 'CUDA_MEMOPR_MEMORY_KIND_MANAGED', 'Managed');
CREATE TABLE TARGET_INFO_GPU (vmId INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT, smCount INTEGER,
  computeMajor INTEGER, computeMinor INTEGER, totalMemory INTEGER, clockRate INTEGER, cuDevice INTEGER, numaNodeId INTEGER);
INSERT INTO TARGET_INFO_GPU VALUES (1, 5, 'NVIDIA H100 80GB HBM3', 132, 9, 0, 85520809984, 1980000000, 3, 0);
CREATE TABLE TARGET_INFO_CUDA_DEVICE (gpuId INTEGER, cudaId INTEGER NOT NULL, pid INTEGER NOT NULL, uuid TEXT,
  numMultiprocessors INTEGER);
INSERT INTO TARGET_INFO_CUDA_DEVICE VALUES (5, 0, 4242, NULL, 132);
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, greenContextId INTEGER, streamId INTEGER NOT NULL, correlationId INTEGER,
  globalPid INTEGER, demangledName INTEGER NOT NULL, shortName INTEGER NOT NULL, registersPerThread INTEGER NOT NULL,
  gridX INTEGER NOT NULL, gridY INTEGER NOT NULL, gridZ INTEGER NOT NULL, blockX INTEGER NOT NULL,
  blockY INTEGER NOT NULL, blockZ INTEGER NOT NULL, graphId INTEGER, graphNodeId INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (10, 20, 0, 1, NULL, 13, 5, 0, 1, 2, 64, 2, 2, 2, 32, 1, 1, 3, 44),
  (0, 0, 0, 1, NULL, 13, 6, 0, 1, 2, 64, 2, 2, 2, 32, 1, 1, NULL, NULL);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, greenContextId INTEGER, streamId INTEGER NOT NULL, correlationId INTEGER,
  globalPid INTEGER, bytes INTEGER NOT NULL, copyKind INTEGER NOT NULL, srcKind INTEGER, dstKind INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES (1, 2, 0, 1, NULL, 13, 7, 0, 100, 1, 4, 2);
CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL, rangeId INTEGER,
  text TEXT, globalTid INTEGER, endGlobalTid INTEGER, textId INTEGER, domainId INTEGER);
INSERT INTO NVTX_EVENTS VALUES (5, 50, 60, 1, 'async', 71159018013065, 71159018013066, NULL, 0),
  (6, 40, 59, NULL, NULL, 71159018013065, NULL, 3, 0),
  (7, 30, 60, 2, 'async inner', 71159018013065, 71159018013065, NULL, 0);
)sql");
  const trace t = import_nsys(db);
  EXPECT_EQ(t.source.version, "2024.6.2.225 (export schema 3.16.1)");
  ASSERT_EQ(t.devices.size(), 1u);
  EXPECT_EQ(t.devices[0].id, 0);  // cudaId, not TARGET_INFO_GPU.id (5) or cuDevice (3)
  EXPECT_EQ(t.devices[0].name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(t.devices[0].cc_major, 9);
  ASSERT_EQ(t.kernels.size(), 1u);
  EXPECT_EQ(t.source.counters.at("kernels_without_timestamps"), 1);
  EXPECT_EQ(t.kernels[0].name, "void k<float>(float*)");  // no mangledName column
  EXPECT_EQ(t.kernels[0].demangled, "void k<float>(float*)");
  EXPECT_EQ(t.kernels[0].graph_id, 3);
  EXPECT_EQ(t.kernels[0].graph_node_id, 44);
  ASSERT_EQ(t.copies.size(), 1u);
  EXPECT_EQ(t.copies[0].memory, "managed");  // label from ENUM_CUDA_MEM_KIND
  // No RUNTIME table: correlation ids are not checked, and the source says so.
  EXPECT_EQ(t.source.counters.count("kernels_without_runtime_call"), 0u);
  const auto& nr = t.source.not_recorded;
  EXPECT_TRUE(std::any_of(nr.begin(), nr.end(), [](const std::string& s) { return s.find("RUNTIME") != std::string::npos; }));
  EXPECT_TRUE(std::any_of(nr.begin(), nr.end(), [](const std::string& s) { return s.find("MEMSET") != std::string::npos; }));
  // Start/end ranges nest among themselves; the push/pop range is nested separately.
  ASSERT_EQ(t.ranges.size(), 3u);
  EXPECT_EQ(t.ranges[0].name, "async");
  EXPECT_EQ(t.ranges[0].depth, 0);
  EXPECT_EQ(t.ranges[1].name, "step");
  EXPECT_EQ(t.ranges[1].depth, 0);
  EXPECT_EQ(t.ranges[2].name, "async inner");
  EXPECT_EQ(t.ranges[2].depth, 1);
  EXPECT_EQ(t.ranges[2].thread, 71159018013065LL & 0xFFFFFF);
}

TEST(nsys_importer, tolerates_absent_tables) {
  const fs::path db = scratch("gpu_only.sqlite");
  make_db(db, "CREATE TABLE TARGET_INFO_GPU (vmId INTEGER, id INTEGER, name TEXT);"
              "INSERT INTO TARGET_INFO_GPU VALUES (1, 0, 'GPU');");
  const trace t = import_nsys(db);
  EXPECT_TRUE(t.kernels.empty());
  EXPECT_TRUE(t.copies.empty());
  EXPECT_TRUE(t.ranges.empty());
  ASSERT_EQ(t.devices.size(), 1u);  // no cuDevice column: TARGET_INFO_GPU.id is the index
  EXPECT_EQ(t.devices[0].name, "GPU");
  const auto& nr = t.source.not_recorded;
  EXPECT_TRUE(std::any_of(nr.begin(), nr.end(), [](const std::string& s) {
    return s.find("CUPTI_ACTIVITY_KIND_KERNEL") != std::string::npos;
  }));
}

void expect_input_error(const fs::path& file, const std::string& part) {
  try {
    (void)import_nsys(file);
    ADD_FAILURE() << "no error for " << file;
  } catch (const input_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.file(), file.string());
    EXPECT_NE(what.find(file.string()), std::string::npos) << what;
    EXPECT_NE(what.find(part), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
  }
}

TEST(nsys_importer, rejects_sqlite_that_is_not_an_nsys_export) {
  const fs::path db = scratch("other.sqlite");
  make_db(db, "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('x');");
  expect_input_error(db, "not an Nsight Systems export (no CUPTI_ACTIVITY_KIND_* or TARGET_INFO tables)");
}

TEST(nsys_importer, rejects_files_that_are_not_sqlite) {
  const fs::path bad = scratch("not_sqlite.sqlite");
  std::ofstream(bad) << "{\"traceEvents\": []}\n" << std::string(200, 'x');
  expect_input_error(bad, "not an SQLite database");
  expect_input_error(scratch("missing.sqlite"), "no such file");
}

TEST(nsys_importer, rejects_truncated_and_corrupt_exports) {
  const fs::path db = scratch("big.sqlite");
  std::string sql = std::string(k_schema_2_7) + "BEGIN;";
  for (int i = 0; i < 4000; ++i) {
    const std::string s = std::to_string(10000 + i * 10);
    sql += "INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES (" + s + ", " + s +
           "5, 0, 1, 7, 12, 281575874887680, 2, 3, 1, 1, 1, 32, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 9, 0, NULL, 0);";
  }
  sql += "COMMIT;";
  make_db(db, sql);
  ASSERT_EQ(import_nsys(db).kernels.size(), 4003u);  // intact, it reads

  const auto size = fs::file_size(db);
  const fs::path truncated = scratch("truncated.sqlite");
  fs::copy_file(db, truncated);
  fs::resize_file(truncated, size / 2);
  expect_input_error(truncated, "SQLite");

  // Overwrite the middle of the file (table b-tree pages) with garbage.
  const fs::path corrupt = scratch("corrupt.sqlite");
  fs::copy_file(db, corrupt);
  {
    std::fstream f(corrupt, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 3));
    const std::string junk(static_cast<std::size_t>(size / 3), '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  expect_input_error(corrupt, "SQLite");
}

// ../shared/fixtures/nsys/a100_nerf_nsys.sqlite: nsys 2021.5 export of NeRF training on an A100.
// Every expected number below was read from the file with the sqlite3 CLI, independently of rafter:
//   SELECT count(*), sum(end-start), min(start), max(end) FROM CUPTI_ACTIVITY_KIND_KERNEL
//     -> 1106 | 67790352 | 17458749 | 339174960   (all deviceId 0, one stream)
//   SELECT copyKind, count(*), sum(bytes) FROM CUPTI_ACTIVITY_KIND_MEMCPY GROUP BY copyKind
//     -> 1|79|1619316, 2|17|1314924, 8|6|24641552   (102 rows, 27575792 bytes)
//   SELECT srcKind, count(*), sum(bytes) FROM ..._MEMCPY WHERE copyKind=1 GROUP BY srcKind
//     -> 0|75|1618724, 1|4|592
//   SELECT count(*), sum(bytes) FROM CUPTI_ACTIVITY_KIND_MEMSET -> 44 | 14680
//   SELECT eventType, count(*) FROM NVTX_EVENTS GROUP BY eventType -> 59|107, 75|1 ('cuBLAS', domainId 1);
//     the 107 push/pop ranges: all textId 34 = 'cublasSgemmEx', one thread, none nested (python
//     interval sweep), summed length 10392734 ns
//   SELECT id, name, smCount, computeMajor, computeMinor, cuDevice FROM TARGET_INFO_GPU
//     -> 8 rows 'NVIDIA A100-PCIE-40GB', 108 SMs, CC 8.0, cuDevice 0..6; id 0 (bus 61) all zeros
//   kernels/memcpy/memset LEFT JOIN RUNTIME ON correlationId -> no unmatched rows
//   EXPORT_META_DATA: EXPORT_PRODUCT_VERSION 2021.5.2.53, EXPORT_SCHEMA_VERSION 2.7.0
TEST(nsys_importer, fixture_a100_nerf) {
  const fs::path file = fs::path(RAFTER_SOURCE_DIR) / ".." / "shared" / "fixtures" / "nsys" / "a100_nerf_nsys.sqlite";
  if (!fs::exists(file)) GTEST_SKIP() << "fixture absent: " << file << " (../shared is not part of a clone)";
  const trace t = import_nsys(file);
  EXPECT_EQ(t.source.version, "2021.5.2.53 (export schema 2.7.0)");

  ASSERT_EQ(t.kernels.size(), 1106u);
  std::int64_t busy = 0, first = INT64_MAX, last = 0;
  for (const auto& k : t.kernels) {
    EXPECT_EQ(k.device, 0);
    busy += k.end_ns - k.start_ns;
    first = std::min(first, k.start_ns);
    last = std::max(last, k.end_ns);
    EXPECT_FALSE(k.name.empty());
    EXPECT_FALSE(k.demangled.empty());
  }
  EXPECT_EQ(busy, 67790352);
  EXPECT_EQ(first, 17458749);
  EXPECT_EQ(last, 339174960);

  std::map<std::string, std::pair<int, double>> copies;
  std::map<std::string, double> h2d_by_memory;
  for (const auto& c : t.copies) {
    copies[c.kind].first += 1;
    copies[c.kind].second += c.bytes;
    if (c.kind == "h2d") h2d_by_memory[c.memory] += c.bytes;
  }
  EXPECT_EQ(copies["h2d"], (std::pair<int, double>{79, 1619316}));
  EXPECT_EQ(copies["d2h"], (std::pair<int, double>{17, 1314924}));
  EXPECT_EQ(copies["d2d"], (std::pair<int, double>{6, 24641552}));
  EXPECT_EQ(copies["memset"], (std::pair<int, double>{44, 14680}));
  EXPECT_DOUBLE_EQ(h2d_by_memory["pageable"], 1618724);
  EXPECT_DOUBLE_EQ(h2d_by_memory["pinned"], 592);

  ASSERT_EQ(t.ranges.size(), 107u);
  std::int64_t range_ns = 0;
  for (const auto& r : t.ranges) {
    EXPECT_EQ(r.name, "cublasSgemmEx");
    EXPECT_EQ(r.domain, "cuBLAS");
    EXPECT_EQ(r.depth, 0);
    range_ns += r.end_ns - r.start_ns;
  }
  EXPECT_EQ(range_ns, 10392734);

  ASSERT_EQ(t.devices.size(), 7u);
  for (const auto& d : t.devices) {
    EXPECT_EQ(d.name, "NVIDIA A100-PCIE-40GB");
    EXPECT_EQ(d.sm_count, 108);
    EXPECT_EQ(d.cc_major, 8);
    EXPECT_EQ(d.cc_minor, 0);
  }
  EXPECT_EQ(t.source.counters.count("kernels_without_runtime_call"), 0u);
  EXPECT_EQ(t.source.counters.count("copies_without_runtime_call"), 0u);
  EXPECT_EQ(trace_from_json(to_json(t), "roundtrip").copies.size(), t.copies.size());
}

}  // namespace
}  // namespace rafter
