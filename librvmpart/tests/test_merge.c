/* Merge (§8.7, DC-11): each precondition rejected and witnessed, then a full merge moving everything. */
#include <check.h>
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/merge.h>
#include <rvm/vmid.h>

#include "fixture.h"

static rvm_partition_id_t x;   /* absorber */
static rvm_partition_id_t y;   /* absorbed */
static rvm_partition_id_t ctl; /* control partition holding the merge authority */
static rvm_cap_handle_t auth;
static rvm_edge_id_t xy;
static rvm_part_world_t w;
static uint64_t nonce;
/* The merged partition's predicted score the tests pass (the threshold unless a test lowers it). */
static uint32_t predicted;

static void setup(void)
{
    fx_open(RVM_WITNESS_OVERWRITE_OLDEST);
    ctl = fx_running();
    x = fx_running();
    y = fx_running();
    rvm_cap_handle_t t;
    rvm_cap_handle_t r;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, x, y, 1, &xy, &t, &r), RVM_OK);
    /* Partitions that only talk to each other: each scores 0 alone, yet they merge (the predicted score decides). */
    ck_assert_int_eq(rvm_part_set_scores(fx.parts, x, 0, 10000), RVM_OK);
    ck_assert_int_eq(rvm_part_set_scores(fx.parts, y, 0, 10000), RVM_OK);
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_PARTITION, x, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, 0, ctl,
                                         &auth),
                     RVM_OK);
    w = (rvm_part_world_t){ fx.parts, fx.ipc, fx.leases, &fx.caps };
    nonce = 1;
    predicted = 7000;
}
static void teardown(void) { fx_close(); }

static rvm_cap_policy_ctx_t policy(void)
{
    return (rvm_cap_policy_ctx_t){ .expected_owner = ctl, .region_base = 0, .region_limit = 1,
                                   .lease_expiry_ns = 100, .current_time_ns = 1, .max_delegation_depth = 8,
                                   .nonce = nonce++ };
}

/* The merge fails with `reason`, one rejection record is appended and nothing else changes. */
static void expect_rejected(rvm_partition_id_t caller, rvm_cap_handle_t h, uint8_t reason)
{
    uint64_t before = fx_records();
    uint32_t count = rvm_part_count(fx.parts);
    rvm_cap_policy_ctx_t p = policy();
    uint8_t got = 0xFF;
    ck_assert_int_eq(rvm_part_merge(&w, caller, h, &p, x, y, predicted, &got), RVM_ERR_MERGE_PRECONDITION_FAILED);
    ck_assert_uint_eq(got, reason);
    ck_assert_uint_eq(fx_records(), before + 1);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_MERGE);
    ck_assert_uint_eq(r.proof_tier, 0);
    ck_assert_uint_eq(r.flags, reason);
    ck_assert_uint_eq(r.actor_partition_id, caller);
    ck_assert_uint_eq(r.target_object_id, y);
    ck_assert_uint_eq(rvm_le32_load(r.payload), x);
    ck_assert_uint_eq(rvm_le32_load(r.payload + 4), y);
    ck_assert_uint_eq(rvm_part_count(fx.parts), count);
    ck_assert_ptr_nonnull(rvm_part_get(fx.parts, y));
}

START_TEST(reject_no_edge)
{
    ck_assert_int_eq(rvm_ipc_destroy(fx.ipc, xy), RVM_OK);
    expect_rejected(ctl, auth, RVM_MERGE_NO_EDGE);
}
END_TEST

START_TEST(reject_coherence)
{
    predicted = 6999;
    expect_rejected(ctl, auth, RVM_MERGE_COHERENCE);
    predicted = 10001;
    expect_rejected(ctl, auth, RVM_MERGE_COHERENCE);
}
END_TEST

