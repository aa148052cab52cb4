/* Helpers shared by the librvmwitness tests: record builders, reference logs and a small deterministic PRNG. */
#ifndef RVM_WITNESS_TEST_UTIL_H
#define RVM_WITNESS_TEST_UTIL_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>
#include <rvm/witness_signer.h>

/* xorshift64*: reproducible "random" inputs, so a failure can be replayed. */
static inline uint64_t tu_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static inline rvm_witness_record_t tu_rec(uint8_t kind, uint32_t actor, uint64_t target, uint64_t ts)
{
    rvm_witness_record_t r;
    memset(&r, 0, sizeof r);
    r.action_kind = kind;
    r.proof_tier = 1;
    r.actor_partition_id = actor;
    r.target_object_id = target;
    r.timestamp_ns = ts;
    return r;
}

/* A varied but deterministic record for position i. */
static inline rvm_witness_record_t tu_rec_n(uint64_t i)
{
    static const uint8_t kinds[] = { 0x01, 0x10, 0x27, 0x32, 0x40, 0x51, 0x60, 0x72, 0x81, 0xA0 };
    rvm_witness_record_t r = tu_rec(kinds[i % sizeof kinds], (uint32_t)(i % 5), 100 + i % 7, 1000 + 10 * i);
    r.proof_tier = (uint8_t)(1 + i % 3);
    r.flags = (uint8_t)i;
    r.capability_hash = (uint32_t)(0x9e3779b9u * (uint32_t)(i + 1));
    for (unsigned b = 0; b < RVM_WITNESS_PAYLOAD_SIZE; b++) {
        r.payload[b] = (uint8_t)(i * 31 + b);
    }
    return r;
}

/* A log over heap storage (64-byte aligned) that the test frees with tu_log_free. */
typedef struct tu_log {
    rvm_witness_log_t log;
    rvm_witness_record_t *storage;
} tu_log_t;

static inline void tu_log_init(tu_log_t *t, uint32_t cap, uint8_t mode, uint8_t digest,
                               const rvm_witness_signer_t *signer)
{
    t->storage = aligned_alloc(64, (size_t)cap * sizeof(rvm_witness_record_t));
    ck_assert_ptr_nonnull(t->storage);
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    cfg.chain_mode = mode;
    cfg.digest = digest;
    cfg.signer = signer;
    ck_assert_int_eq(rvm_witness_log_init(&t->log, t->storage, cap, &cfg), RVM_OK);
}

static inline void tu_log_fill(tu_log_t *t, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        rvm_witness_record_t r = tu_rec_n(i);
        ck_assert_int_eq(rvm_witness_append(&t->log, &r, NULL), RVM_OK);
    }
}

static inline void tu_log_free(tu_log_t *t)
{
    free(t->storage);
    t->storage = NULL;
}

/* Heap array of `n` (at least one) records; snapshots a log's live ring into it when `from` is given. */
static inline rvm_witness_record_t *tu_records(size_t n)
{
    rvm_witness_record_t *r = aligned_alloc(64, (n + 1) * sizeof(rvm_witness_record_t));
    ck_assert_ptr_nonnull(r);
    memset(r, 0, (n + 1) * sizeof(rvm_witness_record_t));
    return r;
}

static inline rvm_witness_record_t *tu_snapshot(const rvm_witness_log_t *log, uint32_t *n_out)
{
    uint32_t len = rvm_witness_len(log);
    rvm_witness_record_t *r = tu_records(len);
    ck_assert_int_eq(rvm_witness_snapshot(log, r, len, n_out), RVM_OK);
    ck_assert_uint_eq(*n_out, len);
    return r;
}

static const uint8_t tu_modes[][2] = {
    { RVM_WITNESS_CHAIN_CONTENT, RVM_WITNESS_DIGEST_SHA256 },
    { RVM_WITNESS_CHAIN_CONTENT, RVM_WITNESS_DIGEST_FNV1A },
    { RVM_WITNESS_CHAIN_SEQUENCE, RVM_WITNESS_DIGEST_SHA256 },
    { RVM_WITNESS_CHAIN_SEQUENCE, RVM_WITNESS_DIGEST_FNV1A },
};

static inline int tu_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
