/*
 * The tier engine. All tier transitions live here (ADR-136: one module owns the
 * bug surface). Every transition does its fallible work first (allocation,
 * compression, verification, storage I/O) into new frames, then writes its
 * witness records, and only then releases the old representation, so a failure
 * at any step leaves the region exactly where it was.
 */
#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/mem_tier.h>

#include "mem_witness.h"

#define COLD_MAGIC 0x31444C4F434D5652ull /* "RVMCOLD1" little-endian */
#define HDR_HASHED_LEN 112u
#define HDR_IMAGE_HASH 112u

static rvm_tier_region_t *find(const rvm_tier_engine_t *e, rvm_region_id_t id)
{
    if (id == 0) {
        return NULL;
    }
    for (uint32_t i = 0; i < e->cfg.capacity; i++) {
        if (e->cfg.slots[i].id == id) {
            return &e->cfg.slots[i];
        }
    }
    return NULL;
}

/*
 * The checks every entry point on one region starts with: INVALID_ARGUMENT for
 * a missing engine or a failed argument check (`args_ok`), PARTITION_NOT_FOUND
 * for an unknown id; `*r` is the region otherwise.
 */
static rvm_err_t region_of(const rvm_tier_engine_t *e, rvm_region_id_t id, bool args_ok, rvm_tier_region_t **r)
{
    if (e == NULL || !args_ok) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    *r = find(e, id);
    return *r != NULL ? RVM_OK : RVM_ERR_PARTITION_NOT_FOUND;
}

static rvm_tier_region_t *free_slot(const rvm_tier_engine_t *e)
{
    for (uint32_t i = 0; i < e->cfg.capacity; i++) {
        if (e->cfg.slots[i].id == 0) {
            return &e->cfg.slots[i];
        }
    }
    return NULL;
}

static uint16_t residency(const rvm_tier_region_t *r)
{
    return (uint16_t)(r->cut_value + r->recency);
}

static size_t region_bytes(const rvm_tier_region_t *r)
{
    return (size_t)r->pages * RVM_PAGE_SIZE;
}

static uint32_t pages_for(size_t bytes)
{
    return (uint32_t)((bytes + RVM_PAGE_SIZE - 1u) / RVM_PAGE_SIZE);
}

static void slot_reset(rvm_tier_region_t *r, rvm_region_id_t id, rvm_partition_id_t owner, uint32_t pages,
                       uint32_t epoch)
{
    r->id = id;
    r->owner = owner;
    r->pages = pages;
    r->last_access_epoch = epoch;
    r->cut_value = 0;
    r->recency = RVM_RESIDENCY_INITIAL_RECENCY;
    (void)rvm_delta_log_init(&r->deltas, r->delta_slots, RVM_TIER_DELTAS_PER_REGION, r->delta_data,
                             RVM_TIER_DELTA_BYTES_PER_REGION);
}

static rvm_err_t emit_move(rvm_tier_engine_t *e, uint8_t kind, const rvm_tier_region_t *r, uint8_t from, uint8_t to)
{
    const rvm_mem_event_t ev = {
        .kind = kind, .tier = 1, .flags = 0, .actor = RVM_PARTITION_HYPERVISOR, .target = r->id, .cap_hash = 0,
        .payload = (uint64_t)from | ((uint64_t)to << 8),
    };
    return rvm_mem_witness(e->cfg.log, &ev, NULL);
}

