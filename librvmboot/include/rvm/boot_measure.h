/* The measured boot accumulator and the per-stage digests it absorbs (spec §12.3, §12.4). */
#ifndef RVM_BOOT_MEASURE_H
#define RVM_BOOT_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>

#define RVM_BOOT_DIGEST_LEN 32u
/* One slot per boot stage: the seven architectural stages plus ADR-137 stage 7 (first partition). */
#define RVM_BOOT_MEASURE_SLOTS 8u
/* Data bytes the reference FNV stage digest keeps: its 64-byte buffer minus the stage byte. */
#define RVM_BOOT_FNV_DIGEST_DATA_MAX 63u

typedef enum rvm_boot_hash {
    RVM_BOOT_HASH_SHA256 = 0,  /* default: SHA-256 accumulator, SHA-256(stage ‖ data) stage digests */
    RVM_BOOT_HASH_FNV = 1,     /* reference fallback for builds without SHA-256: no collision resistance */
} rvm_boot_hash_t;

/*
 * acc starts all zero ("virgin"); every extend replaces it with
 * H(acc ‖ u8(stage) ‖ h) and keeps h in phase_hash[stage].
 */
typedef struct rvm_boot_measure {
    uint8_t acc[RVM_BOOT_DIGEST_LEN];
    uint8_t phase_hash[RVM_BOOT_MEASURE_SLOTS][RVM_BOOT_DIGEST_LEN];
    uint32_t count;   /* extends so far */
    uint8_t hash;     /* rvm_boot_hash_t */
} rvm_boot_measure_t;

/* Resets `m` to the virgin state for `hash`; RVM_ERR_INVALID_ARGUMENT for NULL or an unknown hash. */
rvm_err_t rvm_boot_measure_init(rvm_boot_measure_t *m, uint8_t hash);

/* Absorbs stage digest `h` for `stage` (< RVM_BOOT_MEASURE_SLOTS, else RVM_ERR_INVALID_ARGUMENT). */
rvm_err_t rvm_boot_measure_extend(rvm_boot_measure_t *m, uint8_t stage, const uint8_t h[RVM_BOOT_DIGEST_LEN]);

/* Copies the accumulator: the platform attestation root once the boot has completed. */
rvm_err_t rvm_boot_measure_root(const rvm_boot_measure_t *m, uint8_t out[RVM_BOOT_DIGEST_LEN]);

/* True while nothing has been extended into `m` (and for NULL). */
bool rvm_boot_measure_is_virgin(const rvm_boot_measure_t *m);

/*
 * Reference stage digest: FNV-1a-64 over overlapping suffixes of a 64-byte
 * buffer holding `stage` and the first 63 bytes of `data` (later bytes are not
 * measured). `data` may be NULL when `len` is 0.
 */
rvm_err_t rvm_boot_stage_digest_fnv(uint8_t stage, const void *data, size_t len, uint8_t out[RVM_BOOT_DIGEST_LEN]);

/* RVM stage digest: SHA-256(u8(stage) ‖ data), every byte of `data` measured. `data` may be NULL when `len` is 0. */
rvm_err_t rvm_boot_stage_digest_sha256(uint8_t stage, const void *data, size_t len,
                                       uint8_t out[RVM_BOOT_DIGEST_LEN]);

/* The stage digest that matches `hash` (rvm_boot_hash_t): what the sequencer measures data with. */
rvm_err_t rvm_boot_stage_digest(uint8_t hash, uint8_t stage, const void *data, size_t len,
                                uint8_t out[RVM_BOOT_DIGEST_LEN]);

#endif
