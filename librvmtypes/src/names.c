#include <stddef.h>

#include <rvm/failure.h>
#include <rvm/partition_state.h>
#include <rvm/tier.h>

const char *rvm_tier_name(uint8_t tier)
{
    static const char *const names[RVM_TIER_COUNT] = { "hot", "warm", "dormant", "cold" };
    return tier < RVM_TIER_COUNT ? names[tier] : NULL;
}

const char *rvm_failure_class_name(uint8_t cls)
{
    static const char *const names[RVM_FAILURE_CLASS_COUNT] = { "F1", "F2", "F3", "F4" };
    return cls < RVM_FAILURE_CLASS_COUNT ? names[cls] : NULL;
}

const char *rvm_partition_state_name(uint8_t state)
{
    static const char *const names[] = { "Created", "Running", "Suspended", "Destroyed", "Hibernated", "Migrating" };
    return state < sizeof names / sizeof names[0] ? names[state] : NULL;
}
