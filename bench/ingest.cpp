// bench_ingest: Kineto ingestion speed and peak memory, rafter next to Python's json.load on the
// same file in the same run.
//
//   bench_ingest [--source KINETO.json[.gz] | --builtin] [--size-mb N] [--file PATH] [--keep]
//
// Writes a Kineto trace of about N MB (default 2000) by replicating the source's events with
// shifted timestamps and ids (the H100 Qwen fixture in ../shared when present, else a built-in
// event mix modelled on it), then imports it in a child process (`--import PATH`) and runs
// `python3 -c json.load` in another; each child's CPU time and peak RSS come from wait4().

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analysis/importers/kineto_importer.hpp"
#include "core/file_reader.hpp"
#include "core/json.hpp"

namespace {

using rafter::json;

std::vector<json> builtin_events() {
  // One step of an LLM layer as Kineto writes it (keys and value shapes as in PyTorch 2.x traces).
  std::vector<json> ev;
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "python_function", "name": "torch/nn/modules/module.py(1747): _call_impl", "pid": 25286, "tid": 25286, "ts": 1000.125, "dur": 40.5, "args": {"Python parent id": 7, "Python id": 8, "Ev Idx": 1}})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "cpu_op", "name": "aten::linear", "pid": 25286, "tid": 25286, "ts": 1001.25, "dur": 30.5, "args": {"External id": 100, "Record function id": 0, "Concrete Inputs": ["", "", ""], "Input type": ["c10::BFloat16", "c10::BFloat16", "c10::BFloat16"], "Input Strides": [[572416, 1024, 1], [1024, 1], [1]], "Input Dims": [[16, 559, 1024], [1024, 1024], [1024]], "Ev Idx": 2}})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "cpu_op", "name": "aten::addmm", "pid": 25286, "tid": 25286, "ts": 1005.5, "dur": 20.25, "args": {"External id": 101, "Record function id": 0, "Concrete Inputs": ["", "", "", "1", "1"], "Input type": ["c10::BFloat16", "c10::BFloat16", "c10::BFloat16", "Scalar", "Scalar"], "Input Strides": [[1], [1024, 1], [1, 1024], [], []], "Input Dims": [[1024], [8944, 1024], [1024, 1024], [], []], "Ev Idx": 3}})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 25286, "tid": 25286, "ts": 1010.75, "dur": 6.5, "args": {"cbid": 211, "correlation": 5000, "External id": 101}})j"));
  ev.push_back(json::parse(R"j({"ph": "s", "id": 5000, "pid": 25286, "tid": 25286, "ts": 1010.75, "cat": "ac2g", "name": "ac2g"})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "kernel", "name": "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas", "pid": 0, "tid": 7, "ts": 1020.5, "dur": 85.727, "args": {"External id": 101, "queued": 0, "device": 0, "context": 1, "stream": 7, "correlation": 5000, "registers per thread": 168, "shared memory": 231424, "blocks per SM": 1, "warps per SM": 12, "grid": [132, 1, 1], "block": [384, 1, 1], "est. achieved occupancy %": 19}})j"));
  ev.push_back(json::parse(R"j({"ph": "f", "id": 5000, "pid": 0, "tid": 7, "ts": 1020.5, "cat": "ac2g", "name": "ac2g", "bp": "e"})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "cpu_op", "name": "aten::mul", "pid": 25286, "tid": 25286, "ts": 1032.5, "dur": 9.75, "args": {"External id": 102, "Record function id": 0, "Concrete Inputs": ["", ""], "Input type": ["c10::BFloat16", "c10::BFloat16"], "Input Strides": [[572416, 1024, 1], [1024]], "Input Dims": [[16, 559, 1024], [1024]], "Ev Idx": 4}})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 25286, "tid": 25286, "ts": 1034.25, "dur": 4.5, "args": {"cbid": 211, "correlation": 5001, "External id": 102}})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "kernel", "name": "void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<c10::BFloat16, c10::BFloat16, c10::BFloat16, at::native::binary_internal::MulFunctor<float> >, std::array<char*, 3ul> >(int, at::native::BinaryFunctor<c10::BFloat16, c10::BFloat16, c10::BFloat16, at::native::binary_internal::MulFunctor<float> >, std::array<char*, 3ul>)", "pid": 0, "tid": 7, "ts": 1107.5, "dur": 12.125, "args": {"External id": 102, "queued": 0, "device": 0, "context": 1, "stream": 7, "correlation": 5001, "registers per thread": 24, "shared memory": 0, "blocks per SM": 135.5, "warps per SM": 542.1, "grid": [17888, 1, 1], "block": [128, 1, 1], "est. achieved occupancy %": 100}})j"));
  ev.push_back(json::parse(R"j({"ph": "i", "cat": "cpu_instant_event", "s": "t", "name": "[memory]", "pid": 25286, "tid": 25286, "ts": 1040.125, "args": {"Total Reserved": 2629828608, "Total Allocated": 1003059712, "Bytes": 18317312, "Addr": 137877174353920, "Device Id": 0, "Device Type": 1, "Ev Idx": 5}})j"));
  ev.push_back(json::parse(R"j({"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 1120.5, "dur": 0.769, "args": {"device": 0, "context": 1, "stream": 7, "correlation": 5002, "bytes": 4, "memory bandwidth (GB/s)": 0.0052}})j"));
  return ev;
}

