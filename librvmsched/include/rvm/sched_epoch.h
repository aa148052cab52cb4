/* Scheduler epochs (spec §9.4, DC-10): switches are counted, not witnessed; one summary witness per epoch. */
#ifndef RVM_SCHED_EPOCH_H
#define RVM_SCHED_EPOCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/sched.h>
#include <rvm/sched_types.h>

/* SchedulerEpoch `flags` bits. */
#define RVM_SCHED_EPOCH_FLAG_DEGRADED 0x01u     /* the epoch ended in degraded mode */
#define RVM_SCHED_EPOCH_FLAG_OVER_BUDGET 0x02u  /* more switches than the epoch config allows */

typedef struct rvm_sched_epoch_summary {
    rvm_epoch_summary_t base;  /* epoch, switch count and runnable count, each saturated to its width */
    uint32_t switch_time_us;   /* total reported switch cost, saturated */
    bool degraded;
    bool over_budget;
} rvm_sched_epoch_summary_t;

/*
 * Closes the current epoch: sums every CPU's switches and switch time since
 * the last tick and the partitions queued now, appends one SchedulerEpoch
 * witness (target = epoch, payload[0..2] switches, [2..4] runnable, [4..8]
 * switch time in µs, little-endian; flags RVM_SCHED_EPOCH_FLAG_*) and only
 * then starts the next epoch. On a witness failure nothing changes and the
 * log's error is returned. `out` may be NULL. Global lock.
 */
rvm_err_t rvm_sched_tick_epoch(rvm_sched_t *s, rvm_sched_epoch_summary_t *out);

/* Number of the epoch in progress (0 first, wrapping). */
uint32_t rvm_sched_epoch(const rvm_sched_t *s);

/* Epoch length the timer should use, from the config. */
uint64_t rvm_sched_epoch_interval_ns(const rvm_sched_t *s);

#endif
