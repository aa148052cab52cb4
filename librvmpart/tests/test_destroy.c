/* Partition destruction (§8.1 operation contract): leases, edges, shares and capabilities released, each witnessed. */
#include <check.h>
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/part_world.h>
#include <rvm/vmid.h>

#include "fixture.h"

static rvm_partition_id_t x;
static rvm_partition_id_t y;
static rvm_part_world_t w;

static void setup(void)
{
    fx_open(RVM_WITNESS_OVERWRITE_OLDEST);
    x = fx_running();
    y = fx_running();
    rvm_edge_id_t e;
    rvm_cap_handle_t t;
    rvm_cap_handle_t r;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, x, y, 1, &e, &t, &r), RVM_OK);
    w = (rvm_part_world_t){ fx.parts, fx.ipc, fx.leases, &fx.caps };
}
static void teardown(void) { fx_close(); }

START_TEST(destroy_releases_everything)
{
    uint32_t dev;
    rvm_lease_id_t lease;
    ck_assert_int_eq(rvm_lease_register_device(fx.leases, RVM_DEVICE_NETWORK, 0x50000000, 0x1000, 3, &dev), RVM_OK);
    ck_assert_int_eq(rvm_lease_grant(fx.leases, dev, y, 100, 0, 0, &lease), RVM_OK);
    rvm_region_desc_t ry = { 11, 0x20000, 2, RVM_REGION_READ };
    ck_assert_int_eq(rvm_part_region_add(fx.parts, y, &ry), RVM_OK);
    rvm_edge_id_t yx;
    rvm_cap_handle_t t;
    rvm_cap_handle_t r;
    ck_assert_int_eq(rvm_ipc_create(fx.ipc, y, x, 0, &yx, &t, &r), RVM_OK);
    ck_assert_int_eq(rvm_ipc_send_region(fx.ipc, yx, y, t, 0, 11), RVM_OK);
    rvm_cap_handle_t own;
    ck_assert_int_eq(rvm_cap_create_root(&fx.caps, 0, RVM_OBJ_REGION, 11, RVM_RIGHTS_ALL & ~RVM_RIGHT_GRANT_ONCE, 0, y,
                                         &own),
                     RVM_OK);
    ck_assert_int_eq(rvm_part_cap_add(fx.parts, y, own), RVM_OK);
    rvm_cap_handle_t given;
    ck_assert_int_eq(rvm_cap_grant(&fx.caps, y, own, RVM_RIGHT_READ, 0, x, &given), RVM_OK);
    uint16_t v;
    bool fresh;
    ck_assert_int_eq(rvm_vmid_acquire(fx.parts, y, 1, &v, &fresh), RVM_OK);
    ck_assert_int_eq(rvm_part_destroy(&w, y), RVM_ERR_INVALID_PARTITION_STATE);
    ck_assert_int_eq(rvm_vmid_descheduled(fx.parts, y), RVM_OK);
    uint64_t before = fx_records();
    ck_assert_int_eq(rvm_part_destroy(&w, y), RVM_OK);
    ck_assert_ptr_null(rvm_part_get(fx.parts, y));
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_DEVICE_LEASE_REVOKE), 1);
    ck_assert_uint_eq(fx_count_kind(before, RVM_ACTION_COMM_EDGE_DESTROY), 2);
    ck_assert_uint_eq(fx_last().action_kind, RVM_ACTION_PARTITION_DESTROY);
    ck_assert_uint_eq(fx.unmaps, 1);
    ck_assert_uint_eq(fx.unshares, 1);
    ck_assert_uint_eq(fx.flushes, 1);
    ck_assert_uint_eq(rvm_ipc_channel_count(fx.ipc), 0);
    rvm_partition_id_t holder;
    ck_assert_int_eq(rvm_lease_holder(fx.leases, dev, &holder), RVM_OK);
    ck_assert_uint_eq(holder, 0);
    /* What it delegated went with it. */
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.caps, given, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_part_destroy(&w, y), RVM_ERR_PARTITION_NOT_FOUND);
    fx_assert_chain();
}
END_TEST

START_TEST(destroy_suspended_and_bad_arguments)
{
    ck_assert_int_eq(rvm_part_destroy(NULL, y), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_part_destroy(&w, 0), RVM_ERR_PARTITION_NOT_FOUND);
    rvm_part_world_t partial = w;
    partial.caps = NULL;
    ck_assert_int_eq(rvm_part_destroy(&partial, y), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_part_transition(fx.parts, x, RVM_PARTITION_SUSPENDED), RVM_OK);
    ck_assert_int_eq(rvm_part_destroy(&w, x), RVM_OK);
    ck_assert_uint_eq(rvm_ipc_channel_count(fx.ipc), 0);
    ck_assert_uint_eq(rvm_part_get(fx.parts, y)->cap_count, 0);
    ck_assert_uint_eq(rvm_part_count(fx.parts), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmpart-destroy");
    TCase *tc = tcase_create("destroy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, destroy_releases_everything);
    tcase_add_test(tc, destroy_suspended_and_bad_arguments);
    suite_add_tcase(s, tc);
    return fx_run_suite(s);
}
