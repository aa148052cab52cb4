/* Split (§8.6): DC-9 region scores, DC-8 capability following, edges and tasks, each precondition witnessed. */
#include <check.h>
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/split.h>
#include <rvm/vmid.h>

#include "fixture.h"

static rvm_partition_id_t src;
static rvm_partition_id_t q;
static rvm_partition_id_t ctl;
static rvm_cap_handle_t auth;
static rvm_part_world_t w;
static rvm_split_plan_t plan;

static void setup(void)
{
    fx_open(RVM_WITNESS_OVERWRITE_OLDEST);
    ctl = fx_running();
    src = fx_running();
    q = fx_running();
    for (uint32_t t = 10; t < 14; t++) {
        ck_assert_int_eq(rvm_part_task_add(fx.parts, src, t), RVM_OK);
    }
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_PARTITION, src, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, 0,
                                         ctl, &auth),
                     RVM_OK);
    w = (rvm_part_world_t){ fx.parts, fx.ipc, fx.leases, &fx.caps };
    plan = (rvm_split_plan_t){ .b_tasks = 0xC, .cut_epoch = 5, .cross_cost = 10 };
}
static void teardown(void) { fx_close(); }

/* The worked example of the header's formula: 16 pages in three regions, cost 10. */
START_TEST(dc9_scores)
{
    ck_assert_uint_eq(rvm_split_region_score(90, 10, 10, 0, 16384, 65536), 8700);
    ck_assert_uint_eq(rvm_split_region_score(10, 90, 10, 0, 16384, 65536), 2300);
    ck_assert_uint_eq(rvm_split_region_score(0, 50, 10, 16384, 16384, 65536), 1000);
    ck_assert_uint_eq(rvm_split_region_score(50, 0, 10, 0, 16384, 65536), 9500);
    ck_assert_uint_eq(rvm_split_region_score(0, 0, 10, 16384, 32768, 65536), 5000 / 2 + 3000 / 2 + 2000 / 4);
    /* No cross-cut cost: the avoided-cost term is neutral. */
    ck_assert_uint_eq(rvm_split_region_score(90, 10, 0, 0, 16384, 65536), 7500);
    /* Over-full side: balance clamps at 0; huge counters do not overflow. */
    ck_assert_uint_eq(rvm_split_region_score(1, 0, 1, 65536, 65536, 65536), 8000);
    ck_assert_uint_eq(rvm_split_region_score(UINT64_MAX, UINT64_MAX, UINT32_MAX, 0, 1, 2), 5000 / 2 + 3000 / 2 + 1000);
    ck_assert_uint_eq(rvm_split_region_score(0, 0, 0, 0, 0, 0), 5000 / 2 + 3000 / 2);
}
END_TEST

static void expect_rejected(rvm_partition_id_t caller, uint64_t now, uint8_t reason)
{
    uint64_t before = fx_records();
    uint32_t count = rvm_part_count(fx.parts);
    rvm_partition_id_t nid = 0;
    uint8_t got = 0xFF;
    ck_assert_int_eq(rvm_part_split(&w, caller, auth, src, &plan, now, 10, &nid, &got),
                     RVM_ERR_SPLIT_PRECONDITION_FAILED);
    ck_assert_uint_eq(got, reason);
    ck_assert_uint_eq(fx_records(), before + 1);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_SPLIT);
    ck_assert_uint_eq(r.proof_tier, 0);
    ck_assert_uint_eq(r.flags, reason);
    ck_assert_uint_eq(r.actor_partition_id, caller);
    ck_assert_uint_eq(r.target_object_id, src);
    ck_assert_uint_eq(rvm_part_count(fx.parts), count);
    ck_assert_uint_eq(rvm_part_get(fx.parts, src)->task_count, 4);
}

START_TEST(reject_state)
{
    ck_assert_int_eq(rvm_part_transition(fx.parts, src, RVM_PARTITION_SUSPENDED), RVM_OK);
    expect_rejected(ctl, 6, RVM_SPLIT_STATE);
    ck_assert_int_eq(rvm_part_transition(fx.parts, src, RVM_PARTITION_RUNNING), RVM_OK);
    uint16_t v;
    bool fresh;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, src, 1, &v, &fresh), RVM_OK);
    expect_rejected(ctl, 6, RVM_SPLIT_STATE);
}
END_TEST

