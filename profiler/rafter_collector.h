/* C API of rafter's CUPTI collector (librafter_inject.so), for programs that bracket a region
 * or flush the trace themselves. Configured by the RAFTER_TRACE_* environment variables
 * (profiler/collector_config.hpp); the trace goes to RAFTER_TRACE_OUTPUT (default
 * rafter-trace.json). No call ever fails the program: when CUPTI cannot trace, one warning is
 * printed on stderr and the calls do nothing but write an empty trace that says why. */
#ifndef RAFTER_COLLECTOR_H
#define RAFTER_COLLECTOR_H

#ifdef __cplusplus
extern "C" {
#endif

#define RAFTER_C_API __attribute__((visibility("default")))

/* Enables activity tracing; returns 1 when tracing, 0 when CUPTI cannot trace here. */
RAFTER_C_API int rafter_start(void);
/* Disables tracing, flushes CUPTI's buffers and writes the trace. */
RAFTER_C_API void rafter_stop(void);
/* Flushes CUPTI's buffers and writes the trace so far; tracing continues. */
RAFTER_C_API void rafter_flush(void);

#ifdef __cplusplus
}
#endif

#endif /* RAFTER_COLLECTOR_H */
