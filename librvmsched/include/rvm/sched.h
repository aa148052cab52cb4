/*
 * The scheduler instance (spec §9): partitions registered with their timing,
 * one run queue per CPU, and the hot path that enqueues and picks.
 *
 * Locking contract (the library takes no lock of its own):
 *  - Hot path: rvm_sched_enqueue, rvm_sched_enqueue_urgency, rvm_sched_pick_next,
 *    rvm_sched_release and rvm_sched_switch_cost touch only the queue of the CPU
 *    they name and the partitions placed on it. Call them on that CPU with
 *    interrupts masked; CPUs never need a common lock for them. A partition is
 *    enqueued only on the CPU it is placed on, so waking one that lives on
 *    another CPU is that CPU's job (send it an IPI).
 *  - Cold path: every other call that changes state (registration, placement,
 *    migration, CPU online/offline, mode and degraded changes, the epoch tick)
 *    needs the caller's global scheduler lock. rvm_sched_migrate and
 *    rvm_sched_unregister additionally touch a CPU's queue: the caller must also
 *    keep the CPUs involved out of their hot path (their per-CPU lock, or run it
 *    on the owning CPU).
 *  - rvm_sched_set_pressure may be called from any CPU without the global lock,
 *    for a partition that stays registered meanwhile.
 *  - Values other CPUs read without a lock (queue length, current partition,
 *    switch counters, pressure, mode) are single-writer words accessed with
 *    __atomic builtins; a mode change reaches every CPU at its next hot-path call.
 */
#ifndef RVM_SCHED_H
#define RVM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/sched_priority.h>
#include <rvm/sched_types.h>
#include <rvm/witness_log.h>

/* Run-queue entries per CPU (spec §9.2: 32). */
#ifndef RVM_SCHED_QUEUE_CAP
#define RVM_SCHED_QUEUE_CAP 32u
#endif
_Static_assert(RVM_SCHED_QUEUE_CAP >= 1u && RVM_SCHED_QUEUE_CAP <= 0xFFFFu, "queue capacity fits a u16");

/* CPUs a scheduler can drive: one bit each in a partition's affinity mask. */
#define RVM_SCHED_MAX_CPUS 64u
/* Partitions placed on one CPU by default (ADR-139 per-core cap). */
#define RVM_SCHED_DEFAULT_MAX_PER_CPU 8u
/* "No CPU": a partition not yet placed. */
#define RVM_SCHED_NO_CPU 0xFFFFu
/* Entries of the partition-id index: one per logical id, 0..RVM_PARTITION_ID_MAX_LOGICAL. */
#define RVM_SCHED_INDEX_LEN (RVM_PARTITION_ID_MAX_LOGICAL + 1u)

/* Partition flags. */
#define RVM_SCHED_PART_REALTIME 0x01u /* eligible in Reflex mode */
#define RVM_SCHED_PART_RECOVERY 0x02u /* eligible in Recovery mode: the control partition and recovery work */
#define RVM_SCHED_PART_FLAGS_ALL 0x03u

typedef struct rvm_sched_part_config {
    rvm_sched_timing_t timing;
    uint64_t affinity;       /* bit n set: may run on CPU n; must name at least one CPU the scheduler has */
    uint8_t flags;           /* RVM_SCHED_PART_* */
    uint8_t static_priority; /* rvm_priority_t; orders partitions in Reflex mode, before urgency */
} rvm_sched_part_config_t;

/* One queued partition. The key orders the heap: eligible bit, priority, then FIFO among equals. */
typedef struct rvm_sched_entry {
    uint64_t key;
    uint32_t pressure_q16; /* boost captured at enqueue */
    uint16_t slot;         /* partition table slot */
    uint16_t urgency;      /* deadline urgency captured at enqueue */
} rvm_sched_entry_t;

