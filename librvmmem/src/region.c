/*
 * Owned regions. A linear table: regions are few per partition and these calls
 * are rare next to the P1 check, so an overlap scan over the table is the
 * simplest thing that is obviously right.
 */
#include <rvm/action_kind.h>
#include <rvm/mem_region.h>

#include "mem_witness.h"

static bool ranges_overlap(uint64_t a, uint32_t a_pages, uint64_t b, uint32_t b_pages)
{
    uint64_t a_end = a + (uint64_t)a_pages * RVM_PAGE_SIZE;
    uint64_t b_end = b + (uint64_t)b_pages * RVM_PAGE_SIZE;
    return a < b_end && b < a_end;
}

static bool owner_valid(rvm_partition_id_t owner)
{
    rvm_partition_id_t id;
    return rvm_partition_id_make(owner, &id) == RVM_OK;
}

static rvm_region_t *find(const rvm_regions_t *t, rvm_region_id_t id)
{
    if (id == 0) {
        return NULL;
    }
    for (uint32_t i = 0; i < t->capacity; i++) {
        if (t->slots[i].id == id) {
            return &t->slots[i];
        }
    }
    return NULL;
}

/* True when a region of `owner` other than `skip` covers part of the guest range. */
static bool guest_collides(const rvm_regions_t *t, rvm_partition_id_t owner, rvm_gpa_t base, uint32_t pages,
                           const rvm_region_t *skip)
{
    for (uint32_t i = 0; i < t->capacity; i++) {
        const rvm_region_t *r = &t->slots[i];
        if (r->id != 0 && r != skip && r->owner == owner &&
            ranges_overlap(r->guest_base.bits, r->page_count, base.bits, pages)) {
            return true;
        }
    }
    return false;
}

static rvm_err_t emit(rvm_regions_t *t, uint8_t kind, uint8_t flags, const rvm_region_t *r, uint64_t payload)
{
    const rvm_mem_event_t ev = {
        .kind = kind, .tier = 2, .flags = flags, .actor = RVM_PARTITION_HYPERVISOR, .target = r->id,
        .cap_hash = 0, .payload = payload,
    };
    return rvm_mem_witness(t->log, &ev, NULL);
}

