/* The security gate: P1 on a table-resolved capability, P2/P3 verification, one witness per decision (§14.2). */
#include <rvm/sec_gate.h>

#include <stddef.h>

#include <rvm/action_kind.h>
#include <rvm/cap_verify.h>
#include <rvm/endian.h>
#include <rvm/proof_types.h>
#include <rvm/witness_verify.h>

#include "tier.h"

/* What a denial record needs to know about the call so far. */
typedef struct gate_call {
    const rvm_sec_request_t *req;
    uint32_t cap_hash;   /* 0 until the handle resolved */
    uint8_t required;
    uint8_t presented;
} gate_call_t;

void rvm_sec_gate_config_default(rvm_sec_gate_config_t *cfg)
{
    if (cfg == NULL) {
        return;
    }
    cfg->chain_mode = RVM_WITNESS_CHAIN_CONTENT;
    cfg->digest = RVM_WITNESS_DIGEST_SHA256;
    cfg->max_delegation_depth = RVM_CAP_MAX_DEPTH;
    cfg->signer = NULL;
}

rvm_err_t rvm_sec_gate_init(rvm_sec_gate_t *g, const rvm_cap_manager_t *caps, rvm_witness_log_t *log,
                            rvm_proof_policy_t *policy, const rvm_sec_gate_config_t *cfg)
{
    rvm_sec_gate_config_t def;
    if (g == NULL || caps == NULL || log == NULL || policy == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    if (cfg == NULL) {
        rvm_sec_gate_config_default(&def);
        cfg = &def;
    }
    if ((cfg->chain_mode != RVM_WITNESS_CHAIN_SEQUENCE && cfg->chain_mode != RVM_WITNESS_CHAIN_CONTENT) ||
        (cfg->digest != RVM_WITNESS_DIGEST_SHA256 && cfg->digest != RVM_WITNESS_DIGEST_FNV1A) ||
        cfg->max_delegation_depth == 0 || cfg->max_delegation_depth > RVM_CAP_MAX_DEPTH) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    g->caps = caps;
    g->log = log;
    g->policy = policy;
    g->signer = cfg->signer;
    g->chain_mode = cfg->chain_mode;
    g->digest = cfg->digest;
    g->max_depth = cfg->max_delegation_depth;
    return RVM_OK;
}

bool rvm_sec_gate_is_signed(const rvm_sec_gate_t *g)
{
    return g != NULL && g->signer != NULL;
}

static rvm_err_t append(const rvm_sec_gate_t *g, const rvm_witness_record_t *rec, uint64_t *seq)
{
    if (g->signer != NULL) {
        return rvm_witness_signed_append(g->log, rec, g->signer, seq);
    }
    return rvm_witness_append(g->log, rec, seq);
}

/*
 * Fills a record from zero. On little-endian hosts the bytes the log reads
 * back as 64-bit words (kind..actor at 16, capability hash and the first half
 * of the payload at 32) are written as such words: a load spanning several
 * narrower stores still in the store buffer cannot be forwarded from them and
 * stalls the append, which shows in the gate's cost.
 */
static void put_record(rvm_witness_record_t *rec, const rvm_sec_request_t *req, uint8_t kind, uint8_t tier,
                       uint8_t flags, uint32_t cap_hash, const uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE])
{
    __builtin_memset(rec, 0, sizeof *rec);
    rec->timestamp_ns = req->timestamp_ns;
    rec->target_object_id = req->target_object_id;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t head = (uint64_t)kind | ((uint64_t)tier << 8) | ((uint64_t)flags << 16) | ((uint64_t)req->caller << 32);
    uint64_t cap = (uint64_t)cap_hash | ((uint64_t)rvm_le32_load(payload) << 32);
    __builtin_memcpy((uint8_t *)rec + offsetof(rvm_witness_record_t, action_kind), &head, sizeof head);
    __builtin_memcpy((uint8_t *)rec + offsetof(rvm_witness_record_t, capability_hash), &cap, sizeof cap);
    __builtin_memcpy(rec->payload + 4, payload + 4, RVM_WITNESS_PAYLOAD_SIZE - 4);
#else
    rec->action_kind = kind;
    rec->proof_tier = tier;
    rec->flags = flags;
    rec->actor_partition_id = req->caller;
    rec->capability_hash = cap_hash;
    __builtin_memcpy(rec->payload, payload, RVM_WITNESS_PAYLOAD_SIZE);
#endif
}

