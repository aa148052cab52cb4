/* IPC (§8.4): capability-checked one-directional channels, badges, bounded rings, zero-copy shares, notifications. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/ipc.h>

#include "fixture.h"

static rvm_partition_id_t a;
static rvm_partition_id_t b;
static rvm_edge_id_t edge;
static rvm_cap_handle_t tx;
static rvm_cap_handle_t rx;

#define BADGE 0xB0B0CAFEull

static void setup(void)
{
    fx_open(RVM_WITNESS_OVERWRITE_OLDEST);
    a = fx_running();
    b = fx_running();
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, a, b, BADGE, &edge, &tx, &rx), RVM_OK);
}
static void teardown(void) { fx_close(); }

static uint8_t msg48[48];

static void fill48(uint8_t seed)
{
    for (unsigned i = 0; i < 48; i++) {
        msg48[i] = (uint8_t)(seed + i * 7u);
    }
}

START_TEST(create_records_and_caps)
{
    ck_assert_uint_eq(edge, 1);
    ck_assert_uint_eq(rvm_ipc_channel_count(fx.ipc), 1);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_COMM_EDGE_CREATE);
    ck_assert_uint_eq(r.actor_partition_id, a);
    ck_assert_uint_eq(r.target_object_id, b);
    ck_assert_uint_eq(rvm_le64_load(r.payload), edge);
    rvm_cap_info_t i;
    ck_assert_int_eq(rvm_cap_lookup(&fx.caps, tx, &i), RVM_OK);
    ck_assert_uint_eq(i.owner, a);
    ck_assert_uint_eq(i.object_id, edge);
    ck_assert_uint_eq(i.token.rights, RVM_RIGHT_WRITE);
    ck_assert_uint_eq(i.token.type, RVM_OBJ_COMM_EDGE);
    ck_assert_uint_eq(i.badge, BADGE);
    ck_assert_int_eq(rvm_cap_lookup(&fx.caps, rx, &i), RVM_OK);
    ck_assert_uint_eq(i.owner, b);
    ck_assert_uint_eq(i.token.rights, RVM_RIGHT_READ);
    ck_assert_uint_eq(rvm_part_get(fx.parts, a)->cap_count, 1);
    ck_assert_uint_eq(rvm_part_get(fx.parts, b)->cap_count, 1);
    rvm_partition_id_t s;
    rvm_partition_id_t d;
    ck_assert_int_eq(rvm_ipc_endpoints(fx.ipc, edge, &s, &d), RVM_OK);
    ck_assert_uint_eq(s, a);
    ck_assert_uint_eq(d, b);
    ck_assert(rvm_ipc_adjacent(fx.ipc, a, b));
    ck_assert(rvm_ipc_adjacent(fx.ipc, b, a));
    rvm_edge_id_t e2;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, a, a, 0, &e2, &tx, &rx), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, a, 99, 0, &e2, &tx, &rx), RVM_ERR_PARTITION_NOT_FOUND);
}
END_TEST

START_TEST(send_receive_inline)
{
    fill48(3);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 7, msg48, 48), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 8, "hi", 2), RVM_OK);
    uint64_t w;
    ck_assert_int_eq(rvm_ipc_weight(fx.ipc, edge, &w), RVM_OK);
    ck_assert_uint_eq(w, 2);
    rvm_ipc_msg_t m;
    bool got;
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_OK);
    ck_assert(got);
    ck_assert_uint_eq(m.sender, a);
    ck_assert_uint_eq(m.receiver, b);
    ck_assert_uint_eq(m.edge, edge);
    ck_assert_uint_eq(m.sequence, 0);
    ck_assert_uint_eq(m.badge, BADGE);
    ck_assert_uint_eq(m.msg_type, 7);
    ck_assert_uint_eq(m.kind, RVM_IPC_INLINE);
    ck_assert_uint_eq(m.payload_len, 48);
    ck_assert_mem_eq(m.payload, msg48, 48);
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_OK);
    ck_assert(got);
    ck_assert_uint_eq(m.sequence, 1);
    ck_assert_uint_eq(m.payload_len, 2);
    ck_assert_mem_eq(m.payload, "hi", 2);
    ck_assert_uint_eq(m.payload[2], 0);
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_OK);
    ck_assert(!got);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 7, msg48, 49), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 7, NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 7, NULL, 0), RVM_OK);
}
END_TEST

START_TEST(capability_checks)
{
    rvm_partition_id_t c = fx_running();
    /* Wrong direction: the destination may not send, the source may not receive. */
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, b, rx, 0, msg48, 1), RVM_ERR_INSUFFICIENT_CAPABILITY);
    rvm_ipc_msg_t m;
    bool got;
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, a, tx, &m, &got), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* The source with the READ handle, the destination with the WRITE handle: rights missing. */
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, rx, 0, msg48, 1), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, tx, &m, &got), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* Forged handle. */
    rvm_cap_handle_t forged = { tx.index, tx.generation + 1 };
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, forged, 0, msg48, 1), RVM_ERR_INVALID_HANDLE);
    /* A WRITE capability to another edge. */
    rvm_edge_id_t e2;
    rvm_cap_handle_t tx2;
    rvm_cap_handle_t rx2;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, a, c, 1, &e2, &tx2, &rx2), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx2, 0, msg48, 1), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* A WRITE capability of the right type and edge but owned by someone else. */
    rvm_cap_handle_t other;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_COMM_EDGE, edge, RVM_RIGHT_WRITE, 5, c, &other),
                     RVM_OK);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, other, 0, msg48, 1), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* Wrong object type. */
    rvm_cap_handle_t region_cap;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_REGION, edge, RVM_RIGHT_WRITE, 0, a, &region_cap),
                     RVM_OK);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, region_cap, 0, msg48, 1), RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    /* Stale after the edge's epoch moves on. */
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.caps, 0, RVM_OBJ_COMM_EDGE, edge), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 0, msg48, 1), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_ERR_STALE_CAPABILITY);
    /* Unknown edge. */
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, 77, a, tx2, 0, msg48, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, 0, a, tx2, 0, msg48, 1), RVM_ERR_PARTITION_NOT_FOUND);
    uint32_t n;
    ck_assert_int_eq(rvm_ipc_pending(fx.ipc, edge, &n), RVM_OK);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(badge_is_the_kernels)
{
    rvm_partition_id_t c = fx_running();
    rvm_edge_id_t e2;
    rvm_cap_handle_t tx2;
    rvm_cap_handle_t rx2;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, c, b, 0x77, &e2, &tx2, &rx2), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, e2, c, tx2, 0, msg48, 4), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 0, msg48, 4), RVM_OK);
    rvm_ipc_msg_t m;
    bool got;
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, e2, b, rx2, &m, &got), RVM_OK);
    ck_assert_uint_eq(m.badge, 0x77);
    ck_assert_uint_eq(m.sender, c);
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_OK);
    ck_assert_uint_eq(m.badge, BADGE);
}
END_TEST

