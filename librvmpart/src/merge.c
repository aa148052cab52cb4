#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/merge.h>

#include "part_internal.h"

static void pair_payload(uint8_t *pl, rvm_partition_id_t absorber, rvm_partition_id_t absorbed)
{
    __builtin_memset(pl, 0, RVM_WITNESS_PAYLOAD_SIZE);
    rvm_le32_store(pl, absorber);
    rvm_le32_store(pl + 4, absorbed);
}

static bool state_ok(const rvm_partition_t *x, const rvm_partition_t *y)
{
    bool xs = x->state == RVM_PARTITION_RUNNING || x->state == RVM_PARTITION_SUSPENDED;
    bool ys = y->state == RVM_PARTITION_RUNNING || y->state == RVM_PARTITION_SUSPENDED;
    return xs && ys && y->on_cpu == 0;
}

static bool authority_ok(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t h,
                         const rvm_cap_policy_ctx_t *policy, rvm_partition_id_t absorber)
{
    if (rvm_cap_check_p1(w->caps, h, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, RVM_OBJ_PARTITION) != RVM_OK) {
        return false;
    }
    rvm_cap_info_t info;
    if (rvm_cap_lookup(w->caps, h, &info) != RVM_OK || info.owner != caller || info.object_id != absorber) {
        return false;
    }
    return rvm_cap_verify_p2(w->caps, h, policy) == RVM_OK;
}

static bool regions_conflict(const rvm_partition_t *x, const rvm_partition_t *y)
{
    for (uint32_t i = 0; i < x->region_count; i++) {
        const rvm_region_desc_t *a = &x->regions[i];
        for (uint32_t k = 0; k < y->region_count; k++) {
            const rvm_region_desc_t *b = &y->regions[k];
            uint64_t a_end = a->base + (uint64_t)a->pages * RVM_PAGE_SIZE;
            uint64_t b_end = b->base + (uint64_t)b->pages * RVM_PAGE_SIZE;
            bool overlap = a->base < b_end && b->base < a_end;
            bool mutable_pair = ((a->flags | b->flags) & RVM_REGION_WRITE) != 0;
            if ((overlap && mutable_pair) || a->id == b->id) {
                return true;
            }
        }
    }
    return false;
}

static bool caps_ok(const rvm_part_world_t *w, const rvm_partition_t *x, const rvm_partition_t *y)
{
    if (x->cap_count + y->cap_count > RVM_PART_MAX_CAPS) {
        return false;
    }
    for (uint32_t i = 0; i < y->cap_count; i++) {
        rvm_cap_info_t info;
        if (rvm_cap_lookup(w->caps, y->caps[i], &info) != RVM_OK || info.owner != y->id) {
            return false;
        }
    }
    return true;
}

/* The first failing precondition in the documented order, or RVM_MERGE_OK. */
static uint8_t first_failure(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t h,
                             const rvm_cap_policy_ctx_t *policy, const rvm_partition_t *x, const rvm_partition_t *y,
                             uint32_t predicted)
{
    if (!state_ok(x, y)) {
        return RVM_MERGE_STATE;
    }
    if (!authority_ok(w, caller, h, policy, x->id)) {
        return RVM_MERGE_AUTHORITY;
    }
    if (!rvm_ipc_adjacent(w->ipc, x->id, y->id)) {
        return RVM_MERGE_NO_EDGE;
    }
    if (predicted > RVM_COHERENCE_MAX || !rvm_coherence_meets((rvm_coherence_score_t)predicted,
                                                              RVM_COHERENCE_DEFAULT_MERGE_THRESHOLD)) {
        return RVM_MERGE_COHERENCE;
    }
    if (rvm_lease_windows_overlap(w->leases, x->id, y->id) ||
        rvm_lease_count_of(w->leases, x->id) + rvm_lease_count_of(w->leases, y->id) > RVM_MAX_LEASES_PER_PARTITION) {
        return RVM_MERGE_LEASE_CONFLICT;
    }
    if (regions_conflict(x, y)) {
        return RVM_MERGE_REGION_OVERLAP;
    }
    if (!caps_ok(w, x, y)) {
        return RVM_MERGE_CAP_INTERSECTION;
    }
    if (x->task_count + y->task_count > RVM_PART_MAX_TASKS ||
        x->region_count + y->region_count > RVM_PART_MAX_REGIONS) {
        return RVM_MERGE_CAPACITY;
    }
    return RVM_MERGE_OK;
}

