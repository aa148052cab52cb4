/* The security gate without proofs: request checks, P1 on table-resolved handles, one witness per call (§14.2). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/sec_gate.h>

#include "fixture.h"

#define CALLER 3u
#define OTHER 4u
#define PID 77u

static sfx_t fx;

static void setup(void) { sfx_open(&fx, 256, RVM_WITNESS_OVERWRITE_OLDEST, SFX_UNSIGNED, SFX_UNSIGNED); }
static void teardown(void) { sfx_close(&fx); }

/* Runs the gate and checks that exactly one record was appended and that the response names it. */
static rvm_err_t gate_once(const rvm_sec_request_t *req, rvm_sec_response_t *resp, rvm_witness_record_t *rec)
{
    uint64_t before = sfx_records(&fx);
    rvm_err_t err = rvm_sec_gate_check(&fx.gate, req, resp);
    ck_assert_uint_eq(sfx_records(&fx), before + 1);
    ck_assert_uint_eq(resp->witness_sequence, before);
    *rec = sfx_record(&fx, before);
    return err;
}

/* A denial record: ProofRejected, tier 0, the caller, target, timestamp, reason and error. */
static void assert_denial(const rvm_witness_record_t *r, const rvm_sec_request_t *req, uint8_t reason,
                          rvm_err_t err, uint32_t cap_hash)
{
    ck_assert_uint_eq(r->action_kind, RVM_ACTION_PROOF_REJECTED);
    ck_assert_uint_eq(r->proof_tier, 0);
    ck_assert_uint_eq(r->flags, reason);
    ck_assert_uint_eq(r->actor_partition_id, req->caller);
    ck_assert_uint_eq(r->target_object_id, req->target_object_id);
    ck_assert_uint_eq(r->timestamp_ns, req->timestamp_ns);
    ck_assert_uint_eq(r->capability_hash, cap_hash);
    ck_assert_uint_eq(r->payload[0], req->action);
    ck_assert_int_eq((int32_t)rvm_le32_load(&r->payload[4]), err);
}

START_TEST(p1_success_one_record)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_CREATE, 0);
    req.flags = 0x5A;
    memcpy(req.payload, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(resp.proof_tier, 1);
    ck_assert_uint_eq(resp.reason, RVM_SEC_REASON_NONE);
    rvm_cap_token_t t = sfx_token(&fx, h);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_CREATE);
    ck_assert_uint_eq(r.proof_tier, 1);
    ck_assert_uint_eq(r.flags, 0x5A);
    ck_assert_uint_eq(r.actor_partition_id, CALLER);
    ck_assert_uint_eq(r.target_object_id, 0);
    ck_assert_uint_eq(r.capability_hash, rvm_cap_hash32(&t));
    ck_assert_uint_eq(r.timestamp_ns, 123456789);
    ck_assert_mem_eq(r.payload, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
}
END_TEST

START_TEST(hypervisor_caller_with_its_own_capability)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_SCHEDULER, 1, RVM_RIGHT_WRITE, RVM_PARTITION_HYPERVISOR);
    rvm_sec_request_t req = sfx_request(0, h, RVM_OBJ_SCHEDULER, RVM_RIGHT_WRITE, RVM_ACTION_SCHEDULER_MODE_SWITCH, 1);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(r.actor_partition_id, 0);
}
END_TEST

START_TEST(type_mismatch)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_REGION, 9, RVM_RIGHT_WRITE, CALLER);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_CREATE, 5);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_CAPABILITY_TYPE_MISMATCH);
    ck_assert_uint_eq(resp.proof_tier, 0);
    ck_assert_uint_eq(resp.reason, RVM_SEC_REASON_TYPE);
    rvm_cap_token_t t = sfx_token(&fx, h);
    assert_denial(&r, &req, RVM_SEC_REASON_TYPE, RVM_ERR_CAPABILITY_TYPE_MISMATCH, rvm_cap_hash32(&t));
    ck_assert_uint_eq(r.payload[1], 1);
    ck_assert_uint_eq(r.payload[2], 1);
}
END_TEST

START_TEST(missing_rights)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_READ, CALLER);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INSUFFICIENT_CAPABILITY);
    rvm_cap_token_t t = sfx_token(&fx, h);
    assert_denial(&r, &req, RVM_SEC_REASON_RIGHTS, RVM_ERR_INSUFFICIENT_CAPABILITY, rvm_cap_hash32(&t));
}
END_TEST

