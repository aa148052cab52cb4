/* Private to librvmwitness: one verifying walk over a slice or a ring, shared by verification and replay. */
#ifndef RVM_WITNESS_SRC_WALK_H
#define RVM_WITNESS_SRC_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rvm/witness_replay.h>
#include <rvm/witness_verify.h>

typedef struct rvm_witness_walk {
    uint8_t chain_mode;
    uint8_t digest;
    const rvm_witness_signer_t *signer;  /* NULL: signatures are not checked */
    const rvm_witness_record_t *base;
    size_t wrap;                          /* index at which the walk continues from base[0]; 0 for a slice */
    size_t start;                         /* index of the first record */
    size_t n;
    bool ring;                            /* base is a log's ring: `pad` is private, hand out cleared copies */
    uint64_t prev_chain;
    rvm_witness_verify_expect_t expect;
    rvm_witness_replay_fn fn;             /* NULL: verify only */
    void *ctx;
} rvm_witness_walk_t;

/* Verifies (and, with `fn`, replays) per the walk description; fills `res` and returns the verifiers' codes. */
rvm_err_t rvm_witness_walk(const rvm_witness_walk_t *w, rvm_witness_verify_result_t *res);

/* True for a chain mode and digest this library implements. */
static inline bool rvm_witness_mode_valid(uint8_t chain_mode, uint8_t digest)
{
    return (chain_mode == RVM_WITNESS_CHAIN_SEQUENCE || chain_mode == RVM_WITNESS_CHAIN_CONTENT) &&
           (digest == RVM_WITNESS_DIGEST_SHA256 || digest == RVM_WITNESS_DIGEST_FNV1A);
}

#endif
