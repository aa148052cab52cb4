/* The proof context builder and the six P2 rules (spec §7.3, §7.4). */
#include <stdlib.h>
#include <string.h>

#include <rvm/proof_types.h>

#include "fixture.h"

static pfixture_t fx;
static rvm_cap_handle_t h;

static void setup(void)
{
    px_open(&fx);
    h = px_root(&fx, 7, RVM_RIGHT_READ | RVM_RIGHT_PROVE | RVM_RIGHT_GRANT, 3);
}

static void teardown(void)
{
    px_close(&fx);
}

START_TEST(ctx_defaults)
{
    rvm_proof_ctx_t c;
    memset(&c, 0x5A, sizeof c);
    ck_assert_int_eq(rvm_proof_ctx_init(&c, 9), RVM_OK);
    ck_assert_uint_eq(c.partition_id, 9);
    ck_assert_uint_eq(c.target_object, 0);
    ck_assert_uint_eq(c.requested_operation, 0);
    ck_assert_uint_eq(c.capability_handle, 0);
    ck_assert_uint_eq(c.capability_generation, 0);
    ck_assert_uint_eq(c.current_epoch, 0);
    ck_assert_uint_eq(c.region_base, 0);
    ck_assert_uint_eq(c.region_limit, 0);
    ck_assert_uint_eq(c.lease_expiry_ns, UINT64_MAX);
    ck_assert_uint_eq(c.current_time_ns, 0);
    ck_assert_uint_eq(c.max_delegation_depth, 8);
    ck_assert_uint_eq(c.nonce, 0);
    ck_assert_uint_eq(c.max_validity_window_ns, UINT64_MAX);
    ck_assert_uint_eq(c.proof_tier, RVM_PROOF_TIER_P2);
    ck_assert_uint_eq(c.required_tier, RVM_PROOF_TIER_P1);
    ck_assert_uint_eq(c.cap_rights, 0);
    ck_assert_int_eq(rvm_proof_ctx_init(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(bind_capability)
{
    rvm_proof_ctx_t c;
    ck_assert_int_eq(rvm_proof_ctx_init(&c, 3), RVM_OK);
    c.capability_handle = h.index;
    c.capability_generation = h.generation;
    ck_assert_int_eq(rvm_proof_ctx_bind_capability(&c, &fx.m), RVM_OK);
    ck_assert_uint_eq(c.cap_owner, 3);
    ck_assert_uint_eq(c.cap_object, 7);
    ck_assert_uint_eq(c.cap_depth, 0);
    ck_assert_uint_eq(c.cap_rights, RVM_RIGHT_READ | RVM_RIGHT_PROVE | RVM_RIGHT_GRANT);
    rvm_cap_handle_t child;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 3, h, RVM_RIGHT_PROVE, 0, 4, &child), RVM_OK);
    c.capability_handle = child.index;
    c.capability_generation = child.generation;
    ck_assert_int_eq(rvm_proof_ctx_bind_capability(&c, &fx.m), RVM_OK);
    ck_assert_uint_eq(c.cap_owner, 4);
    ck_assert_uint_eq(c.cap_depth, 1);
    c.capability_generation++;
    ck_assert_int_eq(rvm_proof_ctx_bind_capability(&c, &fx.m), RVM_ERR_INVALID_HANDLE);
    ck_assert_uint_eq(c.cap_owner, 4);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 7), RVM_OK);
    c.capability_generation--;
    ck_assert_int_eq(rvm_proof_ctx_bind_capability(&c, &fx.m), RVM_ERR_STALE_CAPABILITY);
    ck_assert_int_eq(rvm_proof_ctx_bind_capability(NULL, &fx.m), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_ctx_bind_capability(&c, NULL), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

static const rvm_err_t rule_errors[RVM_PROOF_RULE_COUNT] = {
    RVM_ERR_INSUFFICIENT_CAPABILITY, RVM_ERR_PROOF_INVALID, RVM_ERR_DEVICE_LEASE_EXPIRED,
    RVM_ERR_DELEGATION_DEPTH_EXCEEDED, RVM_ERR_PROOF_INVALID, RVM_ERR_PROOF_BUDGET_EXCEEDED,
};

/* Asserts that exactly the rules in `failing` (bit rule-1) fail, alone and together, and nothing is recorded. */
static void expect_failing(const rvm_proof_ctx_t *c, unsigned failing)
{
    for (uint32_t r = 1; r <= RVM_PROOF_RULE_COUNT; r++) {
        rvm_err_t want = (failing >> (r - 1u)) & 1u ? rule_errors[r - 1u] : RVM_OK;
        ck_assert_msg(rvm_proof_p2_evaluate_rule(fx.policy, c, r) == want, "rule %u", r);
    }
    rvm_err_t all = failing != 0 ? RVM_ERR_PROOF_INVALID : RVM_OK;
    ck_assert_int_eq(rvm_proof_p2_check(fx.policy, c), all);
}

START_TEST(good_context_passes_and_records_nonce)
{
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 10);
    expect_failing(&c, 0);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(fx.policy, &c), RVM_OK);
    /* The nonce is now used: the same context is a replay, and only rule 5 says so. */
    expect_failing(&c, 1u << 4);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(fx.policy, &c), RVM_ERR_PROOF_INVALID);
    c.nonce = 11;
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(fx.policy, &c), RVM_OK);
}
END_TEST

