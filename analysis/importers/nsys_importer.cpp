#include "analysis/importers/nsys_importer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <unordered_map>

#include "core/error.hpp"
#include "core/rereadable_input.hpp"

namespace rafter {

namespace {

// Nsight Systems serializes process and thread ids as (vm << 56) | (pid << 24) | tid
// (nsys exporter docs, "Serialized process and thread identifiers").
std::int64_t pid_of(std::int64_t global_id) { return (global_id >> 24) & 0xFFFFFF; }
std::int64_t tid_of(std::int64_t global_id) { return global_id & 0xFFFFFF; }

// NVTX_EVENTS.eventType (ENUM_NSYS_EVENT_TYPE).
constexpr std::int64_t k_nvtx_mark = 34;
constexpr std::int64_t k_nvtx_push_pop = 59;
constexpr std::int64_t k_nvtx_start_end = 60;
constexpr std::int64_t k_nvtx_domain_create = 75;

// CUPTI_ACTIVITY_KIND_MEMCPY.copyKind: CUpti_ActivityMemcpyKind values 0-10 (nsys
// ENUM_CUDA_MEMCPY_OPER mirrors them; its unified-memory kinds above 10 map to "other").
std::string copy_kind(std::int64_t kind) {
  switch (kind) {
    case 1: return "h2d";  // HtoD
    case 2: return "d2h";  // DtoH
    case 3: return "h2d";  // HtoA
    case 4: return "d2h";  // AtoH
    case 5: return "d2d";  // AtoA
    case 6: return "d2d";  // AtoD
    case 7: return "d2d";  // DtoA
    case 8: return "d2d";  // DtoD
    case 9: return "h2h";  // HtoH
    case 10: return "p2p";  // PtoP
    default: return "other";
  }
}

// srcKind/dstKind/memKind fallback when the export has no ENUM_CUDA_MEM_KIND table (schema 2.x):
// nsys's own numbering (0 pageable, 1 pinned, 2 device), not CUPTI's.
std::string memory_kind_fallback(std::int64_t kind) {
  switch (kind) {
    case 0: return "pageable";
    case 1: return "pinned";
    case 2: return "device";
    default: return "";
  }
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "file:" URI for sqlite3_open_v2, percent-encoding everything but unreserved characters and '/'.
std::string file_uri(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::string p = ec ? path.string() : absolute.string();
  std::string uri = "file:";
  static const char* hex = "0123456789ABCDEF";
  for (const unsigned char c : p) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    }
  }
  return uri + "?mode=ro&immutable=1";
}

// Words for a `source.counters` key in `source.warnings`.
std::string describe(const std::string& key) {
  static const std::map<std::string, std::string> k_words = {
      {"gpus_without_cuda_device", "GPU(s) in TARGET_INFO_GPU without a CUDA device in the profiled process, omitted"},
      {"duplicate_cuda_device_ids", "TARGET_INFO_GPU rows repeating a CUDA device index, first kept"},
      {"devices_without_properties", "device(s) used by activity records but not described in TARGET_INFO_GPU"},
      {"names_missing_from_StringIds", "names whose StringIds entry is missing (left empty)"},
      {"kernels_without_runtime_call", "kernels whose correlation id has no CUDA runtime call in the same process"},
      {"copies_without_runtime_call", "copies/memsets whose correlation id has no CUDA runtime call in the same process"},
      {"kernels_without_timestamps", "kernels with zero start and end (invalid CUPTI timestamps) skipped"},
      {"kernels_end_before_start", "kernels ending before they start skipped"},
      {"copies_without_timestamps", "copies with zero start and end skipped"},
      {"copies_end_before_start", "copies ending before they start skipped"},
      {"memsets_without_timestamps", "memsets with zero start and end skipped"},
      {"memsets_end_before_start", "memsets ending before they start skipped"},
      {"copies_without_byte_count", "copies without a byte count skipped"},
      {"memsets_without_byte_count", "memsets without a byte count skipped"},
      {"nvtx_marks_skipped", "NVTX marks (instants, not ranges) skipped"},
      {"nvtx_events_of_other_types_skipped", "NVTX events of other types (categories, thread names, ...) skipped"},
      {"nvtx_ranges_without_end", "NVTX ranges never closed (no end) skipped"},
      {"nvtx_ranges_end_before_start", "NVTX ranges ending before they start skipped"},
      {"kernels_timestamps_out_of_range", "kernels with a time beyond +-2^62 ns (146 years) skipped"},
      {"copies_timestamps_out_of_range", "copies with a time beyond +-2^62 ns (146 years) skipped"},
      {"memsets_timestamps_out_of_range", "memsets with a time beyond +-2^62 ns (146 years) skipped"},
      {"nvtx_ranges_timestamps_out_of_range", "NVTX ranges with a time beyond +-2^62 ns (146 years) skipped"}};
  const auto it = k_words.find(key);
  return it == k_words.end() ? key : it->second;
}

class database;

// One prepared statement; column accessors by index, NULL as nothing.
class statement {
public:
  statement(const database& db, const std::string& sql, const std::string& field);
  ~statement() { sqlite3_finalize(m_stmt); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  bool step();
  [[nodiscard]] bool null(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_NULL; }
  [[nodiscard]] std::optional<std::int64_t> integer(int i) const {
    if (i < 0 || null(i)) return std::nullopt;
    return static_cast<std::int64_t>(sqlite3_column_int64(m_stmt, i));
  }
  [[nodiscard]] std::int64_t integer_or(int i, std::int64_t fallback) const { return integer(i).value_or(fallback); }
  [[nodiscard]] std::optional<std::string> text(int i) const {
    if (i < 0 || null(i)) return std::nullopt;
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
    return p == nullptr ? std::string() : std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, i)));
  }
  [[nodiscard]] bool is_text(int i) const { return i >= 0 && sqlite3_column_type(m_stmt, i) == SQLITE_TEXT; }

