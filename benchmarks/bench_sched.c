/* Scheduler hot path: one enqueue (periodic urgency) and one pick-next on a CPU with 32 partitions. */
#include <stdlib.h>

#include <rvm/sched.h>
#include <rvm/sched_smp.h>
#include <rvm/witness_log.h>

#include "benches.h"

#define PARTS RVM_SCHED_QUEUE_CAP

RVM_SCHED_STORAGE_DEFINE(bench_sched_storage, 1, PARTS);

typedef struct sched_ctx {
    rvm_sched_t s;
    rvm_witness_log_t log;
    rvm_witness_record_t *ring;
    rvm_partition_id_t current;
} sched_ctx_t;

static void must(rvm_err_t e)
{
    if (e != RVM_OK) {
        abort();
    }
}

/*
 * The running partition goes back to the queue with its urgency at the
 * current time (one modulo and one division), then the best of 32 is picked.
 * Time advances 37 µs per operation, so urgencies and the order keep changing.
 */
static void enqueue_pick(void *c, uint64_t first, uint64_t ops)
{
    sched_ctx_t *x = c;
    rvm_partition_id_t prev = 0;
    rvm_partition_id_t next = x->current;
    for (uint64_t i = first; i < first + ops; i++) {
        must(rvm_sched_enqueue(&x->s, 0, next, i * 37000u));
        must(rvm_sched_pick_next(&x->s, 0, &prev, &next));
    }
    x->current = next;
    bench_sink(prev);
}

size_t bench_sched(bench_result_t *out)
{
    static sched_ctx_t x;
    x.ring = aligned_alloc(64, 64 * sizeof(rvm_witness_record_t));
    if (x.ring == NULL) {
        abort();
    }
    must(rvm_witness_log_init(&x.log, x.ring, 64, NULL));
    rvm_sched_config_t cfg;
    rvm_sched_config_default(&cfg, 1);
    cfg.max_per_cpu = PARTS;
    must(rvm_sched_init(&x.s, &bench_sched_storage, &cfg, &x.log));
    must(rvm_sched_cpu_online(&x.s, 0));
    uint64_t seed = 7;
    for (rvm_partition_id_t p = 1; p <= PARTS; p++) {
        /* Periods of 1..16 ms with deadlines of a half to the whole period, some best-effort. */
        uint64_t period = (1 + bench_rand(&seed) % 16) * 1000000u;
        uint64_t deadline = period / 2 + bench_rand(&seed) % (period / 2);
        rvm_sched_part_config_t pc = { .timing = { period, deadline, bench_rand(&seed) % period },
                                       .affinity = 1 };
        if (p % 8 == 0) {
            pc.timing = (rvm_sched_timing_t){ 0, 0, 0 };
        }
        must(rvm_sched_register(&x.s, p, &pc));
        must(rvm_sched_place_on(&x.s, p, 0));
        must(rvm_sched_set_pressure(&x.s, p, (uint32_t)(bench_rand(&seed) % 10001)));
        must(rvm_sched_enqueue(&x.s, 0, p, 0));
    }
    rvm_partition_id_t prev = 0;
    must(rvm_sched_pick_next(&x.s, 0, &prev, &x.current));

    /* Short batches (about 0.25 ms): on a loaded machine a preemption inside a batch would add tens of
     * ns per operation to it, and the median must stay clear of those batches. */
    bench_spec_t s = { .name = "sched_enqueue_pick", .batch = enqueue_pick, .ctx = &x, .ops_per_batch = 10000,
                       .batches = 1001 };
    bench_run(&s, &out[0]);
    free(x.ring);
    return 1;
}
