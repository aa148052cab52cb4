/*
 * The capability manager: one global table with an owner per slot, the
 * derivation tree and per-object epochs (spec §5.1–§5.6, DECISIONS 2).
 *
 * Every mutation is validated completely first, then its witness record is
 * appended, then the state changes. A rejected operation changes nothing and
 * appends nothing (the security gate above witnesses rejections); when the
 * append itself fails (RVM_ERR_WITNESS_LOG_FULL) nothing changes either.
 *
 * Errors:
 *   RVM_ERR_INVALID_ARGUMENT           null pointer, undefined rights bit or type, owner id out of range
 *   RVM_ERR_INVALID_HANDLE             index out of range, slot free, or generation differs
 *                                      (a reused slot is not told apart from a forged handle)
 *   RVM_ERR_STALE_CAPABILITY           handle resolves but its object's epoch moved on (grant, lookup)
 *   RVM_ERR_GRANT_NOT_PERMITTED        grant: caller is not the owner, or no GRANT/GRANT_ONCE;
 *                                      hypervisor-only operation called by a partition
 *   RVM_ERR_INSUFFICIENT_CAPABILITY    revoke/delete: caller owns neither the capability nor an
 *                                      ancestor holding REVOKE
 *   RVM_ERR_RIGHTS_ESCALATION          requested rights not a subset of the source's
 *   RVM_ERR_DELEGATION_DEPTH_EXCEEDED  child would be deeper than the configured maximum
 *   RVM_ERR_RESOURCE_LIMIT_EXCEEDED    no free slot, no free object entry, capability ids exhausted
 *   RVM_ERR_NOT_FOUND                  epoch bump of an object no capability names
 *   RVM_ERR_WITNESS_LOG_FULL           the witness record could not be appended
 *
 * Delete versus revoke: revoke removes a capability and its whole subtree.
 * Delete removes one capability and, as in seL4, leaves its children alive:
 * they are spliced under the deleted capability's parent, keeping their rights
 * and depth. Their rights are a subset of the deleted capability's and hence
 * of the new parent's, so every ancestor chain still only shrinks rights, and
 * the new parent's owner can still revoke them. Deleting a root turns its
 * children into parentless orphans: they still pass P1 with rights no wider
 * than the deleted root's, their owners and object epoch bumps still remove
 * them, but P3 rejects them because their chain no longer ends at depth 0.
 * No link ever points at a freed slot, so a reused slot never becomes a
 * false ancestor.
 *
 * Epochs: each object has its own epoch, the record of its invalidations. A
 * token carries its object's epoch from when it was made (a grant copies its
 * source's, which is current), and lookup reports it. Staleness itself is a
 * mark in the hot slot, so that P1 reads the slot and nothing else; P2, P3,
 * grant and lookup read the same mark. Bumping an object's epoch validates,
 * appends the witness record, then walks the list of live slots naming the
 * object (kept in the object entry and the cold slots, updated whenever a
 * slot is taken or freed) and marks each one: the work is O(slots naming the
 * object), a list walk, not a derivation tree walk, and bounded by the table
 * capacity. The global emergency bump advances every object's epoch and
 * marks every live slot: O(object capacity + slot capacity). A slot is thus
 * marked exactly when its object's epoch moved on after its capability was
 * made. A stale capability fails P1 with STALE_CAPABILITY and cannot be
 * granted from, but can still be revoked or deleted, which frees its slot; a
 * slot taken again starts unmarked. The mark is never cleared while the
 * capability lives, so, unlike a comparison of epochs, it cannot come undone
 * when an object's epoch wraps after 2^32 bumps.
 *
 * GRANT_ONCE: a grant is authorised by GRANT when the source holds it, else
 * by GRANT_ONCE, which is then removed from the source (one-shot), and the
 * child receives neither GRANT nor GRANT_ONCE (non-transitive, ADR-135).
 *
 * Witness records (proof_tier 1; timestamp from the log's clock; payload
 * bytes little-endian: [0] rights, [1] depth, [2] extra, [4..8] a u32):
 *   CapabilityCreateRoot 0x18  actor 0, target new cap id, hash of the new token, extra = type, u32 = owner
 *   CapabilityGrant 0x10       actor caller, target new cap id, hash of the source token, rights/depth of
 *                              the child, u32 = new owner; flags 0x01 when GRANT_ONCE was consumed
 *   CapabilityRevoke 0x11      actor caller, target revoked cap id, its hash, u32 = slots freed
 *   CapabilityDelete 0x15      actor caller, target deleted cap id, its hash, u32 = children moved
 *   CapabilityEpochBump 0x16   actor 0, target object id, payload = new epoch (u32) then the type byte
 *   CapabilityGlobalEpochBump 0x17  actor 0, target 0, payload = number of global bumps so far (u32)
 *
 * The manager is not thread-safe: the caller serialises every call on one
 * manager (P1 only reads, but must not overlap a mutation).
 */
#ifndef RVM_CAP_MANAGER_H
#define RVM_CAP_MANAGER_H

#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/cap_table.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/nonce.h>
#include <rvm/rights.h>
#include <rvm/witness_log.h>