START_TEST(reject_authority)
{
    expect_rejected(src, 6, RVM_SPLIT_AUTHORITY);
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_PARTITION, src, RVM_RIGHT_WRITE, 0, ctl, &auth),
                     RVM_OK);
    expect_rejected(ctl, 6, RVM_SPLIT_AUTHORITY);
}
END_TEST

START_TEST(reject_stale_cut)
{
    expect_rejected(ctl, 16, RVM_SPLIT_STALE_CUT);
    expect_rejected(ctl, 4, RVM_SPLIT_STALE_CUT);
}
END_TEST

START_TEST(reject_empty_side)
{
    plan.b_tasks = 0;
    expect_rejected(ctl, 6, RVM_SPLIT_EMPTY_SIDE);
    plan.b_tasks = 0xF;
    expect_rejected(ctl, 6, RVM_SPLIT_EMPTY_SIDE);
}
END_TEST

START_TEST(reject_capacity)
{
    while (rvm_part_count(fx.parts) < RVM_MAX_PARTITIONS) {
        rvm_partition_id_t id;
        ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &id), RVM_OK);
    }
    expect_rejected(ctl, 6, RVM_SPLIT_CAPACITY);
}
END_TEST

START_TEST(malformed_plans)
{
    rvm_partition_id_t nid;
    uint64_t before = fx_records();
    plan.b_tasks = 0x10;
    ck_assert_int_eq(rvm_part_split(&w, ctl, auth, src, &plan, 6, 10, &nid, NULL), RVM_ERR_INVALID_ARGUMENT);
    plan.b_tasks = 0x3;
    rvm_split_region_use_t use = { 99, 1, 1 };
    plan.uses = &use;
    plan.use_count = 1;
    ck_assert_int_eq(rvm_part_split(&w, ctl, auth, src, &plan, 6, 10, &nid, NULL), RVM_ERR_INVALID_ARGUMENT);
    plan.use_count = 0;
    rvm_edge_id_t e;
    rvm_cap_handle_t t;
    rvm_cap_handle_t r;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, ctl, q, 0, &e, &t, &r), RVM_OK);
    rvm_split_edge_side_t side = { e, RVM_SPLIT_SIDE_B };
    plan.edges = &side;
    plan.edge_count = 1;
    before = fx_records();
    ck_assert_int_eq(rvm_part_split(&w, ctl, auth, src, &plan, 6, 10, &nid, NULL), RVM_ERR_INVALID_ARGUMENT);
    plan.edge_count = 0;
    plan.cut_links = 4;
    ck_assert_int_eq(rvm_part_split(&w, ctl, auth, src, &plan, 6, 10, &nid, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(), before);
    ck_assert_int_eq(rvm_part_split(&w, ctl, auth, 999, &plan, 6, 10, &nid, NULL), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

static rvm_cap_handle_t root_for(rvm_partition_id_t owner, uint8_t type, uint64_t object, rvm_rights_t rights)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, type, object, rights, 0x42, owner, &h), RVM_OK);
    ck_assert_int_eq(rvm_part_cap_add(fx.parts, owner, h), RVM_OK);
    return h;
}

/* The capability in `id`'s view naming (type, object), or fails. */
static rvm_cap_info_t held(rvm_partition_id_t id, uint8_t type, uint64_t object, rvm_cap_handle_t *out)
{
    const rvm_partition_t *p = rvm_part_get(fx.parts, id);
    for (uint32_t i = 0; i < p->cap_count; i++) {
        rvm_cap_info_t info;
        ck_assert_int_eq(rvm_cap_lookup(&fx.caps, p->caps[i], &info), RVM_OK);
        ck_assert_uint_eq(info.owner, id);
        if (info.token.type == type && info.object_id == object) {
            if (out != NULL) {
                *out = p->caps[i];
            }
            return info;
        }
    }
    ck_abort_msg("capability not held");
    return (rvm_cap_info_t){ 0 };
}

static bool holds(rvm_partition_id_t id, uint8_t type, uint64_t object)
{
    const rvm_partition_t *p = rvm_part_get(fx.parts, id);
    for (uint32_t i = 0; i < p->cap_count; i++) {
        rvm_cap_info_t info;
        if (rvm_cap_lookup(&fx.caps, p->caps[i], &info) == RVM_OK && info.token.type == type &&
            info.object_id == object) {
            return true;
        }
    }
    return false;
}

