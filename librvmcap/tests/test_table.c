/* Table storage, root creation, handles and generations (spec §5.1, §5.2). */
#include <check.h>
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/librvmcap_version.h>

#include "fixture.h"

static fixture_t fx;

static void setup(void) { fx_open(&fx, 16, 8, 1024, RVM_WITNESS_OVERWRITE_OLDEST, NULL); }
static void teardown(void) { fx_close(&fx); }

START_TEST(init_rejects_bad_storage_and_config)
{
    rvm_cap_manager_t m;
    rvm_cap_storage_t st = fx.st;
    rvm_cap_config_t cfg;
    rvm_cap_config_default(&cfg);
    ck_assert_uint_eq(cfg.max_depth, 8);
    ck_assert_uint_eq(cfg.initial_epoch, 0);
    ck_assert_int_eq(rvm_cap_manager_init(NULL, &st, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_manager_init(&m, NULL, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, NULL, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, NULL), RVM_ERR_INVALID_ARGUMENT);
    st.capacity = 12;  /* not a power of two */
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    st.capacity = 1;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    st.capacity = 0;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    st = fx.st;
    st.object_capacity = 0;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    st.object_capacity = RVM_CAP_OBJECTS_MAX + 1;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    st = fx.st;
    st.worklist = NULL;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    st = fx.st;
    cfg.max_depth = 9;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, &cfg, &fx.log, fx.nonces), RVM_ERR_INVALID_ARGUMENT);
    cfg.max_depth = 0;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, &cfg, &fx.log, fx.nonces), RVM_OK);
    ck_assert_str_eq(RVM_CAP_VERSION_STRING, "0.2.0");
}
END_TEST

START_TEST(create_root_issues_generation_one_and_describes_it)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 0x1234, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 0xBADE,
                                         7, &h),
                     RVM_OK);
    ck_assert_uint_eq(h.generation, 1);
    ck_assert_uint_lt(h.index, 16);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h, &info), RVM_OK);
    ck_assert_uint_eq(info.token.id, 1);
    ck_assert_uint_eq(info.token.type, RVM_OBJ_REGION);
    ck_assert_uint_eq(info.token.rights, RVM_RIGHT_READ | RVM_RIGHT_GRANT);
    ck_assert_uint_eq(info.token.epoch, 0);
    ck_assert_uint_eq(info.object_id, 0x1234);
    ck_assert_uint_eq(info.badge, 0xBADE);
    ck_assert_uint_eq(info.owner, 7);
    ck_assert_uint_eq(info.depth, 0);
    ck_assert(rvm_cap_handle_eq(info.parent, RVM_CAP_HANDLE_NULL));
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, h, RVM_RIGHT_READ), RVM_OK);
    rvm_cap_stats_t st;
    ck_assert_int_eq(rvm_cap_get_stats(&fx.m, &st), RVM_OK);
    ck_assert_uint_eq(st.created, 1);
    ck_assert_uint_eq(st.live, 1);
}
END_TEST

START_TEST(create_root_validates_every_argument)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(NULL, 0, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 0, 1, &h),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 0, 1, NULL),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_TYPE_COUNT, 1, RVM_RIGHT_READ, 0, 1, &h),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 1, 0x80, 0, 1, &h), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 0,
                                         RVM_PARTITION_ID_MAX_LOGICAL + 1, &h),
                     RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 3, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 0, 1, &h),
                     RVM_ERR_GRANT_NOT_PERMITTED);
    ck_assert_uint_eq(fx_records(&fx), 0);
    ck_assert_uint_eq(fx.m.stats.live, 0);
}
END_TEST

START_TEST(table_full_and_object_table_full)
{
    rvm_cap_handle_t h;
    for (uint64_t i = 0; i < 16; i++) {
        ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, i % 8, RVM_RIGHTS_ALL, 0, 1, &h), RVM_OK);
    }
    uint64_t before = fx_records(&fx);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 0, RVM_RIGHT_READ, 0, 1, &h),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, h, RVM_RIGHT_READ, 0, 2, &h), RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_uint_eq(fx_records(&fx), before);

    /* Free slots remain, but all eight object entries are taken by other objects. */
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, h, NULL), RVM_OK);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 99, RVM_RIGHT_READ, 0, 1, &h),
                     RVM_ERR_RESOURCE_LIMIT_EXCEEDED);
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 3, RVM_RIGHT_READ, 0, 1, &h), RVM_OK);
}
END_TEST

START_TEST(object_entry_is_released_with_its_last_capability)
{
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_DEVICE, 5, RVM_RIGHTS_ALL, 1);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_DEVICE, 5, RVM_RIGHT_READ, 2);
    ck_assert_uint_eq(fx.m.cold[a.index].object, fx.m.cold[b.index].object);
    uint16_t obj = fx.m.cold[a.index].object;
    ck_assert_uint_eq(fx.m.objects[obj].refs, 2);
    /* Same id, other type: another object. */
    rvm_cap_handle_t c = fx_root(&fx, RVM_OBJ_REGION, 5, RVM_RIGHTS_ALL, 1);
    ck_assert_uint_ne(fx.m.cold[c.index].object, obj);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, a), RVM_OK);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, b), RVM_OK);
    ck_assert_uint_eq(fx.m.objects[obj].refs, 0);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_DEVICE, 5), RVM_ERR_NOT_FOUND);
}
END_TEST

