/* Capability rights, object types and the capability token (spec §3.2). */
#ifndef RVM_RIGHTS_H
#define RVM_RIGHTS_H

#include <stdbool.h>
#include <stdint.h>

#include <rvm/ids.h>

typedef uint8_t rvm_rights_t;

#define RVM_RIGHT_READ       ((rvm_rights_t)0x01)
#define RVM_RIGHT_WRITE      ((rvm_rights_t)0x02)
#define RVM_RIGHT_GRANT      ((rvm_rights_t)0x04)
#define RVM_RIGHT_REVOKE     ((rvm_rights_t)0x08)
#define RVM_RIGHT_EXECUTE    ((rvm_rights_t)0x10)
#define RVM_RIGHT_PROVE      ((rvm_rights_t)0x20)
#define RVM_RIGHT_GRANT_ONCE ((rvm_rights_t)0x40)
#define RVM_RIGHTS_ALL       ((rvm_rights_t)0x7F)  /* bit 7 is reserved and must be 0 */

typedef enum rvm_obj_type {
    RVM_OBJ_PARTITION = 0,
    RVM_OBJ_REGION = 1,
    RVM_OBJ_COMM_EDGE = 2,
    RVM_OBJ_DEVICE = 3,
    RVM_OBJ_SCHEDULER = 4,
    RVM_OBJ_WITNESS_LOG = 5,
    RVM_OBJ_PROOF = 6,
    RVM_OBJ_VCPU = 7,
    RVM_OBJ_COHERENCE = 8,
} rvm_obj_type_t;

#define RVM_OBJ_TYPE_COUNT 9u

/* The capability value the kernel holds in a slot; callers only ever see handles. */
typedef struct rvm_cap_token {
    rvm_cap_id_t id;
    uint8_t type;
    rvm_rights_t rights;
    uint32_t epoch;
} rvm_cap_token_t;

/* True when `held` includes every bit of `req`. */
static inline bool rvm_rights_contains(rvm_rights_t held, rvm_rights_t req) { return (held & req) == req; }
/* True when `a` holds no right that `b` lacks. */
static inline bool rvm_rights_is_subset(rvm_rights_t a, rvm_rights_t b) { return (a & (rvm_rights_t)~b) == 0; }
/* True when only defined bits are set. */
static inline bool rvm_rights_valid(rvm_rights_t r) { return (r & (rvm_rights_t)~RVM_RIGHTS_ALL) == 0; }
/* True for a defined capability object type code. */
static inline bool rvm_obj_type_valid(uint8_t t) { return t < RVM_OBJ_TYPE_COUNT; }

/* Truncated token hash written into witness records: lo32(id) ^ hi32(id) ^ epoch ^ (rights << 24). */
static inline uint32_t rvm_cap_hash32(const rvm_cap_token_t *t)
{
    return (uint32_t)t->id ^ (uint32_t)(t->id >> 32) ^ t->epoch ^ ((uint32_t)t->rights << 24);
}

#endif
