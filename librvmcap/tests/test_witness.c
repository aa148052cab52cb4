/* Witness records of every mutation (spec §6.5) and the witness-first rule. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>

#include "fixture.h"

static fixture_t fx;

static void setup(void) { fx_open(&fx, 16, 4, 256, RVM_WITNESS_OVERWRITE_OLDEST, NULL); }
static void teardown(void) { fx_close(&fx); }

static rvm_cap_token_t token_of(rvm_cap_handle_t h)
{
    rvm_cap_info_t i;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h, &i), RVM_OK);
    return i.token;
}

START_TEST(create_root_record)
{
    rvm_cap_handle_t h;
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_DEVICE, 42, RVM_RIGHT_READ | RVM_RIGHT_EXECUTE, 9, 17, &h),
                     RVM_OK);
    rvm_cap_token_t t = token_of(h);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_CREATE_ROOT);
    ck_assert_uint_eq(r.proof_tier, 1);
    ck_assert_uint_eq(r.actor_partition_id, 0);
    ck_assert_uint_eq(r.target_object_id, t.id);
    ck_assert_uint_eq(r.capability_hash, rvm_cap_hash32(&t));
    ck_assert_uint_eq(r.payload[0], RVM_RIGHT_READ | RVM_RIGHT_EXECUTE);
    ck_assert_uint_eq(r.payload[1], 0);
    ck_assert_uint_eq(r.payload[2], RVM_OBJ_DEVICE);
    ck_assert_uint_eq(rvm_le32_load(&r.payload[4]), 17);
}
END_TEST

START_TEST(grant_revoke_delete_records)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 3);
    rvm_cap_token_t rt = token_of(root);
    rvm_cap_handle_t c = fx_grant(&fx, 3, root, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 4);
    rvm_cap_token_t ct = token_of(c);
    rvm_witness_record_t r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_GRANT);
    ck_assert_uint_eq(r.actor_partition_id, 3);
    ck_assert_uint_eq(r.target_object_id, ct.id);
    ck_assert_uint_eq(r.capability_hash, rvm_cap_hash32(&rt));   /* the source token */
    ck_assert_uint_eq(r.payload[0], RVM_RIGHT_READ | RVM_RIGHT_GRANT);
    ck_assert_uint_eq(r.payload[1], 1);
    ck_assert_uint_eq(rvm_le32_load(&r.payload[4]), 4);
    ck_assert_uint_eq(r.flags, 0);

    rvm_cap_handle_t g = fx_grant(&fx, 4, c, RVM_RIGHT_READ, 5);
    rvm_cap_token_t gt = token_of(g);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 5, g), RVM_OK);
    r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_DELETE);
    ck_assert_uint_eq(r.actor_partition_id, 5);
    ck_assert_uint_eq(r.target_object_id, gt.id);
    ck_assert_uint_eq(r.capability_hash, rvm_cap_hash32(&gt));
    ck_assert_uint_eq(r.payload[1], 2);
    ck_assert_uint_eq(rvm_le32_load(&r.payload[4]), 0);

    fx_grant(&fx, 4, c, RVM_RIGHT_READ, 5);
    uint32_t n = 0;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 3, c, &n), RVM_OK);
    r = fx_last_record(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_CAPABILITY_REVOKE);
    ck_assert_uint_eq(r.actor_partition_id, 3);
    ck_assert_uint_eq(r.target_object_id, ct.id);
    ck_assert_uint_eq(r.capability_hash, rvm_cap_hash32(&ct));
    ck_assert_uint_eq(r.payload[0], RVM_RIGHT_READ | RVM_RIGHT_GRANT);
    ck_assert_uint_eq(rvm_le32_load(&r.payload[4]), 2);
    ck_assert_uint_eq(n, 2);
    /* Sequence numbers are consecutive: one record per mutation, none for lookups or checks. */
    ck_assert_uint_eq(fx_records(&fx), 6);
}
END_TEST

/* Everything a mutation could touch, to prove that a refused one touched nothing. */
typedef struct snapshot {
    rvm_cap_manager_t m;
    rvm_cap_hot_t hot[16];
    rvm_cap_cold_t cold[16];
    rvm_cap_object_t objects[4];
    uint64_t records;
} snapshot_t;

static void take(snapshot_t *s)
{
    memset(s, 0, sizeof *s);
    s->m = fx.m;
    memcpy(s->hot, fx.st.hot, sizeof s->hot);
    memcpy(s->cold, fx.st.cold, sizeof s->cold);
    memcpy(s->objects, fx.st.objects, sizeof s->objects);
    s->records = fx_records(&fx);
}

