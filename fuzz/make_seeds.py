#!/usr/bin/env python3
"""Writes the seed corpora of the importer fuzzers: small synthetic inputs in every form each
importer accepts (and a few it must reject cleanly), so that mutations start from deep inside the
parsers. Nothing is copied from real traces.

Usage: make_seeds.py OUT_DIR   -> OUT_DIR/{kineto,nsys,ncu,trace_json}/<name>
"""
import gzip
import json
import os
import sqlite3
import sys


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# ---- Kineto (PyTorch profiler Chrome trace) ----

def kineto_events():
    counters = {f"smsp__sass_thread_inst_executed_op_{op}_pred_on.sum": v
                for op, v in [("fadd", 10), ("fmul", 20), ("ffma", 300), ("hfma", 4), ("dfma", 1)]}
    gpu = {"device": 0, "context": 1, "stream": 7}
    return [
        {"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#1", "pid": 1, "tid": 5, "ts": 100, "dur": 1000,
         "args": {"External id": 1}},
        {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 5, "ts": 200.5, "dur": 50.125,
         "args": {"External id": 10, "Input Dims": [[64, 32], [32, 16]], "Input type": ["float", "float"],
                  "Concrete Inputs": ["", ""]}},
        {"ph": "X", "cat": "cpu_op", "name": "aten::scaled_dot_product_attention", "pid": 1, "tid": 5, "ts": 300,
         "dur": 40, "args": {"External id": 11, "Input Dims": [[2, 4, 128, 64], [2, 4, 128, 64], [2, 4, 128, 64], [],
                                                                [], []],
                             "Input type": ["c10::BFloat16"] * 3 + ["", "Scalar", "Scalar"],
                             "Concrete Inputs": ["", "", "", "", "0.", "True"]}},
        {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 5, "ts": 210, "dur": 5,
         "args": {"External id": 10, "correlation": 500}},
        {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 5, "ts": 310, "dur": 5,
         "args": {"correlation": 501}},
        {"ph": "s", "id": 501, "pid": 1, "tid": 5, "ts": 310, "cat": "ac2g", "name": "ac2g"},
        {"ph": "f", "id": 501, "pid": 0, "tid": 7, "ts": 900, "cat": "ac2g", "name": "ac2g", "bp": "e"},
        {"ph": "X", "cat": "kernel", "name": "void gemm<float>(float*, float const*)", "pid": 0, "tid": 7,
         "ts": 800.25, "dur": 18.112,
         "args": {**gpu, "correlation": 500, "External id": 10, "registers per thread": 32,
                  "shared memory": 4096, "blocks per SM": 1.5, "grid": [80, 2, 1], "block": [128, 1, 1],
                  "est. achieved occupancy %": 12}},
        {"ph": "X", "cat": "kernel", "name": "flash_fwd<\"&>", "pid": 0, "tid": 7, "ts": 900, "dur": 20,
         "args": {**gpu, "grid": [8, 1, 1], "block": [256, 1, 1]}},
        {"ph": "X", "cat": "gpu_memcpy", "name": "Memcpy HtoD (Pinned -> Device)", "pid": 0, "tid": 7, "ts": 700,
         "dur": 10, "args": {**gpu, "correlation": 502, "bytes": 4096, "memory bandwidth (GB/s)": 0.4}},
        {"ph": "X", "cat": "gpu_memset", "name": "Memset (Device)", "pid": 0, "tid": 7, "ts": 720, "dur": 2,
         "args": {**gpu, "correlation": 503, "bytes": 512}},
        {"ph": "X", "cat": "gpu_user_annotation", "name": "ProfilerStep#1", "pid": 0, "tid": 7, "ts": 690,
         "dur": 300, "args": {"External id": 1, "device": 0, "stream": 7}},
        {"ph": "X", "cat": "cuda_profiler_range", "name": "sgemm", "pid": 0, "tid": 0, "ts": 1000, "dur": 50,
         "args": counters},
        {"ph": "M", "name": "process_name", "pid": 0, "tid": 0, "args": {"name": "python3"}},
        {"ph": "i", "cat": "cpu_instant_event", "name": "[memory]", "pid": 1, "tid": 5, "ts": 250, "s": "t",
         "args": {"Bytes": 1024}},
    ]


