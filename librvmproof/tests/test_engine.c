/* The proof engine: P1 -> P2 -> witness and the P3 deep proof (spec §7.5), read back from the witness log. */
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
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

static void expect_record(uint8_t kind, uint8_t tier, uint32_t hash, uint8_t stage, const rvm_proof_ctx_t *c)
{
    rvm_witness_record_t r = px_last(&fx);
    ck_assert_uint_eq(r.action_kind, kind);
    ck_assert_uint_eq(r.proof_tier, tier);
    ck_assert_uint_eq(r.actor_partition_id, c->partition_id);
    ck_assert_uint_eq(r.target_object_id, c->target_object);
    ck_assert_uint_eq(r.capability_hash, hash);
    ck_assert_uint_eq(r.payload[0], stage);
    ck_assert_uint_eq(r.payload[1], c->requested_operation);
}

START_TEST(success_each_tier)
{
    static const uint8_t kinds[] = { RVM_ACTION_PROOF_VERIFIED_P1, RVM_ACTION_PROOF_VERIFIED_P2,
                                     RVM_ACTION_PROOF_VERIFIED_P3 };
    for (uint8_t tier = 1; tier <= 3; tier++) {
        rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 100u + tier);
        c.requested_operation = RVM_ACTION_REGION_MAP;
        rvm_proof_token_t t = { tier, 4, 0xC0FFEE00u + tier };
        uint64_t before = rvm_witness_total_emitted(&fx.log);
        ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_OK);
        ck_assert_uint_eq(rvm_witness_total_emitted(&fx.log), before + 1u);
        expect_record(kinds[tier - 1u], tier, t.hash, 2, &c);
        /* The nonce was recorded: the same request is now a P2 rejection. */
        ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_ERR_PROOF_INVALID);
        expect_record(RVM_ACTION_PROOF_REJECTED, 0, t.hash, 2, &c);
    }
}
END_TEST

START_TEST(engine_binds_capability_facts)
{
    /* Caller-supplied capability facts are ignored: the engine reads them from the manager. */
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 5);
    c.cap_owner = 99;
    c.cap_rights = 0;
    rvm_proof_token_t t = { RVM_PROOF_TIER_P2, 0, 1 };
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_OK);
    /* And a requester that does not own the capability fails P2 even if it claims to. */
    c = px_good_ctx(&fx, h, 7, 3, 6);
    c.partition_id = 4;
    c.cap_owner = 4;
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_ERR_PROOF_INVALID);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, 1, 2, &c);
}
END_TEST

START_TEST(p1_failures)
{
    rvm_proof_token_t t = { RVM_PROOF_TIER_P2, 0, 77 };
    rvm_cap_handle_t noprove = px_root(&fx, 8, RVM_RIGHT_READ, 3);
    rvm_proof_ctx_t c = px_good_ctx(&fx, noprove, 8, 3, 1);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log),
                     RVM_ERR_INSUFFICIENT_CAPABILITY);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, 77, 1, &c);

    c = px_good_ctx(&fx, h, 7, 3, 2);
    c.capability_generation++;
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_ERR_INVALID_HANDLE);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, 77, 1, &c);

    c = px_good_ctx(&fx, h, 7, 3, 3);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_REGION, 7), RVM_OK);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_ERR_STALE_CAPABILITY);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, 77, 1, &c);
    /* None of the rejected nonces was recorded. */
    ck_assert_int_eq(rvm_proof_policy_commit_nonce(fx.policy, 3), RVM_OK);
}
END_TEST

START_TEST(p2_failure_reports_generic_error)
{
    rvm_proof_token_t t = { RVM_PROOF_TIER_P1, 0, 9 };
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 8);
    c.current_time_ns = c.lease_expiry_ns + 1u;
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_ERR_PROOF_INVALID);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, 9, 2, &c);
    c = px_good_ctx(&fx, h, 7, 3, 8);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_OK);
}
END_TEST

START_TEST(bad_token_and_arguments)
{
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 12);
    rvm_proof_token_t t = { 0, 0, 5 };
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_ERR_INVALID_ARGUMENT);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, 5, 0, &c);
    t.tier = 4;
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_ERR_INVALID_ARGUMENT);
    uint64_t n = rvm_witness_total_emitted(&fx.log);
    t.tier = 2;
    ck_assert_int_eq(rvm_proof_verify_and_witness(NULL, &t, &c, &fx.m, &fx.log), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, NULL, &c, &fx.m, &fx.log), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, NULL, &fx.m, &fx.log), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, NULL, &fx.log), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_verify_p3(NULL, &fx.m, &fx.log, NULL, NULL, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, NULL, &fx.log, NULL, NULL, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, NULL, NULL, NULL, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(rvm_witness_total_emitted(&fx.log), n);
}
END_TEST

START_TEST(full_log_keeps_nonce)
{
    static _Alignas(64) rvm_witness_record_t tiny[2];
    rvm_witness_log_t full;
    rvm_witness_config_t cfg;
    rvm_witness_config_default(&cfg);
    cfg.full_policy = RVM_WITNESS_REFUSE_UNDRAINED;
    ck_assert_int_eq(rvm_witness_log_init(&full, tiny, 2, &cfg), RVM_OK);
    rvm_witness_record_t filler;
    memset(&filler, 0, sizeof filler);
    filler.action_kind = RVM_ACTION_REGION_MAP;
    ck_assert_int_eq(rvm_witness_append(&full, &filler, NULL), RVM_OK);
    ck_assert_int_eq(rvm_witness_append(&full, &filler, NULL), RVM_OK);
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 60);
    rvm_proof_token_t t = { RVM_PROOF_TIER_P2, 0, 5 };
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &full), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_int_eq(rvm_proof_verify_and_witness(fx.policy, &t, &c, &fx.m, &fx.log), RVM_OK);
}
END_TEST

