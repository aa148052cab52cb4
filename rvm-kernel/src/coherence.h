/*
 * The kernel's coherence pipeline (spec §11, ADR-141): communication feeds
 * librvmcoh's graph of partitions, and a graph of tasks beside it; once per
 * scheduler epoch, on CPU 0 between the epoch's close and the next pick, the
 * engine decays and rescores under the DC-2 time budget, the scores and
 * pressures go to the partition records, the scheduler's boost and the
 * memory tiers' cut values, and a recommendation becomes a split or a merge
 * of task-hosting partitions (task.h carries it out).
 *
 * An image built without librvmcoh (DC-1: meson option coherence=false, or
 * the placement-static test image) links coherence_off.c instead: nothing is
 * observed, nothing moves, and the scheduler runs degraded (pressure
 * ignored); everything else is unchanged.
 */
#ifndef RVM_KERNEL_COHERENCE_H
#define RVM_KERNEL_COHERENCE_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>

/* Whether the engine is in this build. */
bool rvm_coherence_enabled(void);
/* Starts the engine, before any partition exists. */
rvm_err_t rvm_coherence_init(void);
/* Partition `pid` exists from now on / has ended: a node of the graph, or no longer. */
void rvm_coherence_partition_added(uint32_t pid);
void rvm_coherence_partition_removed(uint32_t pid);
/*
 * One message from partition `from` to `to` (the same one: traffic inside a
 * partition, a self-loop); between tasks `from_task` -> `to_task` when both
 * are task ids (< RVM_HC_TASK_MAX), otherwise RVM_COHERENCE_NO_TASK.
 */
#define RVM_COHERENCE_NO_TASK 0xFFFFFFFFu
void rvm_coherence_message(uint32_t from, uint32_t to, uint32_t from_task, uint32_t to_task);
/* Tasks moved between partitions: the partition graph is rebuilt from the task graph. */
void rvm_coherence_tasks_moved(void);
/* The score the merge of `a` and `b` is predicted to have (DC-11); NOT_FOUND (score 0) without the engine. */
rvm_err_t rvm_coherence_predicted(uint32_t a, uint32_t b, uint32_t *score);
/*
 * CPU 0's epoch boundary: `load_percent` of the CPUs' time was busy during
 * the last epoch. Unless built with RVM_COHERENCE_AUTO=0 (the engine then
 * only observes), a recommendation passes the gate as the hypervisor's and
 * is queued (task.h).
 */
void rvm_coherence_epoch(uint64_t epoch, uint32_t load_percent);

#endif