private:
  const database& m_db;
  std::string m_field;
  sqlite3_stmt* m_stmt = nullptr;
};

class database {
public:
  explicit database(const std::filesystem::path& path) : m_file(path.string()) {
    // A piped /dev/stdin: SQLite opens files by name, so it gets a named copy, removed once open
    // (immutable=1: SQLite never reopens it).
    const std::optional<std::filesystem::path> copy = named_copy_of_descriptor(path);
    const std::filesystem::path& opened = copy ? *copy : path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(opened, ec)) {
      throw input_error(m_file, "", ec || !std::filesystem::exists(opened) ? "no such file" : "not a regular file");
    }
    const int rc = sqlite3_open_v2(file_uri(opened).c_str(), &m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
    if (copy) std::filesystem::remove(*copy, ec);
    if (rc != SQLITE_OK) {
      const std::string message = m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
      sqlite3_close(m_db);
      m_db = nullptr;
      throw input_error(m_file, "", "cannot open as SQLite: " + message);
    }
  }
  ~database() { sqlite3_close(m_db); }
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  [[nodiscard]] sqlite3* handle() const noexcept { return m_db; }
  [[nodiscard]] const std::string& file() const noexcept { return m_file; }

  [[noreturn]] void fail(const std::string& field, int rc) const {
    std::string message = sqlite3_errmsg(m_db);
    if (rc == SQLITE_NOTADB) message = "not an SQLite database (" + message + ")";
    if (rc == SQLITE_CORRUPT) message = "corrupt or truncated SQLite database (" + message + ")";
    throw input_error(m_file, field, message);
  }

private:
  std::string m_file;
  sqlite3* m_db = nullptr;
};

statement::statement(const database& db, const std::string& sql, const std::string& field) : m_db(db), m_field(field) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &m_stmt, nullptr);
  if (rc != SQLITE_OK) db.fail(field, rc);
}

bool statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  m_db.fail(m_field, rc);
}