static rvm_err_t move_regions(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_partition_t *x,
                              rvm_partition_t *y)
{
    while (y->region_count != 0) {
        rvm_region_desc_t d = y->regions[0];
        uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
        rvm_le64_store(pl, ((uint64_t)y->id << 32) | x->id);
        rvm_err_t e = rvm_part_emit(w->parts->log, RVM_ACTION_REGION_TRANSFER, 2, caller, d.id, 0, pl, 0);
        if (e != RVM_OK) {
            return e;
        }
        rvm_part_array_remove(y->regions, sizeof y->regions[0], y->region_count, 0);
        y->region_count--;
        x->regions[x->region_count++] = d;
    }
    return RVM_OK;
}

static rvm_err_t move_edges(const rvm_part_world_t *w, rvm_partition_id_t xid, rvm_partition_id_t yid)
{
    for (uint32_t i = 0; i < RVM_IPC_MAX_CHANNELS; i++) {
        const rvm_ipc_channel_t *c = &w->ipc->channels[i];
        if (c->edge == 0 || (c->source != yid && c->dest != yid)) {
            continue;
        }
        rvm_edge_id_t edge = c->edge;
        rvm_err_t e;
        if (c->source == xid || c->dest == xid) {
            e = rvm_ipc_destroy(w->ipc, edge);
        } else {
            uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
            rvm_le64_store(pl, edge);
            e = rvm_part_emit(w->parts->log, RVM_ACTION_EDGE_RELOCATED, 1, yid, xid, 0, pl, 0);
            if (e == RVM_OK) {
                e = rvm_ipc_move_endpoint(w->ipc, edge, yid, xid);
            }
        }
        if (e != RVM_OK) {
            return e;
        }
    }
    return RVM_OK;
}

static rvm_err_t execute(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_partition_t *x, rvm_partition_t *y)
{
    for (uint32_t i = 0; i < y->task_count; i++) {
        x->tasks[x->task_count++] = y->tasks[i];
    }
    y->task_count = 0;
    rvm_err_t e = move_regions(w, caller, x, y);
    if (e == RVM_OK) {
        e = move_edges(w, x->id, y->id);
    }
    if (e != RVM_OK) {
        return e;
    }
    rvm_lease_move_all(w->leases, y->id, x->id);
    while (y->cap_count != 0) {
        e = rvm_part_cap_reissue(w->caps, w->parts, y->caps[0], y->id, x->id);
        if (e != RVM_OK) {
            return e;
        }
    }
    return rvm_part_transition(w->parts, y->id, RVM_PARTITION_DESTROYED);
}

rvm_err_t rvm_part_merge(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t authority,
                         const rvm_cap_policy_ctx_t *policy, rvm_partition_id_t absorber,
                         rvm_partition_id_t absorbed, uint32_t predicted, uint8_t *reason)
{
    uint8_t dummy = 0;
    uint8_t *why = reason != NULL ? reason : &dummy;
    *why = RVM_MERGE_OK;
    if (w == NULL || w->parts == NULL || w->ipc == NULL || w->leases == NULL || w->caps == NULL || policy == NULL ||
        absorber == absorbed) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_partition_t *x = rvm_part_slot(w->parts, absorber);
    rvm_partition_t *y = rvm_part_slot(w->parts, absorbed);
    if (x == NULL || y == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE];
    pair_payload(pl, absorber, absorbed);
    uint8_t r = first_failure(w, caller, authority, policy, x, y, predicted);
    if (r != RVM_MERGE_OK) {
        rvm_err_t e = rvm_part_emit(w->parts->log, RVM_ACTION_PARTITION_MERGE, 0, caller, absorbed, 0, pl, r);
        *why = r;
        return e != RVM_OK ? e : RVM_ERR_MERGE_PRECONDITION_FAILED;
    }
    rvm_err_t e = rvm_lease_map_all(w->leases, absorbed, absorber);
    if (e != RVM_OK) {
        return e;
    }
    e = rvm_part_emit(w->parts->log, RVM_ACTION_PARTITION_MERGE, 2, caller, absorbed, 0, pl, 0);
    if (e != RVM_OK) {
        rvm_lease_unmap_first(w->leases, absorbed, absorber, RVM_LEASE_MAX_LEASES);
        return e;
    }
    return execute(w, caller, x, y);
}
