/*
 * The partition manager (spec §8.1, §8.2): the partition table, the lifecycle
 * state machine with Migrating, and per-partition bookkeeping the other
 * librvmpart operations move around (tasks, region descriptors, capability
 * handles).
 *
 * Lifecycle (everything else is RVM_ERR_INVALID_PARTITION_STATE, including a
 * transition to the current state):
 *   Created    -> Running, Destroyed
 *   Running    -> Suspended, Hibernated, Migrating, Destroyed
 *   Suspended  -> Running, Hibernated, Destroyed
 *   Migrating  -> Running (completed or aborted, DC-7), Destroyed
 *   Hibernated -> Created (reconstruct), Destroyed
 *   Destroyed  -> nothing
 *
 * Witness records (appended before the change; a failed append changes
 * nothing): actor 0 (the hypervisor), target = partition id, payload[0] = old
 * state, payload[1] = new state, payload[4..8] = partition type (create) or 0.
 *   create              PartitionCreate 0x01, tier 1
 *   -> Running          PartitionResume 0x04, tier 1 (also the first start from Created)
 *   -> Suspended        PartitionSuspend 0x03, tier 1
 *   -> Migrating, Migrating -> Running  PartitionMigrate 0x09, tier 2
 *   -> Hibernated       PartitionHibernate 0x07, tier 2
 *   Hibernated -> Created  PartitionReconstruct 0x08, tier 2
 *   -> Destroyed        PartitionDestroy 0x02, tier 2
 *
 * Region descriptors: librvmmem owns memory regions. The manager keeps, per
 * partition, a table of descriptors (id, base, pages, access flags) that the
 * kernel keeps consistent with librvmmem: it adds a descriptor when librvmmem
 * creates or transfers a region to the partition and removes it when the
 * region goes. Split, merge, zero-copy IPC and hibernate read and move these
 * descriptors; librvmpart never touches memory itself.
 *
 * Capability view (§8.3): the handles the kernel registered as held by a
 * partition, so that split and merge can find them (librvmcap's global table
 * is private to it). The kernel registers every capability it hands out.
 *
 * Not thread-safe: the caller serialises calls on one manager.
 */
#ifndef RVM_PARTITION_H
#define RVM_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/err.h>
#include <rvm/fixed.h>
#include <rvm/ids.h>
#include <rvm/partition_state.h>
#include <rvm/witness_log.h>

#define RVM_PART_MAX_TASKS 16u
#define RVM_PART_MAX_REGIONS 16u
#define RVM_PART_MAX_CAPS 32u
/* Hardware VMIDs: 8-bit, 0 is the hypervisor's, so 255 for partitions (DC-12). */
#define RVM_VMID_COUNT 256u
#define RVM_VMID_NONE 0u

/* Region access flags of a descriptor (spec §3.6); at least one must be set. */
#define RVM_REGION_READ 0x1u
#define RVM_REGION_WRITE 0x2u
#define RVM_REGION_EXECUTE 0x4u
#define RVM_REGION_FLAGS_ALL 0x7u

typedef struct rvm_region_desc {
    rvm_region_id_t id;
    uint64_t base;     /* guest-physical base, page aligned */
    uint32_t pages;    /* 4 KiB pages, > 0 */
    uint32_t flags;    /* RVM_REGION_* */
} rvm_region_desc_t;

typedef struct rvm_partition {
    rvm_partition_id_t id;     /* 0 = slot free */
    uint8_t state;             /* rvm_partition_state_t */
    uint8_t type;              /* rvm_partition_type_t */
    uint16_t vcpu_count;
    rvm_coherence_score_t coherence;
    rvm_cut_pressure_t cut_pressure;
    uint64_t cpu_affinity;
    uint32_t epoch;            /* creation epoch */
    uint16_t vmid;             /* RVM_VMID_NONE until first scheduled (and after a reclaim) */
    uint16_t on_cpu;           /* CPUs it is running on now; a VMID in use is never reclaimed */
    uint64_t last_scheduled;   /* epoch of its last VMID acquisition: the reclaim order */
    uint32_t task_count;
    uint32_t region_count;
    uint32_t cap_count;
    uint32_t tasks[RVM_PART_MAX_TASKS];
    rvm_region_desc_t regions[RVM_PART_MAX_REGIONS];
    rvm_cap_handle_t caps[RVM_PART_MAX_CAPS];
    uint8_t receipt_digest[32];  /* while Hibernated: digest of the receipt it was given (rvm/hibernate.h) */
} rvm_partition_t;

/* Invalidates the TLB entries of one VMID (TLBI VMALLS12E1IS under that VMID); supplied by the kernel. */
typedef void (*rvm_vmid_flush_fn)(void *ctx, uint16_t vmid);

