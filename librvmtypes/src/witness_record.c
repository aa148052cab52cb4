#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/witness_record.h>

void rvm_witness_record_serialize(const rvm_witness_record_t *rec, uint8_t out[RVM_WITNESS_RECORD_SIZE])
{
    rvm_le64_store(out + 0, rec->sequence);
    rvm_le64_store(out + 8, rec->timestamp_ns);
    out[16] = rec->action_kind;
    out[17] = rec->proof_tier;
    out[18] = rec->flags;
    out[19] = 0;
    rvm_le32_store(out + 20, rec->actor_partition_id);
    rvm_le64_store(out + 24, rec->target_object_id);
    rvm_le32_store(out + 32, rec->capability_hash);
    for (unsigned i = 0; i < RVM_WITNESS_PAYLOAD_SIZE; i++) {
        out[36 + i] = rec->payload[i];
    }
    rvm_le32_store(out + 44, rec->prev_hash);
    rvm_le32_store(out + 48, rec->record_hash);
    for (unsigned i = 0; i < RVM_WITNESS_AUX_SIZE; i++) {
        out[52 + i] = rec->aux[i];
    }
    rvm_le32_store(out + 60, 0);
}

rvm_err_t rvm_witness_record_deserialize(const uint8_t in[RVM_WITNESS_RECORD_SIZE], rvm_witness_record_t *out)
{
    if (in == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_action_kind_valid(in[16]) || in[19] != 0 || rvm_le32_load(in + 60) != 0) {
        return RVM_ERR_MALFORMED_INPUT;
    }
    rvm_witness_record_t r = { 0 };
    r.sequence = rvm_le64_load(in + 0);
    r.timestamp_ns = rvm_le64_load(in + 8);
    r.action_kind = in[16];
    r.proof_tier = in[17];
    r.flags = in[18];
    r.actor_partition_id = rvm_le32_load(in + 20);
    r.target_object_id = rvm_le64_load(in + 24);
    r.capability_hash = rvm_le32_load(in + 32);
    for (unsigned i = 0; i < RVM_WITNESS_PAYLOAD_SIZE; i++) {
        r.payload[i] = in[36 + i];
    }
    r.prev_hash = rvm_le32_load(in + 44);
    r.record_hash = rvm_le32_load(in + 48);
    for (unsigned i = 0; i < RVM_WITNESS_AUX_SIZE; i++) {
        r.aux[i] = in[52 + i];
    }
    *out = r;
    return RVM_OK;
}
