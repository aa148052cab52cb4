#include <rvm/witness_replay.h>

#include "walk.h"

static void clear_result(rvm_witness_verify_result_t *res, uint64_t chain)
{
    res->verified = 0;
    res->bad_sequence = 0;
    res->bad_index = 0;
    res->chain_value = chain;
    res->reason = RVM_WITNESS_VERIFY_OK;
}

rvm_err_t rvm_witness_log_checkpoint(const rvm_witness_log_t *log, rvm_witness_checkpoint_t *cp)
{
    if (log == NULL || cp == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    cp->sequence = rvm_witness_total_emitted(log);
    cp->chain_value = rvm_witness_chain_value(log);
    return RVM_OK;
}

rvm_err_t rvm_witness_replay(uint8_t chain_mode, uint8_t digest, const rvm_witness_checkpoint_t *from,
                             const rvm_witness_record_t *records, size_t n, const rvm_witness_signer_t *signer,
                             rvm_witness_replay_fn fn, void *ctx, rvm_witness_verify_result_t *result)
{
    rvm_witness_verify_result_t local = { 0 };
    rvm_witness_verify_result_t *res = result != NULL ? result : &local;
    clear_result(res, from != NULL ? from->chain_value : 0);
    if (from == NULL || fn == NULL || (records == NULL && n > 0) || !rvm_witness_mode_valid(chain_mode, digest)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /*
     * The slice's first sequence locates the checkpoint in it; a hostile first
     * sequence can only misplace the start, and the walk then reports the gap.
     */
    uint64_t first = n > 0 ? records[0].sequence : from->sequence;
    if (first > from->sequence) {
        res->reason = RVM_WITNESS_VERIFY_SEQUENCE_GAP;
        res->bad_sequence = from->sequence;
        return RVM_ERR_WITNESS_CHAIN_BROKEN;
    }
    if (from->sequence - first > n) {
        return RVM_ERR_NOT_FOUND;
    }
    size_t skip = (size_t)(from->sequence - first);
    rvm_witness_walk_t w = {
        .chain_mode = chain_mode,
        .digest = digest,
        .signer = signer,
        .base = records,
        .start = skip,
        .n = n - skip,
        .prev_chain = from->chain_value,
        .expect = { .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE, .first_sequence = from->sequence },
        .fn = fn,
        .ctx = ctx,
    };
    rvm_err_t err = rvm_witness_walk(&w, res);
    /* Indices in the result refer to the caller's slice, not to the replayed tail. */
    res->bad_index += skip;
    return err;
}

rvm_err_t rvm_witness_log_replay(const rvm_witness_log_t *log, const rvm_witness_checkpoint_t *from,
                                 const rvm_witness_signer_t *signer, rvm_witness_replay_fn fn, void *ctx,
                                 rvm_witness_verify_result_t *result)
{
    rvm_witness_verify_result_t local = { 0 };
    rvm_witness_verify_result_t *res = result != NULL ? result : &local;
    clear_result(res, from != NULL ? from->chain_value : 0);
    if (log == NULL || log->records == NULL || log->capacity == 0 || from == NULL || fn == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint64_t next = rvm_witness_total_emitted(log);
    if (from->sequence < rvm_witness_oldest_sequence(log) || from->sequence > next) {
        return RVM_ERR_NOT_FOUND;
    }
    rvm_witness_walk_t w = {
        .chain_mode = log->chain_mode,
        .digest = log->digest,
        .signer = signer,
        .base = log->records,
        .wrap = log->capacity,
        .start = (size_t)(from->sequence % log->capacity),
        .n = (size_t)(next - from->sequence),
        .ring = true,
        .prev_chain = from->chain_value,
        .expect = {
            .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE | RVM_WITNESS_EXPECT_FINAL_CHAIN,
            .first_sequence = from->sequence,
            .final_chain = rvm_witness_chain_value(log),
        },
        .fn = fn,
        .ctx = ctx,
    };
    return rvm_witness_walk(&w, res);
}