rvm_err_t rvm_tier_init(rvm_tier_engine_t *e, const rvm_tier_config_t *cfg)
{
    if (e == NULL || cfg == NULL || cfg->slots == NULL || cfg->capacity == 0 || cfg->buddy == NULL ||
        cfg->log == NULL || cfg->scratch == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cfg->max_region_pages == 0 || cfg->max_region_pages > (1u << rvm_buddy_max_order(cfg->buddy))) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cfg->algorithm > RVM_COMPRESS_LZ4 || (cfg->algorithm == RVM_COMPRESS_LZ4 && cfg->lz4 == NULL)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint32_t block = 1;
    if (cfg->cold != NULL) {
        block = cfg->cold->block_size;
        if (block < 512u || block > 65536u || (block & (block - 1u)) != 0 || cfg->cold->read == NULL ||
            cfg->cold->write == NULL) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
    }
    if (cfg->scratch_len < RVM_TIER_SCRATCH_BYTES(cfg->max_region_pages, block)) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    e->cfg = *cfg;
    e->cold_next_block = cfg->cold_first_block;
    e->epoch = 0;
    e->count = 0;
    e->next_checkpoint_id = 1;
    for (uint32_t i = 0; i < cfg->capacity; i++) {
        cfg->slots[i].id = 0;
    }
    return RVM_OK;
}

rvm_err_t rvm_tier_register(rvm_tier_engine_t *e, rvm_region_id_t id, rvm_partition_id_t owner, uint32_t pages,
                            rvm_tier_t tier)
{
    if (e == NULL || id == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (tier != RVM_TIER_HOT && tier != RVM_TIER_WARM) {
        return RVM_ERR_INVALID_TIER_TRANSITION;
    }
    if (find(e, id) != NULL) {
        return RVM_ERR_MEMORY_OVERLAP;
    }
    rvm_tier_region_t *r = free_slot(e);
    if (r == NULL || pages == 0 || pages > e->cfg.max_region_pages) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    uint32_t order;
    rvm_err_t err = rvm_buddy_order_for_pages(pages, &order);
    if (err != RVM_OK) {
        return err;
    }
    rvm_phys_addr_t pa;
    err = rvm_buddy_alloc(e->cfg.buddy, order, RVM_BUDDY_ZERO, &pa);
    if (err != RVM_OK) {
        return err;
    }
    slot_reset(r, id, owner, pages, e->epoch);
    r->tier = (uint8_t)tier;
    r->frame_order = (uint8_t)order;
    r->frames = pa;
    e->count++;
    return RVM_OK;
}

rvm_err_t rvm_tier_unregister(rvm_tier_engine_t *e, rvm_region_id_t id)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, true, &r);
    if (found != RVM_OK) {
        return found;
    }
    if (r->tier == RVM_TIER_HOT || r->tier == RVM_TIER_WARM) {
        (void)rvm_buddy_free(e->cfg.buddy, r->frames, r->frame_order);
    } else if (r->tier == RVM_TIER_DORMANT) {
        (void)rvm_buddy_free(e->cfg.buddy, r->packed, r->frame_order);
    }
    r->id = 0;
    e->count--;
    return RVM_OK;
}

rvm_err_t rvm_tier_access(rvm_tier_engine_t *e, rvm_region_id_t id)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, true, &r);
    if (found != RVM_OK) {
        return found;
    }
    uint32_t v = (uint32_t)r->recency + RVM_RESIDENCY_ACCESS_BOOST;
    r->recency = (uint16_t)(v > RVM_RESIDENCY_MAX_COMPONENT ? RVM_RESIDENCY_MAX_COMPONENT : v);
    r->last_access_epoch = e->epoch;
    return RVM_OK;
}

void rvm_tier_decay(rvm_tier_engine_t *e, uint16_t amount)
{
    if (e == NULL) {
        return;
    }
    for (uint32_t i = 0; i < e->cfg.capacity; i++) {
        rvm_tier_region_t *r = &e->cfg.slots[i];
        if (r->id != 0) {
            r->recency = r->recency > amount ? (uint16_t)(r->recency - amount) : 0;
        }
    }
}

void rvm_tier_advance_epoch(rvm_tier_engine_t *e)
{
    if (e != NULL && e->epoch != UINT32_MAX) {
        e->epoch++;
    }
}

uint32_t rvm_tier_epoch(const rvm_tier_engine_t *e)
{
    return e == NULL ? 0 : e->epoch;
}

