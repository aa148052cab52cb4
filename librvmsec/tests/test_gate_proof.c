/* The security gate with proofs: P2 through librvmproof's rules, P3 over real witness records, the signed gate. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/endian.h>
#include <rvm/proof_context.h>
#include <rvm/proof_object.h>
#include <rvm/sec_gate.h>
#include <rvm/witness_signer.h>

#include "fixture.h"

#define CALLER 3u
#define PID 77u
#define PROVER ((rvm_rights_t)(RVM_RIGHT_WRITE | RVM_RIGHT_PROVE))

static sfx_t fx;

static void setup(void) { sfx_open(&fx, 256, RVM_WITNESS_OVERWRITE_OLDEST, SFX_UNSIGNED, SFX_UNSIGNED); }
static void teardown(void) { sfx_close(&fx); }

/* Gate call that must append exactly one record; returns the error and the record. */
static rvm_err_t gate_once(const rvm_sec_request_t *req, rvm_sec_response_t *resp, rvm_witness_record_t *rec)
{
    uint64_t before = sfx_records(&fx);
    rvm_err_t err = rvm_sec_gate_check(&fx.gate, req, resp);
    ck_assert_uint_eq(sfx_records(&fx), before + 1);
    ck_assert_uint_eq(resp->witness_sequence, before);
    *rec = sfx_record(&fx, before);
    return err;
}

static void assert_rejected(const rvm_witness_record_t *r, uint8_t reason, rvm_err_t err)
{
    ck_assert_uint_eq(r->action_kind, RVM_ACTION_PROOF_REJECTED);
    ck_assert_uint_eq(r->proof_tier, 0);
    ck_assert_uint_eq(r->flags, reason);
    ck_assert_uint_eq(r->actor_partition_id, CALLER);
    ck_assert_int_eq((int32_t)rvm_le32_load(&r->payload[4]), err);
}

/* A P3 proof over `n` records starting at `first`. */
static rvm_sec_p3_t p3_over(uint64_t first, uint8_t n)
{
    rvm_sec_p3_t p3;
    memset(&p3, 0, sizeof p3);
    for (uint8_t i = 0; i < n && i < RVM_SEC_P3_MAX_LINKS; i++) {
        p3.link_seq[i] = first + i;
    }
    p3.link_count = n;
    return p3;
}

START_TEST(p2_success_then_replay)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 1001);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_DESTROY, PID);
    req.p2 = &ctx;
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(resp.proof_tier, 2);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_DESTROY);
    ck_assert_uint_eq(r.proof_tier, 2);
    ck_assert_uint_eq(r.actor_partition_id, CALLER);
    ck_assert_uint_eq(r.target_object_id, PID);
    rvm_cap_token_t t = sfx_token(&fx, h);
    ck_assert_uint_eq(r.capability_hash, rvm_cap_hash32(&t));
    /* The same proof again: its nonce is spent. */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P2_POLICY, RVM_ERR_PROOF_INVALID);
    ck_assert_uint_eq(r.payload[2], 2);
    /* A fresh nonce passes. */
    ctx.nonce = 1002;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

START_TEST(p2_authority_fields_come_from_the_gate)
{
    /* The context claims another requester, the hypervisor's object and forged capability facts. */
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 7);
    ctx.partition_id = 9;
    ctx.target_object = 1;
    ctx.cap_owner = 9;
    ctx.cap_object = 1;
    ctx.cap_rights = 0;
    ctx.proof_tier = 3;
    ctx.required_tier = 1;
    ctx.current_time_ns = 0;
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SPLIT, PID);
    req.p2 = &ctx;
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(r.proof_tier, 2);
    /* The gate's clock is the request's: a lease that ended before it fails whatever the context says. */
    sfx_p2(&ctx, 0x42, 8);
    ctx.lease_expiry_ns = req.timestamp_ns - 1;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P2_POLICY, RVM_ERR_PROOF_INVALID);
}
END_TEST

