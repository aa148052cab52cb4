/* P1, P2 and P3 at capability level (spec §5.7). */
#include <check.h>
#include <stdlib.h>

#include <rvm/cap_manager.h>
#include <rvm/cap_verify.h>

#include "fixture.h"

static fixture_t fx;

static void setup(void) { fx_open(&fx, 32, 8, 1024, RVM_WITNESS_OVERWRITE_OLDEST, NULL); }
static void teardown(void) { fx_close(&fx); }

START_TEST(p1_rights_subset_rule)
{
    rvm_cap_handle_t h = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ | RVM_RIGHT_PROVE, 1);
    for (unsigned req = 0; req < 256; req++) {
        rvm_err_t want = (req & ~(unsigned)(RVM_RIGHT_READ | RVM_RIGHT_PROVE)) == 0 ? RVM_OK
                                                                                     : RVM_ERR_INSUFFICIENT_CAPABILITY;
        ck_assert_int_eq(rvm_cap_verify_p1(&fx.m, h, (rvm_rights_t)req), want);
        ck_assert_int_eq(rvm_cap_check_p1(&fx.m, h, (rvm_rights_t)req, RVM_CAP_TYPE_ANY), want);
    }
    ck_assert_int_eq(rvm_cap_verify_p1(NULL, h, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_verify_p1_typed(NULL, h, 0, RVM_OBJ_REGION), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(p1_type_and_precedence)
{
    rvm_cap_handle_t h = fx_root(&fx, RVM_OBJ_DEVICE, 1, RVM_RIGHT_READ, 1);
    ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, h, RVM_RIGHT_READ, RVM_OBJ_DEVICE), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, h, RVM_RIGHT_READ, RVM_CAP_TYPE_ANY), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, h, RVM_RIGHT_READ, RVM_OBJ_REGION),
                     RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    /* Type mismatch wins over missing rights. */
    ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, h, RVM_RIGHT_WRITE, RVM_OBJ_REGION),
                     RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, h, RVM_RIGHT_WRITE, RVM_OBJ_DEVICE),
                     RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_cap_check_p1(&fx.m, h, RVM_RIGHT_WRITE, RVM_OBJ_PROOF), RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    /* A bad handle wins over everything, even on a live slot index. */
    rvm_cap_handle_t bad = { h.index, h.generation + 1 };
    ck_assert_int_eq(rvm_cap_verify_p1_typed(&fx.m, bad, 0x7F, RVM_OBJ_REGION), RVM_ERR_INVALID_HANDLE);
}
END_TEST

START_TEST(p1_batch_reports_each_and_the_first_failure)
{
    rvm_cap_handle_t a = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, 1);
    rvm_cap_handle_t b = fx_root(&fx, RVM_OBJ_DEVICE, 2, RVM_RIGHT_WRITE, 1);
    rvm_cap_p1_request_t reqs[5] = {
        { a, RVM_RIGHT_READ, RVM_CAP_TYPE_ANY },
        { b, RVM_RIGHT_WRITE, RVM_OBJ_DEVICE },
        { b, RVM_RIGHT_READ, RVM_CAP_TYPE_ANY },
        { { 99, 1 }, 0, RVM_CAP_TYPE_ANY },
        { a, RVM_RIGHT_READ, RVM_OBJ_DEVICE },
    };
    rvm_err_t res[5];
    ck_assert_int_eq(rvm_cap_verify_p1_batch(&fx.m, reqs, 5, res), RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(res[0], RVM_OK);
    ck_assert_int_eq(res[1], RVM_OK);
    ck_assert_int_eq(res[2], RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(res[3], RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(res[4], RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    ck_assert_int_eq(rvm_cap_verify_p1_batch(&fx.m, reqs, 2, res), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1_batch(&fx.m, &reqs[3], 2, res), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_verify_p1_batch(&fx.m, NULL, 0, NULL), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p1_batch(&fx.m, NULL, 1, res), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_verify_p1_batch(&fx.m, reqs, 1, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_verify_p1_batch(NULL, reqs, 1, res), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

/* The facts variant answers as P1 for every rights, type and handle, and reports what lookup reports. */
static void assert_facts_agree(rvm_cap_handle_t h)
{
    static const uint8_t types[] = { RVM_CAP_TYPE_ANY, RVM_OBJ_REGION, RVM_OBJ_DEVICE, RVM_OBJ_PROOF };
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, h, &info), RVM_OK);
    for (unsigned t = 0; t < sizeof types; t++) {
        for (unsigned req = 0; req < 256; req++) {
            rvm_cap_p1_facts_t f = { 0, 0 };
            ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, h, (rvm_rights_t)req, types[t], &f),
                             rvm_cap_check_p1(&fx.m, h, (rvm_rights_t)req, types[t]));
            ck_assert_uint_eq(f.owner, info.owner);
            ck_assert_uint_eq(f.token_hash, rvm_cap_hash32(&info.token));
        }
    }
}

START_TEST(p1_facts_report_owner_and_token_hash)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 7, RVM_RIGHT_READ | RVM_RIGHT_WRITE | RVM_RIGHT_GRANT, 1);
    rvm_cap_handle_t child = fx_grant(&fx, 1, root, RVM_RIGHT_READ, 2);
    rvm_cap_handle_t dev = fx_root(&fx, RVM_OBJ_DEVICE, 9, RVM_RIGHT_EXECUTE | RVM_RIGHT_PROVE, 3);
    assert_facts_agree(root);
    assert_facts_agree(child);
    assert_facts_agree(dev);

    rvm_cap_p1_facts_t f;
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, child, RVM_RIGHT_READ, RVM_OBJ_REGION, &f), RVM_OK);
    ck_assert_uint_eq(f.owner, 2);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, child, RVM_RIGHT_WRITE, RVM_OBJ_REGION, &f),
                     RVM_ERR_INSUFFICIENT_CAPABILITY);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, dev, RVM_RIGHT_PROVE, RVM_OBJ_REGION, &f),
                     RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    ck_assert_uint_eq(f.owner, 3);

    /* The hash follows the rights the slot holds now: a consumed GRANT_ONCE changes it. */
    rvm_cap_handle_t once = fx_root(&fx, RVM_OBJ_REGION, 8, RVM_RIGHT_READ | RVM_RIGHT_GRANT_ONCE, 1);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, once, 0, RVM_CAP_TYPE_ANY, &f), RVM_OK);
    uint32_t before = f.token_hash;
    (void)fx_grant(&fx, 1, once, RVM_RIGHT_READ, 2);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, once, 0, RVM_CAP_TYPE_ANY, &f), RVM_OK);
    ck_assert_uint_ne(f.token_hash, before);
    ck_assert_uint_eq(f.token_hash ^ before, (uint32_t)RVM_RIGHT_GRANT_ONCE << 24);
    assert_facts_agree(once);
}
END_TEST

