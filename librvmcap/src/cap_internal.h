/* Interfaces shared by librvmcap's source files; not installed. */
#ifndef RVM_CAP_INTERNAL_H
#define RVM_CAP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/cap_manager.h>

/* table.c: slots and objects */

/* Index of the live slot `h` names; false for a bad index, a free slot or another generation. */
bool rvm_cap_slot_resolve(const rvm_cap_manager_t *m, rvm_cap_handle_t h, uint32_t *idx);
/* True when the live slot's object epoch has not moved on since it was made (no stale mark). */
bool rvm_cap_slot_current(const rvm_cap_manager_t *m, uint32_t idx);
/* Marks live slot `idx` stale until it is freed. */
void rvm_cap_slot_mark_stale(rvm_cap_manager_t *m, uint32_t idx);
/* Finds a free slot from the free hint onwards without taking it. */
bool rvm_cap_slot_find_free(const rvm_cap_manager_t *m, uint32_t *idx);
/*
 * Occupies free slot `idx` (found by rvm_cap_slot_find_free), unmarked and
 * first in its object's slot list, and returns its handle.
 */
rvm_cap_handle_t rvm_cap_slot_take(rvm_cap_manager_t *m, uint32_t idx, const rvm_cap_token_t *tok, uint32_t object,
                                   rvm_partition_id_t owner, uint64_t badge, uint8_t depth);
/* The hot part of free slot `idx`, shared by init and release: a key no handle reduced to it can match, no mark. */
static inline rvm_cap_hot_t rvm_cap_hot_free(uint32_t idx)
{
    rvm_cap_hot_t s = { { idx ^ 1u, 0 }, RVM_ERR_INSUFFICIENT_CAPABILITY, (rvm_rights_t)~0u, 0, 0 };
    return s;
}
/* Frees live slot `idx`: next generation remembered, out of its object's slot list; tree links must be gone. */
void rvm_cap_slot_release(rvm_cap_manager_t *m, uint32_t idx);
/* Rights held by slot `idx`. */
static inline rvm_rights_t rvm_cap_slot_rights(const rvm_cap_manager_t *m, uint32_t idx)
{
    return (rvm_rights_t)~m->hot[idx].denied;
}
/* Sets the rights held by slot `idx`. */
static inline void rvm_cap_slot_set_rights(rvm_cap_manager_t *m, uint32_t idx, rvm_rights_t rights)
{
    m->hot[idx].denied = (rvm_rights_t)~rights;
}
/* Token of live slot `idx`. */
rvm_cap_token_t rvm_cap_slot_token(const rvm_cap_manager_t *m, uint32_t idx);
/* Entry in use for (type, object_id). */
bool rvm_cap_object_find(const rvm_cap_manager_t *m, uint8_t type, uint64_t object_id, uint32_t *obj);
/* Entry for (type, object_id): the one in use, else a free one; nothing is changed. */
bool rvm_cap_object_reserve(const rvm_cap_manager_t *m, uint8_t type, uint64_t object_id, uint32_t *obj);

/* Names entry `obj` (from rvm_cap_object_reserve) as (type, object_id); its epoch carries on. */
void rvm_cap_object_claim(rvm_cap_manager_t *m, uint32_t obj, uint8_t type, uint64_t object_id);

/* tree.c: derivation tree links over the cold slots */

/* Makes `child` the first child of `parent`. */
void rvm_cap_tree_link(rvm_cap_manager_t *m, uint32_t parent, uint32_t child);
/* Takes `x` out of its parent's child list (roots and orphans have none). */
void rvm_cap_tree_unlink(rvm_cap_manager_t *m, uint32_t x);
/* Writes `root` and all its descendants to the worklist, parents before children; returns the count. */
uint32_t rvm_cap_tree_collect(rvm_cap_manager_t *m, uint32_t root);
/* Number of direct children of `x`. */
uint32_t rvm_cap_tree_child_count(const rvm_cap_manager_t *m, uint32_t x);
/* Moves every child of `x` under x's parent, or makes them parentless when x is a root; x stays linked. */
void rvm_cap_tree_splice_children(rvm_cap_manager_t *m, uint32_t x);
/* True when `caller` owns `idx` or an ancestor of it that holds REVOKE. */
bool rvm_cap_tree_may_revoke(const rvm_cap_manager_t *m, uint32_t idx, rvm_partition_id_t caller);

/* witness.c */

/* Fields of one capability witness record that vary per action. */
typedef struct rvm_cap_event {
    uint8_t kind;
    uint8_t flags;
    rvm_partition_id_t actor;
    uint64_t target;
    uint32_t cap_hash;
    uint64_t payload;   /* stored little-endian */
} rvm_cap_event_t;

/* Payload layout shared by create/grant/delete/revoke records: rights, depth, one extra byte, a 32-bit value. */
static inline uint64_t rvm_cap_payload(rvm_rights_t rights, uint8_t depth, uint8_t extra, uint32_t value)
{
    return (uint64_t)rights | ((uint64_t)depth << 8) | ((uint64_t)extra << 16) | ((uint64_t)value << 32);
}

/* Appends the record (tier P1); any error means the mutation must not happen. */
rvm_err_t rvm_cap_witness(rvm_cap_manager_t *m, const rvm_cap_event_t *ev);

#endif
