/*
 * The tier engine: residency scores (§10.2), adjacent-only promotion and
 * demotion (§10.3, DECISIONS 9) that move the data: Warm -> Dormant compresses
 * into a checkpoint and frees the frames, Dormant -> Warm allocates frames,
 * reconstructs and replays the deltas, Dormant -> Cold writes a verified image to
 * block storage, and an explicit restore brings a Cold region back to Dormant.
 */
#ifndef RVM_MEM_TIER_H
#define RVM_MEM_TIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/mem_buddy.h>
#include <rvm/mem_checkpoint.h>
#include <rvm/mem_cold.h>
#include <rvm/mem_lz4.h>
#include <rvm/mem_region.h>
#include <rvm/tier.h>
#include <rvm/witness_log.h>

/* Residency arithmetic in basis points (§10.2). */
#define RVM_RESIDENCY_INITIAL_RECENCY 5000u
#define RVM_RESIDENCY_ACCESS_BOOST 1000u
#define RVM_RESIDENCY_MAX_COMPONENT 10000u
#define RVM_RESIDENCY_DEFAULT_DECAY 200u
/* Demotion below, promotion at or above (§10.3). */
#define RVM_TIER_DEMOTE_HOT_BELOW 7000u
#define RVM_TIER_DEMOTE_WARM_BELOW 4000u
#define RVM_TIER_DEMOTE_DORMANT_BELOW 1000u
#define RVM_TIER_PROMOTE_HOT_AT 8000u
#define RVM_TIER_PROMOTE_WARM_AT 5000u

/*
 * Per-region delta storage: writes to a dormant region before they are folded
 * into a new checkpoint. Fixed, not overridable: the slot layout must be the
 * same in the library and in every caller.
 */
#define RVM_TIER_DELTAS_PER_REGION 16u
#define RVM_TIER_DELTA_BYTES_PER_REGION 1024u

/* One region under the engine. Fields are private. */
typedef struct rvm_tier_region {
    rvm_region_id_t id;                 /* 0 marks a free slot */
    rvm_partition_id_t owner;
    uint32_t pages;
    uint8_t tier;                       /* rvm_tier_t */
    uint8_t frame_order;                /* Hot/Warm: order of `frames`; Dormant: order of `packed` */
    rvm_phys_addr_t frames;             /* Hot/Warm: the region's bytes */
    rvm_phys_addr_t packed;             /* Dormant: the compressed checkpoint */
    rvm_checkpoint_t ckpt;              /* Dormant, Cold */
    rvm_cold_receipt_t receipt;         /* Cold */
    uint32_t last_access_epoch;
    uint16_t cut_value;
    uint16_t recency;
    rvm_delta_log_t deltas;
    rvm_delta_t delta_slots[RVM_TIER_DELTAS_PER_REGION];
    uint8_t delta_data[RVM_TIER_DELTA_BYTES_PER_REGION];
} rvm_tier_region_t;

/* Scratch the engine needs for regions of up to `max_pages` pages on a store with `block` bytes per block. */
#define RVM_TIER_SCRATCH_BYTES(max_pages, block)                                                              \
    ((((size_t)RVM_COLD_HEADER_LEN + (size_t)(max_pages) * RVM_PAGE_SIZE + (size_t)(max_pages) * RVM_PAGE_SIZE / 255u + \
       16u + (size_t)(block) - 1u) / (size_t)(block)) * (size_t)(block))

typedef struct rvm_tier_config {
    rvm_tier_region_t *slots;         /* storage for `capacity` regions */
    uint32_t capacity;
    uint32_t max_region_pages;        /* 1..1024 */
    rvm_buddy_t *buddy;               /* frames for resident and dormant data */
    rvm_witness_log_t *log;
    const rvm_cold_ops_t *cold;       /* NULL: no cold tier (Seed), Cold transitions are UNSUPPORTED */
    uint64_t cold_first_block;        /* first block the engine may write; blocks below belong to earlier images */
    uint8_t *scratch;                 /* RVM_TIER_SCRATCH_BYTES(max_region_pages, block size or 1) bytes */
    size_t scratch_len;
    rvm_lz4_state_t *lz4;             /* compressor scratch, required for RVM_COMPRESS_LZ4 */
    rvm_regions_t *regions;           /* optional: owned regions named like tier regions follow their frames */
    uint8_t algorithm;                /* RVM_COMPRESS_RLE or RVM_COMPRESS_LZ4 */
} rvm_tier_config_t;