def kineto_document(events, base_time=True):
    doc = {
        "schemaVersion": 1,
        "deviceProperties": [{"id": 0, "name": "NVIDIA H100 80GB HBM3", "totalGlobalMem": 85018279936,
                              "computeMajor": 9, "computeMinor": 0, "maxThreadsPerBlock": 1024,
                              "numSms": 132, "sharedMemPerMultiprocessor": 233472, "regsPerBlock": 65536}],
        "distributedInfo": {"backend": "nccl", "rank": 0, "world_size": 1},
        "traceEvents": events,
    }
    if base_time:
        doc["traceName"] = "seed.json"
        doc["baseTimeNanoseconds"] = 1751410836000000000
    return doc


def kineto_seeds(out):
    events = kineto_events()
    full = json.dumps(kineto_document(events), indent=1)
    write(f"{out}/full.json", full)
    write(f"{out}/full.json.gz", gzip.compress(full.encode(), mtime=0))
    absolute = [dict(e, ts=1679055454045054.123 + i) if "ts" in e else e for i, e in enumerate(events)]
    write(f"{out}/absolute_compact.json", json.dumps(kineto_document(absolute, base_time=False),
                                                     separators=(",", ":")))
    write(f"{out}/oddities.json",
          '{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "bad \xff utf8", "pid": 0, "tid": 7, '
          '"ts": 0, "dur": -5, "args": {"device": 0, "stream": 7}}, {"ph": "X", "cat": "kernel", "name": "k", '
          '"pid": 0, "tid": 7, "ts": 1e2, "dur": NaN}, 17, "text", null, []]}'.encode("latin-1"))
    write(f"{out}/empty_events.json", '{"traceEvents": []}')
    write(f"{out}/no_events.json", '{"schemaVersion": 1}')


# ---- Nsight Systems SQLite export ----