START_TEST(p3_chain)
{
    rvm_cap_handle_t c1;
    rvm_cap_handle_t c2;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 3, h, RVM_RIGHT_PROVE | RVM_RIGHT_GRANT, 0, 4, &c1), RVM_OK);
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 4, c1, RVM_RIGHT_PROVE, 0, 5, &c2), RVM_OK);
    rvm_proof_ctx_t c = px_good_ctx(&fx, c2, 7, 5, 1);
    rvm_cap_info_t info;
    ck_assert_int_eq(rvm_cap_lookup(&fx.m, c2, &info), RVM_OK);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, NULL, NULL, 0, NULL), RVM_OK);
    expect_record(RVM_ACTION_PROOF_VERIFIED_P3, RVM_PROOF_TIER_P3, rvm_cap_hash32(&info.token), 3, &c);
    /* Depth 2 chain, limit 1: too long. */
    c.max_delegation_depth = 1;
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, NULL, NULL, 0, NULL), RVM_ERR_PROOF_INVALID);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, rvm_cap_hash32(&info.token), 3, &c);
    /* Deleting the root orphans the chain. */
    c.max_delegation_depth = 8;
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 3, h), RVM_OK);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, NULL, NULL, 0, NULL), RVM_ERR_PROOF_INVALID);
    /* A dead handle: rejected with hash 0. */
    c.capability_generation++;
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, NULL, NULL, 0, NULL), RVM_ERR_PROOF_INVALID);
    expect_record(RVM_ACTION_PROOF_REJECTED, 0, 0, 3, &c);
}
END_TEST

START_TEST(p3_evidence)
{
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 1);
    uint8_t commit[32];
    ck_assert_int_eq(rvm_proof_hash_commitment("mutation", 8, 0, commit), RVM_OK);
    rvm_proof_obj_t ev;
    ck_assert_int_eq(rvm_proof_obj_init(&ev, RVM_PROOF_OBJ_HASH, commit, "mutation", 8), RVM_OK);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, &ev, commit, 0, NULL), RVM_OK);
    rvm_witness_record_t r = px_last(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PROOF_VERIFIED_P3);
    /* Wrong preimage, wrong commitment, a Zk proof: each rejected and witnessed. */
    ev.data[0] ^= 1u;
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, &ev, commit, 0, NULL), RVM_ERR_PROOF_INVALID);
    ck_assert_uint_eq(px_last(&fx).action_kind, RVM_ACTION_PROOF_REJECTED);
    ev.data[0] ^= 1u;
    uint8_t other[32] = { 1 };
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, &ev, other, 0, NULL), RVM_ERR_PROOF_INVALID);
    ck_assert_uint_eq(px_last(&fx).action_kind, RVM_ACTION_PROOF_REJECTED);
    ev.tier = RVM_PROOF_OBJ_ZK;
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, &ev, commit, 0, NULL), RVM_ERR_PROOF_INVALID);
    ck_assert_uint_eq(px_last(&fx).action_kind, RVM_ACTION_PROOF_REJECTED);
    uint64_t n = rvm_witness_total_emitted(&fx.log);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, &ev, NULL, 0, NULL), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(rvm_witness_total_emitted(&fx.log), n);
}
END_TEST

static void sign_const(const rvm_witness_signer_t *self, const uint8_t msg[RVM_WITNESS_SIGNED_LEN],
                       uint8_t aux[RVM_WITNESS_AUX_SIZE])
{
    (void)self;
    (void)msg;
    memset(aux, 0x3C, RVM_WITNESS_AUX_SIZE);
}

START_TEST(p3_signed)
{
    rvm_witness_signer_t s;
    memset(&s, 0, sizeof s);
    s.sign = sign_const;
    rvm_proof_ctx_t c = px_good_ctx(&fx, h, 7, 3, 1);
    ck_assert_int_eq(rvm_proof_verify_p3(&c, &fx.m, &fx.log, NULL, NULL, 0, &s), RVM_OK);
    rvm_witness_record_t r = px_last(&fx);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PROOF_VERIFIED_P3);
    for (unsigned i = 0; i < RVM_WITNESS_AUX_SIZE; i++) {
        ck_assert_uint_eq(r.aux[i], 0x3C);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rvmproof-engine");
    TCase *tc = tcase_create("engine");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, success_each_tier);
    tcase_add_test(tc, engine_binds_capability_facts);
    tcase_add_test(tc, p1_failures);
    tcase_add_test(tc, p2_failure_reports_generic_error);
    tcase_add_test(tc, bad_token_and_arguments);
    tcase_add_test(tc, full_log_keeps_nonce);
    tcase_add_test(tc, p3_chain);
    tcase_add_test(tc, p3_signed);
    tcase_add_test(tc, p3_evidence);
    suite_add_tcase(s, tc);
    return px_run(s);
}