START_TEST(failure_does_not_record_nonce)
{
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 20);
    c.region_limit = c.region_base;
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(fx.policy, &c), RVM_ERR_PROOF_INVALID);
    c = px_good_ctx(&fx, h, 7, 3, 20);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(fx.policy, &c), RVM_OK);
}
END_TEST

START_TEST(zero_nonce)
{
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 0);
    expect_failing(&c, 1u << 4);
    rvm_proof_policy_t *lax = malloc(sizeof *lax);
    ck_assert_ptr_nonnull(lax);
    ck_assert_int_eq(rvm_proof_policy_init(lax, true), RVM_OK);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(lax, &c), RVM_OK);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(lax, &c), RVM_OK);   /* never recorded, never a replay */
    free(lax);
}
END_TEST

/* One mutation of a passing context per row, with the rules it must break. */
typedef struct mutation {
    const char *name;
    void (*apply)(rvm_proof_ctx_t *c);
    unsigned failing;
} mutation_t;

static void m_partition_big(rvm_proof_ctx_t *c) { c->partition_id = 4097; c->cap_owner = 4097; }
static void m_partition_edge(rvm_proof_ctx_t *c) { c->partition_id = 4096; c->cap_owner = 4096; }
static void m_other_owner(rvm_proof_ctx_t *c) { c->partition_id = 5; }
static void m_other_target(rvm_proof_ctx_t *c) { c->target_object = 8; }
static void m_no_prove(rvm_proof_ctx_t *c) { c->cap_rights = RVM_RIGHT_READ; }
static void m_low_tier(rvm_proof_ctx_t *c) { c->proof_tier = RVM_PROOF_TIER_P1; c->required_tier = RVM_PROOF_TIER_P3; }
static void m_tier_equal(rvm_proof_ctx_t *c) { c->proof_tier = c->required_tier = RVM_PROOF_TIER_P3; }
static void m_hash_last(rvm_proof_ctx_t *c) { c->mutation_hash[31] ^= 1u; }
static void m_hash_first(rvm_proof_ctx_t *c) { c->authorised_hash[0] ^= 0x80u; }
static void m_empty_region(rvm_proof_ctx_t *c) { c->region_limit = c->region_base; }
static void m_inverted_region(rvm_proof_ctx_t *c) { c->region_limit = c->region_base - 1u; }
static void m_below_region(rvm_proof_ctx_t *c) { c->access_base = c->region_base - 1u; c->access_len = 1; }
static void m_past_region(rvm_proof_ctx_t *c) { c->access_len = 0x1001; }
static void m_exact_region(rvm_proof_ctx_t *c) { c->access_base = c->region_base; c->access_len = 0x2000; }
static void m_empty_at_limit(rvm_proof_ctx_t *c) { c->access_base = c->region_limit; c->access_len = 0; }
static void m_beyond_limit(rvm_proof_ctx_t *c) { c->access_base = c->region_limit + 1u; c->access_len = 0; }
static void m_huge_len(rvm_proof_ctx_t *c) { c->access_len = UINT64_MAX; }
static void m_default_region(rvm_proof_ctx_t *c)
{
    c->region_base = c->region_limit = 0;
    c->access_base = c->access_len = 0;
}
static void m_expired(rvm_proof_ctx_t *c) { c->current_time_ns = c->lease_expiry_ns + 1u; }
static void m_at_expiry(rvm_proof_ctx_t *c) { c->current_time_ns = c->lease_expiry_ns; }
static void m_depth_config(rvm_proof_ctx_t *c) { c->max_delegation_depth = 9; }
static void m_depth_actual(rvm_proof_ctx_t *c) { c->cap_depth = 3; c->max_delegation_depth = 2; }
static void m_depth_edge(rvm_proof_ctx_t *c) { c->cap_depth = 8; c->max_delegation_depth = 8; }
static void m_window(rvm_proof_ctx_t *c) { c->max_validity_window_ns = 99; }
static void m_window_edge(rvm_proof_ctx_t *c) { c->max_validity_window_ns = 100; }
static void m_everything(rvm_proof_ctx_t *c)
{
    m_partition_big(c);
    m_empty_region(c);
    m_expired(c);
    m_depth_config(c);
    c->nonce = 0;
}