/* Witnesses a denial with one ProofRejected record and answers with `err`. */
static rvm_err_t deny(const rvm_sec_gate_t *g, const gate_call_t *c, rvm_sec_response_t *resp, rvm_err_t err,
                      uint8_t reason)
{
    uint8_t payload[RVM_WITNESS_PAYLOAD_SIZE] = { c->req->action, c->required, c->presented, 0 };
    rvm_le32_store(&payload[4], (uint32_t)err);
    rvm_witness_record_t rec;
    put_record(&rec, c->req, RVM_ACTION_PROOF_REJECTED, RVM_PROOF_TIER_NONE, reason, c->cap_hash, payload);
    uint64_t seq;
    resp->witness_sequence = append(g, &rec, &seq) == RVM_OK ? seq : RVM_SEC_NO_WITNESS;
    resp->proof_tier = RVM_PROOF_TIER_NONE;
    resp->reason = reason;
    return err;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

/*
 * P2 on a private copy of the kernel's context whose authority fields come
 * from the request and the table, never from the presented context. Kept out
 * of line so that the proof-free path does not carry this frame.
 */
__attribute__((noinline)) static rvm_err_t check_p2(const rvm_sec_gate_t *g, const gate_call_t *c, uint8_t *reason)
{
    const rvm_sec_request_t *req = c->req;
    if (all_zero(req->p2->authorised_hash, RVM_PROOF_HASH_LEN)) {
        *reason = RVM_SEC_REASON_P2_ZERO;
        return RVM_ERR_PROOF_INVALID;
    }
    /*
     * The fast path read only the owner and token hash; P2 needs the rest.
     * P1 found the handle live and current, so this fails only if a caller
     * broke the serialisation rule, and then the gate still fails closed.
     */
    rvm_cap_info_t info;
    rvm_err_t err = rvm_cap_lookup(g->caps, req->handle, &info);
    if (err != RVM_OK) {
        *reason = RVM_SEC_REASON_HANDLE;
        return err;
    }
    rvm_proof_ctx_t ctx;
    __builtin_memcpy(&ctx, req->p2, sizeof ctx);
    ctx.partition_id = req->caller;
    ctx.target_object = req->target_object_id;
    ctx.requested_operation = req->action;
    ctx.proof_tier = c->presented;
    ctx.required_tier = c->required;
    ctx.capability_handle = req->handle.index;
    ctx.capability_generation = req->handle.generation;
    ctx.current_time_ns = req->timestamp_ns;
    ctx.cap_owner = info.owner;
    ctx.cap_object = info.object_id;
    ctx.cap_depth = info.depth;
    ctx.cap_rights = info.token.rights;
    err = rvm_proof_p2_check(g->policy, &ctx);
    if (err != RVM_OK) {
        *reason = RVM_SEC_REASON_P2_POLICY;
    }
    return err;
}

/* Maps a chain verifier's stopping reason onto the gate's. */
static uint8_t link_reason(uint8_t verify_reason)
{
    switch (verify_reason) {
    case RVM_WITNESS_VERIFY_SEQUENCE_GAP:
    case RVM_WITNESS_VERIFY_PREV_HASH:
        return RVM_SEC_REASON_P3_LINK_UNCHAINED;
    case RVM_WITNESS_VERIFY_SIGNATURE:
        return RVM_SEC_REASON_P3_LINK_SIGNATURE;
    default:
        return RVM_SEC_REASON_P3_LINK_HASH;
    }
}

/* The P3 witness evidence: real, consecutive records of this log that verify as a chain (and, signed, as signed). */
__attribute__((noinline)) static rvm_err_t check_p3_links(const rvm_sec_gate_t *g, const rvm_sec_p3_t *p3,
                                                          uint8_t *reason)
{
    uint32_t n = p3->link_count;
    if (n == 0 || n > RVM_SEC_P3_MAX_LINKS) {
        *reason = RVM_SEC_REASON_P3_LINK_COUNT;
        return RVM_ERR_PROOF_INVALID;
    }
    rvm_witness_record_t recs[RVM_SEC_P3_MAX_LINKS];
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && (p3->link_seq[i - 1] == UINT64_MAX || p3->link_seq[i] != p3->link_seq[i - 1] + 1)) {
            *reason = RVM_SEC_REASON_P3_LINK_UNCHAINED;
            return RVM_ERR_WITNESS_CHAIN_BROKEN;
        }
        if (rvm_witness_get(g->log, p3->link_seq[i], &recs[i]) != RVM_OK) {
            *reason = RVM_SEC_REASON_P3_LINK_MISSING;
            return RVM_ERR_WITNESS_CHAIN_BROKEN;
        }
        if (g->signer != NULL && all_zero(recs[i].aux, RVM_WITNESS_AUX_SIZE)) {
            *reason = RVM_SEC_REASON_P3_LINK_UNSIGNED;
            return RVM_ERR_WITNESS_VERIFICATION_FAILED;
        }
    }
    uint64_t prev;
    if (rvm_witness_chain_before(g->log, p3->link_seq[0], &prev) != RVM_OK) {
        *reason = RVM_SEC_REASON_P3_LINK_MISSING;
        return RVM_ERR_WITNESS_CHAIN_BROKEN;
    }
    rvm_witness_verify_result_t vr;
    rvm_err_t err = rvm_witness_verify_chain_from(g->chain_mode, g->digest, prev, recs, n, g->signer, &vr);
    if (err != RVM_OK) {
        *reason = link_reason(vr.reason);
    }
    return err;
}