START_TEST(p1_facts_on_dead_handles_answer_as_p1)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ | RVM_RIGHT_REVOKE, 1);
    rvm_cap_handle_t dev = fx_root(&fx, RVM_OBJ_DEVICE, 2, RVM_RIGHT_READ, 1);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_DEVICE, 2), RVM_OK);
    rvm_cap_handle_t forged = { root.index, root.generation + 1 };
    rvm_cap_handle_t far = { 0xFFFFFFF0u, 1 };
    rvm_cap_p1_facts_t f;
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, dev, RVM_RIGHT_READ, RVM_OBJ_DEVICE, &f),
                     RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, dev, 0x7F, RVM_CAP_TYPE_ANY, &f), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, forged, RVM_RIGHT_READ, RVM_OBJ_REGION, &f),
                     RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, far, 0, RVM_CAP_TYPE_ANY, &f), RVM_ERR_INVALID_HANDLE);

    /* A revoked handle stays dead when its slot is taken again; the new capability reports its own facts. */
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, 1, root, NULL), RVM_OK);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, root, 0, RVM_CAP_TYPE_ANY, &f), RVM_ERR_INVALID_HANDLE);
    rvm_cap_handle_t again = fx_root(&fx, RVM_OBJ_REGION, 3, RVM_RIGHT_WRITE, 4);
    ck_assert_uint_eq(again.index, root.index);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, root, 0, RVM_CAP_TYPE_ANY, &f), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_check_p1_facts(&fx.m, again, RVM_RIGHT_WRITE, RVM_OBJ_REGION, &f), RVM_OK);
    ck_assert_uint_eq(f.owner, 4);
    assert_facts_agree(again);
}
END_TEST

static rvm_cap_policy_ctx_t good_ctx(uint64_t nonce)
{
    rvm_cap_policy_ctx_t c = {
        .expected_owner = 2,
        .region_base = 0x1000,
        .region_limit = 0x2000,
        .lease_expiry_ns = 1000,
        .current_time_ns = 1000,
        .max_delegation_depth = 1,
        .nonce = nonce,
    };
    return c;
}

START_TEST(p2_passes_and_records_the_nonce)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t h = fx_grant(&fx, 1, root, RVM_RIGHT_READ | RVM_RIGHT_PROVE, 2);
    rvm_cap_policy_ctx_t c = good_ctx(10);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &c), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &c), RVM_ERR_NONCE_REPLAY);
    c.nonce = 11;
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &c), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p2(NULL, h, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(p2_each_failing_check_is_proof_invalid_and_keeps_the_nonce)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t h = fx_grant(&fx, 1, root, RVM_RIGHT_READ, 2);
    rvm_cap_policy_ctx_t bad[5];
    for (int i = 0; i < 5; i++) {
        bad[i] = good_ctx(50);
    }
    bad[0].expected_owner = 3;
    bad[1].region_limit = bad[1].region_base;
    bad[2].current_time_ns = bad[2].lease_expiry_ns + 1;
    bad[3].max_delegation_depth = 0;
    bad[4].region_base = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &bad[i]), RVM_ERR_PROOF_INVALID);
    }
    /* No failing run recorded nonce 50. */
    rvm_cap_policy_ctx_t ok = good_ctx(50);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &ok), RVM_OK);
    /* A replayed nonce is reported as such whatever else fails. */
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &bad[0]), RVM_ERR_NONCE_REPLAY);
    /* Nonce 0 is refused by default and never recorded. */
    rvm_cap_policy_ctx_t zero = good_ctx(0);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &zero), RVM_ERR_NONCE_REPLAY);
}
END_TEST