START_TEST(freed_slot_is_reused_with_next_generation)
{
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, a), RVM_OK);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
    ck_assert_uint_eq(b.index, a.index);
    ck_assert_uint_eq(b.generation, a.generation + 1);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, a, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, b, RVM_RIGHT_READ), RVM_OK);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, a, &info), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, a), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, a, NULL), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, a, RVM_RIGHT_READ, 0, 2, &b), RVM_ERR_INVALID_HANDLE);
}
END_TEST

START_TEST(generation_wraps_past_zero)
{
    /* White box: age slot 0 to the last generation before the wrap. */
    fx.m.cold[0].next_generation = UINT32_MAX;
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
    ck_assert_uint_eq(a.index, 0);
    ck_assert_uint_eq(a.generation, UINT32_MAX);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, a, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, a), RVM_OK);
    ck_assert_uint_eq(fx.m.cold[0].next_generation, 1);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
    ck_assert_uint_eq(b.index, 0);
    ck_assert_uint_eq(b.generation, 1);
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, a, RVM_RIGHT_READ), RVM_ERR_INVALID_HANDLE);
    rvm_cap_handle_t zero = { 0, 0 };
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, zero, 0), RVM_ERR_INVALID_HANDLE);
}
END_TEST

START_TEST(hostile_handles_never_resolve)
{
    rvm_cap_handle_t live = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
    const rvm_cap_handle_t bad[] = {
        { 16, 1 }, { 17, 1 }, { UINT32_MAX, 1 }, { UINT32_MAX, 0 }, { live.index + 16, live.generation },
        { live.index, 0 }, { live.index, live.generation + 1 }, { live.index ^ 1u, 0 }, { live.index | 16u, 0 },
        RVM_CAP_HANDLE_NULL,
    };
    rvm_cap_info_t info;
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, bad[i], 0), RVM_ERR_INVALID_HANDLE);
        ck_assert_int_eq(rvm_cap_check_p1(&fx.m, bad[i], 0, RVM_CAP_TYPE_ANY), RVM_ERR_INVALID_HANDLE);
        ck_assert_int_eq(rvm_cap_lookup(&fx.m, bad[i], &info), RVM_ERR_INVALID_HANDLE);
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, bad[i], 8), RVM_ERR_INVALID_HANDLE);
    }
    /* Every index reduced onto a free slot, with any generation, fails. */
    for (uint32_t i = 0; i < 64; i++) {
        for (uint32_t g = 0; g < 4; g++) {
            rvm_cap_handle_t h = { i, g };
            if (rvm_cap_handle_eq(h, live)) {
                continue;
            }
            ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, h, 0), RVM_ERR_INVALID_HANDLE);
        }
    }
    ck_assert_int_eq(rvm_cap_lookup(NULL, live, &info), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, live, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_get_stats(&fx.m, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(free_search_wraps_from_hint)
{
    rvm_cap_handle_t h[16];
    for (int i = 0; i < 16; i++) {
        h[i] = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
        ck_assert_uint_eq(h[i].index, (uint32_t)i);
    }
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, h[9]), RVM_OK);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, h[3]), RVM_OK);
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHTS_ALL, 1);
    ck_assert_uint_eq(a.index, 3);
    ck_assert_uint_eq(b.index, 9);
}
END_TEST

START_TEST(static_storage_macro)
{
    RVM_CAP_STORAGE_DEFINE(st, 8, 2);
    rvm_cap_manager_t m;
    ck_assert_int_eq(rvm_cap_manager_init(&m, &st, NULL, &fx.log, fx.nonces), RVM_OK);
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&m, 0, RVM_OBJ_VCPU, 1, RVM_RIGHT_EXECUTE, 0, 4, &h), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1_typed(&m, h, RVM_RIGHT_EXECUTE, RVM_OBJ_VCPU), RVM_OK);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rvmcap-table");
    TCase *tc = tcase_create("table");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, init_rejects_bad_storage_and_config);
    tcase_add_test(tc, create_root_issues_generation_one_and_describes_it);
    tcase_add_test(tc, create_root_validates_every_argument);
    tcase_add_test(tc, table_full_and_object_table_full);
    tcase_add_test(tc, object_entry_is_released_with_its_last_capability);
    tcase_add_test(tc, freed_slot_is_reused_with_next_generation);
    tcase_add_test(tc, generation_wraps_past_zero);
    tcase_add_test(tc, hostile_handles_never_resolve);
    tcase_add_test(tc, free_search_wraps_from_hint);
    tcase_add_test(tc, static_storage_macro);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fx_run_suite(suite());
}