typedef struct rvm_tier_engine {
    rvm_tier_config_t cfg;
    uint64_t cold_next_block;
    uint32_t epoch;
    uint32_t count;
    rvm_checkpoint_id_t next_checkpoint_id;
} rvm_tier_engine_t;

/* A region the residency rule would move one tier colder. */
typedef struct rvm_tier_candidate {
    rvm_region_id_t region_id;
    uint8_t from;
    uint8_t to;
} rvm_tier_candidate_t;

/*
 * Checks and binds the configuration. INVALID_ARGUMENT for missing storage,
 * log or buddy, a max_region_pages outside 1..1024 or beyond the buddy's largest
 * block, an unknown algorithm, LZ4 without its state, or a bad block size;
 * RESOURCE_LIMIT_EXCEEDED when the scratch is smaller than RVM_TIER_SCRATCH_BYTES.
 */
rvm_err_t rvm_tier_init(rvm_tier_engine_t *e, const rvm_tier_config_t *cfg);

/*
 * Registers region `id` of `owner` with `pages` zeroed frames from the buddy,
 * resident in `tier` (Hot or Warm; INVALID_TIER_TRANSITION otherwise). Recency
 * starts at 5000, cut value 0. MEMORY_OVERLAP for a duplicate id;
 * RESOURCE_LIMIT_EXCEEDED when the table is full or pages is 0 or above the
 * maximum; OUT_OF_MEMORY from the buddy. The owned region that maps these frames
 * (rvm_region_create) is what the witness log records.
 */
rvm_err_t rvm_tier_register(rvm_tier_engine_t *e, rvm_region_id_t id, rvm_partition_id_t owner, uint32_t pages,
                            rvm_tier_t tier);

/* Forgets a region and frees its frames (cold blocks stay written); PARTITION_NOT_FOUND when unknown. */
rvm_err_t rvm_tier_unregister(rvm_tier_engine_t *e, rvm_region_id_t id);

/* Records an access: recency += 1000 (capped at 10000), last access = current epoch. */
rvm_err_t rvm_tier_access(rvm_tier_engine_t *e, rvm_region_id_t id);

/* Lowers every region's recency by `amount` (saturating at 0); the kernel calls it each tick with 200. */
void rvm_tier_decay(rvm_tier_engine_t *e, uint16_t amount);

/* Advances the epoch counter (saturating). */
void rvm_tier_advance_epoch(rvm_tier_engine_t *e);

/* Current epoch. */
uint32_t rvm_tier_epoch(const rvm_tier_engine_t *e);

/* Sets the coherence-derived cut value, capped at 10000. */
rvm_err_t rvm_tier_set_cut_value(rvm_tier_engine_t *e, rvm_region_id_t id, uint16_t value);

/* residency = cut_value + recency (0..20000). */
rvm_err_t rvm_tier_residency(const rvm_tier_engine_t *e, rvm_region_id_t id, uint16_t *score);

/* The region's current tier. */
rvm_err_t rvm_tier_get(const rvm_tier_engine_t *e, rvm_region_id_t id, rvm_tier_t *tier);

/*
 * Moves a region one tier warmer and writes the old tier to `old` (may be NULL).
 * PARTITION_NOT_FOUND; INVALID_TIER_TRANSITION unless `target` is exactly one
 * step warmer, and always from Cold (leave Cold only through rvm_tier_restore);
 * COHERENCE_BELOW_THRESHOLD when residency is below 8000 (to Hot) or 5000 (to
 * Warm). Dormant -> Warm allocates frames, verifies the checkpoint and deltas
 * against the witness log, decompresses and replays the deltas; any failure
 * (CHECKPOINT_CORRUPTED, CHECKPOINT_NOT_FOUND, OUT_OF_MEMORY, ...) frees what it
 * took and leaves the region Dormant and unchanged. With a region table
 * configured, a detached owned region of the same id is rebound to the new frames
 * (its errors; INVALID_PARTITION_STATE if it is not detached). Witnessed as
 * RegionPromote (payload[0] old, [1] new tier).
 */
rvm_err_t rvm_tier_promote(rvm_tier_engine_t *e, rvm_region_id_t id, rvm_tier_t target, rvm_tier_t *old);