rvm_err_t rvm_tier_set_cut_value(rvm_tier_engine_t *e, rvm_region_id_t id, uint16_t value)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, true, &r);
    if (found != RVM_OK) {
        return found;
    }
    r->cut_value = value > RVM_RESIDENCY_MAX_COMPONENT ? (uint16_t)RVM_RESIDENCY_MAX_COMPONENT : value;
    return RVM_OK;
}

rvm_err_t rvm_tier_residency(const rvm_tier_engine_t *e, rvm_region_id_t id, uint16_t *score)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, score != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    *score = residency(r);
    return RVM_OK;
}

rvm_err_t rvm_tier_get(const rvm_tier_engine_t *e, rvm_region_id_t id, rvm_tier_t *tier)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, tier != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    *tier = (rvm_tier_t)r->tier;
    return RVM_OK;
}

/* Copies `len` bytes into freshly allocated frames (not zeroed: the copy and the zero tail cover them). */
static rvm_err_t stash(rvm_tier_engine_t *e, const uint8_t *src, size_t len, rvm_phys_addr_t *pa, uint8_t *order)
{
    uint32_t o;
    rvm_err_t err = rvm_buddy_order_for_pages(pages_for(len), &o);
    if (err != RVM_OK) {
        return err;
    }
    err = rvm_buddy_alloc(e->cfg.buddy, o, RVM_BUDDY_NOZERO, pa);
    if (err != RVM_OK) {
        return err;
    }
    uint8_t *dst = rvm_buddy_ptr(e->cfg.buddy, *pa, (size_t)RVM_PAGE_SIZE << o);
    __builtin_memcpy(dst, src, len);
    __builtin_memset(dst + len, 0, ((size_t)RVM_PAGE_SIZE << o) - len);
    *order = (uint8_t)o;
    return RVM_OK;
}

/*
 * Compresses `len` bytes at `data` into a new checkpoint held in new frames, witnessed
 * once the frames are secured; nothing of the region has changed yet.
 */
static rvm_err_t pack(rvm_tier_engine_t *e, const rvm_tier_region_t *r, const uint8_t *data, size_t len,
                      rvm_checkpoint_t *cp, rvm_phys_addr_t *packed, uint8_t *order)
{
    uint8_t *out = e->cfg.scratch + RVM_COLD_HEADER_LEN;
    size_t cap = e->cfg.scratch_len - RVM_COLD_HEADER_LEN;
    rvm_checkpoint_t c;
    rvm_err_t err = rvm_checkpoint_build(e->next_checkpoint_id, r->id, e->cfg.algorithm, e->cfg.lz4, data, len, out,
                                         cap, &c);
    if (err != RVM_OK) {
        return err;
    }
    err = stash(e, out, c.compressed_size, packed, order);
    if (err != RVM_OK) {
        return err;
    }
    err = rvm_checkpoint_anchor(e->cfg.log, &c);
    if (err != RVM_OK) {
        (void)rvm_buddy_free(e->cfg.buddy, *packed, *order);
        return err;
    }
    e->next_checkpoint_id++;
    *cp = c;
    return RVM_OK;
}

