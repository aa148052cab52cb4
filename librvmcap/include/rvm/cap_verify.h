/*
 * Capability-level verification (spec §5.7): P1 (handle, staleness, rights;
 * the hot path), P2 (policy) and P3 (derivation chain).
 *
 * P1 result, checks evaluated together, first failing one reported:
 *   RVM_ERR_INVALID_HANDLE           index out of range, slot free, or generation differs
 *   RVM_ERR_STALE_CAPABILITY         its object's epoch moved on since the capability was made
 *   RVM_ERR_CAPABILITY_TYPE_MISMATCH a required object type was given and differs
 *   RVM_ERR_INSUFFICIENT_CAPABILITY  a requested right is not held (also any bit 7 request)
 * P1 runs in time independent of the rights held and requested: no branch or
 * memory address depends on them, and the handle index is reduced with a mask
 * (never a bounds branch), so a mispredicted path cannot read out of bounds.
 */
#ifndef RVM_CAP_VERIFY_H
#define RVM_CAP_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/cap_ct.h>
#include <rvm/cap_handle.h>
#include <rvm/cap_manager.h>
#include <rvm/cap_table.h>
#include <rvm/err.h>
#include <rvm/ids.h>
#include <rvm/rights.h>

/* Object type argument meaning "any type". */
#define RVM_CAP_TYPE_ANY 0xFFu

/*
 * P1, inline for the hot path. `m` must be initialised; `type` is an
 * rvm_obj_type_t or RVM_CAP_TYPE_ANY. It reads only the hot slot: the key,
 * the 16-bit word of `denied` and `stale`, the refusal (and the type when one
 * is required). Each failing check overwrites the result, in reverse
 * precedence order, through a branch-free select (cap_ct.h); the valgrind
 * test in tests/ fails on any branch on the rights.
 */
static inline rvm_err_t rvm_cap_check_p1(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_rights_t rights,
                                         uint8_t type)
{
    const rvm_cap_hot_t *s = &m->hot[h.index & m->index_mask];
    uint64_t want;
    uint64_t have;
    uint16_t guard;
    __builtin_memcpy(&want, &h, sizeof want);
    __builtin_memcpy(&have, &s->key, sizeof have);
    __builtin_memcpy(&guard, &s->denied, sizeof guard);
    uint32_t probe = (uint32_t)rights << RVM_CAP_GUARD_DENIED_SHIFT;
    int32_t err;
    if (type == RVM_CAP_TYPE_ANY) {
        /* Stale outranks missing rights, so one test of both bits, answered by the slot's refusal, is exact. */
        err = rvm_cap_ct_and_sel32(probe | RVM_CAP_GUARD_STALE, guard, s->refusal);
    } else {
        /* A type mismatch ranks between the two, so here they are told apart the long way. */
        err = rvm_cap_ct_and_sel32(probe, guard, RVM_ERR_INSUFFICIENT_CAPABILITY);
        err = rvm_cap_ct_sel_ne32(s->type, type, RVM_ERR_CAPABILITY_TYPE_MISMATCH, err);
        err = rvm_cap_ct_sel_and32(guard, RVM_CAP_GUARD_STALE, RVM_ERR_STALE_CAPABILITY, err);
    }
    err = rvm_cap_ct_sel_ne64(want, have, RVM_ERR_INVALID_HANDLE, err);
    return (rvm_err_t)err;
}

/* What the slot behind a P1 check says about its capability (rvm_cap_check_p1_facts). */
typedef struct rvm_cap_p1_facts {
    rvm_partition_id_t owner;
    uint32_t token_hash;   /* rvm_cap_hash32 of the slot's token */
} rvm_cap_p1_facts_t;

/*
 * P1 exactly as rvm_cap_check_p1 (same result, same constant time in the
 * rights), also reading the owner and token hash from the same slot index:
 * the security gate's fast path, which checks ownership and witnesses the
 * call without a full rvm_cap_lookup. `facts` is written on every call, from
 * whatever the slot holds; it describes the capability (as rvm_cap_lookup
 * would) only when the result is neither INVALID_HANDLE nor STALE_CAPABILITY.
 */
static inline rvm_err_t rvm_cap_check_p1_facts(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_rights_t rights,
                                               uint8_t type, rvm_cap_p1_facts_t *facts)
{
    uint32_t i = h.index & m->index_mask;
    const rvm_cap_hot_t *s = &m->hot[i];
    const rvm_cap_cold_t *c = &m->cold[i];
    rvm_cap_token_t token = { c->id, s->type, (rvm_rights_t)~s->denied, c->epoch };
    facts->owner = c->owner;
    facts->token_hash = rvm_cap_hash32(&token);
    return rvm_cap_check_p1(m, h, rights, type);
}

/* P1 as an exported function (any object type). */
rvm_err_t rvm_cap_verify_p1(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_rights_t rights);

/* P1 requiring object type `type` (or RVM_CAP_TYPE_ANY). */
rvm_err_t rvm_cap_verify_p1_typed(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_rights_t rights, uint8_t type);

typedef struct rvm_cap_p1_request {
    rvm_cap_handle_t handle;
    rvm_rights_t rights;
    uint8_t type;   /* rvm_obj_type_t or RVM_CAP_TYPE_ANY */
} rvm_cap_p1_request_t;

/*
 * Runs P1 on `n` requests, writing each result to `results[i]`; returns
 * RVM_OK when all passed, else the result of the first failing request.
 */
rvm_err_t rvm_cap_verify_p1_batch(const rvm_cap_manager_t *m, const rvm_cap_p1_request_t *reqs, size_t n,
                                  rvm_err_t *results);

/* Policy context of a P2 check (spec §5.7). */
typedef struct rvm_cap_policy_ctx {
    rvm_partition_id_t expected_owner;
    uint64_t region_base;
    uint64_t region_limit;
    uint64_t lease_expiry_ns;
    uint64_t current_time_ns;
    uint8_t max_delegation_depth;
    uint64_t nonce;
} rvm_cap_policy_ctx_t;

/*
 * P2: owner, region_base < region_limit, time within lease, depth within
 * limit, nonce fresh; all five evaluated, the nonce recorded only when every
 * check (and the handle and epoch) passed. Reports, in this order:
 * INVALID_HANDLE, STALE_CAPABILITY, NONCE_REPLAY (a replay says nothing about
 * the other four), PROOF_INVALID for any other failure without saying which.
 */
rvm_err_t rvm_cap_verify_p2(rvm_cap_manager_t *m, rvm_cap_handle_t h, const rvm_cap_policy_ctx_t *ctx);

/*
 * P3: walks from `h` to its root, at most `max_depth` (<= RVM_CAP_MAX_DEPTH)
 * steps: every ancestor live, depth strictly decreasing, epochs not
 * decreasing towards the leaf, rights only shrinking, same object, ending at
 * depth 0. INVALID_HANDLE / STALE_CAPABILITY for `h` itself, PROOF_INVALID
 * for a broken or too long chain.
 */
rvm_err_t rvm_cap_verify_p3(const rvm_cap_manager_t *m, rvm_cap_handle_t h, uint8_t max_depth);

#endif