START_TEST(p2_handle_and_epoch_come_first)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t h = fx_grant(&fx, 1, root, RVM_RIGHT_READ, 2);
    rvm_cap_policy_ctx_t c = good_ctx(70);
    rvm_cap_handle_t bad = { h.index, h.generation + 1 };
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, bad, &c), RVM_ERR_INVALID_HANDLE);
    rvm_cap_handle_t far = { 0xFFFFFFFFu, 1 };
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, far, &c), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, h, &c), RVM_ERR_STALE_CAPABILITY);
    /* Neither failure consumed nonce 70. */
    rvm_cap_handle_t fresh = fx_grant(&fx, 1, fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1), RVM_RIGHT_READ, 2);
    ck_assert_int_eq(rvm_cap_verify_p2(&fx.m, fresh, &c), RVM_OK);
}
END_TEST

START_TEST(p3_valid_chains)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, root, 0), RVM_OK);
    rvm_cap_handle_t h = root;
    for (int d = 1; d <= 8; d++) {
        h = fx_grant(&fx, 1, h, ALL_BUT_ONCE, 1);
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, h, (uint8_t)d), RVM_OK);
        /* A bound below the depth cannot reach the root. */
        ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, h, (uint8_t)(d - 1)), RVM_ERR_PROOF_INVALID);
    }
    ck_assert_int_eq(rvm_cap_verify_p3(&fx.m, h, 9), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_cap_verify_p3(NULL, h, 8), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

/* White box: each corruption P3 must notice. */
START_TEST(p3_broken_chains)
{
    rvm_cap_handle_t root = fx_root(&fx, RVM_OBJ_REGION, 1, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t a = fx_grant(&fx, 1, root, ALL_BUT_ONCE, 1);
    rvm_cap_handle_t b = fx_grant(&fx, 1, a, RVM_RIGHT_READ, 1);
    rvm_cap_manager_t *m = &fx.m;
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_OK);

    m->cold[a.index].depth = 2;                               /* depth not decreasing */
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_ERR_PROOF_INVALID);
    m->cold[a.index].depth = 1;

    m->cold[b.index].parent = 31;                             /* parent is a free slot */
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_ERR_PROOF_INVALID);
    m->cold[b.index].parent = 0xFFFFFFF0u;                    /* parent out of range */
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_ERR_PROOF_INVALID);
    m->cold[b.index].parent = a.index;

    m->hot[a.index].denied = (rvm_rights_t)~RVM_RIGHT_WRITE;  /* ancestor weaker than descendant */
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_ERR_PROOF_INVALID);
    m->hot[a.index].denied = (rvm_rights_t)~ALL_BUT_ONCE;

    m->cold[a.index].epoch = 5;                               /* ancestor newer than descendant */
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_ERR_PROOF_INVALID);
    m->cold[a.index].epoch = 0;

    m->cold[a.index].object = 3;                              /* ancestor names another object */
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_ERR_PROOF_INVALID);
    m->cold[a.index].object = m->cold[b.index].object;

    m->cold[root.index].depth = 0;
    m->cold[root.index].parent = b.index;                     /* a cycle: bounded, and rejected */
    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_ERR_PROOF_INVALID);
    m->cold[root.index].parent = RVM_CAP_INDEX_NONE;

    ck_assert_int_eq(rvm_cap_verify_p3(m, b, 8), RVM_OK);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rvmcap-verify");
    TCase *tc = tcase_create("verify");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, p1_rights_subset_rule);
    tcase_add_test(tc, p1_type_and_precedence);
    tcase_add_test(tc, p1_batch_reports_each_and_the_first_failure);
    tcase_add_test(tc, p1_facts_report_owner_and_token_hash);
    tcase_add_test(tc, p1_facts_on_dead_handles_answer_as_p1);
    tcase_add_test(tc, p2_passes_and_records_the_nonce);
    tcase_add_test(tc, p2_each_failing_check_is_proof_invalid_and_keeps_the_nonce);
    tcase_add_test(tc, p2_handle_and_epoch_come_first);
    tcase_add_test(tc, p3_valid_chains);
    tcase_add_test(tc, p3_broken_chains);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return fx_run_suite(suite());
}
