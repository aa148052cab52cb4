#include <stdbool.h>
#include <stdint.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/split.h>

#include "part_internal.h"

/* Where a capability goes on split (DC-8). */
enum { GOES_A = 0, GOES_B = 1, GOES_SHARED = 2 };

uint32_t rvm_split_region_score(uint64_t acc_s, uint64_t acc_other, uint32_t cross_cost, uint64_t assigned_s,
                                uint64_t region_bytes, uint64_t total_bytes)
{
    /* Halving both keeps the ratio and makes the sum representable. */
    if (acc_s > UINT64_MAX - acc_other) {
        acc_s >>= 1;
        acc_other >>= 1;
    }
    uint32_t local = rvm_bp_ratio(acc_s, acc_s + acc_other, RVM_BP_ONE / 2u);
    /* acc_s*cost / ((acc_s+acc_other)*cost): the cost cancels unless it is 0 (both remote costs 0). */
    uint32_t avoided = cross_cost == 0 ? RVM_BP_ONE / 2u : local;
    uint64_t used = assigned_s > UINT64_MAX - region_bytes ? UINT64_MAX : assigned_s + region_bytes;
    uint32_t balance = RVM_BP_ONE - rvm_bp_ratio(used, total_bytes, RVM_BP_ONE);
    return (5000u * local + 3000u * avoided + 2000u * balance) / RVM_BP_ONE;
}

static bool plan_valid(const rvm_part_world_t *w, const rvm_partition_t *p, const rvm_split_plan_t *plan)
{
    if (p->task_count < 32u && (plan->b_tasks >> p->task_count) != 0) {
        return false;
    }
    if (plan->use_count > RVM_PART_MAX_REGIONS || (plan->use_count != 0 && plan->uses == NULL) ||
        plan->edge_count > RVM_IPC_MAX_CHANNELS || (plan->edge_count != 0 && plan->edges == NULL) ||
        (plan->cut_links & ~(RVM_SPLIT_LINK_AB | RVM_SPLIT_LINK_BA)) != 0) {
        return false;
    }
    for (uint32_t i = 0; i < plan->use_count; i++) {
        if (rvm_part_region_index(p, plan->uses[i].region) == RVM_PART_MAX_REGIONS) {
            return false;
        }
    }
    for (uint32_t i = 0; i < plan->edge_count; i++) {
        rvm_partition_id_t s;
        rvm_partition_id_t d;
        if (plan->edges[i].side > RVM_SPLIT_SIDE_B ||
            rvm_ipc_endpoints(w->ipc, plan->edges[i].edge, &s, &d) != RVM_OK || (s != p->id && d != p->id)) {
            return false;
        }
    }
    return true;
}

static uint8_t edge_side(const rvm_split_plan_t *plan, rvm_edge_id_t edge)
{
    for (uint32_t i = 0; i < plan->edge_count; i++) {
        if (plan->edges[i].edge == edge) {
            return plan->edges[i].side;
        }
    }
    return RVM_SPLIT_SIDE_A;
}

static uint32_t popcount32(uint32_t v)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < 32u; i++) {
        n += (v >> i) & 1u;
    }
    return n;
}

static bool authority_ok(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t h,
                         rvm_partition_id_t source)
{
    if (rvm_cap_check_p1(w->caps, h, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, RVM_OBJ_PARTITION) != RVM_OK) {
        return false;
    }
    rvm_cap_info_t info;
    return rvm_cap_lookup(w->caps, h, &info) == RVM_OK && info.owner == caller && info.object_id == source;
}

/* Capability views after the split must fit: B gets its edges' endpoints, moved and shared caps, and links. */
static bool capacity_ok(const rvm_part_world_t *w, const rvm_partition_t *p, const rvm_split_plan_t *plan)
{
    if (!rvm_part_can_create(w->parts)) {
        return false;
    }
    uint32_t links = popcount32(plan->cut_links);
    if (rvm_ipc_channel_count(w->ipc) + links > RVM_IPC_MAX_CHANNELS) {
        return false;
    }
    /* Worst case: every capability of the source also lands in B. */
    return p->cap_count + links <= RVM_PART_MAX_CAPS;
}

