/* P1 entry points, P2 policy check and P3 chain check (spec §5.7). */
#include <rvm/cap_verify.h>

#include "cap_internal.h"

rvm_err_t rvm_cap_verify_p1(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_rights_t rights)
{
    if (m == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return rvm_cap_check_p1(m, h, rights, RVM_CAP_TYPE_ANY);
}

rvm_err_t rvm_cap_verify_p1_typed(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_rights_t rights, uint8_t type)
{
    if (m == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return rvm_cap_check_p1(m, h, rights, type);
}

rvm_err_t rvm_cap_verify_p1_batch(const rvm_cap_manager_t *m, const rvm_cap_p1_request_t *reqs, size_t n,
                                  rvm_err_t *results)
{
    if (m == NULL || (n > 0 && (reqs == NULL || results == NULL))) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* The first failure is kept with masks so that no branch depends on a result. */
    uint32_t first = 0;
    uint32_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        rvm_err_t r = rvm_cap_check_p1(m, reqs[i].handle, reqs[i].rights, reqs[i].type);
        results[i] = r;
        uint32_t failed = 0u - (uint32_t)(r != RVM_OK);
        uint32_t take = failed & ~seen;
        first ^= (first ^ (uint32_t)r) & take;
        seen |= failed;
    }
    return (rvm_err_t)(int32_t)first;
}

rvm_err_t rvm_cap_verify_p2(rvm_cap_manager_t *m, rvm_cap_handle_t h, const rvm_cap_policy_ctx_t *ctx)
{
    if (m == NULL || ctx == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* Every check is evaluated (bitwise, no short circuit) before any result is chosen. */
    uint32_t idx = h.index & m->index_mask;
    const rvm_cap_hot_t *s = &m->hot[idx];
    const rvm_cap_cold_t *c = &m->cold[idx];
    bool handle_ok = s->key.index == h.index && s->key.generation == h.generation;
    bool current = rvm_cap_slot_current(m, idx);
    bool policy_ok = (c->owner == ctx->expected_owner) & (ctx->region_base < ctx->region_limit) &
                     (ctx->current_time_ns <= ctx->lease_expiry_ns) & (c->depth <= ctx->max_delegation_depth);
    bool nonce_ok = rvm_nonce_check(m->nonces, ctx->nonce) == RVM_OK;
    if (!handle_ok) {
        return RVM_ERR_INVALID_HANDLE;
    }
    if (!current) {
        return RVM_ERR_STALE_CAPABILITY;
    }
    if (!nonce_ok) {
        return RVM_ERR_NONCE_REPLAY;
    }
    if (!policy_ok) {
        return RVM_ERR_PROOF_INVALID;
    }
    rvm_nonce_mark(m->nonces, ctx->nonce);
    return RVM_OK;
}

/* One parent link of a chain: parent live, shallower, not newer, at least as strong, same object. */
static bool link_sound(const rvm_cap_manager_t *m, uint32_t parent, uint32_t child)
{
    if (parent >= m->capacity) {
        return false;
    }
    const rvm_cap_hot_t *p = &m->hot[parent];
    const rvm_cap_cold_t *pc = &m->cold[parent];
    const rvm_cap_cold_t *cc = &m->cold[child];
    bool live = p->key.index == parent && p->key.generation != 0;
    bool shallower = pc->depth < cc->depth;
    bool stronger = rvm_rights_is_subset(rvm_cap_slot_rights(m, child), rvm_cap_slot_rights(m, parent));
    return live && shallower && stronger && pc->epoch <= cc->epoch && pc->object == cc->object;
}

rvm_err_t rvm_cap_verify_p3(const rvm_cap_manager_t *m, rvm_cap_handle_t h, uint8_t max_depth)
{
    if (m == NULL || max_depth > RVM_CAP_MAX_DEPTH) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t cur;
    if (!rvm_cap_slot_resolve(m, h, &cur)) {
        return RVM_ERR_INVALID_HANDLE;
    }
    if (!rvm_cap_slot_current(m, cur)) {
        return RVM_ERR_STALE_CAPABILITY;
    }
    for (uint32_t steps = 0; steps < max_depth && m->cold[cur].parent != RVM_CAP_INDEX_NONE; steps++) {
        uint32_t parent = m->cold[cur].parent;
        if (!link_sound(m, parent, cur)) {
            return RVM_ERR_PROOF_INVALID;
        }
        cur = parent;
    }
    if (m->cold[cur].parent != RVM_CAP_INDEX_NONE || m->cold[cur].depth != 0) {
        return RVM_ERR_PROOF_INVALID;
    }
    return RVM_OK;
}