NSYS_2_7 = """
CREATE TABLE EXPORT_META_DATA (name TEXT NOT NULL, value TEXT);
INSERT INTO EXPORT_META_DATA VALUES ('EXPORT_PRODUCT_VERSION', '2021.5.2.53'), ('EXPORT_SCHEMA_VERSION', '2.7.0');
CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO StringIds VALUES (1, '_Z4gemmPfS_'), (2, 'gemm(float*, float*)'), (3, 'gemm'), (4, 'cudaLaunchKernel'),
  (5, 'outer'), (6, 'inner');
CREATE TABLE TARGET_INFO_GPU (vmId INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT, busLocation TEXT,
  l2CacheSize INTEGER, totalMemory INTEGER, memoryBandwidth INTEGER, clockRate INTEGER, smCount INTEGER,
  cuDevice INTEGER, maxShmemPerSm INTEGER, computeMajor INTEGER, computeMinor INTEGER);
INSERT INTO TARGET_INFO_GPU VALUES (1, 3, 'GPU', '0000:01:00.0', 41943040, 42358472704, 1555200000000, 1410000000,
  108, 0, 167936, 8, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL, eventClass INTEGER NOT NULL,
  globalTid INTEGER, correlationId INTEGER, nameId INTEGER NOT NULL, returnValue INTEGER NOT NULL, callchainId INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES (900, 950, 0, 281575874893694, 11, 4, 0, NULL);
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  demangledName INTEGER NOT NULL, shortName INTEGER NOT NULL, mangledName INTEGER, launchType INTEGER,
  cacheConfig INTEGER, registersPerThread INTEGER NOT NULL, gridX INTEGER NOT NULL, gridY INTEGER NOT NULL,
  gridZ INTEGER NOT NULL, blockX INTEGER NOT NULL, blockY INTEGER NOT NULL, blockZ INTEGER NOT NULL,
  staticSharedMemory INTEGER NOT NULL, dynamicSharedMemory INTEGER NOT NULL, localMemoryPerThread INTEGER NOT NULL,
  localMemoryTotal INTEGER NOT NULL, gridId INTEGER NOT NULL, sharedMemoryExecuted INTEGER, graphNodeId INTEGER,
  sharedMemoryLimitConfig INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES
  (1000, 1400, 0, 1, 7, 11, 281575874887680, 2, 3, 1, 1, 1, 32, 80, 2, 1, 128, 2, 1, 1024, 2048, 0, 0, 1, 0, NULL, 0),
  (3000, 2999, 0, 1, 7, 13, 281575874887680, 2, 3, 1, 1, 1, 32, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 0, 17, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  bytes INTEGER NOT NULL, copyKind INTEGER NOT NULL, deprecatedSrcId INTEGER, srcKind INTEGER, dstKind INTEGER,
  srcDeviceId INTEGER, srcContextId INTEGER, dstDeviceId INTEGER, dstContextId INTEGER, migrationCause INTEGER,
  graphNodeId INTEGER, virtualAddress INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES (500, 600, 0, 1, 7, 11, 281575874887680, 4096, 1, NULL, 0, 2, 0, 1, 0,
  1, 0, NULL, 0), (5000, 5100, 0, 1, 7, 11, 281575874887680, 8192, 10, NULL, 2, 2, 0, 1, 1, 1, 0, NULL, 0);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (start INTEGER NOT NULL, end INTEGER NOT NULL, deviceId INTEGER NOT NULL,
  contextId INTEGER NOT NULL, streamId INTEGER NOT NULL, correlationId INTEGER, globalPid INTEGER,
  value INTEGER NOT NULL, bytes INTEGER NOT NULL, graphNodeId INTEGER, memKind INTEGER);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET VALUES (700, 710, 0, 1, 7, 11, 281575874887680, 0, 512, NULL, 2);
CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL, rangeId INTEGER,
  category INTEGER, color INTEGER, text TEXT, globalTid INTEGER, endGlobalTid INTEGER, textId INTEGER,
  domainId INTEGER, uint64Value INTEGER, int64Value INTEGER, doubleValue REAL, uint32Value INTEGER,
  int32Value INTEGER, floatValue REAL, jsonTextId INTEGER, jsonText TEXT);
INSERT INTO NVTX_EVENTS (start, end, eventType, text, globalTid, textId, domainId) VALUES
  (-5, NULL, 75, 'cuBLAS', 281575874893694, NULL, 1), (100, 1000, 59, NULL, 281575874893694, 5, 0),
  (200, 900, 59, NULL, 281575874893694, 6, 0), (950, NULL, 59, 'never popped', 281575874893694, NULL, 0),
  (960, NULL, 34, 'a mark', 281575874893694, NULL, 0);
"""

NSYS_3 = """
CREATE TABLE META_DATA_EXPORT (name TEXT NOT NULL, value TEXT);
INSERT INTO META_DATA_EXPORT VALUES ('EXPORT_PRODUCT_VERSION', '2024.6.2.225'), ('EXPORT_SCHEMA_VERSION', '3.16.1');
CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO StringIds VALUES (1, 'void k<float>(float*)'), (2, 'k'), (3, 'step');
CREATE TABLE ENUM_CUDA_MEM_KIND (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_CUDA_MEM_KIND VALUES (0, 'CUDA_MEMOPR_MEMORY_KIND_PAGEABLE', 'Pageable'),
  (1, 'CUDA_MEMOPR_MEMORY_KIND_PINNED', 'Pinned'), (2, 'CUDA_MEMOPR_MEMORY_KIND_DEVICE', 'Device');
CREATE TABLE TARGET_INFO_GPU (vmId INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT, smCount INTEGER,
  computeMajor INTEGER, computeMinor INTEGER, totalMemory INTEGER, clockRate INTEGER, cuDevice INTEGER,
  numaNodeId INTEGER);
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
  (6, 40, 59, NULL, NULL, 71159018013065, NULL, 3, 0);
"""


