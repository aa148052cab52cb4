#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/partition.h>

#include "part_internal.h"

rvm_err_t rvm_part_init(rvm_partmgr_t *mgr, rvm_witness_log_t *log, rvm_vmid_flush_fn flush, void *flush_ctx)
{
    if (mgr == NULL || log == NULL || flush == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    __builtin_memset(mgr, 0, sizeof *mgr);
    mgr->next_id = 1;
    mgr->vmid_free = RVM_VMID_COUNT - 1u;
    mgr->flush = flush;
    mgr->flush_ctx = flush_ctx;
    mgr->log = log;
    return RVM_OK;
}

/* Slot of partition `id`, or RVM_MAX_PARTITIONS; `id` is hostile, so it is range-checked first. */
static uint32_t slot_index(const rvm_partmgr_t *mgr, rvm_partition_id_t id)
{
    if (mgr == NULL || id == RVM_PARTITION_HYPERVISOR || id > RVM_PARTITION_ID_MAX_LOGICAL) {
        return RVM_MAX_PARTITIONS;
    }
    uint16_t s = mgr->slot_of[id];
    return s == 0 ? RVM_MAX_PARTITIONS : s - 1u;
}

rvm_partition_t *rvm_part_slot(rvm_partmgr_t *mgr, rvm_partition_id_t id)
{
    uint32_t s = slot_index(mgr, id);
    return s == RVM_MAX_PARTITIONS || mgr->parts[s].state == RVM_PARTITION_DESTROYED ? NULL : &mgr->parts[s];
}

const rvm_partition_t *rvm_part_get(const rvm_partmgr_t *mgr, rvm_partition_id_t id)
{
    uint32_t s = slot_index(mgr, id);
    return s == RVM_MAX_PARTITIONS || mgr->parts[s].state == RVM_PARTITION_DESTROYED ? NULL : &mgr->parts[s];
}

uint32_t rvm_part_count(const rvm_partmgr_t *mgr)
{
    return mgr == NULL ? 0 : mgr->count;
}

bool rvm_part_can_create(const rvm_partmgr_t *mgr)
{
    return mgr != NULL && mgr->count < RVM_MAX_PARTITIONS && mgr->next_id <= RVM_PARTITION_ID_MAX_LOGICAL &&
           rvm_vmid_obtainable(mgr);
}

static void transition_payload(uint8_t *pl, uint8_t from, uint8_t to, uint32_t extra)
{
    __builtin_memset(pl, 0, RVM_WITNESS_PAYLOAD_SIZE);
    pl[0] = from;
    pl[1] = to;
    rvm_le32_store(pl + 4, extra);
}

rvm_err_t rvm_part_create(rvm_partmgr_t *mgr, uint8_t type, uint16_t vcpus, uint32_t epoch,
                          rvm_partition_id_t *out_id)
{
    if (mgr == NULL || out_id == NULL || type > RVM_PARTITION_TYPE_ROOT) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_part_can_create(mgr)) {
        return RVM_ERR_PARTITION_LIMIT_EXCEEDED;
    }
    /* A destroyed partition's slot is a tombstone until it is taken again. */
    uint32_t slot = 0;
    while (slot < RVM_MAX_PARTITIONS && mgr->parts[slot].id != 0 &&
           mgr->parts[slot].state != RVM_PARTITION_DESTROYED) {
        slot++;
    }
    if (slot == RVM_MAX_PARTITIONS) {
        return RVM_ERR_INTERNAL_ERROR;
    }
    rvm_partition_id_t id = mgr->next_id;
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE];
    transition_payload(pl, RVM_PARTITION_CREATED, RVM_PARTITION_CREATED, type);
    rvm_err_t e = rvm_part_emit(mgr->log, RVM_ACTION_PARTITION_CREATE, 1, RVM_PARTITION_HYPERVISOR, id, 0, pl, 0);
    if (e != RVM_OK) {
        return e;
    }
    rvm_partition_t *p = &mgr->parts[slot];
    if (p->id != 0) {
        mgr->slot_of[p->id] = 0;
    }
    __builtin_memset(p, 0, sizeof *p);
    p->id = id;
    p->state = RVM_PARTITION_CREATED;
    p->type = type;
    p->vcpu_count = vcpus;
    p->coherence = RVM_PARTITION_DEFAULT_COHERENCE;
    p->cut_pressure = RVM_CUT_PRESSURE_ZERO;
    p->cpu_affinity = RVM_PARTITION_DEFAULT_AFFINITY;
    p->epoch = epoch;
    mgr->slot_of[id] = (uint16_t)(slot + 1u);
    mgr->count++;
    mgr->next_id++;
    *out_id = id;
    return RVM_OK;
}