static void assert_unchanged(const snapshot_t *before)
{
    snapshot_t now;
    take(&now);
    ck_assert_int_eq(memcmp(&before->m, &now.m, sizeof now.m), 0);
    ck_assert_int_eq(memcmp(before->hot, now.hot, sizeof now.hot), 0);
    ck_assert_int_eq(memcmp(before->cold, now.cold, sizeof now.cold), 0);
    ck_assert_int_eq(memcmp(before->objects, now.objects, sizeof now.objects), 0);
    ck_assert_uint_eq(before->records, now.records);
}

START_TEST(full_log_refuses_every_mutation)
{
    fx_close(&fx);
    fx_open(&fx, 16, 4, 8, RVM_WITNESS_REFUSE_UNDRAINED, NULL);
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t once = fx_root(&fx, RVM_OBJ_REGION, 2, RVM_RIGHT_READ | RVM_RIGHT_GRANT_ONCE, 1);
    rvm_cap_handle_t a = fx_grant(&fx, 1, root, ALL_BUT_ONCE, 2);
    rvm_cap_handle_t b = fx_grant(&fx, 2, a, RVM_RIGHT_READ, 3);
    while (rvm_witness_can_append(&fx.log)) {
        fx_grant(&fx, 1, root, RVM_RIGHT_READ, 4);
    }
    snapshot_t before;
    take(&before);
    rvm_cap_handle_t out = RVM_CAP_HANDLE_NULL;
    uint32_t n = 12345;
    ck_assert_int_eq(rvm_cap_create_root(&fx.m, 0, RVM_OBJ_REGION, 3, RVM_RIGHT_READ, 0, 1, &out),
                     RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_READ, 0, 2, &out), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, once, RVM_RIGHT_READ, 0, 2, &out), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, a, &n), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 2, a), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 3, b), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_cap_bump_global_epoch(&fx.m, 0), RVM_ERR_WITNESS_LOG_FULL);
    assert_unchanged(&before);
    ck_assert(rvm_cap_handle_eq(out, RVM_CAP_HANDLE_NULL));
    ck_assert_uint_eq(n, 12345);
    /* Checks are not mutations and keep working. */
    ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, b, RVM_RIGHT_READ), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, b, 8), RVM_OK);
    /* Once drained, the same operations go through. */
    ck_assert_int_eq(rvm_witness_mark_drained(&fx.log, rvm_witness_total_emitted(&fx.log)), RVM_OK);
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, a, &n), RVM_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, once, RVM_RIGHT_READ, 0, 2, &out), RVM_OK);
}
END_TEST

START_TEST(rejected_operations_append_nothing)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ | RVM_RIGHT_GRANT, 1);
    snapshot_t before;
    take(&before);
    rvm_cap_handle_t out;
    rvm_cap_handle_t bogus = { 3, 9 };
    ck_assert_int_ne(rvm_cap_create_root(&fx.m, 1, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 0, 1, &out), RVM_OK);
    ck_assert_int_ne(rvm_cap_grant(&fx.m, 1, root, RVM_RIGHT_WRITE, 0, 2, &out), RVM_OK);
    ck_assert_int_ne(rvm_cap_grant(&fx.m, 2, root, RVM_RIGHT_READ, 0, 2, &out), RVM_OK);
    ck_assert_int_ne(rvm_cap_revoke(&fx.m, 2, root, NULL), RVM_OK);
    ck_assert_int_ne(rvm_cap_revoke(&fx.m, 1, bogus, NULL), RVM_OK);
    ck_assert_int_ne(rvm_cap_delete(&fx.m, 2, root), RVM_OK);
    ck_assert_int_ne(rvm_cap_bump_object_epoch(&fx.m, 1, RVM_OBJ_REGION, 1), RVM_OK);
    ck_assert_int_ne(rvm_cap_bump_global_epoch(&fx.m, 1), RVM_OK);
    rvm_cap_policy_ctx_t ctx = { .expected_owner = 9, .region_base = 0, .region_limit = 1, .nonce = 1 };
    ck_assert_int_ne(rvm_cap_verify_p2(&fx.m, root, &ctx), RVM_OK);
    assert_unchanged(&before);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rvmcap-witness");
    TCase *tc = tcase_create("witness");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, create_root_record);
    tcase_add_test(tc, grant_revoke_delete_records);
    tcase_add_test(tc, full_log_refuses_every_mutation);
    tcase_add_test(tc, rejected_operations_append_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fx_run_suite(suite());
}
