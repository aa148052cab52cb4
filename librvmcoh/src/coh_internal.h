/* Helpers shared by the librvmcoh sources; not part of the public API. */
#ifndef RVM_COH_INTERNAL_H
#define RVM_COH_INTERNAL_H

#include <stdint.h>

/* a + b, saturating at 2^64-1: traffic counters must never wrap to small values. */
static inline uint64_t rvm_coh_sat_add(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

#endif