START_TEST(zero_proof)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0, 5);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_DESTROY, PID);
    req.p2 = &ctx;
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P2_ZERO, RVM_ERR_PROOF_INVALID);
    rvm_cap_token_t t = sfx_token(&fx, h);
    ck_assert_uint_eq(r.capability_hash, rvm_cap_hash32(&t));
}
END_TEST

START_TEST(bad_p2_proofs)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    rvm_proof_ctx_t ctx;
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_DESTROY, PID);
    req.p2 = &ctx;

    sfx_p2(&ctx, 0x42, 11);
    ctx.mutation_hash[31] ^= 1;   /* the proof authorises another mutation */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P2_POLICY, RVM_ERR_PROOF_INVALID);

    sfx_p2(&ctx, 0x42, 12);
    ctx.access_len = 0x100000;    /* touches memory outside its region */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);

    sfx_p2(&ctx, 0x42, 0);        /* nonce 0 is refused */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);

    sfx_p2(&ctx, 0x42, 13);
    req.target_object_id = PID + 1;   /* the capability names another object */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);

    /* None of the failures spent nonce 11: it still passes once the proof is right. */
    req.target_object_id = PID;
    sfx_p2(&ctx, 0x42, 11);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

START_TEST(p2_needs_prove)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, RVM_RIGHT_WRITE, CALLER);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 5);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_DESTROY, PID);
    req.p2 = &ctx;
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INSUFFICIENT_CAPABILITY);
    assert_rejected(&r, RVM_SEC_REASON_RIGHTS, RVM_ERR_INSUFFICIENT_CAPABILITY);
}
END_TEST

START_TEST(p2_nonce_spent_when_log_refuses)
{
    sfx_close(&fx);
    sfx_open(&fx, 2, RVM_WITNESS_REFUSE_UNDRAINED, SFX_UNSIGNED, SFX_UNSIGNED);
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 21);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_DESTROY, PID);
    req.p2 = &ctx;
    rvm_sec_response_t resp;
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_OK);
    ck_assert_uint_eq(sfx_records(&fx), 2);
    ctx.nonce = 22;
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_ERR_WITNESS_LOG_FULL);
    ck_assert_uint_eq(resp.witness_sequence, RVM_SEC_NO_WITNESS);
    ck_assert_uint_eq(sfx_records(&fx), 2);
    ck_assert_int_eq(rvm_witness_mark_drained(&fx.log, 2), RVM_OK);
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_ERR_PROOF_INVALID);
    ctx.nonce = 23;
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_OK);
}
END_TEST

/* Merge set-up: a PROVE capability and a valid P2 context; the log holds records 0.. (the root's creation). */
static rvm_sec_request_t merge_request(rvm_cap_handle_t h, rvm_proof_ctx_t *ctx, const rvm_sec_p3_t *p3)
{
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_MERGE, PID);
    req.p2 = ctx;
    req.p3 = p3;
    return req;
}

/* Appends `n` plain records so that P3 has history to name. */
static void history(uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        rvm_witness_record_t rec;
        memset(&rec, 0, sizeof rec);
        rec.action_kind = RVM_ACTION_CHECKPOINT_CREATED;
        rec.proof_tier = 1;
        rec.target_object_id = PID;
        rec.timestamp_ns = 500 + i;
        ck_assert_int_eq(rvm_witness_append(&fx.log, &rec, NULL), RVM_OK);
    }
}

