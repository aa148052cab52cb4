#include <rvm/fold.h>
#include <rvm/witness_segment.h>
#include <rvm/witness_verify.h>

#include "chain.h"
#include "walk.h"

/* Checks one record against the running chain; on success `*chain_out` is the chain value after it. */
static uint8_t check_record(const rvm_witness_walk_t *w, const rvm_witness_record_t *r, uint64_t seq, uint64_t prev,
                            uint64_t *chain_out)
{
    if (!rvm_witness_kind_ok(r->action_kind) || r->reserved != 0 || (!w->ring && r->pad != 0)) {
        return RVM_WITNESS_VERIFY_MALFORMED;
    }
    if (r->sequence != seq) {
        return RVM_WITNESS_VERIFY_SEQUENCE_GAP;
    }
    if (r->prev_hash != rvm_fold32(prev)) {
        return RVM_WITNESS_VERIFY_PREV_HASH;
    }
#if RVM_WITNESS_LE_HOST
    /* With reserved known to be zero, the record's own bytes 0..51 are canonical: hashed and checked in place. */
    const uint8_t *ser = (const uint8_t *)r;
#else
    uint8_t ser[RVM_WITNESS_RECORD_SIZE];
    rvm_witness_record_serialize(r, ser);
#endif
    uint64_t chain = rvm_witness_chain(w->chain_mode, w->digest, prev, ser);
    if (r->record_hash != rvm_fold32(chain)) {
        return RVM_WITNESS_VERIFY_RECORD_HASH;
    }
    if (w->signer != NULL && !w->signer->verify(w->signer, ser, r->aux)) {
        return RVM_WITNESS_VERIFY_SIGNATURE;
    }
    *chain_out = chain;
    return RVM_WITNESS_VERIFY_OK;
}

static rvm_err_t reason_err(uint8_t reason)
{
    switch (reason) {
    case RVM_WITNESS_VERIFY_OK:
        return RVM_OK;
    case RVM_WITNESS_VERIFY_MALFORMED:
        return RVM_ERR_MALFORMED_INPUT;
    case RVM_WITNESS_VERIFY_RECORD_HASH:
    case RVM_WITNESS_VERIFY_SIGNATURE:
        return RVM_ERR_WITNESS_VERIFICATION_FAILED;
    case RVM_WITNESS_VERIFY_EMPTY:
        return RVM_ERR_NOT_FOUND;
    default:
        return RVM_ERR_WITNESS_CHAIN_BROKEN;
    }
}

static rvm_err_t fail(rvm_witness_verify_result_t *res, uint8_t reason, uint64_t index, uint64_t seq)
{
    res->reason = reason;
    res->bad_index = index;
    res->bad_sequence = seq;
    return reason_err(reason);
}

rvm_err_t rvm_witness_walk(const rvm_witness_walk_t *w, rvm_witness_verify_result_t *res)
{
    const rvm_witness_verify_expect_t *ex = &w->expect;
    bool known_first = (ex->check & RVM_WITNESS_EXPECT_FIRST_SEQUENCE) != 0;
    uint64_t first = known_first ? ex->first_sequence : (w->n > 0 ? w->base[w->start].sequence : 0);
    uint64_t prev = w->prev_chain;
    size_t idx = w->start;
    res->verified = 0;
    res->chain_value = prev;
    res->reason = RVM_WITNESS_VERIFY_OK;
    res->bad_index = 0;
    res->bad_sequence = 0;
    for (size_t i = 0; i < w->n; i++) {
        const rvm_witness_record_t *r = &w->base[idx];
        idx = idx + 1 == w->wrap ? 0 : idx + 1;
        uint64_t chain = 0;
        uint8_t reason = check_record(w, r, first + i, prev, &chain);
        if (reason != RVM_WITNESS_VERIFY_OK) {
            return fail(res, reason, i, first + i);
        }
        if (w->fn != NULL) {
            rvm_witness_record_t copy;
            if (w->ring) {
                rvm_witness_slot_copy(&copy, r);
                r = &copy;
            }
            rvm_err_t err = w->fn(w->ctx, r);
            if (err != RVM_OK) {
                fail(res, RVM_WITNESS_VERIFY_STOPPED, i, first + i);
                return err;
            }
        }
        prev = chain;
        res->chain_value = chain;
        res->verified = i + 1;
    }
    if ((ex->check & RVM_WITNESS_EXPECT_COUNT) != 0 && ex->count != w->n) {
        uint64_t at = ex->count < w->n ? ex->count : w->n;
        return fail(res, RVM_WITNESS_VERIFY_COUNT, at, first + at);
    }
    if ((ex->check & RVM_WITNESS_EXPECT_FINAL_CHAIN) != 0 && ex->final_chain != prev) {
        return fail(res, RVM_WITNESS_VERIFY_FINAL_CHAIN, w->n, first + w->n);
    }
    return RVM_OK;
}

static void clear_result(rvm_witness_verify_result_t *res, uint64_t prev_chain)
{
    if (res != NULL) {
        res->verified = 0;
        res->bad_sequence = 0;
        res->bad_index = 0;
        res->chain_value = prev_chain;
        res->reason = RVM_WITNESS_VERIFY_OK;
    }
}