START_TEST(type_reported_before_rights)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_REGION, 9, RVM_RIGHT_READ, CALLER);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_CREATE, 0);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_CAPABILITY_TYPE_MISMATCH);
}
END_TEST

START_TEST(wrong_owner_looks_forged)
{
    /* The other partition's handle with rights the caller asks for, and one without: both the same answer. */
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, OTHER);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_HANDLE);
    ck_assert_uint_eq(resp.reason, RVM_SEC_REASON_OWNER);
    assert_denial(&r, &req, RVM_SEC_REASON_OWNER, RVM_ERR_INVALID_HANDLE, 0);
    req.required_rights = RVM_RIGHT_GRANT;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_HANDLE);
    assert_denial(&r, &req, RVM_SEC_REASON_OWNER, RVM_ERR_INVALID_HANDLE, 0);
    /* The owner itself passes. */
    req = sfx_request(OTHER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(r.actor_partition_id, OTHER);
}
END_TEST

START_TEST(stale_handle)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    ck_assert_int_eq(rvm_cap_bump_object_epoch(&fx.m, 0, RVM_OBJ_PARTITION, PID), RVM_OK);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_STALE_CAPABILITY);
    assert_denial(&r, &req, RVM_SEC_REASON_STALE, RVM_ERR_STALE_CAPABILITY, 0);
}
END_TEST

START_TEST(revoked_handle)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE | RVM_RIGHT_REVOKE, CALLER);
    uint32_t n;
    ck_assert_int_eq(rvm_cap_revoke(&fx.m, CALLER, h, &n), RVM_OK);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_HANDLE);
    assert_denial(&r, &req, RVM_SEC_REASON_HANDLE, RVM_ERR_INVALID_HANDLE, 0);
    /* The slot taken again by someone else's capability does not revive the old handle. */
    (void)sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_HANDLE);
}
END_TEST

START_TEST(forged_handles)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    const rvm_cap_handle_t forged[] = {
        { h.index, h.generation + 1 }, { h.index, 0 }, { h.index + 1, h.generation },
        { 0xFFFFFFFFu, h.generation }, { h.index + 64, h.generation }, RVM_CAP_HANDLE_NULL,
    };
    for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
        rvm_sec_request_t req =
            sfx_request(CALLER, forged[i], RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
        ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_HANDLE);
        assert_denial(&r, &req, RVM_SEC_REASON_HANDLE, RVM_ERR_INVALID_HANDLE, 0);
    }
}
END_TEST

START_TEST(malformed_requests)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHTS_ALL, CALLER);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    rvm_sec_request_t req = sfx_request(4097, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PARTITION_LIMIT_EXCEEDED);
    assert_denial(&r, &req, RVM_SEC_REASON_BAD_REQUEST, RVM_ERR_PARTITION_LIMIT_EXCEEDED, 0);

    req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, 0xEE, PID);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_MALFORMED_INPUT);
    assert_denial(&r, &req, RVM_SEC_REASON_BAD_ACTION, RVM_ERR_MALFORMED_INPUT, 0);

    req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PROOF_VERIFIED_P3, PID);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_ARGUMENT);
    assert_denial(&r, &req, RVM_SEC_REASON_BAD_ACTION, RVM_ERR_INVALID_ARGUMENT, 0);

    req = sfx_request(CALLER, h, 9, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_ARGUMENT);
    assert_denial(&r, &req, RVM_SEC_REASON_BAD_REQUEST, RVM_ERR_INVALID_ARGUMENT, 0);

    req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, 0x80, RVM_ACTION_PARTITION_SUSPEND, PID);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_ARGUMENT);

    req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    req.timestamp_ns = 0;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_ARGUMENT);
    assert_denial(&r, &req, RVM_SEC_REASON_BAD_REQUEST, RVM_ERR_INVALID_ARGUMENT, 0);

    rvm_sec_p3_t p3;
    memset(&p3, 0, sizeof p3);
    p3.link_count = 1;
    req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_MERGE, PID);
    req.p3 = &p3;   /* P3 without P2 */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_ARGUMENT);
    assert_denial(&r, &req, RVM_SEC_REASON_BAD_REQUEST, RVM_ERR_INVALID_ARGUMENT, 0);
}
END_TEST