void shift_event(json& e, double ts_shift_us, std::int64_t id_shift) {
  if (e.contains("ts") && e["ts"].is_number()) e["ts"] = e["ts"].get<double>() + ts_shift_us;
  if (e.contains("id") && e["id"].is_number_integer()) e["id"] = e["id"].get<std::int64_t>() + id_shift;
  if (e.contains("args") && e["args"].is_object()) {
    for (const char* key : {"External id", "correlation"}) {
      if (e["args"].contains(key) && e["args"][key].is_number_integer()) e["args"][key] = e["args"][key].get<std::int64_t>() + id_shift;
    }
  }
}

std::uint64_t write_trace(const std::string& source, const std::string& path, std::uint64_t target) {
  std::vector<json> events;
  json header = json::object();
  if (!source.empty()) {
    json doc = json::parse(rafter::read_file_content(source));
    events = doc["traceEvents"].get<std::vector<json>>();
    if (doc.contains("deviceProperties")) header["deviceProperties"] = doc["deviceProperties"];
    if (doc.contains("baseTimeNanoseconds")) header["baseTimeNanoseconds"] = doc["baseTimeNanoseconds"];
  } else {
    events = builtin_events();
  }
  double span = 0.0;
  for (const auto& e : events) {
    if (e.contains("ts") && e["ts"].is_number()) span = std::max(span, e["ts"].get<double>());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "{\"schemaVersion\": 1, \"traceEvents\": [\n";
  std::uint64_t written = 0;
  bool first = true;
  for (std::int64_t rep = 0; written < target; ++rep) {
    for (json e : events) {
      shift_event(e, static_cast<double>(rep) * 100000.0, rep * 10000000);
      const std::string text = e.dump();
      out << (first ? "" : ",\n") << text;
      first = false;
      written += text.size() + 2;
    }
  }
  out << "\n]";
  for (const auto& [k, v] : header.items()) out << ",\n\"" << k << "\": " << v.dump();
  out << "}\n";
  out.close();
  return std::filesystem::file_size(path);
}

struct child_result {
  int status = 0;
  double wall_s = 0, user_s = 0, sys_s = 0;
  long peak_rss_kb = 0;
};

child_result run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv.data());
    _exit(127);
  }
  child_result r;
  rusage u{};
  wait4(pid, &r.status, 0, &u);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.user_s = static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) * 1e-6;
  r.sys_s = static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) * 1e-6;
  r.peak_rss_kb = u.ru_maxrss;
  return r;
}

void report(const char* who, const child_result& r, double mb) {
  std::printf("%-16s exit %d  wall %7.2f s  user %7.2f s  sys %5.2f s  %7.1f MB/s (wall)  %7.1f MB/s (user+sys)  peak RSS %7.1f MB = %.2fx the file\n",
              who, WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1, r.wall_s, r.user_s, r.sys_s, mb / r.wall_s,
              mb / (r.user_s + r.sys_s), static_cast<double>(r.peak_rss_kb) / 1024.0,
              static_cast<double>(r.peak_rss_kb) / 1024.0 / mb);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--import") == 0) {
    const rafter::trace t = rafter::import_kineto(argv[2]);
    std::printf("rafter imported %zu kernels, %zu copies, %zu ops\n", t.kernels.size(), t.copies.size(), t.ops.size());
    std::fflush(stdout);
    _exit(0);  // the measurement ends here; freeing the model is not ingestion
  }
  std::string source;
  std::string file = (std::filesystem::temp_directory_path() / "rafter_bench_ingest.json").string();
  std::uint64_t size_mb = 2000;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--source" && i + 1 < argc) source = argv[++i];
    else if (a == "--size-mb" && i + 1 < argc) size_mb = std::stoull(argv[++i]);
    else if (a == "--file" && i + 1 < argc) file = argv[++i];
    else if (a == "--keep") keep = true;
    else if (a == "--builtin") source = "-";
    else {
      std::fprintf(stderr, "usage: bench_ingest [--source KINETO.json[.gz] | --builtin] [--size-mb N] [--file PATH] [--keep]\n");
      return 2;
    }
  }
  const std::string fixture = RAFTER_SOURCE_DIR "/../shared/fixtures/kineto/h100_qwen1.5-0.5b_inference.json.gz";
  if (source.empty() && std::filesystem::exists(fixture)) source = fixture;
  if (source == "-") source.clear();
  std::printf("generating %llu MB from %s ...\n", static_cast<unsigned long long>(size_mb),
              source.empty() ? "the built-in event mix" : source.c_str());
  std::fflush(stdout);
  const double mb = static_cast<double>(write_trace(source, file, size_mb * 1000000ULL)) / 1e6;
  std::printf("%s: %.1f MB\n", file.c_str(), mb);
  std::fflush(stdout);
  const child_result rafter = run({argv[0], "--import", file});
  report("rafter", rafter, mb);
  const child_result python = run({"python3", "-c", "import json, sys; json.load(open(sys.argv[1]))", file});
  report("python json.load", python, mb);
  if (!keep) std::filesystem::remove(file);
  return WIFEXITED(rafter.status) && WEXITSTATUS(rafter.status) == 0 ? 0 : 1;
}
