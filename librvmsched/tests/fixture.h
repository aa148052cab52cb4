/* Shared set-up for the librvmsched tests: a scheduler over heap storage and a witness log. */
#ifndef RVMSCHED_TEST_FIXTURE_H
#define RVMSCHED_TEST_FIXTURE_H

#include <check.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/sched.h>
#include <rvm/sched_epoch.h>
#include <rvm/sched_mode.h>
#include <rvm/sched_smp.h>
#include <rvm/witness_log.h>

typedef struct fixture {
    rvm_sched_t s;
    rvm_sched_storage_t st;
    rvm_witness_log_t log;
    rvm_witness_record_t *records;
} fixture_t;

#define FX_ALL_CPUS (~0ull)

/* Scheduler over `cpus` CPUs and `parts` partition slots, a log of `log_capacity` records; `cfg` NULL = defaults.
 * Brings `online` CPUs (0..online-1) up. */
void fx_open(fixture_t *f, uint16_t cpus, uint16_t parts, uint32_t log_capacity, uint8_t full_policy,
             const rvm_sched_config_t *cfg, uint16_t online);
void fx_close(fixture_t *f);

/* Registers a best-effort partition with the given flags, static priority and affinity; must succeed. */
void fx_part(fixture_t *f, rvm_partition_id_t pid, uint8_t flags, uint8_t prio, uint64_t affinity);
/* Registers and places a best-effort partition on `cpu`; must succeed. */
void fx_part_on(fixture_t *f, rvm_partition_id_t pid, uint16_t cpu);
/* Picks on `cpu` and returns the partition chosen; fails the test on error. */
rvm_partition_id_t fx_pick(fixture_t *f, uint16_t cpu);

/* Records appended so far, and a copy of the one with sequence `seq`. */
uint64_t fx_records(const fixture_t *f);
rvm_witness_record_t fx_record(const fixture_t *f, uint64_t seq);

/* Runs a Check suite and turns its failures into the exit status. */
int fx_run_suite(Suite *s);

#endif
