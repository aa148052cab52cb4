/* Private helpers shared by the librvmpart sources. */
#ifndef RVMPART_INTERNAL_H
#define RVMPART_INTERNAL_H

#include <stdint.h>

#include <rvm/err.h>
#include <rvm/partition.h>
#include <rvm/witness_log.h>

/* Appends one record with the given fields (payload copied from `payload`, 8 bytes, may be NULL). */
rvm_err_t rvm_part_emit(rvm_witness_log_t *log, uint8_t kind, uint8_t tier, uint32_t actor, uint64_t target,
                        uint32_t cap_hash, const uint8_t *payload, uint8_t flags);

/* rvm_part_transition with `extra` in payload[4..8] of its record. */
rvm_err_t rvm_part_transition_ex(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint8_t new_state, uint32_t extra);

/* Writable partition `id`, or NULL. */
rvm_partition_t *rvm_part_slot(rvm_partmgr_t *mgr, rvm_partition_id_t id);

/* Returns a VMID to the pool after flushing it; no witness (the caller's transition record covers it). */
void rvm_vmid_release(rvm_partmgr_t *mgr, rvm_partition_t *p);

/* True when some VMID is free or could be reclaimed now. */
bool rvm_vmid_obtainable(const rvm_partmgr_t *mgr);

/* Index of region `region` in `p`, or RVM_PART_MAX_REGIONS. */
uint32_t rvm_part_region_index(const rvm_partition_t *p, rvm_region_id_t region);

/* Removes the element at `i` of an array of `n` of `size` bytes, keeping order. */
void rvm_part_array_remove(void *base, uint32_t size, uint32_t n, uint32_t i);

struct rvm_ipc;
struct rvm_lease_table;
struct rvm_cap_manager;

/*
 * Re-issues capability `h` (in `from`'s view) to `to` with the same object,
 * rights and badge: a root for `to`, then `h` deleted; both views updated.
 */
rvm_err_t rvm_part_cap_reissue(struct rvm_cap_manager *caps, rvm_partmgr_t *mgr, rvm_cap_handle_t h,
                               rvm_partition_id_t from, rvm_partition_id_t to);

/* Maps every window `from` leases into `to`; on failure unmaps the ones already mapped. */
rvm_err_t rvm_lease_map_all(struct rvm_lease_table *t, rvm_partition_id_t from, rvm_partition_id_t to);
/* Unmaps from `to` the windows of `from`'s leases among the first `n` lease slots (undoes rvm_lease_map_all). */
void rvm_lease_unmap_first(struct rvm_lease_table *t, rvm_partition_id_t from, rvm_partition_id_t to, uint32_t n);
/* Makes `to` the holder of every lease of `from` and unmaps the windows from `from`. */
void rvm_lease_move_all(struct rvm_lease_table *t, rvm_partition_id_t from, rvm_partition_id_t to);
/* True when a window leased by `a` overlaps one leased by `b`. */
bool rvm_lease_windows_overlap(const struct rvm_lease_table *t, rvm_partition_id_t a, rvm_partition_id_t b);

/* True when channel `edge` exists and `h` is one of its endpoint capabilities. */
bool rvm_ipc_is_endpoint_cap(const struct rvm_ipc *ipc, rvm_cap_handle_t h);
/*
 * Moves the endpoint `old` of channel `edge` to `new_id`: a fresh root
 * capability with the same rights and badge for `new_id`, the old one deleted,
 * both partitions' views updated. The caller has validated everything.
 */
rvm_err_t rvm_ipc_move_endpoint(struct rvm_ipc *ipc, rvm_edge_id_t edge, rvm_partition_id_t old,
                                rvm_partition_id_t new_id);

#endif
