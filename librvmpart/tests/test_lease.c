/* Device leases (§8.5): grant, check, revoke, expiry from the tick, conflicts, and the stage-2 map/unmap. */
#include <check.h>
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/device_lease.h>
#include <rvm/endian.h>

#include "fixture.h"

static rvm_partition_id_t a;
static rvm_partition_id_t b;
static uint32_t net;
static uint32_t disk;

static void setup(void)
{
    fx_open(RVM_WITNESS_OVERWRITE_OLDEST);
    a = fx_running();
    b = fx_running();
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_NETWORK, 0x0a000000, 0x1000, 40, &net),
                     RVM_OK);
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_STORAGE, 0x0a001000, 0x2000,
                                               RVM_DEVICE_NO_IRQ, &disk),
                     RVM_OK);
}
static void teardown(void) { fx_close(); }

START_TEST(register_rules)
{
    ck_assert_uint_eq(net, 0);
    ck_assert_uint_eq(disk, 1);
    uint32_t id;
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, 9, 0x1000, 0x1000, 0, &id), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, 0, 0x1001, 0x1000, 0, &id), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, 0, 0x1000, 0, 0, &id), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, 0, UINT64_MAX & ~0xFFFull, 0x2000, 0, &id),
                     RVM_ERR_INVALID_ARGUMENT);
    for (unsigned i = 2; i < RVM_LEASE_MAX_DEVICES; i++) {
        ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_GENERIC, 0x1000 * i, 0x1000, 0, &id),
                         RVM_OK);
        ck_assert_uint_eq(id, i);
    }
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, 0, 0x1000, 0x1000, 0, &id),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
}
END_TEST

START_TEST(grant_maps_and_witnesses)
{
    rvm_lease_id_t l;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, 10, 100, 0xABCD, &l), RVM_OK);
    ck_assert_uint_eq(l, 1);
    ck_assert_uint_eq(fx.maps, 1);
    ck_assert_uint_eq(fx.last_map.part, a);
    ck_assert_uint_eq(fx.last_map.base, 0x0a000000);
    ck_assert_uint_eq(fx.last_map.size, 0x1000);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_DEVICE_LEASE_GRANT);
    ck_assert_uint_eq(r.actor_partition_id, a);
    ck_assert_uint_eq(r.target_object_id, net);
    ck_assert_uint_eq(r.capability_hash, 0xABCD);
    ck_assert_uint_eq(rvm_le64_load(r.payload), l);
    rvm_partition_id_t h;
    ck_assert_int_eq(rvm_lease_holder(fx.leases, net, &h), RVM_OK);
    ck_assert_uint_eq(h, a);
    rvm_lease_t got;
    ck_assert_int_eq(rvm_lease_get(fx.leases, l, &got), RVM_OK);
    ck_assert_uint_eq(got.granted_epoch, 100);
    ck_assert_uint_eq(got.expiry_epoch, 110);
    ck_assert_uint_eq(rvm_lease_count_of(fx.leases, a), 1);
}
END_TEST

START_TEST(conflicts_and_bad_grants)
{
    rvm_lease_id_t l;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, 10, 0, 0, &l), RVM_OK);
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, b, 10, 0, 0, &l), RVM_ERR_DEVICE_LEASE_CONFLICT);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, 10, 0, 0, &l), RVM_ERR_DEVICE_LEASE_CONFLICT);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, 7, b, 10, 0, 0, &l), RVM_ERR_DEVICE_LEASE_NOT_FOUND);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, 99, 10, 0, 0, &l), RVM_ERR_PARTITION_NOT_FOUND);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, b, 0, 0, 0, &l), RVM_ERR_INVALID_ARGUMENT);
    rvm_partition_id_t created;
    ck_assert_int_eq(rvm_part_create(fx.parts, 0, 1, 0, &created), RVM_OK);
    before = fx_records();
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, created, 10, 0, 0, &l), RVM_ERR_INVALID_PARTITION_STATE);
    uint32_t uart;
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_SERIAL, 0x09000000, 0x1000, 33, &uart), RVM_OK);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, uart, b, 10, 0, 0, &l), RVM_ERR_DEVICE_LEASE_CONFLICT);
    ck_assert_uint_eq(fx_records(), before);
    ck_assert_uint_eq(fx.maps, 1);
    /* A failing map leaves nothing behind. */
    fx.map_result = RVM_ERR_OUT_OF_MEMORY;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, b, 10, 0, 0, &l), RVM_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(fx_records(), before);
    rvm_partition_id_t h;
    ck_assert_int_eq(rvm_lease_holder(fx.leases, disk, &h), RVM_OK);
    ck_assert_uint_eq(h, 0);
}
END_TEST

START_TEST(check_and_revoke)
{
    rvm_lease_id_t l;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, b, 5, 10, 0, &l), RVM_OK);
    ck_assert_int_eq(rvm_lease_check(fx.leases, l, 10), RVM_OK);
    ck_assert_int_eq(rvm_lease_check(fx.leases, l, 14), RVM_OK);
    ck_assert_int_eq(rvm_lease_check(fx.leases, l, 15), RVM_ERR_DEVICE_LEASE_EXPIRED);
    ck_assert_int_eq(rvm_lease_check(fx.leases, 99, 10), RVM_ERR_DEVICE_LEASE_NOT_FOUND);
    ck_assert_int_eq(rvm_lease_revoke(fx.leases, l), RVM_OK);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_DEVICE_LEASE_REVOKE);
    ck_assert_uint_eq(r.actor_partition_id, 0);
    ck_assert_uint_eq(r.target_object_id, 0);
    ck_assert_uint_eq(rvm_le64_load(r.payload), l);
    ck_assert_uint_eq(fx.unmaps, 1);
    ck_assert_uint_eq(fx.last_unmap.part, b);
    ck_assert_uint_eq(fx.last_unmap.base, 0x0a001000);
    ck_assert_uint_eq(fx.last_unmap.size, 0x2000);
    ck_assert_int_eq(rvm_lease_revoke(fx.leases, l), RVM_ERR_DEVICE_LEASE_NOT_FOUND);
    ck_assert_int_eq(rvm_lease_check(fx.leases, l, 10), RVM_ERR_DEVICE_LEASE_NOT_FOUND);
    /* The device is free again. */
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, a, 5, 10, 0, &l), RVM_OK);
    ck_assert_uint_eq(l, 2);
}
END_TEST