START_TEST(null_arguments_witness_nothing)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    rvm_sec_response_t resp;
    uint64_t before = sfx_records(&fx);
    ck_assert_int_eq(rvm_sec_gate_check(NULL, &req, &resp), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, NULL, &resp), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, NULL), RVM_ERR_INVALID_ARGUMENT);
    rvm_sec_gate_t blank;
    memset(&blank, 0, sizeof blank);   /* never initialised */
    ck_assert_int_eq(rvm_sec_gate_check(&blank, &req, &resp), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(sfx_records(&fx), before);
}
END_TEST

START_TEST(tier_enforced_per_action)
{
    rvm_cap_handle_t part = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHTS_ALL, CALLER);
    rvm_cap_handle_t dev = sfx_root(&fx, RVM_OBJ_DEVICE, 5, RVM_RIGHTS_ALL, CALLER);
    rvm_cap_token_t pt = sfx_token(&fx, part);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    static const uint8_t p2_actions[] = { RVM_ACTION_PARTITION_DESTROY, RVM_ACTION_PARTITION_SPLIT,
                                          RVM_ACTION_PARTITION_HIBERNATE, RVM_ACTION_PARTITION_RECONSTRUCT };
    for (size_t i = 0; i < sizeof p2_actions; i++) {
        rvm_sec_request_t req = sfx_request(CALLER, part, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, p2_actions[i], PID);
        ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_TIER_INSUFFICIENT);
        assert_denial(&r, &req, RVM_SEC_REASON_TIER, RVM_ERR_PROOF_TIER_INSUFFICIENT, rvm_cap_hash32(&pt));
        ck_assert_uint_eq(r.payload[1], 2);
        ck_assert_uint_eq(r.payload[2], 1);
    }
    static const uint8_t p3_actions[] = { RVM_ACTION_PARTITION_MERGE, RVM_ACTION_PARTITION_MIGRATE };
    for (size_t i = 0; i < sizeof p3_actions; i++) {
        rvm_sec_request_t req = sfx_request(CALLER, part, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, p3_actions[i], PID);
        ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_TIER_INSUFFICIENT);
        ck_assert_uint_eq(r.payload[1], 3);
    }
    /* A lease: P1 to a trusted partition, P3 to an untrusted one. */
    rvm_sec_request_t req = sfx_request(CALLER, dev, RVM_OBJ_DEVICE, RVM_RIGHT_WRITE, RVM_ACTION_DEVICE_LEASE_GRANT, 5);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_DEVICE_LEASE_GRANT);
    req.target_untrusted = true;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_TIER_INSUFFICIENT);
    ck_assert_uint_eq(r.payload[1], 3);
    /* require_p3 raises any action to P3. */
    req = sfx_request(CALLER, part, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    req.require_p3 = true;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_TIER_INSUFFICIENT);
    ck_assert_uint_eq(resp.reason, RVM_SEC_REASON_TIER);
}
END_TEST

START_TEST(one_record_per_call_in_sequence)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    uint64_t start = sfx_records(&fx);
    rvm_sec_response_t resp;
    for (uint32_t i = 0; i < 20; i++) {
        rvm_sec_request_t req = sfx_request(i % 2 == 0 ? CALLER : OTHER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE,
                                            RVM_ACTION_PARTITION_RESUME, PID);
        req.timestamp_ns = 1000 + i;
        rvm_err_t err = rvm_sec_gate_check(&fx.gate, &req, &resp);
        ck_assert_int_eq(err, i % 2 == 0 ? RVM_OK : RVM_ERR_INVALID_HANDLE);
        ck_assert_uint_eq(resp.witness_sequence, start + i);
        rvm_witness_record_t r = sfx_record(&fx, start + i);
        ck_assert_uint_eq(r.timestamp_ns, 1000 + i);
        ck_assert_uint_eq(r.action_kind, i % 2 == 0 ? RVM_ACTION_PARTITION_RESUME : RVM_ACTION_PROOF_REJECTED);
    }
    ck_assert_uint_eq(sfx_records(&fx), start + 20);
}
END_TEST