START_TEST(full_ring_refuses)
{
    for (unsigned i = 0; i < RVM_IPC_QUEUE_DEPTH; i++) {
        fill48((uint8_t)i);
        ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, (uint16_t)i, msg48, 48), RVM_OK);
    }
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 99, msg48, 48), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    uint64_t w;
    ck_assert_int_eq(rvm_ipc_weight(fx.ipc, edge, &w), RVM_OK);
    ck_assert_uint_eq(w, RVM_IPC_QUEUE_DEPTH);
    for (unsigned i = 0; i < RVM_IPC_QUEUE_DEPTH; i++) {
        rvm_ipc_msg_t m;
        bool got;
        ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_OK);
        ck_assert(got);
        ck_assert_uint_eq(m.msg_type, i);
        ck_assert_uint_eq(m.sequence, i);
        fill48((uint8_t)i);
        ck_assert_mem_eq(m.payload, msg48, 48);
    }
    /* Wrap-around keeps working. */
    for (unsigned i = 0; i < 3 * RVM_IPC_QUEUE_DEPTH; i++) {
        rvm_ipc_msg_t m;
        bool got;
        ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, (uint16_t)i, msg48, 1), RVM_OK);
        ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_OK);
        ck_assert_uint_eq(m.sequence, RVM_IPC_QUEUE_DEPTH + i);
    }
}
END_TEST