START_TEST(split_moves_everything)
{
    rvm_region_desc_t r1 = { 1, 0x10000, 4, RVM_REGION_READ | RVM_REGION_WRITE };
    rvm_region_desc_t r2 = { 2, 0x20000, 4, RVM_REGION_READ | RVM_REGION_WRITE };
    rvm_region_desc_t r3 = { 3, 0x30000, 8, RVM_REGION_READ };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, src, &r1), RVM_OK);
    ck_assert_int_eq(rvm_part_region_add(fx.parts, src, &r2), RVM_OK);
    ck_assert_int_eq(rvm_part_region_add(fx.parts, src, &r3), RVM_OK);
    rvm_split_region_use_t uses[2] = { { 1, 90, 10 }, { 2, 0, 50 } };
    plan.uses = uses;
    plan.use_count = 2;
    rvm_edge_id_t e_out;
    rvm_edge_id_t e_in;
    rvm_cap_handle_t t;
    rvm_cap_handle_t r;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, src, q, 0x51, &e_out, &t, &r), RVM_OK);
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, q, src, 0x52, &e_in, &t, &r), RVM_OK);
    rvm_split_edge_side_t sides[1] = { { e_out, RVM_SPLIT_SIDE_B } };
    plan.edges = sides;
    plan.edge_count = 1;
    plan.cut_links = RVM_SPLIT_LINK_AB;
    (void)root_for(src, RVM_OBJ_REGION, 1, RVM_RIGHT_READ | RVM_RIGHT_WRITE);
    rvm_cap_handle_t r2cap = root_for(src, RVM_OBJ_REGION, 2, RVM_RIGHT_READ | RVM_RIGHT_WRITE);
    (void)root_for(src, RVM_OBJ_PARTITION, src, RVM_RIGHT_READ | RVM_RIGHT_WRITE);
    (void)root_for(src, RVM_OBJ_DEVICE, 7, RVM_RIGHT_READ | RVM_RIGHT_WRITE);
    rvm_cap_handle_t sched = root_for(src, RVM_OBJ_SCHEDULER, 0, RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_GRANT);
    rvm_cap_handle_t wlog = root_for(src, RVM_OBJ_WITNESS_LOG, 0, RVM_RIGHT_READ | RVM_RIGHT_WRITE);
    /* A coherence-engine capability the control partition delegated to the source. */
    rvm_cap_handle_t coh_root;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_COHERENCE, 0, RVM_RIGHTS_ALL & ~RVM_RIGHT_GRANT_ONCE, 0,
                                         ctl, &coh_root),
                     RVM_OK);
    rvm_cap_handle_t coh;
    ck_assert_int_eq(rvm_cap_grant(&fx.caps, ctl, coh_root, RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_GRANT, 3, src,
                                   &coh),
                     RVM_OK);
    ck_assert_int_eq(rvm_part_cap_add(fx.parts, src, coh), RVM_OK);

    uint64_t before = fx_records();
    rvm_partition_id_t b = 0;
    uint8_t reason = 0xFF;
    ck_assert_int_eq(rvm_part_split(&w, ctl, auth, src, &plan, 6, 10, &b, &reason), RVM_OK);
    ck_assert_uint_eq(reason, RVM_SPLIT_OK);
    ck_assert_uint_eq(b, 4);
    rvm_witness_record_t rec = fx_record(before);
    ck_assert_uint_eq(rec.action_kind, RVM_ACTION_PARTITION_SPLIT);
    ck_assert_uint_eq(rec.proof_tier, 2);
    ck_assert_uint_eq(rvm_le64_load(rec.payload), ((uint64_t)src << 32) | b);
    ck_assert_uint_eq(fx_record(before + 1).action_kind, RVM_ACTION_PARTITION_CREATE);

    const rvm_partition_t *pa = rvm_part_get(fx.parts, src);
    const rvm_partition_t *pb = rvm_part_get(fx.parts, b);
    ck_assert_uint_eq(pb->state, RVM_PARTITION_RUNNING);
    /* Tasks by the mask. */
    ck_assert_uint_eq(pa->task_count, 2);
    ck_assert_uint_eq(pa->tasks[0], 10);
    ck_assert_uint_eq(pa->tasks[1], 11);
    ck_assert_uint_eq(pb->task_count, 2);
    ck_assert_uint_eq(pb->tasks[0], 12);
    ck_assert_uint_eq(pb->tasks[1], 13);
    /* Regions by DC-9: 1 and the untouched 3 (tie) on A, 2 on B. */
    rvm_region_desc_t d;
    ck_assert_int_eq(rvm_part_region_find(fx.parts, src, 1, &d), RVM_OK);
    ck_assert_int_eq(rvm_part_region_find(fx.parts, src, 3, &d), RVM_OK);
    ck_assert_int_eq(rvm_part_region_find(fx.parts, b, 2, &d), RVM_OK);
    ck_assert_uint_eq(pb->region_count, 1);
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_REGION_TRANSFER), 1);
    /* Edges: the outgoing one moved to B, the incoming stayed, a new A -> B link. */
    rvm_partition_id_t s;
    rvm_partition_id_t dd;
    ck_assert_int_eq(rvm_ipc_endpoints(fx.ipc, e_out, &s, &dd), RVM_OK);
    ck_assert_uint_eq(s, b);
    ck_assert_int_eq(rvm_ipc_endpoints(fx.ipc, e_in, &s, &dd), RVM_OK);
    ck_assert_uint_eq(dd, src);
    ck_assert(rvm_ipc_adjacent(fx.ipc, src, b));
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_EDGE_RELOCATED), 1);
    rvm_cap_handle_t btx;
    rvm_cap_info_t bi = held(b, RVM_OBJ_COMM_EDGE, e_out, &btx);
    ck_assert_uint_eq(bi.badge, 0x51);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, e_out, b, btx, 0, "x", 1), RVM_OK);
    /* DC-8: objects follow their side, shared ones become READ on both sides, nothing duplicated. */
    ck_assert(holds(src, RVM_OBJ_REGION, 1));
    ck_assert(!holds(b, RVM_OBJ_REGION, 1));
    ck_assert(holds(b, RVM_OBJ_REGION, 2));
    ck_assert(!holds(src, RVM_OBJ_REGION, 2));
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, r2cap, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    ck_assert_uint_eq(held(b, RVM_OBJ_REGION, 2, NULL).token.rights, RVM_RIGHT_READ | RVM_RIGHT_WRITE);
    ck_assert(holds(src, RVM_OBJ_PARTITION, src));
    ck_assert(!holds(b, RVM_OBJ_PARTITION, src));
    ck_assert(holds(src, RVM_OBJ_DEVICE, 7));
    ck_assert(!holds(b, RVM_OBJ_DEVICE, 7));
    for (int side = 0; side < 2; side++) {
        rvm_partition_id_t id = side == 0 ? src : b;
        ck_assert_uint_eq(held(id, RVM_OBJ_SCHEDULER, 0, NULL).token.rights, RVM_RIGHT_READ);
        ck_assert_uint_eq(held(id, RVM_OBJ_WITNESS_LOG, 0, NULL).token.rights, RVM_RIGHT_READ);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, sched, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, wlog, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_CAPABILITY_ATTENUATED), 6);
    /* Copies of roots are READ roots; copies of the delegated one stay in its derivation tree and pass P3. */
    ck_assert_uint_eq(held(b, RVM_OBJ_SCHEDULER, 0, NULL).depth, 0);
    ck_assert_uint_eq(held(b, RVM_OBJ_WITNESS_LOG, 0, NULL).depth, 0);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, coh, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    for (int side = 0; side < 2; side++) {
        rvm_partition_id_t id = side == 0 ? src : b;
        rvm_cap_handle_t copy;
        rvm_cap_info_t ci = held(id, RVM_OBJ_COHERENCE, 0, &copy);
        ck_assert_uint_eq(ci.token.rights, RVM_RIGHT_READ);
        ck_assert_uint_eq(ci.badge, 3);
        ck_assert(rvm_cap_handle_eq(ci.parent, coh_root));
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.caps, copy, 8), RVM_OK);
    }
    /* The delegator can still revoke what its delegation became. */
    uint32_t revoked;
    ck_assert_int_eq(rvm_cap_revoke(&fx.caps, ctl, coh_root, &revoked), RVM_OK);
    ck_assert_uint_eq(revoked, 3);
    /* Scores reset for the engine. */
    ck_assert_uint_eq(pb->coherence, pa->coherence);
    ck_assert_uint_eq(pa->cut_pressure, 0);
    fx_assert_chain();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-split");
    TCase *tc = tcase_create("split");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, dc9_scores);
    tcase_add_test(tc, reject_state);
    tcase_add_test(tc, reject_authority);
    tcase_add_test(tc, reject_stale_cut);
    tcase_add_test(tc, reject_empty_side);
    tcase_add_test(tc, reject_capacity);
    tcase_add_test(tc, malformed_plans);
    tcase_add_test(tc, split_moves_everything);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