START_TEST(log_full_no_success_record)
{
    sfx_close(&fx);
    sfx_open(&fx, 4, RVM_WITNESS_REFUSE_UNDRAINED, SFX_UNSIGNED, SFX_UNSIGNED);
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_RESUME, PID);
    rvm_sec_response_t resp;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_OK);
    }
    ck_assert_uint_eq(sfx_records(&fx), 4);
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(resp.witness_sequence, RVM_SEC_NO_WITNESS);
    ck_assert_uint_eq(resp.proof_tier, 0);
    ck_assert_uint_eq(resp.reason, RVM_SEC_REASON_WITNESS);
    ck_assert_uint_eq(sfx_records(&fx), 4);
    /* A denial still reports its own code, with no record behind it. */
    req.caller = OTHER;
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_ERR_INVALID_HANDLE);
    ck_assert_uint_eq(resp.witness_sequence, RVM_SEC_NO_WITNESS);
    ck_assert_uint_eq(sfx_records(&fx), 4);
    /* Once drained, the same request passes. */
    ck_assert_int_eq(rvm_witness_mark_drained(&fx.log, 4), RVM_OK);
    req.caller = CALLER;
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_OK);
    ck_assert_uint_eq(resp.witness_sequence, 4);
}
END_TEST

START_TEST(init_rejects_bad_configuration)
{
    rvm_sec_gate_t g;
    rvm_sec_gate_config_t c;
    rvm_sec_gate_config_default(&c);
    ck_assert_uint_eq(c.chain_mode, RVM_WITNESS_CHAIN_CONTENT);
    ck_assert_uint_eq(c.digest, RVM_WITNESS_DIGEST_SHA256);
    ck_assert_uint_eq(c.max_delegation_depth, RVM_CAP_MAX_DEPTH);
    ck_assert_ptr_null(c.signer);
    ck_assert_int_eq(rvm_sec_gate_init(NULL, &fx.m, &fx.log, fx.policy, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_gate_init(&g, NULL, &fx.log, fx.policy, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, NULL, fx.policy, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, &fx.log, NULL, &c), RVM_ERR_INVALID_ARGUMENT);
    c.chain_mode = 3;
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, &fx.log, fx.policy, &c), RVM_ERR_INVALID_ARGUMENT);
    rvm_sec_gate_config_default(&c);
    c.digest = 2;
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, &fx.log, fx.policy, &c), RVM_ERR_INVALID_ARGUMENT);
    rvm_sec_gate_config_default(&c);
    c.max_delegation_depth = 0;
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, &fx.log, fx.policy, &c), RVM_ERR_INVALID_ARGUMENT);
    c.max_delegation_depth = RVM_CAP_MAX_DEPTH + 1;
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, &fx.log, fx.policy, &c), RVM_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, &fx.log, fx.policy, NULL), RVM_OK);
    ck_assert(!rvm_sec_gate_is_signed(&g));
    ck_assert(!rvm_sec_gate_is_signed(NULL));
    rvm_sec_gate_config_default(&c);
    c.signer = &fx.key_a.base;
    ck_assert_int_eq(rvm_sec_gate_init(&g, &fx.m, &fx.log, fx.policy, &c), RVM_OK);
    ck_assert(rvm_sec_gate_is_signed(&g));
    rvm_sec_gate_config_default(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sec_gate");
    TCase *tc = tcase_create("gate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, p1_success_one_record);
    tcase_add_test(tc, hypervisor_caller_with_its_own_capability);
    tcase_add_test(tc, type_mismatch);
    tcase_add_test(tc, missing_rights);
    tcase_add_test(tc, type_reported_before_rights);
    tcase_add_test(tc, wrong_owner_looks_forged);
    tcase_add_test(tc, stale_handle);
    tcase_add_test(tc, revoked_handle);
    tcase_add_test(tc, forged_handles);
    tcase_add_test(tc, malformed_requests);
    tcase_add_test(tc, null_arguments_witness_nothing);
    tcase_add_test(tc, tier_enforced_per_action);
    tcase_add_test(tc, one_record_per_call_in_sequence);
    tcase_add_test(tc, log_full_no_success_record);
    tcase_add_test(tc, init_rejects_bad_configuration);
    suite_add_tcase(s, tc);
    return sfx_run_suite(s);
}
