/*
 * The set of librvmpart managers an operation spanning several of them
 * (destroy, split, merge) works on, and partition destruction.
 */
#ifndef RVM_PART_WORLD_H
#define RVM_PART_WORLD_H

#include <rvm/cap_manager.h>
#include <rvm/device_lease.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/ipc.h>
#include <rvm/partition.h>

/* All four must be set and bound to the same partition manager and witness log. */
typedef struct rvm_part_world {
    rvm_partmgr_t *parts;
    rvm_ipc_t *ipc;
    rvm_lease_table_t *leases;
    rvm_cap_manager_t *caps;
} rvm_part_world_t;

/*
 * Destroys a live partition that is on no CPU, releasing everything it holds,
 * each step witnessed by its own record: its leases are revoked (windows
 * unmapped), every channel it is an endpoint of is destroyed (endpoint
 * capabilities revoked, shares undone), every other capability in its view
 * is revoked with its subtree, and finally PartitionDestroy (VMID flushed and
 * freed, region descriptors and tasks dropped; librvmmem frees the memory).
 * PARTITION_NOT_FOUND, INVALID_PARTITION_STATE (on a CPU), or the first
 * failing step's error.
 */
rvm_err_t rvm_part_destroy(const rvm_part_world_t *w, rvm_partition_id_t id);

#endif