START_TEST(expiry_from_the_tick)
{
    rvm_lease_id_t l1;
    rvm_lease_id_t l2;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, 5, 0, 0x11, &l1), RVM_OK);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, b, 8, 0, 0x22, &l2), RVM_OK);
    uint32_t n;
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_lease_tick(fx.leases, 4, &n), RVM_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(fx_records(), before);
    ck_assert_int_eq(rvm_lease_tick(fx.leases, 5, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(fx_records(), before + 1);
    rvm_witness_record_t r = fx_last();
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_DEVICE_LEASE_EXPIRE);
    ck_assert_uint_eq(r.actor_partition_id, a);
    ck_assert_uint_eq(r.target_object_id, net);
    ck_assert_uint_eq(rvm_le64_load(r.payload), l1);
    ck_assert_uint_eq(fx.unmaps, 1);
    ck_assert_uint_eq(fx.last_unmap.part, a);
    ck_assert_int_eq(rvm_lease_check(fx.leases, l1, 5), RVM_ERR_DEVICE_LEASE_NOT_FOUND);
    ck_assert_int_eq(rvm_lease_check(fx.leases, l2, 5), RVM_OK);
    /* Several at once: one witness each. */
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, 1, 6, 0, &l1), RVM_OK);
    before = fx_records();
    ck_assert_int_eq(rvm_lease_tick(fx.leases, 100, &n), RVM_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_DEVICE_LEASE_EXPIRE), 2);
    ck_assert_uint_eq(fx.unmaps, 3);
    ck_assert_uint_eq(rvm_lease_count_of(fx.leases, a) + rvm_lease_count_of(fx.leases, b), 0);
    /* Expiry saturates instead of wrapping. */
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, UINT64_MAX, 5, 0, &l1), RVM_OK);
    ck_assert_int_eq(rvm_lease_check(fx.leases, l1, UINT64_MAX - 1), RVM_OK);
    fx_assert_chain();
}
END_TEST

START_TEST(ending_a_lease_invalidates_device_caps)
{
    rvm_cap_handle_t h1;
    rvm_cap_handle_t h2;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_DEVICE, net, RVM_RIGHT_READ | RVM_RIGHT_WRITE, 0, a, &h1),
                     RVM_OK);
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_DEVICE, disk, RVM_RIGHT_READ, 0, b, &h2), RVM_OK);
    rvm_lease_id_t l1;
    rvm_lease_id_t l2;
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, 5, 0, 0, &l1), RVM_OK);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, disk, b, 50, 0, 0, &l2), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, h1, RVM_RIGHT_WRITE), RVM_OK);
    uint64_t before = fx_records();
    uint32_t n;
    ck_assert_int_eq(rvm_lease_tick(fx.leases, 5, &n), RVM_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(fx_records(), before + 2);
    ck_assert_uint_eq(fx_record(before).action_kind, RVM_ACTION_CAPABILITY_EPOCH_BUMP);
    ck_assert_uint_eq(fx_record(before + 1).action_kind, RVM_ACTION_DEVICE_LEASE_EXPIRE);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, h1, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, h2, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_lease_revoke(fx.leases, l2), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, h2, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    /* The next holder's capability starts current. */
    rvm_cap_handle_t h3;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_DEVICE, net, RVM_RIGHT_READ, 0, b, &h3), RVM_OK);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, b, 5, 10, 0, &l1), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, h3, RVM_RIGHT_READ), RVM_OK);
    fx_assert_chain();
}
END_TEST

START_TEST(per_partition_and_table_limits)
{
    uint32_t dev[RVM_LEASE_MAX_DEVICES];
    for (unsigned i = 2; i < RVM_LEASE_MAX_DEVICES; i++) {
        ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_GENERIC, 0x100000 * i, 0x1000, 0, &dev[i]),
                         RVM_OK);
    }
    rvm_lease_id_t l;
    for (unsigned i = 2; i < 2 + RVM_MAX_LEASES_PER_PARTITION; i++) {
        ck_assert_int_eq(rvm_lease_grant(fx.leases, dev[i], a, 10, 0, 0, &l), RVM_OK);
    }
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, a, 10, 0, 0, &l), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, net, b, 10, 0, 0, &l), RVM_OK);
    ck_assert_int_eq(rvm_lease_release_partition(fx.leases, a), RVM_OK);
    ck_assert_uint_eq(rvm_lease_count_of(fx.leases, a), 0);
    ck_assert_uint_eq(fx.unmaps, RVM_MAX_LEASES_PER_PARTITION);
    ck_assert_uint_eq(rvm_lease_count_of(fx.leases, b), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-lease");
    TCase *tc = tcase_create("lease");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, register_rules);
    tcase_add_test(tc, grant_maps_and_witnesses);
    tcase_add_test(tc, conflicts_and_bad_grants);
    tcase_add_test(tc, check_and_revoke);
    tcase_add_test(tc, expiry_from_the_tick);
    tcase_add_test(tc, ending_a_lease_invalidates_device_caps);
    tcase_add_test(tc, per_partition_and_table_limits);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