def sqlite_bytes(path, script):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript(script)
    db.commit()
    db.execute("VACUUM")  # smallest file: fewer pages for the fuzzer to mutate
    db.close()


def nsys_seeds(out):
    os.makedirs(out, exist_ok=True)
    sqlite_bytes(f"{out}/schema_2_7.sqlite", NSYS_2_7)
    sqlite_bytes(f"{out}/schema_3.sqlite", NSYS_3)
    sqlite_bytes(f"{out}/gpu_only.sqlite", "CREATE TABLE TARGET_INFO_GPU (vmId INTEGER, id INTEGER, name TEXT);"
                                            "INSERT INTO TARGET_INFO_GPU VALUES (1, 0, 'GPU');")
    sqlite_bytes(f"{out}/not_nsys.sqlite", "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('x');")


# ---- Nsight Compute CSV ----

def csv_row(values):
    return ",".join('"' + str(v).replace('"', '""') + '"' for v in values) + "\n"


def ncu_seeds(out):
    ident = ["ID", "Process ID", "Process Name", "Host Name", "Kernel Name", "Context", "Stream", "Block Size",
             "Grid Size", "Device", "CC"]
    metrics = [("device__attribute_display_name", "", "NVIDIA H100 80GB HBM3"),
               ("dram__bytes.sum", "Kbyte", "1,234.5"), ("gpu__time_duration.sum", "usecond", "12.5"),
               ("lts__t_bytes.sum", "byte", "1,048,576"), ("l1tex__t_bytes.sum", "Mbyte", "2"),
               ("sm__cycles_elapsed.avg.per_second", "cycle/nsecond", "1.38"),
               ("sm__inst_executed_pipe_tensor.sum", "inst", "1,000"),
               ("sm__sass_thread_inst_executed_op_ffma_pred_on.sum", "inst", "20"),
               ("sm__sass_thread_inst_executed_op_hfma_pred_on.sum", "inst", "200"),
               ("launch__registers_per_thread", "register/thread", "32")]
    wide = "==PROF== Connected to process 1234 (/usr/bin/python3)\n"
    wide += csv_row(ident + [m[0] for m in metrics])
    wide += csv_row([""] * len(ident) + [m[1] for m in metrics])
    for i, name in enumerate(["void gemm<float, 2>(float*, int)", 'void f<a, b>("x")']):
        wide += csv_row([i, 1234, "python3", "127.0.0.1", name, 1, 7, "(128, 1, 1)", "(80, 2, 1)", 0, "9.0"] +
                        [m[2] for m in metrics])
    wide += "==PROF== Disconnected from process 1234\n"
    write(f"{out}/wide_raw.csv", wide)

    long_header = ident + ["Section Name", "Metric Name", "Metric Unit", "Metric Value"]
    long = "==PROF== Connected to process 99\n" + csv_row(long_header)
    for kid, rows in [(0, [("GPU Speed Of Light Throughput", "Duration", "usecond", "2.34"),
                           ("GPU Speed Of Light Throughput", "SM Frequency", "Ghz", "1.75"),
                           ("Command line profiler metrics", "dram__bytes.sum", "Mbyte", "1,234.56"),
                           ("Command line profiler metrics", "lts__t_bytes.sum", "Gbyte", "1.5")]),
                      (1, [("GPU Speed Of Light Throughput", "Duration", "nsecond", "500"),
                           ("Command line profiler metrics", "lts__t_bytes.sum", "frobs", "7")])]:
        for section, name, unit, value in rows:
            long += csv_row([kid, 99, "app", "h", f"k{kid}", 1, 13, "(256, 1, 1)", "(1024, 1, 1)", 0, "9.0",
                             section, name, unit, value])
    write(f"{out}/long_details.csv", long)

    old = "program output line\n" + csv_row(["ID", "Process ID", "Process Name", "Host Name", "Kernel Name",
                                              "Kernel Time", "Context", "Stream", "Section Name", "Metric Name",
                                              "Metric Unit", "Metric Value"])
    old += csv_row([0, 1, "python3.7", "127.0.0.1", "k", "2020-Jun-09 12:15:27", 1, 26,
                    "Command line profiler metrics", "sm__inst_executed_pipe_tensor.sum", "inst", "10"])
    write(f"{out}/old_long.csv", old)
    write(f"{out}/no_metrics.csv", csv_row(["ID", "Kernel Name"]) + csv_row([0, "k"]))


