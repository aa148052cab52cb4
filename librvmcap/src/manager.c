/* Manager setup and read-only queries. */
#include "cap_internal.h"

void rvm_cap_config_default(rvm_cap_config_t *cfg)
{
    cfg->max_depth = RVM_CAP_MAX_DEPTH;
    cfg->initial_epoch = 0;
}

static bool storage_valid(const rvm_cap_storage_t *st)
{
    if (st->hot == NULL || st->cold == NULL || st->worklist == NULL || st->objects == NULL) {
        return false;
    }
    if (st->capacity < RVM_CAP_CAPACITY_MIN || st->capacity > RVM_CAP_CAPACITY_MAX ||
        (st->capacity & (st->capacity - 1u)) != 0) {
        return false;
    }
    return st->object_capacity >= 1 && st->object_capacity <= RVM_CAP_OBJECTS_MAX;
}

rvm_err_t rvm_cap_manager_init(rvm_cap_manager_t *m, const rvm_cap_storage_t *storage, const rvm_cap_config_t *cfg,
                               rvm_witness_log_t *log, rvm_nonce_ring_t *nonces)
{
    rvm_cap_config_t def;
    if (cfg == NULL) {
        rvm_cap_config_default(&def);
        cfg = &def;
    }
    if (m == NULL || storage == NULL || log == NULL || nonces == NULL || !storage_valid(storage) ||
        cfg->max_depth > RVM_CAP_MAX_DEPTH) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    m->hot = storage->hot;
    m->index_mask = storage->capacity - 1u;
    m->cold = storage->cold;
    m->worklist = storage->worklist;
    m->objects = storage->objects;
    m->capacity = storage->capacity;
    m->object_capacity = storage->object_capacity;
    m->free_hint = 0;
    m->global_epoch = cfg->initial_epoch;
    m->next_id = 1;
    m->log = log;
    m->nonces = nonces;
    m->max_depth = cfg->max_depth;
    m->stats.created = 0;
    m->stats.granted = 0;
    m->stats.revoked = 0;
    m->stats.revoke_ops = 0;
    m->stats.deleted = 0;
    m->stats.epoch_bumps = 0;
    m->stats.live = 0;
    m->stats.max_depth_reached = 0;
    for (uint32_t i = 0; i < m->capacity; i++) {
        rvm_cap_cold_t *c = &m->cold[i];
        m->hot[i] = rvm_cap_hot_free(i);
        c->id = 0;
        c->epoch = 0;
        c->badge = 0;
        c->owner = 0;
        c->next_generation = 1;
        c->parent = RVM_CAP_INDEX_NONE;
        c->first_child = RVM_CAP_INDEX_NONE;
        c->next_sibling = RVM_CAP_INDEX_NONE;
        c->prev_sibling = RVM_CAP_INDEX_NONE;
        c->object_next = RVM_CAP_INDEX_NONE;
        c->object_prev = RVM_CAP_INDEX_NONE;
        c->object = 0;
        c->depth = 0;
        m->worklist[i] = 0;
    }
    for (uint32_t i = 0; i < m->object_capacity; i++) {
        m->objects[i].object_id = 0;
        m->objects[i].refs = 0;
        m->objects[i].epoch = cfg->initial_epoch;
        m->objects[i].first_slot = RVM_CAP_INDEX_NONE;
        m->objects[i].type = 0;
    }
    return RVM_OK;
}

rvm_err_t rvm_cap_lookup(const rvm_cap_manager_t *m, rvm_cap_handle_t h, rvm_cap_info_t *out)
{
    uint32_t idx;
    if (m == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_cap_slot_resolve(m, h, &idx)) {
        return RVM_ERR_INVALID_HANDLE;
    }
    if (!rvm_cap_slot_current(m, idx)) {
        return RVM_ERR_STALE_CAPABILITY;
    }
    const rvm_cap_cold_t *c = &m->cold[idx];
    out->token = rvm_cap_slot_token(m, idx);
    out->object_id = m->objects[c->object].object_id;
    out->badge = c->badge;
    out->owner = c->owner;
    out->depth = c->depth;
    out->parent = c->parent == RVM_CAP_INDEX_NONE ? RVM_CAP_HANDLE_NULL : m->hot[c->parent].key;
    return RVM_OK;
}

rvm_err_t rvm_cap_get_stats(const rvm_cap_manager_t *m, rvm_cap_stats_t *out)
{
    if (m == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* Field by field: a whole-struct copy becomes a memcpy call, which freestanding code does not have. */
    out->created = m->stats.created;
    out->granted = m->stats.granted;
    out->revoked = m->stats.revoked;
    out->revoke_ops = m->stats.revoke_ops;
    out->deleted = m->stats.deleted;
    out->epoch_bumps = m->stats.epoch_bumps;
    out->live = m->stats.live;
    out->max_depth_reached = m->stats.max_depth_reached;
    return RVM_OK;
}
