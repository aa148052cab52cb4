#include <rvm/fold.h>
#include <rvm/witness_log.h>
#include <rvm/witness_segment.h>

#include "chain.h"

void rvm_witness_config_default(rvm_witness_config_t *cfg)
{
    cfg->chain_mode = RVM_WITNESS_CHAIN_CONTENT;
    cfg->digest = RVM_WITNESS_DIGEST_SHA256;
    cfg->full_policy = RVM_WITNESS_OVERWRITE_OLDEST;
    cfg->signer = NULL;
    cfg->clock = NULL;
    cfg->clock_ctx = NULL;
}

rvm_err_t rvm_witness_log_init(rvm_witness_log_t *log, rvm_witness_record_t *storage, uint32_t capacity,
                               const rvm_witness_config_t *cfg)
{
    rvm_witness_config_t def;
    if (cfg == NULL) {
        rvm_witness_config_default(&def);
        cfg = &def;
    }
    if (log == NULL || storage == NULL || capacity == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if ((cfg->chain_mode != RVM_WITNESS_CHAIN_SEQUENCE && cfg->chain_mode != RVM_WITNESS_CHAIN_CONTENT) ||
        (cfg->digest != RVM_WITNESS_DIGEST_SHA256 && cfg->digest != RVM_WITNESS_DIGEST_FNV1A) ||
        (cfg->full_policy != RVM_WITNESS_OVERWRITE_OLDEST && cfg->full_policy != RVM_WITNESS_REFUSE_UNDRAINED)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    log->records = storage;
    log->capacity = capacity;
    log->write_pos = 0;
    log->chain_value = 0;
    log->base_chain = 0;
    log->next_sequence = 0;
    log->drained_sequence = 0;
    log->lost = 0;
    log->chain_mode = cfg->chain_mode;
    log->digest = cfg->digest;
    log->full_policy = cfg->full_policy;
    log->signer = cfg->signer;
    log->clock = cfg->clock;
    log->clock_ctx = cfg->clock_ctx;
    return RVM_OK;
}

uint64_t rvm_witness_chain_step(uint8_t chain_mode, uint8_t digest, uint64_t prev, const rvm_witness_record_t *rec)
{
    uint8_t ser[RVM_WITNESS_CHAINED_LEN];
    rvm_witness_put_chained(ser, rec, rec->sequence, rec->timestamp_ns);
    return rvm_witness_chain(chain_mode, digest, prev, ser);
}

static inline bool may_append(const rvm_witness_log_t *log)
{
    return log->full_policy == RVM_WITNESS_OVERWRITE_OLDEST ||
           log->next_sequence - log->drained_sequence < log->capacity;
}

bool rvm_witness_can_append(const rvm_witness_log_t *log)
{
    return may_append(log);
}

rvm_err_t rvm_witness_signed_append(rvm_witness_log_t *log, const rvm_witness_record_t *rec,
                                    const rvm_witness_signer_t *signer, uint64_t *seq_out)
{
    if (log == NULL || rec == NULL || log->records == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_witness_kind_ok(rec->action_kind)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!may_append(log)) {
        return RVM_ERR_WITNESS_LOG_FULL;
    }
    uint64_t seq = log->next_sequence;
    uint64_t prev = log->chain_value;
    uint64_t ts = rec->timestamp_ns;
    if (ts == 0 && log->clock != NULL) {
        ts = log->clock(log->clock_ctx);
    }
    rvm_witness_record_t *slot = &log->records[log->write_pos];
    if (seq >= log->capacity) {
        /* The slot still holds record seq - capacity, whose chain value precedes the new oldest record. */
        log->base_chain = rvm_witness_slot_chain(slot);
        if (seq - log->capacity >= log->drained_sequence) {
            log->lost++;
        }
    }
    uint64_t aux;
    __builtin_memcpy(&aux, rec->aux, sizeof aux);
#if RVM_WITNESS_LE_HOST
    /*
     * The slot's own bytes are its canonical form here: the record is built
     * there once, then chained and signed in place.
     */
    uint8_t *ser = (uint8_t *)slot;
#else
    uint8_t ser[RVM_WITNESS_RECORD_SIZE];
    *slot = *rec;
    slot->sequence = seq;
    slot->timestamp_ns = ts;
    slot->reserved = 0;
#endif
    rvm_witness_put_chained(ser, rec, seq, ts);
    __builtin_memcpy(slot->aux, &aux, sizeof aux);
    /*
     * prev_hash is stored only after the hash: written before, compilers
     * merge it with the message's last word into one store, and the hash's
     * load of that word then waits for the previous link's chain value.
     */
    uint64_t chain = rvm_witness_chain(log->chain_mode, log->digest, prev, ser);
    uint32_t prev_hash = rvm_fold32(prev);
    uint32_t record_hash = rvm_fold32(chain);
    rvm_witness_st32(ser + 44, prev_hash);
    rvm_witness_st32(ser + 48, record_hash);
#if !RVM_WITNESS_LE_HOST
    slot->prev_hash = prev_hash;
    slot->record_hash = record_hash;
#endif
    slot->pad = (uint32_t)chain;
    if (signer != NULL) {
        signer->sign(signer, ser, slot->aux);
    }
    log->write_pos = log->write_pos + 1 == log->capacity ? 0 : log->write_pos + 1;
    log->chain_value = chain;
    log->next_sequence = seq + 1;
    if (seq_out != NULL) {
        *seq_out = seq;
    }
    return RVM_OK;
}

rvm_err_t rvm_witness_append(rvm_witness_log_t *log, const rvm_witness_record_t *rec, uint64_t *seq_out)
{
    if (log == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return rvm_witness_signed_append(log, rec, log->signer, seq_out);
}

uint64_t rvm_witness_total_emitted(const rvm_witness_log_t *log)
{
    return log->next_sequence;
}

uint32_t rvm_witness_len(const rvm_witness_log_t *log)
{
    return log->next_sequence < log->capacity ? (uint32_t)log->next_sequence : log->capacity;
}

uint64_t rvm_witness_chain_value(const rvm_witness_log_t *log)
{
    return log->chain_value;
}

uint64_t rvm_witness_lost(const rvm_witness_log_t *log)
{
    return log->lost;
}

uint64_t rvm_witness_oldest_sequence(const rvm_witness_log_t *log)
{
    return log->next_sequence - rvm_witness_len(log);
}

uint64_t rvm_witness_base_chain(const rvm_witness_log_t *log)
{
    return log->base_chain;
}

rvm_err_t rvm_witness_chain_before(const rvm_witness_log_t *log, uint64_t seq, uint64_t *chain_out)
{
    if (log == NULL || chain_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint64_t oldest = rvm_witness_oldest_sequence(log);
    if (seq < oldest || seq > log->next_sequence) {
        return RVM_ERR_NOT_FOUND;
    }
    *chain_out = seq == oldest ? log->base_chain : rvm_witness_slot_chain(&log->records[(seq - 1) % log->capacity]);
    return RVM_OK;
}

rvm_err_t rvm_witness_get(const rvm_witness_log_t *log, uint64_t seq, rvm_witness_record_t *out)
{
    if (log == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (seq >= log->next_sequence || seq < rvm_witness_oldest_sequence(log)) {
        return RVM_ERR_NOT_FOUND;
    }
    rvm_witness_slot_copy(out, &log->records[seq % log->capacity]);
    return RVM_OK;
}

rvm_err_t rvm_witness_read_from(const rvm_witness_log_t *log, uint64_t seq, rvm_witness_record_t *buf, uint32_t cap,
                                uint32_t *n_out)
{
    if (log == NULL || (buf == NULL && cap > 0) || n_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (seq < rvm_witness_oldest_sequence(log) || seq > log->next_sequence) {
        return RVM_ERR_NOT_FOUND;
    }
    uint64_t avail = log->next_sequence - seq;
    uint32_t n = avail < cap ? (uint32_t)avail : cap;
    uint32_t pos = (uint32_t)(seq % log->capacity);
    for (uint32_t i = 0; i < n; i++) {
        rvm_witness_slot_copy(&buf[i], &log->records[pos]);
        pos = pos + 1 == log->capacity ? 0 : pos + 1;
    }
    *n_out = n;
    return RVM_OK;
}

rvm_err_t rvm_witness_snapshot(const rvm_witness_log_t *log, rvm_witness_record_t *buf, uint32_t cap, uint32_t *n_out)
{
    if (log == NULL || (buf == NULL && cap > 0) || n_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t len = rvm_witness_len(log);
    return rvm_witness_read_from(log, log->next_sequence - (len < cap ? len : cap), buf, cap, n_out);
}

rvm_err_t rvm_witness_mark_drained(rvm_witness_log_t *log, uint64_t seq)
{
    if (log == NULL || seq > log->next_sequence) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (seq > log->drained_sequence) {
        log->drained_sequence = seq;
    }
    return RVM_OK;
}

rvm_err_t rvm_witness_log_segment(const rvm_witness_log_t *log, rvm_witness_segment_t *seg)
{
    if (log == NULL || seg == NULL || log->records == NULL || log->capacity == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    seg->chain_mode = log->chain_mode;
    seg->digest = log->digest;
    seg->complete = true;
    seg->first_sequence = rvm_witness_oldest_sequence(log);
    seg->count = rvm_witness_len(log);
    seg->prev_chain = log->base_chain;
    seg->final_chain = log->chain_value;
    return RVM_OK;
}
