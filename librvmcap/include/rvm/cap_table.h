/* Capability table storage: slot layout and the caller-provided arrays behind one table (spec §5.1). */
#ifndef RVM_CAP_TABLE_H
#define RVM_CAP_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <rvm/cap_handle.h>
#include <rvm/rights.h>

/* Link value meaning "no slot" (derivation tree and object slot lists). */
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
 * The part of a slot that P1 reads, packed into 16 bytes so a check touches
 * exactly one slot-sized, aligned chunk.
 * `key` equals the live capability's handle. A free slot's key is
 * {index ^ 1, 0}: no handle reduced to that slot can carry that index, so a
 * free slot never matches whatever generation a caller presents.
 * `denied` is the complement of the rights held (bit 7 always set), so that
 * the rights check is a single AND.
 * `stale` is set when the object's epoch moves on (the bump marks every slot
 * naming the object) and cleared only when the slot is freed, so P1 needs
 * neither the object nor its epoch. P1 reads `denied` and `stale` as one
 * 16-bit word and tests both with one AND: a request probes the stale bit as
 * if it were a right.
 * `refusal` is what that test reports when it trips: INSUFFICIENT_CAPABILITY
 * while the slot is current, STALE_CAPABILITY once it is stale (stale outranks
 * missing rights, and a stale slot trips the test whatever is asked). Keeping
 * the answer in the slot saves P1 a second select.
 * Fields are private to librvmcap.
 */
typedef struct rvm_cap_hot {
    _Alignas(16) rvm_cap_handle_t key;
    int32_t refusal;      /* rvm_err_t */
    rvm_rights_t denied;
    uint8_t stale;        /* RVM_CAP_STALE or 0 */
    uint8_t type;         /* rvm_obj_type_t */
} rvm_cap_hot_t;

#define RVM_CAP_STALE 1u

_Static_assert(sizeof(rvm_cap_hot_t) == 16, "hot slot is 16 bytes");
_Static_assert(offsetof(rvm_cap_hot_t, stale) == offsetof(rvm_cap_hot_t, denied) + 1,
               "P1 reads denied and stale as one 16-bit word");

/* Where `denied` and `stale` sit in that 16-bit word, by byte order. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RVM_CAP_GUARD_DENIED_SHIFT 8u
#define RVM_CAP_GUARD_STALE ((uint32_t)RVM_CAP_STALE)
#else
#define RVM_CAP_GUARD_DENIED_SHIFT 0u
#define RVM_CAP_GUARD_STALE ((uint32_t)RVM_CAP_STALE << 8)
#endif

/*
 * Everything else about a slot: token id and epoch (its object's epoch when
 * it was made), badge, owner, the object it names, the derivation tree links,
 * the links of its object's slot list (what an epoch bump walks) and the
 * generation the next capability in this slot will get (kept apart from the
 * tree links, unlike the reference, where the two collide).
 */
typedef struct rvm_cap_cold {
    uint64_t id;
    uint64_t badge;
    uint32_t epoch;
    uint32_t owner;
    uint32_t next_generation;
    uint32_t parent;
    uint32_t first_child;
    uint32_t next_sibling;
    uint32_t prev_sibling;
    uint32_t object_next;   /* other live slots naming the same object */
    uint32_t object_prev;
    uint16_t object;        /* index into the object table */
    uint8_t depth;
} rvm_cap_cold_t;

/*
 * One kernel object that capabilities refer to: its current epoch and the
 * first of the live slots naming it; `refs` counts those slots (0 = entry free).
 */
typedef struct rvm_cap_object {
    uint64_t object_id;
    uint32_t refs;
    uint32_t epoch;
    uint32_t first_slot;
    uint8_t type;
} rvm_cap_object_t;

/*
 * Caller-provided storage for one table: `capacity` hot and cold slots and
 * revocation worklist entries, and `object_capacity` object entries.
 */
typedef struct rvm_cap_storage {
    rvm_cap_hot_t *hot;
    rvm_cap_cold_t *cold;
    uint32_t *worklist;
    uint32_t capacity;
    rvm_cap_object_t *objects;
    uint32_t object_capacity;
} rvm_cap_storage_t;

/* Defines static arrays for `slots` capabilities and `objects` objects, and a storage descriptor `name` over them. */
#define RVM_CAP_STORAGE_DEFINE(name, slots, objects)                                                       \
    static rvm_cap_hot_t name##_hot[(slots)];                                                              \
    static rvm_cap_cold_t name##_cold[(slots)];                                                            \
    static uint32_t name##_worklist[(slots)];                                                              \
    static rvm_cap_object_t name##_objects[(objects)];                                                     \
    static const rvm_cap_storage_t name = { name##_hot, name##_cold, name##_worklist, (slots), name##_objects, \
                                            (objects) }

#endif
