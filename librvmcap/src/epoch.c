/*
 * Epoch-based invalidation (spec §5.6): per object, and the global emergency
 * bump. The epochs are the record; the stale marks they set in the hot slots
 * are what the checks read (see cap_manager.h).
 */
#include <rvm/action_kind.h>

#include "cap_internal.h"

/* The list holds only live slots, so the walk stops within the capacity even if a link were corrupt. */
static void mark_object_slots(rvm_cap_manager_t *m, uint32_t obj)
{
    uint32_t s = m->objects[obj].first_slot;
    for (uint32_t n = 0; s != RVM_CAP_INDEX_NONE && n < m->capacity; n++) {
        rvm_cap_slot_mark_stale(m, s);
        s = m->cold[s].object_next;
    }
}

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
    uint32_t next = m->objects[obj].epoch + 1u;
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
    m->objects[obj].epoch = next;
    mark_object_slots(m, obj);
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
    /* The record: tokens made from now on carry the new epochs (free entries advance too, harmlessly). */
    for (uint32_t i = 0; i < m->object_capacity; i++) {
        m->objects[i].epoch++;
    }
    /* Free slots stay unmarked: a free slot fails P1 on its key anyway, and must come back fresh. */
    for (uint32_t i = 0; i < m->capacity; i++) {
        if (m->hot[i].key.generation != 0) {
            rvm_cap_slot_mark_stale(m, i);
        }
    }
    m->global_epoch = next;
    m->stats.epoch_bumps++;
    return RVM_OK;
}
