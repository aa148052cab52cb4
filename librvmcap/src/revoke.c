/* Revocation of a subtree and deletion of one capability (spec §5.5). */
#include <rvm/action_kind.h>

#include "cap_internal.h"

/* Resolves `h` and checks the caller's authority over it; shared by revoke and delete. */
static rvm_err_t authorise(const rvm_cap_manager_t *m, rvm_partition_id_t caller, rvm_cap_handle_t h, uint32_t *idx)
{
    if (m == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_cap_slot_resolve(m, h, idx)) {
        return RVM_ERR_INVALID_HANDLE;
    }
    if (!rvm_cap_tree_may_revoke(m, *idx, caller)) {
        return RVM_ERR_INSUFFICIENT_CAPABILITY;
    }
    return RVM_OK;
}

/* Appends the record of removing slot `x`; `count` is the slots a revoke frees or the children a delete moves. */
static rvm_err_t witness_removal(rvm_cap_manager_t *m, rvm_partition_id_t caller, uint32_t x, uint8_t kind,
                                 uint32_t count)
{
    rvm_cap_token_t tok = rvm_cap_slot_token(m, x);
    rvm_cap_event_t ev = {
        .kind = kind,
        .actor = caller,
        .target = tok.id,
        .cap_hash = rvm_cap_hash32(&tok),
        .payload = rvm_cap_payload(tok.rights, m->cold[x].depth, 0, count),
    };
    return rvm_cap_witness(m, &ev);
}

rvm_err_t rvm_cap_revoke(rvm_cap_manager_t *m, rvm_partition_id_t caller, rvm_cap_handle_t h, uint32_t *revoked)
{
    uint32_t x;
    rvm_err_t err = authorise(m, caller, h, &x);
    if (err != RVM_OK) {
        return err;
    }
    uint32_t n = rvm_cap_tree_collect(m, x);
    err = witness_removal(m, caller, x, RVM_ACTION_CAPABILITY_REVOKE, n);
    if (err != RVM_OK) {
        return err;
    }
    rvm_cap_tree_unlink(m, x);
    /* Every collected node is freed whole, so links inside the subtree need no repair. */
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = m->worklist[i];
        rvm_cap_cold_t *c = &m->cold[v];
        c->parent = RVM_CAP_INDEX_NONE;
        c->first_child = RVM_CAP_INDEX_NONE;
        c->next_sibling = RVM_CAP_INDEX_NONE;
        c->prev_sibling = RVM_CAP_INDEX_NONE;
        rvm_cap_slot_release(m, v);
    }
    m->stats.revoked += n;
    m->stats.revoke_ops++;
    if (revoked != NULL) {
        *revoked = n;
    }
    return RVM_OK;
}

rvm_err_t rvm_cap_delete(rvm_cap_manager_t *m, rvm_partition_id_t caller, rvm_cap_handle_t h)
{
    uint32_t x;
    rvm_err_t err = authorise(m, caller, h, &x);
    if (err != RVM_OK) {
        return err;
    }
    err = witness_removal(m, caller, x, RVM_ACTION_CAPABILITY_DELETE, rvm_cap_tree_child_count(m, x));
    if (err != RVM_OK) {
        return err;
    }
    rvm_cap_tree_splice_children(m, x);
    rvm_cap_tree_unlink(m, x);
    rvm_cap_slot_release(m, x);
    m->stats.deleted++;
    return RVM_OK;
}