static const mutation_t mutations[] = {
    { "partition 4097", m_partition_big, 1u << 0 },
    { "partition 4096", m_partition_edge, 0 },
    { "other owner", m_other_owner, 1u << 0 },
    { "other target", m_other_target, 1u << 0 },
    { "no PROVE", m_no_prove, 1u << 0 },
    { "tier too low", m_low_tier, 1u << 0 },
    { "tier equal", m_tier_equal, 0 },
    { "hash last byte", m_hash_last, 1u << 0 },
    { "hash first byte", m_hash_first, 1u << 0 },
    { "empty region", m_empty_region, 1u << 1 },
    { "inverted region", m_inverted_region, 1u << 1 },
    { "access below region", m_below_region, 1u << 1 },
    { "access past region", m_past_region, 1u << 1 },
    { "access is the region", m_exact_region, 0 },
    { "empty access at limit", m_empty_at_limit, 0 },
    { "access beyond limit", m_beyond_limit, 1u << 1 },
    { "huge length", m_huge_len, 1u << 1 },
    { "builder region", m_default_region, 1u << 1 },
    { "expired", m_expired, (1u << 2) | (1u << 5) },
    { "at expiry", m_at_expiry, 0 },
    { "depth limit 9", m_depth_config, 1u << 3 },
    { "depth beyond limit", m_depth_actual, 1u << 3 },
    { "depth at limit", m_depth_edge, 0 },
    { "window too wide", m_window, 1u << 5 },
    { "window exact", m_window_edge, 0 },
    { "everything", m_everything, 0x3Fu },
};

START_TEST(each_rule)
{
    const mutation_t *mu = &mutations[_i];
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 30);
    mu->apply(&c);
    expect_failing(&c, mu->failing);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(fx.policy, &c), mu->failing != 0 ? RVM_ERR_PROOF_INVALID : RVM_OK);
}
END_TEST

START_TEST(bad_arguments)
{
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 40);
    ck_assert_int_eq(rvm_proof_p2_check(NULL, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_p2_check(fx.policy, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(NULL, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_p2_evaluate_all(fx.policy, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_p2_evaluate_rule(fx.policy, &c, 0), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_p2_evaluate_rule(fx.policy, &c, 7), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_p2_evaluate_rule(NULL, &c, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_p2_evaluate_rule(fx.policy, NULL, 1), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_policy_init(NULL, false), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_policy_commit_nonce(NULL, 1), RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(commit_nonce)
{
    ck_assert_int_eq(rvm_proof_policy_commit_nonce(fx.policy, 50), RVM_OK);
    ck_assert_int_eq(rvm_proof_policy_commit_nonce(fx.policy, 50), RVM_ERR_NONCE_REPLAY);
    ck_assert_int_eq(rvm_proof_policy_commit_nonce(fx.policy, 0), RVM_ERR_NONCE_REPLAY);
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 50);
    expect_failing(&c, 1u << 4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmproof-policy");
    TCase *tc = tcase_create("p2");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ctx_defaults);
    tcase_add_test(tc, bind_capability);
    tcase_add_test(tc, good_context_passes_and_records_nonce);
    tcase_add_test(tc, failure_does_not_record_nonce);
    tcase_add_test(tc, zero_nonce);
    tcase_add_loop_test(tc, each_rule, 0, (int)(sizeof mutations / sizeof mutations[0]));
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, commit_nonce);
    suite_add_tcase(s, tc);
    return px_run(s);
}
