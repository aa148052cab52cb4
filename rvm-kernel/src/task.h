/*
 * Tasks: the units of work the kernel places in partitions and moves between
 * them along the communication graph (rvm/hypercall.h, RVM_HC_TASK_*).
 *
 * A task is a page of state at its own IPA (mapped only in the partition
 * hosting it), an inbox in the kernel and a place in librvmpart's task and
 * region lists of its host. Every partition of a task image runs the same
 * task runtime, so moving a task is moving its page. Messages between tasks
 * go through the kernel: into the inbox directly inside one partition, over
 * a librvmpart channel between two; either way the coherence engine sees
 * them, and nothing is dropped (a full queue makes the sender retry).
 *
 * The coherence engine's decisions become pending operations: a split of a
 * partition into two along the minimum cut of its tasks' traffic, or a
 * merge of one partition into another. The partition that gives tasks up
 * carries its operation out at its next TASK_SYNC, the safe point where its
 * runtime touches no task page: channels drained into the inboxes, then a
 * P2-gated librvmpart split or merge (witnessed), pages remapped, the
 * coherence graph rebuilt. DC-7: an operation whose partition does not reach
 * that point within RVM_TASK_MIGRATION_TIMEOUT_MS is abandoned, witnessed
 * (MigrationTimeout), and nothing has moved.
 */
#ifndef RVM_KERNEL_TASK_H
#define RVM_KERNEL_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/err.h>
#include <rvm/trap_frame.h>

#include "vm.h"

/* Tasks of this image (a build define of the task images; 0: no tasks, TASK_* answer NOT_FOUND). */
#ifndef RVM_TASKS
#define RVM_TASKS 0u
#endif
/* Configured partitions before this index host no tasks (a control partition, say). */
#ifndef RVM_TASK_FIRST_HOST
#define RVM_TASK_FIRST_HOST 0u
#endif
#define RVM_TASK_MIGRATION_TIMEOUT_MS 100u

/* Once the partitions and their domains exist: each task gets its page and a host, round-robin over them
 * from RVM_TASK_FIRST_HOST on. */
rvm_err_t rvm_task_setup(void);
/* RVM_HC_TASK_* for `caller`; returns the status it set (negative: refused). */
int64_t rvm_task_call(rvm_trap_frame_t *f, rvm_vm_t *caller, uint32_t call);
/* Number of tasks, and the partition hosting task `t` (0: none). */
uint32_t rvm_task_count(void);
uint32_t rvm_task_host(uint32_t t);
/* Tasks partition `pid` hosts. */
uint32_t rvm_task_hosted(uint32_t pid);
/* True while an operation waits for its partition's safe point: nothing new is queued meanwhile. */
bool rvm_task_busy(void);
/*
 * Whether an operation can be queued now (checked before the gate, so that a
 * malformed or untimely request spends no proof): a split of `pid` giving
 * the tasks in `b_tasks` to a new half; a merge of `absorbed` into
 * `absorber`, both hosting tasks; a move of task `t` from `from` to `to`.
 * INVALID_PARTITION_STATE while another waits, INVALID_ARGUMENT otherwise.
 */
rvm_err_t rvm_task_check_split(uint32_t pid, uint32_t b_tasks);
rvm_err_t rvm_task_check_merge(uint32_t absorber, uint32_t absorbed);
rvm_err_t rvm_task_check_move(uint32_t t, uint32_t from, uint32_t to);
/*
 * Queue an operation the gate authorised: `caller` (0: the hypervisor) and
 * its capability `authority` go on to librvmpart, which checks them again.
 * A split's cut was computed in `epoch`; a merge's result is predicted to
 * score `predicted` bp.
 */
void rvm_task_request_split(uint32_t caller, rvm_cap_handle_t authority, uint32_t pid, uint32_t b_tasks,
                            uint64_t epoch);
void rvm_task_request_merge(uint32_t caller, rvm_cap_handle_t authority, uint32_t absorber, uint32_t absorbed,
                            uint32_t predicted);
void rvm_task_request_move(uint32_t caller, uint32_t t, uint32_t to);
/* The scheduler epoch as of CPU 0's last tick. */
uint64_t rvm_task_epoch_now(void);
/* CPU 0's epoch boundary: message counts per epoch, and operations past their time abandoned. */
void rvm_task_epoch(uint64_t epoch);
/* `p` is ending: the tasks it still hosts end with it and their pages go back. */
void rvm_task_partition_ended(rvm_vm_t *p);
/* At shutdown: one line with the run's message counts and structural changes. */
void rvm_task_report(void);

#endif
