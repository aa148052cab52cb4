/*
 * Scheduler modes and degraded operation (spec §9.3, DC-6). Changes need the
 * caller's global scheduler lock; each is witnessed before it takes effect and
 * reaches every CPU at its next hot-path call.
 *  - Flow: priority = deadline urgency + pressure boost, every partition eligible.
 *  - Reflex: only RVM_SCHED_PART_REALTIME partitions run, ordered by static
 *    priority then urgency (deterministic, pressure ignored); the kernel holds
 *    cross-partition IPC back while rvm_sched_ipc_allowed says so.
 *  - Recovery: only RVM_SCHED_PART_RECOVERY partitions run (control partition,
 *    replay, rollback, reconstruction), in Flow's order.
 *  - Degraded (any mode): the pressure boost counts as 0 and placement is static.
 * Partitions not eligible in the current mode stay queued until it changes.
 */
#ifndef RVM_SCHED_MODE_H
#define RVM_SCHED_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/sched.h>

typedef enum rvm_sched_degraded_reason {
    RVM_SCHED_DEGRADED_NONE = 0,
    RVM_SCHED_DEGRADED_COHERENCE_UNAVAILABLE = 1,
    RVM_SCHED_DEGRADED_MINCUT_BUDGET_EXCEEDED = 2,
    RVM_SCHED_DEGRADED_RECOVERY_TRIGGERED = 3,
} rvm_sched_degraded_reason_t;

/*
 * Switches mode, witnessing SchedulerModeSwitch (actor, payload[0] = old,
 * [1] = new) first. RVM_ERR_INVALID_ARGUMENT for an unknown mode,
 * RVM_ERR_INVALID_PARTITION_STATE if already in it, the log's error if the
 * witness cannot be appended (the mode then stays).
 */
rvm_err_t rvm_sched_set_mode(rvm_sched_t *s, rvm_partition_id_t actor, uint8_t mode);

/* Current mode (rvm_sched_mode_t). */
rvm_sched_mode_t rvm_sched_mode(const rvm_sched_t *s);

/*
 * Enters degraded mode, witnessing DegradedModeEntered (payload[0] = reason,
 * [1..5] = epoch) first. RVM_ERR_INVALID_ARGUMENT for an unknown reason,
 * RVM_ERR_INVALID_PARTITION_STATE when already degraded, the log's error.
 */
rvm_err_t rvm_sched_enter_degraded(rvm_sched_t *s, uint8_t reason);

/*
 * Leaves degraded mode, witnessing DegradedModeExited (payload as on entry).
 * RVM_ERR_INVALID_PARTITION_STATE when not degraded; RVM_ERR_UNSUPPORTED
 * without a coherence engine, whose pressure could not be trusted (DC-1).
 */
rvm_err_t rvm_sched_exit_degraded(rvm_sched_t *s);

/* True in degraded mode; `reason` and `since_epoch` (either may be NULL) describe it. */
bool rvm_sched_is_degraded(const rvm_sched_t *s, uint8_t *reason, uint32_t *since_epoch);

/* False in Reflex mode: no cross-partition IPC is delivered during a Reflex slice. */
bool rvm_sched_ipc_allowed(const rvm_sched_t *s);

#endif
