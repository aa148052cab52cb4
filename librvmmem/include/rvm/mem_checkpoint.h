/* Dormant checkpoints and deltas, bound to the witness chain, and reconstruction (spec §10.8). */
#ifndef RVM_MEM_CHECKPOINT_H
#define RVM_MEM_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/mem_lz4.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>

/* Compression algorithm ids (spec §10.7, DECISIONS 9). */
#define RVM_COMPRESS_RLE 0u
#define RVM_COMPRESS_LZ4 1u

/*
 * A checkpoint of one region's bytes. Its CheckpointCreated (or, after a
 * restore from cold storage, CheckpointRestored) record carries the first 8
 * bytes of rvm_checkpoint_digest() in its payload and the region id as target:
 * the descriptor cannot be altered without the witness chain noticing.
 */
typedef struct rvm_checkpoint {
    rvm_checkpoint_id_t id;
    rvm_region_id_t region_id;
    uint64_t witness_sequence;                        /* sequence of the record that anchors it */
    uint8_t data_hash[RVM_SHA256_DIGEST_LEN];         /* SHA-256 of the uncompressed bytes */
    uint8_t compressed_hash[RVM_SHA256_DIGEST_LEN];   /* SHA-256 of the compressed bytes */
    uint32_t size;                                    /* uncompressed bytes */
    uint32_t compressed_size;
    uint8_t algorithm;                                /* RVM_COMPRESS_* */
} rvm_checkpoint_t;

/* One witnessed write into a dormant region since its checkpoint. */
typedef struct rvm_delta {
    uint64_t sequence;                          /* sequence of its RegionDelta record */
    uint32_t offset;                            /* into the region's bytes */
    uint16_t length;                            /* 1..65535 */
    uint32_t data_offset;                       /* where its bytes sit in the delta log's data area */
    uint8_t data_hash[RVM_SHA256_DIGEST_LEN];   /* SHA-256 of its bytes */
} rvm_delta_t;

/* Deltas of one region, in sequence order, over caller storage. Fields are private. */
typedef struct rvm_delta_log {
    rvm_delta_t *deltas;
    uint32_t capacity;
    uint32_t count;
    uint8_t *data;
    uint32_t data_capacity;
    uint32_t data_used;
} rvm_delta_log_t;

/* What reconstruction produced. */
typedef struct rvm_reconstruction {
    rvm_region_id_t region_id;
    uint32_t size;
    uint32_t deltas_applied;
    uint8_t final_hash[RVM_SHA256_DIGEST_LEN];   /* SHA-256 of the reconstructed bytes */
} rvm_reconstruction_t;

/* SHA-256 over the descriptor's canonical bytes (everything except witness_sequence). */
void rvm_checkpoint_digest(const rvm_checkpoint_t *cp, uint8_t out[RVM_SHA256_DIGEST_LEN]);

/*
 * Compresses `len` bytes of region `region` with `algorithm` into `out` (capacity
 * `cap`), fills `cp` and witnesses CheckpointCreated (flags = algorithm).
 * RESOURCE_LIMIT_EXCEEDED for empty data or more than 4 GiB - 1 bytes;
 * UNSUPPORTED for an unknown algorithm; the compressor's error when `out` is too
 * small; WITNESS_LOG_FULL when the record cannot be written. `lz4` is scratch for
 * algorithm LZ4 and may be NULL for RLE.
 */
rvm_err_t rvm_checkpoint_create(rvm_witness_log_t *log, rvm_checkpoint_id_t id, rvm_region_id_t region,
                                uint8_t algorithm, rvm_lz4_state_t *lz4, const uint8_t *data, size_t len,
                                uint8_t *out, size_t cap, rvm_checkpoint_t *cp);

/*
 * The two halves of rvm_checkpoint_create, for callers that must place the
 * compressed bytes before the checkpoint is witnessed: build compresses and
 * fills `cp` (same errors, no record); anchor witnesses CheckpointCreated for it
 * and sets `cp->witness_sequence`.
 */
rvm_err_t rvm_checkpoint_build(rvm_checkpoint_id_t id, rvm_region_id_t region, uint8_t algorithm,
                               rvm_lz4_state_t *lz4, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                               rvm_checkpoint_t *cp);
rvm_err_t rvm_checkpoint_anchor(rvm_witness_log_t *log, rvm_checkpoint_t *cp);

/*
 * Witnesses CheckpointRestored for a checkpoint read back from cold storage into
 * this log (after a reboot its old records are in another log) and points
 * `cp->witness_sequence` at that record.
 */
rvm_err_t rvm_checkpoint_reanchor(rvm_witness_log_t *log, rvm_checkpoint_t *cp);

/* Binds `capacity` delta slots and a `data_capacity`-byte data area to `dl`, empty. */
rvm_err_t rvm_delta_log_init(rvm_delta_log_t *dl, rvm_delta_t *deltas, uint32_t capacity, uint8_t *data,
                             uint32_t data_capacity);

/*
 * Records a write of `len` bytes at `offset` into region `region`: witnesses
 * RegionDelta (payload: first 8 bytes of the delta's digest), then stores it.
 * INVALID_ARGUMENT for len 0 or above 65535; RESOURCE_LIMIT_EXCEEDED when the
 * slots or the data area are full; WITNESS_CHAIN_BROKEN if the log hands out a
 * sequence not above the previous delta's (a different or reset log).
 */
rvm_err_t rvm_delta_log_add(rvm_delta_log_t *dl, rvm_witness_log_t *log, rvm_region_id_t region, uint32_t offset,
                            const uint8_t *bytes, uint32_t len);

/* Forgets every delta (after they were folded into a new checkpoint). */
void rvm_delta_log_clear(rvm_delta_log_t *dl);

/* Deltas held. */
uint32_t rvm_delta_log_count(const rvm_delta_log_t *dl);

/*
 * Checks a checkpoint and its deltas against the witness log before anything is
 * applied, in time proportional to the records since the checkpoint: every link
 * from the anchoring record up to the log's current chain value verifies (the
 * verifier's error otherwise); the anchoring record is CheckpointCreated or
 * CheckpointRestored for this region with this descriptor's digest, and each
 * delta's RegionDelta record is where the delta says with the delta's digest
 * (CHECKPOINT_CORRUPTED otherwise). CHECKPOINT_NOT_FOUND once the anchoring
 * record has left the ring: keep anchors live with rvm_checkpoint_reanchor (the
 * tier engine's rvm_tier_refresh) before the ring overwrites them.
 */
rvm_err_t rvm_checkpoint_verify_witness(const rvm_witness_log_t *log, const rvm_checkpoint_t *cp,
                                        const rvm_delta_log_t *deltas);

/*
 * Rebuilds the region's bytes into `out`: rvm_checkpoint_verify_witness (when
 * `log` is not NULL), then every delta's bounds (CHECKPOINT_CORRUPTED) and data
 * hash (WITNESS_VERIFICATION_FAILED), the compressed bytes' hash, decompression
 * and the data hash (CHECKPOINT_CORRUPTED for any mismatch), and only then the
 * deltas are copied in, in order. RESOURCE_LIMIT_EXCEEDED when `cap` is below the
 * size. `deltas` may be NULL. On failure `out` holds scratch and must not be used.
 */
rvm_err_t rvm_checkpoint_reconstruct(const rvm_witness_log_t *log, const rvm_checkpoint_t *cp,
                                     const uint8_t *compressed, size_t compressed_len, const rvm_delta_log_t *deltas,
                                     uint8_t *out, size_t cap, rvm_reconstruction_t *result);

#endif