static uint8_t first_failure(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t h,
                             const rvm_partition_t *p, const rvm_split_plan_t *plan, uint64_t now,
                             uint64_t max_staleness)
{
    if (p->state != RVM_PARTITION_RUNNING || p->on_cpu != 0) {
        return RVM_SPLIT_STATE;
    }
    if (!authority_ok(w, caller, h, p->id)) {
        return RVM_SPLIT_AUTHORITY;
    }
    if (plan->cut_epoch > now || now - plan->cut_epoch > max_staleness) {
        return RVM_SPLIT_STALE_CUT;
    }
    uint32_t mask = p->task_count >= 32u ? UINT32_MAX : (1u << p->task_count) - 1u;
    if ((plan->b_tasks & mask) == 0 || (plan->b_tasks & mask) == mask) {
        return RVM_SPLIT_EMPTY_SIDE;
    }
    if (!capacity_ok(w, p, plan)) {
        return RVM_SPLIT_CAPACITY;
    }
    return RVM_SPLIT_OK;
}

static void move_tasks(rvm_partition_t *a, rvm_partition_t *b, uint32_t b_tasks)
{
    uint32_t kept = 0;
    uint32_t n = a->task_count;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = a->tasks[i];
        if (((b_tasks >> i) & 1u) != 0) {
            b->tasks[b->task_count++] = t;
        } else {
            a->tasks[kept++] = t;
        }
    }
    for (uint32_t i = kept; i < n; i++) {
        a->tasks[i] = 0;
    }
    a->task_count = kept;
}

static void region_use(const rvm_split_plan_t *plan, rvm_region_id_t region, uint64_t *acc_a, uint64_t *acc_b)
{
    *acc_a = 0;
    *acc_b = 0;
    for (uint32_t i = 0; i < plan->use_count; i++) {
        if (plan->uses[i].region == region) {
            *acc_a = plan->uses[i].accesses_a;
            *acc_b = plan->uses[i].accesses_b;
        }
    }
}

static rvm_err_t move_regions(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_partition_t *a,
                              rvm_partition_t *b, const rvm_split_plan_t *plan)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < a->region_count; i++) {
        total += (uint64_t)a->regions[i].pages * RVM_PAGE_SIZE;
    }
    uint64_t on_a = 0;
    uint64_t on_b = 0;
    uint32_t i = 0;
    while (i < a->region_count) {
        rvm_region_desc_t d = a->regions[i];
        uint64_t bytes = (uint64_t)d.pages * RVM_PAGE_SIZE;
        uint64_t acc_a;
        uint64_t acc_b;
        region_use(plan, d.id, &acc_a, &acc_b);
        uint32_t sa = rvm_split_region_score(acc_a, acc_b, plan->cross_cost, on_a, bytes, total);
        uint32_t sb = rvm_split_region_score(acc_b, acc_a, plan->cross_cost, on_b, bytes, total);
        if (sb <= sa) {
            on_a += bytes;
            i++;
            continue;
        }
        uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
        rvm_le64_store(pl, ((uint64_t)a->id << 32) | b->id);
        rvm_err_t e = rvm_part_emit(w->parts->log, RVM_ACTION_REGION_TRANSFER, 2, caller, d.id, 0, pl, 0);
        if (e != RVM_OK) {
            return e;
        }
        rvm_part_array_remove(a->regions, sizeof a->regions[0], a->region_count, i);
        a->region_count--;
        b->regions[b->region_count++] = d;
        on_b += bytes;
    }
    return RVM_OK;
}

static rvm_err_t move_edges(const rvm_part_world_t *w, rvm_partition_id_t aid, rvm_partition_id_t bid,
                            const rvm_split_plan_t *plan)
{
    for (uint32_t i = 0; i < RVM_IPC_MAX_CHANNELS; i++) {
        const rvm_ipc_channel_t *c = &w->ipc->channels[i];
        if (c->edge == 0 || (c->source != aid && c->dest != aid) || edge_side(plan, c->edge) != RVM_SPLIT_SIDE_B) {
            continue;
        }
        rvm_edge_id_t edge = c->edge;
        uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
        rvm_le64_store(pl, edge);
        rvm_err_t e = rvm_part_emit(w->parts->log, RVM_ACTION_EDGE_RELOCATED, 1, aid, bid, 0, pl, 0);
        if (e == RVM_OK) {
            e = rvm_ipc_move_endpoint(w->ipc, edge, aid, bid);
        }
        if (e != RVM_OK) {
            return e;
        }
    }
    return RVM_OK;
}

