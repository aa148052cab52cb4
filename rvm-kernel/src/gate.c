/* The kernel's security gate (see gate.h). */
#include "gate.h"

#include <stddef.h>

#include <rvm/cap_manager.h>
#include <rvm/ids.h>
#include <rvm/proof_context.h>
#include <rvm/proof_policy.h>
#include <rvm/sec_gate.h>
#include <rvm/sha256.h>

#include "audit.h"
#include "vm.h"

#define KERNEL_PROOF_NS 100000000u

/*
 * Two gates over the same capabilities and log, for their P2 nonce
 * histories: the hypervisor's own proofs draw from its counter, and no
 * partition can spend or age out a nonce the hypervisor will use. Partitions
 * share the other history; only holders of a PROVE capability can spend
 * nonces in it, and they issue them from an increasing sequence.
 */
static rvm_sec_gate_t kernel_gate;
static rvm_sec_gate_t guest_gate;
static rvm_proof_policy_t kernel_policy;
static rvm_proof_policy_t guest_policy;
static uint64_t kernel_nonce;

rvm_err_t rvm_gate_setup(rvm_cap_manager_t *caps)
{
    rvm_sec_gate_config_t cfg;
    rvm_sec_gate_config_default(&cfg);
    rvm_err_t err = rvm_proof_policy_init(&kernel_policy, false);
    if (err == RVM_OK) {
        err = rvm_proof_policy_init(&guest_policy, false);
    }
    if (err == RVM_OK) {
        err = rvm_sec_gate_init(&kernel_gate, caps, rvm_audit_log(), &kernel_policy, &cfg);
    }
    if (err == RVM_OK) {
        err = rvm_sec_gate_init(&guest_gate, caps, rvm_audit_log(), &guest_policy, &cfg);
    }
    return err;
}

static void mutation_hash(const rvm_gate_call_t *c, uint8_t out[RVM_SHA256_DIGEST_LEN])
{
    uint8_t bytes[RVM_HC_MUTATION_BYTES];
    rvm_hc_mutation_bytes(bytes, c->call, c->caller, c->args[0], c->args[1], c->args[2], c->args[3]);
    rvm_sha256(bytes, sizeof bytes, out);
}

rvm_err_t rvm_gate_check(const rvm_gate_call_t *c)
{
    rvm_vm_t *guest = c->caller != 0u ? rvm_vm_get(c->caller) : NULL;
    /*
     * The gate witnesses every denial; a partition past its witnessed
     * refusals is refused before it, so it cannot flood the log through
     * structural calls either (the refusal is still counted).
     */
    if (guest != NULL && guest->refusals >= RVM_HC_REFUSALS_WITNESSED) {
        return RVM_ERR_RESOURCE_LIMIT_EXCEEDED;
    }
    rvm_proof_ctx_t ctx;
    rvm_sec_p3_t p3;
    rvm_sec_request_t req = { 0 };
    req.caller = c->caller;
    req.handle = c->handle;
    req.required_type = c->type;
    req.required_rights = c->rights;
    req.action = c->action;
    req.target_object_id = c->target;
    req.timestamp_ns = rvm_audit_now_ns();
    for (uint32_t i = 0; i < 4u; i++) {
        req.payload[i] = (uint8_t)(c->call >> (8u * i));
        req.payload[4u + i] = (uint8_t)(c->args[0] >> (8u * i));
    }
    if (c->proof != NULL) {
        rvm_err_t err = rvm_proof_ctx_init(&ctx, c->caller);
        if (err != RVM_OK) {
            return err;
        }
        mutation_hash(c, ctx.mutation_hash);
        for (uint32_t i = 0; i < RVM_PROOF_HASH_LEN; i++) {
            ctx.authorised_hash[i] = c->proof->authorised_hash[i];
        }
        ctx.nonce = c->proof->nonce;
        ctx.lease_expiry_ns = c->proof->valid_until_ns;
        ctx.max_validity_window_ns = RVM_HC_PROOF_WINDOW_NS;
        /* What the mutation touches, for RegionBounds: one id of the object space its capability type names. */
        ctx.region_base = 0;
        ctx.region_limit = UINT64_MAX;
        ctx.access_base = c->target;
        ctx.access_len = 1;
        req.p2 = &ctx;
    }
    if (c->p3 != NULL) {
        p3 = (rvm_sec_p3_t){ { 0 }, 0, NULL, NULL, 0 };
        uint64_t n = c->p3->link_count;
        for (uint32_t i = 0; i < RVM_SEC_P3_MAX_LINKS; i++) {
            p3.link_seq[i] = c->p3->link_seq[i];
        }
        /* An out-of-range count is the gate's to refuse (and witness), not ours to clip. */
        p3.link_count = n > UINT8_MAX ? UINT8_MAX : (uint8_t)n;
        req.p3 = &p3;
    }
    rvm_sec_response_t resp;
    rvm_err_t err = rvm_sec_gate_check(c->caller == 0u ? &kernel_gate : &guest_gate, &req, &resp);
    if (err != RVM_OK && guest != NULL && resp.witness_sequence != RVM_SEC_NO_WITNESS) {
        guest->refusal_witnessed = true;
    }
    rvm_audit_stream();
    return err;
}

void rvm_gate_kernel_proof(const rvm_gate_call_t *c, rvm_hc_proof_t *out)
{
    mutation_hash(c, out->authorised_hash);
    out->nonce = ++kernel_nonce;
    out->valid_until_ns = rvm_audit_now_ns() + KERNEL_PROOF_NS;
}