#define RVM_CAP_MAX_DEPTH 8u

typedef struct rvm_cap_config {
    uint8_t max_depth;       /* deepest derived capability, 0..RVM_CAP_MAX_DEPTH; default 8 */
    uint32_t initial_epoch;  /* epoch of every object at init; default 0 */
} rvm_cap_config_t;

typedef struct rvm_cap_stats {
    uint64_t created;          /* roots created */
    uint64_t granted;          /* capabilities derived */
    uint64_t revoked;          /* slots freed by revocation */
    uint64_t revoke_ops;       /* revoke calls that succeeded */
    uint64_t deleted;          /* single capabilities deleted */
    uint64_t epoch_bumps;      /* object and global epoch bumps */
    uint32_t live;             /* slots in use now */
    uint8_t max_depth_reached;
} rvm_cap_stats_t;

/* What the kernel may learn about a live capability; partitions only ever see handles. */
typedef struct rvm_cap_info {
    rvm_cap_token_t token;
    uint64_t object_id;
    uint64_t badge;
    rvm_partition_id_t owner;
    uint8_t depth;
    rvm_cap_handle_t parent;   /* RVM_CAP_HANDLE_NULL for roots and orphans */
} rvm_cap_info_t;

/* Fields are private to librvmcap; the first two are what the inline P1 check reads. */
typedef struct rvm_cap_manager {
    rvm_cap_hot_t *hot;
    uint32_t index_mask;
    rvm_cap_cold_t *cold;
    uint32_t *worklist;
    rvm_cap_object_t *objects;
    uint32_t capacity;
    uint32_t object_capacity;
    uint32_t free_hint;
    uint32_t global_epoch;
    uint64_t next_id;
    rvm_witness_log_t *log;
    rvm_nonce_ring_t *nonces;
    uint8_t max_depth;
    rvm_cap_stats_t stats;
} rvm_cap_manager_t;

/* Default configuration: depth 8, initial epoch 0. */
void rvm_cap_config_default(rvm_cap_config_t *cfg);

/*
 * Binds a manager to caller storage (capacity a power of two in
 * [RVM_CAP_CAPACITY_MIN, RVM_CAP_CAPACITY_MAX], 1..RVM_CAP_OBJECTS_MAX objects),
 * the witness log every mutation appends to, and the nonce ring P2 uses.
 * `cfg` NULL means the defaults. The storage is (re)initialised.
 */
rvm_err_t rvm_cap_manager_init(rvm_cap_manager_t *m, const rvm_cap_storage_t *storage, const rvm_cap_config_t *cfg,
                               rvm_witness_log_t *log, rvm_nonce_ring_t *nonces);

/*
 * Creates a root (depth 0) capability to object (`type`, `object_id`) for
 * `owner`; hypervisor only (`caller` 0). Witness: CapabilityCreateRoot.
 */
rvm_err_t rvm_cap_create_root(rvm_cap_manager_t *m, rvm_partition_id_t caller, uint8_t type, uint64_t object_id,
                              rvm_rights_t rights, uint64_t badge, rvm_partition_id_t owner, rvm_cap_handle_t *out);

/*
 * Derives a child of `src` with exactly `rights` (minus GRANT/GRANT_ONCE when
 * authorised by GRANT_ONCE) for `target`; `caller` must own `src`.
 * Witness: CapabilityGrant.
 */
rvm_err_t rvm_cap_grant(rvm_cap_manager_t *m, rvm_partition_id_t caller, rvm_cap_handle_t src, rvm_rights_t rights,
                        uint64_t badge, rvm_partition_id_t target, rvm_cap_handle_t *out);

/*
 * Removes `h` and its whole subtree, freeing every slot; `revoked` (may be
 * NULL) receives the count. Witness: CapabilityRevoke.
 */
rvm_err_t rvm_cap_revoke(rvm_cap_manager_t *m, rvm_partition_id_t caller, rvm_cap_handle_t h, uint32_t *revoked);

/* Removes `h` alone; its children move under its parent (see above). Witness: CapabilityDelete. */
rvm_err_t rvm_cap_delete(rvm_cap_manager_t *m, rvm_partition_id_t caller, rvm_cap_handle_t h);

/*
 * Invalidates every capability to one object by marking each of its slots
 * (O(slots naming it), see above); hypervisor only. Witness: CapabilityEpochBump.
 */
rvm_err_t rvm_cap_bump_object_epoch(rvm_cap_manager_t *m, rvm_partition_id_t caller, uint8_t type,
                                    uint64_t object_id);

/*
 * Emergency: invalidates every capability in the table (O(capacity + object
 * capacity)); hypervisor only. Witness: CapabilityGlobalEpochBump.
 */
rvm_err_t rvm_cap_bump_global_epoch(rvm_cap_manager_t *m, rvm_partition_id_t caller);

/* Describes the live, current capability behind `h` (INVALID_HANDLE, STALE_CAPABILITY otherwise). */
rvm_err_t rvm_cap_lookup(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_cap_info_t *out);

/* Copies the counters. */
rvm_err_t rvm_cap_get_stats(const rvm_cap_manager_t *m, rvm_cap_stats_t *out);

#endif