START_TEST(zero_copy_region)
{
    rvm_region_desc_t d = { 40, 0x100000, 8, RVM_REGION_READ | RVM_REGION_WRITE };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, a, &d), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send_region(fx.ipc, edge, a, tx, 3, 41), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_ipc_send_region(fx.ipc, edge, b, rx, 3, 40), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_uint_eq(fx.shares, 0);
    ck_assert_int_eq(rvm_ipc_send_region(fx.ipc, edge, a, tx, 3, 40), RVM_OK);
    ck_assert_uint_eq(fx.shares, 1);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_ZERO_COPY_SHARE);
    ck_assert_uint_eq(r.actor_partition_id, a);
    ck_assert_uint_eq(r.target_object_id, 40);
    ck_assert_uint_eq(rvm_le64_load(r.payload), edge);
    rvm_ipc_msg_t m;
    bool got;
    ck_assert_int_eq(rvm_ipc_recv(fx.ipc, edge, b, rx, &m, &got), RVM_OK);
    ck_assert_uint_eq(m.kind, RVM_IPC_REGION);
    ck_assert_uint_eq(m.region.id, 40);
    ck_assert_uint_eq(m.region.base, 0x100000);
    ck_assert_uint_eq(m.region.pages, 8);
    ck_assert_uint_eq(m.region.flags, RVM_REGION_READ);
    ck_assert_uint_eq(m.badge, BADGE);
    /* The sender keeps its own rights. */
    rvm_region_desc_t own;
    ck_assert_int_eq(rvm_part_region_find(fx.parts, a, 40, &own), RVM_OK);
    ck_assert_uint_eq(own.flags, RVM_REGION_READ | RVM_REGION_WRITE);
    ck_assert_int_eq(rvm_ipc_unshare(fx.ipc, edge, a, 40), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_ipc_unshare(fx.ipc, edge, b, 40), RVM_OK);
    ck_assert_uint_eq(fx.unshares, 1);
    ck_assert_uint_eq(fx_last().action_kind, RVM_ACTION_REGION_UNSHARE);
    ck_assert_int_eq(rvm_ipc_unshare(fx.ipc, edge, b, 40), RVM_ERR_NOT_FOUND);
    /* A write-only region cannot be shared read-only. */
    rvm_region_desc_t wo = { 41, 0x200000, 1, RVM_REGION_WRITE };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, a, &wo), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send_region(fx.ipc, edge, a, tx, 3, 41), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* Destroying the channel undoes what is still shared. */
    ck_assert_int_eq(rvm_ipc_send_region(fx.ipc, edge, a, tx, 3, 40), RVM_OK);
    ck_assert_int_eq(rvm_ipc_destroy(fx.ipc, edge), RVM_OK);
    ck_assert_uint_eq(fx.unshares, 2);
}
END_TEST

