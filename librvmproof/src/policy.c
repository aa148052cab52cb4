#include <rvm/proof_policy.h>

#include "ct_internal.h"

rvm_err_t rvm_proof_policy_init(rvm_proof_policy_t *p, bool allow_zero_nonce)
{
    if (p == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return rvm_nonce_ring_init(&p->nonces, allow_zero_nonce);
}

/*
 * Bit (rule - 1) set for every failing rule. Every rule is computed with the
 * 0/1 predicates of ct_internal.h and or-ed in, so the work and the branches
 * are the same whatever the context holds (the nonce lookup aside).
 */
static uint64_t failures(const rvm_proof_policy_t *p, const rvm_proof_ctx_t *c)
{
    uint64_t own = rvm_proof_ct_gt(c->partition_id, RVM_PARTITION_ID_MAX_LOGICAL);
    own |= rvm_proof_ct_nz((uint64_t)(c->cap_owner ^ c->partition_id));
    own |= rvm_proof_ct_nz(c->cap_object ^ c->target_object);
    own |= rvm_proof_ct_nz((uint64_t)((c->cap_rights & RVM_RIGHT_PROVE) ^ RVM_RIGHT_PROVE));
    own |= rvm_proof_ct_lt(c->proof_tier, c->required_tier);
    own |= rvm_proof_ct_differ(c->authorised_hash, c->mutation_hash, RVM_PROOF_HASH_LEN);

    /* access_base <= region_limit first, so region_limit - access_base cannot wrap. */
    uint64_t region = rvm_proof_ct_lt(c->region_base, c->region_limit) ^ 1u;
    region |= rvm_proof_ct_lt(c->access_base, c->region_base);
    region |= rvm_proof_ct_gt(c->access_base, c->region_limit);
    region |= rvm_proof_ct_gt(c->access_len, c->region_limit - c->access_base);

    uint64_t lease = rvm_proof_ct_gt(c->current_time_ns, c->lease_expiry_ns);

    uint64_t depth = rvm_proof_ct_gt(c->max_delegation_depth, RVM_CAP_MAX_DEPTH);
    depth |= rvm_proof_ct_gt(c->cap_depth, c->max_delegation_depth);

    uint64_t nonce = rvm_proof_ct_nz((uint64_t)(int64_t)rvm_nonce_check(&p->nonces, c->nonce));

    /* With the lease expired the difference wraps, but `lease` already fails the window then. */
    uint64_t window = lease | rvm_proof_ct_gt(c->lease_expiry_ns - c->current_time_ns, c->max_validity_window_ns);

    return own | (region << 1) | (lease << 2) | (depth << 3) | (nonce << 4) | (window << 5);
}

/* RVM_OK when `fail` is 0, else `err`, without a branch on `fail`. */
static rvm_err_t select_err(uint64_t fail, rvm_err_t err)
{
    uint64_t mask = 0u - rvm_proof_ct_nz(fail);
    return (rvm_err_t)(int32_t)(uint32_t)((uint64_t)(uint32_t)(int32_t)err & mask);
}

rvm_err_t rvm_proof_p2_check(const rvm_proof_policy_t *p, const rvm_proof_ctx_t *ctx)
{
    if (p == NULL || ctx == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return select_err(failures(p, ctx), RVM_ERR_PROOF_INVALID);
}

rvm_err_t rvm_proof_p2_evaluate_all(rvm_proof_policy_t *p, const rvm_proof_ctx_t *ctx)
{
    rvm_err_t err = rvm_proof_p2_check(p, ctx);
    if (err == RVM_OK) {
        rvm_nonce_mark(&p->nonces, ctx->nonce);
    }
    return err;
}

rvm_err_t rvm_proof_p2_evaluate_rule(const rvm_proof_policy_t *p, const rvm_proof_ctx_t *ctx, uint32_t rule)
{
    static const rvm_err_t rule_err[RVM_PROOF_RULE_COUNT] = {
        RVM_ERR_INSUFFICIENT_CAPABILITY, RVM_ERR_PROOF_INVALID,      RVM_ERR_DEVICE_LEASE_EXPIRED,
        RVM_ERR_DELEGATION_DEPTH_EXCEEDED, RVM_ERR_PROOF_INVALID, RVM_ERR_PROOF_BUDGET_EXCEEDED,
    };
    if (p == NULL || ctx == NULL || rule < RVM_PROOF_RULE_OWNERSHIP_CHAIN || rule > RVM_PROOF_RULE_COUNT) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return select_err((failures(p, ctx) >> (rule - 1u)) & 1u, rule_err[rule - 1u]);
}

rvm_err_t rvm_proof_policy_commit_nonce(rvm_proof_policy_t *p, uint64_t nonce)
{
    if (p == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_nonce_check(&p->nonces, nonce);
    if (err == RVM_OK) {
        rvm_nonce_mark(&p->nonces, nonce);
    }
    return err;
}
