/* Owned regions: guest-physical to host-physical ranges with a single owner, every stage-2 change witnessed (§10.5, §10.9). */
#ifndef RVM_MEM_REGION_H
#define RVM_MEM_REGION_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/tier.h>
#include <rvm/witness_log.h>

/*
 * Stage-2 changes are made by the caller (the kernel's page-table code) through
 * these callbacks, so the library stays testable on the host. A callback that
 * fails must leave its stage-2 table as it was.
 */
typedef struct rvm_stage2_ops {
    /* Maps `pages` pages at `gpa` to `pa` in `owner`'s stage-2 table with `perm`. */
    rvm_err_t (*map)(void *ctx, rvm_partition_id_t owner, rvm_gpa_t gpa, rvm_phys_addr_t pa, uint32_t pages,
                     rvm_region_policy_t perm);
    /* Removes the mapping of `pages` pages at `gpa` from `owner`'s stage-2 table (and invalidates its TLB entries). */
    rvm_err_t (*unmap)(void *ctx, rvm_partition_id_t owner, rvm_gpa_t gpa, uint32_t pages);
    void *ctx;
} rvm_stage2_ops_t;

typedef struct rvm_region_config {
    rvm_partition_id_t owner;   /* 1..RVM_PARTITION_ID_MAX_LOGICAL */
    rvm_gpa_t guest_base;       /* page aligned */
    rvm_phys_addr_t host_base;  /* page aligned */
    uint32_t page_count;        /* > 0 */
    rvm_region_policy_t perm;   /* at least one access */
} rvm_region_config_t;

typedef struct rvm_region {
    rvm_region_id_t id;         /* 0 marks a free slot */
    rvm_partition_id_t owner;
    rvm_gpa_t guest_base;
    rvm_phys_addr_t host_base;
    uint32_t page_count;
    rvm_region_policy_t perm;
    bool mapped;                /* present in the owner's stage-2 table */
    bool detached;              /* its data is not resident (Dormant/Cold): host_base names no frames */
} rvm_region_t;

/* The region table over caller storage. Fields are private. */
typedef struct rvm_regions {
    rvm_region_t *slots;
    uint32_t capacity;
    uint32_t count;
    rvm_region_id_t next_auto_id;
    rvm_witness_log_t *log;
    const rvm_stage2_ops_t *ops;
} rvm_regions_t;

/* Witness flag on RegionTransfer: the region was mapped, and the mapping moved from one stage-2 table to the other. */
#define RVM_REGION_TRANSFER_REMAPPED 0x01u

/*
 * Binds a table of `capacity` slots to `storage`, witnessing into `log` and
 * changing stage-2 through `ops`. INVALID_ARGUMENT for NULL pointers, a missing
 * callback or capacity 0.
 */
rvm_err_t rvm_regions_init(rvm_regions_t *t, rvm_region_t *storage, uint32_t capacity, rvm_witness_log_t *log,
                           const rvm_stage2_ops_t *ops);

/*
 * Checks a configuration on its own: ALIGNMENT_ERROR for unaligned bases,
 * RESOURCE_LIMIT_EXCEEDED for 0 pages, UNSUPPORTED for a policy with no access,
 * INVALID_ARGUMENT for an owner that is not a partition id or a range that wraps.
 */
rvm_err_t rvm_region_validate(const rvm_region_config_t *cfg);

/*
 * Adds region `id` (unmapped), witnessed as RegionCreate. Errors of
 * rvm_region_validate; INVALID_ARGUMENT for id 0; MEMORY_OVERLAP for a duplicate id,
 * a guest range overlapping another region of the same owner, or a host range
 * overlapping any region; RESOURCE_LIMIT_EXCEEDED when the table is full;
 * WITNESS_LOG_FULL when the record cannot be written (nothing changes). Detached
 * regions hold no frames and do not count for the host overlap.
 */
rvm_err_t rvm_region_create(rvm_regions_t *t, rvm_region_id_t id, const rvm_region_config_t *cfg);

/* As rvm_region_create with the next id of a counter starting at 1 (ids taken by callers are skipped). */
rvm_err_t rvm_region_create_auto(rvm_regions_t *t, const rvm_region_config_t *cfg, rvm_region_id_t *id);

/*
 * Removes an unmapped region and copies it to `out` (may be NULL), witnessed as
 * RegionDestroy. PARTITION_NOT_FOUND for an unknown id, INVALID_PARTITION_STATE
 * while it is mapped.
 */
rvm_err_t rvm_region_destroy(rvm_regions_t *t, rvm_region_id_t id, rvm_region_t *out);

/*
 * Maps the region into its owner's stage-2 table, witnessed as RegionMap (proof
 * tier 2, payload the guest base). The record is reserved before the callback runs
 * and written once it succeeded: a failed map leaves neither a mapping nor a record.
 * PARTITION_NOT_FOUND, INVALID_PARTITION_STATE when already mapped or detached, the
 * callback's error.
 */
rvm_err_t rvm_region_map(rvm_regions_t *t, rvm_region_id_t id);

/* Unmaps the region from its owner's stage-2 table, witnessed as RegionUnmap; errors as rvm_region_map. */
rvm_err_t rvm_region_unmap(rvm_regions_t *t, rvm_region_id_t id);

/*
 * Moves the region to `new_owner`; the old owner loses it in the same step.
 * A mapped region is unmapped from the old owner's stage-2 table and mapped into
 * the new owner's (if that fails the old mapping is restored and nothing changes).
 * One RegionTransfer record (payload from LE32, to LE32; flag REMAPPED) witnesses
 * the whole move. PARTITION_NOT_FOUND; INVALID_ARGUMENT for an invalid or
 * unchanged owner; MEMORY_OVERLAP when the guest range collides with a region of
 * the new owner; INTERNAL_ERROR when neither mapping can be restored (the region
 * is then left unmapped with its old owner). The caller proves the authority
 * (P2) before calling.
 */
rvm_err_t rvm_region_transfer(rvm_regions_t *t, rvm_region_id_t id, rvm_partition_id_t new_owner);

/*
 * The tier engine's hooks: detach marks an unmapped region's frames as gone
 * (its data went Dormant) so that it cannot be mapped; rebind points a detached
 * region at the frames its data was reconstructed into. Both are bookkeeping
 * behind a witnessed tier transition. PARTITION_NOT_FOUND; INVALID_PARTITION_STATE
 * when mapped (detach) or not detached (rebind); ALIGNMENT_ERROR for an unaligned
 * address and MEMORY_OVERLAP for frames another region covers (rebind).
 */
rvm_err_t rvm_region_detach(rvm_regions_t *t, rvm_region_id_t id);
rvm_err_t rvm_region_rebind(rvm_regions_t *t, rvm_region_id_t id, rvm_phys_addr_t host_base);

/*
 * Host address and permissions of `gpa` in `owner`'s regions; NOT_FOUND when no
 * region of that owner covers it or its region is detached.
 */
rvm_err_t rvm_region_translate(const rvm_regions_t *t, rvm_partition_id_t owner, rvm_gpa_t gpa, rvm_phys_addr_t *pa,
                               rvm_region_policy_t *perm);

/* Copy of region `id`; PARTITION_NOT_FOUND when unknown. */
rvm_err_t rvm_region_get(const rvm_regions_t *t, rvm_region_id_t id, rvm_region_t *out);

/* Number of regions `owner` holds. */
uint32_t rvm_region_count_owned(const rvm_regions_t *t, rvm_partition_id_t owner);

/* Regions in the table. */
uint32_t rvm_region_count(const rvm_regions_t *t);

#endif
