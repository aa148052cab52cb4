/*
 * libFuzzer target: hostile security-gate requests (caller, handle, type,
 * rights, action, flags, P2 context fields, P3 link sequences) and hostile
 * hypercall arguments for the validation functions. Every gate call must
 * append exactly one record that agrees with the answer; a success must name
 * the capability's owner as the caller and reach the action's tier. Any
 * violation aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rvm/action_kind.h>
#include <rvm/cap_manager.h>
#include <rvm/proof_context.h>
#include <rvm/proof_policy.h>
#include <rvm/sec_gate.h>
#include <rvm/sec_tier.h>
#include <rvm/sec_validate.h>
#include <rvm/witness_log.h>

#define SLOTS 32u
#define STEP 24u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

RVM_CAP_STORAGE_DEFINE(fuzz_sec_table, SLOTS, 16);
static rvm_witness_record_t ring[1024];
static rvm_nonce_ring_t nonces;
static rvm_proof_policy_t policy;

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void must(int ok)
{
    if (!ok) {
        abort();
    }
}

/* Validation answers must agree with what they claim to check. */
static void fuzz_validate(const uint8_t *d)
{
    uint64_t a = le64(d);
    uint64_t b = le64(d + 8);
    uint64_t sum;
    bool wraps = __builtin_add_overflow(a, b, &sum);
    rvm_err_t e = rvm_sec_validate_region_bounds(a, b);
    must((e == RVM_OK) == (b != 0 && (a & 0xFFF) == 0 && (b & 0xFFF) == 0 && !wraps));
    e = rvm_sec_validate_guest_buffer(a, b & 0xFFFF, 0x40000000, 0x100000);
    must(e != RVM_OK || (a >= 0x40000000 && a + (b & 0xFFFF) <= 0x40100000));
    rvm_cap_handle_t h = { 0, 0 };
    e = rvm_sec_validate_cap_handle(a, SLOTS, &h);
    must(e != RVM_OK || (h.index < SLOTS && h.generation != 0 && ((uint64_t)h.index << 32 | h.generation) == a));
    e = rvm_sec_validate_partition_id((uint32_t)a);
    must((e == RVM_OK) == ((uint32_t)a >= 1 && (uint32_t)a <= 4096));
    e = rvm_sec_validate_vcpu_count((uint32_t)a, (uint32_t)b);
    must((e == RVM_OK) == ((uint32_t)a >= 1 && (uint32_t)a <= (uint32_t)b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rvm_witness_log_t log;
    rvm_cap_manager_t m;
    rvm_sec_gate_t gate;
    must(rvm_witness_log_init(&log, ring, 1024, NULL) == RVM_OK);
    must(rvm_nonce_ring_init(&nonces, false) == RVM_OK);
    must(rvm_cap_manager_init(&m, &fuzz_sec_table, NULL, &log, &nonces) == RVM_OK);
    must(rvm_proof_policy_init(&policy, false) == RVM_OK);
    must(rvm_sec_gate_init(&gate, &m, &log, &policy, NULL) == RVM_OK);

    /* Capabilities of every type for partitions 1..4, some with PROVE. */
    rvm_cap_handle_t caps[16];
    for (uint32_t i = 0; i < 16; i++) {
        rvm_rights_t r = (rvm_rights_t)((i * 37u) & RVM_RIGHTS_ALL);
        must(rvm_cap_create_root(&m, 0, (uint8_t)(i % 9), i % 5, r, 0, 1 + (i % 4), &caps[i]) == RVM_OK);
    }

    for (size_t off = 0; off + STEP <= size && off < STEP * 64; off += STEP) {
        const uint8_t *d = data + off;
        fuzz_validate(d + 8);
        rvm_sec_request_t req;
        memset(&req, 0, sizeof req);
        req.caller = d[0] < 0xF0 ? 1u + (d[0] % 4) : (uint32_t)le64(d + 8);
        req.handle = d[1] < 0xF0 ? caps[d[1] % 16] : (rvm_cap_handle_t){ d[2], d[3] };
        req.required_type = d[4] % 10;
        req.required_rights = d[5];
        req.action = d[6];
        req.flags = d[7];
        req.require_p3 = (d[2] & 1) != 0;
        req.target_untrusted = (d[2] & 2) != 0;
        req.target_object_id = d[3] % 6;
        req.timestamp_ns = le64(d + 8);
        memcpy(req.payload, d + 16, 8);
        rvm_proof_ctx_t ctx;
        rvm_sec_p3_t p3;
        if (d[2] & 4) {
            must(rvm_proof_ctx_init(&ctx, 1) == RVM_OK);
            ctx.region_base = d[16];
            ctx.region_limit = d[17];
            ctx.access_base = d[16];
            ctx.access_len = d[18] % 4;
            ctx.nonce = d[19];
            memset(ctx.authorised_hash, d[20] & 3, sizeof ctx.authorised_hash);
            memset(ctx.mutation_hash, d[21] & 3, sizeof ctx.mutation_hash);
            req.p2 = &ctx;
        }
        if (d[2] & 8) {
            memset(&p3, 0, sizeof p3);
            p3.link_count = d[22] % 6;
            for (unsigned i = 0; i < RVM_SEC_P3_MAX_LINKS; i++) {
                p3.link_seq[i] = (uint64_t)d[23] + i + ((d[22] & 0x80) != 0 && i == 2);
            }
            req.p3 = &p3;
        }

        uint64_t before = rvm_witness_total_emitted(&log);
        rvm_sec_response_t resp;
        rvm_err_t e = rvm_sec_gate_check(&gate, &req, &resp);
        must(rvm_witness_total_emitted(&log) == before + 1 && resp.witness_sequence == before);
        rvm_witness_record_t rec;
        must(rvm_witness_get(&log, before, &rec) == RVM_OK);
        must(rec.actor_partition_id == req.caller && rec.timestamp_ns == req.timestamp_ns);
        if (e == RVM_OK) {
            rvm_cap_info_t info;
            uint8_t min_tier = 0;
            must(rvm_cap_lookup(&m, req.handle, &info) == RVM_OK && info.owner == req.caller);
            must(info.token.type == req.required_type && rvm_rights_contains(info.token.rights, req.required_rights));
            must(rvm_sec_action_min_tier(req.action, req.target_untrusted, &min_tier) == RVM_OK);
            must(resp.proof_tier >= min_tier && resp.proof_tier >= (req.require_p3 ? 3 : 1));
            must(rec.action_kind == req.action && rec.proof_tier == resp.proof_tier && resp.reason == 0);
        } else {
            must(rec.action_kind == RVM_ACTION_PROOF_REJECTED && rec.proof_tier == 0 && resp.proof_tier == 0);
            must(rec.flags == resp.reason && resp.reason != 0);
        }
    }
    return 0;
}