static uint8_t cap_destination(const rvm_part_world_t *w, const rvm_partition_t *a, const rvm_partition_t *b,
                               const rvm_cap_info_t *info)
{
    switch (info->token.type) {
    case RVM_OBJ_REGION:
        if (rvm_part_region_index(a, info->object_id) != RVM_PART_MAX_REGIONS) {
            return GOES_A;
        }
        return rvm_part_region_index(b, info->object_id) != RVM_PART_MAX_REGIONS ? GOES_B : GOES_SHARED;
    case RVM_OBJ_COMM_EDGE: {
        rvm_partition_id_t s;
        rvm_partition_id_t d;
        if (rvm_ipc_endpoints(w->ipc, info->object_id, &s, &d) != RVM_OK) {
            return GOES_SHARED;
        }
        bool on_a = s == a->id || d == a->id;
        bool on_b = s == b->id || d == b->id;
        if (on_a != on_b) {
            return on_a ? GOES_A : GOES_B;
        }
        return GOES_SHARED;
    }
    case RVM_OBJ_PARTITION:
        return info->object_id == a->id ? GOES_A : GOES_SHARED;
    case RVM_OBJ_DEVICE:
        return GOES_A;
    default:
        return GOES_SHARED;
    }
}

/*
 * One READ copy of `h` for `owner`, witnessed CapabilityAttenuated. A child
 * of `h` when `h` is derived and can grant: deleting `h` afterwards splices
 * the copy under `h`'s parent, so its chain still ends at the same root. A
 * copy of a root would be orphaned by that delete (P3 rejects orphans), so
 * roots, and capabilities that cannot grant, get READ roots instead.
 */
static rvm_err_t attenuated_copy(const rvm_part_world_t *w, rvm_partition_id_t aid, rvm_cap_handle_t h,
                                 const rvm_cap_info_t *info, rvm_partition_id_t owner)
{
    rvm_cap_handle_t nh;
    rvm_err_t e;
    e = RVM_ERR_GRANT_NOT_PERMITTED;
    if ((info->token.rights & RVM_RIGHT_GRANT) != 0 && info->depth > 0) {
        e = rvm_cap_grant(w->caps, aid, h, RVM_RIGHT_READ, info->badge, owner, &nh);
    }
    /* Without GRANT, or at the depth limit, the copy cannot be a child: a READ root then. */
    if (e == RVM_ERR_GRANT_NOT_PERMITTED || e == RVM_ERR_DELEGATION_DEPTH_EXCEEDED) {
        e = rvm_cap_create_root(w->caps, RVM_PARTITION_HYPERVISOR, info->token.type, info->object_id,
                                RVM_RIGHT_READ, info->badge, owner, &nh);
    }
    if (e != RVM_OK) {
        return e;
    }
    rvm_cap_info_t ni;
    e = rvm_cap_lookup(w->caps, nh, &ni);
    if (e != RVM_OK) {
        return e;
    }
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    pl[0] = info->token.rights;
    pl[1] = RVM_RIGHT_READ;
    rvm_le32_store(pl + 4, owner);
    e = rvm_part_emit(w->parts->log, RVM_ACTION_CAPABILITY_ATTENUATED, 1, aid, ni.token.id, rvm_cap_hash32(&ni.token),
                      pl, 0);
    if (e != RVM_OK) {
        return e;
    }
    return rvm_part_cap_add(w->parts, owner, nh);
}

static rvm_err_t split_caps(const rvm_part_world_t *w, rvm_partition_t *a, rvm_partition_t *b)
{
    /* Walk a snapshot: the view changes as capabilities move. */
    rvm_cap_handle_t snapshot[RVM_PART_MAX_CAPS];
    uint32_t n = a->cap_count;
    for (uint32_t i = 0; i < n; i++) {
        snapshot[i] = a->caps[i];
    }
    for (uint32_t i = 0; i < n; i++) {
        rvm_cap_handle_t h = snapshot[i];
        if (rvm_ipc_is_endpoint_cap(w->ipc, h)) {
            continue;
        }
        rvm_cap_info_t info;
        rvm_err_t e = rvm_cap_lookup(w->caps, h, &info);
        if (e != RVM_OK) {
            /* Stale or gone: it carries no authority to divide; drop it from the view. */
            (void)rvm_part_cap_remove(w->parts, a->id, h);
            continue;
        }
        uint8_t dest = cap_destination(w, a, b, &info);
        if (dest == GOES_A) {
            continue;
        }
        if (dest == GOES_B) {
            e = rvm_part_cap_reissue(w->caps, w->parts, h, a->id, b->id);
        } else {
            /* Out of the view first, so that A's copy always has the slot the original used. */
            e = rvm_part_cap_remove(w->parts, a->id, h);
            if (e == RVM_OK) {
                e = attenuated_copy(w, a->id, h, &info, a->id);
            }
            if (e == RVM_OK) {
                e = attenuated_copy(w, a->id, h, &info, b->id);
            }
            if (e == RVM_OK) {
                e = rvm_cap_delete(w->caps, a->id, h);
            }
        }
        if (e != RVM_OK) {
            return e;
        }
    }
    return RVM_OK;
}

