/* Scheduler witness records (spec §6.5): appended before the change they describe. */
#include <rvm/endian.h>

#include "sched_internal.h"

rvm_err_t rvm_sched_witness(rvm_sched_t *s, uint8_t kind, uint8_t flags, rvm_partition_id_t actor, uint64_t target,
                            const uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE])
{
    /* Field by field rather than `= {0}`: a freestanding build has no memset to call. */
    rvm_witness_record_t rec;
    rec.sequence = 0;
    rec.timestamp_ns = 0;
    rec.action_kind = kind;
    rec.proof_tier = 1;
    rec.flags = flags;
    rec.reserved = 0;
    rec.actor_partition_id = actor;
    rec.target_object_id = target;
    rec.capability_hash = 0;
    __builtin_memcpy(rec.payload, payload, RVM_WITNESS_PAYLOAD_SIZE);
    rec.prev_hash = 0;
    rec.record_hash = 0;
    rvm_le64_store(rec.aux, 0);
    rec.pad = 0;
    return rvm_witness_append(s->log, &rec, NULL);
}
