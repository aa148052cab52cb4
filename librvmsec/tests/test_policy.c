/* Policy evaluation (spec §14.1) on capabilities resolved from the table. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/sec_policy.h>

#include "fixture.h"

#define CALLER 3u

static sfx_t fx;

static void setup(void) { sfx_open(&fx, 64, RVM_WITNESS_OVERWRITE_OLDEST, SFX_UNSIGNED, SFX_UNSIGNED); }
static void teardown(void) { sfx_close(&fx); }

static rvm_sec_policy_request_t request(rvm_cap_handle_t h, uint8_t type, rvm_rights_t rights)
{
    rvm_sec_policy_request_t r;
    memset(&r, 0, sizeof r);
    r.handle = h;
    r.required_type = type;
    r.required_rights = rights;
    return r;
}

static rvm_err_t decide(const rvm_sec_policy_request_t *req)
{
    rvm_sec_decision_t d;
    ck_assert_int_eq(rvm_sec_policy_evaluate(&fx.m, CALLER, req, &d), RVM_OK);
    ck_assert(d.allow == (d.err == RVM_OK));
    /* enforce is the same evaluation. */
    ck_assert_int_eq(rvm_sec_policy_enforce(&fx.m, CALLER, req), d.err);
    return d.err;
}

START_TEST(allow)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ | RVM_RIGHT_WRITE, CALLER);
    rvm_sec_policy_request_t req = request(h, RVM_OBJ_REGION, RVM_RIGHT_WRITE);
    ck_assert_int_eq(decide(&req), RVM_OK);
    static const uint8_t commitment[RVM_SEC_COMMITMENT_LEN] = { [31] = 1 };
    req.proof_commitment = commitment;
    req.check_epoch = true;
    req.current_epoch = sfx_token(&fx, h).epoch;
    ck_assert_int_eq(decide(&req), RVM_OK);
    req.required_rights = 0;
    ck_assert_int_eq(decide(&req), RVM_OK);
}
END_TEST

START_TEST(each_rule_in_order)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, CALLER);
    static const uint8_t zero[RVM_SEC_COMMITMENT_LEN] = { 0 };
    uint32_t epoch = sfx_token(&fx, h).epoch;

    /* 1: epoch mismatch outranks everything else that is wrong. */
    rvm_sec_policy_request_t req = request(h, RVM_OBJ_DEVICE, RVM_RIGHT_WRITE);
    req.proof_commitment = zero;
    req.check_epoch = true;
    req.current_epoch = epoch + 1;
    ck_assert_int_eq(decide(&req), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* 2: type. */
    req.current_epoch = epoch;
    ck_assert_int_eq(decide(&req), RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    /* 3: rights. */
    req.required_type = RVM_OBJ_REGION;
    ck_assert_int_eq(decide(&req), RVM_ERR_INSUFFICIENT_CAPABILITY);
    /* 4: an all-zero commitment. */
    req.required_rights = RVM_RIGHT_READ;
    ck_assert_int_eq(decide(&req), RVM_ERR_PROOF_INVALID);
    req.proof_commitment = NULL;
    ck_assert_int_eq(decide(&req), RVM_OK);
    /* Without check_epoch the epoch is not compared. */
    req.check_epoch = false;
    req.current_epoch = epoch + 5;
    ck_assert_int_eq(decide(&req), RVM_OK);
}
END_TEST

START_TEST(resolution_failures)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ | RVM_RIGHT_REVOKE, CALLER);
    rvm_cap_handle_t other = sfx_root(&fx, RVM_OBJ_REGION, 2, RVM_RIGHT_READ, 4);
    rvm_sec_policy_request_t req = request(other, RVM_OBJ_REGION, RVM_RIGHT_READ);
    ck_assert_int_eq(decide(&req), RVM_ERR_INVALID_HANDLE);
    req.handle = (rvm_cap_handle_t){ h.index, h.generation + 1 };
    ck_assert_int_eq(decide(&req), RVM_ERR_INVALID_HANDLE);
    req.handle = RVM_CAP_HANDLE_NULL;
    ck_assert_int_eq(decide(&req), RVM_ERR_INVALID_HANDLE);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 1), RVM_OK);
    req.handle = h;
    ck_assert_int_eq(decide(&req), RVM_ERR_STALE_CAPABILITY);
}
END_TEST

START_TEST(null_arguments)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_REGION, 1, RVM_RIGHT_READ, CALLER);
    rvm_sec_policy_request_t req = request(h, RVM_OBJ_REGION, RVM_RIGHT_READ);
    rvm_sec_decision_t d = { .allow = true, .err = RVM_ERR_INTERNAL_ERROR };
    ck_assert_int_eq(rvm_sec_policy_evaluate(NULL, CALLER, &req, &d), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_policy_evaluate(&fx.m, CALLER, NULL, &d), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_policy_evaluate(&fx.m, CALLER, &req, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(d.err, RVM_ERR_INTERNAL_ERROR);
    ck_assert_int_eq(rvm_sec_policy_enforce(NULL, CALLER, &req), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_policy_enforce(&fx.m, CALLER, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sec_policy");
    TCase *tc = tcase_create("policy");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, allow);
    tcase_add_test(tc, each_rule_in_order);
    tcase_add_test(tc, resolution_failures);
    tcase_add_test(tc, null_arguments);
    suite_add_tcase(s, tc);
    return sfx_run_suite(s);
}
