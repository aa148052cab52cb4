/*
 * The derivation tree (spec §5.3): first-child / next-sibling lists with a
 * previous-sibling link so that a node leaves its list in constant time.
 * Every walk is iterative and bounded by the table capacity or the depth
 * limit, whatever the links say.
 */
#include "cap_internal.h"

#define NONE RVM_CAP_INDEX_NONE

void rvm_cap_tree_link(rvm_cap_manager_t *m, uint32_t parent, uint32_t child)
{
    rvm_cap_cold_t *p = &m->cold[parent];
    rvm_cap_cold_t *c = &m->cold[child];
    c->parent = parent;
    c->prev_sibling = NONE;
    c->next_sibling = p->first_child;
    if (p->first_child != NONE) {
        m->cold[p->first_child].prev_sibling = child;
    }
    p->first_child = child;
}

void rvm_cap_tree_unlink(rvm_cap_manager_t *m, uint32_t x)
{
    rvm_cap_cold_t *c = &m->cold[x];
    if (c->parent == NONE) {
        return;
    }
    if (c->prev_sibling != NONE) {
        m->cold[c->prev_sibling].next_sibling = c->next_sibling;
    } else {
        m->cold[c->parent].first_child = c->next_sibling;
    }
    if (c->next_sibling != NONE) {
        m->cold[c->next_sibling].prev_sibling = c->prev_sibling;
    }
    c->parent = NONE;
    c->prev_sibling = NONE;
    c->next_sibling = NONE;
}

/*
 * The worklist doubles as the explicit stack the reference uses: it is read
 * front to back while children are appended, so each node is visited once
 * and the walk needs no recursion and at most `capacity` entries.
 */
uint32_t rvm_cap_tree_collect(rvm_cap_manager_t *m, uint32_t root)
{
    uint32_t *list = m->worklist;
    uint32_t n = 0;
    list[n++] = root;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t c = m->cold[list[i]].first_child; c != NONE && n < m->capacity; c = m->cold[c].next_sibling) {
            list[n++] = c;
        }
    }
    return n;
}

uint32_t rvm_cap_tree_child_count(const rvm_cap_manager_t *m, uint32_t x)
{
    uint32_t n = 0;
    for (uint32_t c = m->cold[x].first_child; c != NONE && n < m->capacity; c = m->cold[c].next_sibling) {
        n++;
    }
    return n;
}

void rvm_cap_tree_splice_children(rvm_cap_manager_t *m, uint32_t x)
{
    rvm_cap_cold_t *c = &m->cold[x];
    uint32_t parent = c->parent;
    uint32_t child = c->first_child;
    c->first_child = NONE;
    for (uint32_t n = 0; child != NONE && n < m->capacity; n++) {
        uint32_t next = m->cold[child].next_sibling;
        m->cold[child].parent = NONE;
        m->cold[child].prev_sibling = NONE;
        m->cold[child].next_sibling = NONE;
        if (parent != NONE) {
            rvm_cap_tree_link(m, parent, child);
        }
        child = next;
    }
}

bool rvm_cap_tree_may_revoke(const rvm_cap_manager_t *m, uint32_t idx, rvm_partition_id_t caller)
{
    if (m->cold[idx].owner == caller) {
        return true;
    }
    uint32_t a = m->cold[idx].parent;
    for (uint32_t steps = 0; a != NONE && steps < RVM_CAP_MAX_DEPTH; steps++) {
        if (m->cold[a].owner == caller && rvm_rights_contains(rvm_cap_slot_rights(m, a), RVM_RIGHT_REVOKE)) {
            return true;
        }
        a = m->cold[a].parent;
    }
    return false;
}