/* Reconstructs a dormant region (checkpoint + deltas, verified against the log) into new frames. */
static rvm_err_t unpack(rvm_tier_engine_t *e, const rvm_tier_region_t *r, rvm_phys_addr_t *frames, uint8_t *order)
{
    uint32_t o;
    rvm_err_t err = rvm_buddy_order_for_pages(r->pages, &o);
    if (err != RVM_OK) {
        return err;
    }
    err = rvm_buddy_alloc(e->cfg.buddy, o, RVM_BUDDY_NOZERO, frames);
    if (err != RVM_OK) {
        return err;
    }
    size_t block = (size_t)RVM_PAGE_SIZE << o;
    uint8_t *dst = rvm_buddy_ptr(e->cfg.buddy, *frames, block);
    const uint8_t *src = rvm_buddy_ptr(e->cfg.buddy, r->packed, (size_t)RVM_PAGE_SIZE << r->frame_order);
    rvm_reconstruction_t res;
    err = rvm_checkpoint_reconstruct(e->cfg.log, &r->ckpt, src, (size_t)RVM_PAGE_SIZE << r->frame_order, &r->deltas,
                                     dst, region_bytes(r), &res);
    if (err != RVM_OK || res.size != region_bytes(r)) {
        (void)rvm_buddy_free(e->cfg.buddy, *frames, o);
        return err != RVM_OK ? err : RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    __builtin_memset(dst + region_bytes(r), 0, block - region_bytes(r));
    *order = (uint8_t)o;
    return RVM_OK;
}

/* Folds a dormant region's deltas into a new checkpoint. */
static rvm_err_t fold_deltas(rvm_tier_engine_t *e, rvm_tier_region_t *r)
{
    if (r->deltas.count == 0) {
        return RVM_OK;
    }
    rvm_phys_addr_t tmp;
    uint8_t tmp_order;
    rvm_err_t err = unpack(e, r, &tmp, &tmp_order);
    if (err != RVM_OK) {
        return err;
    }
    const uint8_t *data = rvm_buddy_ptr(e->cfg.buddy, tmp, region_bytes(r));
    rvm_checkpoint_t cp;
    rvm_phys_addr_t packed;
    uint8_t order;
    err = pack(e, r, data, region_bytes(r), &cp, &packed, &order);
    (void)rvm_buddy_free(e->cfg.buddy, tmp, tmp_order);
    if (err != RVM_OK) {
        return err;
    }
    (void)rvm_buddy_free(e->cfg.buddy, r->packed, r->frame_order);
    r->packed = packed;
    r->frame_order = order;
    r->ckpt = cp;
    rvm_delta_log_clear(&r->deltas);
    return RVM_OK;
}

static void header_write(uint8_t *h, const rvm_tier_region_t *r)
{
    __builtin_memset(h, 0, RVM_COLD_HEADER_LEN);
    rvm_le64_store(h, COLD_MAGIC);
    rvm_le64_store(h + 8, r->id);
    rvm_le32_store(h + 16, r->owner);
    rvm_le32_store(h + 20, r->pages);
    rvm_le64_store(h + 24, r->ckpt.id);
    rvm_le32_store(h + 32, r->ckpt.size);
    rvm_le32_store(h + 36, r->ckpt.compressed_size);
    h[40] = r->ckpt.algorithm;
    __builtin_memcpy(h + 48, r->ckpt.data_hash, RVM_SHA256_DIGEST_LEN);
    __builtin_memcpy(h + 80, r->ckpt.compressed_hash, RVM_SHA256_DIGEST_LEN);
}

static rvm_err_t to_cold(rvm_tier_engine_t *e, rvm_tier_region_t *r)
{
    const rvm_cold_ops_t *cold = e->cfg.cold;
    if (cold == NULL) {
        return RVM_ERR_UNSUPPORTED;
    }
    rvm_err_t err = fold_deltas(e, r);
    if (err != RVM_OK) {
        return err;
    }
    uint8_t *img = e->cfg.scratch;
    size_t len = RVM_COLD_HEADER_LEN + r->ckpt.compressed_size;
    uint32_t blocks = (uint32_t)((len + cold->block_size - 1u) / cold->block_size);
    if (e->cold_next_block > cold->block_count || blocks > cold->block_count - e->cold_next_block) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    header_write(img, r);
    const uint8_t *packed = rvm_buddy_ptr(e->cfg.buddy, r->packed, r->ckpt.compressed_size);
    __builtin_memcpy(img + RVM_COLD_HEADER_LEN, packed, r->ckpt.compressed_size);
    __builtin_memset(img + len, 0, (size_t)blocks * cold->block_size - len);
    rvm_cold_receipt_t rc;
    rc.region_id = r->id;
    rc.owner = r->owner;
    rc.pages = r->pages;
    rc.first_block = e->cold_next_block;
    rc.block_count = blocks;
    rvm_sha256_ctx_t c;
    rvm_sha256_init(&c);
    rvm_sha256_update(&c, img, HDR_HASHED_LEN);
    rvm_sha256_update(&c, img + RVM_COLD_HEADER_LEN, r->ckpt.compressed_size);
    rvm_sha256_final(&c, rc.image_hash);
    __builtin_memcpy(img + HDR_IMAGE_HASH, rc.image_hash, RVM_SHA256_DIGEST_LEN);
    err = cold->write(cold->ctx, rc.first_block, blocks, img);
    if (err != RVM_OK) {
        return err;
    }
    err = emit_move(e, RVM_ACTION_REGION_DEMOTE, r, RVM_TIER_DORMANT, RVM_TIER_COLD);
    if (err != RVM_OK) {
        return err;
    }
    e->cold_next_block += blocks;
    (void)rvm_buddy_free(e->cfg.buddy, r->packed, r->frame_order);
    r->receipt = rc;
    r->tier = RVM_TIER_COLD;
    return RVM_OK;
}

rvm_err_t rvm_tier_demote(rvm_tier_engine_t *e, rvm_region_id_t id, rvm_tier_t target, rvm_tier_t *old)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, true, &r);
    if (found != RVM_OK) {
        return found;
    }
    rvm_tier_t from = (rvm_tier_t)r->tier;
    if (!rvm_tier_valid((uint8_t)target) || target <= from || !rvm_tier_transition_adjacent(from, target)) {
        return RVM_ERR_INVALID_TIER_TRANSITION;
    }
    rvm_err_t err;
    if (target == RVM_TIER_WARM) {
        err = emit_move(e, RVM_ACTION_REGION_DEMOTE, r, (uint8_t)from, (uint8_t)target);
        if (err == RVM_OK) {
            r->tier = RVM_TIER_WARM;
        }
    } else if (target == RVM_TIER_DORMANT) {
        rvm_region_t owned;
        bool tracked = e->cfg.regions != NULL && rvm_region_get(e->cfg.regions, r->id, &owned) == RVM_OK;
        if (tracked && owned.mapped) {
            return RVM_ERR_INVALID_PARTITION_STATE;
        }
        const uint8_t *data = rvm_buddy_ptr(e->cfg.buddy, r->frames, region_bytes(r));
        rvm_checkpoint_t cp;
        rvm_phys_addr_t packed;
        uint8_t order;
        err = pack(e, r, data, region_bytes(r), &cp, &packed, &order);
        if (err == RVM_OK) {
            err = emit_move(e, RVM_ACTION_REGION_DEMOTE, r, (uint8_t)from, (uint8_t)target);
            if (err != RVM_OK) {
                (void)rvm_buddy_free(e->cfg.buddy, packed, order);
            }
        }
        if (err == RVM_OK) {
            (void)rvm_buddy_free(e->cfg.buddy, r->frames, r->frame_order);
            r->packed = packed;
            r->frame_order = order;
            r->ckpt = cp;
            rvm_delta_log_clear(&r->deltas);
            r->tier = RVM_TIER_DORMANT;
            if (tracked) {
                (void)rvm_region_detach(e->cfg.regions, r->id);
            }
        }
    } else {
        err = to_cold(e, r);
    }
    if (err == RVM_OK && old != NULL) {
        *old = from;
    }
    return err;
}