bool rvm_part_transition_allowed(uint8_t from, uint8_t to)
{
    /* Row = from, bit = to; the table of the header. */
    static const uint8_t allowed[6] = {
        [RVM_PARTITION_CREATED] = (1u << RVM_PARTITION_RUNNING) | (1u << RVM_PARTITION_DESTROYED),
        [RVM_PARTITION_RUNNING] = (1u << RVM_PARTITION_SUSPENDED) | (1u << RVM_PARTITION_HIBERNATED) |
                                  (1u << RVM_PARTITION_MIGRATING) | (1u << RVM_PARTITION_DESTROYED),
        [RVM_PARTITION_SUSPENDED] = (1u << RVM_PARTITION_RUNNING) | (1u << RVM_PARTITION_HIBERNATED) |
                                    (1u << RVM_PARTITION_DESTROYED),
        [RVM_PARTITION_DESTROYED] = 0,
        [RVM_PARTITION_HIBERNATED] = (1u << RVM_PARTITION_CREATED) | (1u << RVM_PARTITION_DESTROYED),
        [RVM_PARTITION_MIGRATING] = (1u << RVM_PARTITION_RUNNING) | (1u << RVM_PARTITION_DESTROYED),
    };
    if (from > RVM_PARTITION_MIGRATING || to > RVM_PARTITION_MIGRATING) {
        return false;
    }
    return (allowed[from] & (1u << to)) != 0;
}

static void transition_kind(uint8_t from, uint8_t to, uint8_t *kind, uint8_t *tier)
{
    *tier = 2;
    switch (to) {
    case RVM_PARTITION_RUNNING:
        *kind = from == RVM_PARTITION_MIGRATING ? RVM_ACTION_PARTITION_MIGRATE : RVM_ACTION_PARTITION_RESUME;
        *tier = from == RVM_PARTITION_MIGRATING ? 2 : 1;
        break;
    case RVM_PARTITION_SUSPENDED:
        *kind = RVM_ACTION_PARTITION_SUSPEND;
        *tier = 1;
        break;
    case RVM_PARTITION_MIGRATING:
        *kind = RVM_ACTION_PARTITION_MIGRATE;
        break;
    case RVM_PARTITION_HIBERNATED:
        *kind = RVM_ACTION_PARTITION_HIBERNATE;
        break;
    case RVM_PARTITION_CREATED:
        *kind = RVM_ACTION_PARTITION_RECONSTRUCT;
        break;
    default:
        *kind = RVM_ACTION_PARTITION_DESTROY;
        break;
    }
}

rvm_err_t rvm_part_transition(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint8_t new_state)
{
    const rvm_partition_t *p = rvm_part_get(mgr, id);
    /* Hibernation and reconstruction carry a receipt: only their own functions may make those moves. */
    if (p != NULL && rvm_part_transition_allowed(p->state, new_state) &&
        (new_state == RVM_PARTITION_HIBERNATED || p->state == RVM_PARTITION_HIBERNATED) &&
        new_state != RVM_PARTITION_DESTROYED) {
        return RVM_ERR_UNSUPPORTED;
    }
    return rvm_part_transition_ex(mgr, id, new_state, 0);
}

rvm_err_t rvm_part_transition_ex(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint8_t new_state, uint32_t extra)
{
    if (mgr == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    /* Destroyed partitions are found here (while their slot is not reused) so that they report the state. */
    uint32_t s = slot_index(mgr, id);
    if (s == RVM_MAX_PARTITIONS) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    rvm_partition_t *p = &mgr->parts[s];
    uint8_t from = p->state;
    if (!rvm_part_transition_allowed(from, new_state)) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    /* A partition on a CPU must be taken off it before it stops being runnable. */
    if (p->on_cpu != 0 && new_state != RVM_PARTITION_RUNNING && new_state != RVM_PARTITION_MIGRATING) {
        return RVM_ERR_INVALID_PARTITION_STATE;
    }
    uint8_t kind;
    uint8_t tier;
    transition_kind(from, new_state, &kind, &tier);
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE];
    transition_payload(pl, from, new_state, extra);
    rvm_err_t e = rvm_part_emit(mgr->log, kind, tier, RVM_PARTITION_HYPERVISOR, id, 0, pl, 0);
    if (e != RVM_OK) {
        return e;
    }
    if (new_state == RVM_PARTITION_HIBERNATED || new_state == RVM_PARTITION_DESTROYED) {
        rvm_vmid_release(mgr, p);
    }
    if (new_state == RVM_PARTITION_DESTROYED) {
        /* Keep only the id and the state: the tombstone answers INVALID_PARTITION_STATE until reuse. */
        __builtin_memset(p, 0, sizeof *p);
        p->id = id;
        mgr->count--;
    }
    p->state = new_state;
    return RVM_OK;
}

rvm_err_t rvm_part_set_scores(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint32_t coherence_bp,
                              uint32_t pressure_bp)
{
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return mgr == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_PARTITION_NOT_FOUND;
    }
    p->coherence = rvm_coherence_score(coherence_bp);
    p->cut_pressure = rvm_bp_clamp(pressure_bp);
    return RVM_OK;
}

