/* Audit queries: linear filters over witness records (spec §6.4). */
#ifndef RVM_WITNESS_QUERY_H
#define RVM_WITNESS_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/err.h>
#include <rvm/witness_log.h>
#include <rvm/witness_record.h>

#define RVM_WITNESS_MATCH_PARTITION 1u  /* actor == partition or target == partition */
#define RVM_WITNESS_MATCH_ACTION 2u     /* action_kind == action_kind */
#define RVM_WITNESS_MATCH_TIME 4u       /* time_from_ns <= timestamp_ns <= time_to_ns */

/* A conjunction of the criteria named in `match`; 0 matches every record. */
typedef struct rvm_witness_filter {
    uint32_t match;          /* OR of RVM_WITNESS_MATCH_* */
    uint32_t partition;
    uint8_t action_kind;     /* must be a defined code when matched on */
    uint64_t time_from_ns;   /* inclusive */
    uint64_t time_to_ns;     /* inclusive; not below time_from_ns */
} rvm_witness_filter_t;

/*
 * Every query copies the first `cap` matches, oldest-first, into `out` (NULL
 * allowed when cap is 0) and always stores the total number of matches in
 * `*total_out`; it returns RVM_ERR_BUFFER_TOO_SMALL when that total exceeds
 * `cap`, RVM_ERR_INVALID_ARGUMENT for a bad filter or pointer.
 */

/* Records of `records[0..n)` matching `filter`. */
rvm_err_t rvm_witness_query(const rvm_witness_record_t *records, size_t n, const rvm_witness_filter_t *filter,
                            rvm_witness_record_t *out, size_t cap, size_t *total_out);
/* Records whose actor or target is partition `pid`. */
rvm_err_t rvm_witness_query_partition(const rvm_witness_record_t *records, size_t n, uint32_t pid,
                                      rvm_witness_record_t *out, size_t cap, size_t *total_out);
/* Records of one action kind. */
rvm_err_t rvm_witness_query_action(const rvm_witness_record_t *records, size_t n, uint8_t action_kind,
                                   rvm_witness_record_t *out, size_t cap, size_t *total_out);
/* Records stamped within [from_ns, to_ns]. */
rvm_err_t rvm_witness_query_time(const rvm_witness_record_t *records, size_t n, uint64_t from_ns, uint64_t to_ns,
                                 rvm_witness_record_t *out, size_t cap, size_t *total_out);
/* Records of a log's live ring matching `filter`, oldest-first. */
rvm_err_t rvm_witness_log_query(const rvm_witness_log_t *log, const rvm_witness_filter_t *filter,
                                rvm_witness_record_t *out, size_t cap, size_t *total_out);

#endif