START_TEST(p3_success)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(6);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 31);
    for (uint8_t n = 1; n <= RVM_SEC_P3_MAX_LINKS; n++) {
        rvm_sec_p3_t p3 = p3_over(1, n);
        ctx.nonce = 31 + n;
        rvm_sec_request_t req = merge_request(h, &ctx, &p3);
        rvm_sec_response_t resp;
        rvm_witness_record_t r;
        ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
        ck_assert_uint_eq(resp.proof_tier, 3);
        ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_MERGE);
        ck_assert_uint_eq(r.proof_tier, 3);
    }
    /* The chain may start at record 0 (chain value 0 before it) and end at the newest record. */
    rvm_sec_p3_t p3 = p3_over(0, 2);
    ctx.nonce = 40;
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    p3 = p3_over(sfx_records(&fx) - 1, 1);
    ctx.nonce = 41;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

START_TEST(p3_missing_when_required)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 50);
    rvm_sec_request_t req = merge_request(h, &ctx, NULL);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_TIER_INSUFFICIENT);
    assert_rejected(&r, RVM_SEC_REASON_TIER, RVM_ERR_PROOF_TIER_INSUFFICIENT);
    ck_assert_uint_eq(r.payload[1], 3);
    ck_assert_uint_eq(r.payload[2], 2);
    /* The tier check runs before P2, so the nonce was not spent. */
    history(2);
    rvm_sec_p3_t p3 = p3_over(1, 2);
    req.p3 = &p3;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

START_TEST(p3_link_count)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(6);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 60);
    rvm_sec_p3_t p3 = p3_over(1, 0);
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_COUNT, RVM_ERR_PROOF_INVALID);
    p3 = p3_over(1, RVM_SEC_P3_MAX_LINKS + 1);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_COUNT, RVM_ERR_PROOF_INVALID);
}
END_TEST

START_TEST(p3_link_not_in_log)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(3);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 70);
    rvm_sec_p3_t p3 = p3_over(sfx_records(&fx) - 1, 2);   /* the second link is not written yet */
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_CHAIN_BROKEN);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_MISSING, RVM_ERR_WITNESS_CHAIN_BROKEN);
    p3 = p3_over(1000, 1);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_CHAIN_BROKEN);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_MISSING, RVM_ERR_WITNESS_CHAIN_BROKEN);
    p3 = p3_over(UINT64_MAX, 1);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_CHAIN_BROKEN);
}
END_TEST

START_TEST(p3_link_overwritten)
{
    sfx_close(&fx);
    sfx_open(&fx, 8, RVM_WITNESS_OVERWRITE_OLDEST, SFX_UNSIGNED, SFX_UNSIGNED);
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(12);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 80);
    rvm_sec_p3_t p3 = p3_over(2, 2);   /* records 2 and 3 were overwritten */
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_CHAIN_BROKEN);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_MISSING, RVM_ERR_WITNESS_CHAIN_BROKEN);
    /* The oldest record still held can start a chain. */
    p3 = p3_over(rvm_witness_oldest_sequence(&fx.log), 2);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

START_TEST(p3_links_not_chained)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(6);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 90);
    rvm_sec_p3_t p3 = p3_over(1, 3);
    p3.link_seq[2] = 5;   /* skips record 3 */
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_CHAIN_BROKEN);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_UNCHAINED, RVM_ERR_WITNESS_CHAIN_BROKEN);
    p3 = p3_over(2, 2);
    p3.link_seq[1] = 1;   /* out of order */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_CHAIN_BROKEN);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_UNCHAINED, RVM_ERR_WITNESS_CHAIN_BROKEN);
    p3 = p3_over(3, 2);
    p3.link_seq[1] = 3;   /* the same record twice */
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_CHAIN_BROKEN);
}
END_TEST

START_TEST(p3_tampered_record)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(4);
    /* White box: rewrite a stored record's content behind the log's back. */
    fx.records[2 % fx.log_capacity].target_object_id ^= 0x100;
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 95);
    rvm_sec_p3_t p3 = p3_over(1, 3);
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_VERIFICATION_FAILED);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_HASH, RVM_ERR_WITNESS_VERIFICATION_FAILED);
    /* Records before the tampered one still verify. */
    p3 = p3_over(0, 2);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

