/* Benchmark harness: batches of operations timed with the monotonic clock. */
#ifndef RVM_BENCH_HARNESS_H
#define RVM_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Runs `ops` operations of the benchmark starting at `first`; returns 0. */
typedef void (*bench_batch_fn)(void *ctx, uint64_t first, uint64_t ops);

typedef struct bench_spec {
    const char *name;
    const char *impl;       /* implementation that ran, or NULL */
    bench_batch_fn batch;   /* the timed body */
    bench_batch_fn prepare; /* untimed set-up before each batch, or NULL */
    void *ctx;
    uint64_t ops_per_batch;
    uint64_t batches;
    /* Throughput benches report MB/s: bytes each operation processes. 0 = ns/op. */
    uint64_t bytes_per_op;
    /* Operations counted toward n per timed operation (e.g. blocks per hash). */
    uint64_t n_per_op;
} bench_spec_t;

typedef struct bench_result {
    const char *name;
    const char *unit;
    const char *impl;
    double median;
    double min;
    double max;
    uint64_t n;
} bench_result_t;

/* Runs one benchmark: a warm-up batch, then `batches` timed ones. */
void bench_run(const bench_spec_t *spec, bench_result_t *out);

/* Keeps `v` alive without the optimiser being able to see through it. */
static inline void bench_sink(uint64_t v)
{
    __asm__ volatile("" : : "r"(v) : "memory");
}

/* Deterministic generator for inputs the optimiser cannot predict. */
uint64_t bench_rand(uint64_t *state);

#endif
