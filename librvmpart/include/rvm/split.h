/*
 * Split (spec §8.6, DC-8, DC-9): one Running partition becomes two. The
 * source keeps its id and becomes side A (its stage-2 root, VMID and every
 * outside reference to it stay valid); side B is a new partition of the same
 * type and vCPU count. The ADR's "two new ids, destroy the original" is this
 * with A relabelled, which would only force every holder of a capability to
 * the source to be re-issued one.
 *
 * Preconditions, checked before anything changes; the first failing one is
 * witnessed (PartitionSplit 0x05, proof_tier 0, flags = reason, actor =
 * caller, target = source) and RVM_ERR_SPLIT_PRECONDITION_FAILED returned:
 *   1 STATE      the source is Running and on no CPU
 *   2 AUTHORITY  `authority` passes P1 for WRITE|PROVE on a Partition
 *                capability naming the source, owned by `caller`
 *   3 STALE_CUT  the cut was computed at most `max_staleness` epochs before `now`
 *   4 EMPTY_SIDE each side gets at least one task
 *   5 CAPACITY   a partition can be created, and both halves' capability
 *                views and the channel table can hold the result
 * A malformed plan (task bits beyond the task count, regions or edges the
 * source does not have, an undefined side) is INVALID_ARGUMENT, no record.
 *
 * Procedure: PartitionSplit (tier 2, payload = A id << 32 | B id, LE u64),
 * create B (PartitionCreate) and start it (PartitionResume); tasks with their
 * bit set move to B; each region goes to the side with the higher DC-9 score
 * (tie: A), a move witnessed as RegionTransfer 0x22 (payload A << 32 | B);
 * edges the plan puts on B move there (EdgeRelocated 0x36, actor A, target B,
 * payload edge id) with fresh endpoint capabilities; then DC-8 for every
 * other capability in the source's view:
 *   a Region it names that went to B, a CommEdge that now joins only B   -> B
 *   such objects staying on A, the source's own Partition object, Devices
 *   (leases stay with A)                                                 -> A
 *   anything else (regions and edges not the source's, edges joining both
 *   halves, kernel-service objects)                                      -> shared
 * A shared capability becomes two READ-only copies, one per half, and the
 * original is deleted: never duplicated authority. When the original is a
 * derived capability holding GRANT the copies are its children, which
 * librvmcap splices under its parent when the original goes, so the
 * derivation chain is kept; otherwise (roots, no GRANT, depth limit) they are
 * READ roots, since children of a deleted root would be orphans that P3
 * rejects. Each copy is witnessed
 * CapabilityAttenuated 0x14 (actor A, target new capability id, payload[0] =
 * old rights, [1] = new rights, [4..8] = new owner). Finally the channels for
 * traffic that crossed the cut are created (`cut_links`, badge = the sending
 * half's id), B takes A's coherence and both cut pressures are reset to 0
 * (the coherence engine recomputes both next epoch).
 */
#ifndef RVM_SPLIT_H
#define RVM_SPLIT_H

#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/part_world.h>

typedef enum rvm_split_reason {
    RVM_SPLIT_OK = 0,
    RVM_SPLIT_STATE = 1,
    RVM_SPLIT_AUTHORITY = 2,
    RVM_SPLIT_STALE_CUT = 3,
    RVM_SPLIT_EMPTY_SIDE = 4,
    RVM_SPLIT_CAPACITY = 5,
} rvm_split_reason_t;

#define RVM_SPLIT_SIDE_A 0u
#define RVM_SPLIT_SIDE_B 1u
#define RVM_SPLIT_LINK_AB 0x1u  /* create a channel A -> B */
#define RVM_SPLIT_LINK_BA 0x2u  /* create a channel B -> A */

/* Accesses to one region of the source from the tasks of each side (regions not listed: none). */
typedef struct rvm_split_region_use {
    rvm_region_id_t region;
    uint64_t accesses_a;
    uint64_t accesses_b;
} rvm_split_region_use_t;

typedef struct rvm_split_edge_side {
    rvm_edge_id_t edge;
    uint8_t side;    /* RVM_SPLIT_SIDE_*; edges not listed stay on A */
} rvm_split_edge_side_t;

/* The cut the coherence engine computed. */
typedef struct rvm_split_plan {
    uint32_t b_tasks;          /* bit i set: the source's task i (table order) goes to B */
    uint64_t cut_epoch;        /* epoch the cut was computed in */
    uint32_t cross_cost;       /* DC-9 cost of one access across the cut */
    const rvm_split_region_use_t *uses;
    uint32_t use_count;
    const rvm_split_edge_side_t *edges;
    uint32_t edge_count;
    uint8_t cut_links;         /* RVM_SPLIT_LINK_* */
} rvm_split_plan_t;

/*
 * DC-9 score in bp of placing a region on side S (spec §8.6, fixed point):
 *   local   = 10000 * acc_s / (acc_s + acc_other)                    (5000 when no accesses)
 *   avoided = 10000 * acc_s * cost / ((acc_s + acc_other) * cost)    (5000 when both costs are 0)
 *   balance = 10000 - 10000 * (assigned_s + region_bytes) / total_bytes, clamped to 0..10000
 *   score   = (5000 * local + 3000 * avoided + 2000 * balance) / 10000
 * `assigned_s` is the bytes already placed on S; `total_bytes` 0 gives balance 0.
 */
uint32_t rvm_split_region_score(uint64_t acc_s, uint64_t acc_other, uint32_t cross_cost, uint64_t assigned_s,
                                uint64_t region_bytes, uint64_t total_bytes);

/*
 * Splits `source` by `plan` at epoch `now`; `new_id` receives B's id and
 * `reason` (may be NULL) the failed precondition or RVM_SPLIT_OK.
 */
rvm_err_t rvm_part_split(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t authority,
                         rvm_partition_id_t source, const rvm_split_plan_t *plan, uint64_t now,
                         uint64_t max_staleness, rvm_partition_id_t *new_id, uint8_t *reason);

#endif