START_TEST(p3_derivation_chain_broken)
{
    rvm_cap_handle_t root = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER | RVM_RIGHT_GRANT, 1);
    rvm_cap_handle_t child;
    ck_assert_int_eq(rvm_cap_grant(&fx.m, 1, root, PROVER, 0, CALLER, &child), RVM_OK);
    ck_assert_int_eq(rvm_cap_delete(&fx.m, 1, root), RVM_OK);   /* the child becomes an orphan */
    history(3);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 99);
    rvm_sec_p3_t p3 = p3_over(1, 2);
    rvm_sec_request_t req = merge_request(child, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P3_DERIVATION, RVM_ERR_PROOF_INVALID);
}
END_TEST

START_TEST(p3_evidence)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(3);
    static const char data[] = "migration image digest";
    uint8_t commitment[RVM_PROOF_COMMITMENT_LEN];
    ck_assert_int_eq(rvm_proof_hash_commitment(data, sizeof data, 0, commitment), RVM_OK);
    rvm_proof_obj_t obj;
    ck_assert_int_eq(rvm_proof_obj_init(&obj, RVM_PROOF_OBJ_HASH, commitment, data, sizeof data), RVM_OK);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 120);
    rvm_sec_p3_t p3 = p3_over(1, 2);
    p3.evidence = &obj;
    p3.evidence_commitment = commitment;
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    req.action = RVM_ACTION_PARTITION_MIGRATE;
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PARTITION_MIGRATE);
    ck_assert_uint_eq(r.proof_tier, 3);

    uint8_t wrong[RVM_PROOF_COMMITMENT_LEN];
    memcpy(wrong, commitment, sizeof wrong);
    wrong[0] ^= 1;
    p3.evidence_commitment = wrong;
    ctx.nonce = 121;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_INVALID);
    assert_rejected(&r, RVM_SEC_REASON_P3_EVIDENCE, RVM_ERR_PROOF_INVALID);

    rvm_proof_obj_t zk;
    ck_assert_int_eq(rvm_proof_obj_init(&zk, RVM_PROOF_OBJ_ZK, commitment, data, sizeof data), RVM_OK);
    p3.evidence = &zk;
    p3.evidence_commitment = commitment;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_UNSUPPORTED);
    assert_rejected(&r, RVM_SEC_REASON_P3_EVIDENCE, RVM_ERR_UNSUPPORTED);

    p3.evidence_commitment = NULL;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_INVALID_ARGUMENT);
    assert_rejected(&r, RVM_SEC_REASON_BAD_REQUEST, RVM_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(untrusted_lease_with_p3)
{
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_DEVICE, 12, PROVER, CALLER);
    history(2);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 130);
    rvm_sec_p3_t p3 = p3_over(1, 2);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_DEVICE, RVM_RIGHT_WRITE, RVM_ACTION_DEVICE_LEASE_GRANT, 12);
    req.target_untrusted = true;
    req.p2 = &ctx;
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_PROOF_TIER_INSUFFICIENT);
    req.p3 = &p3;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(r.proof_tier, 3);
}
END_TEST

/* Signed gate over a log signed with `log_key`, gate key A. */
static void reopen_signed(sfx_key_t log_key)
{
    sfx_close(&fx);
    sfx_open(&fx, 256, RVM_WITNESS_OVERWRITE_OLDEST, log_key, SFX_KEY_A);
}

START_TEST(signed_gate_signs_every_record)
{
    reopen_signed(SFX_UNSIGNED);
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    rvm_sec_request_t req = sfx_request(CALLER, h, RVM_OBJ_PARTITION, RVM_RIGHT_WRITE, RVM_ACTION_PARTITION_SUSPEND, PID);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert(rvm_witness_verify_record(&fx.key_a.base, &r));
    ck_assert(!rvm_witness_verify_record(&fx.key_b.base, &r));
    req.caller = 4;
    ck_assert_int_eq(rvm_sec_gate_check(&fx.gate, &req, &resp), RVM_ERR_INVALID_HANDLE);
    r = sfx_record(&fx, resp.witness_sequence);
    ck_assert_uint_eq(r.action_kind, RVM_ACTION_PROOF_REJECTED);
    ck_assert(rvm_witness_verify_record(&fx.key_a.base, &r));
}
END_TEST

