/* The benchmark groups; each appends its results and returns how many. */
#ifndef RVM_BENCHES_H
#define RVM_BENCHES_H

#include <stddef.h>

#include "harness.h"

#define BENCH_MAX_RESULTS 64

size_t bench_hash(bench_result_t *out);
size_t bench_witness(bench_result_t *out);
size_t bench_cap(bench_result_t *out);
size_t bench_mem(bench_result_t *out);
size_t bench_sched(bench_result_t *out);
size_t bench_ipc(bench_result_t *out);
size_t bench_proof(bench_result_t *out);
size_t bench_ed25519(bench_result_t *out);
size_t bench_sec(bench_result_t *out);
size_t bench_coh(bench_result_t *out);

#endif