static rvm_err_t link_halves(const rvm_part_world_t *w, rvm_partition_id_t aid, rvm_partition_id_t bid,
                             uint8_t links)
{
    rvm_edge_id_t e;
    rvm_cap_handle_t t;
    rvm_cap_handle_t r;
    if ((links & RVM_SPLIT_LINK_AB) != 0) {
        rvm_err_t err = rvm_ipc_create(w->ipc, aid, bid, aid, &e, &t, &r);
        if (err != RVM_OK) {
            return err;
        }
    }
    if ((links & RVM_SPLIT_LINK_BA) != 0) {
        return rvm_ipc_create(w->ipc, bid, aid, bid, &e, &t, &r);
    }
    return RVM_OK;
}

static rvm_err_t execute(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_partition_t *a,
                         const rvm_split_plan_t *plan, rvm_partition_id_t *new_id)
{
    rvm_partition_id_t bid;
    rvm_err_t e = rvm_part_create(w->parts, a->type, a->vcpu_count, a->epoch, &bid);
    if (e == RVM_OK) {
        e = rvm_part_transition(w->parts, bid, RVM_PARTITION_RUNNING);
    }
    if (e != RVM_OK) {
        return e;
    }
    rvm_partition_t *b = rvm_part_slot(w->parts, bid);
    move_tasks(a, b, plan->b_tasks);
    e = move_regions(w, caller, a, b, plan);
    if (e == RVM_OK) {
        e = move_edges(w, a->id, bid, plan);
    }
    if (e == RVM_OK) {
        e = split_caps(w, a, b);
    }
    if (e == RVM_OK) {
        e = link_halves(w, a->id, bid, plan->cut_links);
    }
    b->coherence = a->coherence;
    b->cut_pressure = RVM_CUT_PRESSURE_ZERO;
    a->cut_pressure = RVM_CUT_PRESSURE_ZERO;
    *new_id = bid;
    return e;
}

rvm_err_t rvm_part_split(const rvm_part_world_t *w, rvm_partition_id_t caller, rvm_cap_handle_t authority,
                         rvm_partition_id_t source, const rvm_split_plan_t *plan, uint64_t now,
                         uint64_t max_staleness, rvm_partition_id_t *new_id, uint8_t *reason)
{
    uint8_t dummy = 0;
    uint8_t *why = reason != NULL ? reason : &dummy;
    *why = RVM_SPLIT_OK;
    if (w == NULL || w->parts == NULL || w->ipc == NULL || w->leases == NULL || w->caps == NULL || plan == NULL ||
        new_id == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    rvm_partition_t *a = rvm_part_slot(w->parts, source);
    if (a == NULL) {
        return RVM_ERR_PARTITION_NOT_FOUND;
    }
    if (!plan_valid(w, a, plan)) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    uint8_t r = first_failure(w, caller, authority, a, plan, now, max_staleness);
    if (r != RVM_SPLIT_OK) {
        rvm_err_t e = rvm_part_emit(w->parts->log, RVM_ACTION_PARTITION_SPLIT, 0, caller, source, 0, NULL, r);
        *why = r;
        return e != RVM_OK ? e : RVM_ERR_SPLIT_PRECONDITION_FAILED;
    }
    uint8_t pl[RVM_WITNESS_PAYLOAD_SIZE] = { 0 };
    rvm_le64_store(pl, ((uint64_t)source << 32) | w->parts->next_id);
    rvm_err_t e = rvm_part_emit(w->parts->log, RVM_ACTION_PARTITION_SPLIT, 2, caller, source, 0, pl, 0);
    if (e != RVM_OK) {
        return e;
    }
    return execute(w, caller, a, plan, new_id);
}
