/* Capability table storage: slot layout and the caller-provided arrays behind one table (spec §5.1). */
#ifndef RVM_CAP_TABLE_H
#define RVM_CAP_TABLE_H

#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/rights.h>

/* Tree link value meaning "no slot". */
#define RVM_CAP_INDEX_NONE 0xFFFFFFFFu

/*
 * Slot capacity must be a power of two in [MIN, MAX]: P1 reduces a hostile
 * index with a mask instead of a compare-and-branch, so no speculative path
 * can read outside the table. The object table is indexed by a 16-bit field.
 */
#define RVM_CAP_CAPACITY_MIN 2u
#define RVM_CAP_CAPACITY_MAX (1u << 24)
#define RVM_CAP_OBJECTS_MAX 65536u

/*
 * The part of a slot that every P1 check reads, packed into 16 bytes so a
 * check touches exactly one slot-sized, aligned chunk.
 * `key` equals the live capability's handle. A free slot's key is
 * {index ^ 1, 0}: no handle reduced to that slot can carry that index, so a
 * free slot never matches whatever generation a caller presents.
 * `epoch` is the token epoch; it must equal the object's current epoch.
 * `denied` is the complement of the rights held (bit 7 always set), so that
 * the rights check is a single AND.
 * Fields are private to librvmcap.
 */
typedef struct rvm_cap_hot {
    _Alignas(16) rvm_cap_handle_t key;
    uint32_t epoch;
    uint16_t object;      /* index into the object tables */
    rvm_rights_t denied;
    uint8_t type;         /* rvm_obj_type_t */
} rvm_cap_hot_t;

_Static_assert(sizeof(rvm_cap_hot_t) == 16, "hot slot is 16 bytes");

/*
 * Everything else about a slot: token id, badge, owner, the derivation tree
 * links and the generation the next capability in this slot will get (kept
 * apart from the tree links, unlike the reference, where the two collide).
 */
typedef struct rvm_cap_cold {
    uint64_t id;
    uint64_t badge;
    uint32_t owner;
    uint32_t next_generation;
    uint32_t parent;
    uint32_t first_child;
    uint32_t next_sibling;
    uint32_t prev_sibling;
    uint8_t depth;
} rvm_cap_cold_t;

/* One kernel object that capabilities refer to; `refs` counts live slots naming it (0 = entry free). */
typedef struct rvm_cap_object {
    uint64_t object_id;
    uint32_t refs;
    uint8_t type;
} rvm_cap_object_t;

/*
 * Caller-provided storage for one table: `capacity` hot and cold slots and
 * revocation worklist entries, `object_capacity` object entries and epochs.
 */
typedef struct rvm_cap_storage {
    rvm_cap_hot_t *hot;
    rvm_cap_cold_t *cold;
    uint32_t *worklist;
    uint32_t capacity;
    rvm_cap_object_t *objects;
    uint32_t *object_epochs;
    uint32_t object_capacity;
} rvm_cap_storage_t;

/* Defines static arrays for `slots` capabilities and `objects` objects, and a storage descriptor `name` over them. */
#define RVM_CAP_STORAGE_DEFINE(name, slots, objects)                                                   \
    static rvm_cap_hot_t name##_hot[(slots)];                                                          \
    static rvm_cap_cold_t name##_cold[(slots)];                                                        \
    static uint32_t name##_worklist[(slots)];                                                          \
    static rvm_cap_object_t name##_objects[(objects)];                                                 \
    static uint32_t name##_object_epochs[(objects)];                                                   \
    static const rvm_cap_storage_t name = { name##_hot,     name##_cold,           name##_worklist, \
                                            (slots),        name##_objects,        name##_object_epochs, \
                                            (objects) }

#endif
