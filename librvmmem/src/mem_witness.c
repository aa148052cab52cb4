/* Witness records of librvmmem's mutations (spec §6.5). */
#include <rvm/endian.h>

#include "mem_witness.h"

rvm_err_t rvm_mem_witness(rvm_witness_log_t *log, const rvm_mem_event_t *ev, uint64_t *seq)
{
    /* Field by field: a freestanding build has no memset behind `= {0}`. */
    rvm_witness_record_t rec;
    rec.sequence = 0;
    rec.timestamp_ns = 0;
    rec.action_kind = ev->kind;
    rec.proof_tier = ev->tier;
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
    return rvm_witness_append(log, &rec, seq);
}
