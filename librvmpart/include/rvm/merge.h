/*
 * Merge (spec §8.7, DC-11): the absorbed partition's tasks, regions,
 * capabilities, edges and leases move into the absorber, and the absorbed
 * partition is destroyed.
 *
 * All seven DC-11 preconditions are checked, in this order, before anything
 * changes; the first that fails is witnessed and reported:
 *   6 STATE            both Running or Suspended, the absorbed one on no CPU
 *   7 AUTHORITY        `authority` passes P1 for WRITE|PROVE on a Partition
 *                      capability naming the absorber, owned by `caller`, and
 *                      P2 (librvmcap) with `policy` (owner, lease time, depth, fresh nonce)
 *   1 NO_EDGE          a CommEdge joins them (either direction)
 *   2 COHERENCE        the coherence score the merged partition is predicted
 *                      to have (the coherence engine's, from their traffic)
 *                      reaches 7000 bp, the merge threshold (DECISIONS 8: two
 *                      partitions that talk only to each other score 0 apart
 *                      and 10000 together, so their own scores cannot decide)
 *   3 LEASE_CONFLICT   their leased MMIO windows overlap (one stage-2 would
 *                      alias them) or together they would hold more than 16 leases
 *   4 REGION_OVERLAP   a region of one overlaps a region of the other and
 *                      either of the two is writable
 *   5 CAP_INTERSECTION every capability in the absorbed partition's view is
 *                      live and current, and the union fits one view
 *   8 CAPACITY         the union of tasks and of regions fits one partition
 * (6 and 7 come first: an unauthorised caller learns nothing about the rest.)
 * A rejection returns RVM_ERR_MERGE_PRECONDITION_FAILED with the reason and
 * appends PartitionMerge 0x06 with proof_tier 0, flags = reason, actor =
 * caller, target = absorbed, payload[0..4] = absorber LE, [4..8] = absorbed LE.
 *
 * Execution: the absorbed partition's leased windows are mapped into the
 * absorber first (a failing map undoes the others and fails the merge before
 * any record), then PartitionMerge (tier 2, flags 0, same fields) is
 * appended, then: tasks move; each region moves (RegionTransfer 0x22, actor
 * caller, target region, payload from << 32 | to); edges between the two are
 * destroyed (they are now internal), the others are re-pointed at the
 * absorber (EdgeRelocated 0x36, actor absorbed, target absorber, payload
 * edge id) with fresh endpoint capabilities; leases change holder and the old
 * windows are unmapped; the remaining capabilities are re-issued to the
 * absorber with the same object, rights and badge (librvmcap has no owner
 * transfer: a root for the absorber, then the original is deleted, its
 * children spliced under its parent); finally the absorbed partition goes to
 * Destroyed (PartitionDestroy).
 */
#ifndef RVM_MERGE_H
#define RVM_MERGE_H

#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/device_lease.h>
#include <rvm/err.h>
#include <rvm/ipc.h>
#include <rvm/part_world.h>
#include <rvm/partition.h>

typedef enum rvm_merge_reason {
    RVM_MERGE_OK = 0,
    RVM_MERGE_NO_EDGE = 1,
    RVM_MERGE_COHERENCE = 2,
    RVM_MERGE_LEASE_CONFLICT = 3,
    RVM_MERGE_REGION_OVERLAP = 4,
    RVM_MERGE_CAP_INTERSECTION = 5,
    RVM_MERGE_STATE = 6,
    RVM_MERGE_AUTHORITY = 7,
    RVM_MERGE_CAPACITY = 8,
} rvm_merge_reason_t;


/*
 * Merges `absorbed` into `absorber` as described above; `predicted` is the
 * merged partition's predicted score in bp. `reason` (may be
 * NULL) receives the failed precondition or RVM_MERGE_OK. PARTITION_NOT_FOUND
 * or INVALID_ARGUMENT (same ids, nulls) are reported without a record.
 */
rvm_err_t rvm_part_merge(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t authority,
                         const rvm_cap_policy_ctx_t *policy, rvm_partition_id_t absorber,
                         rvm_partition_id_t absorbed, uint32_t predicted, uint8_t *reason);

#endif