rvm_err_t rvm_tier_promote(rvm_tier_engine_t *e, rvm_region_id_t id, rvm_tier_t target, rvm_tier_t *old)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, true, &r);
    if (found != RVM_OK) {
        return found;
    }
    rvm_tier_t from = (rvm_tier_t)r->tier;
    if (from == RVM_TIER_COLD || !rvm_tier_valid((uint8_t)target) || target >= from ||
        !rvm_tier_transition_adjacent(from, target)) {
        return RVM_ERR_INVALID_TIER_TRANSITION;
    }
    uint16_t need = target == RVM_TIER_HOT ? RVM_TIER_PROMOTE_HOT_AT : RVM_TIER_PROMOTE_WARM_AT;
    if (residency(r) < need) {
        return RVM_ERR_COHERENCE_BELOW_THRESHOLD;
    }
    rvm_err_t err;
    if (target == RVM_TIER_HOT) {
        err = emit_move(e, RVM_ACTION_REGION_PROMOTE, r, (uint8_t)from, (uint8_t)target);
    } else {
        rvm_phys_addr_t frames;
        uint8_t order;
        err = unpack(e, r, &frames, &order);
        rvm_region_t owned;
        bool tracked = err == RVM_OK && e->cfg.regions != NULL &&
                       rvm_region_get(e->cfg.regions, r->id, &owned) == RVM_OK;
        if (tracked) {
            err = rvm_region_rebind(e->cfg.regions, r->id, frames);
            if (err != RVM_OK) {
                (void)rvm_buddy_free(e->cfg.buddy, frames, order);
            }
        }
        if (err == RVM_OK) {
            err = emit_move(e, RVM_ACTION_REGION_PROMOTE, r, (uint8_t)from, (uint8_t)target);
            if (err != RVM_OK) {
                if (tracked) {
                    (void)rvm_region_detach(e->cfg.regions, r->id);
                }
                (void)rvm_buddy_free(e->cfg.buddy, frames, order);
            } else {
                (void)rvm_buddy_free(e->cfg.buddy, r->packed, r->frame_order);
                r->frames = frames;
                r->frame_order = order;
                rvm_delta_log_clear(&r->deltas);
            }
        }
    }
    if (err == RVM_OK) {
        r->tier = (uint8_t)target;
        r->last_access_epoch = e->epoch;
        if (old != NULL) {
            *old = from;
        }
    }
    return err;
}

