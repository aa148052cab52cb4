/*
 * Checkpoints and deltas (spec §10.8). Hashes are SHA-256 (DECISIONS 9). A
 * checkpoint or delta is trusted only through its witness record: the record's
 * payload holds the first 8 bytes of the descriptor's digest and the log's
 * chain protects the record, so a descriptor, hash or delta altered in storage
 * no longer matches a record the chain vouches for.
 */
#include <stdbool.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/mem_checkpoint.h>
#include <rvm/mem_rle.h>
#include <rvm/witness_replay.h>

#include "mem_witness.h"

static bool digest_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) {
        diff |= (uint8_t)(a[i] ^ b[i]);
    }
    return diff == 0;
}

void rvm_checkpoint_digest(const rvm_checkpoint_t *cp, uint8_t out[RVM_SHA256_DIGEST_LEN])
{
    uint8_t hdr[8 + 8 + 4 + 4 + 1];
    rvm_le64_store(hdr, cp->id);
    rvm_le64_store(hdr + 8, cp->region_id);
    rvm_le32_store(hdr + 16, cp->size);
    rvm_le32_store(hdr + 20, cp->compressed_size);
    hdr[24] = cp->algorithm;
    rvm_sha256_ctx_t c;
    rvm_sha256_init(&c);
    rvm_sha256_update(&c, hdr, sizeof hdr);
    rvm_sha256_update(&c, cp->data_hash, RVM_SHA256_DIGEST_LEN);
    rvm_sha256_update(&c, cp->compressed_hash, RVM_SHA256_DIGEST_LEN);
    rvm_sha256_final(&c, out);
}

static uint64_t delta_digest64(rvm_region_id_t region, const rvm_delta_t *d)
{
    uint8_t buf[8 + 4 + 2 + RVM_SHA256_DIGEST_LEN];
    rvm_le64_store(buf, region);
    rvm_le32_store(buf + 8, d->offset);
    rvm_le16_store(buf + 12, d->length);
    __builtin_memcpy(buf + 14, d->data_hash, RVM_SHA256_DIGEST_LEN);
    uint8_t h[RVM_SHA256_DIGEST_LEN];
    rvm_sha256(buf, sizeof buf, h);
    return rvm_le64_load(h);
}

static rvm_err_t anchor(rvm_witness_log_t *log, uint8_t kind, rvm_checkpoint_t *cp)
{
    uint8_t dg[RVM_SHA256_DIGEST_LEN];
    rvm_checkpoint_digest(cp, dg);
    const rvm_mem_event_t ev = {
        .kind = kind, .tier = 1, .flags = cp->algorithm, .actor = RVM_PARTITION_HYPERVISOR, .target = cp->region_id,
        .cap_hash = (uint32_t)cp->id, .payload = rvm_le64_load(dg),
    };
    return rvm_mem_witness(log, &ev, &cp->witness_sequence);
}