rvm_err_t rvm_part_task_add(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint32_t task)
{
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return mgr == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_PARTITION_NOT_FOUND;
    }
    for (uint32_t i = 0; i < p->task_count; i++) {
        if (p->tasks[i] == task) {
            return RVM_ERR_INVALID_ARGUMENT;
        }
    }
    if (p->task_count == RVM_PART_MAX_TASKS) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    p->tasks[p->task_count++] = task;
    return RVM_OK;
}

rvm_err_t rvm_part_task_remove(rvm_partmgr_t *mgr, rvm_partition_id_t id, uint32_t task)
{
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return mgr == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_PARTITION_NOT_FOUND;
    }
    for (uint32_t i = 0; i < p->task_count; i++) {
        if (p->tasks[i] == task) {
            rvm_part_array_remove(p->tasks, sizeof p->tasks[0], p->task_count, i);
            p->task_count--;
            return RVM_OK;
        }
    }
    return RVM_ERR_NOT_FOUND;
}

uint32_t rvm_part_region_index(const rvm_partition_t *p, rvm_region_id_t region)
{
    for (uint32_t i = 0; i < p->region_count; i++) {
        if (p->regions[i].id == region) {
            return i;
        }
    }
    return RVM_PART_MAX_REGIONS;
}

static bool ranges_overlap(const rvm_region_desc_t *a, const rvm_region_desc_t *b)
{
    uint64_t a_end = a->base + (uint64_t)a->pages * RVM_PAGE_SIZE;
    uint64_t b_end = b->base + (uint64_t)b->pages * RVM_PAGE_SIZE;
    return a->base < b_end && b->base < a_end;
}

rvm_err_t rvm_part_region_add(rvm_partmgr_t *mgr, rvm_partition_id_t id, const rvm_region_desc_t *desc)
{
    if (mgr == NULL || desc == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (desc->id == 0 || desc->pages == 0 || (desc->flags & ~RVM_REGION_FLAGS_ALL) != 0 || desc->flags == 0) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (!rvm_addr_page_aligned(desc->base)) {
        return RVM_ERR_ALIGNMENT_ERROR;
    }
    /* The end must be representable, so every later overlap test is exact. */
    if (desc->base > UINT64_MAX - (uint64_t)desc->pages * RVM_PAGE_SIZE) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (rvm_part_region_index(p, desc->id) != RVM_PART_MAX_REGIONS) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < p->region_count; i++) {
        if (ranges_overlap(&p->regions[i], desc)) {
            return RVM_ERR_MEMORY_OVERLAP;
        }
    }
    if (p->region_count == RVM_PART_MAX_REGIONS) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    p->regions[p->region_count++] = *desc;
    return RVM_OK;
}

rvm_err_t rvm_part_region_remove(rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_region_id_t region)
{
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return mgr == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_PARTITION_NOT_FOUND;
    }
    uint32_t i = rvm_part_region_index(p, region);
    if (i == RVM_PART_MAX_REGIONS) {
        return RVM_ERR_NOT_FOUND;
    }
    rvm_part_array_remove(p->regions, sizeof p->regions[0], p->region_count, i);
    p->region_count--;
    return RVM_OK;
}

rvm_err_t rvm_part_region_find(const rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_region_id_t region,
                               rvm_region_desc_t *out)
{
    if (mgr == NULL || out == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    const rvm_partition_t *p = rvm_part_get(mgr, id);
    if (p == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    uint32_t i = rvm_part_region_index(p, region);
    if (i == RVM_PART_MAX_REGIONS) {
        return RVM_ERR_NOT_FOUND;
    }
    *out = p->regions[i];
    return RVM_OK;
}

rvm_err_t rvm_part_cap_add(rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_cap_handle_t h)
{
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return mgr == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (p->cap_count == RVM_PART_MAX_CAPS) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    p->caps[p->cap_count++] = h;
    return RVM_OK;
}

rvm_err_t rvm_part_cap_remove(rvm_partmgr_t *mgr, rvm_partition_id_t id, rvm_cap_handle_t h)
{
    rvm_partition_t *p = rvm_part_slot(mgr, id);
    if (p == NULL) {
        return mgr == NULL ? RVM_ERR_INVALID_ARGUMENT : RVM_ERR_PARTITION_NOT_FOUND;
    }
    for (uint32_t i = 0; i < p->cap_count; i++) {
        if (rvm_cap_handle_eq(p->caps[i], h)) {
            rvm_part_array_remove(p->caps, sizeof p->caps[0], p->cap_count, i);
            p->cap_count--;
            return RVM_OK;
        }
    }
    return RVM_ERR_NOT_FOUND;
}