// Column name -> index in a SELECT of all present columns of one table.
class table_columns {
public:
  table_columns(const database& db, const std::string& table) : m_table(table) {
    statement s(db, "PRAGMA table_info(\"" + table + "\")", table);
    while (s.step()) m_names.push_back(s.text(1).value_or(""));
  }
  /// Index in `select_all()` of `name`, or -1.
  [[nodiscard]] int index(const std::string& name) const {
    for (std::size_t i = 0; i < m_names.size(); ++i) {
      if (m_names[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  [[nodiscard]] bool has(const std::string& name) const { return index(name) >= 0; }
  [[nodiscard]] std::string select_all(const std::string& order_by) const {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < m_names.size(); ++i) sql += (i ? ", \"" : "\"") + m_names[i] + "\"";
    sql += " FROM \"" + m_table + "\"";
    if (!order_by.empty()) sql += " ORDER BY " + order_by;
    return sql;
  }
  [[nodiscard]] const std::string& table() const noexcept { return m_table; }

private:
  std::string m_table;
  std::vector<std::string> m_names;
};

struct pending_range {
  trace_range range;
  std::int64_t kind = 0;       // push/pop or start/end: nested separately
  std::int64_t domain_id = 0;  // NVTX_EVENTS.domainId, named by a domain-create event
};

class nsys_reader {
public:
  explicit nsys_reader(const std::filesystem::path& path) : m_db(path), m_file(path.string()) {}

  trace run() {
    read_tables();
    bool nsys = false;
    for (const auto& name : m_tables) {
      nsys = nsys || name.rfind("CUPTI_ACTIVITY_KIND_", 0) == 0 || name.rfind("TARGET_INFO", 0) == 0;
    }
    if (!nsys) {
      throw input_error(m_file, "", "not an Nsight Systems export (no CUPTI_ACTIVITY_KIND_* or TARGET_INFO tables)");
    }
    trace t;
    t.source.tool = "nsys";
    t.source.file = m_file;
    read_version(t.source);
    read_strings();
    read_enums();
    read_devices(t);
    read_runtime();
    read_kernels(t);
    read_copies(t);
    read_memsets(t);
    read_ranges(t);
    add_missing_devices(t);
    finish_source(t);
    return t;
  }

private:
  void read_tables() {
    statement s(m_db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')", "");
    while (s.step()) m_tables.insert(s.text(0).value_or(""));
  }

  // The table itself, or a versioned successor ("NAME_V2") some exports use.
  [[nodiscard]] std::optional<std::string> table(const std::string& name) const {
    if (m_tables.count(name) != 0) return name;
    for (const auto& t : m_tables) {
      if (t.size() > name.size() + 2 && t.rfind(name + "_V", 0) == 0 &&
          std::all_of(t.begin() + static_cast<std::ptrdiff_t>(name.size() + 2), t.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
        return t;
      }
    }
    return std::nullopt;
  }

  void read_version(trace_source& source) {
    for (const char* meta : {"META_DATA_EXPORT", "EXPORT_META_DATA"}) {
      const auto name = table(meta);
      if (!name) continue;
      statement s(m_db, "SELECT name, value FROM \"" + *name + "\"", *name);
      std::string product, schema;
      while (s.step()) {
        const std::string key = s.text(0).value_or("");
        if (key == "EXPORT_PRODUCT_VERSION") product = s.text(1).value_or("");
        if (key == "EXPORT_SCHEMA_VERSION") schema = s.text(1).value_or("");
      }
      source.version = product;
      if (!schema.empty()) source.version += (product.empty() ? "" : " ") + std::string("(export schema ") + schema + ")";
      return;
    }
  }

  void read_strings() {
    const auto name = table("StringIds");
    if (!name) return;
    statement s(m_db, "SELECT id, value FROM \"" + *name + "\"", *name);
    while (s.step()) m_strings[s.integer_or(0, -1)] = s.text(1).value_or("");
  }

  void read_enums() {
    const auto name = table("ENUM_CUDA_MEM_KIND");
    if (!name) return;
    const table_columns cols(m_db, *name);
    if (!cols.has("id") || !cols.has("label")) return;
    statement s(m_db, cols.select_all(""), *name);
    while (s.step()) {
      std::string label = lower(s.text(cols.index("label")).value_or(""));
      std::replace(label.begin(), label.end(), ' ', '_');
      m_memory_kinds[s.integer_or(cols.index("id"), -1)] = label;
    }
  }

  [[nodiscard]] std::string memory_kind(std::optional<std::int64_t> kind) const {
    if (!kind) return "";
    if (!m_memory_kinds.empty()) {
      const auto it = m_memory_kinds.find(*kind);
      return it == m_memory_kinds.end() ? "" : it->second;
    }
    return memory_kind_fallback(*kind);
  }

  // A name column: a StringIds id (integer) in every schema seen, or inline text.
  std::string name_at(const statement& s, int column) {
    if (column < 0 || s.null(column)) return "";
    if (s.is_text(column)) return s.text(column).value_or("");
    const auto it = m_strings.find(*s.integer(column));
    if (it == m_strings.end()) {
      ++m_counters["names_missing_from_StringIds"];
      return "";
    }
    return it->second;
  }

  // Devices by CUDA device index (what activity records call deviceId): TARGET_INFO_CUDA_DEVICE
  // (3.x) maps cudaId -> TARGET_INFO_GPU.id; 2.x exports carry cuDevice in TARGET_INFO_GPU.
  void read_devices(trace& t) {
    const auto gpu = table("TARGET_INFO_GPU");
    if (!gpu) return;
    m_has_devices = true;
    const table_columns cols(m_db, *gpu);
    std::map<std::int64_t, std::int64_t> cuda_of_gpu;
    if (const auto map = table("TARGET_INFO_CUDA_DEVICE")) {
      const table_columns mc(m_db, *map);
      if (mc.has("gpuId") && mc.has("cudaId")) {
        statement s(m_db, mc.select_all(""), *map);
        while (s.step()) {
          const auto g = s.integer(mc.index("gpuId"));
          const auto c = s.integer(mc.index("cudaId"));
          if (g && c) cuda_of_gpu.emplace(*g, *c);
        }
      }
    }
    auto positive = [](std::optional<std::int64_t> v) -> std::optional<std::int64_t> {
      if (v && *v > 0) return v;
      return std::nullopt;
    };
    std::map<int, trace_device> by_id;
    std::int64_t without_cuda = 0;
    statement s(m_db, cols.select_all(cols.has("id") ? "\"id\"" : ""), *gpu);
    while (s.step()) {
      trace_device d;
      d.name = s.text(cols.index("name")).value_or("");
      if (const auto v = positive(s.integer(cols.index("smCount"))); v && *v <= std::numeric_limits<int>::max()) {
        d.sm_count = static_cast<int>(*v);
      }
      const auto major = s.integer(cols.index("computeMajor"));
      const auto minor = s.integer(cols.index("computeMinor"));
      if (major && *major > 0) {
        d.cc_major = static_cast<int>(*major);
        d.cc_minor = static_cast<int>(minor.value_or(0));
      }
      if (const auto v = positive(s.integer(cols.index("clockRate")))) d.sm_clock_hz = static_cast<double>(*v);
      if (const auto v = positive(s.integer(cols.index("totalMemory")))) d.memory_bytes = static_cast<double>(*v);
      if (const auto v = positive(s.integer(cols.index("l2CacheSize")))) d.l2_bytes = static_cast<double>(*v);
      if (const auto v = positive(s.integer(cols.index("maxShmemPerSm")))) d.shared_memory_per_sm_bytes = static_cast<double>(*v);
      if (const auto v = positive(s.integer(cols.index("memoryBusWidth")))) d.memory_bus_bits = static_cast<double>(*v);
      if (const auto v = positive(s.integer(cols.index("memoryClockRate")))) d.memory_clock_hz = static_cast<double>(*v);
      const bool cuda_properties = d.sm_count.has_value() || d.cc_major.has_value();
      const std::int64_t gpu_id = s.integer_or(cols.index("id"), 0);
      std::optional<std::int64_t> cuda_id;
      if (!cuda_of_gpu.empty()) {
        if (const auto it = cuda_of_gpu.find(gpu_id); it != cuda_of_gpu.end()) cuda_id = it->second;
      } else if (cols.has("cuDevice")) {
        // Exports write 0 for every field of a GPU the process could not see; its cuDevice 0 is a default.
        if (cuda_properties) cuda_id = s.integer(cols.index("cuDevice"));
      } else {
        cuda_id = gpu_id;
      }
      if (!cuda_id || *cuda_id < 0 || *cuda_id > std::numeric_limits<int>::max()) {
        ++without_cuda;
        continue;
      }
      d.id = static_cast<int>(*cuda_id);
      if (!by_id.emplace(d.id, d).second) ++m_counters["duplicate_cuda_device_ids"];
    }
    for (auto& [id, d] : by_id) t.devices.push_back(std::move(d));
    if (without_cuda > 0) m_counters["gpus_without_cuda_device"] = without_cuda;
  }

  void read_runtime() {
    const auto name = table("CUPTI_ACTIVITY_KIND_RUNTIME");
    if (!name) return;
    m_has_runtime = true;
    const table_columns cols(m_db, *name);
    const int corr = cols.index("correlationId");
    const int tid = cols.index("globalTid");
    const int start = cols.index("start");
    if (corr < 0) return;
    statement s(m_db, cols.select_all(""), *name);
    while (s.step()) {
      const auto c = s.integer(corr);
      if (!c) continue;
      const bool has_tid = tid >= 0 && !s.null(tid);
      const std::int64_t global_tid = has_tid ? s.integer_or(tid, 0) : 0;
      std::optional<kernel_launch> call;
      if (has_tid && start >= 0 && !s.null(start)) {
        const std::int64_t at = s.integer_or(start, 0);
        // Numbered as NVTX ranges' threads; a time past what a trace holds is no launch time.
        if (trace::holds_timestamp(at)) call = kernel_launch{tid_of(global_tid), at};
      }
      m_runtime_calls.emplace(std::make_pair(pid_of(global_tid), *c), call);
    }
  }

  /// Counts `counter` when the correlation id has no runtime call in the process; returns the
  /// call, when one with a thread and start time was recorded.
  std::optional<kernel_launch> check_correlation(std::int64_t pid, const std::optional<std::int64_t>& corr, const char* counter) {
    if (!m_has_runtime || !corr) return std::nullopt;
    const auto it = m_runtime_calls.find({pid, *corr});
    if (it == m_runtime_calls.end()) {
      ++m_counters[counter];
      return std::nullopt;
    }
    return it->second;
  }

  [[nodiscard]] int device_index(const statement& s, int column, const std::string& field) const {
    const auto v = s.integer(column);
    if (!v) return 0;
    if (*v < 0 || *v > std::numeric_limits<int>::max()) {
      throw input_error(m_file, field, "device id " + std::to_string(*v) + " out of range");
    }
    return static_cast<int>(*v);
  }

  // Valid interval, or counts why not.
  bool valid_times(std::int64_t start, std::int64_t end, const std::string& what) {
    if (start == 0 && end == 0) {
      ++m_counters[what + "_without_timestamps"];
      return false;
    }
    if (end < start) {
      ++m_counters[what + "_end_before_start"];
      return false;
    }
    if (!trace::holds_timestamp(start) || !trace::holds_timestamp(end)) {  // what rafter.trace/1 holds
      ++m_counters[what + "_timestamps_out_of_range"];
      return false;
    }
    return true;
  }

  void read_kernels(trace& t) {
    const auto name = table("CUPTI_ACTIVITY_KIND_KERNEL");
    if (!name) return;
    m_has_kernels = true;
    const table_columns cols(m_db, *name);
    for (const char* required : {"start", "end"}) {
      if (!cols.has(required)) throw input_error(m_file, *name + "." + required, "column missing");
    }
    const int start = cols.index("start"), end = cols.index("end");
    const int mangled = cols.index("mangledName"), demangled = cols.index("demangledName");
    const int short_name = cols.index("shortName"), plain_name = cols.index("name");
    const int grid[3] = {cols.index("gridX"), cols.index("gridY"), cols.index("gridZ")};
    const int block[3] = {cols.index("blockX"), cols.index("blockY"), cols.index("blockZ")};
    statement s(m_db, cols.select_all("\"start\""), *name);
    while (s.step()) {
      trace_kernel k;
      k.start_ns = s.integer_or(start, 0);
      k.end_ns = s.integer_or(end, 0);
      if (!valid_times(k.start_ns, k.end_ns, "kernels")) continue;
      k.id = static_cast<std::int64_t>(t.kernels.size());
      std::string recorded = name_at(s, mangled);
      std::string readable = name_at(s, demangled);
      if (readable.empty()) readable = name_at(s, short_name);
      if (recorded.empty()) recorded = name_at(s, plain_name);
      if (recorded.empty()) recorded = readable;
      k.name = recorded;
      k.demangled = readable;
      k.device = device_index(s, cols.index("deviceId"), *name + ".deviceId");
      k.stream = s.integer_or(cols.index("streamId"), -1);
      k.correlation_id = s.integer(cols.index("correlationId"));
      k.launch = check_correlation(pid_of(s.integer_or(cols.index("globalPid"), 0)), k.correlation_id,
                                   "kernels_without_runtime_call");
      auto dims = [&](const int (&c)[3]) -> std::optional<dim3_value> {
        std::array<std::int64_t, 3> v{};
        for (int i = 0; i < 3; ++i) {
          const auto x = s.integer(c[i]);
          if (!x || *x < 1 || *x > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
          v[static_cast<std::size_t>(i)] = *x;
        }
        return dim3_value{static_cast<std::uint32_t>(v[0]), static_cast<std::uint32_t>(v[1]),
                          static_cast<std::uint32_t>(v[2])};
      };
      k.grid = dims(grid);
      k.block = dims(block);
      if (const auto r = s.integer(cols.index("registersPerThread")); r && *r >= 0 && *r <= 65535) {
        k.registers_per_thread = static_cast<int>(*r);
      }
      if (const auto v = s.integer(cols.index("staticSharedMemory")); v && *v >= 0) k.static_shared_bytes = v;
      if (const auto v = s.integer(cols.index("dynamicSharedMemory")); v && *v >= 0) k.dynamic_shared_bytes = v;
      if (const auto v = s.integer(cols.index("graphNodeId")); v && *v != 0) k.graph_node_id = v;
      if (const auto v = s.integer(cols.index("graphId")); v && *v != 0) k.graph_id = v;
      t.kernels.push_back(std::move(k));
    }
  }

  void read_copies(trace& t) {
    const auto name = table("CUPTI_ACTIVITY_KIND_MEMCPY");
    if (!name) return;
    m_has_memcpy = true;
    const table_columns cols(m_db, *name);
    for (const char* required : {"start", "end", "bytes"}) {
      if (!cols.has(required)) throw input_error(m_file, *name + "." + required, "column missing");
    }
    statement s(m_db, cols.select_all("\"start\""), *name);
    while (s.step()) {
      trace_copy c;
      c.start_ns = s.integer_or(cols.index("start"), 0);
      c.end_ns = s.integer_or(cols.index("end"), 0);
      if (!valid_times(c.start_ns, c.end_ns, "copies")) continue;
      c.id = static_cast<std::int64_t>(t.copies.size());
      c.kind = copy_kind(s.integer_or(cols.index("copyKind"), 0));
      c.device = device_index(s, cols.index("deviceId"), *name + ".deviceId");
      c.stream = s.integer_or(cols.index("streamId"), -1);
      const auto bytes = s.integer(cols.index("bytes"));
      if (!bytes || *bytes < 0) {
        ++m_counters["copies_without_byte_count"];
        continue;
      }
      c.bytes = static_cast<double>(*bytes);
      c.correlation_id = s.integer(cols.index("correlationId"));
      check_correlation(pid_of(s.integer_or(cols.index("globalPid"), 0)), c.correlation_id, "copies_without_runtime_call");
      const auto src = s.integer(cols.index("srcKind"));
      const auto dst = s.integer(cols.index("dstKind"));
      if (c.kind == "h2d" || c.kind == "h2h") c.memory = memory_kind(src);
      else if (c.kind == "d2h") c.memory = memory_kind(dst);
      else if (c.kind == "d2d" || c.kind == "p2p") c.memory = "device";
      t.copies.push_back(std::move(c));
    }
  }

  void read_memsets(trace& t) {
    const auto name = table("CUPTI_ACTIVITY_KIND_MEMSET");
    if (!name) return;
    m_has_memset = true;
    const table_columns cols(m_db, *name);
    for (const char* required : {"start", "end", "bytes"}) {
      if (!cols.has(required)) throw input_error(m_file, *name + "." + required, "column missing");
    }
    statement s(m_db, cols.select_all("\"start\""), *name);
    while (s.step()) {
      trace_copy c;
      c.start_ns = s.integer_or(cols.index("start"), 0);
      c.end_ns = s.integer_or(cols.index("end"), 0);
      if (!valid_times(c.start_ns, c.end_ns, "memsets")) continue;
      c.id = static_cast<std::int64_t>(t.copies.size());
      c.kind = "memset";
      c.device = device_index(s, cols.index("deviceId"), *name + ".deviceId");
      c.stream = s.integer_or(cols.index("streamId"), -1);
      const auto bytes = s.integer(cols.index("bytes"));
      if (!bytes || *bytes < 0) {
        ++m_counters["memsets_without_byte_count"];
        continue;
      }
      c.bytes = static_cast<double>(*bytes);
      c.correlation_id = s.integer(cols.index("correlationId"));
      check_correlation(pid_of(s.integer_or(cols.index("globalPid"), 0)), c.correlation_id, "copies_without_runtime_call");
      c.memory = memory_kind(s.integer(cols.index("memKind")));
      t.copies.push_back(std::move(c));
    }
  }

  void read_ranges(trace& t) {
    const auto name = table("NVTX_EVENTS");
    if (!name) return;
    m_has_nvtx = true;
    const table_columns cols(m_db, *name);
    for (const char* required : {"start", "eventType"}) {
      if (!cols.has(required)) throw input_error(m_file, *name + "." + required, "column missing");
    }
    const int type = cols.index("eventType"), text = cols.index("text"), text_id = cols.index("textId");
    const int domain = cols.index("domainId"), tid = cols.index("globalTid"), end = cols.index("end");
    std::map<std::int64_t, std::string> domains;
    std::vector<pending_range> pending;
    statement s(m_db, cols.select_all("\"start\""), *name);
    while (s.step()) {
      const std::int64_t kind = s.integer_or(type, -1);
      std::string label = s.text(text).value_or("");
      if (label.empty() && text_id >= 0 && !s.null(text_id)) label = name_at(s, text_id);
      if (kind == k_nvtx_domain_create) {
        domains[s.integer_or(domain, 0)] = label;
        continue;
      }
      if (kind == k_nvtx_mark) {
        ++m_counters["nvtx_marks_skipped"];
        continue;
      }
      if (kind != k_nvtx_push_pop && kind != k_nvtx_start_end) {
        ++m_counters["nvtx_events_of_other_types_skipped"];
        continue;
      }
      const auto e = s.integer(end);
      if (!e) {
        ++m_counters["nvtx_ranges_without_end"];
        continue;
      }
      pending_range p;
      p.kind = kind;
      p.range.name = std::move(label);
      p.range.start_ns = s.integer_or(cols.index("start"), 0);
      p.range.end_ns = *e;
      if (p.range.end_ns < p.range.start_ns) {
        ++m_counters["nvtx_ranges_end_before_start"];
        continue;
      }
      if (!trace::holds_timestamp(p.range.start_ns) || !trace::holds_timestamp(p.range.end_ns)) {
        ++m_counters["nvtx_ranges_timestamps_out_of_range"];
        continue;
      }
      p.range.thread = tid >= 0 && !s.null(tid) ? tid_of(*s.integer(tid)) : -1;
      p.domain_id = s.integer_or(domain, 0);
      pending.push_back(std::move(p));
    }
    // Depth: ranges of the same kind on the same thread still open when this one starts.
    std::sort(pending.begin(), pending.end(), [](const pending_range& a, const pending_range& b) {
      if (a.range.thread != b.range.thread) return a.range.thread < b.range.thread;
      if (a.kind != b.kind) return a.kind < b.kind;
      if (a.range.start_ns != b.range.start_ns) return a.range.start_ns < b.range.start_ns;
      return a.range.end_ns > b.range.end_ns;
    });
    std::vector<std::int64_t> open_ends;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (i == 0 || pending[i].range.thread != pending[i - 1].range.thread || pending[i].kind != pending[i - 1].kind) {
        open_ends.clear();
      }
      const std::int64_t start = pending[i].range.start_ns;
      open_ends.erase(std::remove_if(open_ends.begin(), open_ends.end(), [&](std::int64_t e) { return e <= start; }),
                      open_ends.end());
      pending[i].range.depth = static_cast<int>(open_ends.size());
      open_ends.push_back(pending[i].range.end_ns);
    }
    std::stable_sort(pending.begin(), pending.end(), [](const pending_range& a, const pending_range& b) {
      return a.range.start_ns < b.range.start_ns;
    });
    for (auto& p : pending) {
      const std::int64_t d = p.domain_id;
      const auto it = domains.find(d);
      p.range.domain = it != domains.end() ? it->second : (d == 0 ? "" : "domain " + std::to_string(d));
      p.range.id = static_cast<std::int64_t>(t.ranges.size());
      t.ranges.push_back(std::move(p.range));
    }
  }

  // Activity records may name devices TARGET_INFO_GPU does not describe: keep ids consistent.
  void add_missing_devices(trace& t) {
    if (t.devices.empty() && !m_has_devices) return;
    std::set<int> known;
    for (const auto& d : t.devices) known.insert(d.id);
    std::set<int> used;
    for (const auto& k : t.kernels) used.insert(k.device);
    for (const auto& c : t.copies) used.insert(c.device);
    for (const int id : used) {
      if (known.count(id) != 0) continue;
      trace_device d;
      d.id = id;
      t.devices.push_back(d);
      ++m_counters["devices_without_properties"];
    }
    std::sort(t.devices.begin(), t.devices.end(), [](const trace_device& a, const trace_device& b) { return a.id < b.id; });
  }

  void finish_source(trace& t) {
    auto& s = t.source;
    if (m_has_kernels) s.recorded.push_back("kernels");
    if (m_has_memcpy || m_has_memset) s.recorded.push_back("copies");
    if (m_has_nvtx) s.recorded.push_back("ranges");
    if (m_has_devices) s.recorded.push_back("devices");
    if (!m_has_kernels) s.not_recorded.push_back("kernels (no CUPTI_ACTIVITY_KIND_KERNEL table: none traced)");
    if (!m_has_memcpy) s.not_recorded.push_back("memory copies (no CUPTI_ACTIVITY_KIND_MEMCPY table)");
    if (!m_has_memset) s.not_recorded.push_back("memsets (no CUPTI_ACTIVITY_KIND_MEMSET table)");
    if (!m_has_nvtx) s.not_recorded.push_back("NVTX ranges (no NVTX_EVENTS table)");
    if (!m_has_devices) s.not_recorded.push_back("device properties (no TARGET_INFO_GPU table)");
    if (!m_has_runtime) {
      s.not_recorded.push_back("CUDA API calls (no CUPTI_ACTIVITY_KIND_RUNTIME table): correlation ids unchecked");
    } else {
      s.not_recorded.push_back("CUDA API calls: the trace model has no API-call records; "
                               "CUPTI_ACTIVITY_KIND_RUNTIME gives each kernel its launch (thread and time) and "
                               "checks kernel and copy correlation ids");
    }
    s.not_recorded.push_back("per-kernel counters (Nsight Systems records no FLOP or byte metrics)");
    s.not_recorded.push_back("framework ops");
    const bool memory_clock = std::any_of(t.devices.begin(), t.devices.end(),
                                          [](const trace_device& d) { return d.memory_clock_hz.has_value(); });
    if (m_has_devices && !memory_clock) s.not_recorded.push_back("memory clock and bus width (not in TARGET_INFO_GPU)");
    for (const auto& [key, n] : m_counters) {
      s.counters[key] = n;
      s.warnings.push_back(std::to_string(n) + " " + describe(key));
    }
  }

  database m_db;
  std::string m_file;
  std::set<std::string> m_tables;
  std::unordered_map<std::int64_t, std::string> m_strings;
  std::map<std::int64_t, std::string> m_memory_kinds;
  // (pid, correlation id) -> the call's thread and start, when recorded.
  std::map<std::pair<std::int64_t, std::int64_t>, std::optional<kernel_launch>> m_runtime_calls;
  std::map<std::string, std::int64_t> m_counters;
  bool m_has_kernels = false;
  bool m_has_memcpy = false;
  bool m_has_memset = false;
  bool m_has_nvtx = false;
  bool m_has_devices = false;
  bool m_has_runtime = false;
};

}  // namespace

trace import_nsys(const std::filesystem::path& path) { return nsys_reader(path).run(); }

}  // namespace rafter