rvm_err_t rvm_tier_cold_receipt(const rvm_tier_engine_t *e, rvm_region_id_t id, rvm_cold_receipt_t *out)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, out != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    if (r->tier != RVM_TIER_COLD) {
        return RVM_ERR_INVALID_TIER_TRANSITION;
    }
    *out = r->receipt;
    return RVM_OK;
}

/* Parses and checks an image read into scratch against its receipt. */
static rvm_err_t image_check(const rvm_tier_engine_t *e, const rvm_cold_receipt_t *rc, rvm_checkpoint_t *cp)
{
    const uint8_t *img = e->cfg.scratch;
    size_t avail = (size_t)rc->block_count * e->cfg.cold->block_size;
    if (rvm_le64_load(img) != COLD_MAGIC || rvm_le64_load(img + 8) != rc->region_id ||
        rvm_le32_load(img + 16) != rc->owner || rvm_le32_load(img + 20) != rc->pages) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    cp->id = rvm_le64_load(img + 24);
    cp->region_id = rc->region_id;
    cp->witness_sequence = 0;
    cp->size = rvm_le32_load(img + 32);
    cp->compressed_size = rvm_le32_load(img + 36);
    cp->algorithm = img[40];
    __builtin_memcpy(cp->data_hash, img + 48, RVM_SHA256_DIGEST_LEN);
    __builtin_memcpy(cp->compressed_hash, img + 80, RVM_SHA256_DIGEST_LEN);
    if (cp->size != (size_t)rc->pages * RVM_PAGE_SIZE || cp->compressed_size > avail - RVM_COLD_HEADER_LEN) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    uint8_t h[RVM_SHA256_DIGEST_LEN];
    rvm_sha256_ctx_t c;
    rvm_sha256_init(&c);
    rvm_sha256_update(&c, img, HDR_HASHED_LEN);
    rvm_sha256_update(&c, img + RVM_COLD_HEADER_LEN, cp->compressed_size);
    rvm_sha256_final(&c, h);
    uint8_t diff = 0;
    for (unsigned i = 0; i < RVM_SHA256_DIGEST_LEN; i++) {
        diff |= (uint8_t)((h[i] ^ rc->image_hash[i]) | (h[i] ^ img[HDR_IMAGE_HASH + i]));
    }
    return diff == 0 ? RVM_OK : RVM_ERR_CHECKPOINT_CORRUPTED;
}