START_TEST(reject_lease_conflict)
{
    uint32_t d1;
    uint32_t d2;
    /* Two devices whose windows overlap, one leased to each side. */
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_GENERIC, 0x40000000, 0x4000, 1, &d1), RVM_OK);
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_GENERIC, 0x40003000, 0x1000, 2, &d2), RVM_OK);
    rvm_lease_id_t l;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, d1, x, 100, 0, 0, &l), RVM_OK);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, d2, y, 100, 0, 0, &l), RVM_OK);
    expect_rejected(ctl, auth, RVM_MERGE_LEASE_CONFLICT);
}
END_TEST

START_TEST(reject_lease_count)
{
    rvm_lease_id_t l;
    for (unsigned i = 0; i < 9; i++) {
        uint32_t d;
        ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_GENERIC, 0x1000000u * (i + 1), 0x1000, 0, &d),
                         RVM_OK);
        ck_assert_int_eq(rvm_lease_grant(fx.leases, d, x, 100, 0, 0, &l), RVM_OK);
        ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_GENERIC, 0x80000000u + 0x1000000u * i,
                                                   0x1000, 0, &d),
                         RVM_OK);
        ck_assert_int_eq(rvm_lease_grant(fx.leases, d, y, 100, 0, 0, &l), RVM_OK);
    }
    expect_rejected(ctl, auth, RVM_MERGE_LEASE_CONFLICT);
}
END_TEST

START_TEST(reject_region_overlap)
{
    rvm_region_desc_t rx = { 1, 0x10000, 4, RVM_REGION_READ };
    rvm_region_desc_t ry = { 2, 0x12000, 4, RVM_REGION_READ | RVM_REGION_WRITE };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, x, &rx), RVM_OK);
    ck_assert_int_eq(rvm_part_region_add(fx.parts, y, &ry), RVM_OK);
    expect_rejected(ctl, auth, RVM_MERGE_REGION_OVERLAP);
}
END_TEST

START_TEST(read_only_overlap_is_fine)
{
    rvm_region_desc_t rx = { 1, 0x10000, 4, RVM_REGION_READ };
    rvm_region_desc_t ry = { 2, 0x12000, 4, RVM_REGION_READ | RVM_REGION_EXECUTE };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, x, &rx), RVM_OK);
    ck_assert_int_eq(rvm_part_region_add(fx.parts, y, &ry), RVM_OK);
    rvm_cap_policy_ctx_t p = policy();
    ck_assert_int_eq(rvm_part_merge(&w, ctl, auth, &p, x, y, 7000, NULL), RVM_OK);
}
END_TEST

START_TEST(reject_cap_intersection)
{
    /* A capability in the absorbed partition's view that has gone stale. */
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_REGION, 77, RVM_RIGHT_READ, 0, y, &h), RVM_OK);
    ck_assert_int_eq(rvm_part_cap_add(fx.parts, y, h), RVM_OK);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.caps, 0, RVM_OBJ_REGION, 77), RVM_OK);
    expect_rejected(ctl, auth, RVM_MERGE_CAP_INTERSECTION);
}
END_TEST

START_TEST(reject_state)
{
    ck_assert_int_eq(rvm_part_transition(fx.parts, y, RVM_PARTITION_MIGRATING), RVM_OK);
    expect_rejected(ctl, auth, RVM_MERGE_STATE);
    ck_assert_int_eq(rvm_part_transition(fx.parts, y, RVM_PARTITION_RUNNING), RVM_OK);
    uint16_t v;
    bool fresh;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, y, 1, &v, &fresh), RVM_OK);
    expect_rejected(ctl, auth, RVM_MERGE_STATE);
}
END_TEST

START_TEST(reject_authority)
{
    /* Wrong owner, wrong object, missing PROVE, replayed nonce. */
    expect_rejected(x, auth, RVM_MERGE_AUTHORITY);
    rvm_cap_handle_t other;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_PARTITION, y, RVM_RIGHT_WRITE | RVM_RIGHT_PROVE, 0, ctl,
                                         &other),
                     RVM_OK);
    expect_rejected(ctl, other, RVM_MERGE_AUTHORITY);
    rvm_cap_handle_t weak;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_PARTITION, x, RVM_RIGHT_WRITE, 0, ctl, &weak), RVM_OK);
    expect_rejected(ctl, weak, RVM_MERGE_AUTHORITY);
    nonce = 1;
    rvm_cap_policy_ctx_t p = policy();
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.caps, auth, &p), RVM_OK);
    nonce = 1;
    expect_rejected(ctl, auth, RVM_MERGE_AUTHORITY);
}
END_TEST

