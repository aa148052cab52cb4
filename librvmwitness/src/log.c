#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/fnv.h>
#include <rvm/fold.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>

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

/*
 * SHA-256 of at most 55 bytes is exactly one compression: the message, 0x80,
 * zeros and the bit length fit one block. Building that block here instead of
 * going through init/update/final is what keeps a SHA-256 append in budget.
 */
static uint64_t sha256_one_block_fold(const uint8_t *msg, unsigned len)
{
    uint8_t block[RVM_SHA256_BLOCK_LEN] = { 0 };
    __builtin_memcpy(block, msg, len);
    block[len] = 0x80;
    rvm_be64_store(block + RVM_SHA256_BLOCK_LEN - 8, (uint64_t)len * 8u);
    uint32_t st[8];
    for (unsigned i = 0; i < 8; i++) {
        st[i] = rvm_sha256_iv[i];
    }
    rvm_sha256_compress(st, block, 1);
    /* xorfold64 of the big-endian digest bytes, read as little-endian words. */
    uint64_t fold = 0;
    for (unsigned i = 0; i < 8; i += 2) {
        fold ^= (uint64_t)__builtin_bswap32(st[i]) | ((uint64_t)__builtin_bswap32(st[i + 1]) << 32);
    }
    return fold;
}

/*
 * The FNV fast digest of mode 2 runs FNV-1a over 64-bit little-endian words
 * rather than bytes: byte-serial FNV is a 4-cycle multiply chain per byte and
 * cannot chain a 52-byte input inside the append budget. Each step is still a
 * bijection of the state, so any change to one word changes the chain value.
 * Mode 1 keeps the reference's byte-wise FNV-1a so its known answers hold.
 */
static uint64_t fnv_words(const uint8_t *msg, unsigned len)
{
    uint64_t h = RVM_FNV1A64_OFFSET;
    unsigned i = 0;
    for (; i + 8 <= len; i += 8) {
        h ^= rvm_le64_load(msg + i);
        h *= RVM_FNV1A64_PRIME;
    }
    if (i < len) {
        uint8_t tail[8] = { 0 };
        __builtin_memcpy(tail, msg + i, len - i);
        h ^= rvm_le64_load(tail);
        h *= RVM_FNV1A64_PRIME;
    }
    return h;
}

uint64_t rvm_witness_chain_step(uint8_t chain_mode, uint8_t digest, uint64_t prev, const rvm_witness_record_t *rec)
{
    uint8_t msg[8 + RVM_WITNESS_CHAINED_LEN];
    unsigned len;
    rvm_le64_store(msg, prev);
    if (chain_mode == RVM_WITNESS_CHAIN_SEQUENCE) {
        rvm_le64_store(msg + 8, rec->sequence);
        len = 16;
        if (digest == RVM_WITNESS_DIGEST_FNV1A) {
            return rvm_fnv1a64(msg, len);
        }
    } else {
        uint8_t ser[RVM_WITNESS_RECORD_SIZE];
        rvm_witness_record_serialize(rec, ser);
        __builtin_memcpy(msg + 8, ser, RVM_WITNESS_CHAINED_LEN);
        len = (unsigned)sizeof msg;
        if (digest == RVM_WITNESS_DIGEST_FNV1A) {
            return fnv_words(msg, len);
        }
    }
    return sha256_one_block_fold(msg, len);
}

bool rvm_witness_can_append(const rvm_witness_log_t *log)
{
    if (log->full_policy == RVM_WITNESS_OVERWRITE_OLDEST) {
        return true;
    }
    return log->next_sequence - log->drained_sequence < log->capacity;
}

rvm_err_t rvm_witness_signed_append(rvm_witness_log_t *log, const rvm_witness_record_t *rec,
                                    const rvm_witness_signer_t *signer, uint64_t *seq_out)
{
    if (log == NULL || rec == NULL || log->records == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_action_kind_valid(rec->action_kind)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_witness_can_append(log)) {
        return RVM_ERR_WITNESS_LOG_FULL;
    }
    uint64_t seq = log->next_sequence;
    rvm_witness_record_t *slot = &log->records[log->write_pos];
    if (seq >= log->capacity && seq - log->capacity >= log->drained_sequence) {
        log->lost++;
    }
    *slot = *rec;
    slot->sequence = seq;
    slot->reserved = 0;
    slot->pad = 0;
    if (slot->timestamp_ns == 0 && log->clock != NULL) {
        slot->timestamp_ns = log->clock(log->clock_ctx);
    }
    slot->prev_hash = rvm_fold32(log->chain_value);
    uint64_t chain = rvm_witness_chain_step(log->chain_mode, log->digest, log->chain_value, slot);
    slot->record_hash = rvm_fold32(chain);
    if (signer != NULL) {
        rvm_witness_sign_record(signer, slot);
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

rvm_err_t rvm_witness_get(const rvm_witness_log_t *log, uint64_t seq, rvm_witness_record_t *out)
{
    if (log == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint64_t oldest = log->next_sequence - rvm_witness_len(log);
    if (seq >= log->next_sequence || seq < oldest) {
        return RVM_ERR_NOT_FOUND;
    }
    *out = log->records[seq % log->capacity];
    return RVM_OK;
}

rvm_err_t rvm_witness_snapshot(const rvm_witness_log_t *log, rvm_witness_record_t *buf, uint32_t cap, uint32_t *n_out)
{
    if (log == NULL || (buf == NULL && cap > 0) || n_out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t n = rvm_witness_len(log);
    if (n > cap) {
        n = cap;
    }
    uint64_t first = log->next_sequence - n;
    for (uint32_t i = 0; i < n; i++) {
        buf[i] = log->records[(first + i) % log->capacity];
    }
    *n_out = n;
    return RVM_OK;
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