/* P3: derivation chain of the capability, the optional proof object, then the witness links. */
static rvm_err_t check_p3(const rvm_sec_gate_t *g, const rvm_sec_request_t *req, uint8_t *reason)
{
    const rvm_sec_p3_t *p3 = req->p3;
    rvm_err_t err = rvm_cap_verify_p3(g->caps, req->handle, g->max_depth);
    if (err != RVM_OK) {
        *reason = RVM_SEC_REASON_P3_DERIVATION;
        return err;
    }
    if (p3->evidence != NULL) {
        err = rvm_proof_obj_verify(p3->evidence, p3->evidence_commitment, p3->evidence_flags);
        if (err != RVM_OK) {
            *reason = RVM_SEC_REASON_P3_EVIDENCE;
            return err;
        }
    }
    return check_p3_links(g, p3, reason);
}

/* Step 1: the request's own fields, before anything is looked up. */
static rvm_err_t check_request(gate_call_t *c, uint8_t *reason)
{
    const rvm_sec_request_t *req = c->req;
    if (req->caller > RVM_PARTITION_ID_MAX_LOGICAL) {
        *reason = RVM_SEC_REASON_BAD_REQUEST;
        return RVM_ERR_PARTITION_LIMIT_EXCEEDED;
    }
    rvm_err_t err = sec_action_min_tier(req->action, req->target_untrusted, &c->required);
    if (err != RVM_OK) {
        *reason = RVM_SEC_REASON_BAD_ACTION;
        return err;
    }
    if (req->require_p3) {
        c->required = RVM_PROOF_TIER_P3;
    }
    bool p3_ok = req->p3 == NULL ||
                 (req->p2 != NULL && (req->p3->evidence == NULL || req->p3->evidence_commitment != NULL));
    /* A zero time would also void P2's lease and window rules, which read the same clock. */
    if (req->timestamp_ns == 0 || !rvm_obj_type_valid(req->required_type) ||
        !rvm_rights_valid(req->required_rights) || !p3_ok) {
        *reason = RVM_SEC_REASON_BAD_REQUEST;
        return RVM_ERR_INVALID_ARGUMENT;
    }
    return RVM_OK;
}

