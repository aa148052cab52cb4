/* Memory tiers and region access policy (spec §3.6). */
#ifndef RVM_TIER_H
#define RVM_TIER_H

#include <stdbool.h>
#include <stdint.h>

typedef enum rvm_tier {
    RVM_TIER_HOT = 0,
    RVM_TIER_WARM = 1,
    RVM_TIER_DORMANT = 2,
    RVM_TIER_COLD = 3,
} rvm_tier_t;

#define RVM_TIER_COUNT 4u

typedef struct rvm_region_policy {
    bool read;
    bool write;
    bool execute;
} rvm_region_policy_t;

#define RVM_REGION_POLICY_READ_ONLY ((rvm_region_policy_t){ true, false, false })
#define RVM_REGION_POLICY_READ_WRITE ((rvm_region_policy_t){ true, true, false })
#define RVM_REGION_POLICY_READ_EXECUTE ((rvm_region_policy_t){ true, false, true })

/* A policy must grant at least one access. */
static inline bool rvm_region_policy_valid(rvm_region_policy_t p) { return p.read || p.write || p.execute; }
/* True for a defined tier code. */
static inline bool rvm_tier_valid(uint8_t t) { return t < RVM_TIER_COUNT; }
/* Tier transitions move one step at a time (DECISIONS 9). */
static inline bool rvm_tier_transition_adjacent(rvm_tier_t from, rvm_tier_t to)
{
    return (from > to ? from - to : to - from) == 1;
}
/* "hot", "warm", "dormant", "cold"; NULL for an undefined code. */
const char *rvm_tier_name(uint8_t tier);

#endif