rvm_err_t rvm_witness_verify_chain_expect(uint8_t chain_mode, uint8_t digest, uint64_t prev_chain,
                                          const rvm_witness_record_t *records, size_t n,
                                          const rvm_witness_signer_t *signer,
                                          const rvm_witness_verify_expect_t *expect,
                                          rvm_witness_verify_result_t *result)
{
    rvm_witness_verify_result_t local = { 0 };
    rvm_witness_verify_result_t *res = result != NULL ? result : &local;
    clear_result(res, prev_chain);
    if ((records == NULL && n > 0) || !rvm_witness_mode_valid(chain_mode, digest)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_witness_walk_t w = {
        .chain_mode = chain_mode,
        .digest = digest,
        .signer = signer,
        .base = records,
        .n = n,
        .prev_chain = prev_chain,
    };
    if (expect != NULL) {
        w.expect = *expect;
    }
    return rvm_witness_walk(&w, res);
}

rvm_err_t rvm_witness_verify_chain_from(uint8_t chain_mode, uint8_t digest, uint64_t prev_chain,
                                        const rvm_witness_record_t *records, size_t n,
                                        const rvm_witness_signer_t *signer, rvm_witness_verify_result_t *result)
{
    return rvm_witness_verify_chain_expect(chain_mode, digest, prev_chain, records, n, signer, NULL, result);
}

rvm_err_t rvm_witness_verify_chain(uint8_t chain_mode, uint8_t digest, const rvm_witness_record_t *records, size_t n,
                                   const rvm_witness_signer_t *signer, rvm_witness_verify_result_t *result)
{
    rvm_witness_verify_expect_t ex = { .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE, .first_sequence = 0 };
    rvm_err_t err = rvm_witness_verify_chain_expect(chain_mode, digest, 0, records, n, signer, &ex, result);
    if (err == RVM_OK && n == 0) {
        if (result != NULL) {
            result->reason = RVM_WITNESS_VERIFY_EMPTY;
        }
        return reason_err(RVM_WITNESS_VERIFY_EMPTY);
    }
    return err;
}

rvm_err_t rvm_witness_verify_segment(const rvm_witness_segment_t *seg, const rvm_witness_record_t *records, size_t n,
                                     const rvm_witness_signer_t *signer, rvm_witness_verify_result_t *result)
{
    if (seg == NULL) {
        clear_result(result, 0);
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_witness_verify_expect_t ex = {
        .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE,
        .first_sequence = seg->first_sequence,
        .count = seg->count,
        .final_chain = seg->final_chain,
    };
    if (seg->complete) {
        ex.check |= RVM_WITNESS_EXPECT_COUNT | RVM_WITNESS_EXPECT_FINAL_CHAIN;
    }
    return rvm_witness_verify_chain_expect(seg->chain_mode, seg->digest, seg->prev_chain, records, n, signer, &ex,
                                           result);
}

rvm_err_t rvm_witness_verify_log(const rvm_witness_log_t *log, const rvm_witness_signer_t *signer,
                                 rvm_witness_verify_result_t *result)
{
    rvm_witness_verify_result_t local = { 0 };
    rvm_witness_verify_result_t *res = result != NULL ? result : &local;
    rvm_witness_segment_t seg;
    rvm_err_t err = rvm_witness_log_segment(log, &seg);
    if (err != RVM_OK) {
        clear_result(res, 0);
        return err;
    }
    rvm_witness_walk_t w = {
        .chain_mode = seg.chain_mode,
        .digest = seg.digest,
        .signer = signer,
        .base = log->records,
        .wrap = log->capacity,
        .start = (size_t)(seg.first_sequence % log->capacity),
        .n = (size_t)seg.count,
        .ring = true,
        .prev_chain = seg.prev_chain,
        .expect = {
            .check = RVM_WITNESS_EXPECT_FIRST_SEQUENCE | RVM_WITNESS_EXPECT_FINAL_CHAIN,
            .first_sequence = seg.first_sequence,
            .final_chain = seg.final_chain,
        },
    };
    return rvm_witness_walk(&w, res);
}

const char *rvm_witness_verify_reason_name(uint8_t reason)
{
    static const char *const names[] = {
        [RVM_WITNESS_VERIFY_OK] = "ok",
        [RVM_WITNESS_VERIFY_MALFORMED] = "malformed record",
        [RVM_WITNESS_VERIFY_SEQUENCE_GAP] = "sequence gap",
        [RVM_WITNESS_VERIFY_PREV_HASH] = "prev-hash mismatch",
        [RVM_WITNESS_VERIFY_RECORD_HASH] = "record-hash mismatch",
        [RVM_WITNESS_VERIFY_SIGNATURE] = "bad signature",
        [RVM_WITNESS_VERIFY_COUNT] = "record count mismatch",
        [RVM_WITNESS_VERIFY_FINAL_CHAIN] = "final chain value mismatch",
        [RVM_WITNESS_VERIFY_EMPTY] = "empty",
        [RVM_WITNESS_VERIFY_STOPPED] = "stopped by callback",
    };
    if (reason >= sizeof names / sizeof names[0]) {
        return "unknown";
    }
    return names[reason];
}