/* Fields are private to librvmpart; use the functions below. */
typedef struct rvm_partmgr {
    rvm_partition_t parts[RVM_MAX_PARTITIONS];
    uint16_t slot_of[RVM_PARTITION_ID_MAX_LOGICAL + 1u];   /* id -> slot + 1, 0 = none */
    uint32_t count;
    rvm_partition_id_t next_id;
    rvm_partition_id_t vmid_owner[RVM_VMID_COUNT];         /* 0 = VMID free */
    uint32_t vmid_free;                                   /* free VMIDs among 1..255 */
    uint64_t vmid_reclaims;
    rvm_vmid_flush_fn flush;
    void *flush_ctx;
    rvm_witness_log_t *log;
} rvm_partmgr_t;

/* Binds a manager to the witness log and the kernel's TLB flush (required); the table starts empty. */
rvm_err_t rvm_part_init(rvm_partmgr_t *mgr, rvm_witness_log_t *log, rvm_vmid_flush_fn flush, void *flush_ctx);

/*
 * Creates a partition in state Created with the §3.5 defaults; ids start at 1
 * and are never reused. PARTITION_LIMIT_EXCEEDED when 256 are live, when ids
 * are exhausted, or when no VMID could ever be found for it (rvm_part_can_create).
 */
rvm_err_t rvm_part_create(rvm_partmgr_t *mgr, uint8_t type, uint16_t vcpus, uint32_t epoch,
                          rvm_partition_id_t *out_id);

/* True when a create would succeed: a free slot, an unused id, and a VMID free or reclaimable. */
bool rvm_part_can_create(const rvm_partmgr_t *mgr);

/*
 * Moves a partition to `new_state` by the table above. Leaving for
 * Hibernated or Destroyed releases its VMID (with a TLB flush). A destroyed
 * partition leaves a tombstone: rvm_part_get no longer finds it, transitions
 * report INVALID_PARTITION_STATE until a create takes the slot, and
 * PARTITION_NOT_FOUND after that. The moves into Hibernated and from
 * Hibernated to Created are valid but need a receipt: they are made by
 * rvm_part_hibernate and rvm_part_reconstruct (rvm/hibernate.h), and this
 * function answers RVM_ERR_UNSUPPORTED for them. A partition on a CPU (rvm_vmid_acquire
 * without rvm_vmid_descheduled) can only go to Migrating. This changes the
 * state alone: to destroy a partition together with its leases, channels and
 * capabilities use rvm_part_destroy (rvm/part_world.h).
 */
rvm_err_t rvm_part_transition(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint8_t new_state);

/* True when the table allows `from` -> `to`. */
bool rvm_part_transition_allowed(uint8_t from, uint8_t to);

/* The live (not destroyed) partition `id`, or NULL. */
const rvm_partition_t *rvm_part_get(const rvm_partmgr_t *mgr, rvm_partition_id_t id);

/* Live partitions. */
uint32_t rvm_part_count(const rvm_partmgr_t *mgr);

/* Sets the coherence score and cut pressure the coherence engine computed (clamped to bp). */
rvm_err_t rvm_part_set_scores(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint32_t coherence_bp,
                              uint32_t pressure_bp);

/* Adds task `task` (a kernel task/vCPU id); RESOURCE_LIMIT_EXCEEDED when full, INVALID_ARGUMENT if present. */
rvm_err_t rvm_part_task_add(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint32_t task);
/* Removes task `task`; NOT_FOUND when absent. */
rvm_err_t rvm_part_task_remove(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint32_t task);

/*
 * Mirrors a librvmmem region into the partition's table. INVALID_ARGUMENT for
 * id 0, zero pages, undefined or empty flags or a duplicate id,
 * ALIGNMENT_ERROR for an unaligned base, MEMORY_OVERLAP when it overlaps
 * another of the partition's regions, RESOURCE_LIMIT_EXCEEDED when full.
 */
rvm_err_t rvm_part_region_add(rvm_partmgr_t *mgr, rvm_partition_id_t id, const rvm_region_desc_t *desc);
/* Removes the descriptor of region `region`; NOT_FOUND when absent. */
rvm_err_t rvm_part_region_remove(rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_region_id_t region);
/* Copies the descriptor of region `region` held by partition `id`; NOT_FOUND when absent. */
rvm_err_t rvm_part_region_find(const rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_region_id_t region,
                               rvm_region_desc_t *out);

/* Registers a capability handle as held by the partition; RESOURCE_LIMIT_EXCEEDED when full. */
rvm_err_t rvm_part_cap_add(rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_cap_handle_t h);
/* Forgets a registered handle; NOT_FOUND when absent. */
rvm_err_t rvm_part_cap_remove(rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_cap_handle_t h);

#endif
