/*
 * The security gate's proof-free path: request checks, P1 with the owner and
 * token hash read from the same slot, the tier check and the witness append,
 * one full rvm_sec_gate_check per operation.
 *
 * security_gate_p1, the figure the <= 20 ns target is stated for, runs over a
 * log in chain mode 2 with the FNV-1a digest: the log's supported fast
 * configuration, and the digest the Rust reference's 17 ns figure used. Mode
 * 2 chains the record's content word by word; mode 1 hashes prev ‖ sequence
 * byte by byte, sixteen dependent multiplies on the chain's critical path
 * (17-20 ns for the append alone), which says more about that chain than
 * about the gate: security_gate_p1_fnv_mode1 keeps it on record.
 * security_gate_p1_sha256 is the same call over the default log (mode 2,
 * SHA-256), whose append alone costs about 39 ns.
 */
#include <stdlib.h>

#include <rvm/action_kind.h>
#include <rvm/cap_manager.h>
#include <rvm/proof_policy.h>
#include <rvm/sec_gate.h>
#include <rvm/sha256.h>
#include <rvm/witness_log.h>

#include "benches.h"

#define OWNER 5u
#define CAPS 64u    /* handles the loop cycles through; a power of two */
#define RING 4096u

RVM_CAP_STORAGE_DEFINE(bench_sec_table, 256, 64);

typedef struct sec_ctx {
    rvm_cap_manager_t m;
    rvm_witness_log_t log;
    rvm_witness_record_t *ring;
    rvm_nonce_ring_t nonces;
    rvm_proof_policy_t policy;
    rvm_sec_gate_t gate;
    rvm_sec_request_t req[CAPS];
} sec_ctx_t;

static void must(rvm_err_t e)
{
    if (e != RVM_OK) {
        abort();
    }
}

static void gate_p1(void *c, uint64_t first, uint64_t ops)
{
    sec_ctx_t *x = c;
    rvm_sec_response_t resp;
    uint64_t acc = 0;
    for (uint64_t i = first; i < first + ops; i++) {
        must(rvm_sec_gate_check(&x->gate, &x->req[i & (CAPS - 1)], &resp));
        acc += resp.witness_sequence;
    }
    bench_sink(acc);
}

/* Sets up the table, a log with the given chain mode and digest, and one request per capability. */
static void open_ctx(sec_ctx_t *x, uint8_t chain_mode, uint8_t digest)
{
    rvm_witness_config_t wc;
    rvm_witness_config_default(&wc);
    wc.chain_mode = chain_mode;
    wc.digest = digest;
    must(rvm_witness_log_init(&x->log, x->ring, RING, &wc));
    must(rvm_nonce_ring_init(&x->nonces, false));
    must(rvm_cap_manager_init(&x->m, &bench_sec_table, NULL, &x->log, &x->nonces));
    must(rvm_proof_policy_init(&x->policy, false));
    rvm_sec_gate_config_t gc;
    rvm_sec_gate_config_default(&gc);
    gc.chain_mode = chain_mode;
    gc.digest = digest;
    must(rvm_sec_gate_init(&x->gate, &x->m, &x->log, &x->policy, &gc));
    for (uint32_t i = 0; i < CAPS; i++) {
        rvm_cap_handle_t h;
        must(rvm_cap_create_root(&x->m, RVM_PARTITION_HYPERVISOR, RVM_OBJ_PARTITION, 100 + i, RVM_RIGHT_WRITE, 0,
                                 OWNER, &h));
        x->req[i] = (rvm_sec_request_t){ .caller = OWNER,
                                         .handle = h,
                                         .required_type = RVM_OBJ_PARTITION,
                                         .required_rights = RVM_RIGHT_WRITE,
                                         .action = RVM_ACTION_PARTITION_RESUME,
                                         .target_object_id = 100 + i,
                                         .timestamp_ns = 1 };
    }
}

size_t bench_sec(bench_result_t *out)
{
    static sec_ctx_t x;
    x.ring = aligned_alloc(64, RING * sizeof(rvm_witness_record_t));
    if (x.ring == NULL) {
        abort();
    }
    size_t n = 0;
    open_ctx(&x, RVM_WITNESS_CHAIN_CONTENT, RVM_WITNESS_DIGEST_FNV1A);
    bench_spec_t s = { .name = "security_gate_p1", .impl = "fnv-mode2", .batch = gate_p1, .ctx = &x,
                       .ops_per_batch = 10000, .batches = 201 };
    bench_run(&s, &out[n++]);

    open_ctx(&x, RVM_WITNESS_CHAIN_SEQUENCE, RVM_WITNESS_DIGEST_FNV1A);
    s = (bench_spec_t){ .name = "security_gate_p1_fnv_mode1", .impl = "fnv-mode1", .batch = gate_p1, .ctx = &x,
                        .ops_per_batch = 10000, .batches = 201 };
    bench_run(&s, &out[n++]);

    open_ctx(&x, RVM_WITNESS_CHAIN_CONTENT, RVM_WITNESS_DIGEST_SHA256);
    s = (bench_spec_t){ .name = "security_gate_p1_sha256", .impl = rvm_sha256_impl_name(rvm_sha256_active_impl()),
                        .batch = gate_p1, .ctx = &x, .ops_per_batch = 10000, .batches = 201 };
    bench_run(&s, &out[n++]);
    free(x.ring);
    return n;
}
