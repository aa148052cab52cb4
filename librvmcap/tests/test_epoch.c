/* Epoch-based invalidation: per object and global (spec §5.6). */
#include <check.h>
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>

#include "fixture.h"

static fixture_t fx;

static void setup(void) { fx_open(&fx, 64, 8, 1024, RVM_WITNESS_OVERWRITE_OLDEST, NULL); }
static void teardown(void) { fx_close(&fx); }

START_TEST(object_bump_stales_every_handle_to_that_object_only)
{
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_REGION, 7, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t a1 = fx_grant(&fx, 1, a, ALL_BUT_ONCE, 2);
    rvm_cap_handle_t a2 = fx_grant(&fx, 2, a1, RVM_RIGHT_READ, 3);
    rvm_cap_handle_t a_again = fx_root(&fx, RVM_OBJ_REGION, 7, RVM_RIGHT_READ, 4);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_REGION, 8, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t c = fx_root(&fx, RVM_OBJ_DEVICE, 7, ALL_BUT_ONCE, 1);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 7), RVM_OK);
    const rvm_cap_handle_t stale[] = { a, a1, a2, a_again };
    for (unsigned i = 0; i < 4; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, stale[i], RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
        /* Stale wins over missing rights and type mismatch, loses to a bad handle. */
        ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, stale[i], 0x7F, RVM_OBJ_VCPU), RVM_ERR_STALE_CAPABILITY);
        rvm_cap_handle_t wrong = { stale[i].index, stale[i].generation + 1 };
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, wrong, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, stale[i], 8), RVM_ERR_STALE_CAPABILITY);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, b, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, c, RVM_RIGHT_READ), RVM_OK);
    /* A capability made after the bump carries the new epoch. */
    rvm_cap_handle_t fresh = fx_root(&fx, RVM_OBJ_REGION, 7, RVM_RIGHT_READ, 1);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, fresh, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, 1);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, fresh, RVM_RIGHT_READ), RVM_OK);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_CREATE_ROOT);
    ck_assert_uint_eq(fx.m.stats.epoch_bumps, 1);
}
END_TEST

START_TEST(object_bump_record_and_errors)
{
    fx_root(&fx, RVM_OBJ_SCHEDULER, 0x1122334455ull, RVM_RIGHT_READ, 1);
    uint64_t records = fx_records(&fx);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 1, RVM_OBJ_SCHEDULER, 0x1122334455ull),
                     RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_SCHEDULER, 1), RVM_ERR_NOT_FOUND);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, 200, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(NULL, 0, RVM_OBJ_SCHEDULER, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(&fx), records);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_SCHEDULER, 0x1122334455ull), RVM_OK);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_EPOCH_BUMP);
    ck_assert_uint_eq(r.proof_tier, 1);
    ck_assert_uint_eq(r.actor_partition_id, 0);
    ck_assert_uint_eq(r.target_object_id, 0x1122334455ull);
    ck_assert_uint_eq(r.payload[0], 1);  /* new epoch, little-endian */
    ck_assert_uint_eq(r.payload[4], RVM_OBJ_SCHEDULER);
}
END_TEST

START_TEST(global_bump_stales_everything)
{
    rvm_cap_handle_t h[6];
    for (int i = 0; i < 6; i++) {
        h[i] = fx_root(&fx, (uint8_t)(i % 3), (uint64_t)i, ALL_BUT_ONCE, 1);
    }
    rvm_cap_handle_t d = fx_grant(&fx, 1, h[0], RVM_RIGHT_READ, 2);
    uint64_t records = fx_records(&fx);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 5), RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(NULL, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(fx_records(&fx), records);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 0), RVM_OK);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, h[i], 0), RVM_ERR_STALE_CAPABILITY);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, d, 0), RVM_ERR_STALE_CAPABILITY);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_GLOBAL_EPOCH_BUMP);
    ck_assert_uint_eq(r.payload[0], 1);
    /* New capabilities verify again; a second bump stales them too. */
    rvm_cap_handle_t n = fx_root(&fx, RVM_OBJ_REGION, 0, RVM_RIGHT_READ, 1);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, n, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 0), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, n, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    ck_assert_uint_eq(fx.m.stats.epoch_bumps, 2);
}
END_TEST

START_TEST(initial_epoch_and_wrap)
{
    fx_close(&fx);
    rvm_cap_config_t cfg;
    rvm_cap_config_default(&cfg);
    cfg.initial_epoch = UINT32_MAX;
    fx_open(&fx, 8, 2, 64, RVM_WITNESS_OVERWRITE_OLDEST, &cfg);
    rvm_cap_handle_t h = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 1);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, UINT32_MAX);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, h, RVM_RIGHT_READ), RVM_ERR_STALE_CAPABILITY);
    rvm_cap_handle_t h2 = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 1);
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h2, &info), RVM_OK);
    ck_assert_uint_eq(info.token.epoch, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rvmcap-epoch");
    TCase *tc = tcase_create("epoch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, object_bump_stales_every_handle_to_that_object_only);
    tcase_add_test(tc, object_bump_record_and_errors);
    tcase_add_test(tc, global_bump_stales_everything);
    tcase_add_test(tc, initial_epoch_and_wrap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
