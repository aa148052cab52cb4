/* Root creation and derivation (spec §5.4): decode and validate everything, witness, then commit. */
#include <rvm/action_kind.h>

#include "cap_internal.h"

static bool owner_valid(rvm_partition_id_t p)
{
    return p <= RVM_PARTITION_ID_MAX_LOGICAL;
}

static void note_depth(rvm_cap_manager_t *m, uint8_t depth)
{
    if (depth > m->stats.max_depth_reached) {
        m->stats.max_depth_reached = depth;
    }
}

rvm_err_t rvm_cap_create_root(rvm_cap_manager_t *m, rvm_partition_id_t caller, uint8_t type, uint64_t object_id,
                              rvm_rights_t rights, uint64_t badge, rvm_partition_id_t owner, rvm_cap_handle_t *out)
{
    if (m == NULL || out == NULL || !rvm_obj_type_valid(type) || !rvm_rights_valid(rights) || !owner_valid(owner)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (caller != RVM_PARTITION_HYPERVISOR) {
        return RVM_ERR_GRANT_NOT_PERMITTED;
    }
    uint32_t idx;
    uint32_t obj;
    if (m->next_id == UINT64_MAX || !rvm_cap_slot_find_free(m, &idx) ||
        !rvm_cap_object_reserve(m, type, object_id, &obj)) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_cap_token_t tok = { m->next_id, type, rights, m->objects[obj].epoch };
    rvm_cap_event_t ev = {
        .kind = RVM_ACTION_CAPABILITY_CREATE_ROOT,
        .actor = caller,
        .target = tok.id,
        .cap_hash = rvm_cap_hash32(&tok),
        .payload = rvm_cap_payload(rights, 0, type, owner),
    };
    rvm_err_t err = rvm_cap_witness(m, &ev);
    if (err != RVM_OK) {
        return err;
    }
    rvm_cap_object_claim(m, obj, type, object_id);
    m->next_id++;
    *out = rvm_cap_slot_take(m, idx, &tok, obj, owner, badge, 0);
    m->stats.created++;
    return RVM_OK;
}

/* Flag in a CapabilityGrant record: the grant consumed the source's GRANT_ONCE. */
#define RVM_CAP_FLAG_GRANT_ONCE_CONSUMED 0x01u

rvm_err_t rvm_cap_grant(rvm_cap_manager_t *m, rvm_partition_id_t caller, rvm_cap_handle_t src, rvm_rights_t rights,
                        uint64_t badge, rvm_partition_id_t target, rvm_cap_handle_t *out)
{
    if (m == NULL || out == NULL || !rvm_rights_valid(rights) || !owner_valid(target)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t s;
    if (!rvm_cap_slot_resolve(m, src, &s)) {
        return RVM_ERR_INVALID_HANDLE;
    }
    if (!rvm_cap_slot_current(m, s)) {
        return RVM_ERR_STALE_CAPABILITY;
    }
    if (m->cold[s].owner != caller) {
        return RVM_ERR_GRANT_NOT_PERMITTED;
    }
    rvm_rights_t held = rvm_cap_slot_rights(m, s);
    bool once = !rvm_rights_contains(held, RVM_RIGHT_GRANT);
    if (once && !rvm_rights_contains(held, RVM_RIGHT_GRANT_ONCE)) {
        return RVM_ERR_GRANT_NOT_PERMITTED;
    }
    if (!rvm_rights_is_subset(rights, held)) {
        return RVM_ERR_RIGHTS_ESCALATION;
    }
    uint32_t depth = (uint32_t)m->cold[s].depth + 1u;
    if (depth > m->max_depth) {
        return RVM_ERR_DELEGATION_DEPTH_EXCEEDED;
    }
    uint32_t idx;
    if (m->next_id == UINT64_MAX || !rvm_cap_slot_find_free(m, &idx)) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_rights_t child_rights = once ? (rvm_rights_t)(rights & ~(RVM_RIGHT_GRANT | RVM_RIGHT_GRANT_ONCE)) : rights;
    rvm_cap_token_t src_tok = rvm_cap_slot_token(m, s);
    rvm_cap_token_t tok = { m->next_id, src_tok.type, child_rights, src_tok.epoch };
    rvm_cap_event_t ev = {
        .kind = RVM_ACTION_CAPABILITY_GRANT,
        .flags = once ? RVM_CAP_FLAG_GRANT_ONCE_CONSUMED : 0u,
        .actor = caller,
        .target = tok.id,
        .cap_hash = rvm_cap_hash32(&src_tok),
        .payload = rvm_cap_payload(child_rights, (uint8_t)depth, 0, target),
    };
    rvm_err_t err = rvm_cap_witness(m, &ev);
    if (err != RVM_OK) {
        return err;
    }
    m->next_id++;
    *out = rvm_cap_slot_take(m, idx, &tok, m->cold[s].object, target, badge, (uint8_t)depth);
    rvm_cap_tree_link(m, s, idx);
    if (once) {
        rvm_cap_slot_set_rights(m, s, (rvm_rights_t)(held & ~RVM_RIGHT_GRANT_ONCE));
    }
    m->stats.granted++;
    note_depth(m, (uint8_t)depth);
    return RVM_OK;
}
