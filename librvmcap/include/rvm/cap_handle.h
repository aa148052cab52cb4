/* Capability handles: what a partition holds in place of a capability (spec §5). */
#ifndef RVM_CAP_HANDLE_H
#define RVM_CAP_HANDLE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Names one table slot and the generation the slot had when the capability
 * was made. Generation 0 is never issued, so the all-zero handle names nothing.
 * The two fields are compared as one 64-bit word by the P1 check.
 */
typedef struct rvm_cap_handle {
    uint32_t index;
    uint32_t generation;
} rvm_cap_handle_t;

_Static_assert(sizeof(rvm_cap_handle_t) == 8, "a handle is one 64-bit word");

/* A handle that never verifies. */
#define RVM_CAP_HANDLE_NULL ((rvm_cap_handle_t){ 0u, 0u })

/* True when both handles name the same slot generation. */
static inline bool rvm_cap_handle_eq(rvm_cap_handle_t a, rvm_cap_handle_t b)
{
    return a.index == b.index && a.generation == b.generation;
}

/* The one-word form handles take in registers and hypercall arguments: (index << 32) | generation. */
static inline uint64_t rvm_cap_handle_pack(rvm_cap_handle_t h)
{
    return ((uint64_t)h.index << 32) | h.generation;
}

/* The handle a one-word form names (no check: an invalid one simply never verifies). */
static inline rvm_cap_handle_t rvm_cap_handle_unpack(uint64_t raw)
{
    return (rvm_cap_handle_t){ (uint32_t)(raw >> 32), (uint32_t)raw };
}

#endif