rvm_err_t rvm_sec_gate_check(rvm_sec_gate_t *g, const rvm_sec_request_t *req, rvm_sec_response_t *resp)
{
    if (g == NULL || req == NULL || resp == NULL || g->caps == NULL || g->log == NULL) {
        return RVM_ERR_INVALID_ARGUMENT;
    }
    gate_call_t c = { .req = req,
                      .cap_hash = 0,
                      .required = RVM_PROOF_TIER_P1,
                      .presented = (uint8_t)(RVM_PROOF_TIER_P1 + (req->p2 != NULL) + (req->p3 != NULL)) };
    uint8_t reason = RVM_SEC_REASON_NONE;
    rvm_err_t err = check_request(&c, &reason);
    if (err != RVM_OK) {
        return deny(g, &c, resp, err, reason);
    }

    /* A presented proof references the capability, which takes PROVE (spec §3.2). */
    rvm_rights_t rights = (rvm_rights_t)(req->required_rights | (req->p2 != NULL ? RVM_RIGHT_PROVE : 0));
    rvm_cap_p1_facts_t facts;
    rvm_err_t p1 = rvm_cap_check_p1_facts(g->caps, req->handle, rights, req->required_type, &facts);
    if (p1 == RVM_ERR_INVALID_HANDLE || p1 == RVM_ERR_STALE_CAPABILITY) {
        return deny(g, &c, resp, p1, p1 == RVM_ERR_STALE_CAPABILITY ? RVM_SEC_REASON_STALE : RVM_SEC_REASON_HANDLE);
    }
    /* A foreign handle looks forged to its presenter, and the denial says nothing of its rights. */
    if (facts.owner != req->caller) {
        return deny(g, &c, resp, RVM_ERR_INVALID_HANDLE, RVM_SEC_REASON_OWNER);
    }
    c.cap_hash = facts.token_hash;
    if (p1 != RVM_OK) {
        return deny(g, &c, resp, p1,
                    p1 == RVM_ERR_CAPABILITY_TYPE_MISMATCH ? RVM_SEC_REASON_TYPE : RVM_SEC_REASON_RIGHTS);
    }
    if (c.presented < c.required) {
        return deny(g, &c, resp, RVM_ERR_PROOF_TIER_INSUFFICIENT, RVM_SEC_REASON_TIER);
    }
    if (req->p2 != NULL) {
        err = check_p2(g, &c, &reason);
        if (err != RVM_OK) {
            return deny(g, &c, resp, err, reason);
        }
    }
    if (req->p3 != NULL) {
        err = check_p3(g, req, &reason);
        if (err != RVM_OK) {
            return deny(g, &c, resp, err, reason);
        }
    }

    if (req->p2 != NULL) {
        /*
         * P2 found the nonce fresh; recording it before the append means a
         * refused witness burns it (the caller needs a fresh proof) rather
         * than leaving a window in which the same proof could pass twice.
         */
        err = rvm_proof_policy_commit_nonce(g->policy, req->p2->nonce);
        if (err != RVM_OK) {
            return deny(g, &c, resp, err, RVM_SEC_REASON_P2_POLICY);
        }
    }

    rvm_witness_record_t rec;
    put_record(&rec, req, req->action, c.presented, req->flags, c.cap_hash, req->payload);
    uint64_t seq;
    err = append(g, &rec, &seq);
    if (err != RVM_OK) {
        resp->witness_sequence = RVM_SEC_NO_WITNESS;
        resp->proof_tier = RVM_PROOF_TIER_NONE;
        resp->reason = RVM_SEC_REASON_WITNESS;
        return err;
    }
    resp->witness_sequence = seq;
    resp->proof_tier = c.presented;
    resp->reason = RVM_SEC_REASON_NONE;
    return RVM_OK;
}
