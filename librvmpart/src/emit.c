#include <stdint.h>

#include "part_internal.h"

rvm_err_t rvm_part_emit(rvm_witness_log_t *log, uint8_t kind, uint8_t tier, uint32_t actor, uint64_t target,
                        uint32_t cap_hash, const uint8_t *payload, uint8_t flags)
{
    rvm_witness_record_t r;
    __builtin_memset(&r, 0, sizeof r);
    r.action_kind = kind;
    r.proof_tier = tier;
    r.flags = flags;
    r.actor_partition_id = actor;
    r.target_object_id = target;
    r.capability_hash = cap_hash;
    if (payload != NULL) {
        __builtin_memcpy(r.payload, payload, RVM_WITNESS_PAYLOAD_SIZE);
    }
    return rvm_witness_append(log, &r, NULL);
}

void rvm_part_array_remove(void *base, uint32_t size, uint32_t n, uint32_t i)
{
    uint8_t *b = base;
    if (i + 1u < n) {
        __builtin_memmove(b + (uint64_t)i * size, b + (uint64_t)(i + 1u) * size, (uint64_t)(n - i - 1u) * size);
    }
    __builtin_memset(b + (uint64_t)(n - 1u) * size, 0, size);
}
