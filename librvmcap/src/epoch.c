/* Epoch-based invalidation (spec §5.6): per object, and the global emergency bump. */
#include <rvm/action_kind.h>

#include "cap_internal.h"

rvm_err_t rvm_cap_bump_object_epoch(rvm_cap_manager_t *m, rvm_partition_id_t caller, uint8_t type,
                                    uint64_t object_id)
{
    if (m == NULL || !rvm_obj_type_valid(type)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (caller != RVM_PARTITION_HYPERVISOR) {
        return RVM_ERR_GRANT_NOT_PERMITTED;
    }
    uint32_t obj;
    if (!rvm_cap_object_find(m, type, object_id, &obj)) {
        return RVM_ERR_NOT_FOUND;
    }
    uint32_t next = m->object_epochs[obj] + 1u;
    rvm_cap_event_t ev = {
        .kind = RVM_ACTION_CAPABILITY_EPOCH_BUMP,
        .actor = caller,
        .target = object_id,
        .payload = (uint64_t)next | ((uint64_t)type << 32),
    };
    rvm_err_t err = rvm_cap_witness(m, &ev);
    if (err != RVM_OK) {
        return err;
    }
    m->object_epochs[obj] = next;
    m->stats.epoch_bumps++;
    return RVM_OK;
}

rvm_err_t rvm_cap_bump_global_epoch(rvm_cap_manager_t *m, rvm_partition_id_t caller)
{
    if (m == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (caller != RVM_PARTITION_HYPERVISOR) {
        return RVM_ERR_GRANT_NOT_PERMITTED;
    }
    uint32_t next = m->global_epoch + 1u;
    rvm_cap_event_t ev = {
        .kind = RVM_ACTION_CAPABILITY_GLOBAL_EPOCH_BUMP,
        .actor = caller,
        .payload = next,
    };
    rvm_err_t err = rvm_cap_witness(m, &ev);
    if (err != RVM_OK) {
        return err;
    }
    /* Advancing every object's epoch keeps P1 at a single epoch compare. */
    for (uint32_t i = 0; i < m->object_capacity; i++) {
        m->object_epochs[i]++;
    }
    m->global_epoch = next;
    m->stats.epoch_bumps++;
    return RVM_OK;
}