# ---- rafter.trace/1 ----

def trace_seeds(out):
    doc = {
        "schema": "rafter.trace/1",
        "source": {"tool": "kineto", "version": "1", "file": "seed.json", "recorded": ["kernels", "ops"],
                   "not_recorded": ["metrics"], "warnings": ["1 event skipped"], "counters": {"skipped_events": 1}},
        "devices": [{"id": 0, "name": "NVIDIA H100 80GB HBM3", "cc_major": 9, "cc_minor": 0, "sm_count": 132,
                     "sm_clock_hz": 1.98e9, "memory_bytes": 85e9, "l2_bytes": 52428800}],
        "kernels": [
            {"id": 1, "name": "_Z4gemmPfS_", "demangled": "gemm(float*, float*)", "device": 0, "stream": 7,
             "start_ns": 1000, "end_ns": 1400, "grid": [80, 2, 1], "block": [128, 1, 1], "registers_per_thread": 32,
             "static_shared_bytes": 1024, "dynamic_shared_bytes": 2048, "correlation_id": 11, "graph_id": 3,
             "graph_node_id": 44, "op_id": 10,
             "metrics": {"flop": {"fp32.cuda_core": 640.0}, "bytes": {"dram": 4096.0, "l2": 8192.0},
                         "raw": {"dram__bytes.sum": 4096.0}, "sm_clock_hz": 1.7e9, "duration_s": 4e-7},
             "estimate": {"formula": "gemm", "precision": "fp32", "flop": 65536.0, "bytes": 12288.0, "op_id": 10,
                          "share": 1.0}},
            {"id": 2, "name": "k<&>", "device": 0, "stream": 7, "start_ns": 2000, "end_ns": 2000,
             "measured_times": False, "shared_bytes": 0},
        ],
        "copies": [{"id": 1, "kind": "h2d", "device": 0, "stream": 7, "bytes": 4096.0, "start_ns": 500,
                    "end_ns": 600, "correlation_id": 11, "memory": "pinned"}],
        "ranges": [{"id": 1, "name": "step", "domain": "default", "thread": 5, "start_ns": 100, "end_ns": 3000,
                    "depth": 0},
                   {"id": 2, "name": "fwd", "thread": 7, "device": 0, "start_ns": 900, "end_ns": 1500, "depth": 1}],
        "ops": [{"id": 10, "name": "aten::mm", "thread": 5, "start_ns": 200, "end_ns": 250,
                 "input_dims": [[64, 32], [32, 16]], "input_types": ["float", "float"], "concrete_inputs": ["", ""]},
                {"id": 11, "name": "aten::relu", "thread": 5, "start_ns": 210, "end_ns": 220, "parent_id": 10}],
    }
    write(f"{out}/full.json", json.dumps(doc, indent=1))
    write(f"{out}/minimal.json", json.dumps({"schema": "rafter.trace/1", "source": {"tool": "rafter"},
                                             "kernels": []}))
    write(f"{out}/other_kind.json", json.dumps({"schema": "rafter.machine/1"}))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    kineto_seeds(f"{out}/kineto")
    nsys_seeds(f"{out}/nsys")
    ncu_seeds(f"{out}/ncu")
    trace_seeds(f"{out}/trace_json")


if __name__ == "__main__":
    main()
