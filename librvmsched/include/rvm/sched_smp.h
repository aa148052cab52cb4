/*
 * SMP coordination (spec §9.6): CPU online/offline, placement of partitions
 * on CPUs, migration and a rebalance hint. Every call here needs the caller's
 * global scheduler lock; rvm_sched_migrate also touches two CPUs' queues (see
 * the locking contract in rvm/sched.h).
 */
#ifndef RVM_SCHED_SMP_H
#define RVM_SCHED_SMP_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/sched.h>

/* Brings a CPU up. RVM_ERR_RESOURCE_LIMIT_EXCEEDED beyond cpu_count, RVM_ERR_INVALID_PARTITION_STATE if online. */
rvm_err_t rvm_sched_cpu_online(rvm_sched_t *s, uint16_t cpu);

/*
 * Takes a CPU down. RVM_ERR_RESOURCE_LIMIT_EXCEEDED beyond cpu_count;
 * RVM_ERR_INVALID_PARTITION_STATE if it is offline, runs a partition or still
 * has partitions placed on it (migrate them first).
 */
rvm_err_t rvm_sched_cpu_offline(rvm_sched_t *s, uint16_t cpu);

/* True when `cpu` is a valid, online CPU. */
bool rvm_sched_cpu_is_online(const rvm_sched_t *s, uint16_t cpu);

/* Online CPUs. */
uint16_t rvm_sched_active_count(const rvm_sched_t *s);

/* Partitions placed on `cpu`. RVM_ERR_RESOURCE_LIMIT_EXCEEDED for a bad CPU index. */
rvm_err_t rvm_sched_cpu_load(const rvm_sched_t *s, uint16_t cpu, uint32_t *placed);

/*
 * Places a partition on the CPU of its choice: the online CPU in its affinity
 * with the fewest placed partitions (lowest index on ties), in degraded mode
 * too: DC-6's static affinity means a placement is never revised by the
 * coherence graph, not that load is ignored.
 * RVM_ERR_PARTITION_NOT_FOUND; RVM_ERR_INVALID_PARTITION_STATE if already
 * placed; RVM_ERR_NOT_FOUND when no CPU of its affinity is online;
 * RVM_ERR_RESOURCE_LIMIT_EXCEEDED when all of those are full.
 */
rvm_err_t rvm_sched_place(rvm_sched_t *s, rvm_partition_id_t pid, uint16_t *cpu_out);

/*
 * Places a partition on a given CPU. Errors as rvm_sched_place, plus
 * RVM_ERR_RESOURCE_LIMIT_EXCEEDED for a bad CPU index or a full CPU,
 * RVM_ERR_INVALID_PARTITION_STATE for an offline CPU and
 * RVM_ERR_INVALID_ARGUMENT for a CPU outside its affinity.
 */
rvm_err_t rvm_sched_place_on(rvm_sched_t *s, rvm_partition_id_t pid, uint16_t cpu);

/* CPU a partition is placed on, RVM_SCHED_NO_CPU if none. RVM_ERR_PARTITION_NOT_FOUND. */
rvm_err_t rvm_sched_cpu_of(const rvm_sched_t *s, rvm_partition_id_t pid, uint16_t *cpu);

/*
 * Moves a placed partition to CPU `to`, together with its queue entry if it is
 * queued (it keeps its urgency and boost). RVM_ERR_PARTITION_NOT_FOUND;
 * RVM_ERR_INVALID_PARTITION_STATE if it is unplaced, running, already on `to`,
 * or `to` is offline; RVM_ERR_INVALID_ARGUMENT for `to` outside its affinity;
 * RVM_ERR_RESOURCE_LIMIT_EXCEEDED for a bad index or a full `to`.
 */
rvm_err_t rvm_sched_migrate(rvm_sched_t *s, rvm_partition_id_t pid, uint16_t to);

/* First online CPU running nothing. RVM_ERR_NOT_FOUND if there is none. */
rvm_err_t rvm_sched_find_idle_cpu(const rvm_sched_t *s, uint16_t *cpu);

/*
 * Suggests moving work from the online CPU with the longest queue to the one
 * with the shortest, when they differ by at least two. RVM_ERR_NOT_FOUND when
 * the queues are balanced. Cooperative: nothing is moved.
 */
rvm_err_t rvm_sched_rebalance_hint(const rvm_sched_t *s, uint16_t *from, uint16_t *to);

#endif