START_TEST(signed_gate_p3_success)
{
    reopen_signed(SFX_KEY_A);
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(4);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 140);
    rvm_sec_p3_t p3 = p3_over(1, 4);
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
    ck_assert_uint_eq(r.proof_tier, 3);
    ck_assert(rvm_witness_verify_record(&fx.key_a.base, &r));
    /* The gate's own records can serve as the next proof's links. */
    p3 = p3_over(resp.witness_sequence - 1, 2);
    ctx.nonce = 141;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

START_TEST(signed_gate_rejects_foreign_signature)
{
    reopen_signed(SFX_KEY_B);
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(4);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 150);
    rvm_sec_p3_t p3 = p3_over(1, 2);
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_VERIFICATION_FAILED);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_SIGNATURE, RVM_ERR_WITNESS_VERIFICATION_FAILED);
    ck_assert(rvm_witness_verify_record(&fx.key_a.base, &r));
}
END_TEST

START_TEST(signed_gate_rejects_unsigned_links)
{
    reopen_signed(SFX_UNSIGNED);
    rvm_cap_handle_t h = sfx_root(&fx, RVM_OBJ_PARTITION, PID, PROVER, CALLER);
    history(4);
    rvm_proof_ctx_t ctx;
    sfx_p2(&ctx, 0x42, 160);
    rvm_sec_p3_t p3 = p3_over(1, 2);
    rvm_sec_request_t req = merge_request(h, &ctx, &p3);
    rvm_sec_response_t resp;
    rvm_witness_record_t r;
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_ERR_WITNESS_VERIFICATION_FAILED);
    assert_rejected(&r, RVM_SEC_REASON_P3_LINK_UNSIGNED, RVM_ERR_WITNESS_VERIFICATION_FAILED);
    /* The unsigned gate accepts the same links: only the signed gate demands signatures. */
    rvm_sec_gate_config_t gc;
    rvm_sec_gate_config_default(&gc);
    ck_assert_int_eq(rvm_sec_gate_init(&fx.gate, &fx.m, &fx.log, fx.policy, &gc), RVM_OK);
    ck_assert_int_eq(gate_once(&req, &resp, &r), RVM_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sec_gate_proof");
    TCase *tc = tcase_create("proofs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, p2_success_then_replay);
    tcase_add_test(tc, p2_authority_fields_come_from_the_gate);
    tcase_add_test(tc, zero_proof);
    tcase_add_test(tc, bad_p2_proofs);
    tcase_add_test(tc, p2_needs_prove);
    tcase_add_test(tc, p2_nonce_spent_when_log_refuses);
    tcase_add_test(tc, p3_success);
    tcase_add_test(tc, p3_missing_when_required);
    tcase_add_test(tc, p3_link_count);
    tcase_add_test(tc, p3_link_not_in_log);
    tcase_add_test(tc, p3_link_overwritten);
    tcase_add_test(tc, p3_links_not_chained);
    tcase_add_test(tc, p3_tampered_record);
    tcase_add_test(tc, p3_derivation_chain_broken);
    tcase_add_test(tc, p3_evidence);
    tcase_add_test(tc, untrusted_lease_with_p3);
    tcase_add_test(tc, signed_gate_signs_every_record);
    tcase_add_test(tc, signed_gate_p3_success);
    tcase_add_test(tc, signed_gate_rejects_foreign_signature);
    tcase_add_test(tc, signed_gate_rejects_unsigned_links);
    suite_add_tcase(s, tc);
    return sfx_run_suite(s);
}
