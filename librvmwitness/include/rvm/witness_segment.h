/* A contiguous range of the witness chain with the anchors that let it be verified on its own (spec §6.3, §6.7). */
#ifndef RVM_WITNESS_SEGMENT_H
#define RVM_WITNESS_SEGMENT_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/witness_log.h>

/*
 * What a verifier needs besides the records themselves: the chain value that
 * precedes the first record (so a range cut from a wrapped ring or a drained
 * segment still verifies) and the value after the last one (so that records
 * missing at the end are detected, which no link inside the range can show).
 */
typedef struct rvm_witness_segment {
    uint8_t chain_mode;       /* rvm_witness_chain_mode_t */
    uint8_t digest;           /* rvm_witness_digest_t */
    bool complete;            /* count and final_chain are known (false for a line form without its end line) */
    uint64_t first_sequence;  /* sequence of the first record */
    uint64_t count;           /* number of records in the range */
    uint64_t prev_chain;      /* 64-bit chain value preceding the first record */
    uint64_t final_chain;     /* 64-bit chain value after the last record */
} rvm_witness_segment_t;

/* Describes the records a log holds now (its live ring), complete, anchored at the log's base chain value. */
rvm_err_t rvm_witness_log_segment(const rvm_witness_log_t *log, rvm_witness_segment_t *seg);

#endif
