/* The witness log: an append-only, hash-chained ring over caller-provided storage (spec §6.1, §6.2). */
#ifndef RVM_WITNESS_LOG_H
#define RVM_WITNESS_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/witness_record.h>
#include <rvm/witness_signer.h>

typedef enum rvm_witness_chain_mode {
    RVM_WITNESS_CHAIN_SEQUENCE = 1,  /* mode 1: chain over sequence numbers only (reference-compatible) */
    RVM_WITNESS_CHAIN_CONTENT = 2,   /* mode 2: chain over the record's content (default) */
} rvm_witness_chain_mode_t;

typedef enum rvm_witness_digest {
    RVM_WITNESS_DIGEST_SHA256 = 0,   /* default */
    RVM_WITNESS_DIGEST_FNV1A = 1,    /* fast mode: tamper evidence against accidents, not adversaries */
} rvm_witness_digest_t;

typedef enum rvm_witness_full_policy {
    RVM_WITNESS_OVERWRITE_OLDEST = 0,  /* append never fails; lost undrained records are counted */
    RVM_WITNESS_REFUSE_UNDRAINED = 1,  /* append fails with WITNESS_LOG_FULL rather than drop an undrained record */
} rvm_witness_full_policy_t;

/* Returns the current time in ns; used to stamp records whose timestamp_ns is 0. */
typedef uint64_t (*rvm_witness_clock_fn)(void *ctx);

typedef struct rvm_witness_config {
    uint8_t chain_mode;                 /* rvm_witness_chain_mode_t */
    uint8_t digest;                     /* rvm_witness_digest_t */
    uint8_t full_policy;                /* rvm_witness_full_policy_t */
    const rvm_witness_signer_t *signer; /* signs every append when set */
    rvm_witness_clock_fn clock;         /* optional */
    void *clock_ctx;
} rvm_witness_config_t;

/*
 * Fields are private to librvmwitness; read them through the accessors. The
 * ring slots are private too: a slot's `pad` carries half of its chain value
 * (never exported, cleared on copy-out), so read records only through
 * rvm_witness_get, rvm_witness_read_from or rvm_witness_snapshot.
 */
typedef struct rvm_witness_log {
    rvm_witness_record_t *records;
    uint32_t capacity;
    uint32_t write_pos;
    uint64_t chain_value;        /* 64-bit chain value after the newest record */
    uint64_t base_chain;         /* 64-bit chain value preceding the oldest retained record */
    uint64_t next_sequence;
    uint64_t drained_sequence;   /* every sequence below this has been drained */
    uint64_t lost;               /* records overwritten before they were drained */
    uint8_t chain_mode;
    uint8_t digest;
    uint8_t full_policy;
    const rvm_witness_signer_t *signer;
    rvm_witness_clock_fn clock;
    void *clock_ctx;
} rvm_witness_log_t;

/* Mode 2, SHA-256, overwrite-oldest, unsigned, no clock. */
void rvm_witness_config_default(rvm_witness_config_t *cfg);

/* Binds a log to `capacity` records of storage; `cfg` NULL means the defaults. */
rvm_err_t rvm_witness_log_init(rvm_witness_log_t *log, rvm_witness_record_t *storage, uint32_t capacity,
                               const rvm_witness_config_t *cfg);

/*
 * Appends a copy of `rec`: assigns sequence, prev_hash and record_hash
 * (caller values are overwritten), stamps the time if it is 0, signs with the
 * configured signer, and writes the sequence to `seq_out` (may be NULL).
 * Fails only on an undefined action code or, under REFUSE_UNDRAINED, a full
 * ring; it never blocks.
 */
rvm_err_t rvm_witness_append(rvm_witness_log_t *log, const rvm_witness_record_t *rec, uint64_t *seq_out);

/* As rvm_witness_append, signing with `signer` (after the chain fields are set) instead of the configured one. */
rvm_err_t rvm_witness_signed_append(rvm_witness_log_t *log, const rvm_witness_record_t *rec,
                                    const rvm_witness_signer_t *signer, uint64_t *seq_out);

/* True when an append would succeed now (always, under OVERWRITE_OLDEST). */
bool rvm_witness_can_append(const rvm_witness_log_t *log);

/* Chain value a record extends from `prev`, in the given mode and digest (the function verifiers use). */
uint64_t rvm_witness_chain_step(uint8_t chain_mode, uint8_t digest, uint64_t prev, const rvm_witness_record_t *rec);

uint64_t rvm_witness_total_emitted(const rvm_witness_log_t *log);
/* Records held now: min(total emitted, capacity). */
uint32_t rvm_witness_len(const rvm_witness_log_t *log);
/* The 64-bit chain value after the newest record (0 for an empty log). */
uint64_t rvm_witness_chain_value(const rvm_witness_log_t *log);
/* Records overwritten before the drain reached them. */
uint64_t rvm_witness_lost(const rvm_witness_log_t *log);
/* Sequence of the oldest record still in the ring (equals total emitted when the log is empty). */
uint64_t rvm_witness_oldest_sequence(const rvm_witness_log_t *log);
/* The 64-bit chain value preceding the oldest retained record: where verification of the live ring starts. */
uint64_t rvm_witness_base_chain(const rvm_witness_log_t *log);
/* Chain value preceding record `seq`, for any seq from the oldest retained one to total emitted; else NOT_FOUND. */
rvm_err_t rvm_witness_chain_before(const rvm_witness_log_t *log, uint64_t seq, uint64_t *chain_out);
/* Copies the record with sequence `seq` if it is still in the ring; RVM_ERR_NOT_FOUND otherwise. */
rvm_err_t rvm_witness_get(const rvm_witness_log_t *log, uint64_t seq, rvm_witness_record_t *out);
/* Copies up to `cap` records from sequence `seq` on, oldest-first; NOT_FOUND when `seq` is no longer (or not
 * yet) held. */
rvm_err_t rvm_witness_read_from(const rvm_witness_log_t *log, uint64_t seq, rvm_witness_record_t *buf, uint32_t cap,
                                uint32_t *n_out);
/* Copies the most recent min(cap, len) records oldest-first; `*n_out` receives the count. */
rvm_err_t rvm_witness_snapshot(const rvm_witness_log_t *log, rvm_witness_record_t *buf, uint32_t cap, uint32_t *n_out);
/* Marks every record below `seq` as drained (moved to warmer storage); never moves backwards. */
rvm_err_t rvm_witness_mark_drained(rvm_witness_log_t *log, uint64_t seq);

#endif
