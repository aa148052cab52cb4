#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <stdlib.h>
#include <time.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

uint64_t bench_rand(uint64_t *state)
{
    /* splitmix64 */
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void bench_run(const bench_spec_t *spec, bench_result_t *out)
{
    double *samples = calloc(spec->batches, sizeof *samples);
    if (samples == NULL) {
        abort();
    }
    uint64_t first = 0;
    if (spec->prepare != NULL) {
        spec->prepare(spec->ctx, first, spec->ops_per_batch);
    }
    spec->batch(spec->ctx, first, spec->ops_per_batch);
    first += spec->ops_per_batch;
    for (uint64_t b = 0; b < spec->batches; b++) {
        if (spec->prepare != NULL) {
            spec->prepare(spec->ctx, first, spec->ops_per_batch);
        }
        uint64_t t0 = now_ns();
        spec->batch(spec->ctx, first, spec->ops_per_batch);
        uint64_t t1 = now_ns();
        first += spec->ops_per_batch;
        double ns_per_op = (double)(t1 - t0) / (double)spec->ops_per_batch;
        /* MB/s (10^6 bytes per second) when the bench is a throughput one. */
        samples[b] = spec->bytes_per_op ? (double)spec->bytes_per_op * 1e3 / ns_per_op : ns_per_op;
    }
    qsort(samples, spec->batches, sizeof *samples, cmp_double);
    out->name = spec->name;
    out->unit = spec->bytes_per_op ? "MB/s" : "ns/op";
    out->impl = spec->impl;
    out->median = samples[spec->batches / 2];
    out->min = samples[0];
    out->max = samples[spec->batches - 1];
    out->n = spec->batches * spec->ops_per_batch * (spec->n_per_op ? spec->n_per_op : 1);
    free(samples);
}
