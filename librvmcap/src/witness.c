/* Witness records for capability mutations (spec §6.5): appended before the state changes. */
#include <rvm/endian.h>

#include "cap_internal.h"

rvm_err_t rvm_cap_witness(rvm_cap_manager_t *m, const rvm_cap_event_t *ev)
{
    /* Field by field rather than `= {0}`: a freestanding build has no memset to call. */
    rvm_witness_record_t rec;
    rec.sequence = 0;
    rec.timestamp_ns = 0;
    rec.action_kind = ev->kind;
    rec.proof_tier = 1;
    rec.flags = ev->flags;
    rec.reserved = 0;
    rec.actor_partition_id = ev->actor;
    rec.target_object_id = ev->target;
    rec.capability_hash = ev->cap_hash;
    rvm_le64_store(rec.payload, ev->payload);
    rec.prev_hash = 0;
    rec.record_hash = 0;
    rvm_le64_store(rec.aux, 0);
    rec.pad = 0;
    return rvm_witness_append(m->log, &rec, NULL);
}