START_TEST(reject_capacity)
{
    for (uint32_t t = 0; t < 9; t++) {
        ck_assert_int_eq(rvm_part_task_add(fx.parts, x, t), RVM_OK);
        ck_assert_int_eq(rvm_part_task_add(fx.parts, y, 100 + t), RVM_OK);
    }
    expect_rejected(ctl, auth, RVM_MERGE_CAPACITY);
}
END_TEST

START_TEST(merge_moves_everything)
{
    rvm_partition_id_t q = fx_running();
    rvm_edge_id_t yq;
    rvm_edge_id_t qy;
    rvm_cap_handle_t yq_tx;
    rvm_cap_handle_t yq_rx;
    rvm_cap_handle_t qy_tx;
    rvm_cap_handle_t qy_rx;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, y, q, 0x55, &yq, &yq_tx, &yq_rx), RVM_OK);
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, q, y, 0x66, &qy, &qy_tx, &qy_rx), RVM_OK);
    ck_assert_int_eq(rvm_part_task_add(fx.parts, x, 1), RVM_OK);
    ck_assert_int_eq(rvm_part_task_add(fx.parts, y, 2), RVM_OK);
    ck_assert_int_eq(rvm_part_task_add(fx.parts, y, 3), RVM_OK);
    rvm_region_desc_t rx = { 10, 0x10000, 4, RVM_REGION_READ | RVM_REGION_WRITE };
    rvm_region_desc_t ry = { 11, 0x20000, 2, RVM_REGION_READ | RVM_REGION_WRITE };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, x, &rx), RVM_OK);
    ck_assert_int_eq(rvm_part_region_add(fx.parts, y, &ry), RVM_OK);
    rvm_cap_handle_t region_cap;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_REGION, 11, RVM_RIGHT_READ | RVM_RIGHT_WRITE, 9, y,
                                         &region_cap),
                     RVM_OK);
    ck_assert_int_eq(rvm_part_cap_add(fx.parts, y, region_cap), RVM_OK);
    uint32_t dev;
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_NETWORK, 0x50000000, 0x1000, 3, &dev), RVM_OK);
    rvm_lease_id_t lease;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, dev, y, 100, 0, 0, &lease), RVM_OK);
    uint32_t maps = fx.maps;

    uint64_t before = fx_records();
    rvm_cap_policy_ctx_t p = policy();
    uint8_t reason = 0xFF;
    ck_assert_int_eq(rvm_part_merge(&w, ctl, auth, &p, x, y, 10000, &reason), RVM_OK);
    ck_assert_uint_eq(reason, RVM_MERGE_OK);

    rvm_witness_record_t r = fx_record(before);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_MERGE);
    ck_assert_uint_eq(r.proof_tier, 2);
    ck_assert_uint_eq(r.flags, 0);
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_REGION_TRANSFER), 1);
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_EDGE_RELOCATED), 2);
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_COMM_EDGE_DESTROY), 1);
    ck_assert_uint_eq(fx_last().action_kind, RVM_ACTION_PARTITION_DESTROY);
    ck_assert_uint_eq(fx_last().target_object_id, y);

    /* The absorbed partition is gone; the absorber holds everything. */
    ck_assert_ptr_null(rvm_part_get(fx.parts, y));
    const rvm_partition_t *px = rvm_part_get(fx.parts, x);
    ck_assert_uint_eq(px->task_count, 3);
    ck_assert_uint_eq(px->tasks[1], 2);
    ck_assert_uint_eq(px->tasks[2], 3);
    ck_assert_uint_eq(px->region_count, 2);
    rvm_region_desc_t got;
    ck_assert_int_eq(rvm_part_region_find(fx.parts, x, 11, &got), RVM_OK);
    ck_assert_uint_eq(got.base, 0x20000);
    /* Edge x->y became internal and is gone; y<->q now join x and q, with the same badges. */
    uint64_t wgt;
    ck_assert_int_eq(rvm_ipc_weight(fx.ipc, xy, &wgt), RVM_ERR_PARTITION_NOT_FOUND);
    rvm_partition_id_t s;
    rvm_partition_id_t d;
    ck_assert_int_eq(rvm_ipc_endpoints(fx.ipc, yq, &s, &d), RVM_OK);
    ck_assert_uint_eq(s, x);
    ck_assert_uint_eq(d, q);
    ck_assert_int_eq(rvm_ipc_endpoints(fx.ipc, qy, &s, &d), RVM_OK);
    ck_assert_uint_eq(s, q);
    ck_assert_uint_eq(d, x);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, yq, x, yq_tx, 0, "z", 1), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, qy, q, qy_tx, 0, "z", 1), RVM_OK);
    /* x's new receive capability is in its view; find it and receive. */
    rvm_ipc_msg_t m;
    bool got_msg = false;
    for (uint32_t i = 0; i < px->cap_count && !got_msg; i++) {
        rvm_cap_info_t info;
        ck_assert_int_eq(rvm_cap_lookup(&fx.caps, px->caps[i], &info), RVM_OK);
        ck_assert_uint_eq(info.owner, x);
        if (info.object_id == qy && info.token.type == RVM_OBJ_COMM_EDGE) {
            ck_assert_int_eq(rvm_ipc_recv(fx.ipc, qy, x, px->caps[i], &m, &got_msg), RVM_OK);
        }
    }
    ck_assert(got_msg);
    ck_assert_uint_eq(m.badge, 0x66);
    /* The region capability was re-issued to x with the same rights and badge; y's is gone. */
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, region_cap, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    bool found = false;
    for (uint32_t i = 0; i < px->cap_count; i++) {
        rvm_cap_info_t info;
        ck_assert_int_eq(rvm_cap_lookup(&fx.caps, px->caps[i], &info), RVM_OK);
        if (info.token.type == RVM_OBJ_REGION && info.object_id == 11) {
            ck_assert_uint_eq(info.token.rights, RVM_RIGHT_READ | RVM_RIGHT_WRITE);
            ck_assert_uint_eq(info.badge, 9);
            found = true;
        }
    }
    ck_assert(found);
    /* The lease now belongs to x: mapped into x, unmapped from y. */
    rvm_partition_id_t holder;
    ck_assert_int_eq(rvm_lease_holder(fx.leases, dev, &holder), RVM_OK);
    ck_assert_uint_eq(holder, x);
    ck_assert_uint_eq(fx.maps, maps + 1);
    ck_assert_uint_eq(fx.last_map.part, x);
    ck_assert_uint_eq(fx.last_unmap.part, y);
    fx_assert_chain();
}
END_TEST

START_TEST(bad_arguments)
{
    rvm_cap_policy_ctx_t p = policy();
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_part_merge(&w, ctl, auth, &p, x, x, 7000, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_part_merge(&w, ctl, auth, &p, x, 999, 7000, NULL), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_part_merge(NULL, ctl, auth, &p, x, y, 7000, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(), before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-merge");
    TCase *tc = tcase_create("merge");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reject_no_edge);
    tcase_add_test(tc, reject_coherence);
    tcase_add_test(tc, reject_lease_conflict);
    tcase_add_test(tc, reject_lease_count);
    tcase_add_test(tc, reject_region_overlap);
    tcase_add_test(tc, read_only_overlap_is_fine);
    tcase_add_test(tc, reject_cap_intersection);
    tcase_add_test(tc, reject_state);
    tcase_add_test(tc, reject_authority);
    tcase_add_test(tc, reject_capacity);
    tcase_add_test(tc, merge_moves_everything);
    tcase_add_test(tc, bad_arguments);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