/* Per-CPU state; fields are private, read them through the accessors. */
typedef struct rvm_sched_cpu {
    /* Written only by the owning CPU on the hot path. */
    _Alignas(64) uint32_t len;
    uint32_t policy_seen;      /* policy word the keys in `heap` were computed under */
    uint32_t seq;              /* enqueue counter: FIFO order among equal priorities */
    rvm_partition_id_t current; /* 0 = idle */
    uint64_t switches;         /* monotonic count of changes of the running partition */
    uint64_t switch_ns;        /* monotonic total of reported switch costs */
    rvm_sched_entry_t heap[RVM_SCHED_QUEUE_CAP];
    /* Cold path, under the global lock. */
    _Alignas(64) uint32_t placed; /* partitions placed on this CPU */
    uint8_t online;
    uint64_t epoch_base_switches; /* `switches` at the last epoch tick */
    uint64_t epoch_base_ns;
    uint64_t epoch_snap_switches; /* read by the tick in progress */
    uint64_t epoch_snap_ns;
} rvm_sched_cpu_t;

/* Per-partition state; private. */
typedef struct rvm_sched_part {
    rvm_partition_id_t pid; /* 0: free slot */
    uint16_t home;          /* CPU it is placed on, or RVM_SCHED_NO_CPU */
    uint8_t flags;
    uint8_t static_priority;
    uint8_t queued;         /* written by the home CPU */
    uint32_t pressure_q16;  /* written by rvm_sched_set_pressure from any CPU */
    uint64_t affinity;
    rvm_sched_timing_t timing;
} rvm_sched_part_t;

/* Caller-provided storage; RVM_SCHED_STORAGE_DEFINE builds one statically. */
typedef struct rvm_sched_storage {
    rvm_sched_cpu_t *cpus;
    uint16_t cpu_capacity;
    rvm_sched_part_t *parts;
    uint16_t part_capacity; /* at most 0xFFFE */
    uint16_t *index;        /* RVM_SCHED_INDEX_LEN entries: partition id -> slot + 1 */
} rvm_sched_storage_t;

