/* Slots and object entries of the global capability table (spec §5.1, §5.2, §5.6). */
#include "cap_internal.h"

/*
 * The index is masked before any access and the key comparison alone decides
 * validity (see cap_table.h), so there is no bounds branch that a
 * mispredicting CPU could run past with a hostile index.
 */
bool rvm_cap_slot_resolve(const rvm_cap_manager_t *m, rvm_cap_handle_t h, uint32_t *idx)
{
    uint32_t i = h.index & m->index_mask;
    const rvm_cap_hot_t *s = &m->hot[i];
    if (s->key.index != h.index || s->key.generation != h.generation) {
        return false;
    }
    *idx = i;
    return true;
}

bool rvm_cap_slot_current(const rvm_cap_manager_t *m, uint32_t idx)
{
    return m->hot[idx].stale == 0;
}

void rvm_cap_slot_mark_stale(rvm_cap_manager_t *m, uint32_t idx)
{
    m->hot[idx].stale = RVM_CAP_STALE;
    m->hot[idx].refusal = RVM_ERR_STALE_CAPABILITY;
}

bool rvm_cap_slot_find_free(const rvm_cap_manager_t *m, uint32_t *idx)
{
    if (m->stats.live >= m->capacity) {
        return false;
    }
    uint32_t i = m->free_hint;
    for (uint32_t n = 0; n < m->capacity; n++) {
        if (m->hot[i].key.generation == 0) {
            *idx = i;
            return true;
        }
        i = (i + 1) & m->index_mask;
    }
    return false;
}

rvm_cap_handle_t rvm_cap_slot_take(rvm_cap_manager_t *m, uint32_t idx, const rvm_cap_token_t *tok, uint32_t object,
                                   rvm_partition_id_t owner, uint64_t badge, uint8_t depth)
{
    rvm_cap_hot_t *s = &m->hot[idx];
    rvm_cap_cold_t *c = &m->cold[idx];
    rvm_cap_object_t *o = &m->objects[object];
    rvm_cap_hot_t fresh = { { idx, c->next_generation }, RVM_ERR_INSUFFICIENT_CAPABILITY, (rvm_rights_t)~tok->rights, 0,
                            tok->type };
    *s = fresh;
    c->id = tok->id;
    c->epoch = tok->epoch;
    c->badge = badge;
    c->owner = owner;
    c->depth = depth;
    c->parent = RVM_CAP_INDEX_NONE;
    c->first_child = RVM_CAP_INDEX_NONE;
    c->next_sibling = RVM_CAP_INDEX_NONE;
    c->prev_sibling = RVM_CAP_INDEX_NONE;
    c->object = (uint16_t)object;
    c->object_prev = RVM_CAP_INDEX_NONE;
    c->object_next = o->first_slot;
    if (o->first_slot != RVM_CAP_INDEX_NONE) {
        m->cold[o->first_slot].object_prev = idx;
    }
    o->first_slot = idx;
    o->refs++;
    m->stats.live++;
    m->free_hint = (idx + 1) & m->index_mask;
    return s->key;
}

void rvm_cap_slot_release(rvm_cap_manager_t *m, uint32_t idx)
{
    rvm_cap_hot_t *s = &m->hot[idx];
    rvm_cap_cold_t *c = &m->cold[idx];
    rvm_cap_object_t *o = &m->objects[c->object];
    uint32_t next = s->key.generation + 1u;
    c->next_generation = next == 0 ? 1u : next;
    if (c->object_prev != RVM_CAP_INDEX_NONE) {
        m->cold[c->object_prev].object_next = c->object_next;
    } else {
        o->first_slot = c->object_next;
    }
    if (c->object_next != RVM_CAP_INDEX_NONE) {
        m->cold[c->object_next].object_prev = c->object_prev;
    }
    o->refs--;
    *s = rvm_cap_hot_free(idx);
    /*
     * The epoch, object and list links of a free slot are never used and the
     * next take sets them: releasing a subtree is bound by its stores.
     */
    c->id = 0;
    c->badge = 0;
    c->owner = 0;
    c->depth = 0;
    m->stats.live--;
    if (idx < m->free_hint) {
        m->free_hint = idx;
    }
}

rvm_cap_token_t rvm_cap_slot_token(const rvm_cap_manager_t *m, uint32_t idx)
{
    rvm_cap_token_t t = { m->cold[idx].id, m->hot[idx].type, rvm_cap_slot_rights(m, idx), m->cold[idx].epoch };
    return t;
}

bool rvm_cap_object_find(const rvm_cap_manager_t *m, uint8_t type, uint64_t object_id, uint32_t *obj)
{
    for (uint32_t i = 0; i < m->object_capacity; i++) {
        const rvm_cap_object_t *o = &m->objects[i];
        if (o->refs != 0 && o->type == type && o->object_id == object_id) {
            *obj = i;
            return true;
        }
    }
    return false;
}

void rvm_cap_object_claim(rvm_cap_manager_t *m, uint32_t obj, uint8_t type, uint64_t object_id)
{
    rvm_cap_object_t *o = &m->objects[obj];
    o->type = type;
    o->object_id = object_id;
}

bool rvm_cap_object_reserve(const rvm_cap_manager_t *m, uint8_t type, uint64_t object_id, uint32_t *obj)
{
    if (rvm_cap_object_find(m, type, object_id, obj)) {
        return true;
    }
    for (uint32_t i = 0; i < m->object_capacity; i++) {
        if (m->objects[i].refs == 0) {
            *obj = i;
            return true;
        }
    }
    return false;
}