rvm_err_t rvm_checkpoint_build(rvm_checkpoint_id_t id, rvm_region_id_t region, uint8_t algorithm,
                               rvm_lz4_state_t *lz4, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                               rvm_checkpoint_t *cp)
{
    if (data == NULL || out == NULL || cp == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (len == 0 || len > UINT32_MAX) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    size_t clen = 0;
    rvm_err_t e;
    if (algorithm == RVM_COMPRESS_RLE) {
        e = rvm_rle_compress(data, len, out, cap, &clen);
    } else if (algorithm == RVM_COMPRESS_LZ4) {
        e = lz4 == NULL ? RVM_ERR_INVALID_ARGUMENT : rvm_lz4_compress(lz4, data, len, out, cap, &clen);
    } else {
        e = RVM_ERR_UNSUPPORTED;
    }
    if (e != RVM_OK) {
        return e;
    }
    if (clen > UINT32_MAX) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    cp->id = id;
    cp->region_id = region;
    cp->witness_sequence = 0;
    cp->size = (uint32_t)len;
    cp->compressed_size = (uint32_t)clen;
    cp->algorithm = algorithm;
    rvm_sha256(data, len, cp->data_hash);
    rvm_sha256(out, clen, cp->compressed_hash);
    return RVM_OK;
}

rvm_err_t rvm_checkpoint_anchor(rvm_witness_log_t *log, rvm_checkpoint_t *cp)
{
    if (log == NULL || cp == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_checkpoint_t c = *cp;
    rvm_err_t e = anchor(log, RVM_ACTION_CHECKPOINT_CREATED, &c);
    if (e == RVM_OK) {
        *cp = c;
    }
    return e;
}

rvm_err_t rvm_checkpoint_create(rvm_witness_log_t *log, rvm_checkpoint_id_t id, rvm_region_id_t region,
                                uint8_t algorithm, rvm_lz4_state_t *lz4, const uint8_t *data, size_t len,
                                uint8_t *out, size_t cap, rvm_checkpoint_t *cp)
{
    if (log == NULL || cp == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_checkpoint_t c;
    rvm_err_t e = rvm_checkpoint_build(id, region, algorithm, lz4, data, len, out, cap, &c);
    if (e == RVM_OK) {
        e = rvm_checkpoint_anchor(log, &c);
    }
    if (e == RVM_OK) {
        *cp = c;
    }
    return e;
}

rvm_err_t rvm_checkpoint_reanchor(rvm_witness_log_t *log, rvm_checkpoint_t *cp)
{
    if (log == NULL || cp == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_checkpoint_t c = *cp;
    rvm_err_t e = anchor(log, RVM_ACTION_CHECKPOINT_RESTORED, &c);
    if (e == RVM_OK) {
        *cp = c;
    }
    return e;
}

rvm_err_t rvm_delta_log_init(rvm_delta_log_t *dl, rvm_delta_t *deltas, uint32_t capacity, uint8_t *data,
                             uint32_t data_capacity)
{
    if (dl == NULL || deltas == NULL || capacity == 0 || data == NULL || data_capacity == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    dl->deltas = deltas;
    dl->capacity = capacity;
    dl->count = 0;
    dl->data = data;
    dl->data_capacity = data_capacity;
    dl->data_used = 0;
    return RVM_OK;
}

rvm_err_t rvm_delta_log_add(rvm_delta_log_t *dl, rvm_witness_log_t *log, rvm_region_id_t region, uint32_t offset,
                            const uint8_t *bytes, uint32_t len)
{
    if (dl == NULL || log == NULL || bytes == NULL || len == 0 || len > UINT16_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (dl->count == dl->capacity || len > dl->data_capacity - dl->data_used) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_delta_t d;
    d.sequence = 0;
    d.offset = offset;
    d.length = (uint16_t)len;
    d.data_offset = dl->data_used;
    rvm_sha256(bytes, len, d.data_hash);
    if (dl->count > 0 && rvm_witness_total_emitted(log) <= dl->deltas[dl->count - 1].sequence) {
        return RVM_ERR_WITNESS_CHAIN_BROKEN;
    }
    const rvm_mem_event_t ev = {
        .kind = RVM_ACTION_REGION_DELTA, .tier = 1, .flags = 0, .actor = RVM_PARTITION_HYPERVISOR, .target = region,
        .cap_hash = offset, .payload = delta_digest64(region, &d),
    };
    rvm_err_t e = rvm_mem_witness(log, &ev, &d.sequence);
    if (e != RVM_OK) {
        return e;
    }
    __builtin_memcpy(dl->data + dl->data_used, bytes, len);
    dl->data_used += len;
    dl->deltas[dl->count++] = d;
    return RVM_OK;
}

void rvm_delta_log_clear(rvm_delta_log_t *dl)
{
    if (dl != NULL) {
        dl->count = 0;
        dl->data_used = 0;
    }
}

uint32_t rvm_delta_log_count(const rvm_delta_log_t *dl)
{
    return dl == NULL ? 0 : dl->count;
}

/* Walks the log from the checkpoint's record on, matching it and each delta's record as they pass. */
typedef struct anchor_walk {
    const rvm_checkpoint_t *cp;
    const rvm_delta_log_t *deltas;
    uint64_t cp_digest;
    uint32_t next_delta;
    bool saw_checkpoint;
} anchor_walk_t;

static rvm_err_t match_record(void *ctx, const rvm_witness_record_t *rec)
{
    anchor_walk_t *w = ctx;
    if (!w->saw_checkpoint) {
        /* The walk starts at the checkpoint's own sequence. */
        if ((rec->action_kind != RVM_ACTION_CHECKPOINT_CREATED && rec->action_kind != RVM_ACTION_CHECKPOINT_RESTORED) ||
            rec->target_object_id != w->cp->region_id || rvm_le64_load(rec->payload) != w->cp_digest) {
            return RVM_ERR_CHECKPOINT_CORRUPTED;
        }
        w->saw_checkpoint = true;
        return RVM_OK;
    }
    if (w->deltas == NULL || w->next_delta == w->deltas->count) {
        return RVM_OK;
    }
    const rvm_delta_t *d = &w->deltas->deltas[w->next_delta];
    if (rec->sequence < d->sequence) {
        return RVM_OK;
    }
    if (rec->sequence > d->sequence || rec->action_kind != RVM_ACTION_REGION_DELTA ||
        rec->target_object_id != w->cp->region_id ||
        rvm_le64_load(rec->payload) != delta_digest64(w->cp->region_id, d)) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    w->next_delta++;
    return RVM_OK;
}

rvm_err_t rvm_checkpoint_verify_witness(const rvm_witness_log_t *log, const rvm_checkpoint_t *cp,
                                        const rvm_delta_log_t *deltas)
{
    if (log == NULL || cp == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_witness_checkpoint_t from;
    from.sequence = cp->witness_sequence;
    if (cp->witness_sequence >= rvm_witness_total_emitted(log) ||
        rvm_witness_chain_before(log, cp->witness_sequence, &from.chain_value) != RVM_OK) {
        return RVM_ERR_CHECKPOINT_NOT_FOUND;
    }
    uint8_t dg[RVM_SHA256_DIGEST_LEN];
    rvm_checkpoint_digest(cp, dg);
    anchor_walk_t w = { cp, deltas, rvm_le64_load(dg), 0, false };
    /* The replay checks every link from the checkpoint up to the log's current chain value. */
    rvm_err_t e = rvm_witness_log_replay(log, &from, NULL, match_record, &w, NULL);
    if (e == RVM_ERR_NOT_FOUND) {
        return RVM_ERR_CHECKPOINT_NOT_FOUND;
    }
    if (e != RVM_OK) {
        return e;
    }
    if (!w.saw_checkpoint || (deltas != NULL && w.next_delta != deltas->count)) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    return RVM_OK;
}

static rvm_err_t check_deltas(const rvm_checkpoint_t *cp, const rvm_delta_log_t *deltas)
{
    for (uint32_t i = 0; i < deltas->count; i++) {
        const rvm_delta_t *d = &deltas->deltas[i];
        if (d->offset > cp->size || d->length > cp->size - d->offset || d->data_offset > deltas->data_used ||
            d->length > deltas->data_used - d->data_offset) {
            return RVM_ERR_CHECKPOINT_CORRUPTED;
        }
        uint8_t h[RVM_SHA256_DIGEST_LEN];
        rvm_sha256(deltas->data + d->data_offset, d->length, h);
        if (!digest_eq(h, d->data_hash, sizeof h)) {
            return RVM_ERR_WITNESS_VERIFICATION_FAILED;
        }
    }
    return RVM_OK;
}

rvm_err_t rvm_checkpoint_reconstruct(const rvm_witness_log_t *log, const rvm_checkpoint_t *cp,
                                     const uint8_t *compressed, size_t compressed_len, const rvm_delta_log_t *deltas,
                                     uint8_t *out, size_t cap, rvm_reconstruction_t *result)
{
    if (cp == NULL || compressed == NULL || out == NULL || result == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (compressed_len < cp->compressed_size) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    if (cap < cp->size) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_err_t e;
    if (log != NULL) {
        e = rvm_checkpoint_verify_witness(log, cp, deltas);
        if (e != RVM_OK) {
            return e;
        }
    }
    if (deltas != NULL) {
        e = check_deltas(cp, deltas);
        if (e != RVM_OK) {
            return e;
        }
    }
    uint8_t h[RVM_SHA256_DIGEST_LEN];
    rvm_sha256(compressed, cp->compressed_size, h);
    if (!digest_eq(h, cp->compressed_hash, sizeof h)) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    size_t got = 0;
    if (cp->algorithm == RVM_COMPRESS_RLE) {
        e = rvm_rle_decompress(compressed, cp->compressed_size, out, cp->size, &got);
    } else if (cp->algorithm == RVM_COMPRESS_LZ4) {
        e = rvm_lz4_decompress(compressed, cp->compressed_size, out, cp->size, &got);
    } else {
        e = RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    if (e != RVM_OK || got != cp->size) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    rvm_sha256(out, got, h);
    if (!digest_eq(h, cp->data_hash, sizeof h)) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    uint32_t applied = 0;
    if (deltas != NULL) {
        for (uint32_t i = 0; i < deltas->count; i++) {
            const rvm_delta_t *d = &deltas->deltas[i];
            __builtin_memcpy(out + d->offset, deltas->data + d->data_offset, d->length);
            applied++;
        }
    }
    result->region_id = cp->region_id;
    result->size = cp->size;
    result->deltas_applied = applied;
    rvm_sha256(out, cp->size, result->final_hash);
    return RVM_OK;
}