#define RVM_SCHED_STORAGE_DEFINE(name, ncpus, nparts)                                              \
    static rvm_sched_cpu_t name##_cpus[(ncpus)];                                                   \
    static rvm_sched_part_t name##_parts[(nparts)];                                                \
    static uint16_t name##_index[RVM_SCHED_INDEX_LEN];                                             \
    static const rvm_sched_storage_t name = { name##_cpus, (ncpus), name##_parts, (nparts), name##_index }

typedef struct rvm_sched_config {
    uint16_t cpu_count;      /* CPUs driven: 1..min(storage, RVM_SCHED_MAX_CPUS) */
    uint16_t max_per_cpu;    /* partitions placed per CPU: 1..RVM_SCHED_QUEUE_CAP */
    uint16_t boost_max;      /* boost at pressure 10000 bp: at most 0xFFFF */
    bool coherence_present;  /* false: start degraded, pressure ignored (DC-1) */
    rvm_epoch_config_t epoch; /* interval > 0, max_switches > 0 */
} rvm_sched_config_t;

/* Instance state; private. */
typedef struct rvm_sched {
    rvm_sched_cpu_t *cpus;
    rvm_sched_part_t *parts;
    uint16_t *index;
    uint16_t cpu_count;
    uint16_t part_capacity;
    uint16_t max_per_cpu;
    uint16_t boost_max;
    uint32_t policy;          /* generation << 8 | degraded << 2 | mode */
    uint32_t epoch;
    uint32_t degraded_since;
    uint8_t degraded_reason;
    bool coherence_present;
    rvm_epoch_config_t epoch_cfg;
    rvm_witness_log_t *log;
} rvm_sched_t;

/* Every CPU of `cpu_count` (clamped to RVM_SCHED_MAX_CPUS), 8 per CPU, boost 1024, coherence present, §3.9 epochs. */
void rvm_sched_config_default(rvm_sched_config_t *cfg, uint16_t cpu_count);

/*
 * Binds a scheduler to storage (cleared here) and a witness log. All CPUs
 * start offline, the mode is Flow. Without a coherence engine it starts
 * degraded and witnesses DegradedModeEntered; RVM_ERR_INVALID_ARGUMENT for bad
 * storage or config, the log's error if that witness cannot be appended.
 */
rvm_err_t rvm_sched_init(rvm_sched_t *s, const rvm_sched_storage_t *st, const rvm_sched_config_t *cfg,
                         rvm_witness_log_t *log);

/*
 * Registers a partition (not yet placed on a CPU). RVM_ERR_INVALID_ARGUMENT
 * for a bad id, timing, flags or an affinity naming none of the scheduler's
 * CPUs; RVM_ERR_INVALID_PARTITION_STATE if it is registered already;
 * RVM_ERR_PARTITION_LIMIT_EXCEEDED when the table is full.
 */
rvm_err_t rvm_sched_register(rvm_sched_t *s, rvm_partition_id_t pid, const rvm_sched_part_config_t *cfg);

/* Forgets a partition. RVM_ERR_PARTITION_NOT_FOUND; RVM_ERR_INVALID_PARTITION_STATE while queued or running. */
rvm_err_t rvm_sched_unregister(rvm_sched_t *s, rvm_partition_id_t pid);

/*
 * Records a partition's cut pressure in bp, converted to its boost
 * (rvm_sched_pressure_boost); it takes effect at its next enqueue.
 * RVM_ERR_PARTITION_NOT_FOUND, RVM_ERR_INVALID_ARGUMENT for bp > 10000.
 */
rvm_err_t rvm_sched_set_pressure(rvm_sched_t *s, rvm_partition_id_t pid, uint32_t pressure_bp);

/*
 * Queues a partition on `cpu` with its deadline urgency at `now_ns`.
 * RVM_ERR_RESOURCE_LIMIT_EXCEEDED for a CPU index beyond cpu_count,
 * RVM_ERR_INVALID_PARTITION_STATE for an offline CPU, a partition placed
 * elsewhere or not at all, or one already queued; RVM_ERR_PARTITION_NOT_FOUND.
 */
rvm_err_t rvm_sched_enqueue(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t pid, uint64_t now_ns);

/* As rvm_sched_enqueue with a caller-supplied urgency instead of the periodic one (the reference's API). */
rvm_err_t rvm_sched_enqueue_urgency(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t pid, uint16_t urgency);

/*
 * Pops the highest-priority partition eligible in the current mode and makes
 * it the CPU's running partition; `prev` gets the partition it replaces (0 if
 * the CPU was idle), which is not re-queued. RVM_ERR_NOT_FOUND when no queued
 * partition may run now (nothing changes); bad or offline CPU as for enqueue.
 */
rvm_err_t rvm_sched_pick_next(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t *prev, rvm_partition_id_t *next);

/* Makes the CPU idle; `prev` gets the partition that was running. RVM_ERR_INVALID_PARTITION_STATE when idle. */
rvm_err_t rvm_sched_release(rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t *prev);

/* Adds the measured cost of one context switch on `cpu` to the epoch's total (§9.5). */
rvm_err_t rvm_sched_switch_cost(rvm_sched_t *s, uint16_t cpu, uint64_t elapsed_ns);

/* Partitions queued on `cpu`. RVM_ERR_RESOURCE_LIMIT_EXCEEDED for a bad CPU index. */
rvm_err_t rvm_sched_queue_len(const rvm_sched_t *s, uint16_t cpu, uint32_t *len);

/* Partition running on `cpu`, 0 when idle. RVM_ERR_RESOURCE_LIMIT_EXCEEDED for a bad CPU index. */
rvm_err_t rvm_sched_running(const rvm_sched_t *s, uint16_t cpu, rvm_partition_id_t *pid);

#endif