rvm_err_t rvm_tier_restore(rvm_tier_engine_t *e, const rvm_cold_receipt_t *receipt)
{
    if (e == NULL || receipt == NULL || receipt->region_id == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_cold_ops_t *cold = e->cfg.cold;
    if (cold == NULL) {
        return RVM_ERR_UNSUPPORTED;
    }
    rvm_tier_region_t *r = find(e, receipt->region_id);
    if (r != NULL && (r->tier != RVM_TIER_COLD || r->owner != receipt->owner || r->pages != receipt->pages)) {
        return RVM_ERR_MEMORY_OVERLAP;
    }
    if (r == NULL) {
        r = free_slot(e);
        if (r == NULL) {
            return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
        }
    }
    if (receipt->pages == 0 || receipt->pages > e->cfg.max_region_pages || receipt->block_count == 0 ||
        (size_t)receipt->block_count * cold->block_size > e->cfg.scratch_len ||
        receipt->first_block > cold->block_count || receipt->block_count > cold->block_count - receipt->first_block) {
        return RVM_ERR_CHECKPOINT_CORRUPTED;
    }
    rvm_err_t err = cold->read(cold->ctx, receipt->first_block, receipt->block_count, e->cfg.scratch);
    if (err != RVM_OK) {
        return err;
    }
    rvm_checkpoint_t cp;
    err = image_check(e, receipt, &cp);
    if (err != RVM_OK) {
        return err;
    }
    rvm_phys_addr_t packed;
    uint8_t order;
    err = stash(e, e->cfg.scratch + RVM_COLD_HEADER_LEN, cp.compressed_size, &packed, &order);
    if (err != RVM_OK) {
        return err;
    }
    err = rvm_checkpoint_reanchor(e->cfg.log, &cp);
    if (err == RVM_OK) {
        const rvm_mem_event_t ev = {
            .kind = RVM_ACTION_REGION_PROMOTE, .tier = 1, .flags = 0, .actor = RVM_PARTITION_HYPERVISOR,
            .target = receipt->region_id, .cap_hash = 0,
            .payload = (uint64_t)RVM_TIER_COLD | ((uint64_t)RVM_TIER_DORMANT << 8),
        };
        err = rvm_mem_witness(e->cfg.log, &ev, NULL);
    }
    if (err != RVM_OK) {
        (void)rvm_buddy_free(e->cfg.buddy, packed, order);
        return err;
    }
    if (r->id == 0) {
        slot_reset(r, receipt->region_id, receipt->owner, receipt->pages, e->epoch);
        e->count++;
    } else {
        rvm_delta_log_clear(&r->deltas);
    }
    r->tier = RVM_TIER_DORMANT;
    r->packed = packed;
    r->frame_order = order;
    r->ckpt = cp;
    if (cp.id >= e->next_checkpoint_id) {
        e->next_checkpoint_id = cp.id + 1;
    }
    return RVM_OK;
}

rvm_err_t rvm_tier_write(rvm_tier_engine_t *e, rvm_region_id_t id, uint32_t offset, const uint8_t *bytes,
                         uint32_t len)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, bytes != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    if (len == 0 || offset > region_bytes(r) || len > region_bytes(r) - offset) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (r->tier == RVM_TIER_COLD) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (r->tier != RVM_TIER_DORMANT) {
        uint8_t *dst = rvm_buddy_ptr(e->cfg.buddy, r->frames, region_bytes(r));
        __builtin_memcpy(dst + offset, bytes, len);
        return RVM_OK;
    }
    if (len > UINT16_MAX) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t err = rvm_delta_log_add(&r->deltas, e->cfg.log, r->id, offset, bytes, len);
    if (err == RVM_ERR_RESOURCE_LIMIT_EXCEEDED && len <= RVM_TIER_DELTA_BYTES_PER_REGION) {
        err = fold_deltas(e, r);
        if (err == RVM_OK) {
            err = rvm_delta_log_add(&r->deltas, e->cfg.log, r->id, offset, bytes, len);
        }
    }
    return err;
}