/*
 * Moves a region one tier colder (no score check). INVALID_TIER_TRANSITION
 * unless `target` is exactly one step colder. Warm -> Dormant compresses the
 * frames into a checkpoint (witnessed CheckpointCreated) in freshly allocated
 * frames and frees the region's frames. Dormant -> Cold folds pending deltas into
 * a new checkpoint, writes the image to cold storage (UNSUPPORTED without it,
 * RESOURCE_LIMIT_EXCEEDED when it is full) and frees the dormant frames. Witnessed
 * as RegionDemote; on any failure the region stays where it was. With a region
 * table configured, the owned region of the same id must be unmapped before
 * Warm -> Dormant (INVALID_PARTITION_STATE otherwise) and is then detached.
 */
rvm_err_t rvm_tier_demote(rvm_tier_engine_t *e, rvm_region_id_t id, rvm_tier_t target, rvm_tier_t *old);

/* The cold receipt of a Cold region; INVALID_TIER_TRANSITION when it is not Cold. */
rvm_err_t rvm_tier_cold_receipt(const rvm_tier_engine_t *e, rvm_region_id_t id, rvm_cold_receipt_t *out);

/*
 * Explicit restore of a Cold region to Dormant, also into a new engine after a
 * reboot: reads the image named by `receipt`, checks its SHA-256 against the
 * receipt and its header against the receipt's region, owner and size
 * (CHECKPOINT_CORRUPTED otherwise, nothing changes), keeps the checkpoint in
 * fresh frames, witnesses it in this engine's log (CheckpointRestored) and
 * registers the region as Dormant with recency 5000 (or moves an existing Cold
 * entry of the same id to Dormant; MEMORY_OVERLAP if that id is in another tier).
 */
rvm_err_t rvm_tier_restore(rvm_tier_engine_t *e, const rvm_cold_receipt_t *receipt);

/*
 * Writes `len` bytes at `offset` into the region: straight into the frames of a
 * resident region, as a witnessed delta (RegionDelta) of a dormant one, folding
 * the deltas into a new checkpoint first when the delta store is full.
 * PARTITION_NOT_FOUND; INVALID_ARGUMENT for a range outside the region or len 0
 * (dormant: above 65535 too); INVALID_PARTITION_STATE for a Cold region.
 */
rvm_err_t rvm_tier_write(rvm_tier_engine_t *e, rvm_region_id_t id, uint32_t offset, const uint8_t *bytes,
                         uint32_t len);

/* Copies `len` bytes at `offset` of a resident region; INVALID_PARTITION_STATE when it is not Hot or Warm. */
rvm_err_t rvm_tier_read(const rvm_tier_engine_t *e, rvm_region_id_t id, uint32_t offset, uint8_t *buf, uint32_t len);

/* Physical address of a resident region's frames (for its stage-2 mapping); INVALID_PARTITION_STATE otherwise. */
rvm_err_t rvm_tier_frames(const rvm_tier_engine_t *e, rvm_region_id_t id, rvm_phys_addr_t *pa);

/*
 * Sequence of the oldest witness record a dormant region's reconstruction needs
 * (its checkpoint's anchor). Once the log's oldest retained sequence passes it,
 * promotion fails with CHECKPOINT_NOT_FOUND; call rvm_tier_refresh before that.
 * INVALID_PARTITION_STATE when the region is not Dormant.
 */
rvm_err_t rvm_tier_anchor(const rvm_tier_engine_t *e, rvm_region_id_t id, uint64_t *sequence);

/*
 * Renews a dormant region's anchor at the head of the log: with pending deltas
 * they are folded into a new checkpoint (verified first, as on promotion);
 * without, the checkpoint is verified against the chain and witnessed again
 * (CheckpointRestored). Errors as rvm_tier_promote; INVALID_PARTITION_STATE when
 * the region is not Dormant.
 */
rvm_err_t rvm_tier_refresh(rvm_tier_engine_t *e, rvm_region_id_t id);

/* Pending deltas of a dormant region. */
rvm_err_t rvm_tier_delta_count(const rvm_tier_engine_t *e, rvm_region_id_t id, uint32_t *count);

/*
 * Writes up to `cap` demotion candidates (Hot below 7000 -> Warm, Warm below 4000
 * -> Dormant, Dormant below 1000 -> Cold) to `out`, and the number written to `n`.
 */
void rvm_tier_find_demotion_candidates(const rvm_tier_engine_t *e, rvm_tier_candidate_t *out, uint32_t cap,
                                       uint32_t *n);

#endif
