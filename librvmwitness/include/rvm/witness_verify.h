/* Chain verification of stored witness records: links, record hashes, sequence continuity, signatures (spec §6.3). */
#ifndef RVM_WITNESS_VERIFY_H
#define RVM_WITNESS_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>
#include <rvm/witness_segment.h>
#include <rvm/witness_signer.h>

/* Why verification stopped. Per record the checks run: malformed, sequence, prev_hash, record_hash, signature. */
typedef enum rvm_witness_verify_reason {
    RVM_WITNESS_VERIFY_OK = 0,
    RVM_WITNESS_VERIFY_MALFORMED = 1,      /* undefined action code or a nonzero must-be-zero field */
    RVM_WITNESS_VERIFY_SEQUENCE_GAP = 2,   /* not the expected sequence: dropped, duplicated or reordered record */
    RVM_WITNESS_VERIFY_PREV_HASH = 3,      /* prev_hash is not fold32 of the running chain value */
    RVM_WITNESS_VERIFY_RECORD_HASH = 4,    /* record_hash does not match the recomputed chain value */
    RVM_WITNESS_VERIFY_SIGNATURE = 5,      /* aux does not verify under the signer */
    RVM_WITNESS_VERIFY_COUNT = 6,          /* fewer (truncated) or more records than expected */
    RVM_WITNESS_VERIFY_FINAL_CHAIN = 7,    /* the chain does not end at the expected value (truncated/rewritten tail) */
    RVM_WITNESS_VERIFY_EMPTY = 8,          /* no records where a chain from sequence 0 was asked for */
    RVM_WITNESS_VERIFY_STOPPED = 9,        /* a replay callback returned an error */
} rvm_witness_verify_reason_t;

typedef struct rvm_witness_verify_result {
    uint64_t verified;       /* records that passed before the first failure (all of them on success) */
    uint64_t bad_sequence;   /* sequence expected at the failing position (first missing one for COUNT/FINAL_CHAIN) */
    uint64_t bad_index;      /* index of the failing record in the input (the record count for COUNT/FINAL_CHAIN) */
    uint64_t chain_value;    /* running chain value after the last record that passed */
    uint8_t reason;          /* rvm_witness_verify_reason_t */
} rvm_witness_verify_result_t;

#define RVM_WITNESS_EXPECT_FIRST_SEQUENCE 1u  /* the first record must carry `first_sequence` */
#define RVM_WITNESS_EXPECT_COUNT 2u           /* exactly `count` records */
#define RVM_WITNESS_EXPECT_FINAL_CHAIN 4u     /* the chain must end at `final_chain` */

/* What the caller knows independently of the records; only the fields named in `check` are used. */
typedef struct rvm_witness_verify_expect {
    uint32_t check;          /* OR of RVM_WITNESS_EXPECT_* */
    uint64_t first_sequence;
    uint64_t count;
    uint64_t final_chain;
} rvm_witness_verify_expect_t;

/*
 * Return codes of every verifier: RVM_OK; RVM_ERR_WITNESS_CHAIN_BROKEN for
 * sequence gaps, prev_hash mismatches and count/final-chain failures;
 * RVM_ERR_WITNESS_VERIFICATION_FAILED for record-hash and signature failures;
 * RVM_ERR_MALFORMED_INPUT for malformed records; RVM_ERR_INVALID_ARGUMENT for
 * bad parameters. `result` may be NULL; when given it is always filled.
 */

/* Verifies a chain that starts at sequence 0 from chain value 0; an empty slice is RVM_ERR_NOT_FOUND (reason EMPTY). */
rvm_err_t rvm_witness_verify_chain(uint8_t chain_mode, uint8_t digest, const rvm_witness_record_t *records, size_t n,
                                   const rvm_witness_signer_t *signer, rvm_witness_verify_result_t *result);

/* Verifies a range whose first record extends `prev_chain`; the first record's own sequence starts the count. */
rvm_err_t rvm_witness_verify_chain_from(uint8_t chain_mode, uint8_t digest, uint64_t prev_chain,
                                        const rvm_witness_record_t *records, size_t n,
                                        const rvm_witness_signer_t *signer, rvm_witness_verify_result_t *result);

/* As rvm_witness_verify_chain_from, then checks the expectations (first sequence, count, final chain value). */
rvm_err_t rvm_witness_verify_chain_expect(uint8_t chain_mode, uint8_t digest, uint64_t prev_chain,
                                          const rvm_witness_record_t *records, size_t n,
                                          const rvm_witness_signer_t *signer,
                                          const rvm_witness_verify_expect_t *expect,
                                          rvm_witness_verify_result_t *result);

/* Verifies `n` records against a segment description; count and final chain are checked when it is complete. */
rvm_err_t rvm_witness_verify_segment(const rvm_witness_segment_t *seg, const rvm_witness_record_t *records, size_t n,
                                     const rvm_witness_signer_t *signer, rvm_witness_verify_result_t *result);

/* Verifies a log's live ring (also after wrap-around) from its base chain value to its current chain value. */
rvm_err_t rvm_witness_verify_log(const rvm_witness_log_t *log, const rvm_witness_signer_t *signer,
                                 rvm_witness_verify_result_t *result);

/* Short English name of a reason ("prev-hash mismatch"); "unknown" for values outside the enum. */
const char *rvm_witness_verify_reason_name(uint8_t reason);

#endif