rvm_err_t rvm_regions_init(rvm_regions_t *t, rvm_region_t *storage, uint32_t capacity, rvm_witness_log_t *log,
                           const rvm_stage2_ops_t *ops)
{
    if (t == NULL || storage == NULL || capacity == 0 || log == NULL || ops == NULL || ops->map == NULL ||
        ops->unmap == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    t->slots = storage;
    t->capacity = capacity;
    t->count = 0;
    t->next_auto_id = 1;
    t->log = log;
    t->ops = ops;
    for (uint32_t i = 0; i < capacity; i++) {
        storage[i].id = 0;
        storage[i].mapped = false;
        storage[i].detached = false;
    }
    return RVM_OK;
}

rvm_err_t rvm_region_validate(const rvm_region_config_t *cfg)
{
    if (cfg == NULL || !owner_valid(cfg->owner)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_addr_page_aligned(cfg->guest_base.bits) || !rvm_addr_page_aligned(cfg->host_base.bits)) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    if (cfg->page_count == 0) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    if (!rvm_region_policy_valid(cfg->perm)) {
        return RVM_ERR_UNSUPPORTED;
    }
    uint64_t bytes = (uint64_t)cfg->page_count * RVM_PAGE_SIZE;
    if (cfg->guest_base.bits > UINT64_MAX - bytes || cfg->host_base.bits > UINT64_MAX - bytes) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

rvm_err_t rvm_region_create(rvm_regions_t *t, rvm_region_id_t id, const rvm_region_config_t *cfg)
{
    if (t == NULL || id == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_err_t e = rvm_region_validate(cfg);
    if (e != RVM_OK) {
        return e;
    }
    rvm_region_t *slot = NULL;
    for (uint32_t i = 0; i < t->capacity; i++) {
        const rvm_region_t *r = &t->slots[i];
        if (r->id == 0) {
            if (slot == NULL) {
                slot = &t->slots[i];
            }
            continue;
        }
        if (r->id == id ||
            (!r->detached && ranges_overlap(r->host_base.bits, r->page_count, cfg->host_base.bits, cfg->page_count)) ||
            (r->owner == cfg->owner &&
             ranges_overlap(r->guest_base.bits, r->page_count, cfg->guest_base.bits, cfg->page_count))) {
            return RVM_ERR_MEMORY_OVERLAP;
        }
    }
    if (slot == NULL) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    const rvm_region_t nr = {
        .id = id, .owner = cfg->owner, .guest_base = cfg->guest_base, .host_base = cfg->host_base,
        .page_count = cfg->page_count, .perm = cfg->perm, .mapped = false, .detached = false,
    };
    e = emit(t, RVM_ACTION_REGION_CREATE, 0, &nr, (uint64_t)cfg->owner | ((uint64_t)cfg->page_count << 32));
    if (e != RVM_OK) {
        return e;
    }
    *slot = nr;
    t->count++;
    return RVM_OK;
}

rvm_err_t rvm_region_create_auto(rvm_regions_t *t, const rvm_region_config_t *cfg, rvm_region_id_t *id)
{
    if (t == NULL || id == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* At most `capacity` ids are taken, so this finds a free one within capacity + 1 steps. */
    for (uint32_t tries = 0; tries <= t->capacity; tries++) {
        rvm_region_id_t cand = t->next_auto_id++;
        if (cand == 0) {
            continue;
        }
        if (find(t, cand) == NULL) {
            rvm_err_t e = rvm_region_create(t, cand, cfg);
            if (e == RVM_OK) {
                *id = cand;
            }
            return e;
        }
    }
    return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
}

rvm_err_t rvm_region_destroy(rvm_regions_t *t, rvm_region_id_t id, rvm_region_t *out)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_region_t *r = find(t, id);
    if (r == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (r->mapped) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    rvm_err_t e = emit(t, RVM_ACTION_REGION_DESTROY, 0, r, r->owner);
    if (e != RVM_OK) {
        return e;
    }
    if (out != NULL) {
        *out = *r;
    }
    r->id = 0;
    t->count--;
    return RVM_OK;
}

rvm_err_t rvm_region_map(rvm_regions_t *t, rvm_region_id_t id)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_region_t *r = find(t, id);
    if (r == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (r->mapped || r->detached) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (!rvm_witness_can_append(t->log)) {
        return RVM_ERR_WITNESS_LOG_FULL;
    }
    rvm_err_t e = t->ops->map(t->ops->ctx, r->owner, r->guest_base, r->host_base, r->page_count, r->perm);
    if (e != RVM_OK) {
        return e;
    }
    e = emit(t, RVM_ACTION_REGION_MAP, 0, r, r->guest_base.bits);
    if (e != RVM_OK) {
        /* can_append said yes: only a broken log gets here; take the mapping back rather than leave it unwitnessed. */
        (void)t->ops->unmap(t->ops->ctx, r->owner, r->guest_base, r->page_count);
        return e;
    }
    r->mapped = true;
    return RVM_OK;
}

rvm_err_t rvm_region_unmap(rvm_regions_t *t, rvm_region_id_t id)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_region_t *r = find(t, id);
    if (r == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (!r->mapped) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (!rvm_witness_can_append(t->log)) {
        return RVM_ERR_WITNESS_LOG_FULL;
    }
    rvm_err_t e = t->ops->unmap(t->ops->ctx, r->owner, r->guest_base, r->page_count);
    if (e != RVM_OK) {
        return e;
    }
    r->mapped = false;
    return emit(t, RVM_ACTION_REGION_UNMAP, 0, r, r->guest_base.bits);
}

rvm_err_t rvm_region_transfer(rvm_regions_t *t, rvm_region_id_t id, rvm_partition_id_t new_owner)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_region_t *r = find(t, id);
    if (r == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (!owner_valid(new_owner) || new_owner == r->owner) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (guest_collides(t, new_owner, r->guest_base, r->page_count, r)) {
        return RVM_ERR_MEMORY_OVERLAP;
    }
    if (!rvm_witness_can_append(t->log)) {
        return RVM_ERR_WITNESS_LOG_FULL;
    }
    rvm_partition_id_t old_owner = r->owner;
    uint8_t flags = 0;
    if (r->mapped) {
        rvm_err_t e = t->ops->unmap(t->ops->ctx, old_owner, r->guest_base, r->page_count);
        if (e != RVM_OK) {
            return e;
        }
        e = t->ops->map(t->ops->ctx, new_owner, r->guest_base, r->host_base, r->page_count, r->perm);
        if (e != RVM_OK) {
            if (t->ops->map(t->ops->ctx, old_owner, r->guest_base, r->host_base, r->page_count, r->perm) != RVM_OK) {
                r->mapped = false;
                return RVM_ERR_INTERNAL_ERROR;
            }
            return e;
        }
        flags = RVM_REGION_TRANSFER_REMAPPED;
    }
    r->owner = new_owner;
    return emit(t, RVM_ACTION_REGION_TRANSFER, flags, r, (uint64_t)old_owner | ((uint64_t)new_owner << 32));
}

rvm_err_t rvm_region_detach(rvm_regions_t *t, rvm_region_id_t id)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_region_t *r = find(t, id);
    if (r == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (r->mapped) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    r->detached = true;
    return RVM_OK;
}

rvm_err_t rvm_region_rebind(rvm_regions_t *t, rvm_region_id_t id, rvm_phys_addr_t host_base)
{
    if (t == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_region_t *r = find(t, id);
    if (r == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (!r->detached) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    if (!rvm_addr_page_aligned(host_base.bits)) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    if (host_base.bits > UINT64_MAX - (uint64_t)r->page_count * RVM_PAGE_SIZE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < t->capacity; i++) {
        const rvm_region_t *o = &t->slots[i];
        if (o->id != 0 && o != r && !o->detached &&
            ranges_overlap(o->host_base.bits, o->page_count, host_base.bits, r->page_count)) {
            return RVM_ERR_MEMORY_OVERLAP;
        }
    }
    r->host_base = host_base;
    r->detached = false;
    return RVM_OK;
}

rvm_err_t rvm_region_translate(const rvm_regions_t *t, rvm_partition_id_t owner, rvm_gpa_t gpa, rvm_phys_addr_t *pa,
                               rvm_region_policy_t *perm)
{
    if (t == NULL || pa == NULL || perm == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < t->capacity; i++) {
        const rvm_region_t *r = &t->slots[i];
        if (r->id != 0 && r->owner == owner && !r->detached && gpa.bits >= r->guest_base.bits &&
            gpa.bits - r->guest_base.bits < (uint64_t)r->page_count * RVM_PAGE_SIZE) {
            *pa = rvm_phys(r->host_base.bits + (gpa.bits - r->guest_base.bits));
            *perm = r->perm;
            return RVM_OK;
        }
    }
    return RVM_ERR_NOT_FOUND;
}

rvm_err_t rvm_region_get(const rvm_regions_t *t, rvm_region_id_t id, rvm_region_t *out)
{
    if (t == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_region_t *r = find(t, id);
    if (r == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    *out = *r;
    return RVM_OK;
}

uint32_t rvm_region_count_owned(const rvm_regions_t *t, rvm_partition_id_t owner)
{
    uint32_t n = 0;
    if (t == NULL) {
        return 0;
    }
    for (uint32_t i = 0; i < t->capacity; i++) {
        if (t->slots[i].id != 0 && t->slots[i].owner == owner) {
            n++;
        }
    }
    return n;
}

uint32_t rvm_region_count(const rvm_regions_t *t)
{
    return t == NULL ? 0 : t->count;
}