rvm_err_t rvm_tier_read(const rvm_tier_engine_t *e, rvm_region_id_t id, uint32_t offset, uint8_t *buf, uint32_t len)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, buf != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    if (offset > region_bytes(r) || len > region_bytes(r) - offset) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (r->tier != RVM_TIER_HOT && r->tier != RVM_TIER_WARM) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    const uint8_t *src = rvm_buddy_ptr(e->cfg.buddy, r->frames, region_bytes(r));
    __builtin_memcpy(buf, src + offset, len);
    return RVM_OK;
}

rvm_err_t rvm_tier_frames(const rvm_tier_engine_t *e, rvm_region_id_t id, rvm_phys_addr_t *pa)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, pa != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    if (r->tier != RVM_TIER_HOT && r->tier != RVM_TIER_WARM) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    *pa = r->frames;
    return RVM_OK;
}

rvm_err_t rvm_tier_anchor(const rvm_tier_engine_t *e, rvm_region_id_t id, uint64_t *sequence)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, sequence != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    if (r->tier != RVM_TIER_DORMANT) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    *sequence = r->ckpt.witness_sequence;
    return RVM_OK;
}

rvm_err_t rvm_tier_refresh(rvm_tier_engine_t *e, rvm_region_id_t id)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, true, &r);
    if (found != RVM_OK) {
        return found;
    }
    if (r->tier != RVM_TIER_DORMANT) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (r->deltas.count > 0) {
        return fold_deltas(e, r);
    }
    rvm_err_t err = rvm_checkpoint_verify_witness(e->cfg.log, &r->ckpt, NULL);
    if (err != RVM_OK) {
        return err;
    }
    return rvm_checkpoint_reanchor(e->cfg.log, &r->ckpt);
}

rvm_err_t rvm_tier_delta_count(const rvm_tier_engine_t *e, rvm_region_id_t id, uint32_t *count)
{
    rvm_tier_region_t *r = NULL;
    rvm_err_t found = region_of(e, id, count != NULL, &r);
    if (found != RVM_OK) {
        return found;
    }
    *count = r->tier == RVM_TIER_DORMANT ? rvm_delta_log_count(&r->deltas) : 0;
    return RVM_OK;
}

void rvm_tier_find_demotion_candidates(const rvm_tier_engine_t *e, rvm_tier_candidate_t *out, uint32_t cap,
                                       uint32_t *n)
{
    uint32_t k = 0;
    if (e != NULL && out != NULL) {
        static const uint16_t below[RVM_TIER_COUNT - 1] = { RVM_TIER_DEMOTE_HOT_BELOW, RVM_TIER_DEMOTE_WARM_BELOW,
                                                            RVM_TIER_DEMOTE_DORMANT_BELOW };
        for (uint32_t i = 0; i < e->cfg.capacity && k < cap; i++) {
            const rvm_tier_region_t *r = &e->cfg.slots[i];
            if (r->id != 0 && r->tier < RVM_TIER_COLD && residency(r) < below[r->tier]) {
                out[k].region_id = r->id;
                out[k].from = r->tier;
                out[k].to = (uint8_t)(r->tier + 1u);
                k++;
            }
        }
    }
    if (n != NULL) {
        *n = k;
    }
}