START_TEST(notification_words)
{
    uint64_t bits;
    ck_assert_int_eq(rvm_ipc_notify(fx.ipc, edge, a, tx, 0x5), RVM_OK);
    ck_assert_int_eq(rvm_ipc_notify(fx.ipc, edge, a, tx, 0x100), RVM_OK);
    ck_assert_int_eq(rvm_ipc_notify(fx.ipc, edge, b, rx, 0x1), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_ipc_wait(fx.ipc, edge, a, tx, 0x1, &bits), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_ipc_wait(fx.ipc, edge, b, rx, 0x3, &bits), RVM_OK);
    ck_assert_uint_eq(bits, 0x1);
    ck_assert_int_eq(rvm_ipc_wait(fx.ipc, edge, b, rx, 0x3, &bits), RVM_OK);
    ck_assert_uint_eq(bits, 0);
    ck_assert_int_eq(rvm_ipc_wait(fx.ipc, edge, b, rx, UINT64_MAX, &bits), RVM_OK);
    ck_assert_uint_eq(bits, 0x104);
    ck_assert_int_eq(rvm_ipc_wait(fx.ipc, edge, b, rx, UINT64_MAX, &bits), RVM_OK);
    ck_assert_uint_eq(bits, 0);
}
END_TEST

START_TEST(destroy_revokes)
{
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_ipc_destroy(fx.ipc, edge), RVM_OK);
    /* The edge's record comes first, then librvmcap's two revocations. */
    ck_assert_uint_eq(fx_records(), before + 3);
    ck_assert_uint_eq(fx_record(before + 1).action_kind, RVM_ACTION_CAPABILITY_REVOKE);
    rvm_witness_record_t r = fx_record(before);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_COMM_EDGE_DESTROY);
    ck_assert_uint_eq(rvm_le64_load(r.payload), edge);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, tx, RVM_RIGHT_WRITE), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, rx, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_ipc_send(fx.ipc, edge, a, tx, 0, msg48, 1), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_ipc_destroy(fx.ipc, edge), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_uint_eq(rvm_ipc_channel_count(fx.ipc), 0);
    ck_assert_uint_eq(rvm_part_get(fx.parts, a)->cap_count, 0);
    ck_assert(!rvm_ipc_adjacent(fx.ipc, a, b));
    /* Ids are never reused. */
    rvm_edge_id_t e2;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, a, b, 0, &e2, &tx, &rx), RVM_OK);
    ck_assert_uint_eq(e2, 2);
}
END_TEST

START_TEST(table_full_and_release)
{
    rvm_partition_id_t p[16];
    for (unsigned i = 0; i < 16; i++) {
        p[i] = fx_running();
    }
    rvm_edge_id_t e;
    for (unsigned i = 1; i < RVM_IPC_MAX_CHANNELS; i++) {
        ck_assert_int_eq(rvm_ipc_create(fx.ipc, p[i % 16], p[(i + 1) % 16], i, &e, &tx, &rx), RVM_OK);
    }
    ck_assert_uint_eq(rvm_ipc_channel_count(fx.ipc), RVM_IPC_MAX_CHANNELS);
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, p[0], p[5], 0, &e, &tx, &rx), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    /* Every channel is still found (placed by id modulo capacity). */
    for (rvm_edge_id_t k = 1; k <= RVM_IPC_MAX_CHANNELS; k++) {
        uint64_t w;
        ck_assert_int_eq(rvm_ipc_weight(fx.ipc, k, &w), RVM_OK);
    }
    ck_assert_int_eq(rvm_ipc_release_partition(fx.ipc, p[3]), RVM_OK);
    ck_assert_uint_eq(rvm_ipc_channel_count(fx.ipc), RVM_IPC_MAX_CHANNELS - 16);
    ck_assert_uint_eq(rvm_part_get(fx.parts, p[3])->cap_count, 0);
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, p[0], p[5], 0, &e, &tx, &rx), RVM_OK);
    ck_assert_uint_eq(e, RVM_IPC_MAX_CHANNELS + 1);
    fx_assert_chain();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-ipc");
    TCase *tc = tcase_create("ipc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, create_records_and_caps);
    tcase_add_test(tc, send_receive_inline);
    tcase_add_test(tc, capability_checks);
    tcase_add_test(tc, badge_is_the_kernels);
    tcase_add_test(tc, full_ring_refuses);
    tcase_add_test(tc, zero_copy_region);
    tcase_add_test(tc, notification_words);
    tcase_add_test(tc, destroy_revokes);
    tcase_add_test(tc, table_full_and_release);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
