/* The proof-gated mutation pipeline: P1 -> P2 (six rules) -> success witness (chain mode 2, SHA-256). */
#include <stdlib.h>
#include <string.h>

#include <rvm/cap_manager.h>
#include <rvm/proof_engine.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>

#include "benches.h"

#define OWNER 1u

RVM_CAP_STORAGE_DEFINE(bench_proof_table, 64, 16);

typedef struct proof_ctx {
    rvm_cap_manager_t m;
    rvm_witness_log_t log;
    rvm_witness_record_t *ring;
    rvm_nonce_ring_t cap_nonces;
    rvm_proof_policy_t policy;
    rvm_proof_ctx_t req;
    rvm_proof_token_t token;
} proof_ctx_t;

static void must(rvm_err_t e)
{
    if (e != RVM_OK) {
        abort();
    }
}

/* Each run presents a fresh nonce, as a real caller must; any failure aborts, so only passing runs are timed. */
static void pipeline(void *c, uint64_t first, uint64_t ops)
{
    proof_ctx_t *x = c;
    for (uint64_t i = first; i < first + ops; i++) {
        x->req.nonce = i + 1u;
        must(rvm_proof_verify_and_witness(&x->policy, &x->token, &x->req, &x->m, &x->log));
    }
}

size_t bench_proof(bench_result_t *out)
{
    static proof_ctx_t x;
    x.ring = aligned_alloc(64, 4096 * sizeof(rvm_witness_record_t));
    if (x.ring == NULL) {
        abort();
    }
    must(rvm_witness_log_init(&x.log, x.ring, 4096, NULL));
    must(rvm_nonce_ring_init(&x.cap_nonces, false));
    must(rvm_cap_manager_init(&x.m, &bench_proof_table, NULL, &x.log, &x.cap_nonces));
    must(rvm_proof_policy_init(&x.policy, false));
    rvm_cap_handle_t h;
    must(rvm_cap_create_root(&x.m, RVM_PARTITION_HYPERVISOR, RVM_OBJ_REGION, 7, RVM_RIGHT_PROVE | RVM_RIGHT_WRITE, 0,
                             OWNER, &h));
    must(rvm_proof_ctx_init(&x.req, OWNER));
    x.req.target_object = 7;
    x.req.capability_handle = h.index;
    x.req.capability_generation = h.generation;
    x.req.region_base = 0x1000;
    x.req.region_limit = 0x3000;
    x.req.access_base = 0x2000;
    x.req.access_len = 0x1000;
    x.req.current_time_ns = 100;
    x.req.lease_expiry_ns = 200;
    memset(x.req.authorised_hash, 0x5C, sizeof x.req.authorised_hash);
    memset(x.req.mutation_hash, 0x5C, sizeof x.req.mutation_hash);
    x.token = (rvm_proof_token_t){ RVM_PROOF_TIER_P2, 0, 0x1234u };

    const char *sha = rvm_sha256_impl_name(rvm_sha256_active_impl());
    bench_spec_t s = { .name = "p2_proof_pipeline", .impl = sha, .batch = pipeline, .ctx = &x, .ops_per_batch = 1000,
                       .batches = 1001 };
    bench_run(&s, &out[0]);
    free(x.ring);
    return 1;
}
